/** The admin panel's tenant queries and the request-side half of "create a tenant" (the record). */
import { and, asc, desc, eq, gt, ilike, inArray, lt, or, sql, type SQL } from 'drizzle-orm';
import { adminAuditLog, clients, domains, platformJobs, provisioningLog, tenants } from '../../db/central-schema';
import { migrations } from '../../db/migrations.generated';
import { AppError } from '../../errors';
import { t } from '../../i18n/es-DO';
import { isValidLabel, parseDomainInput } from '../../tenancy/host';
import { databaseNames, type Platform } from '../../tenancy/platform';
import { placementKinds, type PlacementKind } from '../../config';
import { reservedLabels, writeTenantRecord, type TenantRow } from '../../tenancy/provisioning';
import type { FieldErrors } from '../../errors';

export const tenantStatuses = ['provisioning', 'active', 'suspended', 'failed', 'deleting'] as const;
export type TenantStatus = (typeof tenantStatuses)[number];

export const latestSchemaVersion = (): number => migrations.tenant.length;

export interface TenantListFilter {
  q?: string | null;
  status?: TenantStatus | null;
  clientId?: string | null;
  behind?: boolean;
  /** Keyset cursor: the last id of the previous page. */
  after?: string | null;
  limit?: number;
}

export interface TenantListRow {
  id: string;
  name: string;
  status: TenantStatus;
  schemaVersion: number;
  createdAt: Date;
  clientId: string | null;
  clientName: string | null;
  domains: string[];
}

