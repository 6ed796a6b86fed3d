import { type SQL, sql } from 'drizzle-orm';
import type { TenantDb } from '../db/client';
import { shopTimeZone } from '../domain/dates';
import type { ReportRow } from '../domain/business-reports';
import { inScope, type BranchScope } from './branch-scope';
import { lowStockThreshold } from './dashboard';
import { openInvoiceConditions } from './receivables';

/** What a report's statement is narrowed by; each report reads the fields it declares. */
export interface ReportScope {
  /** YYYY-MM-DD, both ends included (shop dates). */
  from: string;
  to: string;
  /** The branches the user asked for and may see; null = every branch. */
  branchIds: BranchScope;
  sellerId: string | null;
  category: string | null;
  /** The shop's date today, for ages and expiry. */
  today: string;
}

/**
 * A report's rows as one SELECT: a column per report column (decimals as text), `_k` a unique text
 * key in the report's order (the keyset), and any extra fields the screen uses (links).
 */
export type ReportStatement = (scope: ReportScope) => SQL;

const dop = (expression: SQL) => sql`coalesce(${expression}, 0)::numeric(14,2)::text`;
const share = (column: string) =>
  sql`coalesce(round(sum(${sql.raw(column)}) / nullif(sum(sum(${sql.raw(column)})) over (), 0), 4), 0)::text`;

/**
 * Fiscal documents that count as sales in the range: issued invoices and credit notes (a credit
 * note with sign -1), never drafts, voided or imported ones (history from the old system). A credit
 * note is its original invoice's seller's (it undoes that sale).
 */
function salesDocuments(scope: ReportScope): SQL {
  const seller = scope.sellerId ? sql`AND coalesce(ref.seller_id, i.seller_id) = ${scope.sellerId}::uuid` : sql``;
  return sql`
    SELECT i.id, i.kind, i.issued_on, i.branch_id, i.customer_id, i.buyer_name, i.exchange_rate,
           coalesce(ref.seller_id, i.seller_id) AS seller_id,
           CASE WHEN i.kind = 'credit_note' THEN -1 ELSE 1 END AS sign,
           i.taxable_total_dop + i.exempt_total_dop AS net_dop, i.itbis_total_dop, i.total_dop
      FROM invoices i
      LEFT JOIN invoices ref ON ref.id = i.reference_invoice_id
     WHERE i.status NOT IN ('draft', 'voided') AND i.imported_at IS NULL
       AND i.issued_on BETWEEN ${scope.from}::date AND ${scope.to}::date
       AND ${inScope(sql`i.branch_id`, scope.branchIds)} ${seller}`;
}

/** Counts and sums of sales documents, for the reports grouped by a document field. */
const documentFigures = sql`
  count(*) FILTER (WHERE d.kind = 'invoice')::int AS invoices,
  count(*) FILTER (WHERE d.kind = 'credit_note')::int AS credit_notes,
  ${dop(sql`sum(d.sign * d.net_dop)`)} AS net,
  ${dop(sql`sum(d.sign * d.itbis_total_dop)`)} AS itbis,
  ${dop(sql`sum(d.sign * d.total_dop)`)} AS total`;

export const salesByDay: ReportStatement = (scope) => sql`
  SELECT d.issued_on::text AS day, ${documentFigures}, d.issued_on::text AS _k
    FROM (${salesDocuments(scope)}) d GROUP BY d.issued_on`;

export const salesByMonth: ReportStatement = (scope) => sql`
  SELECT to_char(d.issued_on, 'YYYY-MM') AS month, ${documentFigures}, to_char(d.issued_on, 'YYYY-MM') AS _k
    FROM (${salesDocuments(scope)}) d GROUP BY to_char(d.issued_on, 'YYYY-MM')`;

export const salesByCustomer: ReportStatement = (scope) => sql`
  SELECT coalesce(c.name, max(d.buyer_name)) AS customer, c.id_number AS id_number, ${documentFigures},
         d.customer_id::text AS customer_id,
         lower(coalesce(c.name, max(d.buyer_name), '')) || '|' || coalesce(d.customer_id::text, '') AS _k
    FROM (${salesDocuments(scope)}) d LEFT JOIN contacts c ON c.id = d.customer_id
   GROUP BY d.customer_id, c.name, c.id_number`;

export const salesBySeller: ReportStatement = (scope) => sql`
  SELECT u.name AS seller, ${documentFigures}, ${share('d.sign * d.net_dop')} AS share,
         lower(coalesce(u.name, '~')) || '|' || coalesce(d.seller_id::text, '') AS _k
    FROM (${salesDocuments(scope)}) d LEFT JOIN users u ON u.id = d.seller_id
   GROUP BY d.seller_id, u.name`;

