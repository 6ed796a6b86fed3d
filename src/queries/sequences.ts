import type { NeonHttpQueryResult } from 'drizzle-orm/neon-http';
import { sql, type SQL } from 'drizzle-orm';
import { sqlState } from '../db/raised';
import { formatDocumentNumber, remainingNumbers, sequenceWarnings, type SequenceWarning } from '../domain/ncf';
import type { TenantDb } from '../db/client';
import { AppError } from '../errors';
import { t } from '../i18n/es-DO';
import type { SequenceValues } from '../schemas/sequences';

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

/** The facts the activity log keeps about a sequence (sequence.created / updated / deleted). */
export function sequenceDetails(sequence: Pick<Sequence, 'id' | 'docType' | 'prefix' | 'rangeStart' | 'rangeEnd'>) {
  return {
    sequenceId: sequence.id,
    docType: sequence.docType,
    prefix: sequence.prefix,
    rangeStart: sequence.rangeStart,
    rangeEnd: sequence.rangeEnd,
  };
}

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
  overlap: { prefix: string; rangeStart: number; rangeEnd: number } | null;
  branch_taken: { prefix: string; rangeStart: number; rangeEnd: number } | null;
  branch_exists: boolean;
}

/** Another sequence of the same type and prefix whose range overlaps [start, end]: they would print the same numbers. */
const overlapping = (values: SequenceValues, exceptId: string) => sql`
  SELECT 1 FROM fiscal_sequences o
   WHERE o.doc_type = ${values.docType} AND o.prefix = ${values.prefix} AND o.id <> ${exceptId}::uuid
     AND int8range(o.range_start, o.range_end, '[]') && int8range(${values.rangeStart}::bigint, ${values.rangeEnd}::bigint, '[]')`;

const describeSequence = (other: { prefix: string; rangeStart: number; rangeEnd: number }) =>
  `${other.prefix} ${other.rangeStart}-${other.rangeEnd}`;

/**
 * The rules that need the other sequences: no overlapping range of the same type (and prefix),
 * one preferred sequence per type and branch, the branch exists; and, for an existing sequence
 * that already took numbers, type/prefix/start are frozen and the next number never goes back.
 */
async function checkConflicts(
  db: TenantDb,
  id: string,
  values: SequenceValues,
  current: Sequence | null,
): Promise<void> {
  const errors: Record<string, string> = {};
  if (current?.used && current.docType !== values.docType) errors.docType = t('sequences.validation.usedFrozen');
  if (current?.used && current.prefix !== values.prefix) errors.prefix = t('sequences.validation.usedFrozen');
  if (current?.numbersTaken && current.rangeStart !== values.rangeStart)
    errors.rangeStart = t('sequences.validation.usedFrozen');
  if (current?.numbersTaken && values.nextNumber < current.nextNumber) {
    errors.nextNumber = t('sequences.validation.nextBackwards', { next: String(current.nextNumber) });
  }
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
  if (row.overlap) errors.rangeStart ??= t('sequences.validation.overlap', { other: describeSequence(row.overlap) });
  if (!row.branch_exists) errors.branchId = t('sequences.validation.branch');
  else if (row.branch_taken)
    errors.branchId = t('sequences.validation.branchTaken', { other: describeSequence(row.branch_taken) });
  if (Object.keys(errors).length) throw new AppError('validation', Object.values(errors)[0]!, errors);
}

/** Sequence edits are serialised by one transaction-level lock, so two overlapping ranges cannot both pass the check. */
const sequenceLock = sql`SELECT pg_advisory_xact_lock(hashtext('optiflow:fiscal_sequences'))`;

/** Setting a default clears the type's previous default in the same transaction (only when the write itself will pass). */
function clearOtherDefaults(id: string, values: SequenceValues): SQL {
  return sql`UPDATE fiscal_sequences SET is_default = false, updated_at = now()
    WHERE doc_type = ${values.docType} AND is_default AND id <> ${id}::uuid AND ${values.isDefault}
      AND NOT EXISTS (${overlapping(values, id)})`;
}

function writeFailed(error: unknown): never {
  if (sqlState(error) === '23505') {
    throw new AppError('validation', t('sequences.validation.branchTaken', { other: '' }), {
      branchId: t('sequences.validation.branchTaken', { other: '' }),
    });
  }
  throw error;
}

export async function createSequence(db: TenantDb, values: SequenceValues): Promise<Sequence> {
  const id = crypto.randomUUID();
  await checkConflicts(db, id, values, null);
  let inserted: NeonHttpQueryResult<{ id: string }>;
  try {
    [, , inserted] = await db.batch([
      db.execute(sequenceLock),
      db.execute(clearOtherDefaults(id, values)),
      db.execute<{ id: string }>(sql`
        INSERT INTO fiscal_sequences (id, doc_type, prefix, description, range_start, range_end, next_number, valid_until, authorized_on, active, is_default, branch_id)
        SELECT ${id}::uuid, ${values.docType}, ${values.prefix}, ${values.description}, ${values.rangeStart}, ${values.rangeEnd}, ${values.nextNumber},
               ${values.validUntil}::date, ${values.authorizedOn}::date, ${values.active}, ${values.isDefault}, ${values.branchId}::uuid
         WHERE NOT EXISTS (${overlapping(values, id)})
        RETURNING id`),
    ]);
  } catch (error) {
    writeFailed(error);
  }
  if (!inserted.rows.length) throw new AppError('conflict', t('sequences.validation.overlap', { other: '' }));
  return (await getSequence(db, id))!;
}

/** Applies new values to an existing sequence (422 with field errors when a rule refuses them). */
export async function updateSequence(db: TenantDb, current: Sequence, values: SequenceValues): Promise<Sequence> {
  await checkConflicts(db, current.id, values, current);
  let updated: NeonHttpQueryResult<{ id: string }>;
  try {
    [, , updated] = await db.batch([
      db.execute(sequenceLock),
      db.execute(clearOtherDefaults(current.id, values)),
      db.execute<{ id: string }>(sql`
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
        RETURNING f.id`),
    ]);
  } catch (error) {
    writeFailed(error);
  }
  if (!updated.rows.length) throw new AppError('conflict', t('sequences.conflict'));
  return (await getSequence(db, current.id))!;
}

export type DeleteOutcome = 'deleted' | 'not_found' | 'used';

/** Deletes a sequence that never numbered a document (others are deactivated instead). */
export async function deleteSequence(db: TenantDb, id: string): Promise<DeleteOutcome> {
  try {
    const result = await db.execute<{ found: boolean; deleted: boolean }>(sql`
      WITH target AS (
        SELECT f.id, (f.next_number > f.range_start OR ${documentsUsing('f')}) AS used FROM fiscal_sequences f WHERE f.id = ${id}::uuid
      ), removed AS (
        DELETE FROM fiscal_sequences f USING target WHERE f.id = target.id AND NOT target.used RETURNING f.id
      )
      SELECT EXISTS (SELECT 1 FROM target) AS found, EXISTS (SELECT 1 FROM removed) AS deleted`);
    const row = result.rows[0]!;
    if (!row.found) return 'not_found';
    return row.deleted ? 'deleted' : 'used';
  } catch (error) {
    if (sqlState(error) === '23503') return 'used';
    throw error;
  }
}
