import { sql, type SQL } from 'drizzle-orm';
import type { TenantDb } from '../db/client';
import type { LabStageOutcome } from '../db/tenant-schema';
import { sqlState } from '../db/raised';
import { activityInsert, type ActivityLog } from './audit';

/** A stage as the settings page lists it, with how many open orders it holds. */
export type LabStageRow = {
  id: string;
  name: string;
  position: number;
  isInitial: boolean;
  isFinal: boolean;
  outcome: LabStageOutcome | null;
  color: string;
  openOrders: number;
};

export interface LabStageValues {
  name: string;
  color: string;
  /** null: not final; else the final stage's outcome. */
  outcome: LabStageOutcome | null;
}

/** Stage edits are serialised by one transaction-level lock: "exactly one initial" and positions hold under parallel admins. */
const stagesLock = sql`SELECT pg_advisory_xact_lock(hashtext('optiflow:lab_stages'))`;

const stageDetails = sql`jsonb_build_object('stageId', changed.id, 'name', changed.name)`;

const rowColumns = sql`s.id, s.name, s.position, s.is_initial AS "isInitial", s.is_final AS "isFinal", s.outcome, s.color,
  (SELECT count(*) FROM lab_orders o WHERE o.stage_id = s.id AND o.closed_at IS NULL)::int AS "openOrders"`;

/** The active stages in board order, with their open orders counted. */
export async function listLabStages(db: TenantDb): Promise<LabStageRow[]> {
  const result = await db.execute<LabStageRow>(
    sql`SELECT ${rowColumns} FROM lab_stages s WHERE s.archived_at IS NULL ORDER BY s.position, s.id`,
  );
  return result.rows;
}

export async function getLabStage(db: TenantDb, id: string): Promise<LabStageRow | null> {
  const result = await db.execute<LabStageRow>(
    sql`SELECT ${rowColumns} FROM lab_stages s WHERE s.id = ${id}::uuid AND s.archived_at IS NULL`,
  );
  return result.rows[0] ?? null;
}

export type StageWrite = { ok: true; id: string } | { ok: false; reason: 'duplicate' | 'not_found' | 'refused' };

async function locked(db: TenantDb, statement: SQL, before?: SQL): Promise<StageWrite> {
  try {
    const result = before
      ? (await db.batch([db.execute(stagesLock), db.execute(before), db.execute<{ id: string }>(statement)]))[2]
      : (await db.batch([db.execute(stagesLock), db.execute<{ id: string }>(statement)]))[1];
    const row = result.rows[0];
    return row ? { ok: true, id: row.id } : { ok: false, reason: 'refused' };
  } catch (error) {
    if (sqlState(error) === '23505') return { ok: false, reason: 'duplicate' };
    throw error;
  }
}

/** A new stage at the end of the board. */
export function createLabStage(db: TenantDb, values: LabStageValues, log: ActivityLog): Promise<StageWrite> {
  return locked(
    db,
    sql`WITH changed AS (
      INSERT INTO lab_stages (name, position, is_final, outcome, color)
      SELECT ${values.name}, coalesce(max(position), 0) + 1, ${values.outcome !== null}, ${values.outcome}, ${values.color}
        FROM lab_stages WHERE archived_at IS NULL
      RETURNING id, name
    ), logged AS (${activityInsert(log, 'changed', stageDetails)})
    SELECT id FROM changed`,
  );
}

/**
 * Renames, recolours or changes whether the stage is final. Being final is what closes an order, so
 * it only changes on a stage that holds no order at all, and the initial stage is never final.
 */