export const salesByBranch: ReportStatement = (scope) => sql`
  SELECT b.name AS branch, ${documentFigures}, ${share('d.sign * d.net_dop')} AS share,
         lower(b.code) || '|' || b.id::text AS _k
    FROM (${salesDocuments(scope)}) d JOIN branches b ON b.id = d.branch_id
   GROUP BY b.id, b.name, b.code`;

/** Invoice lines of the sales documents, each net amount in DOP at its document's rate (half-up). */
function salesLines(scope: ReportScope): SQL {
  const category = scope.category ? sql`AND p.category = ${scope.category}` : sql``;
  return sql`
    SELECT l.product_id, l.description, p.sku, p.name, p.category,
           d.sign * l.quantity AS quantity, d.sign * round(l.amount * d.exchange_rate, 2) AS net
      FROM (${salesDocuments(scope)}) d
      JOIN invoice_lines l ON l.invoice_id = d.id
      LEFT JOIN products p ON p.id = l.product_id
     WHERE true ${category}`;
}

export const salesByProduct: ReportStatement = (scope) => sql`
  SELECT x.sku, coalesce(x.name, x.description) AS product, x.category,
         sum(x.quantity)::numeric(14,2)::text AS quantity, ${dop(sql`sum(x.net)`)} AS net,
         lower(coalesce(x.name, x.description)) || '|' || coalesce(x.product_id::text, '') AS _k
    FROM (${salesLines(scope)}) x
   GROUP BY x.product_id, x.sku, x.name, x.category, CASE WHEN x.product_id IS NULL THEN x.description END,
            coalesce(x.name, x.description)`;

export const salesByCategory: ReportStatement = (scope) => sql`
  SELECT coalesce(x.category, 'none') AS category, sum(x.quantity)::numeric(14,2)::text AS quantity,
         ${dop(sql`sum(x.net)`)} AS net, ${share('x.net')} AS share, coalesce(x.category, '~') AS _k
    FROM (${salesLines(scope)}) x GROUP BY x.category`;

/** Payments received in the range (voided ones left out), by e-CF payment form, in DOP at the invoice's rate. */
export const paymentsByMethod: ReportStatement = (scope) => {
  const seller = scope.sellerId ? sql`AND i.seller_id = ${scope.sellerId}::uuid` : sql``;
  return sql`
    SELECT pm.method, count(*)::int AS payments, ${dop(sql`sum(round(pm.amount * i.exchange_rate, 2))`)} AS amount,
           ${share('round(pm.amount * i.exchange_rate, 2)')} AS share, pm.method AS _k
      FROM payments pm JOIN invoices i ON i.id = pm.invoice_id
     WHERE pm.status = 'active' AND pm.received_on BETWEEN ${scope.from}::date AND ${scope.to}::date
       AND ${inScope(sql`pm.branch_id`, scope.branchIds)} ${seller}
     GROUP BY pm.method`;
};

/**
 * Open balances per customer aged to today by due date (issue date without one): not yet due,
 * 1-30, 31-60, 61-90 and over 90 days past due, in DOP at each invoice's rate. The open invoices
 * are those of receivables.ts (openInvoiceConditions), imported ones included: their balance is owed.
 */
export const receivablesAgeing: ReportStatement = (scope) => {
  const bucket = (condition: SQL) => dop(sql`sum(x.open) FILTER (WHERE ${condition})`);
  return sql`
    SELECT coalesce(c.name, max(x.buyer_name)) AS customer, c.id_number AS id_number, count(*)::int AS invoices,
           ${bucket(sql`x.age <= 0`)} AS current, ${bucket(sql`x.age BETWEEN 1 AND 30`)} AS days1to30,
           ${bucket(sql`x.age BETWEEN 31 AND 60`)} AS days31to60, ${bucket(sql`x.age BETWEEN 61 AND 90`)} AS days61to90,
           ${bucket(sql`x.age > 90`)} AS over90, ${dop(sql`sum(x.open)`)} AS total,
           x.customer_id::text AS customer_id,
           lower(coalesce(c.name, max(x.buyer_name), '')) || '|' || coalesce(x.customer_id::text, '') AS _k
      FROM (SELECT invoices.customer_id, invoices.buyer_name,
                   round((invoices.total - invoices.paid_total - invoices.credited_total) * invoices.exchange_rate, 2) AS open,
                   ${scope.today}::date - coalesce(invoices.due_on, invoices.issued_on) AS age
              FROM invoices WHERE ${openInvoiceConditions(scope.branchIds)}) x
      LEFT JOIN contacts c ON c.id = x.customer_id
     GROUP BY x.customer_id, c.name, c.id_number`;
};

