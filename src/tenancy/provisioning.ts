import { eq, inArray, sql } from 'drizzle-orm';
import { clients, domains, provisioningLog, tenants } from '../db/central-schema';
import { sqlClient, tenantDb } from '../db/client';
import { migrate } from '../db/migrate';
import { functions, migrations } from '../db/migrations.generated';
import { seedTenant } from '../db/seed';
import { AppError } from '../errors';
import { TenantCache } from './cache';
import { decryptSecret, encryptSecret } from './crypto';
import { deleteTenantFiles } from './files';
import { isValidLabel, parseDomainInput } from './host';
import { listDomainsOf } from './central-queries';
import { purgeTenantKeys } from './lookup';
import { databaseNames, type Platform } from './platform';
import { placementKinds, type PlacementKind } from '../config';

export const provisioningSteps = ['record', 'database', 'migrate', 'seed', 'active'] as const;
export const deletionSteps = ['deleting', 'files', 'cache', 'database', 'record'] as const;
export type ProvisioningStep = (typeof provisioningSteps)[number];
export type DeletionStep = (typeof deletionSteps)[number];

/** Sub-domain labels that never name a shop. */
export const reservedLabels = new Set([
  'www',
  'admin',
  'api',
  'app',
  'static',
  'assets',
  'cdn',
  'mail',
  'status',
  'docs',
  'help',
]);

export interface CreateTenantInput {
  id: string;
  name: string;
  domains: string[];
  clientId?: string | null;
  placement?: string | null;
  seed?: boolean;
  /** An empty database, never a template's copy (a restore migrates it only up to its backup's version). */
  emptyDatabase?: boolean;
}

export interface PipelineHooks {
  /** Called after each completed step (progress display; tests use it to simulate a crash there). */
  afterStep?: (step: string) => Promise<void> | void;
}

export type TenantRow = typeof tenants.$inferSelect;

export function validateTenantId(platform: Platform, id: string): string {
  if (!isValidLabel(id)) {
    throw new AppError(
      'validation',
      `Invalid tenant id "${id}": use lower-case letters, digits and inner hyphens (a DNS label)`,
    );
  }
  if (databaseNames(platform.config, id).databaseName.length > 63) {
    throw new AppError(
      'validation',
      `Tenant id "${id}" is too long for a database name (63 characters with prefix and suffix)`,
    );
  }
  return id;
}

/** Validates everything before anything is written: bad input changes nothing. */
async function parseCreateInput(platform: Platform, input: CreateTenantInput) {
  const id = validateTenantId(platform, input.id);
  const name = input.name.trim();
  if (name.length === 0 || name.length > 200)
    throw new AppError('validation', 'The tenant name must have 1 to 200 characters');
  const placement = (input.placement ?? platform.config.defaultPlacement) as PlacementKind;
  if (!placementKinds.includes(placement)) {
    throw new AppError(
      'validation',
      `Unknown placement "${input.placement}"; expected one of ${placementKinds.join(', ')}`,
    );
  }
  platform.placement(placement); // throws if the placement is not configured, before anything is written
  const hostnames = [
    ...new Set((input.domains.length ? input.domains : [id]).map((domain) => parseDomain(platform, domain))),
  ];
  if (input.clientId) {
    if (!/^[0-9a-f-]{36}$/i.test(input.clientId))
      throw new AppError('validation', `Invalid client id "${input.clientId}"`);
    const [client] = await platform.central
      .select({ id: clients.id })
      .from(clients)
      .where(eq(clients.id, input.clientId));
    if (!client) throw new AppError('validation', `Client "${input.clientId}" does not exist`);
  }
  return {
    id,
    name,
    placement,
    hostnames,
    clientId: input.clientId ?? null,
    seed: input.seed ?? true,
    emptyDatabase: input.emptyDatabase ?? false,
  };
}

export function parseDomain(platform: Platform, domain: string): string {
  const parsed = parseDomainInput(domain, platform.config.centralDomains);
  if (!parsed.ok) throw new AppError('validation', parsed.error);
  if (reservedLabels.has(parsed.value)) throw new AppError('validation', `"${parsed.value}" is a reserved name`);
  return parsed.value;
}

/**
 * Creates a tenant, or finishes one that an earlier run left `provisioning` or `failed`: record ->
 * database -> migrate -> seed -> active. Every step is idempotent and a rerun never makes a second
 * database. A failing step leaves status `failed` with the step and error, and rethrows.
 */
