import { sql } from 'drizzle-orm';
import {
  periodRange,
  reportRnc,
  type Period,
  type Report607Stats,
  type SalesDocument,
  type VoidedDocument,
} from '../domain/dgii-reports';
import { normalizeDecimal } from '../domain/money';
import { consumerIdThresholdDop } from '../domain/ncf';
import { shopTimeZone } from '../domain/dates';
import type { TenantDb } from '../db/client';

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
const voidedIn = (start: string, end: string) => sql`i.status = 'voided' AND i.ncf IS NOT NULL
  AND i.voided_at >= (${start}::timestamp AT TIME ZONE ${shopTimeZone})
  AND i.voided_at < (${end}::timestamp AT TIME ZONE ${shopTimeZone})`;
// The predicate of invoices_sales_idx (partial index): keep them identical.
const issuedIn = (start: string, end: string) => sql`i.status NOT IN ('draft', 'voided') AND i.ncf IS NOT NULL
  AND i.issued_on >= ${start}::date AND i.issued_on < ${end}::date`;

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

/**
 * The preview of a period's 607 and 608 as aggregates computed in Postgres: one row whatever the
 * month's size (the month is read through invoices_sales_idx and invoices_voided_idx, each
 * document's payments through payments_invoice_idx). The figures are those start607 computes from
 * the same documents (test/worker/reports-preview.test.ts compares them figure by figure): amounts
 * are sums of the stored per-document DOP totals, and the consumer summary's payment-form columns
 * are paymentFormColumns (src/domain/dgii-reports.ts) written in SQL - each document's columns
 * converted at its own rate and rounded half-up (round(numeric, 2) rounds half away from zero, as
 * the builder does), "credit" the rest, an overshoot taken from the first largest column - and only
 * then summed, so no figure rounds a sum.
 */
export const previewSql = (period: Period) => {
  const { start, end } = periodRange(period);
  return sql`
    WITH documents AS (
      SELECT i.kind, i.taxable_total_dop + i.exempt_total_dop AS amount, i.itbis_total_dop AS itbis,
             (i.kind = 'invoice' AND i.ncf_type IN ('B02', 'E32') AND i.total_dop < ${consumerIdThresholdDop}::numeric) AS summarised,
             i.id, i.exchange_rate, i.total, i.credited_total, i.total_dop
        FROM invoices i
       WHERE ${issuedIn(start, end)}),
    consumer AS (
      SELECT d.amount, d.itbis, c.*, r.rest,
             CASE WHEN c.cash = r.top THEN 'cash' WHEN c.transfer = r.top THEN 'transfer' WHEN c.card = r.top THEN 'card'
                  WHEN r.top = 0 THEN 'credit' WHEN c.gift = r.top THEN 'gift' WHEN c.barter = r.top THEN 'barter'
                  ELSE 'other' END AS largest
        FROM documents d
        CROSS JOIN LATERAL (
          SELECT coalesce(sum(p.amount), 0) AS paid,
                 coalesce(sum(p.amount) FILTER (WHERE p.method = '1'), 0) AS cash,
                 coalesce(sum(p.amount) FILTER (WHERE p.method = '2'), 0) AS transfer,
                 coalesce(sum(p.amount) FILTER (WHERE p.method = '3'), 0) AS card,
                 coalesce(sum(p.amount) FILTER (WHERE p.method = '5'), 0) AS gift,
                 coalesce(sum(p.amount) FILTER (WHERE p.method = '6'), 0) AS barter,
                 coalesce(sum(p.amount) FILTER (WHERE p.method IN ('7', '8')), 0) AS other
            FROM payments p WHERE p.invoice_id = d.id AND p.status = 'active') paid
        CROSS JOIN LATERAL (SELECT d.total - paid.paid AS open) o
        CROSS JOIN LATERAL (
          SELECT round(paid.cash * d.exchange_rate, 2) AS cash, round(paid.transfer * d.exchange_rate, 2) AS transfer,
                 round(paid.card * d.exchange_rate, 2) AS card, round(paid.gift * d.exchange_rate, 2) AS gift,
                 round(paid.barter * d.exchange_rate, 2) AS barter,
                 round((paid.other + CASE WHEN d.credited_total < o.open THEN d.credited_total
                                          WHEN o.open > 0 THEN o.open ELSE 0 END) * d.exchange_rate, 2) AS other) c
        CROSS JOIN LATERAL (
          SELECT d.total_dop - (c.cash + c.transfer + c.card + c.gift + c.barter + c.other) AS rest,
                 greatest(c.cash, c.transfer, c.card, 0, c.gift, c.barter, c.other) AS top) r
       WHERE d.summarised),
    sales AS (
      SELECT count(*) FILTER (WHERE NOT summarised)::int AS line_count,
             count(*) FILTER (WHERE kind = 'invoice' AND NOT summarised)::int AS listed_invoices,
             count(*) FILTER (WHERE kind = 'credit_note')::int AS credit_notes,
             count(*) FILTER (WHERE summarised)::int AS summarised_invoices,
             coalesce(sum(amount) FILTER (WHERE kind <> 'credit_note'), 0)::text AS invoice_amount,
             coalesce(sum(itbis) FILTER (WHERE kind <> 'credit_note'), 0)::text AS invoice_itbis,
             coalesce(sum(amount) FILTER (WHERE kind = 'credit_note'), 0)::text AS credit_note_amount,
             coalesce(sum(itbis) FILTER (WHERE kind = 'credit_note'), 0)::text AS credit_note_itbis
        FROM documents),
    summary AS (
      SELECT coalesce(sum(amount), 0)::text AS consumer_amount, coalesce(sum(itbis), 0)::text AS consumer_itbis,
             coalesce(sum(cash + CASE WHEN rest < 0 AND largest = 'cash' THEN rest ELSE 0 END), 0)::text AS cash,
             coalesce(sum(transfer + CASE WHEN rest < 0 AND largest = 'transfer' THEN rest ELSE 0 END), 0)::text AS transfer,
             coalesce(sum(card + CASE WHEN rest < 0 AND largest = 'card' THEN rest ELSE 0 END), 0)::text AS card,
             coalesce(sum(greatest(rest, 0)), 0)::text AS credit,
             coalesce(sum(gift + CASE WHEN rest < 0 AND largest = 'gift' THEN rest ELSE 0 END), 0)::text AS gift,
             coalesce(sum(barter + CASE WHEN rest < 0 AND largest = 'barter' THEN rest ELSE 0 END), 0)::text AS barter,
             coalesce(sum(other + CASE WHEN rest < 0 AND largest = 'other' THEN rest ELSE 0 END), 0)::text AS other
        FROM consumer)
    SELECT (SELECT rnc FROM company WHERE id = 1) AS rnc, sales.*, summary.*,
           (SELECT count(*) FROM invoices i WHERE ${voidedIn(start, end)})::int AS voided_count
      FROM sales, summary`;
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
        cash: figure(row.cash),
        transfer: figure(row.transfer),
        card: figure(row.card),
        credit: figure(row.credit),
        gift: figure(row.gift),
        barter: figure(row.barter),
        other: figure(row.other),
      },
    },
    voidedCount: row.voided_count,
  };
}
