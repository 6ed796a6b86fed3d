import type { Company, CurrencyOption } from '../queries/company';
import { t } from '../i18n/es-DO';
import { ErrorSummary, Field, Notice, SelectField, TextAreaField } from './components';
import type { FieldErrors } from '../errors';

export type CompanyFormValues = Partial<
  Record<'name' | 'rnc' | 'address' | 'phones' | 'email' | 'invoiceFooter' | 'defaultCurrency', string | null>
>;

export function companyFormValues(company: Company): CompanyFormValues {
  return {
    name: company.name,
    rnc: company.rnc,
    address: company.address,
    phones: company.phones,
    email: company.email,
    invoiceFooter: company.invoiceFooter,
    defaultCurrency: company.defaultCurrency,
  };
}

/** The settings form (or, for roles that may only look, the same data read-only). */
export function CompanyForm(props: {
  values: CompanyFormValues;
  currencies: CurrencyOption[];
  canManage: boolean;
  errors?: FieldErrors;
  saved?: boolean;
}) {
  const { values, errors } = props;
  if (!props.canManage) return <CompanyReadOnly values={values} currencies={props.currencies} />;
  return (
    <section class="card" id="company-form">
      <h2>{t('company.general')}</h2>
      {props.saved ? <Notice>{t('company.saved')}</Notice> : null}
      <ErrorSummary errors={errors} />
      <form method="post" action="/company" hx-boost="false" novalidate>
        <div class="form-grid">
          <Field
            name="name"
            label={t('company.name')}
            value={values.name}
            errors={errors}
            required
            autocomplete="organization"
          />
          <Field
            name="rnc"
            label={t('company.rnc')}
            value={values.rnc}
            errors={errors}
            inputmode="numeric"
            hint={t('company.rncHint')}
          />
          <Field
            name="phones"
            label={t('company.phones')}
            value={values.phones}
            errors={errors}
            inputmode="tel"
            autocomplete="tel"
          />
          <Field
            name="email"
            type="email"
            label={t('company.email')}
            value={values.email}
            errors={errors}
            inputmode="email"
            autocomplete="email"
          />
          <Field
            name="address"
            label={t('company.address')}
            value={values.address}
            errors={errors}
            autocomplete="street-address"
          />
          <SelectField
            name="defaultCurrency"
            label={t('company.defaultCurrency')}
            value={values.defaultCurrency}
            errors={errors}
            options={props.currencies.map((currency) => ({
              value: currency.code,
              label: `${currency.code} · ${currency.name}`,
            }))}
          />
        </div>
        <TextAreaField
          name="invoiceFooter"
          label={t('company.invoiceFooter')}
          value={values.invoiceFooter}
          errors={errors}
          hint={t('company.invoiceFooterHint')}
        />
        <div class="actions">
          <button type="submit" class="button-primary">
            {t('company.save')}
          </button>
        </div>
      </form>
    </section>
  );
}

function CompanyReadOnly(props: { values: CompanyFormValues; currencies: CurrencyOption[] }) {
  const { values } = props;
  const rows: Array<[string, string | null | undefined]> = [
    [t('company.name'), values.name],
    [t('company.rnc'), values.rnc],
    [t('company.address'), values.address],
    [t('company.phones'), values.phones],
    [t('company.email'), values.email],
    [t('company.defaultCurrency'), values.defaultCurrency],
    [t('company.invoiceFooter'), values.invoiceFooter],
  ];
  return (
    <section class="card" id="company-form">
      <h2>{t('company.general')}</h2>
      <p class="hint">{t('company.readOnly')}</p>
      <table>
        <tbody>
          {rows.map(([label, value]) => (
            <tr>
              <th scope="row">{label}</th>
              <td>{value || t('company.notSet')}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

export function LogoForm(props: {
  hasLogo: boolean;
  canManage: boolean;
  error?: string | null;
  notice?: string | null;
}) {
  return (
    <section class="card" id="company-logo" style="margin-top: 1.25rem">
      <h2>{t('company.logo')}</h2>
      {props.notice ? <Notice>{props.notice}</Notice> : null}
      {props.hasLogo ? (
        <p>
          <img
            src={`/company/logo?v=${Date.now()}`}
            alt={t('company.logoCurrent')}
            style="max-height: 6rem; max-width: 100%; border: 1px solid var(--line); border-radius: 0.35rem; padding: 0.25rem; background: #fff"
          />
        </p>
      ) : (
        <p class="hint">{t('company.logoNone')}</p>
      )}
      {props.canManage ? (
        <>
          <ErrorSummary message={props.error ?? null} />
          <form method="post" action="/company/logo" enctype="multipart/form-data" hx-boost="false">
            <div class={`field${props.error ? ' field-invalid' : ''}`}>
              <label for="field-logo">{t('company.logoFile')}</label>
              <input
                id="field-logo"
                name="logo"
                type="file"
                accept="image/png,image/jpeg,image/webp"
                required
                aria-invalid={props.error ? 'true' : undefined}
                aria-describedby={`field-logo-hint${props.error ? ' field-logo-error' : ''}`}
              />
              <p class="hint" id="field-logo-hint">
                {t('company.logoHint')}
              </p>
              {props.error ? (
                <p class="error-text" id="field-logo-error">
                  {props.error}
                </p>
              ) : null}
            </div>
            <div class="actions">
              <button type="submit" class="button-primary">
                {t('company.logoUpload')}
              </button>
            </div>
          </form>
          {props.hasLogo ? (
            <form method="post" action="/company/logo/delete" hx-boost="false" class="actions">
              <button type="submit" class="button-danger button-small">
                {t('company.logoRemove')}
              </button>
            </form>
          ) : null}
        </>
      ) : null}
    </section>
  );
}

export function CompanyPage(props: { form: Parameters<typeof CompanyForm>[0]; logo: Parameters<typeof LogoForm>[0] }) {
  return (
    <>
      <div class="page-head">
        <div>
          <h1>{t('company.title')}</h1>
          <p class="lead">{t('company.lead')}</p>
        </div>
      </div>
      <CompanyForm {...props.form} />
      <LogoForm {...props.logo} />
    </>
  );
}
