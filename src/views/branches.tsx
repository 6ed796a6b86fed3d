import type { Branch } from '../queries/branches';
import { t } from '../i18n/es-DO';
import { ErrorSummary, Field, Notice } from './components';
import type { FieldErrors } from '../errors';

export type BranchFormValues = Partial<Record<'name' | 'code' | 'address' | 'phone', string | null>> & {
  active?: boolean;
};

export function BranchList(props: { branches: Branch[]; canManage: boolean; notice?: string | null }) {
  return (
    <>
      <div class="page-head">
        <div>
          <h1>{t('branches.title')}</h1>
          <p class="lead">{t('branches.lead')}</p>
        </div>
        {props.canManage ? (
          <a class="button button-primary" href="/branches/new">
            {t('branches.new')}
          </a>
        ) : null}
      </div>
      {props.notice ? <Notice>{props.notice}</Notice> : null}
      {props.branches.length === 0 ? (
        <p class="empty">{t('branches.empty')}</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">{t('branches.code')}</th>
              <th scope="col">{t('branches.name')}</th>
              <th scope="col">{t('branches.address')}</th>
              <th scope="col">{t('branches.phone')}</th>
              <th scope="col">{t('branches.status')}</th>
              {props.canManage ? <th scope="col">{t('branches.actions')}</th> : null}
            </tr>
          </thead>
          <tbody>
            {props.branches.map((branch) => (
              <tr>
                <td>
                  <code>{branch.code}</code>
                </td>
                <td>{branch.name}</td>
                <td>{branch.address ?? '—'}</td>
                <td>{branch.phone ?? '—'}</td>
                <td>
                  <span class={branch.active ? 'badge' : 'badge badge-warn'}>
                    {branch.active ? t('branches.statusActive') : t('branches.statusInactive')}
                  </span>
                </td>
                {props.canManage ? (
                  <td>
                    <a
                      class="button button-small"
                      href={`/branches/${branch.id}`}
                      aria-label={`${t('branches.edit')}: ${branch.name}`}
                    >
                      {t('branches.edit')}
                    </a>
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

/** Create (no `id`) or edit form. */
export function BranchForm(props: {
  id?: string;
  values: BranchFormValues;
  errors?: FieldErrors;
  message?: string | null;
  saved?: boolean;
}) {
  const { values, errors } = props;
  const action = props.id ? `/branches/${props.id}` : '/branches';
  return (
    <section class="card" id="branch-form">
      <h1>{props.id ? t('branches.edit') : t('branches.new')}</h1>
      {props.saved ? <Notice>{t('branches.saved')}</Notice> : null}
      <ErrorSummary errors={errors} message={props.message} />
      <form method="post" action={action} hx-boost="false" novalidate>
        <div class="form-grid">
          <Field name="name" label={t('branches.name')} value={values.name} errors={errors} required />
          <Field
            name="code"
            label={t('branches.code')}
            value={values.code}
            errors={errors}
            required
            hint={t('branches.codeHint')}
            attrs={{ style: 'text-transform: uppercase', maxlength: '20', autocapitalize: 'characters' }}
          />
          <Field
            name="address"
            label={t('branches.address')}
            value={values.address}
            errors={errors}
            autocomplete="street-address"
          />
          <Field
            name="phone"
            label={t('branches.phone')}
            value={values.phone}
            errors={errors}
            inputmode="tel"
            autocomplete="tel"
          />
        </div>
        {props.id ? (
          <div class="field">
            <label class="choice">
              <input
                type="checkbox"
                name="active"
                value="on"
                checked={values.active !== false}
                aria-describedby="field-active-hint"
              />{' '}
              {t('branches.active')}
            </label>
            <p class="hint" id="field-active-hint">
              {t('branches.activeHint')}
            </p>
          </div>
        ) : null}
        <div class="actions">
          <button type="submit" class="button-primary">
            {props.id ? t('branches.save') : t('branches.create')}
          </button>
          <a class="button" href="/branches">
            {t('branches.cancel')}
          </a>
        </div>
      </form>
    </section>
  );
}
