import { sql } from 'drizzle-orm';
import {
  periodRange,
  reportRnc,
  type Period,
  type Report607Stats,
  type SalesDocument,
  type VoidedDocument,
} from '../domain/dgii-reports';
import { fromUnits, normalizeDecimal } from '../domain/money';
import { consumerIdThresholdDop } from '../domain/ncf';
import { shopTimeZone } from '../domain/dates';
import type { TenantDb } from '../db/client';
import { purchasesStatsSql, type Report606Stats } from './expenses';

/**
 * A month's reports are read in keyset pages of this many documents: a 607 row is about 400 bytes
 * of JSON, so no database response passes ~2.5 MB however large the month (Neon refuses 10 MB), and
 * a month of up to 6,000 documents (a busy shop's) is read with its head, in the page's one round trip.
 */
export const reportPageSize = 6000;

/** Where the next page starts: the last document of the previous one, in file order. */
export interface ReportCursor {
  issuedOn: string;
  ncf: string;
}

export interface DgiiPreview {
  period: Period;
  /** RNC digits, or null when the company has none (the files cannot be generated). */
  rnc: string | null;
  sales: Report607Stats;
  voidedCount: number;
  /** The 606's totals (supplier credit notes subtracted), for its section and the net ITBIS. */
  purchases: Report606Stats;
}

export interface DgiiPeriodHead {
  /** The company's RNC as typed in the settings (null when not set). */
  rnc: string | null;
  /** 607 detail lines of the period: its documents less the consumer invoices the file folds away. */
  salesLines: number;
  /** Documents voided in the period (608 lines). */
  voidedCount: number;
}

// The month's bounds as instants in the shop's time zone, so invoices_voided_idx serves the 608.
// Invoices imported from the shop's old system (imported_at set) were reported by that system: never here.
const voidedIn = (start: string, end: string) => sql`i.status = 'voided' AND i.ncf IS NOT NULL AND i.imported_at IS NULL
  AND i.voided_at >= (${start}::timestamp AT TIME ZONE ${shopTimeZone})
  AND i.voided_at < (${end}::timestamp AT TIME ZONE ${shopTimeZone})`;
// The predicate of invoices_sales_idx (partial index): keep them identical.
const issuedIn = (start: string, end: string) => sql`i.status NOT IN ('draft', 'voided') AND i.ncf IS NOT NULL
  AND i.issued_on >= ${start}::date AND i.issued_on < ${end}::date AND i.imported_at IS NULL`;

const after = (cursor: ReportCursor | null) =>
  cursor ? sql`AND (i.issued_on, i.ncf COLLATE "C") > (${cursor.issuedOn}::date, ${cursor.ncf} COLLATE "C")` : sql``;

export const salesPageSql = (period: Period, cursor: ReportCursor | null, limit: number) => {
  const { start, end } = periodRange(period);
  return sql`
    SELECT i.kind, i.ncf_type AS "ncfType", i.ncf, i.modified_ncf AS "modifiedNcf", i.issued_on::text AS "issuedOn",
           i.buyer_id_type AS "buyerIdType", i.buyer_id_number AS "buyerIdNumber", i.exchange_rate::text AS "exchangeRate",
           i.total::text AS total, i.credited_total::text AS "creditedTotal",
           i.taxable_total_dop::text AS "taxableTotalDop", i.exempt_total_dop::text AS "exemptTotalDop",
           i.itbis_total_dop::text AS "itbisTotalDop", i.total_dop::text AS "totalDop",
           (SELECT coalesce(json_object_agg(p.method, p.amount), '{}'::json)
              FROM (SELECT method, sum(amount)::text AS amount FROM payments
                     WHERE invoice_id = i.id AND status = 'active' GROUP BY method) p) AS payments
      FROM invoices i
     WHERE ${issuedIn(start, end)} ${after(cursor)}
     ORDER BY i.issued_on, i.ncf COLLATE "C"
     LIMIT ${limit}`;
};

