import { sql, type SQL } from 'drizzle-orm';
import type { TenantDb } from '../db/client';
import type { CommissionPeriod, CommissionRule } from '../domain/commissions';

/** A period as a month number (year x 12 + month - 1), so months can be counted back in SQL. */
export const periodIndex = (period: CommissionPeriod) =>
  Number(period.slice(0, 4)) * 12 + Number(period.slice(5, 7)) - 1;

const monthStart = (index: SQL | number) => sql`make_date((${index})::int / 12, (${index})::int % 12 + 1, 1)`;

/**
 * The documents that count in open period `period` (docs/domain.md, "Sellers and commissions"):
 * - an invoice (not imported, with a seller) once it is fully paid, on the day it became so:
 *   the latest of its issue date, its active payments' dates and its credit notes' dates;
 * - a credit note of such an invoice, on the later of its own date and that day;
 * each in the first period on or after that day that is not closed, and never when a close
 * already froze it. Open periods before `period` keep their own documents: `period` takes the
 * days after the last open month before it (every month in between is closed) up to its end.
 * Columns: id, kind, seller_id, counts_on.
 */
function dueDocuments(period: CommissionPeriod): SQL {
  const index = periodIndex(period);
  return sql`
    back(m) AS (
      SELECT ${index}::int - 1
      UNION ALL
      SELECT back.m - 1 FROM back
       WHERE EXISTS (SELECT 1 FROM commission_closes cc WHERE cc.period = to_char(${monthStart(sql`back.m`)}, 'YYYY-MM'))
    ),
    bounds AS (
      SELECT ${monthStart(sql`(SELECT min(m) FROM back) + 1`)} AS start_on, ${monthStart(index + 1)} AS end_on,
             NOT EXISTS (SELECT 1 FROM commission_closes cc WHERE cc.period = ${period}) AS open
    ),
    candidates AS (
      SELECT i.id FROM invoices i, bounds b
       WHERE i.kind = 'invoice' AND i.issued_on >= b.start_on AND i.issued_on < b.end_on
      UNION
      SELECT p.invoice_id FROM payments p, bounds b
       WHERE p.status = 'active' AND p.received_on >= b.start_on AND p.received_on < b.end_on
      UNION
      SELECT n.reference_invoice_id FROM invoices n, bounds b
       WHERE n.kind = 'credit_note' AND n.status <> 'voided' AND n.issued_on >= b.start_on AND n.issued_on < b.end_on
    ),
    settled AS (
      SELECT i.id, i.seller_id,
             greatest(i.issued_on,
                      (SELECT max(p.received_on) FROM payments p WHERE p.invoice_id = i.id AND p.status = 'active'),
                      (SELECT max(n.issued_on) FROM invoices n
                        WHERE n.reference_invoice_id = i.id AND n.kind = 'credit_note' AND n.status <> 'voided')) AS settled_on
        FROM invoices i JOIN candidates ON candidates.id = i.id
       WHERE i.kind = 'invoice' AND i.status = 'paid' AND i.seller_id IS NOT NULL AND i.imported_at IS NULL
    ),
    documents AS (
      SELECT s.id, 'invoice'::text AS kind, s.seller_id, s.settled_on AS counts_on FROM settled s
      UNION ALL
      SELECT n.id, 'credit_note', s.seller_id, greatest(n.issued_on, s.settled_on)
        FROM invoices n JOIN settled s ON s.id = n.reference_invoice_id
       WHERE n.kind = 'credit_note' AND n.status <> 'voided'
    ),
    due AS (
      SELECT d.* FROM documents d, bounds b
       WHERE b.open AND d.counts_on >= b.start_on AND d.counts_on < b.end_on
         AND NOT EXISTS (SELECT 1 FROM commission_entries e WHERE e.document_id = d.id)
    )`;
}

/** A document of the report, with what its page and detail show. */
export interface CommissionDocumentRow {
  id: string;
  kind: 'invoice' | 'credit_note';
  ncf: string | null;
  issuedOn: string;
  countsOn: string | null;
  sellerId: string;
  sellerName: string;
  customerName: string | null;
  currencyCode: string;
  exchangeRate: string;
  /** Frozen figures (a closed period); null while open (computed from `lines`). */
  base: string | null;
  amount: string | null;
  lines: Array<{ category: string | null; amount: string }>;
}

export interface CommissionCloseRow {
  id: string;
  period: string;
  closedAt: string;
  closedByName: string | null;
}

const documentColumns = sql`i.id, i.kind, i.ncf, i.issued_on::text AS "issuedOn", sel.name AS "sellerName",
  coalesce(i.buyer_name, c.name) AS "customerName", i.currency_code AS "currencyCode", i.exchange_rate::text AS "exchangeRate"`;
const documentJoins = sql`LEFT JOIN contacts c ON c.id = i.customer_id`;

/**
 * The report of a period as three statements for one batch: the close (if any), the active rules,
 * and the documents - the frozen entries of a closed period, or the due documents of an open one
 * with their lines (category and amount).
 */
