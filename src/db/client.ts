import { neon, neonConfig, type NeonQueryFunction } from '@neondatabase/serverless';
import { drizzle } from 'drizzle-orm/neon-http';
import * as centralSchema from './central-schema';
import * as tenantSchema from './tenant-schema';

export type Sql = NeonQueryFunction<false, false>;

/**
 * Points the Neon driver at the local Neon-protocol endpoint (dev and tests) instead of Neon.
 * `fetchEndpoint` only exists as a global setting in the driver, so this sets globals; it is
 * idempotent and derived from configuration only, never from a request.
 */
export function configureNeon(localEndpoint: string | null): void {
  if (!localEndpoint) return;
  const endpoint = new URL(localEndpoint);
  neonConfig.fetchEndpoint = `${endpoint.origin}/sql`;
  neonConfig.wsProxy = (host, port) => `${endpoint.host}/v2?address=${host}:${port}`;
  neonConfig.useSecureWebSocket = endpoint.protocol === 'https:';
  neonConfig.pipelineConnect = false;
  neonConfig.pipelineTLS = false;
  neonConfig.forceDisablePgSSL = true;
}

export function sqlClient(connectionString: string): Sql {
  return neon(connectionString);
}

export function centralDb(connectionString: string) {
  return drizzle({ client: neon(connectionString), schema: centralSchema, casing: 'snake_case' });
}

export function tenantDb(connectionString: string) {
  return drizzle({ client: neon(connectionString), schema: tenantSchema, casing: 'snake_case' });
}

export type CentralDb = ReturnType<typeof centralDb>;

export type TenantDb = ReturnType<typeof tenantDb>;