export const voidedPageSql = (period: Period, cursor: ReportCursor | null, limit: number) => {
  const { start, end } = periodRange(period);
  return sql`
    SELECT i.ncf, i.issued_on::text AS "issuedOn", i.void_reason AS reason
      FROM invoices i
     WHERE ${voidedIn(start, end)} ${after(cursor)}
     ORDER BY i.issued_on, i.ncf COLLATE "C"
     LIMIT ${limit}`;
};

/**
 * One page of the documents issued in the period (invoices and credit notes, neither draft nor
 * voided) in file order, with their active payments summed per payment form (as text, never
 * through a JSON number).
 */
export async function dgiiSalesPage(
  db: TenantDb,
  period: Period,
  cursor: ReportCursor | null,
  limit = reportPageSize,
): Promise<SalesDocument[]> {
  const result = await db.execute<SalesDocument & Record<string, unknown>>(salesPageSql(period, cursor, limit));
  return result.rows;
}

/** One page of the documents voided in the period (America/Santo_Domingo), in file order. */
export async function dgiiVoidedPage(
  db: TenantDb,
  period: Period,
  cursor: ReportCursor | null,
  limit = reportPageSize,
): Promise<VoidedDocument[]> {
  const result = await db.execute<VoidedDocument & Record<string, unknown>>(voidedPageSql(period, cursor, limit));
  return result.rows;
}

/**
 * The company RNC, the line counts of a period's 607 and 608 (the files' headers) and the first
 * page of the documents asked for, in one statement (a month of a few thousand documents costs one
 * round trip); with `exportedBy`, the same statement writes `report.exported` in the activity log,
 * and only when the file can be made (the company has an RNC). The 607's count leaves out the
 * consumer invoices under the threshold as isSummarisedConsumerInvoice does (the streamed file
 * checks its lines against it).
 */
export async function dgiiPeriodHead<K extends 'sales' | 'voided'>(
  db: TenantDb,
  period: Period,
  first: K,
  exportedBy?: { actor: string; report: '607' | '608' },
): Promise<DgiiPeriodHead & { firstPage: K extends 'sales' ? SalesDocument[] : VoidedDocument[] }> {
  const { start, end } = periodRange(period);
  const exported = exportedBy
    ? sql`WITH exported AS (
        INSERT INTO audit_log (action, actor, details)
        SELECT 'report.exported', ${exportedBy.actor}, jsonb_build_object('report', ${exportedBy.report}::text, 'period', ${period}::text)
          FROM company WHERE id = 1 AND regexp_replace(coalesce(rnc, ''), '[^0-9]', '', 'g') <> '')`
    : sql``;
  const page =
    first === 'sales' ? salesPageSql(period, null, reportPageSize) : voidedPageSql(period, null, reportPageSize);
  const result = await db.execute<{
    rnc: string | null;
    sales_lines: string;
    voided_count: string;
    first_page: unknown;
  }>(sql`
    ${exported} SELECT (SELECT rnc FROM company WHERE id = 1) AS rnc,
      (SELECT count(*) FROM invoices i WHERE ${issuedIn(start, end)}
          AND NOT (i.kind = 'invoice' AND i.ncf_type IN ('B02', 'E32') AND i.total_dop < ${consumerIdThresholdDop}::numeric)
      )::text AS sales_lines,
      (SELECT count(*) FROM invoices i WHERE ${voidedIn(start, end)})::text AS voided_count,
      (SELECT coalesce(json_agg(row_to_json(x) ORDER BY x."issuedOn", x.ncf COLLATE "C"), '[]'::json) FROM (${page}) x) AS first_page`);
  const row = result.rows[0]!;
  return {
    rnc: row.rnc,
    salesLines: Number(row.sales_lines),
    voidedCount: Number(row.voided_count),
    firstPage: row.first_page as K extends 'sales' ? SalesDocument[] : VoidedDocument[],
  };
}

const figure = (value: string) => normalizeDecimal(value, 2);
const centsFigure = (value: string) => fromUnits(BigInt(value), 2);

