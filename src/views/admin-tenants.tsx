import type { TenantDetails, TenantListFilter, TenantListRow, TenantStatus } from '../services/platform/tenants';
import type { ShopOwners } from '../services/platform/owners';
import { t, type MessageKey } from '../i18n/es-DO';
import { ErrorSummary, Field, LiveSearchForm, Notice, ResultsTable, SelectField, TextAreaField } from './components';
import type { FieldErrors } from '../errors';
import { formatDateTime } from '../domain/dates';
import { formatDate } from './users';
import { auditActionLabel, detailText, operationLabel, outcomeLabel, stepLabel } from './admin-labels';

export const statusLabel = (status: TenantStatus) => t(`adminTenants.status.${status}` as MessageKey);

export function StatusBadge(props: { status: TenantStatus }) {
  const warn = props.status !== 'active';
  return <span class={warn ? 'badge badge-warn' : 'badge'}>{statusLabel(props.status)}</span>;
}

function SchemaVersion(props: { version: number; latest: number }) {
  return (
    <span class={props.version < props.latest ? 'schema-behind' : undefined}>
      {props.version}/{props.latest}
      {props.version < props.latest ? ` (${t('adminTenants.schemaBehind')})` : ''}
    </span>
  );
}

/** The list's URL; `cursor` is the opaque next-page cursor the route encoded. */
export function tenantListHref(filter: TenantListFilter, cursor: string | null = null): string {
  const params = new URLSearchParams();
  if (filter.q) params.set('q', filter.q);
  if (filter.status) params.set('status', filter.status);
  if (filter.clientId) params.set('client', filter.clientId);
  if (filter.behind) params.set('behind', '1');
  if (cursor) params.set('cursor', cursor);
  const query = params.toString();
  return `/admin/tenants${query ? `?${query}` : ''}`;
}

export function TenantTable(props: {
  rows: TenantListRow[];
  filter: TenantListFilter;
  /** The encoded cursor of the next page. */
  nextCursor: string | null;
  latest: number;
}) {
  return (
    <ResultsTable
      id="tenant-results"
      live={false}
      empty={t('adminTenants.empty')}
      emptyClass="empty"
      columns={[
        { label: t('adminTenants.id') },
        { label: t('adminTenants.name') },
        { label: t('adminTenants.domains') },
        { label: t('adminTenants.client') },
        { label: t('adminTenants.status') },
        { label: t('adminTenants.schema') },
        { label: t('adminTenants.createdAt') },
      ]}
      rows={props.rows}
      row={(row) => (
        <tr>
          <td>
            <a href={`/admin/tenants/${row.id}`}>
              <code>{row.id}</code>
            </a>
          </td>
          <td>{row.name}</td>
          <td>{row.domains.join(', ') || '—'}</td>
          <td>{row.clientName ?? '—'}</td>
          <td>
            <StatusBadge status={row.status} />
          </td>
          <td>
            <SchemaVersion version={row.schemaVersion} latest={props.latest} />
          </td>
          <td>{formatDate(row.createdAt)}</td>
        </tr>
      )}
      pager={{
        nextHref: props.nextCursor ? tenantListHref(props.filter, props.nextCursor) : null,
        firstHref: props.filter.after ? tenantListHref(props.filter) : null,
        nextLabel: t('adminTenants.next'),
        firstLabel: t('adminTenants.first'),
      }}
    />
  );
}

export function TenantListPage(props: {
  rows: TenantListRow[];
  filter: TenantListFilter;
  /** The encoded cursor of the next page. */
  nextCursor: string | null;
  latest: number;
  clients: Array<{ value: string; label: string }>;
}) {
  const { filter } = props;
  return (
    <>
      <div class="page-head">
        <div>
          <h1>{t('adminTenants.title')}</h1>
          <p class="lead">{t('adminTenants.lead')}</p>
        </div>
        <a class="button button-primary" href="/admin/tenants/new">
          {t('adminTenants.new')}
        </a>
      </div>
      <div class="tenant-filters">
        <LiveSearchForm action="/admin/tenants" target="#tenant-results" filters={['status', 'client', 'behind']}>
          <Field name="q" label={t('adminTenants.search')} type="search" value={filter.q} inputmode="search" />
          <SelectField
            name="status"
            label={t('adminTenants.filterStatus')}
            value={filter.status}
            blank={t('adminTenants.all')}
            options={(['provisioning', 'active', 'suspended', 'failed', 'deleting'] as const).map((status) => ({
              value: status,
              label: statusLabel(status),
            }))}
          />
          <SelectField
            name="client"
            label={t('adminTenants.filterClient')}
            value={filter.clientId}
            blank={t('adminTenants.all')}
            options={props.clients}
          />
          <label class="choice">
            <input type="checkbox" id="field-behind" name="behind" value="1" checked={filter.behind} />
            {t('adminTenants.filterBehind')}
          </label>
          <button type="submit" class="button">
            {t('adminTenants.filter')}
          </button>
        </LiveSearchForm>
      </div>
      <TenantTable rows={props.rows} filter={filter} nextCursor={props.nextCursor} latest={props.latest} />
      <section class="card">
        <form method="post" action="/admin/tenants/migrate" hx-boost="false">
          <p class="hint">{t('adminTenants.migrateHint', { latest: props.latest })}</p>
          <button type="submit" class="button">
            {t('adminTenants.migratePending')}
          </button>
        </form>
      </section>
    </>
  );
}

