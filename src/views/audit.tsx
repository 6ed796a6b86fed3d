import { formatDate, formatDateTime } from '../domain/dates';
import { formatMoney } from '../domain/money';
import { paymentForms, voidReasons } from '../domain/ncf';
import { formatTaxId } from '../domain/tax-id';
import { messages, t, type MessageKey } from '../i18n/es-DO';
import type { AuditEntry } from '../queries/audit';
import { LiveSearchForm, ResultsTable, SelectField } from './components';

export type { AuditEntry } from '../queries/audit';

/** The filter of the log: each kind is a set of action prefixes. */
export const auditKinds = {
  sales: ['invoice.', 'payment.', 'credit_note.'],
  reports: ['report.'],
  settings: ['company.', 'branch.', 'sequence.', 'tax.', 'currency.', 'product.'],
  users: ['user.', 'api_token.'],
  support: ['support.'],
} as const;
export type AuditKind = keyof typeof auditKinds;

const hasMessage = (key: string): key is MessageKey => Object.hasOwn(messages, key);

/** The action in Spanish from the catalogue; a code it does not know is shown readable, never hidden. */
export function actionLabel(action: string): string {
  const key = `audit.action.${action}`;
  if (hasMessage(key)) return t(key);
  return t('audit.action.unknown', { action: action.replace(/[._]+/g, ' ').trim() });
}

function isSupport(entry: AuditEntry): boolean {
  return entry.action.startsWith('support.') || (entry.actor ?? '').startsWith('OptiFlow soporte');
}

const text = (value: unknown): string | null =>
  typeof value === 'string' && value.trim() ? value.trim() : typeof value === 'number' ? String(value) : null;

function roleLabel(value: string): string {
  const key = `users.role.${value}`;
  return hasMessage(key) ? t(key) : value;
}

function fieldLabel(value: unknown): string | null {
  const name = text(value);
  if (!name) return null;
  const key = `audit.field.${name}`;
  return hasMessage(key) ? t(key) : name;
}

/** Formatters of the detail keys the log knows; anything else (ids, nested values) stays out of the summary. */
const detailParts: Array<(details: Record<string, unknown>) => string | null> = [
  (d) => (text(d.ncf) ? t('audit.detail.ncf', { value: text(d.ncf)! }) : null),
  (d) => (text(d.encf) ? t('audit.detail.encf', { value: text(d.encf)! }) : null),
  (d) => (text(d.from) && text(d.to) ? t('audit.detail.encfRange', { from: text(d.from)!, to: text(d.to)! }) : null),
  (d) => (text(d.issuerName) ? t('audit.detail.issuer', { value: text(d.issuerName)! }) : null),
  (d) => (text(d.issuerRnc) ? formatTaxId(text(d.issuerRnc)!) : null),
  (d) => (text(d.number) ? t('audit.detail.number', { value: text(d.number)! }) : null),
  (d) => (text(d.modifiedNcf) ? t('audit.detail.modifiedNcf', { value: text(d.modifiedNcf)! }) : null),
  (d) => (text(d.customer) ? t('audit.detail.customer', { value: text(d.customer)! }) : null),
  (d) => (text(d.buyerIdNumber) ? formatTaxId(text(d.buyerIdNumber)!) : null),
  (d) => (text(d.name) ? t('audit.detail.name', { value: text(d.name)! }) : null),
  (d) => (text(d.email) ? t('audit.detail.email', { value: text(d.email)! }) : null),
  (d) => (text(d.code) ? t('audit.detail.code', { value: text(d.code)! }) : null),
  (d) => (text(d.sku) ? t('audit.detail.sku', { value: text(d.sku)! }) : null),
  (d) => (text(d.docType) ? t('audit.detail.docType', { value: text(d.docType)! }) : null),
  (d) => (text(d.prefix) ? t('audit.detail.prefix', { value: text(d.prefix)! }) : null),
  (d) =>
    text(d.rangeStart) && text(d.rangeEnd)
      ? t('audit.detail.range', { start: text(d.rangeStart)!, end: text(d.rangeEnd)! })
      : null,
  (d) => (text(d.role) ? t('audit.detail.role', { value: roleLabel(text(d.role)!) }) : null),
  (d) => (text(d.previousRole) ? t('audit.detail.previousRole', { value: roleLabel(text(d.previousRole)!) }) : null),
  (d) =>
    Array.isArray(d.branches) && d.branches.length
      ? t('audit.detail.branches', { value: d.branches.map(text).filter(Boolean).join(', ') })
      : null,
  (d) =>
    text(d.scope)
      ? t('audit.detail.scope', {
          value: text(d.scope) === 'read' ? t('audit.scope.read') : t('audit.scope.read_write'),
        })
      : null,
  (d) => (text(d.currency) ? t('audit.detail.currency', { value: text(d.currency)! }) : null),
  (d) => (text(d.rate) ? t('audit.detail.rate', { value: text(d.rate)! }) : null),
  (d) => (text(d.validOn) ? t('audit.detail.validOn', { value: formatDate(text(d.validOn)) }) : null),
  (d) =>
    text(d.amount)
      ? t('audit.detail.amount', { value: formatMoney(text(d.amount), text(d.currencySymbol) ?? 'RD$') })
      : null,
  (d) =>
    text(d.previousAmount)
      ? t('audit.detail.previousAmount', {
          value: formatMoney(text(d.previousAmount), text(d.currencySymbol) ?? 'RD$'),
        })
      : null,
  (d) =>
    text(d.total)
      ? t('audit.detail.total', { value: formatMoney(text(d.total), text(d.currencySymbol) ?? 'RD$') })
      : null,
  (d) => {
    const method = text(d.method);
    return method
      ? t('audit.detail.method', { value: paymentForms[method as keyof typeof paymentForms] ?? method })
      : null;
  },
  (d) => {
    const reason = text(d.reason);
    return reason
      ? t('audit.detail.reason', { value: voidReasons[reason as keyof typeof voidReasons] ?? reason })
      : null;
  },
  (d) => (text(d.note) ? t('audit.detail.note', { value: text(d.note)! }) : null),
  (d) => (text(d.report) ? t('audit.detail.report', { value: text(d.report)! }) : null),
  (d) => (text(d.period) ? t('audit.detail.period', { value: text(d.period)! }) : null),
  (d) =>
    Array.isArray(d.fields) && d.fields.length
      ? t('audit.detail.fields', { value: d.fields.map(fieldLabel).filter(Boolean).join(', ') })
      : null,
  (d) =>
    text(d.method) && text(d.path)
      ? t('audit.detail.request', { method: text(d.method)!, path: text(d.path)!, status: text(d.status) ?? '—' })
      : null,
  (d) => (text(d.userEmail) ? t('audit.detail.userEmail', { value: text(d.userEmail)! }) : null),
];

