import { env, SELF } from 'cloudflare:test';
import type { Bindings } from '../../src/env';
import { createPlatform, type Platform } from '../../src/tenancy/platform';
import { createTenant, type CreateTenantInput } from '../../src/tenancy/provisioning';

export const testEnv = env as unknown as Bindings;

export function platform(): Promise<Platform> {
  return createPlatform(testEnv);
}

/** A fresh tenant id per call, so tests never share tenants. */
export function newTenantId(prefix = 't'): string {
  return `${prefix}${crypto.randomUUID().replace(/-/g, '').slice(0, 12)}`;
}

export async function createTestTenant(input: Partial<CreateTenantInput> = {}) {
  const id = input.id ?? newTenantId();
  const row = await createTenant(await platform(), { name: `Óptica ${id}`, domains: [id], ...input, id });
  return row;
}

export function get(host: string, path = '/', init?: RequestInit): Promise<Response> {
  return SELF.fetch(`http://${host}${path}`, init);
}

export interface EndpointStats {
  queries: number;
  byDatabase: Record<string, number>;
}

/** Queries the local Neon-protocol endpoint has seen, per database: the ground truth for round trips. */
export async function endpointStats(): Promise<EndpointStats> {
  const response = await fetch(`${testEnv.NEON_LOCAL_ENDPOINT}/_stats`);
  return response.json();
}

export async function countQueries(database: string, work: () => Promise<unknown>): Promise<number> {
  const before = (await endpointStats()).byDatabase[database] ?? 0;
  await work();
  const after = (await endpointStats()).byDatabase[database] ?? 0;
  return after - before;
}