const likePattern = (value: string) => `%${value.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;

/** One page of tenants with their client and domains, in one central query (domains aggregated). */
export async function listTenantPage(
  platform: Platform,
  filter: TenantListFilter,
): Promise<{ rows: TenantListRow[]; nextAfter: string | null }> {
  const limit = filter.limit ?? 50;
  const conditions: SQL[] = [];
  const q = filter.q?.trim();
  if (q) {
    const pattern = likePattern(q.toLowerCase());
    conditions.push(
      or(
        ilike(tenants.id, pattern),
        ilike(tenants.name, pattern),
        sql`EXISTS (SELECT 1 FROM ${domains} AS d WHERE d.tenant_id = ${tenants.id} AND d.hostname LIKE ${pattern})`,
      )!,
    );
  }
  if (filter.status) conditions.push(eq(tenants.status, filter.status));
  if (filter.clientId) conditions.push(eq(tenants.clientId, filter.clientId));
  if (filter.behind) conditions.push(lt(tenants.schemaVersion, latestSchemaVersion()));
  if (filter.after) conditions.push(gt(tenants.id, filter.after));
  const rows = await platform.central
    .select({
      id: tenants.id,
      name: tenants.name,
      status: tenants.status,
      schemaVersion: tenants.schemaVersion,
      createdAt: tenants.createdAt,
      clientId: tenants.clientId,
      clientName: clients.name,
      domains: sql<
        string[]
      >`coalesce(array_agg(${domains.hostname} ORDER BY ${domains.hostname}) FILTER (WHERE ${domains.hostname} IS NOT NULL), '{}')`,
    })
    .from(tenants)
    .leftJoin(clients, eq(clients.id, tenants.clientId))
    .leftJoin(domains, eq(domains.tenantId, tenants.id))
    .where(and(...conditions))
    .groupBy(tenants.id, clients.name)
    .orderBy(asc(tenants.id))
    .limit(limit + 1);
  const page = rows
    .slice(0, limit)
    .map((row) => ({ ...row, createdAt: new Date(row.createdAt), domains: parseArray(row.domains) }));
  return { rows: page, nextAfter: rows.length > limit ? page[page.length - 1]!.id : null };
}

/** The driver parses text[] into an array; a raw `{a,b}` literal is handled too. */
function parseArray(value: string[] | string): string[] {
  if (Array.isArray(value)) return value;
  return value
    .replace(/^\{|\}$/g, '')
    .split(',')
    .filter(Boolean);
}

export async function listClientOptions(platform: Platform): Promise<Array<{ value: string; label: string }>> {
  const rows = await platform.central
    .select({ id: clients.id, name: clients.name })
    .from(clients)
    .orderBy(asc(clients.name));
  return rows.map((row) => ({ value: row.id, label: row.name }));
}

export interface TenantDetails {
  tenant: TenantRow;
  clientName: string | null;
  domains: string[];
  log: Array<typeof provisioningLog.$inferSelect>;
  jobs: Array<Pick<typeof platformJobs.$inferSelect, 'id' | 'kind' | 'status' | 'createdAt' | 'error'>>;
  audit: Array<typeof adminAuditLog.$inferSelect>;
}

/** Everything the tenant page shows, in one batch (one round trip). */
export async function getTenantDetails(platform: Platform, tenantId: string): Promise<TenantDetails | null> {
  const { central } = platform;
  const [tenantRows, domainRows, log, jobs, audit] = await central.batch([
    central
      .select({ tenant: tenants, clientName: clients.name })
      .from(tenants)
      .leftJoin(clients, eq(clients.id, tenants.clientId))
      .where(eq(tenants.id, tenantId)),
    central
      .select({ hostname: domains.hostname })
      .from(domains)
      .where(eq(domains.tenantId, tenantId))
      .orderBy(asc(domains.hostname)),
    central
      .select()
      .from(provisioningLog)
      .where(eq(provisioningLog.tenantId, tenantId))
      .orderBy(desc(provisioningLog.id))
      .limit(30),
    central
      .select({
        id: platformJobs.id,
        kind: platformJobs.kind,
        status: platformJobs.status,
        createdAt: platformJobs.createdAt,
        error: platformJobs.error,
      })
      .from(platformJobs)
      .where(eq(platformJobs.tenantId, tenantId))
      .orderBy(desc(platformJobs.createdAt))
      .limit(10),
    central
      .select()
      .from(adminAuditLog)
      .where(eq(adminAuditLog.tenantId, tenantId))
      .orderBy(desc(adminAuditLog.id))
      .limit(20),
  ]);
  const first = tenantRows[0];
  if (!first) return null;
  return {
    tenant: first.tenant,
    clientName: first.clientName,
    domains: domainRows.map((row) => row.hostname),
    log,
    jobs,
    audit,
  };
}

export async function clientExists(platform: Platform, clientId: string): Promise<boolean> {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(clientId)) return false;
  const [row] = await platform.central.select({ id: clients.id }).from(clients).where(eq(clients.id, clientId));
  return Boolean(row);
}

/** A domain as typed in the panel, with the CLI's rules; a Spanish message on failure. */
export function checkDomain(
  platform: Platform,
  input: string,
): { ok: true; hostname: string } | { ok: false; message: string } {
  const parsed = parseDomainInput(input, platform.config.centralDomains);
  if (!parsed.ok) return { ok: false, message: t('adminTenants.error.domainInvalid') };
  if (reservedLabels.has(parsed.value))
    return { ok: false, message: t('adminTenants.error.reserved', { value: parsed.value }) };
  return { ok: true, hostname: parsed.value };
}

/** Ids that would collide with the panel's own paths (/admin/tenants/new, /admin/tenants/migrate). */
const panelPaths = new Set(['new', 'migrate']);

export interface NewTenantForm {
  id: string;
  name: string;
  subdomain?: string | null;
  clientId?: string | null;
  ownerEmail?: string | null;
  placement: string;
}

export interface NewTenantRecord {
  id: string;
  name: string;
  hostname: string;
  clientId: string | null;
  placement: PlacementKind;
}

/** The checks of src/tenancy/provisioning.ts's createTenant, with a field message each. */
export async function checkNewTenant(
  platform: Platform,
  form: NewTenantForm,
): Promise<{ ok: true; value: NewTenantRecord } | { ok: false; errors: FieldErrors }> {
  const errors: FieldErrors = {};
  const id = form.id.trim();
  if (!isValidLabel(id)) errors.id = t('adminTenants.error.idInvalid');
  else if (reservedLabels.has(id) || panelPaths.has(id)) errors.id = t('adminTenants.error.reserved', { value: id });
  else if (databaseNames(platform.config, id).databaseName.length > 63) errors.id = t('adminTenants.error.idTooLong');
  const name = form.name.trim();
  if (name.length === 0 || name.length > 200) errors.name = t('adminTenants.error.nameLength');
  const domain = checkDomain(platform, form.subdomain?.trim() || id);
  if (!domain.ok) errors.subdomain = domain.message;
  const placement = form.placement as PlacementKind;
  if (!placementKinds.includes(placement)) errors.placement = t('adminTenants.error.placementUnknown');
  else {
    try {
      platform.placement(placement); // refuses an unconfigured placement before anything is written
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      errors.placement = t('adminTenants.error.placementNotConfigured', { placement });
    }
  }
  const clientId = form.clientId || null;
  if (clientId && !(await clientExists(platform, clientId))) errors.clientId = t('adminTenants.error.clientUnknown');
  if (Object.keys(errors).length > 0 || !domain.ok) return { ok: false, errors };
  return { ok: true, value: { id, name, hostname: domain.hostname, clientId, placement } };
}

/** The pipeline's record step (writeTenantRecord), with a field message for a taken id or domain. */
export async function insertTenantRecord(
  platform: Platform,
  record: NewTenantRecord,
): Promise<{ ok: true; row: TenantRow } | { ok: false; errors: FieldErrors }> {
  const written = await writeTenantRecord(platform, { ...record, hostnames: [record.hostname] });
  if (written.ok) return written;
  const { conflict } = written;
  return {
    ok: false,
    errors:
      conflict.kind === 'domain'
        ? { subdomain: t('adminTenants.error.domainTaken', { domain: conflict.hostname }) }
        : { id: t('adminTenants.error.idTaken', { id: record.id }) },
  };
}

export async function tenantOwnsDomain(platform: Platform, tenantId: string, hostname: string): Promise<boolean> {
  const [row] = await platform.central
    .select({ hostname: domains.hostname })
    .from(domains)
    .where(and(eq(domains.tenantId, tenantId), eq(domains.hostname, hostname)));
  return Boolean(row);
}

/** Tenants whose database is behind the latest tenant schema and can be migrated (they have one). */
export async function tenantsBehind(platform: Platform): Promise<Array<{ id: string; schemaVersion: number }>> {
  return platform.central
    .select({ id: tenants.id, schemaVersion: tenants.schemaVersion })
    .from(tenants)
    .where(and(lt(tenants.schemaVersion, latestSchemaVersion()), inArray(tenants.status, ['active', 'suspended'])))
    .orderBy(asc(tenants.id));
}
