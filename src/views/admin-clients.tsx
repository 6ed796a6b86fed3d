import type { ClientRow } from '../services/platform/clients';
import { formatTaxId } from '../domain/tax-id';
import { t } from '../i18n/es-DO';
import { ErrorSummary, Field, Notice, ResultsTable } from './components';
import type { FieldErrors } from '../errors';

export type ClientFormValues = Partial<Record<'name' | 'rnc' | 'email' | 'phone', string | null>>;

export function ClientList(props: { clients: Array<ClientRow & { tenantCount: number }>; notice?: string | null }) {
  return (
    <>
      <div class="page-head">
        <div>
          <h1>{t('adminTenants.clients.title')}</h1>
          <p class="lead">{t('adminTenants.clients.lead')}</p>
        </div>
        <a class="button button-primary" href="/admin/clients/new">
          {t('adminTenants.clients.new')}
        </a>
      </div>
      {props.notice ? <Notice>{props.notice}</Notice> : null}
      <ResultsTable
        empty={t('adminTenants.clients.empty')}
        emptyClass="empty"
        columns={[
          { label: t('adminTenants.clients.name') },
          { label: t('adminTenants.clients.rnc') },
          { label: t('adminTenants.clients.email') },
          { label: t('adminTenants.clients.phone') },
          { label: t('adminTenants.clients.tenants') },
        ]}
        rows={props.clients}
        row={(client) => (
          <tr>
            <td>
              <a href={`/admin/clients/${client.id}`}>{client.name}</a>
            </td>
            <td>{client.rnc ? formatTaxId(client.rnc) : '—'}</td>
            <td>{client.email ?? '—'}</td>
            <td>{client.phone ?? '—'}</td>
            <td>
              {client.tenantCount > 0 ? <a href={`/admin/tenants?client=${client.id}`}>{client.tenantCount}</a> : '0'}
            </td>
          </tr>
        )}
      />
    </>
  );
}

/** Create (no `id`) or edit form; the edit page also offers deletion. */
export function ClientForm(props: {
  id?: string;
  values: ClientFormValues;
  errors?: FieldErrors;
  message?: string | null;
  saved?: boolean;
}) {
  const { values, errors } = props;
  const action = props.id ? `/admin/clients/${props.id}` : '/admin/clients/new';
  return (
    <>
      <section class="card" id="client-form">
        <h1>{props.id ? t('adminTenants.clients.edit') : t('adminTenants.clients.new')}</h1>
        {props.saved ? <Notice>{t('adminTenants.clients.saved')}</Notice> : null}
        <ErrorSummary errors={errors} message={props.message} />
        <form method="post" action={action} hx-boost="false" novalidate>
          <div class="form-grid">
            <Field name="name" label={t('adminTenants.clients.name')} value={values.name} errors={errors} required />
            <Field
              name="rnc"
              label={t('adminTenants.clients.rnc')}
              value={values.rnc ? formatTaxId(values.rnc) : values.rnc}
              errors={errors}
              hint={t('adminTenants.clients.rncHint')}
              inputmode="numeric"
            />
            <Field
              name="email"
              label={t('adminTenants.clients.email')}
              type="email"
              value={values.email}
              errors={errors}
              autocomplete="email"
            />
            <Field
              name="phone"
              label={t('adminTenants.clients.phone')}
              type="tel"
              value={values.phone}
              errors={errors}
              autocomplete="tel"
            />
          </div>
          <button type="submit" class="button button-primary">
            {t('adminTenants.clients.save')}
          </button>
        </form>
      </section>
      {props.id ? (
        <section class="card danger-zone">
          <form method="post" action={`/admin/clients/${props.id}/delete`} hx-boost="false">
            <button type="submit" class="button button-danger">
              {t('adminTenants.clients.delete')}
            </button>
          </form>
        </section>
      ) : null}
    </>
  );
}
