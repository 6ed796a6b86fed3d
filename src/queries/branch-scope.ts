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
  return can(user.role, 'branches.all') ? null : user.branches.map((branch) => branch.id);
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
