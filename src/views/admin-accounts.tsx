import { formatDateTime } from '../domain/dates';
import type { Child } from 'hono/jsx';
import { t, type MessageKey } from '../i18n/es-DO';
import { ErrorSummary, Field, LiveSearchForm, Notice, Pager, SelectField } from './components';
import type { FieldErrors } from '../errors';
import { Layout } from './layout';
import { auditActionLabel, detailText } from './admin-labels';

type AdminWho = { name: string; email: string };

const loginAction = (path: string, next?: string | null) => `${path}${next ? `?next=${encodeURIComponent(next)}` : ''}`;

export function AdminLoginPage(props: {
  email?: string;
  next?: string | null;
  errors?: FieldErrors;
  message?: string | null;
  notice?: string | null;
}) {
  return (
    <Layout title={`${t('admin.login.title')} · ${t('app.name')}`}>
      <section class="card narrow">
        <h1>{t('admin.login.title')}</h1>
        <p class="lead">{t('admin.login.lead')}</p>
        {props.notice ? <Notice>{props.notice}</Notice> : null}
        <ErrorSummary errors={props.errors} message={props.message} />
        <form method="post" action={loginAction('/admin/login', props.next)} novalidate>
          <Field
            name="email"
            type="email"
            label={t('auth.email')}
            value={props.email}
            errors={props.errors}
            required
            autocomplete="username"
            inputmode="email"
          />
          <Field
            name="password"
            type="password"
            label={t('auth.password')}
            errors={props.errors}
            required
            autocomplete="current-password"
          />
          <button type="submit" class="button-primary">
            {t('admin.login.submit')}
          </button>
        </form>
      </section>
    </Layout>
  );
}

export function AdminTotpPage(props: { next?: string | null; errors?: FieldErrors; message?: string | null }) {
  return (
    <Layout title={`${t('admin.totp.title')} · ${t('app.name')}`}>
      <section class="card narrow">
        <h1>{t('admin.totp.title')}</h1>
        <p class="lead">{t('admin.totp.lead')}</p>
        <ErrorSummary errors={props.errors} message={props.message} />
        <form method="post" action={loginAction('/admin/login/totp', props.next)} novalidate>
          <Field
            name="code"
            label={t('admin.totp.code')}
            errors={props.errors}
            required
            autocomplete="one-time-code"
            inputmode="numeric"
            attrs={{ pattern: '[0-9]{6}', maxlength: '6' }}
          />
          <button type="submit" class="button-primary">
            {t('admin.totp.submit')}
          </button>
        </form>
        <form method="post" action="/admin/logout" class="admin-inline-form">
          <button type="submit" class="link-button">
            {t('admin.totp.cancel')}
          </button>
        </form>
      </section>
    </Layout>
  );
}

export function AdminSetPasswordPage(props: {
  email: string;
  token: string;
  errors?: FieldErrors;
  minLength: number;
  maxLength: number;
}) {
  return (
    <Layout title={`${t('admin.setPassword.title')} · ${t('app.name')}`}>
      <section class="card narrow">
        <h1>{t('admin.setPassword.title')}</h1>
        <p class="lead">{t('admin.setPassword.lead', { email: props.email })}</p>
        <ErrorSummary errors={props.errors} />
        <form method="post" action={`/admin/set-password?token=${encodeURIComponent(props.token)}`} novalidate>
          <input type="text" name="username" value={props.email} autocomplete="username" hidden />
          <Field
            name="password"
            type="password"
            label={t('auth.newPassword')}
            errors={props.errors}
            required
            autocomplete="new-password"
            hint={t('validation.passwordLength', { min: props.minLength, max: props.maxLength })}
          />
          <Field
            name="confirm"
            type="password"
            label={t('auth.confirmPassword')}
            errors={props.errors}
            required
            autocomplete="new-password"
          />
          <button type="submit" class="button-primary">
            {t('admin.setPassword.submit')}
          </button>
        </form>
      </section>
    </Layout>
  );
}

const statusLabels: Record<string, MessageKey> = {
  provisioning: 'admin.status.provisioning',
  active: 'admin.status.active',
  suspended: 'admin.status.suspended',
  failed: 'admin.status.failed',
  deleting: 'admin.status.deleting',
};

export interface AuditRow {
  id: number;
  adminEmail: string | null;
  action: string;
  tenantId: string | null;
  details: Record<string, unknown> | null;
  createdAt: Date | string;
}