/**
 * The preview of a period's 607 and 608 as aggregates computed in Postgres: one row whatever the
 * month's size (the month is read through invoices_sales_idx and invoices_voided_idx, each
 * document's payments through payments_invoice_idx). The figures are those start607 computes from
 * the same documents (test/worker/reports-preview.test.ts compares them figure by figure): amounts
 * are sums of the stored per-document DOP totals, and the consumer summary's payment-form columns
 * are paymentFormColumns (src/domain/dgii-reports.ts) written in SQL - each document's columns
 * converted at its own rate and rounded half-up (Postgres' round(numeric) rounds half away from
 * zero, as the builder does), "credit" the rest, an overshoot taken from the first largest column -
 * and only then summed, so no figure rounds a sum.
 */
export const previewSql = (period: Period) => {
  const { start, end } = periodRange(period);
  // Payment-form columns in cents as bigint; a foreign-currency column converts through numeric:
  // round(cents * rate) is the builder's half-up convert() exactly. OFFSET 0 keeps each lateral step
  // a node of its own: flattened, every sum would recompute the conversions that `rest` is made of.
  const convert = (cents: ReturnType<typeof sql>) =>
    sql`CASE WHEN i.exchange_rate = 1 THEN ${cents} ELSE round(${cents} * i.exchange_rate)::bigint END`;
  const adjusted = (column: string, position: number) =>
    sql`coalesce(sum(c.${sql.raw(column)} + CASE WHEN c.largest = ${sql.raw(String(position))} THEN c.rest ELSE 0 END) FILTER (WHERE s.summarised), 0)::text`;
  return sql`
    SELECT (SELECT rnc FROM company WHERE id = 1) AS rnc,
           count(*) FILTER (WHERE NOT s.summarised)::int AS line_count,
           count(*) FILTER (WHERE i.kind = 'invoice' AND NOT s.summarised)::int AS listed_invoices,
           count(*) FILTER (WHERE i.kind = 'credit_note')::int AS credit_notes,
           count(*) FILTER (WHERE s.summarised)::int AS summarised_invoices,
           coalesce(sum(s.amount) FILTER (WHERE i.kind <> 'credit_note'), 0)::text AS invoice_amount,
           coalesce(sum(i.itbis_total_dop) FILTER (WHERE i.kind <> 'credit_note'), 0)::text AS invoice_itbis,
           coalesce(sum(s.amount) FILTER (WHERE i.kind = 'credit_note'), 0)::text AS credit_note_amount,
           coalesce(sum(i.itbis_total_dop) FILTER (WHERE i.kind = 'credit_note'), 0)::text AS credit_note_itbis,
           coalesce(sum(s.amount) FILTER (WHERE s.summarised), 0)::text AS consumer_amount,
           coalesce(sum(i.itbis_total_dop) FILTER (WHERE s.summarised), 0)::text AS consumer_itbis,
           ${adjusted('cash', 1)} AS cash, ${adjusted('transfer', 2)} AS transfer, ${adjusted('card', 3)} AS card,
           coalesce(sum(greatest(c.rest, 0)) FILTER (WHERE s.summarised), 0)::text AS credit,
           ${adjusted('gift', 5)} AS gift, ${adjusted('barter', 6)} AS barter, ${adjusted('other', 7)} AS other,
           (SELECT count(*) FROM invoices i WHERE ${voidedIn(start, end)})::int AS voided_count,
           ${purchasesStatsSql(period)} AS purchases
      FROM invoices i
     CROSS JOIN LATERAL (
       SELECT i.taxable_total_dop + i.exempt_total_dop AS amount,
              (i.kind = 'invoice' AND i.ncf_type IN ('B02', 'E32') AND i.total_dop < ${consumerIdThresholdDop}::numeric) AS summarised) s
     CROSS JOIN LATERAL (
       SELECT (coalesce(sum(p.amount), 0) * 100)::bigint AS paid,
              (coalesce(sum(p.amount) FILTER (WHERE p.method = '1'), 0) * 100)::bigint AS cash,
              (coalesce(sum(p.amount) FILTER (WHERE p.method = '2'), 0) * 100)::bigint AS transfer,
              (coalesce(sum(p.amount) FILTER (WHERE p.method = '3'), 0) * 100)::bigint AS card,
              (coalesce(sum(p.amount) FILTER (WHERE p.method = '5'), 0) * 100)::bigint AS gift,
              (coalesce(sum(p.amount) FILTER (WHERE p.method = '6'), 0) * 100)::bigint AS barter,
              (coalesce(sum(p.amount) FILTER (WHERE p.method IN ('7', '8')), 0) * 100)::bigint AS other
         FROM payments p WHERE s.summarised AND p.invoice_id = i.id AND p.status = 'active') paid
     CROSS JOIN LATERAL (
       SELECT (i.total * 100)::bigint - paid.paid AS open, (i.credited_total * 100)::bigint AS credited OFFSET 0) o
     CROSS JOIN LATERAL (
       SELECT ${convert(sql`paid.cash`)} AS cash, ${convert(sql`paid.transfer`)} AS transfer, ${convert(sql`paid.card`)} AS card,
              ${convert(sql`paid.gift`)} AS gift, ${convert(sql`paid.barter`)} AS barter,
              ${convert(sql`(paid.other + CASE WHEN o.credited < o.open THEN o.credited WHEN o.open > 0 THEN o.open ELSE 0 END)`)} AS other OFFSET 0) v
     CROSS JOIN LATERAL (
       SELECT (i.total_dop * 100)::bigint - (v.cash + v.transfer + v.card + v.gift + v.barter + v.other) AS rest OFFSET 0) r
     CROSS JOIN LATERAL (
       SELECT v.*, r.rest,
              CASE WHEN r.rest >= 0 THEN 0
                   ELSE (SELECT CASE WHEN v.cash = top THEN 1 WHEN v.transfer = top THEN 2 WHEN v.card = top THEN 3
                                     WHEN top = 0 THEN 4 WHEN v.gift = top THEN 5 WHEN v.barter = top THEN 6 ELSE 7 END
                           FROM (SELECT greatest(v.cash, v.transfer, v.card, 0, v.gift, v.barter, v.other) AS top) t) END AS largest
        OFFSET 0) c
     WHERE ${issuedIn(start, end)}`;
};

