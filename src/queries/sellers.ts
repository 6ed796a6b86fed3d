import { asc, eq, type SQL, sql } from 'drizzle-orm';
import type { TenantDb } from '../db/client';
import { users } from '../db/tenant-schema';

export interface SellerOption {
  id: string;
  name: string;
}

/** Active users by name: who may be recorded as a quotation's or an invoice's seller. */
export function activeSellersQuery(db: TenantDb) {
  return db
    .select({ id: users.id, name: users.name })
    .from(users)
    .where(eq(users.status, 'active'))
    .orderBy(asc(users.name), asc(users.id));
}

/** The seller select's options as one JSON column (`[]` when not offered), for a form's one statement. */
export function sellerOptionsJson(offered: boolean | undefined): SQL {
  return offered
    ? sql`coalesce((SELECT json_agg(json_build_object('id', su.id, 'name', su.name) ORDER BY lower(su.name), su.id)
                     FROM users su WHERE su.status = 'active'), '[]'::json)`
    : sql`'[]'::json`;
}
