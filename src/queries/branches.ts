import { and, asc, eq, gt, or, sql, type SQL } from 'drizzle-orm';
import { branches } from '../db/tenant-schema';
import type { TenantDb } from '../db/client';

export type Branch = typeof branches.$inferSelect;
export type BranchValues = Omit<typeof branches.$inferInsert, 'id' | 'createdAt' | 'updatedAt'>;

/** Raised when the branch code is already taken (unique index `branches_code_key`). */
export class DuplicateBranchCode extends Error {
  override name = 'DuplicateBranchCode';
}

/** Every branch of the shop, by name; a shop has a handful, so the UI lists them all. */
export function listBranches(db: TenantDb, filter: { active?: boolean } = {}) {
  return db
    .select()
    .from(branches)
    .where(filter.active === undefined ? undefined : eq(branches.active, filter.active))
    .orderBy(asc(branches.name), asc(branches.id))
    .limit(500);
}

/** One page of branches by (name, id) after the cursor: keyset, never OFFSET. */
export function pageBranches(
  db: TenantDb,
  options: { limit: number; after?: { name: string; id: string } | null; active?: boolean },
) {
  const conditions: SQL[] = [];
  if (options.active !== undefined) conditions.push(eq(branches.active, options.active));
  if (options.after) {
    conditions.push(
      or(
        gt(branches.name, options.after.name),
        and(eq(branches.name, options.after.name), gt(branches.id, options.after.id)),
      )!,
    );
  }
  return db
    .select()
    .from(branches)
    .where(conditions.length ? and(...conditions) : undefined)
    .orderBy(asc(branches.name), asc(branches.id))
    .limit(options.limit + 1);
}

export async function getBranch(db: TenantDb, id: string): Promise<Branch | null> {
  const [row] = await db.select().from(branches).where(eq(branches.id, id)).limit(1);
  return row ?? null;
}

export async function createBranch(db: TenantDb, values: BranchValues): Promise<Branch> {
  try {
    const [row] = await db.insert(branches).values(values).returning();
    return row!;
  } catch (error) {
    throw uniqueViolation(error) ? new DuplicateBranchCode(values.code) : error;
  }
}

/**
 * Changes a branch; null when there is no such branch. Deactivating the last active branch is
 * refused in the same statement (a shop always keeps one branch to work in): `lastActive` is set.
 */
export async function updateBranch(
  db: TenantDb,
  id: string,
  changes: Partial<BranchValues>,
): Promise<{ branch: Branch | null; lastActive?: boolean }> {
  const keepsOneActive =
    changes.active === false
      ? sql`EXISTS (SELECT 1 FROM ${branches} other WHERE other.active AND other.id <> ${id})`
      : sql`true`;
  try {
    const [row] = await db
      .update(branches)
      .set({ ...changes, updatedAt: sql`now()` })
      .where(and(eq(branches.id, id), keepsOneActive))
      .returning();
    if (row) return { branch: row };
  } catch (error) {
    throw uniqueViolation(error) ? new DuplicateBranchCode(changes.code ?? '') : error;
  }
  // Nothing changed: either no such branch, or it is the last active one.
  const existing = await getBranch(db, id);
  return existing ? { branch: existing, lastActive: true } : { branch: null };
}

/** Postgres unique_violation (23505), wherever the driver or drizzle put it. */
export function uniqueViolation(error: unknown): boolean {
  for (let current: unknown = error, depth = 0; current && depth < 5; depth++) {
    if ((current as { code?: unknown }).code === '23505') return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}