export function updateLabStage(
  db: TenantDb,
  id: string,
  values: LabStageValues,
  log: ActivityLog,
): Promise<StageWrite> {
  const isFinal = values.outcome !== null;
  return locked(
    db,
    sql`WITH changed AS (
      UPDATE lab_stages s SET name = ${values.name}, color = ${values.color}, is_final = ${isFinal},
             outcome = ${values.outcome}, updated_at = now()
       WHERE s.id = ${id}::uuid AND s.archived_at IS NULL
         AND NOT (s.is_initial AND ${isFinal})
         AND (s.is_final = ${isFinal} OR NOT EXISTS (SELECT 1 FROM lab_orders o WHERE o.stage_id = s.id))
      RETURNING s.id, s.name
    ), logged AS (${activityInsert(log, 'changed', stageDetails)})
    SELECT id FROM changed`,
  );
}

/**
 * Makes the stage the initial one and the previous initial not, in one transaction under the lock
 * (never zero, never two): the clearing statement runs only when the new one can be initial.
 */
export function markInitialLabStage(db: TenantDb, id: string, log: ActivityLog): Promise<StageWrite> {
  const eligible = sql`EXISTS (SELECT 1 FROM lab_stages t WHERE t.id = ${id}::uuid AND t.archived_at IS NULL AND NOT t.is_final)`;
  return locked(
    db,
    sql`WITH changed AS (
      UPDATE lab_stages s SET is_initial = true, updated_at = now()
       WHERE s.id = ${id}::uuid AND s.archived_at IS NULL AND NOT s.is_final
      RETURNING s.id, s.name
    ), logged AS (${activityInsert(log, 'changed', stageDetails)})
    SELECT id FROM changed`,
    sql`UPDATE lab_stages SET is_initial = false, updated_at = now() WHERE is_initial AND id <> ${id}::uuid AND ${eligible}`,
  );
}

/** Swaps the stage with its neighbour before (`up`) or after (`down`) it on the board. */
export function moveLabStage(
  db: TenantDb,
  id: string,
  direction: 'up' | 'down',
  log: ActivityLog,
): Promise<StageWrite> {
  const neighbour =
    direction === 'up'
      ? sql`(n.position, n.id) < (me.position, me.id) ORDER BY n.position DESC, n.id DESC`
      : sql`(n.position, n.id) > (me.position, me.id) ORDER BY n.position, n.id`;
  return locked(
    db,
    sql`WITH me AS (SELECT id, position FROM lab_stages WHERE id = ${id}::uuid AND archived_at IS NULL),
    other AS (SELECT n.id, n.position FROM lab_stages n, me WHERE n.archived_at IS NULL AND ${neighbour} LIMIT 1),
    changed AS (
      UPDATE lab_stages s
         SET position = CASE WHEN s.id = me.id THEN (CASE WHEN other.position = me.position THEN other.position ${direction === 'up' ? sql`- 1` : sql`+ 1`} ELSE other.position END) ELSE me.position END,
             updated_at = now()
        FROM me, other
       WHERE s.id IN (me.id, other.id)
      RETURNING s.id, s.name
    ), logged AS (${activityInsert(log, 'changed', sql`${stageDetails} || jsonb_build_object('direction', ${direction}::text)`)} WHERE changed.id = ${id}::uuid)
    SELECT id FROM changed WHERE id = ${id}::uuid`,
  );
}

/**
 * Archives a stage that holds no open order and is not the initial one. The stage row is locked
 * first (FOR UPDATE waits for the foreign-key lock of a move into it), so the count of its open
 * orders is read after such a move committed.
 */
export function archiveLabStage(db: TenantDb, id: string, log: ActivityLog): Promise<StageWrite> {
  return locked(
    db,
    sql`WITH changed AS (
      UPDATE lab_stages s SET archived_at = now(), updated_at = now()
       WHERE s.id = ${id}::uuid AND s.archived_at IS NULL AND NOT s.is_initial
         AND NOT EXISTS (SELECT 1 FROM lab_orders o WHERE o.stage_id = s.id AND o.closed_at IS NULL)
      RETURNING s.id, s.name
    ), logged AS (${activityInsert(log, 'changed', stageDetails)})
    SELECT id FROM changed`,
    sql`SELECT id FROM lab_stages WHERE id = ${id}::uuid FOR UPDATE`,
  );
}
