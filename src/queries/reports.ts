import { sql } from 'drizzle-orm';
import {
  build607,
  periodRange,
  reportRnc,
  type Period,
  type Report607Stats,
  type SalesDocument,
  type VoidedDocument,
} from '../domain/dgii-reports';
import { shopTimeZone } from '../domain/dates';
import type { TenantDb } from '../db/client';

export interface DgiiPeriodData {
  /** The company's RNC as typed in the settings (null when not set). */
  rnc: string | null;
  /** Documents issued in the period (invoices and credit notes, neither draft nor voided); [] unless asked for. */
  sales: SalesDocument[];
  /** Documents voided in the period (America/Santo_Domingo); [] unless asked for. */
  voided: VoidedDocument[];
}

/**
 * Everything the 607 and/or 608 of a period need, in one statement: the company RNC, the
 * documents issued in the month with their active payments summed per payment form (as text,
 * never through a JSON number), and the documents voided in the month.
 */
export async function dgiiPeriodData(
  db: TenantDb,
  period: Period,
  want: { sales?: boolean; voided?: boolean; exportedBy?: { actor: string; report: '607' | '608' } },
): Promise<DgiiPeriodData> {
  const { start, end } = periodRange(period);
  const sales = want.sales
    ? sql`(SELECT coalesce(json_agg(json_build_object(
          'kind', i.kind, 'ncfType', i.ncf_type, 'ncf', i.ncf, 'modifiedNcf', i.modified_ncf, 'issuedOn', i.issued_on::text,
          'buyerIdType', i.buyer_id_type, 'buyerIdNumber', i.buyer_id_number, 'exchangeRate', i.exchange_rate::text,
          'total', i.total::text, 'creditedTotal', i.credited_total::text,
          'taxableTotalDop', i.taxable_total_dop::text, 'exemptTotalDop', i.exempt_total_dop::text,
          'itbisTotalDop', i.itbis_total_dop::text, 'totalDop', i.total_dop::text,
          'payments', (SELECT coalesce(json_object_agg(p.method, p.amount), '{}'::json)
                         FROM (SELECT method, sum(amount)::text AS amount FROM payments
                                WHERE invoice_id = i.id AND status = 'active' GROUP BY method) p)
        ) ORDER BY i.issued_on, i.ncf), '[]'::json)
        FROM invoices i
       WHERE i.status NOT IN ('draft', 'voided') AND i.ncf IS NOT NULL
         AND i.issued_on >= ${start}::date AND i.issued_on < ${end}::date)`
    : sql`'[]'::json`;
  // The month's bounds as instants in the shop's time zone, so an index on voided_at could serve it.
  const voided = want.voided
    ? sql`(SELECT coalesce(json_agg(json_build_object(
          'ncf', i.ncf, 'issuedOn', i.issued_on::text, 'reason', i.void_reason
        ) ORDER BY i.issued_on, i.ncf), '[]'::json)
        FROM invoices i
       WHERE i.status = 'voided' AND i.ncf IS NOT NULL
         AND i.voided_at >= (${start}::timestamp AT TIME ZONE ${shopTimeZone})
         AND i.voided_at < (${end}::timestamp AT TIME ZONE ${shopTimeZone}))`
    : sql`'[]'::json`;
  // A download is written in the activity log by the same statement, and only when the file can be made (the company has an RNC).
  const exported = want.exportedBy
    ? sql`WITH exported AS (
        INSERT INTO audit_log (action, actor, details)
        SELECT 'report.exported', ${want.exportedBy.actor}, jsonb_build_object('report', ${want.exportedBy.report}::text, 'period', ${period}::text)
          FROM company WHERE id = 1 AND regexp_replace(coalesce(rnc, ''), '[^0-9]', '', 'g') <> '')`
    : sql``;
  const result = await db.execute<{ rnc: string | null; sales: SalesDocument[]; voided: VoidedDocument[] }>(sql`
    ${exported} SELECT (SELECT rnc FROM company WHERE id = 1) AS rnc, ${sales} AS sales, ${voided} AS voided`);
  const row = result.rows[0]!;
  return { rnc: row.rnc, sales: row.sales, voided: row.voided };
}

export interface DgiiPreview {
  period: Period;
  /** RNC digits, or null when the company has none (the files cannot be generated). */
  rnc: string | null;
  sales: Report607Stats;
  voidedCount: number;
}

/** Counts and totals of both reports of a period, in one query (the preview before downloading). */
export async function dgiiPreview(db: TenantDb, period: Period): Promise<DgiiPreview> {
  const data = await dgiiPeriodData(db, period, { sales: true, voided: true });
  return {
    period,
    rnc: reportRnc(data.rnc),
    sales: build607(period, data.sales).stats,
    voidedCount: data.voided.length,
  };
}
