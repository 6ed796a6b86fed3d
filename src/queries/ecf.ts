import { and, asc, eq, inArray, lte, or, sql } from 'drizzle-orm';
import type { TenantDb } from '../db/client';
import { type EcfExchange, type EcfState, ecfDocuments, invoices } from '../db/tenant-schema';
import { type BranchScope, inScope } from './branch-scope';

export type EcfRow = typeof ecfDocuments.$inferSelect;
export type NewEcfRow = typeof ecfDocuments.$inferInsert;
export type EcfMessage = EcfRow['messages'][number];

/** States DGII has not answered for yet: the shop waits on these. */
export const openEcfStates: readonly EcfState[] = ['pending', 'sending', 'sent', 'contingency'];
export const finalEcfStates: readonly EcfState[] = ['accepted', 'accepted_conditional', 'rejected'];

/** A send that started this long ago and never finished (the Worker died mid-request) may be claimed again. */
const stuckSendingAfter = sql`interval '5 minutes'`;

export async function findEcfById(db: TenantDb, id: string): Promise<EcfRow | null> {
  const [row] = await db.select().from(ecfDocuments).where(eq(ecfDocuments.id, id));
  return row ?? null;
}

export async function findEcfByInvoice(db: TenantDb, invoiceId: string): Promise<EcfRow | null> {
  const [row] = await db.select().from(ecfDocuments).where(eq(ecfDocuments.invoiceId, invoiceId));
  return row ?? null;
}

/**
 * Issued E-series documents (invoices and credit notes) that have no e-CF yet, issued since the
 * shop's e-CF settings were saved and within the last 30 days (the 5-minute sweep reads this, so
 * only a few days' documents through invoices_issued_idx), oldest first; none without settings.
 */
export async function unpreparedEcfDocuments(db: TenantDb, limit: number): Promise<string[]> {
  const result = await db.execute<{ id: string }>(sql`
    SELECT i.id FROM invoices i, ecf_settings s
     WHERE i.ncf_type LIKE 'E%' AND i.status <> 'draft' AND i.ncf IS NOT NULL
       AND i.updated_at >= s.updated_at AND i.issued_on >= (s.updated_at AT TIME ZONE 'America/Santo_Domingo')::date
       AND i.issued_on >= (now() AT TIME ZONE 'America/Santo_Domingo')::date - 30
       AND NOT EXISTS (SELECT 1 FROM ecf_documents e WHERE e.invoice_id = i.id)
     ORDER BY i.updated_at
     LIMIT ${limit}`);
  return result.rows.map((row) => row.id);
}

/** The issue date of the document a credit note modifies (`FechaNCFModificado`), by its NCF. */
export async function issuedOnOfNcf(db: TenantDb, ncf: string): Promise<string | null> {
  const [row] = await db.select({ issuedOn: invoices.issuedOn }).from(invoices).where(eq(invoices.ncf, ncf));
  return row?.issuedOn ?? null;
}

/** Inserts the row of a freshly signed e-CF; `exists` when the document (or its e-NCF) already has one. */
export async function insertEcfDocument(
  db: TenantDb,
  values: NewEcfRow,
): Promise<{ ok: true; row: EcfRow } | { ok: false; reason: 'exists' }> {
  const [row] = await db.insert(ecfDocuments).values(values).onConflictDoNothing().returning();
  return row ? { ok: true, row } : { ok: false, reason: 'exists' };
}

/**
 * Takes the row for one send, atomically: only a pending or contingency row that is due (or a send
 * abandoned mid-way) moves to `sending`, so of any number of concurrent deliveries exactly one
 * gets it back.
 */