export type NewTenantValues = Partial<
  Record<'id' | 'name' | 'subdomain' | 'clientId' | 'ownerEmail' | 'ownerName' | 'placement', string | null>
>;

export function NewTenantForm(props: {
  values: NewTenantValues;
  errors?: FieldErrors;
  clients: Array<{ value: string; label: string }>;
  placements: readonly string[];
  defaultPlacement: string;
}) {
  const { values, errors } = props;
  return (
    <section class="card" id="tenant-form">
      <h1>{t('adminTenants.new')}</h1>
      <ErrorSummary errors={errors} />
      <form method="post" action="/admin/tenants/new" hx-boost="false" novalidate>
        <div class="form-grid">
          <Field
            name="id"
            label={t('adminTenants.id')}
            value={values.id}
            errors={errors}
            required
            hint={t('adminTenants.idHint')}
            attrs={{ maxlength: '63', autocapitalize: 'none', spellcheck: 'false' }}
          />
          <Field name="name" label={t('adminTenants.name')} value={values.name} errors={errors} required />
          <Field
            name="subdomain"
            label={t('adminTenants.subdomain')}
            value={values.subdomain}
            errors={errors}
            hint={t('adminTenants.subdomainHint')}
            attrs={{ autocapitalize: 'none', spellcheck: 'false' }}
          />
          <SelectField
            name="clientId"
            label={t('adminTenants.client')}
            value={values.clientId}
            errors={errors}
            blank={t('adminTenants.noClient')}
            options={props.clients}
          />
          <Field
            name="ownerEmail"
            label={t('adminTenants.ownerEmail')}
            type="email"
            value={values.ownerEmail}
            errors={errors}
            hint={t('adminTenants.ownerEmailHint')}
          />
          <Field
            name="ownerName"
            label={t('adminTenants.ownerName')}
            value={values.ownerName}
            errors={errors}
            hint={t('adminTenants.ownerNameHint')}
          />
          <SelectField
            name="placement"
            label={t('adminTenants.placement')}
            value={values.placement ?? props.defaultPlacement}
            errors={errors}
            required
            options={props.placements.map((kind) => ({
              value: kind,
              label: t(`adminTenants.placement.${kind}` as MessageKey),
            }))}
          />
        </div>
        <div class="actions">
          <button type="submit" class="button button-primary">
            {t('adminTenants.create')}
          </button>
        </div>
      </form>
    </section>
  );
}

export interface TenantPageForms {
  notice?: string | null;
  editErrors?: FieldErrors;
  editValues?: { name?: string | null; clientId?: string | null };
  domainErrors?: FieldErrors;
  domainValue?: string | null;
  deleteErrors?: FieldErrors;
  statusError?: string | null;
  ownerErrors?: FieldErrors;
  ownerValues?: { email?: string | null; name?: string | null };
  /** The one-time set-password link just issued: shown in this answer only. */
  ownerLink?: { email: string; name: string; url: string; expiresAt: Date };
}