export async function createTenant(
  platform: Platform,
  input: CreateTenantInput,
  hooks: PipelineHooks = {},
): Promise<TenantRow> {
  const parsed = await parseCreateInput(platform, input);
  let row = await getTenantRow(platform, parsed.id);
  if (row && row.status !== 'provisioning' && row.status !== 'failed') {
    throw new AppError('conflict', `Tenant "${parsed.id}" already exists (status ${row.status})`);
  }
  if (!row) {
    row = await insertTenantRecord(platform, parsed);
    await hooks.afterStep?.('record');
  }
  return runProvisioning(platform, row, { seed: parsed.seed, emptyDatabase: parsed.emptyDatabase }, hooks);
}

/** Resumes provisioning of an existing tenant from the step after the last completed one. */
export async function runProvisioning(
  platform: Platform,
  initial: TenantRow,
  options: { seed: boolean; emptyDatabase?: boolean },
  hooks: PipelineHooks = {},
): Promise<TenantRow> {
  let row = initial;
  const done = (step: ProvisioningStep) =>
    row.provisioningStep !== null &&
    provisioningSteps.indexOf(row.provisioningStep as ProvisioningStep) >= provisioningSteps.indexOf(step);
  const names = databaseNames(platform.config, row.id);
  const placement = platform.placement(row.placement as PlacementKind);

  if (row.status === 'failed') row = await updateTenant(platform, row.id, { status: 'provisioning', lastError: null });

  if (!done('database')) {
    row = await runStep(platform, row.id, 'provision', 'database', async () => {
      const database = await placement.ensureDatabase(row.id, names, row.placementRef ?? null, {
        empty: options.emptyDatabase ?? false,
      });
      const connectionSecret = await encryptSecret(platform.encryptionKey, database.connectionString, row.id);
      return updateTenant(platform, row.id, {
        placementRef: database.ref,
        connectionSecret,
        provisioningStep: 'database',
      });
    });
    await hooks.afterStep?.('database');
  }
  const connectionString = await decryptSecret(platform.encryptionKey, row.connectionSecret ?? '', row.id);
  if (!done('migrate')) {
    row = await runStep(platform, row.id, 'provision', 'migrate', async () => {
      const result = await migrate(sqlClient(connectionString), migrations.tenant, functions.tenant);
      return updateTenant(platform, row.id, { schemaVersion: result.version, provisioningStep: 'migrate' });
    });
    await hooks.afterStep?.('migrate');
  }
  if (!done('seed')) {
    row = await runStep(platform, row.id, 'provision', 'seed', async () => {
      if (options.seed) await seedTenant(tenantDb(connectionString), { shopName: row.name });
      return updateTenant(platform, row.id, { provisioningStep: 'seed' });
    });
    await hooks.afterStep?.('seed');
  }
  row = await runStep(platform, row.id, 'provision', 'active', () =>
    updateTenant(platform, row.id, { status: 'active', provisioningStep: 'active', lastError: null }),
  );
  await purgeTenantKeys(platform.kv, row.id, await listDomainsOf(platform.central, row.id));
  await hooks.afterStep?.('active');
  return row;
}

async function insertTenantRecord(
  platform: Platform,
  input: Awaited<ReturnType<typeof parseCreateInput>>,
): Promise<TenantRow> {
  const written = await writeTenantRecord(platform, input);
  if (written.ok) return written.row;
  const { conflict } = written;
  throw new AppError(
    'conflict',
    conflict.kind === 'domain'
      ? `Domain "${conflict.hostname}" is already taken by tenant "${conflict.tenantId}"`
      : `Tenant "${input.id}" already exists`,
  );
}

export interface TenantRecordInput {
  id: string;
  name: string;
  clientId: string | null;
  placement: PlacementKind;
  hostnames: string[];
}

export type TenantRecordConflict = { kind: 'id' } | { kind: 'domain'; hostname: string; tenantId: string };

/**
 * The pipeline's first step: the tenant record (status `provisioning`, step `record`), its domains
 * and the first log line, in one transaction, then the KV purge of the new hosts (they may sit in KV
 * as negative entries). The primary key decides between concurrent creates of one id: a taken id
 * or domain, also under a race, comes back as the conflict, never as a second tenant.
 */