export async function claimEcfForSending(db: TenantDb, id: string): Promise<EcfRow | null> {
  const [row] = await db
    .update(ecfDocuments)
    .set({ state: 'sending', attempts: sql`${ecfDocuments.attempts} + 1`, updatedAt: sql`now()` })
    .where(
      and(
        eq(ecfDocuments.id, id),
        or(
          and(inArray(ecfDocuments.state, ['pending', 'contingency']), lte(ecfDocuments.nextAttemptAt, sql`now()`)),
          and(eq(ecfDocuments.state, 'sending'), lte(ecfDocuments.updatedAt, sql`now() - ${stuckSendingAfter}`)),
        ),
      ),
    )
    .returning();
  return row ?? null;
}

const appendExchange = (exchange: EcfExchange | EcfExchange[]) =>
  sql`${ecfDocuments.exchanges} || ${JSON.stringify([exchange].flat())}::jsonb`;

/** Recepción took it (or had it already): DGII's trackId, polled from `nextPollAt`. */
export async function markEcfSent(
  db: TenantDb,
  id: string,
  values: { trackId: string; nextPollAt: Date; exchange?: EcfExchange[] },
): Promise<EcfRow | null> {
  const [row] = await db
    .update(ecfDocuments)
    .set({
      state: 'sent',
      trackId: values.trackId,
      sentAt: sql`now()`,
      nextAttemptAt: values.nextPollAt,
      lastError: null,
      updatedAt: sql`now()`,
      ...(values.exchange?.length ? { exchanges: appendExchange(values.exchange) } : {}),
    })
    .where(and(eq(ecfDocuments.id, id), eq(ecfDocuments.state, 'sending')))
    .returning();
  return row ?? null;
}

/** DGII's final answer; only from `from` (the state the caller holds), so a late duplicate changes nothing. */
export async function markEcfFinal(
  db: TenantDb,
  id: string,
  from: EcfState,
  values: {
    state: 'accepted' | 'accepted_conditional' | 'rejected';
    dgiiStatus: string;
    messages: EcfMessage[];
    sequenceUsed: boolean;
    exchange?: EcfExchange;
  },
): Promise<EcfRow | null> {
  const [row] = await db
    .update(ecfDocuments)
    .set({
      state: values.state,
      dgiiStatus: values.dgiiStatus,
      messages: values.messages,
      sequenceUsed: values.sequenceUsed,
      finishedAt: sql`now()`,
      sentAt: sql`coalesce(${ecfDocuments.sentAt}, now())`,
      lastError: null,
      updatedAt: sql`now()`,
      ...(values.exchange ? { exchanges: appendExchange(values.exchange) } : {}),
    })
    .where(and(eq(ecfDocuments.id, id), eq(ecfDocuments.state, from)))
    .returning();
  return row ?? null;
}

/** DGII could not be reached: the send is given back, due again at `nextAttemptAt`. */
export async function markEcfContingency(
  db: TenantDb,
  id: string,
  values: { error: string; nextAttemptAt: Date; exchange?: EcfExchange },
): Promise<EcfRow | null> {
  const [row] = await db
    .update(ecfDocuments)
    .set({
      state: 'contingency',
      lastError: values.error,
      nextAttemptAt: values.nextAttemptAt,
      updatedAt: sql`now()`,
      ...(values.exchange ? { exchanges: appendExchange(values.exchange) } : {}),
    })
    .where(and(eq(ecfDocuments.id, id), eq(ecfDocuments.state, 'sending')))
    .returning();
  return row ?? null;
}

/** A ConsultaResultado that did not end it (En Proceso, or DGII unreachable): the next one at `nextPollAt`. */
export async function recordEcfPoll(
  db: TenantDb,
  id: string,
  values: { nextPollAt: Date; error?: string | null; dgiiStatus?: string; exchange?: EcfExchange },
): Promise<EcfRow | null> {
  const [row] = await db
    .update(ecfDocuments)
    .set({
      polls: sql`${ecfDocuments.polls} + 1`,
      nextAttemptAt: values.nextPollAt,
      lastError: values.error ?? null,
      ...(values.dgiiStatus ? { dgiiStatus: values.dgiiStatus } : {}),
      updatedAt: sql`now()`,
      ...(values.exchange ? { exchanges: appendExchange(values.exchange) } : {}),
    })
    .where(and(eq(ecfDocuments.id, id), eq(ecfDocuments.state, 'sent')))
    .returning();
  return row ?? null;
}

