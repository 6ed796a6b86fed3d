import type { NeonHttpQueryResult } from 'drizzle-orm/neon-http';
import { sql, type SQL } from 'drizzle-orm';
import { sqlState } from '../db/raised';
import { formatDocumentNumber, remainingNumbers, sequenceWarnings, type SequenceWarning } from '../domain/ncf';
import type { TenantDb } from '../db/client';
import type { SequenceValues } from '../schemas/sequences';
import { activityInsert, type ActivityLog } from './audit';

export interface Sequence {
  id: string;
  docType: string;
  prefix: string;
  description: string | null;
  rangeStart: number;
  rangeEnd: number;
  nextNumber: number;
  validUntil: string | null;
  /** When the DGII authorised the range; null: the day it was entered counts (it bounds validUntil). */
  authorizedOn: string | null;
  active: boolean;
  isDefault: boolean;
  branchId: string | null;
  branchName: string | null;
  /** Numbers were taken or documents point at it: it can no longer be deleted. */
  used: boolean;
  /** Numbers were taken: type, prefix and start are frozen and the next number cannot go back. */
  numbersTaken: boolean;
  createdAt: string;
  updatedAt: string;
}

/** A sequence with what the UI and API warn about (expiry within 30 days, fewer than 100 numbers left). */
export interface SequenceWithWarnings extends Sequence {
  remaining: number;
  warnings: SequenceWarning[];
  nextDocumentNumber: string | null;
}

const documentsUsing = (alias: string) =>
  sql.raw(`(EXISTS (SELECT 1 FROM quotations q WHERE q.sequence_id = ${alias}.id)
    OR EXISTS (SELECT 1 FROM invoices i WHERE i.sequence_id = ${alias}.id)
    OR EXISTS (SELECT 1 FROM payments p WHERE p.sequence_id = ${alias}.id))`);

const sequenceColumns =
  sql.raw(`f.id, f.doc_type AS "docType", f.prefix, f.description, f.range_start::text AS "rangeStart",
  f.range_end::text AS "rangeEnd", f.next_number::text AS "nextNumber", f.valid_until::text AS "validUntil", f.authorized_on::text AS "authorizedOn", f.active,
  f.is_default AS "isDefault", f.branch_id AS "branchId", b.name AS "branchName",
  f.next_number > f.range_start AS "numbersTaken",
  to_char(f.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "createdAt",
  to_char(f.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "updatedAt"`);

type SequenceRow = Omit<Sequence, 'rangeStart' | 'rangeEnd' | 'nextNumber'> & {
  rangeStart: string;
  rangeEnd: string;
  nextNumber: string;
} & Record<string, unknown>;

function toSequence(row: SequenceRow): Sequence {
  return {
    ...row,
    rangeStart: Number(row.rangeStart),
    rangeEnd: Number(row.rangeEnd),
    nextNumber: Number(row.nextNumber),
    used: Boolean(row.used) || row.numbersTaken,
  } as Sequence;
}

/** Adds the warnings as of `today` (YYYY-MM-DD in the shop's time zone). */
export function withWarnings(sequence: Sequence, today: string): SequenceWithWarnings {
  const remaining = remainingNumbers(sequence);
  return {
    ...sequence,
    remaining,
    warnings: sequenceWarnings(sequence, today),
    nextDocumentNumber:
      remaining > 0 ? formatDocumentNumber(sequence.prefix, sequence.docType, sequence.nextNumber) : null,
  };
}

/** The facts the activity log keeps about a sequence (sequence.created / updated / deleted), over a fiscal_sequences row. */
const sequenceDetails = sql`jsonb_build_object('sequenceId', id, 'docType', doc_type, 'prefix', prefix, 'rangeStart', range_start, 'rangeEnd', range_end)`;

/** Every sequence of the shop (a shop has a handful), by type, prefix and range, in one query. */
export async function listSequences(db: TenantDb, filter: { docType?: string } = {}): Promise<Sequence[]> {
  const result = await db.execute<SequenceRow>(sql`
    SELECT ${sequenceColumns}, ${documentsUsing('f')} AS used
      FROM fiscal_sequences f LEFT JOIN branches b ON b.id = f.branch_id
     ${filter.docType ? sql`WHERE f.doc_type = ${filter.docType}` : sql``}
     ORDER BY f.doc_type, f.prefix, f.range_start, f.id
     LIMIT 1000`);
  return result.rows.map(toSequence);
}

