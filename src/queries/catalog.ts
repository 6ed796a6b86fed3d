import { sql } from 'drizzle-orm';
import type { TenantDb } from '../db/client';
import type { CatalogListKind } from '../db/tenant-schema';
import { sqlState } from '../db/raised';
import { activityInsert, type ActivityLog } from './audit';

/** One value of a shop's list, with how many products carry it (archived values stay on those). */
export interface CatalogValueRow {
  id: number;
  list: CatalogListKind;
  value: string;
  position: number;
  active: boolean;
  [key: string]: unknown;
}

const valueColumns = sql`v.id, v.list, v.value, v.position, v.active`;

/** Every value of every list (active first, each list in its order): one statement. */
export function catalogValuesQuery(db: TenantDb) {
  return db.execute<CatalogValueRow>(
    sql`SELECT ${valueColumns} FROM catalog_values v ORDER BY v.list, NOT v.active, v.position, v.id`,
  );
}

export async function listCatalogValues(db: TenantDb): Promise<CatalogValueRow[]> {
  return (await catalogValuesQuery(db)).rows;
}

export async function getCatalogValue(db: TenantDb, id: number): Promise<CatalogValueRow | null> {
  const result = await db.execute<CatalogValueRow>(
    sql`SELECT ${valueColumns} FROM catalog_values v WHERE v.id = ${id}`,
  );
  return result.rows[0] ?? null;
}

export type CatalogWrite = { ok: true; id: number } | { ok: false; reason: 'duplicate' | 'not_found' };

/** List edits are serialised per shop so positions stay distinct under parallel admins. */
const listLock = sql`SELECT pg_advisory_xact_lock(hashtext('optiflow:catalog_values'))`;

const details = sql`jsonb_build_object('list', changed.list, 'value', changed.value)`;

async function locked(db: TenantDb, statement: ReturnType<typeof sql>): Promise<CatalogWrite> {
  try {
    const [, result] = await db.batch([db.execute(listLock), db.execute<{ id: number }>(statement)]);
    const row = result.rows[0];
    return row ? { ok: true, id: Number(row.id) } : { ok: false, reason: 'not_found' };
  } catch (error) {
    if (sqlState(error) === '23505') return { ok: false, reason: 'duplicate' };
    throw error;
  }
}

/** A new value at the end of its list; a value already in the list (any case, archived or not) is a duplicate. */
export function addCatalogValue(db: TenantDb, list: CatalogListKind, value: string, log: ActivityLog) {
  return locked(
    db,
    sql`WITH changed AS (
      INSERT INTO catalog_values (list, value, position)
      SELECT ${list}, ${value}, coalesce(max(position), 0) + 1 FROM catalog_values WHERE list = ${list}
      RETURNING id, list, value
    ), logged AS (${activityInsert(log, 'changed', details)})
    SELECT id FROM changed`,
  );
}

/**
 * Renames a value and the products that carry it (the lists are copied onto products as text), in
 * the same statement: a product never keeps a name the list no longer has.
 */
export function renameCatalogValue(db: TenantDb, id: number, value: string, log: ActivityLog) {
  return locked(
    db,
    sql`WITH old AS (SELECT id, list, value FROM catalog_values WHERE id = ${id} FOR UPDATE),
    changed AS (
      UPDATE catalog_values v SET value = ${value} FROM old WHERE v.id = old.id RETURNING v.id, v.list, v.value
    ), frames AS (
      UPDATE products p SET frame_shape = ${value}, updated_at = now() FROM old
       WHERE old.list = 'frame_shapes' AND p.frame_shape = old.value
    ), colours AS (
      UPDATE products p SET variant_colour = ${value}, updated_at = now() FROM old
       WHERE old.list = 'colours' AND p.variant_colour = old.value
    ), lens_types AS (
      UPDATE products p SET lens_type = ${value}, updated_at = now() FROM old
       WHERE old.list = 'lens_types' AND p.lens_type = old.value
    ), materials AS (
      UPDATE products p SET lens_material = ${value}, updated_at = now() FROM old
       WHERE old.list = 'materials' AND p.lens_material = old.value
    ), indices AS (
      UPDATE products p SET lens_index = ${value}, updated_at = now() FROM old
       WHERE old.list = 'indices' AND p.lens_index = old.value
    ), treatments AS (
      UPDATE products p
         SET lens_treatments = (SELECT jsonb_agg(CASE WHEN x = old.value THEN ${value} ELSE x END ORDER BY n)
                                  FROM jsonb_array_elements_text(p.lens_treatments) WITH ORDINALITY AS e(x, n)),
             updated_at = now()
        FROM old
       WHERE old.list = 'treatments' AND p.lens_treatments ? old.value
    ), logged AS (${activityInsert(log, 'changed', sql`${details} || jsonb_build_object('from', (SELECT value FROM old))`)})
    SELECT id FROM changed`,
  );
}

/** Swaps an active value with its active neighbour before (`up`) or after (`down`) it in its list. */
export function moveCatalogValue(db: TenantDb, id: number, direction: 'up' | 'down', log: ActivityLog) {
  const neighbour =
    direction === 'up'
      ? sql`(n.position, n.id) < (me.position, me.id) ORDER BY n.position DESC, n.id DESC`
      : sql`(n.position, n.id) > (me.position, me.id) ORDER BY n.position, n.id`;
  return locked(
    db,
    sql`WITH me AS (SELECT id, list, position FROM catalog_values WHERE id = ${id} AND active),
    other AS (SELECT n.id, n.position FROM catalog_values n, me WHERE n.list = me.list AND n.active AND ${neighbour} LIMIT 1),
    changed AS (
      UPDATE catalog_values v
         SET position = CASE WHEN v.id = me.id THEN (CASE WHEN other.position = me.position THEN other.position ${direction === 'up' ? sql`- 1` : sql`+ 1`} ELSE other.position END) ELSE me.position END
        FROM me, other
       WHERE v.id IN (me.id, other.id)
      RETURNING v.id, v.list, v.value
    ), logged AS (${activityInsert(log, 'changed', sql`${details} || jsonb_build_object('direction', ${direction}::text)`)} WHERE changed.id = ${id})
    SELECT id FROM me`,
  );
}

/** Archives (no longer offered for new products; products that carry it keep it) or restores a value. */
export function setCatalogValueActive(db: TenantDb, id: number, active: boolean, log: ActivityLog) {
  return locked(
    db,
    sql`WITH changed AS (
      UPDATE catalog_values v
         SET active = ${active},
             position = CASE WHEN ${active} THEN (SELECT coalesce(max(position), 0) + 1 FROM catalog_values w WHERE w.list = v.list) ELSE v.position END
       WHERE v.id = ${id}
      RETURNING v.id, v.list, v.value
    ), logged AS (${activityInsert(log, 'changed', details)})
    SELECT id FROM changed`,
  );
}
