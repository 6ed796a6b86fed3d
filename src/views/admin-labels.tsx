/**
 * Spanish labels for the codes the admin panel stores: provisioning and job steps, audit actions and
 * the keys of audit details and job results. A code the catalogue does not know yet is shown in a
 * readable form ("tenant.backup_pruned" -> "Tenant backup pruned"), never raw.
 */
import { formatDateTime } from '../domain/dates';
import { adminTenantsMessages } from '../i18n/areas/adminTenants';
import { t, type MessageKey } from '../i18n/es-DO';

/** `tenant.domain_add` -> `Tenant domain add`. */
export function readableCode(code: string): string {
  const words = code.replace(/[._-]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function labelOf(prefix: string, code: string): string {
  const key = `${prefix}.${code}`;
  return key in adminTenantsMessages ? t(key as MessageKey) : readableCode(code);
}

export const auditActionLabel = (action: string) => labelOf('adminTenants.audit', action);
export const stepLabel = (step: string) => labelOf('adminTenants.step', step);
export const operationLabel = (operation: string) => labelOf('adminTenants.operation', operation);
export const outcomeLabel = (outcome: string) => labelOf('adminTenants.jobs.outcome', outcome);
export const detailLabel = (key: string) => labelOf('adminTenants.detail', key);

const isoTimestamp = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

/** A stored value as text: yes/no, lists joined, dates in Santo Domingo time, nested objects as `label: value`. */
export function detailValue(key: string, value: unknown): string {
  if (value === null || value === undefined || value === '') return '—';
  if (typeof value === 'boolean') return value ? t('adminTenants.detail.yes') : t('adminTenants.detail.no');
  if (Array.isArray(value)) return value.map((item) => detailValue(key, item)).join(', ');
  if (typeof value === 'object') return detailText(value as Record<string, unknown>);
  const text = String(value);
  if (isoTimestamp.test(text)) return formatDateTime(new Date(text));
  const valueKey = `adminTenants.detail.${key}.${text}`;
  return valueKey in adminTenantsMessages ? t(valueKey as MessageKey) : text;
}

/** Audit details or a job result in one line: `Correo: ana@… · Nombre: Ana`. */
export function detailText(details: Record<string, unknown> | null | undefined): string {
  if (!details) return '';
  return Object.entries(details)
    .filter(([, value]) => value !== null && value !== undefined)
    .map(([key, value]) => `${detailLabel(key)}: ${detailValue(key, value)}`)
    .join(' · ');
}

/** The same as a definition list, for a job's result. */
export function DetailList(props: { details: Record<string, unknown> }) {
  const entries = Object.entries(props.details).filter(([, value]) => value !== null && value !== undefined);
  if (entries.length === 0) return null;
  return (
    <dl class="tenant-facts">
      {entries.map(([key, value]) => (
        <>
          <dt>{detailLabel(key)}</dt>
          <dd>{detailValue(key, value)}</dd>
        </>
      ))}
    </dl>
  );
}
