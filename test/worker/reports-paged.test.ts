import { eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { fiscalSequences } from '../../src/db/tenant-schema';
import {
  build607,
  format607,
  format608,
  periodRange,
  type SalesDocument,
  type VoidedDocument,
} from '../../src/domain/dgii-reports';
import { shopTimeZone } from '../../src/domain/dates';
import { formatMoney } from '../../src/domain/money';
import { dgiiSalesPage, reportPageSize, salesPageSql, voidedPageSql } from '../../src/queries/reports';
import { countQueries, countRoundTrips, get } from '../support/worker/helpers';
import { shop, type TestDb } from '../support/worker/shop';

const period = '202503';

/**
 * A month of `count` documents written by generate_series: B01/B02/E31/E32 invoices (every 40th
 * one over the consumer threshold), one in 50 voided within the month, one in 3 paid in full by
 * cash, transfer or card, and a credit note per 97 invoices - all on 31 days, so keyset pages
 * break inside a day.
 */
async function seedMonth(db: TestDb, branchId: string, count: number): Promise<void> {
  const [rec] = await db.select().from(fiscalSequences).where(eq(fiscalSequences.docType, 'REC'));
  await db.execute(sql`
    INSERT INTO invoices (kind, status, ncf_type, ncf, issued_on, buyer_id_type, buyer_id_number, branch_id, currency_code,
                          taxable_total, itbis_total, total, taxable_total_dop, itbis_total_dop, total_dop, paid_total,
                          voided_at, void_reason)
    SELECT 'invoice', CASE WHEN g % 50 = 0 THEN 'voided' WHEN g % 3 = 0 THEN 'paid' ELSE 'issued' END,
           t.type, t.type || lpad(g::text, CASE WHEN t.type LIKE 'E%' THEN 10 ELSE 8 END, '0'),
           date '2025-03-01' + (g * 7919 % 31),
           CASE WHEN t.type IN ('B01', 'E31') OR t.amount > 250000 THEN 'rnc' END,
           CASE WHEN t.type IN ('B01', 'E31') OR t.amount > 250000 THEN '131246796' END,
           ${branchId}, 'DOP', t.amount, t.itbis, t.amount + t.itbis, t.amount, t.itbis, t.amount + t.itbis,
           CASE WHEN g % 3 = 0 AND g % 50 <> 0 THEN t.amount + t.itbis ELSE 0 END,
           CASE WHEN g % 50 = 0 THEN (timestamp '2025-03-02 10:00' + (g % 25) * interval '1 day') AT TIME ZONE ${shopTimeZone} END,
           CASE WHEN g % 50 = 0 THEN '0' || (1 + g % 9) END
      FROM generate_series(1, ${count}) g,
           LATERAL (SELECT (ARRAY['B01', 'B02', 'E31', 'E32'])[1 + g % 4] AS type,
                           ((g % 997 + 1) * 10.37 + CASE WHEN g % 40 = 1 THEN 300000 ELSE 0 END)::numeric(14, 2) AS amount) a,
           LATERAL (SELECT a.type, a.amount, round(a.amount * 0.18, 2) AS itbis) t`);
  await db.execute(sql`
    INSERT INTO payments (invoice_id, number, sequence_id, branch_id, received_on, method, amount, status)
    SELECT id, 'REC-' || id, ${rec!.id}, branch_id, issued_on, (ARRAY['1', '2', '3'])[1 + abs(hashtext(ncf)) % 3], total, 'active'
      FROM invoices WHERE status = 'paid'`);
  await db.execute(sql`
    INSERT INTO invoices (kind, status, ncf_type, ncf, issued_on, modified_ncf, buyer_id_type, buyer_id_number, branch_id,
                          currency_code, taxable_total, itbis_total, total, taxable_total_dop, itbis_total_dop, total_dop)
    SELECT 'credit_note', 'issued', 'B04', 'B04' || lpad(row_number() OVER (ORDER BY ncf)::text, 8, '0'), issued_on, ncf,
           buyer_id_type, buyer_id_number, branch_id, 'DOP', 10, 1.80, 11.80, 10, 1.80, 11.80
      FROM invoices WHERE status = 'issued' AND ncf_type = 'B01' AND abs(hashtext(ncf)) % 97 = 0`);
  await db.execute(sql`ANALYZE invoices`);
  await db.execute(sql`ANALYZE payments`);
}

/** The statement the reports ran before issue 12 (the whole month in one JSON value), kept as the reference. */
async function oneShot(db: TestDb): Promise<{ sales: SalesDocument[]; voided: VoidedDocument[] }> {
  const { start, end } = periodRange(period);
  const result = await db.execute<{ sales: SalesDocument[]; voided: VoidedDocument[] }>(sql`
    SELECT (SELECT coalesce(json_agg(json_build_object(
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
         AND i.issued_on >= ${start}::date AND i.issued_on < ${end}::date) AS sales,
      (SELECT coalesce(json_agg(json_build_object(
          'ncf', i.ncf, 'issuedOn', i.issued_on::text, 'reason', i.void_reason
        ) ORDER BY i.issued_on, i.ncf), '[]'::json)
        FROM invoices i
       WHERE i.status = 'voided' AND i.ncf IS NOT NULL
         AND i.voided_at >= (${start}::timestamp AT TIME ZONE ${shopTimeZone})
         AND i.voided_at < (${end}::timestamp AT TIME ZONE ${shopTimeZone})) AS voided`);
  return result.rows[0]!;
}

async function plan(db: TestDb, query: ReturnType<typeof salesPageSql>): Promise<string> {
  const result = await db.execute<{ 'QUERY PLAN': string }>(sql`EXPLAIN ${query}`);
  return result.rows.map((row) => row['QUERY PLAN']).join('\n');
}

describe('DGII month reports read in pages (issue 12)', { timeout: 120_000 }, () => {
  it('stream the same 607 and 608 bytes as the one-shot build, a keyset page at a time, and preview the same totals', async () => {
    const s = await shop('owner', { rnc: '1-31-24679-6' });
    const count = Math.round(reportPageSize * 2.2);
    await seedMonth(s.db, s.main.id, count);
    const reference = await oneShot(s.db);
    const report = build607(period, reference.sales);
    expect(reference.sales.length).toBeGreaterThan(2 * reportPageSize);
    expect(report.lines.length).toBeGreaterThan(reportPageSize);
    expect(reference.voided.length).toBe(Math.floor(count / 50));

    let sales!: Response;
    let text = '';
    // The pages are read as the body is: the count covers the whole download.
    const salesQueries = await countQueries(`optiflow_${s.tenant.id}`, async () => {
      sales = await get(s.host, `/reports/dgii/607.txt?period=${period}`, { headers: { Cookie: s.cookie } });
      text = await sales.text();
    });
    expect(sales.status).toBe(200);
    expect(text).toBe(format607('131246796', report));
    // The session, the head with the first page, then one statement per further page.
    expect(salesQueries).toBe(1 + Math.ceil((reference.sales.length + 1) / reportPageSize));

    const voided = await get(s.host, `/api/v1/reports/dgii/608?period=${period}`, {
      headers: { Authorization: s.bearer },
    });
    expect(voided.status).toBe(200);
    expect(await voided.text()).toBe(format608('131246796', period, reference.voided));

    const preview = await (
      await get(s.host, `/reports/dgii?period=${period}`, { headers: { Cookie: s.cookie } })
    ).text();
    const stats = report.stats;
    for (const amount of [
      stats.invoiceAmount,
      stats.invoiceItbis,
      stats.creditNoteAmount,
      stats.consumer.amount,
      stats.consumer.cash,
      stats.consumer.card,
      stats.consumer.credit,
    ])
      expect(preview).toContain(formatMoney(amount));

    // No page's response is anywhere near Neon's 10 MB limit (the one-shot JSON grows with the month).
    const page = JSON.stringify(await dgiiSalesPage(s.db, period, null));
    expect(page.length).toBeLessThan(3_000_000);
  });

  it('answers the preview and the 607 of a month just over 4,000 documents (the old page) in one round trip', async () => {
    const s = await shop('owner', { rnc: '1-31-24679-6' });
    await seedMonth(s.db, s.main.id, 4100);
    const reference = await oneShot(s.db);
    expect(reference.sales.length).toBeGreaterThan(4000);
    expect(reference.sales.length).toBeLessThan(reportPageSize);
    const database = `optiflow_${s.tenant.id}`;
    let preview!: Response;
    const previewTrips = await countRoundTrips(database, async () => {
      preview = await get(s.host, `/reports/dgii?period=${period}`, { headers: { Cookie: s.cookie } });
      await preview.text();
    });
    expect(preview.status).toBe(200);
    let sales!: Response;
    const salesTrips = await countRoundTrips(database, async () => {
      sales = await get(s.host, `/reports/dgii/607.txt?period=${period}`, { headers: { Cookie: s.cookie } });
      await sales.text();
    });
    expect(sales.status).toBe(200);
    expect({ previewTrips, salesTrips }).toEqual({ previewTrips: 1, salesTrips: 1 });
  });

  it('reads the 607 pages and the 608 through their indexes (EXPLAIN on a seeded month)', async () => {
    const s = await shop('owner', { rnc: '1-31-24679-6' });
    await seedMonth(s.db, s.main.id, 6000);
    const sales = await plan(
      s.db,
      salesPageSql(period, { issuedOn: '2025-03-10', ncf: 'B0100000100' }, reportPageSize),
    );
    expect(sales).toContain('invoices_sales_idx');
    expect(sales).not.toMatch(/Seq Scan on invoices/);
    const voided = await plan(s.db, voidedPageSql(period, null, reportPageSize));
    expect(voided).toContain('invoices_voided_idx');
    expect(voided).not.toMatch(/Seq Scan on invoices/);
  });
});
