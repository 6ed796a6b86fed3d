import { t } from '../i18n/es-DO';
import type { TaxWithUsage } from '../queries/taxes';
import { CheckboxField, ErrorSummary, Field, Notice } from './components';
import type { FieldErrors } from '../errors';

export interface TaxFormValues {
  code?: string;
  name?: string;
  rate?: string;
  exempt?: boolean;
  active?: boolean;
}

/** `18.00` -> `18.00 %`. */
export const formatTaxRate = (rate: string) => `${rate} %`;

/** Values of a submitted form, as typed (checkboxes as booleans). */
export function submittedTax(form: Record<string, unknown>): TaxFormValues {
  const text = (name: string) => (typeof form[name] === 'string' ? (form[name] as string) : undefined);
  const checked = (name: string) => form[name] === 'on' || form[name] === true || form[name] === 'true';
  return {
    code: text('code'),
    name: text('name'),
    rate: text('rate'),
    exempt: checked('exempt'),
    active: checked('active'),
  };
}

export function NewTaxForm(props: { values: TaxFormValues; errors?: FieldErrors }) {
  const { values, errors } = props;
  return (
    <section class="card" aria-labelledby="new-tax-title">
      <h2 id="new-tax-title">{t('taxes.add')}</h2>
      <ErrorSummary errors={errors} />
      <form method="post" action="/taxes" hx-boost="false" novalidate>
        <div class="form-grid">
          <Field
            name="code"
            label={t('taxes.field.code')}
            value={values.code}
            errors={errors}
            required
            hint={t('taxes.hint.code')}
            attrs={{ maxlength: '20', autocapitalize: 'characters' }}
          />
          <Field
            name="name"
            label={t('taxes.field.name')}
            value={values.name}
            errors={errors}
            required
            attrs={{ maxlength: '100' }}
          />
          <Field
            name="rate"
            label={t('taxes.field.rate')}
            value={values.rate}
            errors={errors}
            inputmode="decimal"
            hint={t('taxes.hint.rate')}
          />
        </div>
        <CheckboxField name="exempt" label={t('taxes.field.exempt')} checked={values.exempt ?? false} />
        <div class="actions">
          <button type="submit" class="button-primary">
            {t('taxes.add.submit')}
          </button>
        </div>
      </form>
    </section>
  );
}

export function TaxesPage(props: {
  taxes: TaxWithUsage[];
  canManage: boolean;
  notice?: string | null;
  form: { values: TaxFormValues; errors?: FieldErrors } | null;
}) {
  return (
    <>
      <div class="page-head">
        <h1>{t('taxes.title')}</h1>
      </div>
      <p class="lead">{t('taxes.lead')}</p>
      {props.notice ? <Notice>{props.notice}</Notice> : null}
      {props.taxes.length === 0 ? (
        <p class="empty card">{t('taxes.empty')}</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">{t('taxes.field.code')}</th>
              <th scope="col">{t('taxes.field.name')}</th>
              <th scope="col" class="number">
                {t('taxes.field.rate')}
              </th>
              <th scope="col">{t('taxes.field.exempt')}</th>
              <th scope="col">{t('taxes.field.status')}</th>
              <th scope="col" class="number">
                {t('taxes.field.products')}
              </th>
              {props.canManage ? <th scope="col">{t('taxes.edit')}</th> : null}
            </tr>
          </thead>
          <tbody>
            {props.taxes.map((tax) => (
              <tr id={`tax-${tax.id}`}>
                <td>
                  <strong>{tax.code}</strong>
                </td>
                <td>{tax.name}</td>
                <td class="number">{formatTaxRate(tax.rate)}</td>
                <td>{tax.exempt ? t('taxes.yes') : t('taxes.no')}</td>
                <td>
                  {tax.active ? (
                    <span class="badge">{t('taxes.active')}</span>
                  ) : (
                    <span class="badge badge-warn">{t('taxes.inactive')}</span>
                  )}
                </td>
                <td class="number">{tax.productCount}</td>
                {props.canManage ? (
                  <td>
                    <a
                      class="button button-small"
                      href={`/taxes/${tax.id}`}
                      aria-label={`${t('taxes.edit')} ${tax.code}`}
                    >
                      {t('taxes.edit')}
                    </a>
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {props.form ? (
        <div style="margin-top: 1.5rem">
          <NewTaxForm {...props.form} />
        </div>
      ) : null}
    </>
  );
}

export function TaxEditPage(props: {
  tax: TaxWithUsage;
  values?: TaxFormValues;
  errors?: FieldErrors;
  notice?: string | null;
}) {
  const { tax, errors } = props;
  const values = props.values ?? {
    code: tax.code,
    name: tax.name,
    rate: tax.rate,
    exempt: tax.exempt,
    active: tax.active,
  };
  const locked = tax.productCount > 0;
  return (
    <>
      <div class="page-head">
        <h1>{t('taxes.edit.title', { code: tax.code })}</h1>
        <a class="button" href="/taxes">
          {t('taxes.back')}
        </a>
      </div>
      {props.notice ? <Notice>{props.notice}</Notice> : null}
      <form method="post" action={`/taxes/${tax.id}`} hx-boost="false" novalidate class="card">
        <ErrorSummary errors={errors} message={errors?._form ?? null} />
        {locked ? (
          <>
            <input type="hidden" name="locked" value="1" />
            <dl>
              <dt>{t('taxes.field.code')}</dt>
              <dd>{tax.code}</dd>
              <dt>{t('taxes.field.rate')}</dt>
              <dd>{formatTaxRate(tax.rate)}</dd>
              <dt>{t('taxes.field.exempt')}</dt>
              <dd>{tax.exempt ? t('taxes.yes') : t('taxes.no')}</dd>
            </dl>
            <p class="hint">{t('taxes.hint.locked', { count: tax.productCount })}</p>
          </>
        ) : null}
        <div class="form-grid">
          {locked ? null : (
            <Field
              name="code"
              label={t('taxes.field.code')}
              value={values.code}
              errors={errors}
              required
              hint={t('taxes.hint.code')}
              attrs={{ maxlength: '20', autocapitalize: 'characters' }}
            />
          )}
          <Field
            name="name"
            label={t('taxes.field.name')}
            value={values.name}
            errors={errors}
            required
            attrs={{ maxlength: '100' }}
          />
          {locked ? null : (
            <Field
              name="rate"
              label={t('taxes.field.rate')}
              value={values.rate}
              errors={errors}
              inputmode="decimal"
              hint={t('taxes.hint.rate')}
            />
          )}
        </div>
        {locked ? null : (
          <CheckboxField name="exempt" label={t('taxes.field.exempt')} checked={values.exempt ?? false} />
        )}
        <CheckboxField name="active" label={t('taxes.field.active')} checked={values.active ?? true} />
        <div class="actions">
          <button type="submit" class="button-primary">
            {t('taxes.edit.submit')}
          </button>
        </div>
      </form>
      <form
        method="post"
        action={`/taxes/${tax.id}/${tax.active ? 'deactivate' : 'activate'}`}
        hx-boost="false"
        class="actions"
      >
        <button type="submit" class={tax.active ? 'button-danger' : 'button'}>
          {tax.active ? t('taxes.deactivate') : t('taxes.activate')}
        </button>
      </form>
    </>
  );
}