export async function writeTenantRecord(
  platform: Platform,
  input: TenantRecordInput,
): Promise<{ ok: true; row: TenantRow } | { ok: false; conflict: TenantRecordConflict }> {
  const { central } = platform;
  const conflict = async (): Promise<TenantRecordConflict | null> => {
    const [[existing], [taken]] = await central.batch([
      central.select({ id: tenants.id }).from(tenants).where(eq(tenants.id, input.id)),
      central
        .select({ hostname: domains.hostname, tenantId: domains.tenantId })
        .from(domains)
        .where(inArray(domains.hostname, input.hostnames))
        .limit(1),
    ]);
    if (existing) return { kind: 'id' };
    if (taken) return { kind: 'domain', hostname: taken.hostname, tenantId: taken.tenantId };
    return null;
  };
  const before = await conflict();
  if (before) return { ok: false, conflict: before };
  try {
    const [inserted] = await central.batch([
      central
        .insert(tenants)
        .values({
          id: input.id,
          name: input.name,
          clientId: input.clientId,
          placement: input.placement,
          provisioningStep: 'record',
        })
        .returning(),
      central.insert(domains).values(input.hostnames.map((hostname) => ({ hostname, tenantId: input.id }))),
      central
        .insert(provisioningLog)
        .values({ tenantId: input.id, operation: 'provision', step: 'record', outcome: 'succeeded' }),
    ]);
    await purgeTenantKeys(platform.kv, input.id, input.hostnames);
    return { ok: true, row: inserted[0]! };
  } catch (error) {
    if (!uniqueViolation(error)) throw error;
    return { ok: false, conflict: (await conflict()) ?? { kind: 'id' } };
  }
}

/** Runs a step, logging its outcome; on failure the tenant is marked `failed` with the step and error. */
async function runStep<T>(
  platform: Platform,
  tenantId: string,
  operation: string,
  step: string,
  work: () => Promise<T>,
): Promise<T> {
  const started = Date.now();
  try {
    const result = await work();
    await platform.central
      .insert(provisioningLog)
      .values({ tenantId, operation, step, outcome: 'succeeded', durationMs: Date.now() - started });
    return result;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    await platform.central.batch([
      platform.central
        .update(tenants)
        .set({ status: 'failed', lastError: `${operation} ${step}: ${message}`, updatedAt: sql`now()` })
        .where(eq(tenants.id, tenantId)),
      platform.central
        .insert(provisioningLog)
        .values({ tenantId, operation, step, outcome: 'failed', message, durationMs: Date.now() - started }),
    ]);
    throw error;
  }
}

export async function getTenantRow(platform: Platform, tenantId: string): Promise<TenantRow | null> {
  const [row] = await platform.central.select().from(tenants).where(eq(tenants.id, tenantId));
  return row ?? null;
}

export async function requireTenantRow(platform: Platform, tenantId: string): Promise<TenantRow> {
  const row = await getTenantRow(platform, tenantId);
  if (!row) throw new AppError('not_found', `Tenant "${tenantId}" does not exist`);
  return row;
}

export async function updateTenant(
  platform: Platform,
  tenantId: string,
  values: Partial<typeof tenants.$inferInsert>,
): Promise<TenantRow> {
  const [row] = await platform.central
    .update(tenants)
    .set({ ...values, updatedAt: sql`now()` })
    .where(eq(tenants.id, tenantId))
    .returning();
  if (!row) throw new AppError('not_found', `Tenant "${tenantId}" does not exist`);
  return row;
}

/**
 * Deletes a tenant: it stops answering first (status `deleting`, KV purged), then its files, cache
 * entries, database and role, and finally its central record and domains. Rerunning it after an
 * interruption finishes the job.
 */
export async function deleteTenant(platform: Platform, tenantId: string, hooks: PipelineHooks = {}): Promise<void> {
  const row = await requireTenantRow(platform, tenantId);
  const hostnames = await listDomainsOf(platform.central, tenantId);
  await runStep(platform, tenantId, 'delete', 'deleting', () =>
    updateTenant(platform, tenantId, { status: 'deleting' }),
  );
  await purgeTenantKeys(platform.kv, tenantId, hostnames);
  await hooks.afterStep?.('deleting');
  await runStep(platform, tenantId, 'delete', 'files', () => deleteTenantFiles(platform.files, tenantId));
  await hooks.afterStep?.('files');
  await runStep(platform, tenantId, 'delete', 'cache', () => new TenantCache(platform.kv, tenantId).clear());
  await hooks.afterStep?.('cache');
  await runStep(platform, tenantId, 'delete', 'database', () =>
    platform
      .placement(row.placement as PlacementKind)
      .dropDatabase(tenantId, databaseNames(platform.config, tenantId), row.placementRef ?? null),
  );
  await hooks.afterStep?.('database');
  await platform.central.batch([
    platform.central.delete(tenants).where(eq(tenants.id, tenantId)),
    platform.central
      .insert(provisioningLog)
      .values({ tenantId, operation: 'delete', step: 'record', outcome: 'succeeded' }),
  ]);
  await purgeTenantKeys(platform.kv, tenantId, hostnames);
  await hooks.afterStep?.('record');
}

export function uniqueViolation(error: unknown): boolean {
  for (let current: unknown = error; current; current = (current as { cause?: unknown }).cause) {
    if ((current as { code?: string }).code === '23505') return true;
  }
  return false;
}