function AuditTable(props: { lines: AuditRow[] }) {
  if (props.lines.length === 0) return <p>{t('admin.audit.empty')}</p>;
  return (
    <table class="admin-audit">
      <thead>
        <tr>
          <th scope="col">{t('admin.audit.when')}</th>
          <th scope="col">{t('admin.audit.who')}</th>
          <th scope="col">{t('admin.audit.what')}</th>
          <th scope="col">{t('admin.audit.tenant')}</th>
          <th scope="col">{t('admin.audit.details')}</th>
        </tr>
      </thead>
      <tbody>
        {props.lines.map((line) => (
          <tr>
            <td class="nowrap">
              <time datetime={new Date(line.createdAt).toISOString()}>{formatDateTime(line.createdAt)}</time>
            </td>
            <td>{line.adminEmail ?? t('admin.audit.system')}</td>
            <td>{auditActionLabel(line.action)}</td>
            <td>
              {line.tenantId ? (
                <a href={`/admin/audit?tenant=${encodeURIComponent(line.tenantId)}`}>{line.tenantId}</a>
              ) : (
                '—'
              )}
            </td>
            <td class="admin-audit-details">{detailText(line.details)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function AdminDashboard(props: { admin: AdminWho; counts: Record<string, number>; recent: AuditRow[] }) {
  const statuses = Object.entries(props.counts);
  return (
    <>
      <h1>{t('admin.dashboard.title')}</h1>
      <p class="lead">{t('admin.dashboard.lead', { name: props.admin.name })}</p>
      <section class="card">
        <h2>{t('admin.dashboard.tenants')}</h2>
        {statuses.length === 0 ? (
          <p>{t('admin.dashboard.noTenants')}</p>
        ) : (
          <ul class="admin-stats">
            {statuses.map(([status, count]) => (
              <li>
                <a href={`/admin/tenants?status=${encodeURIComponent(status)}`}>
                  <strong>{count}</strong> <span>{statusLabels[status] ? t(statusLabels[status]) : status}</span>
                </a>
              </li>
            ))}
          </ul>
        )}
        <p class="admin-links">
          <a class="button" href="/admin/tenants">
            {t('admin.dashboard.manageTenants')}
          </a>{' '}
          <a class="button" href="/admin/clients">
            {t('admin.dashboard.manageClients')}
          </a>
        </p>
      </section>
      <section class="card">
        <h2>{t('admin.dashboard.recent')}</h2>
        <AuditTable lines={props.recent} />
        <p>
          <a href="/admin/audit">{t('admin.dashboard.allAudit')}</a>
        </p>
      </section>
    </>
  );
}

export interface TotpEnrolment {
  secret: string;
  uri: string;
  /** data: URL of the QR code's SVG. */
  qr: string;
}

export function AdminAccountPage(props: {
  admin: AdminWho;
  totpEnabled: boolean;
  enrolment?: TotpEnrolment | null;
  passwordErrors?: FieldErrors;
  totpErrors?: FieldErrors;
  notice?: string | null;
  passwordDone?: boolean;
  minLength: number;
  maxLength: number;
}) {
  return (
    <>
      <h1>{t('admin.account.title')}</h1>
      <p class="lead">{t('admin.account.lead', { name: props.admin.name, email: props.admin.email })}</p>
      {props.notice ? <Notice>{props.notice}</Notice> : null}
      <section class="card" id="admin-password">
        <h2>{t('admin.account.password')}</h2>
        {props.passwordDone ? <Notice>{t('admin.account.passwordDone')}</Notice> : null}
        <ErrorSummary errors={props.passwordErrors} />
        <form method="post" action="/admin/account/password" novalidate>
          <input type="text" name="username" value={props.admin.email} autocomplete="username" hidden />
          <Field
            name="current"
            type="password"
            label={t('auth.currentPassword')}
            errors={props.passwordErrors}
            required
            autocomplete="current-password"
          />
          <Field
            name="password"
            type="password"
            label={t('auth.newPassword')}
            errors={props.passwordErrors}
            required
            autocomplete="new-password"
            hint={t('validation.passwordLength', { min: props.minLength, max: props.maxLength })}
          />
          <Field
            name="confirm"
            type="password"
            label={t('auth.confirmPassword')}
            errors={props.passwordErrors}
            required
            autocomplete="new-password"
          />
          <button type="submit" class="button-primary">
            {t('admin.account.passwordSubmit')}
          </button>
        </form>
      </section>
      <section class="card" id="admin-totp">
        <h2>{t('admin.account.totp')}</h2>
        <TotpSection {...props} />
      </section>
    </>
  );
}

function TotpSection(props: {
  totpEnabled: boolean;
  enrolment?: TotpEnrolment | null;
  totpErrors?: FieldErrors;
}): Child {
  if (props.totpEnabled) {
    return (
      <>
        <p>{t('admin.account.totpOn')}</p>
        <ErrorSummary errors={props.totpErrors} />
        <form method="post" action="/admin/account/totp/disable" novalidate>
          <Field
            name="password"
            type="password"
            label={t('auth.currentPassword')}
            errors={props.totpErrors}
            required
            autocomplete="current-password"
          />
          <Field
            name="code"
            label={t('admin.totp.code')}
            errors={props.totpErrors}
            required
            autocomplete="one-time-code"
            inputmode="numeric"
            attrs={{ pattern: '[0-9]{6}', maxlength: '6' }}
          />
          <button type="submit" class="button-danger">
            {t('admin.account.totpDisable')}
          </button>
        </form>
      </>
    );
  }
  if (props.enrolment) {
    return (
      <>
        <p>{t('admin.account.totpScan')}</p>
        <img class="admin-qr" src={props.enrolment.qr} alt={t('admin.account.totpQrAlt')} width="220" height="220" />
        <dl class="admin-totp-key">
          <dt>{t('admin.account.totpKey')}</dt>
          <dd>
            <code>{props.enrolment.secret}</code>
          </dd>
          <dt>{t('admin.account.totpUri')}</dt>
          <dd>
            <code class="admin-uri">{props.enrolment.uri}</code>
          </dd>
        </dl>
        <ErrorSummary errors={props.totpErrors} />
        <form method="post" action="/admin/account/totp/enable" novalidate>
          <Field
            name="code"
            label={t('admin.totp.code')}
            errors={props.totpErrors}
            required
            autocomplete="one-time-code"
            inputmode="numeric"
            attrs={{ pattern: '[0-9]{6}', maxlength: '6' }}
          />
          <button type="submit" class="button-primary">
            {t('admin.account.totpConfirm')}
          </button>
        </form>
      </>
    );
  }
  return (
    <>
      <p>{t('admin.account.totpOff')}</p>
      <form method="post" action="/admin/account/totp/setup">
        <button type="submit" class="button-primary">
          {t('admin.account.totpStart')}
        </button>
      </form>
    </>
  );
}

export function AdminAuditPage(props: {
  lines: AuditRow[];
  admins: Array<{ id: string; email: string }>;
  filter: { tenant: string; admin: string };
  nextHref: string | null;
  firstHref: string | null;
  errors?: FieldErrors;
}) {
  return (
    <>
      <h1>{t('admin.audit.title')}</h1>
      <p class="lead">{t('admin.audit.lead')}</p>
      <div class="admin-filters">
        <LiveSearchForm action="/admin/audit" target="#admin-audit-list" filters={['tenant', 'admin']}>
          <Field
            name="tenant"
            label={t('admin.audit.filterTenant')}
            value={props.filter.tenant}
            errors={props.errors}
          />
          <SelectField
            name="admin"
            label={t('admin.audit.filterAdmin')}
            value={props.filter.admin}
            blank={t('admin.audit.anyAdmin')}
            options={props.admins.map((admin) => ({ value: admin.id, label: admin.email }))}
            errors={props.errors}
          />
          <button type="submit" class="button">
            {t('admin.audit.filter')}
          </button>
        </LiveSearchForm>
      </div>
      <ErrorSummary errors={props.errors} />
      <AdminAuditList lines={props.lines} nextHref={props.nextHref} firstHref={props.firstHref} />
    </>
  );
}

/** The table and pager of the audit page; htmx swaps it alone when paging. */
export function AdminAuditList(props: { lines: AuditRow[]; nextHref: string | null; firstHref: string | null }) {
  return (
    <section class="card" id="admin-audit-list">
      <AuditTable lines={props.lines} />
      <Pager
        nextHref={props.nextHref}
        firstHref={props.firstHref}
        target="#admin-audit-list"
        nextLabel={t('admin.audit.next')}
        firstLabel={t('admin.audit.first')}
      />
    </section>
  );
}
