import { AppError } from '../../errors';
import { t } from '../../i18n/es-DO';
import { changedFields } from '../../queries/audit';
import {
  createBranch as insertBranch,
  getBranch as selectBranch,
  listBranches as selectBranches,
  pageBranches,
  updateBranch as changeBranch,
  type Branch,
  type BranchValues,
  type BranchWrite,
} from '../../queries/branches';
import { requireRight, type ShopContext } from './context';

export type { Branch, BranchValues };

/** A taken code (409, on `code`), the last active branch (409, on `active`), or no such branch. */
function written(result: BranchWrite): Branch {
  if (result.ok) return result.branch;
  if (result.reason === 'duplicateCode')
    throw new AppError('conflict', t('branches.codeTaken'), { code: t('branches.codeTaken') });
  if (result.reason === 'lastActive')
    throw new AppError('conflict', t('branches.lastActive'), { active: t('branches.lastActive') });
  throw new AppError('not_found');
}

/** Every branch (a shop has a handful). */
export async function listBranches(ctx: ShopContext): Promise<Branch[]> {
  requireRight(ctx, 'branches.view');
  return selectBranches(ctx.db);
}

/** One page of branches by (name, id). */
export async function pageOfBranches(
  ctx: ShopContext,
  options: { limit: number; after: { name: string; id: string } | null; active?: boolean },
): Promise<{ rows: Branch[]; next: { name: string; id: string } | null }> {
  requireRight(ctx, 'branches.view');
  const rows = await pageBranches(ctx.db, options);
  const page = rows.slice(0, options.limit);
  const last = page.at(-1);
  return { rows: page, next: rows.length > options.limit && last ? { name: last.name, id: last.id } : null };
}

export async function getBranch(ctx: ShopContext, id: string): Promise<Branch> {
  requireRight(ctx, 'branches.view');
  const branch = await selectBranch(ctx.db, id);
  if (!branch) throw new AppError('not_found');
  return branch;
}

export async function createBranch(ctx: ShopContext, values: BranchValues): Promise<Branch> {
  requireRight(ctx, 'branches.manage');
  return written(await insertBranch(ctx.db, values, { actor: ctx.actor, action: 'branch.created' }));
}

/** Changes a branch; its activity entry names the fields whose value changed. */
export async function updateBranch(ctx: ShopContext, id: string, changes: Partial<BranchValues>): Promise<Branch> {
  requireRight(ctx, 'branches.manage');
  const before = await getBranch(ctx, id);
  const log = { actor: ctx.actor, action: 'branch.updated', extra: { fields: changedFields(before, changes) } };
  return written(await changeBranch(ctx.db, id, changes, log));
}
