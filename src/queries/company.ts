import { eq, sql } from 'drizzle-orm';
import { company } from '../db/tenant-schema';
import type { TenantDb } from '../env';

export type Company = typeof company.$inferSelect;

export async function getCompany(db: TenantDb): Promise<Company | null> {
  const [row] = await db.select().from(company).where(eq(company.id, 1)).limit(1);
  return row ?? null;
}

export type CompanyChanges = Partial<Omit<typeof company.$inferInsert, 'id' | 'createdAt' | 'updatedAt'>>;

export async function updateCompany(db: TenantDb, changes: CompanyChanges): Promise<Company> {
  const [row] = await db
    .update(company)
    .set({ ...changes, updatedAt: sql`now()` })
    .where(eq(company.id, 1))
    .returning();
  return row!;
}
