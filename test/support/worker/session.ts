import { eq } from 'drizzle-orm';
import { loadSession, type SessionState } from '../../../src/auth/session';
import { claimsKey, signClaims } from '../../../src/auth/session-claims';
import { branches, company, userBranches } from '../../../src/db/tenant-schema';
import { claimsFor, createTestTenant, signedIn, tenantContext, testEnv } from './helpers';

export function tenantDatabase(tenantId: string): string {
  return `optiflow_${tenantId.replace(/-/g, '_')}`;
}

/** A shop with two branches, a sales user working in the first, and the user's cookies (claims included). */
export async function shopWithSeller() {
  const tenant = await createTestTenant();
  const host = `${tenant.id}.localhost`;
  const { db } = await tenantContext(tenant.id);
  await db.update(company).set({ name: 'Óptica Los Prados' }).where(eq(company.id, 1));
  const [centro, norte] = await db
    .insert(branches)
    .values([
      { name: 'Sucursal Centro', code: 'CEN' },
      { name: 'Sucursal Norte', code: 'NOR' },
    ])
    .returning();
  const seller = await signedIn(tenant.id, 'ventas');
  await db.insert(userBranches).values({ userId: seller.user.id, branchId: centro!.id });
  const cookie = `optiflow_session=${seller.token}; optiflow_claims=${await claimsFor(tenant.id, seller.token)}`;
  return { tenant, host, db, database: tenantDatabase(tenant.id), seller, cookie, centro: centro!, norte: norte! };
}

/** What the database says of a session now: the state its claims cookie carries. */
export async function sessionState(tenantId: string, token: string): Promise<SessionState> {
  const loaded = await loadSession((await tenantContext(tenantId)).db, token);
  if (!loaded) throw new Error('no such session');
  return loaded.state;
}

/** A session cookie with claims signed under `keyTenantId`'s key (the shop's own unless a test forges). */
export async function cookieWithClaims(
  tenantId: string,
  token: string,
  state: SessionState,
  keyTenantId = tenantId,
): Promise<string> {
  const claims = await signClaims(await claimsKey(testEnv.ENCRYPTION_KEY, keyTenantId), state);
  return `optiflow_session=${token}; optiflow_claims=${claims}`;
}
