import type { auditLog } from '../db/tenant-schema';
import { t, type MessageKey } from '../i18n/es-DO';
import { ResultsTable } from './components';
import { formatDateTime } from '../domain/dates';

export type AuditEntry = typeof auditLog.$inferSelect;

const knownActions = new Set(['support.session.start', 'support.session.end']);

function actionLabel(action: string): string {
  return knownActions.has(action) ? t(`support.audit.action.${action}` as MessageKey) : action;
}

function isSupport(entry: AuditEntry): boolean {
  return entry.action.startsWith('support.');
}

function detailsText(entry: AuditEntry): string {
  const details = entry.details ?? {};
  if (isSupport(entry) && typeof details.userEmail === 'string') return t('support.audit.details.user', { email: details.userEmail });
  const pairs = Object.entries(details).map(([key, value]) => `${key}: ${typeof value === 'string' ? value : JSON.stringify(value)}`);
  return pairs.join(' · ');
}

export function AuditResults(props: { rows: AuditEntry[]; nextHref: string | null; firstHref: string | null }) {
  return (
    <ResultsTable
      id="audit-results"
      live={false}
      empty={t('support.audit.empty')}
      columns={[{ label: t('support.audit.when') }, { label: t('support.audit.action') }, { label: t('support.audit.actor') }, { label: t('support.audit.details') }]}
      rows={props.rows}
      row={(entry) => (
        <tr class={isSupport(entry) ? 'audit-support' : undefined}>
          <td>
            <time datetime={entry.createdAt.toISOString()}>{formatDateTime(entry.createdAt)}</time>
          </td>
          <td>
            {isSupport(entry) ? <span class="badge badge-warn">{t('support.audit.support')}</span> : null} {actionLabel(entry.action)}
          </td>
          <td>{entry.actor ?? ''}</td>
          <td>{detailsText(entry)}</td>
        </tr>
      )}
      pager={{ nextHref: props.nextHref, firstHref: props.firstHref, nextLabel: t('support.audit.older'), firstLabel: t('support.audit.newest') }}
    />
  );
}

export function AuditPage(props: { rows: AuditEntry[]; nextHref: string | null; firstHref: string | null }) {
  return (
    <>
      <div class="page-head">
        <h1>{t('support.audit.title')}</h1>
      </div>
      <p class="lead">{t('support.audit.lead')}</p>
      <AuditResults {...props} />
    </>
  );
}