/** Stocked products per branch with their value at cost (quantity x products.cost, half-up). */
function stockLevels(scope: ReportScope, low: boolean): SQL {
  const category = scope.category ? sql`AND p.category = ${scope.category}` : sql``;
  const onlyLow = low
    ? sql`AND p.active AND coalesce(s.quantity, 0) <= ${lowStockThreshold}`
    : sql`AND (p.active OR coalesce(s.quantity, 0) <> 0)`;
  return sql`
    SELECT p.sku, p.name AS product, p.category, b.name AS branch, coalesce(s.quantity, 0) AS quantity,
           round(p.cost, 2)::text AS cost, round(coalesce(s.quantity, 0) * p.cost, 2)::text AS value,
           lower(p.name) || '|' || p.id::text || '|' || b.code AS _k
      FROM products p CROSS JOIN branches b
      LEFT JOIN stock s ON s.product_id = p.id AND s.branch_id = b.id
     WHERE p.track_stock AND b.active AND ${inScope(sql`b.id`, scope.branchIds)} ${category} ${onlyLow}`;
}

export const stockOnHand: ReportStatement = (scope) => stockLevels(scope, false);
export const stockLow: ReportStatement = (scope) => stockLevels(scope, true);

/** The stock ledger's movements in the range (shop dates), oldest first, valued at the product's cost. */
export const stockMovements: ReportStatement = (scope) => {
  const category = scope.category ? sql`AND p.category = ${scope.category}` : sql``;
  return sql`
    SELECT (m.created_at AT TIME ZONE ${shopTimeZone})::date::text AS day, p.sku, p.name AS product, b.name AS branch,
           m.kind, m.quantity, m.balance_after, round(m.quantity * p.cost, 2)::text AS value,
           coalesce(m.reason, m.reference) AS note, lpad(m.id::text, 20, '0') AS _k
      FROM stock_movements m JOIN products p ON p.id = m.product_id JOIN branches b ON b.id = m.branch_id
     WHERE m.created_at >= (${scope.from}::date::timestamp AT TIME ZONE ${shopTimeZone})
       AND m.created_at < ((${scope.to}::date + 1)::timestamp AT TIME ZONE ${shopTimeZone})
       AND ${inScope(sql`m.branch_id`, scope.branchIds)} ${category}`;
};

/** Prescriptions examined in the range by optometrist (a shop user, or a name typed for an outside one). */
export const prescriptionsByOptometrist: ReportStatement = (scope) => sql`
  SELECT coalesce(u.name, min(r.optometrist_name)) AS optometrist, count(*)::int AS prescriptions,
         count(DISTINCT r.patient_id)::int AS patients, min(r.examined_on)::text AS first_exam,
         max(r.examined_on)::text AS last_exam,
         lower(coalesce(u.name, min(r.optometrist_name), '~')) || '|' || x.who AS _k
    FROM prescriptions r
    LEFT JOIN users u ON u.id = r.optometrist_id
    CROSS JOIN LATERAL (SELECT coalesce(r.optometrist_id::text, 'n:' || lower(trim(coalesce(r.optometrist_name, '')))) AS who) x
   WHERE r.examined_on BETWEEN ${scope.from}::date AND ${scope.to}::date AND ${inScope(sql`r.branch_id`, scope.branchIds)}
   GROUP BY x.who, u.name`;

/**
 * Quotations of the range per seller by outcome: converted, cancelled, expired (draft or sent past
 * their valid-until date) and still open. Conversion = converted / (converted + cancelled + expired).
 * Amounts are of the quotations in pesos (quotations carry no exchange rate).
 */
export const quotationOutcomes: ReportStatement = (scope) => {
  const seller = scope.sellerId ? sql`AND q.seller_id = ${scope.sellerId}::uuid` : sql``;
  const expired = sql`q.status IN ('draft', 'sent') AND q.valid_until < ${scope.today}::date`;
  const open = sql`q.status IN ('draft', 'sent') AND (q.valid_until IS NULL OR q.valid_until >= ${scope.today}::date)`;
  const lost = sql`q.status = 'cancelled' OR (${expired})`;
  return sql`
    SELECT u.name AS seller, count(*)::int AS quotations,
           count(*) FILTER (WHERE q.status = 'converted')::int AS converted,
           count(*) FILTER (WHERE q.status = 'cancelled')::int AS cancelled,
           count(*) FILTER (WHERE ${expired})::int AS expired,
           count(*) FILTER (WHERE ${open})::int AS open,
           coalesce(round(count(*) FILTER (WHERE q.status = 'converted')::numeric
             / nullif(count(*) FILTER (WHERE q.status = 'converted' OR ${lost}), 0), 4), 0)::text AS conversion,
           ${dop(sql`sum(q.total) FILTER (WHERE q.status = 'converted' AND q.currency_code = 'DOP')`)} AS converted_amount,
           ${dop(sql`sum(q.total) FILTER (WHERE (${lost}) AND q.currency_code = 'DOP')`)} AS lost_amount,
           lower(coalesce(u.name, '~')) || '|' || coalesce(q.seller_id::text, '') AS _k
      FROM quotations q LEFT JOIN users u ON u.id = q.seller_id
     WHERE q.quoted_on BETWEEN ${scope.from}::date AND ${scope.to}::date
       AND ${inScope(sql`q.branch_id`, scope.branchIds)} ${seller}
     GROUP BY q.seller_id, u.name`;
};

