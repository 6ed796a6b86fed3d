import { eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { fiscalSequences } from '../../src/db/tenant-schema';
import { build607, type Report607Stats, type SalesDocument } from '../../src/domain/dgii-reports';
import { shopTimeZone } from '../../src/domain/dates';
import { formatMoney } from '../../src/domain/money';
import { dgiiPreview, dgiiSalesPage, dgiiVoidedPage, previewSql, reportPageSize } from '../../src/queries/reports';
import { countRoundTrips, get } from '../support/worker/helpers';
import { shop, type TestDb } from '../support/worker/shop';

const period = '202503';

type Method = '1' | '2' | '3' | '4' | '5' | '6' | '7' | '8';

interface Fixture {
  kind?: 'invoice' | 'credit_note';
  status?: 'draft' | 'issued' | 'partially_paid' | 'paid' | 'voided';
  ncf: string | null;
  issuedOn?: string;
  modifiedNcf?: string;
  buyer?: string;
  currency?: 'DOP' | 'USD';
  rate?: string;
  /** In the document's currency; the DOP figures are given as the issue would have stored them. */
  taxable: string;
  exempt?: string;
  itbis: string;
  dop?: { taxable: string; exempt?: string; itbis: string };
  payments?: Array<[Method, string] | [Method, string, 'voided']>;
  credited?: string;
  voidedAt?: string;
}

const cents = (value: string) => BigInt(Math.round(Number(value) * 100));
const text = (units: bigint) =>
  `${units < 0n ? '-' : ''}${(units < 0n ? -units : units) / 100n}.${String((units < 0n ? -units : units) % 100n).padStart(2, '0')}`;

/** Inserts documents as issuing would have stored them (totals and DOP totals given), with their payments. */
async function insert(db: TestDb, branchId: string, fixtures: Fixture[]): Promise<void> {
  const [rec] = await db.select().from(fiscalSequences).where(eq(fiscalSequences.docType, 'REC'));
  for (const [index, f] of fixtures.entries()) {
    const exempt = f.exempt ?? '0';
    const total = text(cents(f.taxable) + cents(exempt) + cents(f.itbis));
    const dop = f.dop ?? { taxable: f.taxable, exempt, itbis: f.itbis };
    const totalDop = text(cents(dop.taxable) + cents(dop.exempt ?? '0') + cents(dop.itbis));
    const active = (f.payments ?? []).filter((p) => p[2] !== 'voided').reduce((sum, p) => sum + cents(p[1]), 0n);
    const result = await db.execute<{ id: string }>(sql`
      INSERT INTO invoices (kind, status, ncf_type, ncf, issued_on, modified_ncf, buyer_id_type, buyer_id_number, branch_id,
                            currency_code, exchange_rate, taxable_total, exempt_total, itbis_total, total,
                            taxable_total_dop, exempt_total_dop, itbis_total_dop, total_dop, paid_total, credited_total,
                            voided_at, void_reason)
      VALUES (${f.kind ?? 'invoice'}, ${f.status ?? 'issued'}, ${f.ncf?.slice(0, 3) ?? 'B02'}, ${f.ncf},
              ${f.status === 'draft' ? null : (f.issuedOn ?? '2025-03-10')}, ${f.modifiedNcf ?? null},
              ${f.buyer ? 'rnc' : null}, ${f.buyer ?? null}, ${branchId}, ${f.currency ?? 'DOP'}, ${f.rate ?? '1'},
              ${f.taxable}, ${exempt}, ${f.itbis}, ${total}, ${dop.taxable}, ${dop.exempt ?? '0'}, ${dop.itbis}, ${totalDop},
              ${text(active)}, ${f.credited ?? '0'},
              ${f.voidedAt ? sql`(${f.voidedAt}::timestamp AT TIME ZONE ${shopTimeZone})` : null},
              ${f.voidedAt ? '02' : null})
      RETURNING id`);
    const id = result.rows[0]!.id;
    for (const [n, [method, amount, status]] of (f.payments ?? []).entries())
      await db.execute(sql`
        INSERT INTO payments (invoice_id, number, sequence_id, branch_id, received_on, method, amount, status)
        VALUES (${id}, ${`REC-${index}-${n}`}, ${rec!.id}, ${branchId}, ${f.issuedOn ?? '2025-03-10'}, ${method}, ${amount},
                ${status ?? 'active'})`);
  }
}

/** The month's documents as the 607 file reads them (every keyset page), and the builder's figures. */
async function builderStats(
  db: TestDb,
): Promise<{ stats: Report607Stats; documents: SalesDocument[]; voided: number }> {
  const documents: SalesDocument[] = [];
  let page = await dgiiSalesPage(db, period, null);
  for (;;) {
    documents.push(...page);
    const last = page.at(-1);
    if (!last || page.length < reportPageSize) break;
    page = await dgiiSalesPage(db, period, { issuedOn: last.issuedOn, ncf: last.ncf });
  }
  const voided = await dgiiVoidedPage(db, period, null, 1_000_000);
  return { stats: build607(period, documents).stats, documents, voided: voided.length };
}

/**
 * A month of edge cases, each consumer invoice (B02/E32 under RD$250,000: the summarised ones)
 * with its payment-form columns worked out by hand below.
 */
const handMonth: Fixture[] = [
  // A: DOP, taxable 500 + exempt 200 + ITBIS 90 = 790, paid cash in full, a voided transfer ignored.
  {
    ncf: 'B0200000001',
    taxable: '500.00',
    exempt: '200.00',
    itbis: '90.00',
    payments: [
      ['1', '790.00'],
      ['2', '50.00', 'voided'],
    ],
  },
  // B: USD 100 + 18 = 118 at 58.5432 -> DOP 5,854.32 + 1,053.78 = 6,908.10; cash US$50 = 2,927.16,
  // card US$33.33 = 1,951.244856 -> 1,951.24; credit = 6,908.10 - 4,878.40 = 2,029.70.
  {
    ncf: 'E320000000001',
    currency: 'USD',
    rate: '58.5432',
    taxable: '100.00',
    itbis: '18.00',
    dop: { taxable: '5854.32', itbis: '1053.78' },
    payments: [
      ['1', '50.00'],
      ['3', '33.33'],
    ],
  },
  // C: USD 1.00 at 1.5000 = 1.50, paid 0.33 cash + 0.33 transfer + 0.34 card -> 0.50 + 0.50 + 0.51 = 1.51,
  // a cent over: taken from the largest column (card 0.51 -> 0.50); credit 0.
  {
    ncf: 'B0200000002',
    currency: 'USD',
    rate: '1.5000',
    taxable: '1.00',
    itbis: '0.00',
    dop: { taxable: '1.50', itbis: '0.00' },
    payments: [
      ['1', '0.33'],
      ['2', '0.33'],
      ['3', '0.34'],
    ],
  },
  // D: USD 1.00 at 1.0110 = 1.01 (1.011), paid 0.50 cash + 0.50 card -> 0.51 + 0.51 (0.5055 each) = 1.02:
  // a cent over, cash and card tie and cash (first) gives it back: cash 0.50, card 0.51.
  {
    ncf: 'B0200000003',
    currency: 'USD',
    rate: '1.0110',
    taxable: '1.00',
    itbis: '0.00',
    dop: { taxable: '1.01', itbis: '0.00' },
    payments: [
      ['1', '0.50'],
      ['3', '0.50'],
    ],
  },
  // E: 847.46 + 152.54 = 1,000, paid 300 cash, a credit note took 118: other 118, credit 582.
  { ncf: 'B0200000004', taxable: '847.46', itbis: '152.54', payments: [['1', '300.00']], credited: '118.00' },
  // F: 500 (exempt), paid 450 by transfer, credited 100 but only 50 was open: other 50, credit 0.
  {
    ncf: 'B0200000005',
    taxable: '0.00',
    exempt: '500.00',
    itbis: '0.00',
    payments: [['2', '450.00']],
    credited: '100.00',
  },
  // G: 200 + 36 = 236 paid in full by card, then credited 50 (a refund, not a payment form): card 236, other 0.
  { ncf: 'E320000000002', taxable: '200.00', itbis: '36.00', payments: [['3', '236.00']], credited: '50.00' },
  // H: 1,000 exempt, every form: cash, transfer, card, gift, barter 100 each; 7 + 8 = 100 other;
  // form 4 (100) and the unpaid 300 are credit 400.
  {
    ncf: 'B0200000006',
    taxable: '0.00',
    exempt: '1000.00',
    itbis: '0.00',
    payments: [
      ['1', '100.00'],
      ['2', '100.00'],
      ['3', '100.00'],
      ['4', '100.00'],
      ['5', '100.00'],
      ['6', '100.00'],
      ['7', '50.00'],
      ['8', '50.00'],
    ],
  },
  // I: USD 10 at 58.5555 = 585.56 (585.555), unpaid, credited US$3.33 = 194.989815 -> 194.99: other 194.99, credit 390.57.
  {
    ncf: 'B0200000007',
    currency: 'USD',
    rate: '58.5555',
    taxable: '10.00',
    itbis: '0.00',
    dop: { taxable: '585.56', itbis: '0.00' },
    credited: '3.33',
  },
  // Listed one by one: B01 with RNC, a consumer invoice at the threshold, two credit notes, an E31.
  {
    ncf: 'B0100000001',
    buyer: '131246796',
    taxable: '1000.00',
    itbis: '180.00',
    payments: [['1', '500.00']],
    credited: '118.00',
  },
  { ncf: 'B0200000008', buyer: '131246796', taxable: '211864.41', itbis: '38135.59', payments: [['3', '250000.00']] },
  {
    kind: 'credit_note',
    ncf: 'B0400000001',
    modifiedNcf: 'B0100000001',
    buyer: '131246796',
    taxable: '100.00',
    itbis: '18.00',
  },
  {
    kind: 'credit_note',
    ncf: 'B0400000002',
    modifiedNcf: 'B0200000004',
    taxable: '100.00',
    exempt: '0.00',
    itbis: '18.00',
  },
  {
    ncf: 'E310000000001',
    buyer: '101850043',
    taxable: '300.00',
    exempt: '50.00',
    itbis: '54.00',
    issuedOn: '2025-03-31',
  },
  // Voided in the month (608) and so out of the 607; voided in April: in neither of March's counts;
  // a draft and a document of April: absent.
  { ncf: 'B0200000009', status: 'voided', taxable: '80.00', itbis: '14.40', voidedAt: '2025-03-20 12:00' },
  {
    ncf: 'B0100000002',
    status: 'voided',
    buyer: '131246796',
    taxable: '80.00',
    itbis: '14.40',
    voidedAt: '2025-04-01 00:30',
  },
  { ncf: null, status: 'draft', taxable: '999.00', itbis: '0.00' },
  { ncf: 'B0200000010', issuedOn: '2025-04-01', taxable: '10.00', itbis: '1.80', payments: [['1', '11.80']] },
];

describe('DGII month preview from aggregates (issue 12)', { timeout: 120_000 }, () => {
  it('gives the hand-computed figures of a month of edge cases, the same the 607 builder computes from the same rows', async () => {
    const s = await shop('owner', { rnc: '1-31-24679-6' });
    await insert(s.db, s.main.id, handMonth);
    const preview = await dgiiPreview(s.db, period);
    // Consumer columns by document:  A       B         C     D     E    F    G    H    I
    // cash                            790  + 2,927.16 + 0.50 + 0.50 + 300            + 100            = 4,118.16
    // transfer                                        + 0.50              + 450      + 100            =   550.50
    // card                                 + 1,951.24 + 0.50 + 0.51      + 236       + 100            = 2,288.25
    // credit                               + 2,029.70              + 582             + 400 + 390.57   = 3,402.27
    // other                                                        + 118 + 50        + 100 + 194.99   =   462.99
    // gift and barter: H's 100 each. Together 11,022.17 = the consumer amount + ITBIS (each document's total_dop).
    const expected: Report607Stats = {
      lineCount: 5,
      listedInvoices: 3,
      creditNotes: 2,
      summarisedInvoices: 9,
      // A 700 + B 5,854.32 + C 1.50 + D 1.01 + E 847.46 + F 500 + G 200 + H 1,000 + I 585.56 (= 9,689.85)
      // + B01 1,000 + B02 at the threshold 211,864.41 + E31 350.
      invoiceAmount: '222904.26',
      // A 90 + B 1,053.78 + E 152.54 + G 36 (= 1,332.32) + 180 + 38,135.59 + 54.
      invoiceItbis: '39701.91',
      creditNoteAmount: '200.00',
      creditNoteItbis: '36.00',
      consumer: {
        amount: '9689.85',
        itbis: '1332.32',
        cash: '4118.16',
        transfer: '550.50',
        card: '2288.25',
        credit: '3402.27',
        gift: '100.00',
        barter: '100.00',
        other: '462.99',
      },
    };
    expect(preview.sales).toEqual(expected);
    const reference = await builderStats(s.db);
    expect(preview.sales).toEqual(reference.stats);
    expect(preview.voidedCount).toBe(1);
    expect(reference.voided).toBe(1);
    expect(preview.rnc).toBe('131246796');
  });
});

/**
 * A generated month of `count` documents: B01/B02/E31/E32 invoices (every 50th over the consumer
 * threshold), a third in USD at rates of 4 decimals, some exempt amounts; 0-3 payments per invoice in
 * any of the 8 forms (split in thirds and 37/63 so conversions round both ways, some voided), a tenth
 * of them credited, credit notes, and one in 40 voided in the month. paid_total (which the 607 does
 * not read) is written as settled, so the receivables summary has no balance to keep per row.
 */
async function seedMonth(db: TestDb, branchId: string, count: number): Promise<void> {
  const [rec] = await db.select().from(fiscalSequences).where(eq(fiscalSequences.docType, 'REC'));
  await db.execute(sql`
    INSERT INTO invoices (kind, status, ncf_type, ncf, issued_on, buyer_id_type, buyer_id_number, branch_id, currency_code,
                          exchange_rate, taxable_total, exempt_total, itbis_total, total, taxable_total_dop, exempt_total_dop,
                          itbis_total_dop, total_dop, credited_total, paid_total, voided_at, void_reason)
    SELECT CASE WHEN g % 23 = 0 THEN 'credit_note' ELSE 'invoice' END, CASE WHEN g % 40 = 0 THEN 'voided' ELSE 'issued' END,
           t.type, t.type || lpad(g::text, CASE WHEN t.type LIKE 'E%' THEN 10 ELSE 8 END, '0'),
           date '2025-03-01' + (g * 7919 % 31),
           CASE WHEN t.type IN ('B01', 'E31') OR a.big THEN 'rnc' END,
           CASE WHEN t.type IN ('B01', 'E31') OR a.big THEN '131246796' END,
           ${branchId}, a.currency, a.rate, a.taxable, a.exempt, t.itbis, a.taxable + a.exempt + t.itbis,
           round(a.taxable * a.rate, 2), round(a.exempt * a.rate, 2), round(t.itbis * a.rate, 2),
           round(a.taxable * a.rate, 2) + round(a.exempt * a.rate, 2) + round(t.itbis * a.rate, 2),
           c.credited, a.taxable + a.exempt + t.itbis - c.credited,
           CASE WHEN g % 40 = 0 THEN (timestamp '2025-03-02 10:00' + (g % 25) * interval '1 day') AT TIME ZONE ${shopTimeZone} END,
           CASE WHEN g % 40 = 0 THEN '0' || (1 + g % 9) END
      FROM generate_series(1, ${count}) g,
           LATERAL (SELECT g % 3 = 1 AS usd, g % 50 = 1 AND g % 3 <> 1 AS big) f,
           LATERAL (SELECT CASE WHEN f.usd THEN 'USD' ELSE 'DOP' END AS currency,
                           CASE WHEN f.usd THEN 55 + (g % 977) * 0.0137 ELSE 1 END::numeric(14, 4) AS rate,
                           f.big,
                           ((g % 997 + 1) * 1.37 + CASE WHEN f.big THEN 300000 ELSE 0 END)::numeric(14, 2) AS taxable,
                           CASE WHEN g % 5 = 0 THEN (g % 13) * 2.11 ELSE 0 END::numeric(14, 2) AS exempt) a,
           LATERAL (SELECT CASE WHEN g % 23 = 0 THEN (ARRAY['B04', 'E34'])[1 + g % 2]
                                ELSE (ARRAY['B01', 'B02', 'E31', 'E32', 'B02', 'E32'])[1 + g % 6] END AS type,
                           round(a.taxable * 0.18, 2) AS itbis) t,
           LATERAL (SELECT CASE WHEN g % 10 = 7 THEN round((a.taxable + a.exempt + t.itbis) * 0.1, 2) ELSE 0 END AS credited) c`);
  await db.execute(sql`
    INSERT INTO payments (invoice_id, number, sequence_id, branch_id, received_on, method, amount, status)
    SELECT i.id, 'REC-' || i.ncf || '-' || p.n, ${rec!.id}, i.branch_id, i.issued_on,
           ((abs(hashtext(i.ncf || p.n)) % 8) + 1)::text, p.amount, CASE WHEN p.voided THEN 'voided' ELSE 'active' END
      FROM invoices i,
           LATERAL (SELECT abs(hashtext(i.ncf)) % 6 AS scheme) s,
           LATERAL (VALUES
             (1, CASE s.scheme WHEN 1 THEN i.total WHEN 2 THEN round(i.total * 0.37, 2) WHEN 3 THEN round(i.total / 3, 2)
                               WHEN 4 THEN round(i.total * 0.41, 2) WHEN 5 THEN i.total END, s.scheme = 5),
             (2, CASE s.scheme WHEN 2 THEN i.total - round(i.total * 0.37, 2) WHEN 3 THEN round(i.total / 3, 2)
                               WHEN 5 THEN round(i.total / 2, 2) END, false),
             (3, CASE s.scheme WHEN 3 THEN i.total - 2 * round(i.total / 3, 2) END, false)) p(n, amount, voided)
     WHERE i.kind = 'invoice' AND p.amount > 0`);
  await db.execute(sql`ANALYZE invoices`);
  await db.execute(sql`ANALYZE payments`);
}

describe('DGII month preview at size (issue 12)', { timeout: 300_000 }, () => {
  it('equals the 607 builder on a generated month of over a keyset page, rounding each document before summing', async () => {
    const s = await shop('owner', { rnc: '1-31-24679-6' });
    await seedMonth(s.db, s.main.id, reportPageSize + 1500);
    const reference = await builderStats(s.db);
    expect(reference.documents.length).toBeGreaterThan(reportPageSize);
    const started = performance.now();
    const preview = await dgiiPreview(s.db, period);
    const elapsed = performance.now() - started;
    expect(preview.sales).toEqual(reference.stats);
    expect(preview.voidedCount).toBe(reference.voided);
    expect(preview.voidedCount).toBe(Math.floor((reportPageSize + 1500) / 40));
    // Every figure is exercised: each payment form, credit notes, listed and summarised invoices.
    for (const value of Object.values(preview.sales.consumer)) expect(value).not.toBe('0.00');
    expect(preview.sales.creditNotes).toBeGreaterThan(0);
    expect(preview.sales.listedInvoices).toBeGreaterThan(0);
    // Converting each column's month total once (rounding a sum) gives other figures: the month
    // exercises per-document rounding, so an aggregate that summed before converting would fail above.
    const naive = await s.db.execute<{ cash: string; card: string }>(sql`
      SELECT round(sum(p.amount * i.exchange_rate) FILTER (WHERE p.method = '1'), 2)::text AS cash,
             round(sum(p.amount * i.exchange_rate) FILTER (WHERE p.method = '3'), 2)::text AS card
        FROM invoices i JOIN payments p ON p.invoice_id = i.id AND p.status = 'active'
       WHERE i.kind = 'invoice' AND i.status <> 'voided' AND i.ncf_type IN ('B02', 'E32') AND i.total_dop < 250000
         AND i.issued_on >= '2025-03-01' AND i.issued_on < '2025-04-01'`);
    expect([naive.rows[0]!.cash, naive.rows[0]!.card]).not.toEqual([
      preview.sales.consumer.cash,
      preview.sales.consumer.card,
    ]);
    console.info(`preview of ${reference.documents.length} documents: ${elapsed.toFixed(1)} ms (one statement)`);

    // Four earlier months (settled, so the receivables summary has nothing to keep) make the month a
    // slice of the table, as in a shop's database: the plan reads it through the indexes.
    await s.db.execute(sql`
      INSERT INTO invoices (kind, status, ncf_type, ncf, issued_on, branch_id, currency_code)
      SELECT 'invoice', 'issued', ncf_type, 'X' || k || ncf, issued_on - k * 31, branch_id, 'DOP'
        FROM invoices, generate_series(1, 4) k WHERE ncf IS NOT NULL`);
    await s.db.execute(sql`ANALYZE invoices`);
    const plan = await s.db.execute<{ 'QUERY PLAN': string }>(sql`EXPLAIN ${previewSql(period)}`);
    const text = plan.rows.map((row) => row['QUERY PLAN']).join('\n');
    expect(text).toMatch(/invoices_(sales|issued)_idx/);
    expect(text).toContain('invoices_voided_idx');
    expect(text).not.toMatch(/Seq Scan on invoices/);
    const analysed = await s.db.execute<{ 'QUERY PLAN': string }>(
      sql`EXPLAIN (ANALYZE, BUFFERS) ${previewSql(period)}`,
    );
    const execution = analysed.rows.map((row) => row['QUERY PLAN']).find((line) => line.startsWith('Execution Time'));
    console.info(`preview statement on ${reference.documents.length} documents, EXPLAIN ANALYZE: ${execution}`);
  });

  it('answers the preview page in one round trip, with the figures of the 607 builder', async () => {
    const s = await shop('owner', { rnc: '1-31-24679-6' });
    await insert(s.db, s.main.id, handMonth);
    const database = `optiflow_${s.tenant.id}`;
    let response!: Response;
    let html = '';
    const trips = await countRoundTrips(database, async () => {
      response = await get(s.host, `/reports/dgii?period=${period}`, { headers: { Cookie: s.cookie } });
      html = await response.text();
    });
    expect(response.status).toBe(200);
    expect(trips).toBe(1);
    const { stats } = await builderStats(s.db);
    for (const amount of [
      stats.invoiceAmount,
      stats.invoiceItbis,
      stats.creditNoteAmount,
      stats.consumer.amount,
      stats.consumer.cash,
      stats.consumer.transfer,
      stats.consumer.card,
      stats.consumer.credit,
      stats.consumer.other,
    ])
      expect(html).toContain(formatMoney(amount));
    expect(html).toContain('DGII_F_607_131246796_202503.TXT');
  });
});