export function commissionReportQueries(db: TenantDb, period: CommissionPeriod) {
  const close = db.execute<CommissionCloseRow & Record<string, unknown>>(sql`
    SELECT cc.id, cc.period, to_char(cc.closed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS "closedAt", u.name AS "closedByName"
      FROM commission_closes cc LEFT JOIN users u ON u.id = cc.closed_by
     WHERE cc.period = ${period}`);
  const documents = db.execute<CommissionDocumentRow & Record<string, unknown>>(sql`
    WITH RECURSIVE ${dueDocuments(period)}
    SELECT ${documentColumns}, d.seller_id AS "sellerId", d.counts_on::text AS "countsOn", NULL::text AS base, NULL::text AS amount,
           coalesce((SELECT json_agg(json_build_object('category', p.category, 'amount', l.amount::text) ORDER BY l.position)
                       FROM invoice_lines l LEFT JOIN products p ON p.id = l.product_id WHERE l.invoice_id = i.id), '[]'::json) AS lines
      FROM due d JOIN invoices i ON i.id = d.id JOIN users sel ON sel.id = d.seller_id ${documentJoins}
    UNION ALL
    SELECT ${documentColumns}, e.seller_id, NULL::text, e.base::text, e.amount::text, '[]'::json
      FROM commission_closes cc
      JOIN commission_entries e ON e.close_id = cc.id
      JOIN invoices i ON i.id = e.document_id
      JOIN users sel ON sel.id = e.seller_id ${documentJoins}
     WHERE cc.period = ${period}
     ORDER BY "sellerName", "sellerId", "issuedOn", ncf, id`);
  return { close, rules: activeRulesQuery(db), documents };
}

export interface CommissionRuleRow extends CommissionRule {
  sellerName: string | null;
  updatedAt: string;
}

/** The active rules, most specific first (seller and category, seller, category), by seller name and category. */
export function activeRulesQuery(db: TenantDb) {
  return db.execute<CommissionRuleRow & Record<string, unknown>>(sql`
    SELECT r.id, r.seller_id AS "sellerId", u.name AS "sellerName", r.category, r.rate::text AS rate,
           to_char(r.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS "updatedAt"
      FROM commission_rules r LEFT JOIN users u ON u.id = r.seller_id
     WHERE r.active
     ORDER BY (r.seller_id IS NOT NULL AND r.category IS NOT NULL) DESC, (r.seller_id IS NOT NULL) DESC,
              lower(u.name), r.category, r.id`);
}

/**
 * Saves the active rule of a scope (seller, category or both): a new one, or the rate of the one
 * already there. False when the seller is not an active user (nothing written).
 */
export async function saveRule(
  db: TenantDb,
  rule: { sellerId: string | null; category: string | null; rate: string },
  userId: string,
): Promise<{ id: string } | null> {
  const result = await db.execute<{ id: string }>(sql`
    INSERT INTO commission_rules (seller_id, category, rate, created_by)
    SELECT ${rule.sellerId}::uuid, ${rule.category}, ${rule.rate}::numeric, ${userId}::uuid
     WHERE ${rule.sellerId}::uuid IS NULL OR EXISTS (SELECT 1 FROM users WHERE id = ${rule.sellerId}::uuid AND status = 'active')
    ON CONFLICT (coalesce(seller_id::text, ''), coalesce(category, '')) WHERE active
    DO UPDATE SET rate = excluded.rate, updated_at = now()
    RETURNING id`);
  return result.rows[0] ?? null;
}

/** Retires an active rule (kept for history); false when there is none with that id. */
export async function retireRule(db: TenantDb, id: string): Promise<boolean> {
  const result = await db.execute<{ id: string }>(sql`
    UPDATE commission_rules SET active = false, updated_at = now() WHERE id = ${id}::uuid AND active RETURNING id`);
  return result.rows.length > 0;
}

export interface CloseEntry {
  documentId: string;
  sellerId: string;
  base: string;
  amount: string;
}

/**
 * Closes `period` in ONE statement: the close row and its entries, only if the period is still open
 * and its due documents are exactly those the figures were computed from (`entries`). Unique
 * period and unique document keep a parallel close from counting anything twice.
 */
export async function closePeriod(
  db: TenantDb,
  period: CommissionPeriod,
  entries: CloseEntry[],
  userId: string,
): Promise<{ outcome: 'closed'; id: string } | { outcome: 'already_closed' | 'changed' }> {
  const ids = entries.map((entry) => entry.documentId).sort();
  const result = await db.execute<{ id: string | null; same: boolean; open: boolean }>(sql`
    WITH RECURSIVE ${dueDocuments(period)},
    checked AS (
      SELECT coalesce((SELECT array_agg(due.id::text ORDER BY due.id::text) FROM due), '{}') = ${`{${ids.join(',')}}`}::text[] AS same,
             (SELECT open FROM bounds) AS open
    ),
    closed AS (
      INSERT INTO commission_closes (period, closed_by)
      SELECT ${period}, ${userId}::uuid FROM checked WHERE same AND open
      ON CONFLICT (period) DO NOTHING
      RETURNING id
    ),
    written AS (
      INSERT INTO commission_entries (close_id, seller_id, document_id, base, amount)
      SELECT closed.id, e."sellerId", e."documentId", e.base, e.amount
        FROM closed, json_to_recordset(${JSON.stringify(entries)}::json) AS e("documentId" uuid, "sellerId" uuid, base numeric, amount numeric)
      RETURNING 1
    )
    SELECT (SELECT id FROM closed) AS id, checked.same, checked.open, (SELECT count(*) FROM written) AS written FROM checked`);
  const row = result.rows[0]!;
  if (row.id) return { outcome: 'closed', id: row.id };
  if (!row.open || row.same) return { outcome: 'already_closed' };
  return { outcome: 'changed' };
}
