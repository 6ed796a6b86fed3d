/**
 * The patient's page (/patients/:id): a hand-built patient with two prescriptions, a quotation, two
 * invoices (one partly paid, one paid and then credited) and a credit note; figures computed by hand,
 * one database round trip, bounded lists, permission-aware actions, and another shop's patient a 404.
 */
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { shopToday } from '../../src/domain/dates';
import { whatsappLink } from '../../src/domain/whatsapp';
import { customerCreditQuery, receivablesAgeingQuery } from '../../src/queries/receivables';
import { countRoundTrips, get } from '../support/worker/helpers';
import { invoiceShop, type InvoiceShop } from '../support/worker/invoices';
import { colleague } from '../support/worker/shop';

/** María: Rx of 10/01/2025 and 10/06/2025 (only OD sphere changed, -1.25 -> -1.75), quotation 5,000.00,
 * invoice 1 of 10,000.00 with 4,000.00 paid (6,000.00 open), invoice 2 of 3,000.00 paid in full and
 * credited 500.00 (500.00 in her favour), credit note of 500.00 on invoice 2. */
async function seedPatient(s: InvoiceShop, name = 'María Núñez') {
  const result = await s.db.execute<{ id: string; rx_new: string; inv1: string; inv2: string }>(sql`
    WITH p AS (
      INSERT INTO contacts (name, id_type, id_number, mobile, email)
      VALUES (${name}, 'cedula', NULL, '809-555-1234', 'maria@example.com') RETURNING id
    ), rx_old AS (
      INSERT INTO prescriptions (patient_id, branch_id, examined_on, od_sphere, od_cylinder, od_axis, oi_sphere)
      SELECT id, ${s.main.id}::uuid, '2025-01-10', -1.25, -0.50, 90, -1.00 FROM p RETURNING id
    ), rx_new AS (
      INSERT INTO prescriptions (patient_id, branch_id, examined_on, od_sphere, od_cylinder, od_axis, oi_sphere)
      SELECT id, ${s.main.id}::uuid, '2025-06-10', -1.75, -0.50, 90, -1.00 FROM p RETURNING id
    ), q AS (
      INSERT INTO quotations (number, sequence_id, customer_id, branch_id, currency_code, quoted_on, total)
      SELECT 'COT-000001', ${s.b02.id}::uuid, id, ${s.main.id}::uuid, 'DOP', '2025-06-10', 5000 FROM p RETURNING id
    ), inv1 AS (
      INSERT INTO invoices (status, ncf_type, ncf, issued_on, customer_id, buyer_name, branch_id, currency_code, total, paid_total, created_at)
      SELECT 'partially_paid', 'B02', 'B0200000001', '2025-06-10', id, ${name}, ${s.main.id}::uuid, 'DOP', 10000, 4000, now() - interval '2 hours'
        FROM p RETURNING id
    ), inv2 AS (
      INSERT INTO invoices (status, ncf_type, ncf, issued_on, customer_id, buyer_name, branch_id, currency_code, total, paid_total, credited_total, created_at)
      SELECT 'paid', 'B02', 'B0200000002', '2025-06-11', id, ${name}, ${s.main.id}::uuid, 'DOP', 3000, 3000, 500, now() - interval '1 hour'
        FROM p RETURNING id
    ), pay AS (
      INSERT INTO payments (invoice_id, number, sequence_id, branch_id, received_on, method, amount)
      SELECT id, 'REC-000001', ${s.b02.id}::uuid, ${s.main.id}::uuid, '2025-06-10'::date, '1', 4000 FROM inv1
      UNION ALL
      SELECT id, 'REC-000002', ${s.b02.id}::uuid, ${s.main.id}::uuid, '2025-06-11'::date, '3', 3000 FROM inv2
      RETURNING id
    ), cn AS (
      INSERT INTO invoices (kind, status, ncf_type, ncf, issued_on, customer_id, branch_id, currency_code, total, modified_ncf, reference_invoice_id)
      SELECT 'credit_note', 'issued', 'B04', 'B0400000001', '2025-06-12', p.id, ${s.main.id}::uuid, 'DOP', 500, 'B0200000002', inv2.id
        FROM p, inv2 RETURNING id
    )
    SELECT p.id, rx_new.id AS rx_new, inv1.id AS inv1, inv2.id AS inv2
      FROM p, rx_new, inv1, inv2, (SELECT count(*) FROM q) q, (SELECT count(*) FROM pay) pay, (SELECT count(*) FROM cn) cn`);
  return result.rows[0]!;
}