/** Expenses (606) issued in the range by DGII expense type, voided ones left out. */
export const expensesByType: ReportStatement = (scope) => sql`
  SELECT e.expense_type, count(*)::int AS expenses, ${dop(sql`sum(e.total)`)} AS amount,
         ${dop(sql`sum(e.itbis_billed)`)} AS itbis,
         ${dop(sql`sum(e.isc_amount + e.other_taxes + e.legal_tip)`)} AS other_taxes,
         ${dop(sql`sum(e.total + e.itbis_billed + e.isc_amount + e.other_taxes + e.legal_tip)`)} AS total,
         ${share('e.total')} AS share, e.expense_type AS _k
    FROM expenses e
   WHERE e.voided_at IS NULL AND e.issued_on BETWEEN ${scope.from}::date AND ${scope.to}::date
     AND ${inScope(sql`e.branch_id`, scope.branchIds)}
   GROUP BY e.expense_type`;

/** How a column is totalled: summed, or an aggregate of its own over the rows `r`. */
export type ColumnTotal = 'sum' | ((r: SQL) => SQL);

/** The statement of one chunk of a report in its key order, after `after` (null: from the start). */
export function reportChunkQuery(db: TenantDb, statement: SQL, after: string | null, limit: number) {
  const from = after === null ? sql`true` : sql`r._k COLLATE "C" > ${after}`;
  return db.execute<ReportRow & { _k: string }>(
    sql`SELECT * FROM (${statement}) r WHERE ${from} ORDER BY r._k COLLATE "C" LIMIT ${limit}`,
  );
}

/** The report's row count and its totals row (each money total summed in SQL, exact). */
export function reportTotalsQuery(db: TenantDb, statement: SQL, totals: Array<{ key: string; total: ColumnTotal }>) {
  const r = sql`r`;
  const figures = totals.map(({ key, total }) => {
    const expression = total === 'sum' ? sql`sum((r.${sql.identifier(key)})::numeric)` : total(r);
    return sql`, (${expression})::text AS ${sql.identifier(key)}`;
  });
  return db.execute<ReportRow & { _rows: number }>(
    sql`SELECT count(*)::int AS _rows ${sql.join(figures, sql``)} FROM (${statement}) r`,
  );
}

/**
 * A report's first rows (in key order) and its totals in one statement: the report's rows are
 * computed once (a materialised CTE) for both, so a page over 50,000 invoices aggregates them once.
 */
export function reportHeadQuery(
  db: TenantDb,
  statement: SQL,
  limit: number,
  totals: Array<{ key: string; total: ColumnTotal }>,
) {
  const figures = totals.map(({ key, total }) => {
    const expression = total === 'sum' ? sql`sum((r.${sql.identifier(key)})::numeric)` : total(sql`r`);
    return sql`, (${expression})::text AS ${sql.identifier(key)}`;
  });
  return db.execute<{ rows: Array<ReportRow & { _k: string }>; totals: ReportRow & { _rows: number } }>(sql`
    WITH r AS MATERIALIZED (${statement})
    SELECT (SELECT coalesce(json_agg(p ORDER BY p._k COLLATE "C"), '[]'::json)
              FROM (SELECT * FROM r ORDER BY r._k COLLATE "C" LIMIT ${limit}) p) AS rows,
           (SELECT row_to_json(t) FROM (SELECT count(*)::int AS _rows ${sql.join(figures, sql``)} FROM r) t) AS totals`);
}

/** Every row of a report, a chunk per query, in key order: the exports' source. */
export async function* reportChunks(db: TenantDb, statement: SQL, chunkSize: number): AsyncGenerator<ReportRow[]> {
  let after: string | null = null;
  for (;;) {
    const { rows } = await reportChunkQuery(db, statement, after, chunkSize);
    if (rows.length > 0) yield rows;
    if (rows.length < chunkSize) return;
    after = rows.at(-1)!._k;
  }
}
