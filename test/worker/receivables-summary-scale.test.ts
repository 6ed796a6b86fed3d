import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { shopToday } from '../../src/domain/dates';
import { receivablesAgeingQuery, receivablesListQuery } from '../../src/queries/receivables';
import { explainLast } from '../support/worker/explain';
import { issuedInvoice, paymentShop as shop } from '../support/worker/payments';

describe('receivables at shop size', { timeout: 600_000 }, () => {
  it('pages /receivables from the summary index and ages the totals from the day rows, equal to a scan of every invoice', async () => {
    const s = await shop('owner');
    const template = await issuedInvoice(s, { issuedOn: shopToday() });
    await s.db.execute(
      sql`INSERT INTO contacts (kind, name) SELECT 'customer', 'Cliente ' || g FROM generate_series(1, 1000) g`,
    );
    // 3,000 invoices in one statement (the triggers refresh at its commit): a third paid, a third half paid, a third open.
    await s.db.execute(sql`
      INSERT INTO invoices
      SELECT (jsonb_populate_record(t, jsonb_build_object(
                'id', gen_random_uuid(), 'ncf', 'B01' || lpad((1000000 + g)::text, 8, '0'),
                'customer_id', c.id, 'issued_on', (current_date - (g % 400))::text, 'due_on', NULL,
                'paid_total', CASE WHEN g % 3 = 0 THEN t.total WHEN g % 3 = 1 THEN round(t.total / 2, 2) ELSE 0 END,
                'status', CASE WHEN g % 3 = 0 THEN 'paid' WHEN g % 3 = 1 THEN 'partially_paid' ELSE 'issued' END))).*
        FROM invoices t CROSS JOIN generate_series(1, 3000) g
        JOIN (SELECT id, row_number() OVER (ORDER BY id) AS n FROM contacts WHERE name LIKE 'Cliente %') c ON c.n = 1 + g % 1000
       WHERE t.id = ${template.id}::uuid`);
    await s.db.execute(sql`ANALYZE invoices`);
    await s.db.execute(sql`ANALYZE receivable_balances`);
    const asOf = shopToday();
    const filter = { asOf, branchIds: null, customers: null, limit: 50, offset: 0 };

    const invoiceScans = (plan: { seqScans: Array<{ 'Relation Name'?: string }> }) =>
      plan.seqScans.filter((node) => node['Relation Name'] === 'invoices');
    const byTotal = await explainLast(s.db, (db) => receivablesListQuery(db, { ...filter, sort: 'total' }));
    expect(byTotal.indexes).toContain('receivable_balances_total_idx');
    expect(invoiceScans(byTotal)).toEqual([]);
    const byOldest = await explainLast(s.db, (db) => receivablesListQuery(db, { ...filter, sort: 'oldest' }));
    expect(byOldest.indexes).toContain('receivable_balances_oldest_idx');
    expect(invoiceScans(byOldest)).toEqual([]);
    const ageing = await explainLast(s.db, (db) => receivablesAgeingQuery(db, { asOf, branchIds: null }));
    expect(invoiceScans(ageing)).toEqual([]);
    expect(ageing.query).not.toMatch(/"invoices"/);

    // The same figures as a scan of every open invoice.
    const page = (await receivablesListQuery(s.db, { ...filter, sort: 'total' })).rows;
    const scanned = await s.db.execute<{ customer: string; total: string }>(sql`
      SELECT customer_id::text AS customer, sum(round((total - paid_total - credited_total) * exchange_rate, 2))::text AS total
        FROM invoices WHERE kind = 'invoice' AND status NOT IN ('draft', 'voided') AND total - paid_total - credited_total > 0
       GROUP BY customer_id ORDER BY sum(total - paid_total - credited_total) DESC, customer_id LIMIT 51`);
    expect(page.map((row) => [row.customerId, row.total])).toEqual(
      scanned.rows.map((row) => [row.customer, row.total]),
    );
    const [totals] = await receivablesAgeingQuery(s.db, { asOf, branchIds: null });
    const [whole] = (
      await s.db.execute<{ total: string; customers: number }>(sql`
        SELECT sum(round((total - paid_total - credited_total) * exchange_rate, 2))::text AS total, count(DISTINCT customer_id)::int AS customers
          FROM invoices WHERE kind = 'invoice' AND status NOT IN ('draft', 'voided') AND total - paid_total - credited_total > 0`)
    ).rows;
    expect(totals).toMatchObject({ total: whole!.total, customers: whole!.customers });
    expect(whole!.customers).toBe(1001); // and the template invoice's customer
  });
});
