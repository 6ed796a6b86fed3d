import { and, eq, sql } from 'drizzle-orm';
import { users, userTokens, type Role } from '../db/tenant-schema';
import type { TenantDb } from '../db/client';
import { activityInsert, changeWithActivity, type ActivityLog } from './audit';

export type UserStatus = 'invited' | 'active' | 'disabled';

export interface UserRow {
  id: string;
  email: string;
  name: string;
  role: Role;
  status: UserStatus;
  lastLoginAt: Date | null;
  /** A custom role (its permissions replace the base role's); the base role is then 'ventas'. */
  customRoleId: string | null;
  customRoleName: string | null;
  /** The branches assigned to the user (owners and admins work in all of them anyway). */
  branches: Array<{ id: string; name: string; code: string }>;
}

interface RawUserRow extends Record<string, unknown> {
  id: string;
  email: string;
  name: string;
  role: Role;
  status: UserStatus;
  last_login_at: string | Date | null;
  custom_role_id: string | null;
  custom_role_name: string | null;
  branches: UserRow['branches'];
}

function toUser(row: RawUserRow): UserRow {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    status: row.status,
    lastLoginAt: row.last_login_at === null ? null : new Date(row.last_login_at),
    customRoleId: row.custom_role_id,
    customRoleName: row.custom_role_name,
    branches: row.branches,
  };
}

const userColumns = sql`u.id, u.email, u.name, u.role, u.status, u.last_login_at, u.custom_role_id,
  (SELECT cr.name FROM custom_roles cr WHERE cr.id = u.custom_role_id) AS custom_role_name,
  (SELECT coalesce(json_agg(json_build_object('id', b.id, 'name', b.name, 'code', b.code) ORDER BY b.name), '[]'::json)
     FROM user_branches ub JOIN branches b ON b.id = ub.branch_id
    WHERE ub.user_id = u.id) AS branches`;

/** Every user of the shop with their branches, in one query (a shop has tens of users, not thousands). */
export async function listUsers(db: TenantDb): Promise<UserRow[]> {
  const result = await db.execute<RawUserRow>(sql`
    SELECT ${userColumns} FROM users u
     ORDER BY (u.status = 'disabled'), lower(u.name), u.id
     LIMIT 1000`);
  return result.rows.map(toUser);
}

export async function getUser(db: TenantDb, id: string): Promise<UserRow | null> {
  const result = await db.execute<RawUserRow>(sql`SELECT ${userColumns} FROM users u WHERE u.id = ${id}`);
  return result.rows[0] ? toUser(result.rows[0]) : null;
}

/**
 * A user and, when `withRoles`, the shop's custom roles to offer (id and name, by name): the user's page
 * in one statement.
 */
export async function getUserWithRoles(
  db: TenantDb,
  id: string,
  withRoles: boolean,
): Promise<{ user: UserRow; customRoles: Array<{ id: string; name: string }> } | null> {
  const roles = withRoles
    ? sql`(SELECT coalesce(json_agg(json_build_object('id', r.id, 'name', r.name) ORDER BY lower(r.name), r.id), '[]'::json)
             FROM custom_roles r)`
    : sql`'[]'::json`;
  const result = await db.execute<RawUserRow & { custom_roles: Array<{ id: string; name: string }> }>(sql`
    SELECT ${userColumns}, ${roles} AS custom_roles FROM users u WHERE u.id = ${id}`);
  const row = result.rows[0];
  return row ? { user: toUser(row), customRoles: row.custom_roles } : null;
}

/** Creates an invited user (no password yet); null when the email is already taken. */
export async function createInvitedUser(
  db: TenantDb,
  values: { email: string; name: string; role: Role; customRoleId: string | null },
): Promise<string | null> {
  const [row] = await db
    .insert(users)
    .values({ ...values, status: 'invited' })
    .onConflictDoNothing({ target: users.email })
    .returning({ id: users.id });
  return row?.id ?? null;
}

/** Uses up a user's outstanding links, so only the newest one works. */
export async function expireUserLinks(db: TenantDb, userId: string): Promise<void> {
  await db
    .update(userTokens)
    .set({ usedAt: sql`now()` })
    .where(and(eq(userTokens.userId, userId), sql`${userTokens.usedAt} IS NULL`));
}

