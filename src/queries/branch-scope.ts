import { sql, type SQL } from 'drizzle-orm';
import { can } from '../auth/permissions';
import type { SessionUser } from '../auth/session';

/**
 * The branches whose documents a user sees and writes: `null` means every branch (branches.all),
 * else the listed ones (possibly none). Browser sessions and API tokens both carry the user's
 * branches, so this never costs a query.
 */
export type BranchScope = string[] | null;

export function branchScope(user: Pick<SessionUser, 'role' | 'branches'>): BranchScope {
  return can(user, 'branches.all') ? null : user.branches.map((branch) => branch.id);
}

const uuidShape = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A list's scope narrowed to one branch (`?branch=<id>`, as the home page's figures link): the
 * branch when the user may see it, else - none, "all", anything unknown or outside the user's
 * branches - the user's whole scope. A filter only ever narrows what the user sees.
 */
export function listScope(
  user: Pick<SessionUser, 'role' | 'branches'>,
  branch: string | null | undefined,
): BranchScope {
  const scope = branchScope(user);
  if (!branch || !uuidShape.test(branch)) return scope;
  if (scope === null || scope.includes(branch)) return [branch];
  return scope;
}

/** `<column> IN (scope)` as a SQL condition (`true` for every branch, `false` for none). */
export function inScope(column: SQL, scope: BranchScope): SQL {
  if (scope === null) return sql`true`;
  if (!scope.length) return sql`false`;
  return sql`${column} IN (${sql.join(
    scope.map((id) => sql`${id}::uuid`),
    sql`, `,
  )})`;
}

/** The scope as a `uuid[]` parameter for SQL functions (NULL: every branch). */
export function scopeArray(scope: BranchScope): SQL {
  if (scope === null) return sql`NULL::uuid[]`;
  return sql`ARRAY[${sql.join(
    scope.map((id) => sql`${id}::uuid`),
    sql`, `,
  )}]::uuid[]`;
}
