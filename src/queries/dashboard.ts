import { sql, type SQL } from 'drizzle-orm';
import type { TenantDb } from '../db/client';
import { inScope, type BranchScope } from './branch-scope';
import { dueVisitCondition } from './prescriptions';
import { openQuotation } from './quotations';

/** The shop's calendar as the dashboard reads it (all `YYYY-MM-DD` in America/Santo_Domingo). */
export interface DashboardDates {
  today: string;
  monthStart: string;
  /** First day of the sales chart (today - 29). */
  chartStart: string;
  /** Monday and Sunday of the current week. */
  weekStart: string;
  weekEnd: string;
  /** Sequences expiring up to this day are flagged (today + 30). */
  expiryLimit: string;
}

/** Which parts of the home page the statement computes (the others come back null). */
export interface DashboardParts {
  sales: boolean;
  margins: boolean;
  sequences: boolean;
  setup: boolean;
}

export interface MethodAmount {
  method: string;
  amount: string;
}

export interface DaySales {
  day: string;
  amount: string;
}

export interface SequenceAlert {
  id: string;
  docType: string;
  prefix: string;
  remaining: number;
  size: number;
  validUntil: string | null;
}

export interface LowStockItem {
  productId: string;
  sku: string;
  name: string;
  branchName: string;
  quantity: number;
}

export interface DuePatient {
  patientId: string;
  name: string;
  nextVisitOn: string;
  phone: string | null;
}

export interface SetupState {
  company: boolean;
  logo: boolean;
  sequences: boolean;
  ecf: boolean;
  products: boolean;
  users: boolean;
  sale: boolean;
  dismissed: boolean;
}

export interface DashboardRow {
  salesToday: string | null;
  salesMonth: string | null;
  salesByDay: DaySales[] | null;
  collectedToday: MethodAmount[] | null;
  collectedMonth: MethodAmount[] | null;
  refundedToday: string | null;
  refundedMonth: string | null;
  marginMonth: string | null;
  openQuotations: number | null;
  openQuotationsTotal: string | null;
  drafts: number | null;
  sequences: SequenceAlert[] | null;
  lowStockCount: number;
  lowStock: LowStockItem[];
  dueCount: number;
  due: DuePatient[];
  setup: SetupState | null;
}

/** Low stock: a tracked, active product with at most this many units in a branch (products have no reorder level). */
export const lowStockThreshold = 2;
/** A fiscal range is close to exhaustion below this many numbers, or below a tenth of its size. */
export const sequenceLowRemaining = 50;

const nothing = sql`NULL`;

/** Net sales in DOP per issue day since the month or the chart began (whichever is earlier): issued invoices minus issued credit notes, voided ones left out. */
function salesParts(scope: BranchScope, dates: DashboardDates): SQL {
  return sql`
    sales AS (
      SELECT i.issued_on AS day, sum(CASE WHEN i.kind = 'credit_note' THEN -i.total_dop ELSE i.total_dop END) AS amount
        FROM invoices i
       WHERE i.issued_on BETWEEN least(${dates.monthStart}::date, ${dates.chartStart}::date) AND ${dates.today}::date
         AND i.status NOT IN ('draft', 'voided') AND ${inScope(sql`i.branch_id`, scope)}
       GROUP BY i.issued_on),
    collected AS (
      SELECT p.method, p.received_on AS day, round(p.amount * i.exchange_rate, 2) AS amount
        FROM payments p JOIN invoices i ON i.id = p.invoice_id
       WHERE p.status = 'active' AND p.received_on BETWEEN ${dates.monthStart}::date AND ${dates.today}::date
         AND ${inScope(sql`p.branch_id`, scope)}),
    refunded AS (
      SELECT r.refunded_on AS day, round(r.amount * i.exchange_rate, 2) AS amount
        FROM refunds r JOIN invoices i ON i.id = r.invoice_id
       WHERE r.status = 'active' AND r.refunded_on BETWEEN ${dates.monthStart}::date AND ${dates.today}::date
         AND ${inScope(sql`r.branch_id`, scope)}),`;
}

