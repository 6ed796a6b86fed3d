import { and, asc, desc, eq, like, sql } from 'drizzle-orm';
import type { TenantDb } from '../db/client';
import { ecfCancellations, fiscalSequences } from '../db/tenant-schema';

export type EcfCancellationRow = typeof ecfCancellations.$inferSelect;

export type ReserveCancellationResult =
  | { ok: true; id: string; firstEncf: string; lastEncf: string }
  | { ok: false; reason: 'not_found' | 'outside' | 'used' | 'cancelled' };

/** reserve_ecf_cancellation: the range is blocked for allocation under the sequence's lock, or the reason it cannot be. */
export async function reserveEcfCancellation(
  db: TenantDb,
  input: { sequenceId: string; from: number; to: number; requestedBy: string },
): Promise<ReserveCancellationResult> {
  const result = await db.execute<{ id: string | null; refusal: string | null; first_encf: string; last_encf: string }>(
    sql`SELECT * FROM reserve_ecf_cancellation(${input.sequenceId}::uuid, ${input.from}::bigint, ${input.to}::bigint, ${input.requestedBy})`,
  );
  const row = result.rows[0]!;
  if (row.refusal || !row.id) return { ok: false, reason: (row.refusal ?? 'not_found') as 'not_found' };
  return { ok: true, id: row.id, firstEncf: row.first_encf, lastEncf: row.last_encf };
}

export async function updateEcfCancellation(
  db: TenantDb,
  id: string,
  values: Partial<
    Pick<
      EcfCancellationRow,
      'state' | 'environment' | 'anecfXmlKey' | 'responseKey' | 'dgiiCode' | 'dgiiMessages' | 'lastError'
    >
  >,
): Promise<EcfCancellationRow | null> {
  const [row] = await db
    .update(ecfCancellations)
    .set({ ...values, updatedAt: sql`now()` })
    .where(eq(ecfCancellations.id, id))
    .returning();
  return row ?? null;
}

/** DGII refused the ANECF: the reservation goes, and its numbers can be issued again. */
export async function deleteEcfCancellation(db: TenantDb, id: string): Promise<void> {
  await db.delete(ecfCancellations).where(eq(ecfCancellations.id, id));
}

export async function findEcfCancellation(db: TenantDb, id: string): Promise<EcfCancellationRow | null> {
  const [row] = await db.select().from(ecfCancellations).where(eq(ecfCancellations.id, id));
  return row ?? null;
}

function cancellationsQuery(db: TenantDb, limit = 200) {
  return db.select().from(ecfCancellations).orderBy(desc(ecfCancellations.createdAt)).limit(limit);
}

/** The E sequences and the cancelled ranges, in one database request. */
export async function ecfCancellationsPageData(
  db: TenantDb,
): Promise<{ sequences: CancellableSequence[]; cancellations: EcfCancellationRow[] }> {
  const [sequences, cancellations] = await db.batch([eSequencesQuery(db), cancellationsQuery(db)]);
  return { sequences, cancellations };
}

export interface CancellableSequence {
  id: string;
  docType: string;
  prefix: string;
  rangeStart: number;
  rangeEnd: number;
  nextNumber: number;
  validUntil: string | null;
  active: boolean;
}

/** The shop's E-series sequences, for picking a range to cancel. */
function eSequencesQuery(db: TenantDb) {
  return db
    .select({
      id: fiscalSequences.id,
      docType: fiscalSequences.docType,
      prefix: fiscalSequences.prefix,
      rangeStart: fiscalSequences.rangeStart,
      rangeEnd: fiscalSequences.rangeEnd,
      nextNumber: fiscalSequences.nextNumber,
      validUntil: fiscalSequences.validUntil,
      active: fiscalSequences.active,
    })
    .from(fiscalSequences)
    .where(and(like(fiscalSequences.docType, 'E%')))
    .orderBy(asc(fiscalSequences.docType), asc(fiscalSequences.rangeStart));
}