export async function getSequence(db: TenantDb, id: string): Promise<Sequence | null> {
  const result = await db.execute<SequenceRow>(sql`
    SELECT ${sequenceColumns}, ${documentsUsing('f')} AS used
      FROM fiscal_sequences f LEFT JOIN branches b ON b.id = f.branch_id
     WHERE f.id = ${id}::uuid`);
  const row = result.rows[0];
  return row ? toSequence(row) : null;
}

interface ConflictRow extends Record<string, unknown> {
  overlap: SequenceRange | null;
  branch_taken: SequenceRange | null;
  branch_exists: boolean;
}

/** Type, prefix and range of another sequence (what a refusal names). */
export interface SequenceRange {
  prefix: string;
  rangeStart: number;
  rangeEnd: number;
}

export interface SequenceConflicts {
  /** Another sequence of the type and prefix whose range overlaps. */
  overlap: SequenceRange | null;
  /** Another active sequence of the type preferred in the same branch. */
  branchTaken: SequenceRange | null;
  branchExists: boolean;
}

/** Another sequence of the same type and prefix whose range overlaps [start, end]: they would print the same numbers. */
const overlapping = (values: SequenceValues, exceptId: string) => sql`
  SELECT 1 FROM fiscal_sequences o
   WHERE o.doc_type = ${values.docType} AND o.prefix = ${values.prefix} AND o.id <> ${exceptId}::uuid
     AND int8range(o.range_start, o.range_end, '[]') && int8range(${values.rangeStart}::bigint, ${values.rangeEnd}::bigint, '[]')`;

/** What the other sequences say about these values (one query): overlapping ranges, the branch's preferred one, the branch. */
export async function sequenceConflicts(db: TenantDb, id: string, values: SequenceValues): Promise<SequenceConflicts> {
  const result = await db.execute<ConflictRow>(sql`
    SELECT (SELECT json_build_object('prefix', o.prefix, 'rangeStart', o.range_start, 'rangeEnd', o.range_end)
              FROM fiscal_sequences o
             WHERE o.doc_type = ${values.docType} AND o.prefix = ${values.prefix} AND o.id <> ${id}::uuid
               AND int8range(o.range_start, o.range_end, '[]') && int8range(${values.rangeStart}::bigint, ${values.rangeEnd}::bigint, '[]')
             LIMIT 1) AS overlap,
           (SELECT json_build_object('prefix', o.prefix, 'rangeStart', o.range_start, 'rangeEnd', o.range_end)
              FROM fiscal_sequences o
             WHERE ${values.active} AND o.active AND o.doc_type = ${values.docType} AND o.branch_id = ${values.branchId}::uuid AND o.id <> ${id}::uuid
             LIMIT 1) AS branch_taken,
           (${values.branchId}::uuid IS NULL OR EXISTS (SELECT 1 FROM branches WHERE id = ${values.branchId}::uuid)) AS branch_exists`);
  const row = result.rows[0]!;
  return { overlap: row.overlap, branchTaken: row.branch_taken, branchExists: row.branch_exists };
}

/** Sequence edits are serialised by one transaction-level lock, so two overlapping ranges cannot both pass the check. */
const sequenceLock = sql`SELECT pg_advisory_xact_lock(hashtext('optiflow:fiscal_sequences'))`;

/** Setting a default clears the type's previous default in the same transaction (only when the write itself will pass). */
function clearOtherDefaults(id: string, values: SequenceValues): SQL {
  return sql`UPDATE fiscal_sequences SET is_default = false, updated_at = now()
    WHERE doc_type = ${values.docType} AND is_default AND id <> ${id}::uuid AND ${values.isDefault}
      AND NOT EXISTS (${overlapping(values, id)})`;
}

/** `branchTaken`: a unique index refused a second preferred sequence of the type in the branch; `overlap`/`changed`: a concurrent write got there first. */
export type SequenceWrite =
  | { ok: true; sequence: Sequence }
  | { ok: false; reason: 'branchTaken' | 'overlap' | 'changed' };

