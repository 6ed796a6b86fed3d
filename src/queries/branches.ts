import { and, asc, eq, gt, or, sql, type SQL } from 'drizzle-orm';
import { branches } from '../db/tenant-schema';
import type { TenantDb } from '../db/client';
import { sqlState } from '../db/raised';
import { type ActivityLog, changeWithActivity } from './audit';

export type Branch = typeof branches.$inferSelect;
export type BranchValues = Omit<typeof branches.$inferInsert, 'id' | 'createdAt' | 'updatedAt'>;

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

export type BranchWrite =
  | { ok: true; branch: Branch }
  | { ok: false; reason: 'duplicateCode' | 'lastActive' | 'not_found' };

const branchDetails = sql`jsonb_build_object('branchId', id, 'name', name, 'code', code)`;

/** Creates a branch with its activity entry (one statement); a taken code is `duplicateCode`. */
export async function createBranch(db: TenantDb, values: BranchValues, log: ActivityLog): Promise<BranchWrite> {
  try {
    const [row] = await changeWithActivity<{ id: string }>(
      db,
      db.insert(branches).values(values).returning(),
      log,
      branchDetails,
    );
    return { ok: true, branch: (await getBranch(db, row!.id))! };
  } catch (error) {
    if (sqlState(error) === '23505') return { ok: false, reason: 'duplicateCode' };
    throw error;
  }
}

/**
 * Changes a branch, with its activity entry in the same statement. Deactivating the last active
 * branch is refused in that statement too (a shop always keeps one branch to work in).
 */
export async function updateBranch(
  db: TenantDb,
  id: string,
  changes: Partial<BranchValues>,
  log: ActivityLog,
): Promise<BranchWrite> {
  const keepsOneActive =
    changes.active === false
      ? sql`EXISTS (SELECT 1 FROM ${branches} other WHERE other.active AND other.id <> ${id})`
      : sql`true`;
  try {
    const [row] = await changeWithActivity<{ id: string }>(
      db,
      db
        .update(branches)
        .set({ ...changes, updatedAt: sql`now()` })
        .where(and(eq(branches.id, id), keepsOneActive))
        .returning(),
      log,
      branchDetails,
    );
    // Nothing changed: either no such branch, or it is the last active one.
    const branch = await getBranch(db, id);
    if (!branch) return { ok: false, reason: 'not_found' };
    return row ? { ok: true, branch } : { ok: false, reason: 'lastActive' };
  } catch (error) {
    if (sqlState(error) === '23505') return { ok: false, reason: 'duplicateCode' };
    throw error;
  }
}
