import { sql } from 'drizzle-orm';
import type { TenantDb } from '../db/client';

export interface CustomRoleRow {
  id: string;
  name: string;
  permissions: string[];
  /** Users who have it (any status). */
  userCount: number;
}

const roleColumns = sql`r.id, r.name, r.permissions,
  (SELECT count(*)::int FROM users u WHERE u.custom_role_id = r.id) AS "userCount"`;

/** The shop's custom roles by name, with how many users have each. */
export function customRolesQuery(db: TenantDb) {
  return db.execute<CustomRoleRow & Record<string, unknown>>(sql`
    SELECT ${roleColumns} FROM custom_roles r ORDER BY lower(r.name), r.id`);
}

export async function customRole(db: TenantDb, id: string): Promise<CustomRoleRow | null> {
  const result = await db.execute<CustomRoleRow & Record<string, unknown>>(sql`
    SELECT ${roleColumns} FROM custom_roles r WHERE r.id = ${id}::uuid`);
  return result.rows[0] ?? null;
}

/** A new role; null when the name is taken (case-insensitive). */
export async function insertCustomRole(
  db: TenantDb,
  values: { name: string; permissions: string[]; createdBy: string },
): Promise<string | null> {
  const result = await db.execute<{ id: string }>(sql`
    INSERT INTO custom_roles (name, permissions, created_by)
    VALUES (${values.name}, ${JSON.stringify(values.permissions)}::jsonb, ${values.createdBy}::uuid)
    ON CONFLICT (lower(name)) DO NOTHING
    RETURNING id`);
  return result.rows[0]?.id ?? null;
}

/** Renames a role and replaces its permissions: 'updated', 'not_found' or 'name_taken'. */
export async function updateCustomRole(
  db: TenantDb,
  id: string,
  values: { name: string; permissions: string[] },
): Promise<'updated' | 'not_found' | 'name_taken'> {
  const result = await db.execute<{ found: boolean; taken: boolean; updated: boolean }>(sql`
    WITH target AS (SELECT id FROM custom_roles WHERE id = ${id}::uuid),
    taken AS (SELECT 1 FROM custom_roles WHERE lower(name) = lower(${values.name}) AND id <> ${id}::uuid),
    changed AS (
      UPDATE custom_roles SET name = ${values.name}, permissions = ${JSON.stringify(values.permissions)}::jsonb, updated_at = now()
       WHERE id IN (SELECT id FROM target) AND NOT EXISTS (SELECT 1 FROM taken)
      RETURNING id)
    SELECT EXISTS (SELECT 1 FROM target) AS found, EXISTS (SELECT 1 FROM taken) AS taken, EXISTS (SELECT 1 FROM changed) AS updated`);
  const row = result.rows[0]!;
  return row.updated ? 'updated' : !row.found ? 'not_found' : 'name_taken';
}

/** Deletes a role no user has: 'deleted', 'not_found' or 'in_use'. */
export async function deleteCustomRole(db: TenantDb, id: string): Promise<'deleted' | 'not_found' | 'in_use'> {
  const result = await db.execute<{ found: boolean; deleted: boolean }>(sql`
    WITH target AS (SELECT id FROM custom_roles WHERE id = ${id}::uuid FOR UPDATE),
    deleted AS (
      DELETE FROM custom_roles r USING target
       WHERE r.id = target.id AND NOT EXISTS (SELECT 1 FROM users u WHERE u.custom_role_id = r.id)
      RETURNING r.id)
    SELECT EXISTS (SELECT 1 FROM target) AS found, EXISTS (SELECT 1 FROM deleted) AS deleted`);
  const row = result.rows[0]!;
  return row.deleted ? 'deleted' : row.found ? 'in_use' : 'not_found';
}