/** "Reintentar ahora": a waiting row becomes due at once. Null when it is not waiting. */
export async function makeEcfDue(db: TenantDb, id: string): Promise<EcfRow | null> {
  const [row] = await db
    .update(ecfDocuments)
    .set({ nextAttemptAt: sql`now()`, updatedAt: sql`now()` })
    .where(and(eq(ecfDocuments.id, id), inArray(ecfDocuments.state, ['pending', 'contingency', 'sent'])))
    .returning();
  return row ?? null;
}

/** Rows whose next step (send or poll) is due, oldest first, for the scheduled sweep. */
export async function dueEcfDocuments(db: TenantDb, limit: number): Promise<Array<Pick<EcfRow, 'id' | 'state'>>> {
  return db
    .select({ id: ecfDocuments.id, state: ecfDocuments.state })
    .from(ecfDocuments)
    .where(
      or(
        and(
          inArray(ecfDocuments.state, ['pending', 'contingency', 'sent']),
          lte(ecfDocuments.nextAttemptAt, sql`now()`),
        ),
        and(eq(ecfDocuments.state, 'sending'), lte(ecfDocuments.updatedAt, sql`now() - ${stuckSendingAfter}`)),
      ),
    )
    .orderBy(asc(ecfDocuments.nextAttemptAt))
    .limit(limit);
}

export interface EcfListRow {
  id: string;
  invoiceId: string;
  kind: 'invoice' | 'credit_note';
  encf: string;
  ecfType: string;
  state: EcfState;
  trackId: string | null;
  messages: EcfMessage[];
  sequenceUsed: boolean | null;
  attempts: number;
  lastError: string | null;
  nextAttemptAt: Date;
  createdAt: Date;
  finishedAt: Date | null;
  buyerName: string | null;
  totalDop: string;
}

/** What the shop still waits on (pending, sending, sent, contingency) and what DGII rejected, in its branches. */
export async function listUnfinishedEcf(db: TenantDb, scope: BranchScope, limit = 200): Promise<EcfListRow[]> {
  return db
    .select({
      id: ecfDocuments.id,
      invoiceId: ecfDocuments.invoiceId,
      kind: invoices.kind,
      encf: ecfDocuments.encf,
      ecfType: ecfDocuments.ecfType,
      state: ecfDocuments.state,
      trackId: ecfDocuments.trackId,
      messages: ecfDocuments.messages,
      sequenceUsed: ecfDocuments.sequenceUsed,
      attempts: ecfDocuments.attempts,
      lastError: ecfDocuments.lastError,
      nextAttemptAt: ecfDocuments.nextAttemptAt,
      createdAt: ecfDocuments.createdAt,
      finishedAt: ecfDocuments.finishedAt,
      buyerName: invoices.buyerName,
      totalDop: ecfDocuments.totalDop,
    })
    .from(ecfDocuments)
    .innerJoin(invoices, eq(invoices.id, ecfDocuments.invoiceId))
    .where(and(inArray(ecfDocuments.state, [...openEcfStates, 'rejected']), inScope(sql`${invoices.branchId}`, scope)))
    .orderBy(asc(ecfDocuments.createdAt))
    .limit(limit);
}

/** A row by id in the viewer's branches. */
export async function findEcfInScope(db: TenantDb, id: string, scope: BranchScope): Promise<EcfRow | null> {
  const [row] = await db
    .select({ ecf: ecfDocuments })
    .from(ecfDocuments)
    .innerJoin(invoices, eq(invoices.id, ecfDocuments.invoiceId))
    .where(and(eq(ecfDocuments.id, id), inScope(sql`${invoices.branchId}`, scope)));
  return row?.ecf ?? null;
}
