import { and, asc, eq, getTableColumns, or, type SQL, sql } from 'drizzle-orm';
import type { TenantDb } from '../db/client';
import {
  type EcfEnvironment,
  ecfSettings,
  type ReceivedEcfApproval,
  type ReceivedEcfExchange,
  receivedEcf,
} from '../db/tenant-schema';
import type { CreatedCursor } from './keyset';
import { likeEscape } from './products';

export type ReceivedEcf = typeof receivedEcf.$inferSelect;

export interface ReceivedEcfListRow {
  id: string;
  issuerRnc: string;
  issuerName: string;
  encf: string;
  ecfType: string;
  issuedOn: string;
  total: string;
  currency: string;
  approval: ReceivedEcfApproval;
  createdAt: string;
}

/** The inbox, newest first: search by issuer name, RNC or e-NCF, filter by commercial approval. */
export async function listReceivedEcf(
  db: TenantDb,
  filter: { q?: string; approval?: ReceivedEcfApproval; after?: CreatedCursor | null; limit: number },
): Promise<{ rows: ReceivedEcfListRow[]; next: CreatedCursor | null }> {
  const conditions: SQL[] = [sql`true`];
  if (filter.approval) conditions.push(sql`r.approval = ${filter.approval}`);
  if (filter.q) {
    const pattern = likeEscape(filter.q.toLowerCase());
    conditions.push(
      sql`(lower(r.encf) LIKE ${`${pattern}%`} OR r.issuer_rnc LIKE ${`${pattern}%`} OR lower(r.issuer_name) LIKE ${`%${pattern}%`})`,
    );
  }
  if (filter.after)
    conditions.push(sql`(r.created_at, r.id) < (${filter.after.createdAt}::timestamptz, ${filter.after.id}::uuid)`);
  const result = await db.execute<{
    id: string;
    issuer_rnc: string;
    issuer_name: string;
    encf: string;
    ecf_type: string;
    issued_on: string;
    total: string;
    currency: string;
    approval: ReceivedEcfApproval;
    created_at: string;
    cursor_at: string;
  }>(sql`
    SELECT r.id, r.issuer_rnc, r.issuer_name, r.encf, r.ecf_type, r.issued_on::text AS issued_on, r.total::text AS total,
           r.currency, r.approval,
           to_char(r.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS created_at, r.created_at::text AS cursor_at
      FROM received_ecf r
     WHERE ${sql.join(conditions, sql` AND `)}
     ORDER BY r.created_at DESC, r.id DESC
     LIMIT ${filter.limit + 1}`);
  const rows = result.rows.slice(0, filter.limit);
  const last = rows.at(-1);
  return {
    rows: rows.map((row) => ({
      id: row.id,
      issuerRnc: row.issuer_rnc,
      issuerName: row.issuer_name,
      encf: row.encf,
      ecfType: row.ecf_type,
      issuedOn: row.issued_on,
      total: row.total,
      currency: row.currency,
      approval: row.approval,
      createdAt: row.created_at,
    })),
    next: result.rows.length > filter.limit && last ? { createdAt: last.cursor_at, id: last.id } : null,
  };
}

/** A received e-CF and the expense recorded from it (null when none), in one statement: the inbox page's read. */
export async function findReceivedEcfWithExpense(
  db: TenantDb,
  id: string,
): Promise<{ row: ReceivedEcf; expenseId: string | null } | null> {
  const [found] = await db
    .select({
      row: getTableColumns(receivedEcf),
      expenseId: sql<string | null>`(SELECT e.id FROM expenses e WHERE e.received_ecf_id = "received_ecf"."id")`,
    })
    .from(receivedEcf)
    .where(eq(receivedEcf.id, id));
  return found ?? null;
}

export async function findReceivedEcf(db: TenantDb, id: string): Promise<ReceivedEcf | null> {
  const [row] = await db.select().from(receivedEcf).where(eq(receivedEcf.id, id));
  return row ?? null;
}

/** A received e-CF and the shop's e-CF environment (null without settings), in one statement. */
export async function findReceivedEcfWithEnvironment(
  db: TenantDb,
  id: string,
): Promise<{ row: ReceivedEcf; environment: EcfEnvironment | null } | null> {
  const [found] = await db
    .select({ row: getTableColumns(receivedEcf), environment: ecfSettings.environment })
    .from(receivedEcf)
    .leftJoin(ecfSettings, eq(ecfSettings.id, 1))
    .where(eq(receivedEcf.id, id));
  return found ?? null;
}

