import { eq } from 'drizzle-orm';
import { branches, company, userBranches, type Role } from '../../../src/db/tenant-schema';
import { claimsFor, createTestTenant, signedIn, tenantContext } from './helpers';

export { roles, type Role } from '../../../src/db/tenant-schema';

export type TestDb = Awaited<ReturnType<typeof tenantContext>>['db'];

export interface ShopOptions {
  /** The company's RNC (fiscal documents are refused without one, issue 9 item 15); null clears it, undefined leaves it. */
  rnc?: string | null;
  /** Other company fields set with the RNC. */
  company?: Partial<typeof company.$inferInsert>;
  /** Allow the user in the main branch: always, only for roles that are not owner/admin, or never (default). */
  branchAccess?: 'all' | 'scoped' | 'none';
}

/**
 * A fresh shop (its own tenant) and a user of `role` signed in to it: the host, the tenant's
 * database and files, its main branch, and the user's Cookie and Bearer values.
 */
export async function shop(role: Role = 'owner', options: ShopOptions = {}) {
  const tenant = await createTestTenant();
  const host = `${tenant.id}.localhost`;
  const { db, files } = await tenantContext(tenant.id);
  const [main] = await db.select().from(branches);
  if (options.rnc !== undefined || options.company) {
    await db
      .update(company)
      .set({ ...options.company, ...(options.rnc !== undefined ? { rnc: options.rnc } : {}) })
      .where(eq(company.id, 1));
  }
  const user = await signedIn(tenant.id, role);
  const access = options.branchAccess ?? 'none';
  if (access === 'all' || (access === 'scoped' && role !== 'owner' && role !== 'admin')) {
    await db.insert(userBranches).values({ userId: user.user.id, branchId: main!.id });
    user.cookie = await withFreshClaims(tenant.id, user.token);
  }
  return { tenant, host, db, files, main: main!, ...user };
}

export type Shop = Awaited<ReturnType<typeof shop>>;

/** Another user of the shop, allowed in its main branch. */
export async function colleague(s: Pick<Shop, 'tenant' | 'db' | 'main'>, role: Role) {
  const user = await signedIn(s.tenant.id, role);
  await s.db.insert(userBranches).values({ userId: user.user.id, branchId: s.main.id });
  return { ...user, cookie: await withFreshClaims(s.tenant.id, user.token) };
}

/** The Cookie header again once the user's branches changed: claims signed before would be stale (a re-check per request). */
async function withFreshClaims(tenantId: string, token: string): Promise<string> {
  return `optiflow_session=${token}; optiflow_claims=${await claimsFor(tenantId, token)}`;
}
