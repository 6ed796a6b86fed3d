import { sql } from 'drizzle-orm';
import {
  periodRange,
  type Period,
  type Report607Stats,
  type SalesDocument,
  type VoidedDocument,
} from '../domain/dgii-reports';
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