const page = async (s: { host: string }, cookie: string, id: string) => {
  const response = await get(s.host, `/patients/${id}`, { headers: { Cookie: cookie } });
  return { status: response.status, html: await response.text() };
};
const text = (html: string) =>
  html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&nbsp;/g, ' ')
    .replace(/\s+/g, ' ');

describe('the patient page', { timeout: 60_000 }, () => {
  it('shows the hand-built figures, the Rx comparison and the actions, in one round trip', async () => {
    const s = await invoiceShop();
    const patient = await seedPatient(s);
    let shown!: { status: number; html: string };
    const trips = await countRoundTrips(`optiflow_${s.tenant.id}`, async () => {
      shown = await page(s, s.cookie, patient.id);
    });
    expect(shown.status).toBe(200);
    expect(trips).toBe(1);
    const { html } = shown;
    const body = text(html);
    expect(body).toContain('María Núñez');
    expect(html).toContain('href="https://wa.me/18095551234"');
    // Balances: 10,000 - 4,000 open on invoice 1; 3,000 paid + 500 credited on a 3,000 invoice: 500 in her favour.
    expect(html).toMatch(/data-balance="owed">RD\$ 6,000\.00</);
    expect(html).toMatch(/data-balance="credit">RD\$ 500\.00</);
    expect(html).toContain(`data-invoice-balance="${patient.inv1}">RD$ 6,000.00<`);
    expect(html).toContain(`data-invoice-balance="${patient.inv2}">-RD$ 500.00<`);
    // 200.00 of that credit refunded: 300.00 left in her favour.
    await s.db.execute(sql`
      INSERT INTO refunds (contact_id, invoice_id, branch_id, method, amount, currency_code, refunded_on, created_by)
      SELECT ${patient.id}::uuid, ${patient.inv2}::uuid, ${s.main.id}::uuid, '1', 200, 'DOP', '2025-06-13', id FROM users LIMIT 1`);
    expect((await page(s, s.cookie, patient.id)).html).toMatch(/data-balance="credit">RD\$ 300\.00</);
    // The receivables list's figures for the same shop, by the same rule: 6,000.00 open, 300.00 of credit.
    const [ageing] = await receivablesAgeingQuery(s.db, { asOf: shopToday(), branchIds: null });
    expect(ageing!.total).toBe('6000.00');
    expect((await customerCreditQuery(s.db, patient.id)).map((row) => row.available)).toEqual(['300.00']);
    // The comparison: only OD sphere changed, and only that cell is marked.
    expect(body).toContain('Valores que cambiaron respecto a la receta anterior: 1');
    expect(html.match(/rx-changed/g)).toHaveLength(1);
    expect(html).toMatch(/class="number rx-changed">-1\.75/);
    expect(body).toContain('Última: 10/06/2025');
    expect(body).toContain('Anterior: 10/01/2025');
    // Lists: the quotation, both invoices, both receipts, the credit note.
    for (const shownText of ['COT-000001', 'B0200000001', 'B0200000002', 'REC-000001', 'REC-000002', 'B0400000001'])
      expect(body).toContain(shownText);
    expect(body).toContain('RD$ 5,000.00');
    // Actions: new Rx, a quote from the latest Rx, and a payment on the open invoice only.
    expect(html).toContain(`href="/prescriptions/new?patientId=${patient.id}"`);
    expect(html).toContain(`href="/quotations/new?prescription=${patient.rx_new}"`);
    expect(html).toContain(`href="/invoices/${patient.inv1}/payments/new"`);
    expect(html).not.toContain(`href="/invoices/${patient.inv2}/payments/new"`);
    expect(html).not.toContain('Ver todas');
    // The contact's own page links here.
    const contact = await get(s.host, `/contacts/${patient.id}`, { headers: { Cookie: s.cookie } });
    expect(await contact.text()).toContain(`href="/patients/${patient.id}"`);
  });

  it('bounds each list to 20 with a link to the whole list', async () => {
    const s = await invoiceShop();
    const patient = await seedPatient(s);
    await s.db.execute(sql`
      INSERT INTO quotations (number, sequence_id, customer_id, branch_id, currency_code, quoted_on, total)
      SELECT 'COT-1' || lpad(n::text, 5, '0'), ${s.b02.id}::uuid, ${patient.id}::uuid, ${s.main.id}::uuid, 'DOP', '2025-07-01', 100
        FROM generate_series(1, 24) n`);
    const { html } = await page(s, s.cookie, patient.id);
    expect(html.match(/href="\/quotations\/[0-9a-f-]{36}"/g)).toHaveLength(20);
    expect(html).toContain(`href="/quotations?q=Mar%C3%ADa%20N%C3%BA%C3%B1ez">Ver todas`);
  });

  it('shows each role only its actions', async () => {
    const s = await invoiceShop();
    const patient = await seedPatient(s);
    const optometrist = await colleague(s, 'optometrista');
    const seen = await page(s, optometrist.cookie, patient.id);
    expect(seen.status).toBe(200);
    expect(seen.html).toContain(`/prescriptions/new?patientId=${patient.id}`);
    expect(seen.html).not.toContain('/quotations/new?prescription=');
    expect(seen.html).not.toContain('/payments/new');
    const cashier = await colleague(s, 'caja');
    const cash = await page(s, cashier.cookie, patient.id);
    expect(cash.html).not.toContain('/prescriptions/new?patientId=');
    expect(cash.html).toContain(`href="/invoices/${patient.inv1}/payments/new"`);
  });

  it("answers 404 for another shop's patient with the same name, a supplier and a malformed id", async () => {
    const s = await invoiceShop();
    const other = await invoiceShop();
    const mine = await seedPatient(s);
    const theirs = await seedPatient(other);
    expect((await page(s, s.cookie, mine.id)).status).toBe(200);
    const stranger = await page(s, s.cookie, theirs.id);
    expect(stranger.status).toBe(404);
    expect(stranger.html).not.toContain('B0200000001');
    const [supplier] = (
      await s.db.execute<{ id: string }>(
        sql`INSERT INTO contacts (name, kind) VALUES ('Proveedor', 'supplier') RETURNING id`,
      )
    ).rows;
    expect((await page(s, s.cookie, supplier!.id)).status).toBe(404);
    expect((await page(s, s.cookie, 'not-a-uuid')).status).toBe(404);
  });
});

describe('whatsappLink', () => {
  it('adds 1 to Dominican 10-digit numbers, keeps international ones, and refuses the rest', () => {
    expect(whatsappLink('809-555-1234')).toBe('https://wa.me/18095551234');
    expect(whatsappLink('(829) 555 1234')).toBe('https://wa.me/18295551234');
    expect(whatsappLink('1 849 555 1234')).toBe('https://wa.me/18495551234');
    expect(whatsappLink('+34 612 345 678')).toBe('https://wa.me/34612345678');
    expect(whatsappLink('0034612345678')).toBe('https://wa.me/34612345678');
    expect(whatsappLink('555-1234')).toBeNull();
    expect(whatsappLink('305-555-1234')).toBeNull();
    expect(whatsappLink('')).toBeNull();
    expect(whatsappLink(null)).toBeNull();
  });
});