/** Creates a sequence, with its activity entry, under the sequences lock (one transaction). */
export async function createSequence(db: TenantDb, values: SequenceValues, log: ActivityLog): Promise<SequenceWrite> {
  const id = crypto.randomUUID();
  let inserted: NeonHttpQueryResult<{ id: string }>;
  try {
    [, , inserted] = await db.batch([
      db.execute(sequenceLock),
      db.execute(clearOtherDefaults(id, values)),
      db.execute<{ id: string }>(sql`
        WITH changed AS (
          INSERT INTO fiscal_sequences (id, doc_type, prefix, description, range_start, range_end, next_number, valid_until, authorized_on, active, is_default, branch_id)
          SELECT ${id}::uuid, ${values.docType}, ${values.prefix}, ${values.description}, ${values.rangeStart}, ${values.rangeEnd}, ${values.nextNumber},
                 ${values.validUntil}::date, ${values.authorizedOn}::date, ${values.active}, ${values.isDefault}, ${values.branchId}::uuid
           WHERE NOT EXISTS (${overlapping(values, id)})
          RETURNING *
        ), logged AS (${activityInsert(log, 'changed', sequenceDetails)})
        SELECT id FROM changed`),
    ]);
  } catch (error) {
    if (sqlState(error) === '23505') return { ok: false, reason: 'branchTaken' };
    throw error;
  }
  if (!inserted.rows.length) return { ok: false, reason: 'overlap' };
  return { ok: true, sequence: (await getSequence(db, id))! };
}

/** Applies new values to an existing sequence, with its activity entry (one transaction). */
export async function updateSequence(
  db: TenantDb,
  current: Sequence,
  values: SequenceValues,
  log: ActivityLog,
): Promise<SequenceWrite> {
  let updated: NeonHttpQueryResult<{ id: string }>;
  try {
    [, , updated] = await db.batch([
      db.execute(sequenceLock),
      db.execute(clearOtherDefaults(current.id, values)),
      db.execute<{ id: string }>(sql`
        WITH changed AS (
          UPDATE fiscal_sequences f
             SET doc_type = ${values.docType}, prefix = ${values.prefix}, description = ${values.description},
                 range_start = ${values.rangeStart}, range_end = ${values.rangeEnd}, next_number = ${values.nextNumber},
                 valid_until = ${values.validUntil}::date, authorized_on = coalesce(${values.authorizedOn}::date, f.authorized_on),
                 active = ${values.active}, is_default = ${values.isDefault},
                 branch_id = ${values.branchId}::uuid, updated_at = now()
           WHERE f.id = ${current.id}::uuid
             AND NOT EXISTS (${overlapping(values, current.id)})
             -- a number taken since the check: the next number may not go back below it
             AND (f.next_number = f.range_start OR (f.next_number <= ${values.nextNumber} AND f.range_start = ${values.rangeStart}))
          RETURNING f.*
        ), logged AS (${activityInsert(log, 'changed', sequenceDetails)})
        SELECT id FROM changed`),
    ]);
  } catch (error) {
    if (sqlState(error) === '23505') return { ok: false, reason: 'branchTaken' };
    throw error;
  }
  if (!updated.rows.length) return { ok: false, reason: 'changed' };
  return { ok: true, sequence: (await getSequence(db, current.id))! };
}

export type DeleteOutcome = 'deleted' | 'not_found' | 'used';

/** Deletes a sequence that never numbered a document (others are deactivated instead), with its activity entry. */
export async function deleteSequence(db: TenantDb, id: string, log: ActivityLog): Promise<DeleteOutcome> {
  try {
    const result = await db.execute<{ found: boolean; deleted: boolean }>(sql`
      WITH target AS (
        SELECT f.id, (f.next_number > f.range_start OR ${documentsUsing('f')}) AS used FROM fiscal_sequences f WHERE f.id = ${id}::uuid
      ), changed AS (
        DELETE FROM fiscal_sequences f USING target WHERE f.id = target.id AND NOT target.used RETURNING f.*
      ), logged AS (${activityInsert(log, 'changed', sequenceDetails)})
      SELECT EXISTS (SELECT 1 FROM target) AS found, EXISTS (SELECT 1 FROM changed) AS deleted`);
    const row = result.rows[0]!;
    if (!row.found) return 'not_found';
    return row.deleted ? 'deleted' : 'used';
  } catch (error) {
    if (sqlState(error) === '23503') return 'used';
    throw error;
  }
}
