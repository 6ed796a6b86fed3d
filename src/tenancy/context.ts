import { readConfig } from '../config';
import { centralDb, configureNeon, tenantDb } from '../db/client';
import type { Bindings } from '../env';
import type { TenantDb } from '../db/client';
import { TenantCache } from './cache';
import { decryptSecret, encryptionKeyFor } from './crypto';
import { TenantFiles } from './files';
import { TenantJobs } from './jobs';
import type { LookupDeps } from './lookup';
import type { TenantRecord } from './record';

/** The four bootstrappers of a tenant: database, cache, files, queue. */
export interface TenantContext {
  tenant: TenantRecord;
  db: TenantDb;
  cache: TenantCache;
  files: TenantFiles;
  jobs: TenantJobs;
}

export async function openTenantContext(
  env: Bindings,
  tenant: TenantRecord,
  requestId?: string,
  /** Who connects, when not a request: the queue's jobs pass JOB_APPLICATION_NAME. */
  applicationName?: string,
): Promise<TenantContext> {
  return {
    tenant,
    db: tenantDb(await tenantConnectionString(env, tenant), applicationName),
    cache: new TenantCache(env.KV, tenant.id),
    files: new TenantFiles(env.FILES, tenant.id),
    jobs: new TenantJobs(env.JOBS, tenant.id, requestId),
  };
}

export async function tenantConnectionString(
  env: Pick<Bindings, 'ENCRYPTION_KEY'>,
  tenant: TenantRecord,
): Promise<string> {
  if (!tenant.connectionSecret) throw new Error(`Tenant ${tenant.id} has no database yet`);
  return decryptSecret(await encryptionKeyFor(env.ENCRYPTION_KEY), tenant.connectionSecret, tenant.id);
}

export function lookupDeps(env: Bindings, defer?: LookupDeps['defer']): LookupDeps {
  const config = readConfig(env);
  configureNeon(config.neonLocalEndpoint);
  return {
    kv: env.KV,
    central: () => centralDb(env.CENTRAL_DATABASE_URL),
    ttl: config.tenantCacheTtl,
    negativeTtl: config.negativeCacheTtl,
    defer,
  };
}
