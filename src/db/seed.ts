import { sql } from 'drizzle-orm';
import type { TenantDb } from '../env';
import { company } from './tenant-schema';

export interface SeedOptions {
  shopName: string;
}

/** The seeders a new shop gets. Idempotent: running them again leaves the same rows. */
export async function seedTenant(db: TenantDb, options: SeedOptions): Promise<void> {
  await db
    .insert(company)
    .values({ id: 1, name: options.shopName })
    .onConflictDoUpdate({ target: company.id, set: { name: options.shopName, updatedAt: sql`now()` } });
}
