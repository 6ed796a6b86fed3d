import { asc, eq } from 'drizzle-orm';
import { domains, tenants } from '../db/central-schema';
import { sqlClient, tenantDb } from '../db/client';
import { migrate, type MigrationResult } from '../db/migrate';
import { functions, migrations } from '../db/migrations.generated';
import { seedTenant } from '../db/seed';
import { AppError } from '../errors';
import { listDomainsOf } from './central-queries';
import { decryptSecret } from './crypto';
import { purgeTenantKeys } from './lookup';
import type { Platform } from './platform';
import { parseDomain, requireTenantRow, uniqueViolation, updateTenant, type TenantRow } from './provisioning';

export interface TenantSummary {
  id: string;
  name: string;
  status: TenantRow['status'];
  placement: string;
  schemaVersion: number;
  latestSchemaVersion: number;
  domains: string[];
  clientId: string | null;
  createdAt: Date;
}

/** All tenants with their domains, in two queries whatever their number. */
export async function listTenants(platform: Platform): Promise<TenantSummary[]> {
  const [rows, domainRows] = await platform.central.batch([
    platform.central.select().from(tenants).orderBy(asc(tenants.id)),
    platform.central.select().from(domains).orderBy(asc(domains.hostname)),
  ]);
  const byTenant = Map.groupBy(domainRows, (row) => row.tenantId);
  return rows.map((row) => ({
    id: row.id,
    name: row.name,
    status: row.status,
    placement: row.placement,
    schemaVersion: row.schemaVersion,
    latestSchemaVersion: migrations.tenant.length,
    domains: (byTenant.get(row.id) ?? []).map((domain) => domain.hostname),
    clientId: row.clientId,
    createdAt: row.createdAt,
  }));
}

async function changeStatus(platform: Platform, tenantId: string, values: Partial<typeof tenants.$inferInsert>) {
  const row = await updateTenant(platform, tenantId, values);
  await purgeTenantKeys(platform.kv, tenantId, await listDomainsOf(platform.central, tenantId));
  return row;
}

export async function suspendTenant(
  platform: Platform,
  tenantId: string,
  message: string | null = null,
): Promise<TenantRow> {
  const row = await requireTenantRow(platform, tenantId);
  if (row.status !== 'active' && row.status !== 'suspended') {
    throw new AppError('conflict', `Tenant "${tenantId}" is ${row.status}; only an active tenant can be suspended`);
  }
  return changeStatus(platform, tenantId, { status: 'suspended', suspendedMessage: message?.trim() || null });
}

export async function resumeTenant(platform: Platform, tenantId: string): Promise<TenantRow> {
  const row = await requireTenantRow(platform, tenantId);
  if (row.status !== 'suspended' && row.status !== 'active') {
    throw new AppError('conflict', `Tenant "${tenantId}" is ${row.status}; only a suspended tenant can be resumed`);
  }
  return changeStatus(platform, tenantId, { status: 'active', suspendedMessage: null });
}

export async function addDomain(platform: Platform, tenantId: string, domain: string): Promise<string> {
  const hostname = parseDomain(platform, domain);
  await requireTenantRow(platform, tenantId);
  try {
    await platform.central.insert(domains).values({ hostname, tenantId });
  } catch (error) {
    if (uniqueViolation(error)) throw new AppError('conflict', `Domain "${hostname}" is already taken`);
    throw error;
  }
  await purgeTenantKeys(platform.kv, tenantId, [hostname]);
  return hostname;
}

export async function removeDomain(
  platform: Platform,
  domain: string,
): Promise<{ hostname: string; tenantId: string }> {
  const hostname = parseDomain(platform, domain);
  const [removed] = await platform.central.delete(domains).where(eq(domains.hostname, hostname)).returning();
  if (!removed) throw new AppError('not_found', `Domain "${hostname}" does not exist`);
  await purgeTenantKeys(platform.kv, removed.tenantId, [hostname]);
  return { hostname, tenantId: removed.tenantId };
}

async function connectionStringOf(platform: Platform, row: TenantRow): Promise<string> {
  if (!row.connectionSecret)
    throw new AppError('conflict', `Tenant "${row.id}" has no database (status ${row.status})`);
  return decryptSecret(platform.encryptionKey, row.connectionSecret, row.id);
}

/** Brings one tenant database to the latest tenant schema and function files; all of it in one transaction. */
export async function migrateTenant(platform: Platform, tenantId: string): Promise<MigrationResult> {
  const row = await requireTenantRow(platform, tenantId);
  const result = await migrate(sqlClient(await connectionStringOf(platform, row)), migrations.tenant, functions.tenant);
  if (result.version !== row.schemaVersion) {
    await changeStatus(platform, tenantId, { schemaVersion: result.version });
  }
  return result;
}

export async function reseedTenant(platform: Platform, tenantId: string): Promise<void> {
  const row = await requireTenantRow(platform, tenantId);
  await seedTenant(tenantDb(await connectionStringOf(platform, row)), { shopName: row.name });
}

export async function tenantConnection(
  platform: Platform,
  tenantId: string,
): Promise<{ row: TenantRow; connectionString: string }> {
  const row = await requireTenantRow(platform, tenantId);
  return { row, connectionString: await connectionStringOf(platform, row) };
}