/**
 * The shop's commercial decision, taken once: only a pending e-CF moves to approved or rejected,
 * with both sends (DGII and the issuer) due, so of two simultaneous decisions exactly one gets a row.
 */
export async function decideReceivedEcf(
  db: TenantDb,
  id: string,
  values: { approval: 'approved' | 'rejected'; reason: string | null; userId: string | null; acecfXmlKey: string },
): Promise<ReceivedEcf | null> {
  const [row] = await db
    .update(receivedEcf)
    .set({
      approval: values.approval,
      approvalReason: values.reason,
      approvedAt: sql`now()`,
      approvedBy: values.userId,
      acecfXmlKey: values.acecfXmlKey,
      approvalDgiiState: 'pending',
      approvalIssuerState: 'pending',
      approvalNextAt: sql`now()`,
      updatedAt: sql`now()`,
    })
    .where(and(eq(receivedEcf.id, id), eq(receivedEcf.approval, 'pending')))
    .returning();
  return row ?? null;
}

/** A send abandoned mid-way (the Worker died) may be claimed again after this long. */
const stuckAfter = sql`interval '5 minutes'`;

const due = or(
  and(
    or(eq(receivedEcf.approvalDgiiState, 'pending'), eq(receivedEcf.approvalIssuerState, 'pending')),
    sql`${receivedEcf.approvalNextAt} <= now()`,
  ),
  and(
    or(eq(receivedEcf.approvalDgiiState, 'sending'), eq(receivedEcf.approvalIssuerState, 'sending')),
    sql`${receivedEcf.approvalClaimedAt} <= now() - ${stuckAfter}`,
  ),
);

/**
 * Takes the decision's sends for one delivery of the job, atomically: the targets still pending
 * (or abandoned) become `sending`; one concurrent delivery gets the row, the others null.
 */
export async function claimApprovalSends(db: TenantDb, id: string): Promise<ReceivedEcf | null> {
  const take = (column: typeof receivedEcf.approvalDgiiState | typeof receivedEcf.approvalIssuerState) =>
    sql`CASE WHEN ${column} = 'pending' OR (${column} = 'sending' AND ${receivedEcf.approvalClaimedAt} <= now() - ${stuckAfter}) THEN 'sending' ELSE ${column} END`;
  const [row] = await db
    .update(receivedEcf)
    .set({
      approvalDgiiState: take(receivedEcf.approvalDgiiState),
      approvalIssuerState: take(receivedEcf.approvalIssuerState),
      approvalAttempts: sql`${receivedEcf.approvalAttempts} + 1`,
      approvalClaimedAt: sql`now()`,
    })
    .where(and(eq(receivedEcf.id, id), due))
    .returning();
  return row ?? null;
}

/** The outcome of one claimed delivery, per target; only by the claim that holds it (same attempt). */
export async function finishApprovalSends(
  db: TenantDb,
  claimed: Pick<ReceivedEcf, 'id' | 'approvalAttempts'>,
  values: {
    dgii?: 'pending' | 'sent' | 'failed';
    issuer?: 'pending' | 'sent' | 'failed';
    nextAt: Date | null;
    error: string | null;
    exchanges: ReceivedEcfExchange[];
  },
): Promise<ReceivedEcf | null> {
  const [row] = await db
    .update(receivedEcf)
    .set({
      ...(values.dgii ? { approvalDgiiState: values.dgii } : {}),
      ...(values.issuer ? { approvalIssuerState: values.issuer } : {}),
      approvalNextAt: values.nextAt,
      approvalError: values.error,
      approvalExchanges: sql`${receivedEcf.approvalExchanges} || ${JSON.stringify(values.exchanges)}::jsonb`,
      updatedAt: sql`now()`,
    })
    .where(and(eq(receivedEcf.id, claimed.id), eq(receivedEcf.approvalAttempts, claimed.approvalAttempts)))
    .returning();
  return row ?? null;
}

/** Decisions with a send due, oldest first, for the scheduled sweep. */
export async function dueApprovalSends(db: TenantDb, limit: number): Promise<Array<Pick<ReceivedEcf, 'id'>>> {
  return db
    .select({ id: receivedEcf.id })
    .from(receivedEcf)
    .where(due)
    .orderBy(asc(receivedEcf.approvalNextAt))
    .limit(limit);
}