/** Who can sign in to the shop, and the invitation of its first owner while there is none. */
function OwnerSection(props: { base: string; owners: ShopOwners; forms: TenantPageForms }) {
  const { owners, forms } = props;
  const link = forms.ownerLink;
  return (
    <section class="card" id="tenant-owner">
      <h2>{t('adminTenants.owner.title')}</h2>
      {link ? (
        <div class="alert alert-info" role="status">
          <p>
            {t('adminTenants.owner.link', {
              name: link.name,
              email: link.email,
              expires: formatDateTime(link.expiresAt),
            })}
          </p>
          <p>
            <code>{link.url}</code>
          </p>
        </div>
      ) : null}
      {owners.active ? (
        <>
          {/* No form to mark when the shop has an owner: the refusal itself is the message. */}
          <ErrorSummary message={forms.ownerErrors ? Object.values(forms.ownerErrors).join(' ') : null} />
          <p>{t('adminTenants.owner.active', { name: owners.active.name, email: owners.active.email })}</p>
        </>
      ) : (
        <>
          <ErrorSummary errors={forms.ownerErrors} />
          <p>{t('adminTenants.owner.none')}</p>
          {owners.invited.map((owner) => (
            <p class="hint">{t('adminTenants.owner.pending', { name: owner.name, email: owner.email })}</p>
          ))}
          <form method="post" action={`${props.base}/owner`} hx-boost="false" novalidate>
            <div class="form-grid">
              <Field
                name="email"
                label={t('adminTenants.ownerEmail')}
                type="email"
                value={forms.ownerValues?.email}
                errors={forms.ownerErrors}
                required
              />
              <Field
                name="name"
                label={t('adminTenants.ownerName')}
                value={forms.ownerValues?.name}
                errors={forms.ownerErrors}
                required
                hint={t('adminTenants.ownerNameHint')}
              />
            </div>
            <button type="submit" class="button button-primary">
              {t('adminTenants.owner.invite')}
            </button>
          </form>
        </>
      )}
    </section>
  );
}

