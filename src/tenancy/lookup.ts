import type { CentralDb } from '../db/client';
import { findTenantByDomain, findTenantById } from './central-queries';
import { cacheKeys, type CachedLookup, type TenantRecord } from './record';

export interface LookupDeps {
  kv: KVNamespace;
  /** Opened lazily: a warm cache never touches the central database. */
  central: () => CentralDb;
  ttl: number;
  negativeTtl: number;
  /** Lets the KV write finish after the response (ctx.waitUntil); awaited when absent. */
  defer?: (promise: Promise<unknown>) => void;
}

/**
 * host -> tenant, through KV. A miss costs exactly one central query; an unknown host is stored
 * as a negative entry, so a flood of random subdomains reaches the central DB once per host per TTL.
 */
export function resolveTenantByDomain(deps: LookupDeps, lookupKey: string): Promise<TenantRecord | null> {
  return cachedLookup(deps, cacheKeys.host(lookupKey), () => findTenantByDomain(deps.central(), lookupKey));
}

/** tenant id -> tenant, for queue consumers (the id comes from a message we stamped ourselves). */
export function resolveTenantById(deps: LookupDeps, tenantId: string): Promise<TenantRecord | null> {
  return cachedLookup(deps, cacheKeys.tenant(tenantId), () => findTenantById(deps.central(), tenantId));
}

async function cachedLookup(
  deps: LookupDeps,
  key: string,
  load: () => Promise<TenantRecord | null>,
): Promise<TenantRecord | null> {
  const cached = await deps.kv.get<CachedLookup>(key, 'json');
  if (cached) return cached.tenant;
  const tenant = await load();
  const entry: CachedLookup = { tenant };
  const write = deps.kv.put(key, JSON.stringify(entry), { expirationTtl: tenant ? deps.ttl : deps.negativeTtl });
  if (deps.defer) deps.defer(write);
  else await write;
  return tenant;
}

/** Removes every KV entry that could answer for this tenant: its domains and its id. */
export async function purgeTenantKeys(kv: KVNamespace, tenantId: string, lookupKeys: readonly string[]): Promise<void> {
  await Promise.all([
    ...lookupKeys.map((key) => kv.delete(cacheKeys.host(key))),
    kv.delete(cacheKeys.tenant(tenantId)),
  ]);
}