/** A short summary of an entry's details in words (never the raw JSON). */
export function detailsText(entry: AuditEntry): string {
  const details = entry.details ?? {};
  return detailParts
    .map((part) => part(details))
    .filter((part): part is string => Boolean(part))
    .join(' · ');
}

export interface AuditListProps {
  rows: AuditEntry[];
  nextHref: string | null;
  firstHref: string | null;
}

export function AuditResults(props: AuditListProps) {
  return (
    <ResultsTable
      id="audit-results"
      live={false}
      empty={t('support.audit.empty')}
      columns={[
        { label: t('support.audit.when') },
        { label: t('support.audit.action') },
        { label: t('support.audit.actor') },
        { label: t('support.audit.details') },
      ]}
      rows={props.rows}
      row={(entry) => (
        <tr class={isSupport(entry) ? 'audit-support' : undefined}>
          <td style="white-space: nowrap">
            <time datetime={entry.createdAt.toISOString()}>{formatDateTime(entry.createdAt)}</time>
          </td>
          <td>
            {isSupport(entry) ? <span class="badge badge-warn">{t('support.audit.support')}</span> : null}{' '}
            {actionLabel(entry.action)}
          </td>
          <td>{entry.actor ?? '—'}</td>
          <td>{detailsText(entry)}</td>
        </tr>
      )}
      pager={{
        nextHref: props.nextHref,
        firstHref: props.firstHref,
        nextLabel: t('support.audit.older'),
        firstLabel: t('support.audit.newest'),
      }}
    />
  );
}

export function AuditPage(props: AuditListProps & { kind: AuditKind | '' }) {
  return (
    <>
      <div class="page-head">
        <h1>{t('support.audit.title')}</h1>
      </div>
      <p class="lead">{t('support.audit.lead')}</p>
      <LiveSearchForm action="/audit" target="#audit-results" filters={['kind']}>
        <SelectField
          name="kind"
          label={t('audit.kind.label')}
          value={props.kind}
          options={[
            { value: '', label: t('audit.kind.all') },
            ...(Object.keys(auditKinds) as AuditKind[]).map((kind) => ({
              value: kind,
              label: t(`audit.kind.${kind}`),
            })),
          ]}
        />
        <button type="submit" class="button-small">
          {t('audit.kind.submit')}
        </button>
      </LiveSearchForm>
      <AuditResults {...props} />
    </>
  );
}