function methodTotals(from: SQL): SQL {
  return sql`coalesce((SELECT json_agg(json_build_object('method', m.method, 'amount', m.amount::text) ORDER BY m.method)
      FROM (SELECT c.method, sum(c.amount) AS amount FROM collected c WHERE c.day >= ${from} GROUP BY c.method) m), '[]'::json)`;
}

/**
 * Every figure of the home page in one statement, not yet run (the page puts it in its db.batch).
 * Money is DOP: invoices by their total_dop, payments and refunds at their invoice's exchange rate
 * (half-up to cents), open quotations in a foreign currency at the latest rate on or before today.
 */
export function dashboardQuery(
  db: TenantDb,
  options: { scope: BranchScope; dates: DashboardDates; parts: DashboardParts },
) {
  const { scope, dates, parts } = options;
  const money = parts.sales;
  return db.execute<DashboardRow & Record<string, unknown>>(sql`
    WITH ${money ? salesParts(scope, dates) : sql``}
    due AS (
      SELECT c.id AS "patientId", c.name, rx.next_visit_on::text AS "nextVisitOn", coalesce(c.mobile, c.phone) AS phone
        FROM prescriptions rx JOIN contacts c ON c.id = rx.patient_id
       WHERE ${dueVisitCondition(sql`rx`, { from: dates.weekStart, to: dates.weekEnd })} AND ${inScope(sql`rx.branch_id`, scope)}),
    low AS (
      SELECT p.id AS "productId", p.sku, p.name, b.name AS "branchName", s.quantity
        FROM stock s JOIN products p ON p.id = s.product_id JOIN branches b ON b.id = s.branch_id
       WHERE p.track_stock AND p.active AND b.active AND s.quantity <= ${lowStockThreshold}
         AND ${inScope(sql`s.branch_id`, scope)})
    SELECT
      ${money ? sql`(SELECT coalesce(sum(amount), 0)::text FROM sales WHERE day = ${dates.today}::date)` : nothing} AS "salesToday",
      ${money ? sql`(SELECT coalesce(sum(amount), 0)::text FROM sales WHERE day >= ${dates.monthStart}::date)` : nothing} AS "salesMonth",
      ${
        money
          ? sql`(SELECT json_agg(json_build_object('day', g.day::date::text, 'amount', coalesce(s.amount, 0)::text) ORDER BY g.day)
                   FROM generate_series(${dates.chartStart}::date, ${dates.today}::date, interval '1 day') AS g(day)
                   LEFT JOIN sales s ON s.day = g.day::date)`
          : nothing
      } AS "salesByDay",
      ${money ? methodTotals(sql`${dates.today}::date`) : nothing} AS "collectedToday",
      ${money ? methodTotals(sql`${dates.monthStart}::date`) : nothing} AS "collectedMonth",
      ${money ? sql`(SELECT coalesce(sum(amount), 0)::text FROM refunded WHERE day = ${dates.today}::date)` : nothing} AS "refundedToday",
      ${money ? sql`(SELECT coalesce(sum(amount), 0)::text FROM refunded)` : nothing} AS "refundedMonth",
      ${
        parts.margins
          ? sql`(SELECT coalesce(sum(CASE WHEN i.kind = 'credit_note' THEN -m.amount ELSE m.amount END), 0)::text
                   FROM invoices i
                   CROSS JOIN LATERAL (SELECT sum(round(l.amount * i.exchange_rate, 2) - round(l.quantity * p.cost, 2)) AS amount
                                         FROM invoice_lines l JOIN products p ON p.id = l.product_id
                                        WHERE l.invoice_id = i.id AND p.cost IS NOT NULL) m
                  WHERE i.issued_on BETWEEN ${dates.monthStart}::date AND ${dates.today}::date
                    AND i.status NOT IN ('draft', 'voided') AND ${inScope(sql`i.branch_id`, scope)})`
          : nothing
      } AS "marginMonth",
      ${
        money
          ? sql`(SELECT count(*)::int FROM quotations q WHERE ${openQuotation(sql`q`)} AND ${inScope(sql`q.branch_id`, scope)})`
          : nothing
      } AS "openQuotations",
      ${
        money
          ? sql`(SELECT coalesce(sum(CASE WHEN q.currency_code = 'DOP' THEN q.total ELSE round(q.total * coalesce(r.rate, 0), 2) END), 0)::text
                   FROM quotations q
                   LEFT JOIN LATERAL (SELECT x.rate FROM exchange_rates x WHERE x.currency_code = q.currency_code AND x.valid_on <= ${dates.today}::date
                                       ORDER BY x.valid_on DESC LIMIT 1) r ON true
                  WHERE ${openQuotation(sql`q`)} AND ${inScope(sql`q.branch_id`, scope)})`
          : nothing
      } AS "openQuotationsTotal",
      ${
        money
          ? // Only issuing sets issued_on: the NULL entries of invoices_issued_idx are the drafts (no scan of every invoice).
            sql`(SELECT count(*)::int FROM invoices i
                  WHERE i.issued_on IS NULL AND i.status = 'draft' AND i.kind = 'invoice' AND ${inScope(sql`i.branch_id`, scope)})`
          : nothing
      } AS "drafts",
      ${
        parts.sequences
          ? sql`coalesce((SELECT json_agg(json_build_object('id', s.id, 'docType', s.doc_type, 'prefix', s.prefix,
                      'remaining', greatest(0, s.range_end - s.next_number + 1), 'size', s.range_end - s.range_start + 1,
                      'validUntil', s.valid_until::text) ORDER BY s.doc_type, s.valid_until)
                   FROM fiscal_sequences s
                  WHERE s.active AND s.doc_type NOT IN ('COT', 'REC')
                    AND (s.range_end - s.next_number + 1 < ${sequenceLowRemaining}
                         OR (s.range_end - s.next_number + 1) * 10 < s.range_end - s.range_start + 1
                         OR s.valid_until <= ${dates.expiryLimit}::date)), '[]'::json)`
          : nothing
      } AS "sequences",
      (SELECT count(*)::int FROM low) AS "lowStockCount",
      coalesce((SELECT json_agg(x) FROM (SELECT * FROM low ORDER BY quantity, lower(name), "branchName" LIMIT 5) x), '[]'::json) AS "lowStock",
      (SELECT count(*)::int FROM due) AS "dueCount",
      coalesce((SELECT json_agg(x) FROM (SELECT * FROM due ORDER BY "nextVisitOn", lower(name) LIMIT 8) x), '[]'::json) AS "due",
      ${
        parts.setup
          ? sql`(SELECT json_build_object(
                   'company', nullif(trim(co.rnc), '') IS NOT NULL AND nullif(trim(co.address), '') IS NOT NULL,
                   'logo', co.logo_key IS NOT NULL,
                   'sequences', EXISTS (SELECT 1 FROM fiscal_sequences s WHERE s.active AND s.doc_type NOT IN ('COT', 'REC')),
                   'ecf', EXISTS (SELECT 1 FROM ecf_settings),
                   'products', EXISTS (SELECT 1 FROM products WHERE active),
                   'users', (SELECT count(*) FROM users WHERE status <> 'disabled') > 1,
                   'sale', EXISTS (SELECT 1 FROM invoices WHERE kind = 'invoice' AND ncf IS NOT NULL),
                   'dismissed', co.setup_dismissed_at IS NOT NULL)
                 FROM company co WHERE co.id = 1)`
          : nothing
      } AS "setup"`);
}

/** Hides the setup checklist (the owner's choice); shown again never. */
export function dismissSetupQuery(db: TenantDb) {
  return db.execute(sql`UPDATE company SET setup_dismissed_at = coalesce(setup_dismissed_at, now()) WHERE id = 1`);
}
