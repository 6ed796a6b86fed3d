import type { tenantStatus } from '../db/central-schema';

export type TenantStatus = (typeof tenantStatus.enumValues)[number];

/** What the request path knows about a tenant: cached in KV, so it carries no plaintext secret. */
export interface TenantRecord {
  id: string;
  name: string;
  status: TenantStatus;
  schemaVersion: number;
  /** AES-GCM sealed connection string of the tenant's own database role. */
  connectionSecret: string | null;
  suspendedMessage: string | null;
  /** The tenant's first domain (a label or a custom host) for links made without a request; absent in older cache entries. */
  primaryDomain?: string | null;
}

export const cacheKeys = {
  /** `lookupKey` is a subdomain label or a custom host name (see host.ts). */
  host: (lookupKey: string) => `host:${lookupKey}`,
  tenant: (tenantId: string) => `tenant:${tenantId}`,
  /** Everything a tenant stores through `c.var.cache` lives under this prefix. */
  tenantCachePrefix: (tenantId: string) => `t:${tenantId}:`,
};

export interface CachedLookup {
  tenant: TenantRecord | null;
}
