import { env, SELF } from 'cloudflare:test';
import type { Bindings } from '../../../src/env';
import type { Role } from '../../../src/db/tenant-schema';
import { createPlatform, type Platform } from '../../../src/tenancy/platform';
import { createTenant, type CreateTenantInput } from '../../../src/tenancy/provisioning';

export const testEnv = env as unknown as Bindings;

/** Round trips the session check adds to a signed-in page (it rides on the page's first request). */
export const sessionRoundTrips = 0;

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
  roundTripsByDatabase: Record<string, number>;
  jobQueriesByDatabase: Record<string, number>;
  jobRoundTripsByDatabase: Record<string, number>;
}

/** Queries the local Neon-protocol endpoint has seen, per database: the ground truth for round trips. */
export async function endpointStats(): Promise<EndpointStats> {
  const response = await fetch(`${testEnv.NEON_LOCAL_ENDPOINT}/_stats`);
  return response.json();
}

/** Queries and round trips to one database so far, leaving out those of background jobs. */
async function ownCounts(database: string): Promise<{ queries: number; roundTrips: number }> {
  const stats = await endpointStats();
  return {
    queries: (stats.byDatabase[database] ?? 0) - (stats.jobQueriesByDatabase[database] ?? 0),
    roundTrips: (stats.roundTripsByDatabase[database] ?? 0) - (stats.jobRoundTripsByDatabase[database] ?? 0),
  };
}

/**
 * Queries to one database during `work`. A job the queue runs meanwhile against the same database
 * (the event dispatch an issue or a payment queues) is not counted: its connection names itself.
 */
export async function countQueries(database: string, work: () => Promise<unknown>): Promise<number> {
  const before = (await ownCounts(database)).queries;
  await work();
  return (await ownCounts(database)).queries - before;
}

/** Network round trips to one database during `work` (a batch transaction counts once), jobs left out. */
export async function countRoundTrips(database: string, work: () => Promise<unknown>): Promise<number> {
  const before = (await ownCounts(database)).roundTrips;
  await work();
  return (await ownCounts(database)).roundTrips - before;
}

/** The tenant's context objects, as the request path builds them. */
export async function tenantContext(tenantId: string) {
  const { findTenantById } = await import('../../../src/tenancy/central-queries');
  const { openTenantContext } = await import('../../../src/tenancy/context');
  const record = await findTenantById((await platform()).central, tenantId);
  if (!record) throw new Error(`no tenant ${tenantId}`);
  return openTenantContext(testEnv, record);
}

/** A user of the given role with a session, and the Cookie header that carries it. */
export async function signedIn(tenantId: string, role: Role, values: { password?: string } = {}) {
  const { users } = await import('../../../src/db/tenant-schema');
  const { createSession } = await import('../../../src/auth/session');
  const { hashPassword } = await import('../../../src/auth/password');
  const { db } = await tenantContext(tenantId);
  const email = `${role}-${crypto.randomUUID().slice(0, 8)}@example.test`;
  const [user] = await db
    .insert(users)
    .values({
      email,
      name: `Usuario ${role}`,
      role,
      status: 'active',
      passwordHash: values.password ? await hashPassword(values.password) : null,
    })
    .returning();
  const { token } = await createSession(db, { userId: user!.id });
  const { createApiToken } = await import('../../../src/auth/api-tokens');
  const apiToken = await createApiToken(db, { name: 'tests', scope: 'read_write', userId: user!.id });
  const cookie = `optiflow_session=${token}; optiflow_claims=${await claimsFor(tenantId, token)}`;
  return { user: user!, email, token, cookie, bearer: `Bearer ${apiToken.token}` };
}

/** The signed claims cookie value the Worker sets for a session as it is in the database now. */
export async function claimsFor(tenantId: string, token: string): Promise<string> {
  const { loadSession } = await import('../../../src/auth/session');
  const { claimsKey, signClaims } = await import('../../../src/auth/session-claims');
  const loaded = await loadSession((await tenantContext(tenantId)).db, token);
  if (!loaded) throw new Error('no such session');
  return signClaims(await claimsKey(testEnv.ENCRYPTION_KEY, tenantId), loaded.state);
}

/** A form POST as a browser on the shop's own origin sends it. */
export function postForm(
  host: string,
  path: string,
  fields: Record<string, string>,
  headers: Record<string, string> = {},
) {
  return SELF.fetch(`http://${host}${path}`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: `http://${host}`, ...headers },
    body: new URLSearchParams(fields).toString(),
  });
}
