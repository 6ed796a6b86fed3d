import { eq, sql } from 'drizzle-orm';
import type { CentralDb } from '../db/client';
import { domains, tenants } from '../db/central-schema';
import type { TenantRecord } from './record';

const recordColumns = {
  id: tenants.id,
  name: tenants.name,
  status: tenants.status,
  schemaVersion: tenants.schemaVersion,
  connectionSecret: tenants.connectionSecret,
  suspendedMessage: tenants.suspendedMessage,
  primaryDomain: sql<
    string | null
  >`(SELECT d.hostname FROM domains d WHERE d.tenant_id = ${tenants.id} ORDER BY d.created_at, d.hostname LIMIT 1)`,
};

/** One query: the tenant that owns a subdomain label or custom host name. */
export async function findTenantByDomain(db: CentralDb, lookupKey: string): Promise<TenantRecord | null> {
  const [row] = await db
    .select(recordColumns)
    .from(domains)
    .innerJoin(tenants, eq(tenants.id, domains.tenantId))
    .where(eq(domains.hostname, lookupKey))
    .limit(1);
  return row ?? null;
}

export async function findTenantById(db: CentralDb, tenantId: string): Promise<TenantRecord | null> {
  const [row] = await db.select(recordColumns).from(tenants).where(eq(tenants.id, tenantId)).limit(1);
  return row ?? null;
}

export async function listDomainsOf(db: CentralDb, tenantId: string): Promise<string[]> {
  const rows = await db.select({ hostname: domains.hostname }).from(domains).where(eq(domains.tenantId, tenantId));
  return rows.map((row) => row.hostname);
}
