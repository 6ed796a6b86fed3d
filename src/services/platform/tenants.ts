/**
 * Tenants on the platform: the panel's queries, and the operations the panel and the CLI share
 * (create, edit, domains, suspend and resume, delete, migrate), each with its checks and audit line.
 */
import { and, asc, desc, eq, gt, ilike, inArray, lt, or, sql, type SQL } from 'drizzle-orm';
import { adminAuditLog, clients, domains, platformJobs, provisioningLog, tenants } from '../../db/central-schema';
import { migrations } from '../../db/migrations.generated';
import { AppError } from '../../errors';
import { t } from '../../i18n/es-DO';
import { isValidLabel, parseDomainInput } from '../../tenancy/host';
import { databaseNames, type Platform } from '../../tenancy/platform';
import { placementKinds, type PlacementKind } from '../../config';
import { listDomainsOf } from '../../tenancy/central-queries';
import {
  addDomain,
  removeDomain,
  resumeTenant as resumeTenantRecord,
  suspendTenant as suspendTenantRecord,
} from '../../tenancy/lifecycle';
import { purgeTenantKeys } from '../../tenancy/lookup';
import {
  createTenant as createTenantPipeline,
  type CreateTenantInput as PipelineInput,
  deleteTenant as deleteTenantPipeline,
  getTenantRow,
  type PipelineHooks,
  reservedLabels,
  updateTenant as updateTenantRow,
  writeTenantRecord,
  type TenantRow,
} from '../../tenancy/provisioning';
import { recordPlatformAudit } from './audit';
import { assertActor, type PlatformContext } from './context';
import { enqueuePlatformJob, type PlatformJobRow } from './jobs/runner';
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
  ctx: PlatformContext,
  filter: TenantListFilter,
): Promise<{ rows: TenantListRow[]; nextAfter: string | null }> {
  const { platform } = ctx;
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

export async function listClientOptions(ctx: PlatformContext): Promise<Array<{ value: string; label: string }>> {
  const rows = await ctx.platform.central
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
export async function getTenantDetails(ctx: PlatformContext, tenantId: string): Promise<TenantDetails | null> {
  const { central } = ctx.platform;
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

// The operations. Each checks the actor, does the work, and writes its one audit line.

/** A refusal with a field message, as the panel's forms show it (and the CLI prints). */
function fieldError(errors: FieldErrors): AppError {
  const fields = Object.fromEntries(Object.entries(errors).filter((entry): entry is [string, string] => !!entry[1]));
  return new AppError('validation', Object.values(fields)[0] ?? t('validation.summary'), fields);
}

export interface CreateTenantInput extends NewTenantForm {
  ownerEmail?: string | null;
  ownerName?: string | null;
}

/**
 * "Create a tenant" from the panel: the checks with a field message each, the record (so the id and
 * domain are taken at once), then the pipeline as a platform job that the panel follows live.
 */
export async function createTenant(ctx: PlatformContext, input: CreateTenantInput): Promise<PlatformJobRow> {
  assertActor(ctx);
  const { platform } = ctx;
  const checked = await checkNewTenant(platform, {
    ...input,
    placement: input.placement || platform.config.defaultPlacement,
  });
  if (!checked.ok) throw fieldError(checked.errors);
  const inserted = await insertTenantRecord(platform, checked.value);
  if (!inserted.ok) throw fieldError(inserted.errors);
  const ownerEmail = input.ownerEmail ?? null;
  const ownerName = input.ownerName ?? null;
  const job = await enqueuePlatformJob(platform, ctx.env.JOBS, {
    kind: 'tenant.create',
    tenantId: checked.value.id,
    input: { seed: true, ownerEmail, ownerName },
    createdBy: actorId(ctx),
  });
  await recordPlatformAudit(ctx, {
    action: 'tenant.create',
    tenantId: checked.value.id,
    details: {
      name: checked.value.name,
      domain: checked.value.hostname,
      clientId: checked.value.clientId,
      placement: checked.value.placement,
      ownerEmail,
      ownerName,
      jobId: job.id,
    },
  });
  return job;
}

function actorId(ctx: PlatformContext): string | null {
  return ctx.actor.kind === 'admin' ? ctx.actor.id : null;
}

/** Renames a tenant or changes its client; the shop shows the new name at once (its cached record is purged). */
export async function updateTenant(
  ctx: PlatformContext,
  tenantId: string,
  values: { name: string; clientId: string | null },
): Promise<TenantRow> {
  assertActor(ctx);
  const { platform } = ctx;
  if (values.clientId && !(await clientExists(platform, values.clientId)))
    throw fieldError({ clientId: t('adminTenants.error.clientUnknown') });
  const row = await updateTenantRow(platform, tenantId, { name: values.name, clientId: values.clientId });
  await purgeTenantKeys(platform.kv, tenantId, await listDomainsOf(platform.central, tenantId));
  await recordPlatformAudit(ctx, { action: 'tenant.update', tenantId, details: values });
  return row;
}

/** Gives a tenant another subdomain label or custom host; returns the host name as stored. */
export async function addTenantDomain(ctx: PlatformContext, tenantId: string, input: string): Promise<string> {
  assertActor(ctx);
  const { platform } = ctx;
  const checked = checkDomain(platform, input);
  if (!checked.ok) throw fieldError({ domain: checked.message });
  try {
    await addDomain(platform, tenantId, checked.hostname);
  } catch (error) {
    if (error instanceof AppError && error.code === 'conflict')
      throw fieldError({ domain: t('adminTenants.error.domainTaken', { domain: checked.hostname }) });
    throw error;
  }
  await recordPlatformAudit(ctx, { action: 'tenant.domain.add', tenantId, details: { domain: checked.hostname } });
  return checked.hostname;
}

/**
 * Removes a domain from its tenant. The panel names the tenant (a domain of another tenant is
 * refused as unknown); the CLI names only the domain.
 */
export async function removeTenantDomain(
  ctx: PlatformContext,
  input: string,
  tenantId: string | null = null,
): Promise<{ hostname: string; tenantId: string }> {
  assertActor(ctx);
  const { platform } = ctx;
  const checked = checkDomain(platform, input);
  if (!checked.ok || (tenantId !== null && !(await tenantOwnsDomain(platform, tenantId, checked.hostname))))
    throw fieldError({ domain: t('adminTenants.error.domainUnknown', { domain: input }) });
  const removed = await removeDomain(platform, checked.hostname);
  await recordPlatformAudit(ctx, {
    action: 'tenant.domain.remove',
    tenantId: removed.tenantId,
    details: { domain: removed.hostname },
  });
  return removed;
}

/** The shop answers 503 with the message (a conflict unless it is active or already suspended). */
export async function suspendTenant(
  ctx: PlatformContext,
  tenantId: string,
  message: string | null = null,
): Promise<TenantRow> {
  assertActor(ctx);
  const row = await suspendTenantRecord(ctx.platform, tenantId, message);
  await recordPlatformAudit(ctx, { action: 'tenant.suspend', tenantId, details: { message } });
  return row;
}

export async function resumeTenant(ctx: PlatformContext, tenantId: string): Promise<TenantRow> {
  assertActor(ctx);
  const row = await resumeTenantRecord(ctx.platform, tenantId);
  await recordPlatformAudit(ctx, { action: 'tenant.resume', tenantId });
  return row;
}

/** Deletion from the panel: the typed id must match; the pipeline runs as a platform job. */
export async function deleteTenant(ctx: PlatformContext, tenantId: string, confirm: string): Promise<PlatformJobRow> {
  assertActor(ctx);
  const { platform } = ctx;
  if (confirm !== tenantId) throw fieldError({ confirm: t('adminTenants.error.confirm', { id: tenantId }) });
  if (!(await getTenantRow(platform, tenantId))) throw new AppError('not_found');
  const hostnames = await listDomainsOf(platform.central, tenantId);
  const job = await enqueuePlatformJob(platform, ctx.env.JOBS, {
    kind: 'tenant.delete',
    tenantId,
    createdBy: actorId(ctx),
  });
  await recordPlatformAudit(ctx, { action: 'tenant.delete', tenantId, details: { jobId: job.id, domains: hostnames } });
  return job;
}

/** Migrates every tenant behind the latest schema, as one platform job. */
export async function migrateTenants(ctx: PlatformContext): Promise<PlatformJobRow> {
  assertActor(ctx);
  const latest = latestSchemaVersion();
  const job = await enqueuePlatformJob(ctx.platform, ctx.env.JOBS, {
    kind: 'tenants.migrate',
    input: { latest },
    createdBy: actorId(ctx),
  });
  await recordPlatformAudit(ctx, { action: 'tenants.migrate', details: { jobId: job.id, latest } });
  return job;
}

/**
 * The CLI's create: the whole pipeline inline (the operator watches each step), or the rest of it
 * for a tenant an earlier run left provisioning or failed. The panel queues the same pipeline.
 */
export async function provisionTenant(
  ctx: PlatformContext,
  input: PipelineInput,
  hooks: PipelineHooks = {},
): Promise<TenantRow> {
  assertActor(ctx);
  const row = await createTenantPipeline(ctx.platform, input, hooks);
  await recordPlatformAudit(ctx, {
    action: 'tenant.create',
    tenantId: row.id,
    details: { name: row.name, domains: input.domains, clientId: row.clientId, placement: row.placement },
  });
  return row;
}

/** The CLI's delete: the deletion pipeline inline (rerunning it finishes an interrupted one). */
export async function destroyTenant(ctx: PlatformContext, tenantId: string, hooks: PipelineHooks = {}): Promise<void> {
  assertActor(ctx);
  const hostnames = await listDomainsOf(ctx.platform.central, tenantId);
  await deleteTenantPipeline(ctx.platform, tenantId, hooks);
  await recordPlatformAudit(ctx, { action: 'tenant.delete', tenantId, details: { domains: hostnames } });
}
