import { eq } from 'drizzle-orm';
import { branches, company, userBranches } from '../../../src/db/tenant-schema';
import { claimsFor, createTestTenant, signedIn, tenantContext } from './helpers';

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
