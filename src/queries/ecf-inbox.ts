import { and, eq, isNull, sql } from 'drizzle-orm';
import type { TenantDb } from '../db/client';
import { ecfDocuments, invoices, receivedEcf } from '../db/tenant-schema';
import { type ActivityLog, changeWithActivity } from './audit';

export type ReceivedEcfRow = typeof receivedEcf.$inferSelect;
export type NewReceivedEcfRow = typeof receivedEcf.$inferInsert;

/**
 * Marks a /fe/ seed as exchanged: true for the one caller that inserted its hash, false for every
 * other (however many race). Claims older than a day are gone by then (a seed lives two minutes).
 */
export async function claimReceiverSeed(db: TenantDb, seedHash: string): Promise<boolean> {
  const result = await db.execute<{ seed_hash: string }>(sql`
    WITH expired AS (DELETE FROM receiver_seed_claims WHERE claimed_at < now() - interval '1 day')
    INSERT INTO receiver_seed_claims (seed_hash) VALUES (${seedHash})
    ON CONFLICT (seed_hash) DO NOTHING
    RETURNING seed_hash`);
  return result.rows.length === 1;
}

/** Counts one request of `sender` in the current minute and returns the minute's count so far. */
export async function countReceiverRequest(db: TenantDb, sender: string): Promise<number> {
  const result = await db.execute<{ hits: number }>(sql`
    WITH expired AS (DELETE FROM receiver_rate_windows WHERE window_start < now() - interval '1 hour')
    INSERT INTO receiver_rate_windows (sender, window_start, hits) VALUES (${sender}, date_trunc('minute', now()), 1)
    ON CONFLICT (sender, window_start) DO UPDATE SET hits = receiver_rate_windows.hits + 1
    RETURNING hits`);
  return Number(result.rows[0]?.hits ?? 0);
}

/**
 * Inserts a received e-CF and its activity entry in one statement; `duplicate` (and no entry) when
 * this issuer's e-NCF is already in the inbox.
 */
export async function insertReceivedEcf(
  db: TenantDb,
  values: NewReceivedEcfRow,
  log: ActivityLog,
): Promise<{ ok: true } | { ok: false; reason: 'duplicate' }> {
  const rows = await changeWithActivity(
    db,
    db.insert(receivedEcf).values(values).onConflictDoNothing().returning(),
    log,
    sql`jsonb_build_object('issuerRnc', changed.issuer_rnc, 'issuerName', changed.issuer_name, 'encf', changed.encf, 'total', changed.total)`,
  );
  return rows.length === 1 ? { ok: true } : { ok: false, reason: 'duplicate' };
}

export async function setReceivedArecfKey(db: TenantDb, id: string, arecfXmlKey: string): Promise<void> {
  await db.update(receivedEcf).set({ arecfXmlKey, updatedAt: new Date() }).where(eq(receivedEcf.id, id));
}

/** One of the shop's own issued e-CF by its e-NCF, with the buyer it was issued to. */
export async function findIssuedEcfByEncf(db: TenantDb, encf: string) {
  const [row] = await db
    .select({
      id: ecfDocuments.id,
      encf: ecfDocuments.encf,
      buyerIdNumber: invoices.buyerIdNumber,
      buyerName: invoices.buyerName,
      buyerApproval: ecfDocuments.buyerApproval,
    })
    .from(ecfDocuments)
    .innerJoin(invoices, eq(invoices.id, ecfDocuments.invoiceId))
    .where(eq(ecfDocuments.encf, encf));
  return row ?? null;
}

/**
 * Records the buyer's commercial answer on one of the shop's e-CF, once, with its activity entry:
 * `answered` when an answer is already there (with what it was), so a repeated ACECF never
 * overwrites the first.
 */
export async function recordBuyerApproval(
  db: TenantDb,
  id: string,
  values: { approval: 'approved' | 'rejected'; reason: string | null; at: Date; acecfKey: string },
  log: ActivityLog,
): Promise<{ ok: true } | { ok: false; reason: 'answered'; approval: string | null }> {
  const update = db
    .update(ecfDocuments)
    .set({
      buyerApproval: values.approval,
      buyerApprovalReason: values.reason,
      buyerApprovalAt: values.at,
      buyerAcecfKey: values.acecfKey,
      updatedAt: new Date(),
    })
    .where(and(eq(ecfDocuments.id, id), isNull(ecfDocuments.buyerApproval)))
    .returning();
  const updated = await changeWithActivity(
    db,
    update,
    log,
    sql`jsonb_build_object('encf', changed.encf, 'reason', changed.buyer_approval_reason)`,
  );
  if (updated.length === 1) return { ok: true };
  const [current] = await db
    .select({ approval: ecfDocuments.buyerApproval })
    .from(ecfDocuments)
    .where(eq(ecfDocuments.id, id));
  return { ok: false, reason: 'answered', approval: current?.approval ?? null };
}
