import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import type { TenantDb } from '../db/client';
import { ecfDocuments, ecfFallbackDocuments, ecfFallbacks, invoices } from '../db/tenant-schema';

export type EcfFallbackRow = typeof ecfFallbacks.$inferSelect;

/** A new open period; `open` when one is open already (the unique index decides between concurrent starts). */
export async function insertEcfFallback(
  db: TenantDb,
  values: { reason: string; startedBy: string },
): Promise<{ ok: true; row: EcfFallbackRow } | { ok: false; reason: 'open' }> {
  const [row] = await db.insert(ecfFallbacks).values(values).onConflictDoNothing().returning();
  return row ? { ok: true, row } : { ok: false, reason: 'open' };
}

export async function closeEcfFallback(db: TenantDb, endedBy: string): Promise<EcfFallbackRow | null> {
  const [row] = await db
    .update(ecfFallbacks)
    .set({ endedAt: sql`now()`, endedBy })
    .where(isNull(ecfFallbacks.endedAt))
    .returning();
  return row ?? null;
}

/** The latest periods and, per period, its documents issued and still waiting for their e-CF: one database request. */
export async function ecfFallbackPageData(
  db: TenantDb,
  limit = 50,
): Promise<{ periods: EcfFallbackRow[]; counts: Array<{ fallbackId: string; issued: number; pending: number }> }> {
  const [periods, counts] = await db.batch([
    db.select().from(ecfFallbacks).orderBy(desc(ecfFallbacks.startedAt)).limit(limit),
    fallbackDocumentCounts(db),
  ]);
  return { periods, counts };
}

export interface PendingReplacement {
  invoiceId: string;
  ecfType: string;
  branchId: string;
  ncf: string | null;
  replacementEncf: string | null;
  replacementValidUntil: string | null;
}

/** B-series documents of ended fallbacks whose replacing e-CF does not exist yet, oldest first. */
export async function pendingReplacements(db: TenantDb, limit = 200): Promise<PendingReplacement[]> {
  return db
    .select({
      invoiceId: ecfFallbackDocuments.invoiceId,
      ecfType: ecfFallbackDocuments.ecfType,
      branchId: invoices.branchId,
      ncf: invoices.ncf,
      replacementEncf: ecfFallbackDocuments.replacementEncf,
      replacementValidUntil: ecfFallbackDocuments.replacementValidUntil,
    })
    .from(ecfFallbackDocuments)
    .innerJoin(invoices, eq(invoices.id, ecfFallbackDocuments.invoiceId))
    .innerJoin(ecfFallbacks, eq(ecfFallbacks.id, ecfFallbackDocuments.fallbackId))
    .where(and(isNull(ecfFallbackDocuments.replacedAt), sql`${ecfFallbacks.endedAt} IS NOT NULL`))
    .orderBy(ecfFallbackDocuments.createdAt)
    .limit(limit);
}

/**
 * The e-NCF of a document's replacing e-CF: taken from the E sequence in the same statement that
 * claims the row (so two concurrent runs take one number), or the one an earlier run took.
 */
export async function replacementNumber(
  db: TenantDb,
  doc: Pick<PendingReplacement, 'invoiceId' | 'ecfType' | 'branchId'>,
  on: string,
): Promise<{ encf: string; validUntil: string | null } | null> {
  const result = await db.execute<{ encf: string; valid_until: string | null }>(sql`
    WITH claim AS (
      SELECT invoice_id FROM ecf_fallback_documents
       WHERE invoice_id = ${doc.invoiceId}::uuid AND replacement_encf IS NULL FOR UPDATE),
    num AS (
      SELECT a.* FROM claim CROSS JOIN LATERAL allocate_document_number(NULL, ${doc.ecfType}, ${doc.branchId}::uuid, ${on}::date) a)
    UPDATE ecf_fallback_documents d
       SET replacement_encf = num.number, replacement_valid_until = num.valid_until
      FROM num WHERE d.invoice_id = ${doc.invoiceId}::uuid
    RETURNING d.replacement_encf AS encf, d.replacement_valid_until::text AS valid_until`);
  const taken = result.rows[0];
  if (taken) return { encf: taken.encf, validUntil: taken.valid_until };
  const [kept] = await db
    .select({ encf: ecfFallbackDocuments.replacementEncf, validUntil: ecfFallbackDocuments.replacementValidUntil })
    .from(ecfFallbackDocuments)
    .where(eq(ecfFallbackDocuments.invoiceId, doc.invoiceId));
  return kept?.encf ? { encf: kept.encf, validUntil: kept.validUntil } : null;
}

export async function markReplaced(db: TenantDb, invoiceId: string): Promise<void> {
  await db
    .update(ecfFallbackDocuments)
    .set({ replacedAt: sql`now()` })
    .where(
      and(
        eq(ecfFallbackDocuments.invoiceId, invoiceId),
        sql`EXISTS (SELECT 1 FROM ${ecfDocuments} WHERE ${ecfDocuments.invoiceId} = ${invoiceId}::uuid)`,
      ),
    );
}

function fallbackDocumentCounts(db: TenantDb) {
  return db
    .select({
      fallbackId: ecfFallbackDocuments.fallbackId,
      issued: sql<number>`count(*)::int`,
      pending: sql<number>`(count(*) FILTER (WHERE ${ecfFallbackDocuments.replacedAt} IS NULL))::int`,
    })
    .from(ecfFallbackDocuments)
    .groupBy(ecfFallbackDocuments.fallbackId);
}