/** The preview of a period (previewSql): one statement answering one row, with the company RNC. */
export async function dgiiPreview(db: TenantDb, period: Period): Promise<DgiiPreview> {
  const result = await db.execute<{
    rnc: string | null;
    line_count: number;
    listed_invoices: number;
    credit_notes: number;
    summarised_invoices: number;
    invoice_amount: string;
    invoice_itbis: string;
    credit_note_amount: string;
    credit_note_itbis: string;
    consumer_amount: string;
    consumer_itbis: string;
    cash: string;
    transfer: string;
    card: string;
    credit: string;
    gift: string;
    barter: string;
    other: string;
    voided_count: number;
    purchases: Report606Stats;
  }>(previewSql(period));
  const row = result.rows[0]!;
  return {
    period,
    rnc: reportRnc(row.rnc),
    sales: {
      lineCount: row.line_count,
      listedInvoices: row.listed_invoices,
      creditNotes: row.credit_notes,
      summarisedInvoices: row.summarised_invoices,
      invoiceAmount: figure(row.invoice_amount),
      invoiceItbis: figure(row.invoice_itbis),
      creditNoteAmount: figure(row.credit_note_amount),
      creditNoteItbis: figure(row.credit_note_itbis),
      consumer: {
        amount: figure(row.consumer_amount),
        itbis: figure(row.consumer_itbis),
        cash: centsFigure(row.cash),
        transfer: centsFigure(row.transfer),
        card: centsFigure(row.card),
        credit: centsFigure(row.credit),
        gift: centsFigure(row.gift),
        barter: centsFigure(row.barter),
        other: centsFigure(row.other),
      },
    },
    voidedCount: row.voided_count,
    purchases: row.purchases,
  };
}