/*
 * The owner rules ("the shop always keeps an active owner") are checked inside the statement that
 * writes, with the active owners locked: two owners demoting each other at the same moment cannot
 * both succeed.
 */
const lockedOwners = sql`owners AS (SELECT id FROM users WHERE role = 'owner' AND status = 'active' FOR UPDATE)`;

/**
 * Changes a user's role and branches in one statement. `found` false: no such user; `updated`
 * false: refused because it would demote the last active owner. With `log`, the activity entry is
 * written by the same statement when the user changed.
 */
export async function changeUser(
  db: TenantDb,
  id: string,
  values: { role: Role; customRoleId?: string | null; branchIds: string[] },
  log?: ActivityLog,
): Promise<{ found: boolean; updated: boolean }> {
  const branchIds = `{${values.branchIds.join(',')}}`;
  const result = await db.execute<{ found: boolean; updated: boolean }>(sql`
    WITH ${lockedOwners},
    target AS (SELECT id, role FROM users WHERE id = ${id} FOR UPDATE),
    changed AS (
      UPDATE users u SET role = ${values.role}, custom_role_id = ${values.customRoleId ?? null}::uuid, updated_at = now()
        FROM target
       WHERE u.id = target.id
         AND (${values.role} = 'owner' OR target.role <> 'owner' OR EXISTS (SELECT 1 FROM owners WHERE owners.id <> target.id))
      RETURNING u.id),
    removed AS (
      DELETE FROM user_branches WHERE user_id IN (SELECT id FROM changed) AND NOT (branch_id = ANY(${branchIds}::uuid[]))),
    added AS (
      INSERT INTO user_branches (user_id, branch_id)
      SELECT changed.id, b.id FROM changed, branches b WHERE b.id = ANY(${branchIds}::uuid[])
      ON CONFLICT DO NOTHING)
    ${log ? sql`, logged AS (${activityInsert(log, 'changed', sql`'{}'::jsonb`)})` : sql``}
    SELECT EXISTS (SELECT 1 FROM target) AS found, EXISTS (SELECT 1 FROM changed) AS updated`);
  return result.rows[0] ?? { found: false, updated: false };
}

/**
 * Disables a user, ends all their sessions and revokes their API tokens in the same statement
 * (signed out at once; enabling them again does not bring the tokens back).
 * Refused (`updated` false) for the last active owner. With `log`, the activity entry too.
 */
export async function disableUser(
  db: TenantDb,
  id: string,
  log?: ActivityLog,
): Promise<{ found: boolean; updated: boolean }> {
  const result = await db.execute<{ found: boolean; updated: boolean }>(sql`
    WITH ${lockedOwners},
    target AS (SELECT id, role FROM users WHERE id = ${id} FOR UPDATE),
    changed AS (
      UPDATE users u SET status = 'disabled', updated_at = now()
        FROM target
       WHERE u.id = target.id
         AND (target.role <> 'owner' OR EXISTS (SELECT 1 FROM owners WHERE owners.id <> target.id))
      RETURNING u.id),
    signed_out AS (DELETE FROM sessions WHERE user_id IN (SELECT id FROM changed)),
    tokens_revoked AS (UPDATE api_tokens SET revoked_at = now() WHERE user_id IN (SELECT id FROM changed) AND revoked_at IS NULL)
    ${log ? sql`, logged AS (${activityInsert(log, 'changed', sql`'{}'::jsonb`)})` : sql``}
    SELECT EXISTS (SELECT 1 FROM target) AS found, EXISTS (SELECT 1 FROM changed) AS updated`);
  return result.rows[0] ?? { found: false, updated: false };
}

/** Re-enables a disabled user: active again, or invited if they never set a password; its activity entry with it. */
export async function enableUser(db: TenantDb, id: string, log: ActivityLog): Promise<boolean> {
  const rows = await changeWithActivity(
    db,
    db
      .update(users)
      .set({
        status: sql`CASE WHEN ${users.passwordHash} IS NULL THEN 'invited' ELSE 'active' END`,
        updatedAt: sql`now()`,
      })
      .where(and(eq(users.id, id), eq(users.status, 'disabled')))
      .returning({ id: users.id }),
    log,
    sql`'{}'::jsonb`,
  );
  return rows.length > 0;
}