export function TenantPage(props: {
  details: TenantDetails;
  owners: ShopOwners | null;
  latest: number;
  clients: Array<{ value: string; label: string }>;
  shopUrl: (hostname: string) => string;
  forms?: TenantPageForms;
}) {
  const { tenant, domains, log, jobs, audit } = props.details;
  const forms = props.forms ?? {};
  const base = `/admin/tenants/${tenant.id}`;
  return (
    <>
      <div class="page-head">
        <div>
          <h1>
            {tenant.name} <code>{tenant.id}</code>
          </h1>
          <p class="lead">
            <StatusBadge status={tenant.status} />
          </p>
        </div>
        <div class="actions">
          {props.owners && !props.owners.active ? (
            <p class="hint">
              {t('adminTenants.owner.noSupport')} <a href="#tenant-owner">{t('adminTenants.owner.invite')}</a>
            </p>
          ) : (
            <form method="post" action={`${base}/impersonate`} hx-boost="false">
              <button type="submit" class="button" disabled={tenant.status !== 'active'}>
                {t('adminTenants.impersonate')}
              </button>
            </form>
          )}
          <a class="button" href={`${base}/backups`}>
            {t('adminTenants.backups')}
          </a>
        </div>
      </div>
      {forms.notice ? <Notice>{forms.notice}</Notice> : null}
      {forms.statusError ? <ErrorSummary message={forms.statusError} /> : null}
      <section class="card">
        <h2>{t('adminTenants.details')}</h2>
        <dl class="tenant-facts">
          <dt>{t('adminTenants.client')}</dt>
          <dd>{props.details.clientName ?? '—'}</dd>
          <dt>{t('adminTenants.placement')}</dt>
          <dd>{tenant.placement}</dd>
          <dt>{t('adminTenants.schema')}</dt>
          <dd>
            <SchemaVersion version={tenant.schemaVersion} latest={props.latest} />
          </dd>
          <dt>{t('adminTenants.createdAt')}</dt>
          <dd>{formatDateTime(tenant.createdAt)}</dd>
          {tenant.suspendedMessage ? (
            <>
              <dt>{t('adminTenants.status')}</dt>
              <dd>{t('adminTenants.suspendedWith', { message: tenant.suspendedMessage })}</dd>
            </>
          ) : null}
          {tenant.lastError ? (
            <>
              <dt>{t('adminTenants.lastError')}</dt>
              <dd class="error-text">{tenant.lastError}</dd>
            </>
          ) : null}
        </dl>
      </section>

      {props.owners ? <OwnerSection base={base} owners={props.owners} forms={forms} /> : null}

      <section class="card" id="tenant-edit">
        <h2>{t('adminTenants.edit')}</h2>
        <ErrorSummary errors={forms.editErrors} />
        <form method="post" action={base} hx-boost="false" novalidate>
          <div class="form-grid">
            <Field
              name="name"
              label={t('adminTenants.name')}
              value={forms.editValues?.name ?? tenant.name}
              errors={forms.editErrors}
              required
            />
            <SelectField
              name="clientId"
              label={t('adminTenants.client')}
              value={forms.editValues?.clientId ?? tenant.clientId}
              errors={forms.editErrors}
              blank={t('adminTenants.noClient')}
              options={props.clients}
            />
          </div>
          <button type="submit" class="button button-primary">
            {t('adminTenants.save')}
          </button>
        </form>
      </section>

      <section class="card" id="tenant-domains">
        <h2>{t('adminTenants.domains')}</h2>
        <ul class="domain-list">
          {domains.map((hostname) => (
            <li>
              <a href={props.shopUrl(hostname)}>{hostname}</a>
              <form method="post" action={`${base}/domains/remove`} hx-boost="false" class="inline-form">
                <input type="hidden" name="domain" value={hostname} />
                <button
                  type="submit"
                  class="button button-small"
                  aria-label={`${t('adminTenants.removeDomain')}: ${hostname}`}
                >
                  {t('adminTenants.removeDomain')}
                </button>
              </form>
            </li>
          ))}
        </ul>
        <ErrorSummary errors={forms.domainErrors} />
        <form method="post" action={`${base}/domains`} hx-boost="false" novalidate>
          <Field
            name="domain"
            label={t('adminTenants.domain')}
            value={forms.domainValue}
            errors={forms.domainErrors}
            required
            hint={t('adminTenants.domainHint')}
            attrs={{ autocapitalize: 'none', spellcheck: 'false' }}
          />
          <button type="submit" class="button">
            {t('adminTenants.addDomain')}
          </button>
        </form>
      </section>

      <section class="card" id="tenant-status">
        <h2>{t('adminTenants.status')}</h2>
        {tenant.status === 'active' ? (
          <form method="post" action={`${base}/suspend`} hx-boost="false">
            <TextAreaField name="message" label={t('adminTenants.suspendMessage')} rows={2} />
            <button type="submit" class="button">
              {t('adminTenants.suspend')}
            </button>
          </form>
        ) : null}
        {tenant.status === 'suspended' ? (
          <form method="post" action={`${base}/resume`} hx-boost="false">
            <button type="submit" class="button button-primary">
              {t('adminTenants.resume')}
            </button>
          </form>
        ) : null}
        {tenant.status !== 'active' && tenant.status !== 'suspended' ? <p>{statusLabel(tenant.status)}</p> : null}
      </section>

      <section class="card" id="tenant-jobs">
        <h2>{t('adminTenants.recentJobs')}</h2>
        {jobs.length === 0 ? (
          <p class="empty">{t('adminTenants.none')}</p>
        ) : (
          <ul>
            {jobs.map((job) => (
              <li>
                <a href={`/admin/jobs/${job.id}`}>{t(`adminTenants.jobs.kind.${job.kind}` as MessageKey)}</a> ·{' '}
                {t(`adminTenants.jobs.status.${job.status}` as MessageKey)} · {formatDateTime(job.createdAt)}
              </li>
            ))}
          </ul>
        )}
      </section>

      <section class="card" id="tenant-log">
        <h2>{t('adminTenants.provisioningLog')}</h2>
        {log.length === 0 ? (
          <p class="empty">{t('adminTenants.none')}</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th scope="col">{t('adminTenants.when')}</th>
                <th scope="col">{t('adminTenants.operation')}</th>
                <th scope="col">{t('adminTenants.step')}</th>
                <th scope="col">{t('adminTenants.outcome')}</th>
                <th scope="col">{t('adminTenants.message')}</th>
              </tr>
            </thead>
            <tbody>
              {log.map((entry) => (
                <tr>
                  <td>{formatDateTime(entry.createdAt)}</td>
                  <td>{operationLabel(entry.operation)}</td>
                  <td>{stepLabel(entry.step)}</td>
                  <td>{outcomeLabel(entry.outcome)}</td>
                  <td>{entry.message ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      <section class="card" id="tenant-audit">
        <h2>{t('adminTenants.recentAudit')}</h2>
        {audit.length === 0 ? (
          <p class="empty">{t('adminTenants.none')}</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th scope="col">{t('adminTenants.when')}</th>
                <th scope="col">{t('adminTenants.who')}</th>
                <th scope="col">{t('adminTenants.action')}</th>
              </tr>
            </thead>
            <tbody>
              {audit.map((entry) => (
                <tr>
                  <td>{formatDateTime(entry.createdAt)}</td>
                  <td>{entry.adminEmail ?? '—'}</td>
                  <td>
                    {auditActionLabel(entry.action)}
                    {entry.details ? (
                      <span class="hint"> · {detailText(entry.details as Record<string, unknown>)}</span>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      <section class="card danger-zone" id="tenant-delete">
        <h2>{t('adminTenants.delete')}</h2>
        <p>{t('adminTenants.deleteWarning')}</p>
        <ErrorSummary errors={forms.deleteErrors} />
        <form method="post" action={`${base}/delete`} hx-boost="false" novalidate>
          <Field
            name="confirm"
            label={t('adminTenants.deleteConfirm')}
            errors={forms.deleteErrors}
            required
            attrs={{ autocomplete: 'off', spellcheck: 'false' }}
          />
          <button type="submit" class="button button-danger">
            {t('adminTenants.delete')}
          </button>
        </form>
      </section>
    </>
  );
}
