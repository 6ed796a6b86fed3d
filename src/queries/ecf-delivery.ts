import { and, asc, eq, inArray, isNull, lte, or, sql } from 'drizzle-orm';
import type { TenantDb } from '../db/client';
import { type EcfDeliveryState, ecfDocuments } from '../db/tenant-schema';
import type { EcfRow } from './ecf';

/** A delivery that started this long ago and never finished (the Worker died mid-request) may be claimed again. */
const stuckDeliveryAfter = sql`interval '5 minutes'`;

/**
 * Marks an accepted e-CF of a type that goes to its buyer as due for delivery, once: only a row
 * that has no delivery yet. Null when it does not qualify or already has one.
 */
export async function markEcfDeliveryDue(db: TenantDb, id: string, types: readonly string[]): Promise<EcfRow | null> {
  const [row] = await db
    .update(ecfDocuments)
    .set({ deliveryState: 'pending', deliveryNextAt: sql`now()` })
    .where(
      and(
        eq(ecfDocuments.id, id),
        isNull(ecfDocuments.deliveryState),
        inArray(ecfDocuments.ecfType, [...types]),
        inArray(ecfDocuments.state, ['accepted', 'accepted_conditional']),
        // The e-CF replacing a B-series receipt of a fallback goes to DGII only (the buyer has the B one).
        sql`NOT EXISTS (SELECT 1 FROM ecf_fallback_documents f WHERE f.invoice_id = ${ecfDocuments.invoiceId})`,
      ),
    )
    .returning();
  return row ?? null;
}

/**
 * Takes the row for one delivery, atomically: a pending delivery that is due (or one abandoned
 * mid-way) becomes `sending`, so of any number of concurrent queue deliveries exactly one gets it.
 */
export async function claimEcfDelivery(db: TenantDb, id: string): Promise<EcfRow | null> {
  const [row] = await db
    .update(ecfDocuments)
    .set({
      deliveryState: 'sending',
      deliveryAttempts: sql`${ecfDocuments.deliveryAttempts} + 1`,
      deliveryClaimedAt: sql`now()`,
    })
    .where(
      and(
        eq(ecfDocuments.id, id),
        or(
          and(eq(ecfDocuments.deliveryState, 'pending'), lte(ecfDocuments.deliveryNextAt, sql`now()`)),
          and(
            eq(ecfDocuments.deliveryState, 'sending'),
            lte(ecfDocuments.deliveryClaimedAt, sql`now() - ${stuckDeliveryAfter}`),
          ),
        ),
      ),
    )
    .returning();
  return row ?? null;
}

/** The end of one claimed delivery; only by the claim that holds it (same attempt), so a late one changes nothing. */
export async function finishEcfDelivery(
  db: TenantDb,
  claimed: Pick<EcfRow, 'id' | 'deliveryAttempts'>,
  values: {
    state: Exclude<EcfDeliveryState, 'sending'>;
    arecfXmlKey?: string | null;
    error?: string | null;
    nextAt?: Date | null;
  },
): Promise<EcfRow | null> {
  const done = values.state === 'delivered' || values.state === 'not_received';
  const [row] = await db
    .update(ecfDocuments)
    .set({
      deliveryState: values.state,
      deliveryError: values.error ?? null,
      deliveryNextAt: values.nextAt ?? null,
      ...(values.arecfXmlKey ? { arecfXmlKey: values.arecfXmlKey } : {}),
      ...(done ? { deliveredAt: sql`now()` } : {}),
    })
    .where(
      and(
        eq(ecfDocuments.id, claimed.id),
        eq(ecfDocuments.deliveryState, 'sending'),
        eq(ecfDocuments.deliveryAttempts, claimed.deliveryAttempts),
      ),
    )
    .returning();
  return row ?? null;
}

/**
 * Accepted e-CF of the delivered types that never got a delivery (the job that should have marked
 * it died after DGII's answer): marked due now, for the sweep. Returns how many.
 */
export async function markMissedDeliveriesDue(db: TenantDb, types: readonly string[], limit: number): Promise<number> {
  const missed = db
    .select({ id: ecfDocuments.id })
    .from(ecfDocuments)
    .where(
      and(
        isNull(ecfDocuments.deliveryState),
        inArray(ecfDocuments.ecfType, [...types]),
        inArray(ecfDocuments.state, ['accepted', 'accepted_conditional']),
      ),
    )
    .limit(limit);
  const rows = await db
    .update(ecfDocuments)
    .set({ deliveryState: 'pending', deliveryNextAt: sql`now()` })
    .where(and(inArray(ecfDocuments.id, missed), isNull(ecfDocuments.deliveryState)))
    .returning({ id: ecfDocuments.id });
  return rows.length;
}

/** Deliveries whose next try is due (or abandoned mid-way), oldest first, for the scheduled sweep. */
export async function dueEcfDeliveries(db: TenantDb, limit: number): Promise<Array<Pick<EcfRow, 'id'>>> {
  return db
    .select({ id: ecfDocuments.id })
    .from(ecfDocuments)
    .where(
      or(
        and(eq(ecfDocuments.deliveryState, 'pending'), lte(ecfDocuments.deliveryNextAt, sql`now()`)),
        and(
          eq(ecfDocuments.deliveryState, 'sending'),
          lte(ecfDocuments.deliveryClaimedAt, sql`now() - ${stuckDeliveryAfter}`),
        ),
      ),
    )
    .orderBy(asc(ecfDocuments.deliveryNextAt))
    .limit(limit);
}
