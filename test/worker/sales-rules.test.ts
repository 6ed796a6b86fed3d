import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { addDays, shopToday } from '../../src/domain/dates';
import { creditNoteTypeFor, formatDocumentNumber, internalSeries, ncfTypes } from '../../src/domain/ncf';
import { api } from '../support/worker/api';
import { get } from '../support/worker/helpers';
import { t } from '../../src/i18n/es-DO';
import { issuedInvoice, ncfSequence, paymentShop as shop } from '../support/worker/payments';

/**
 * Issue 10 item 4: each sales rule is written once, in SQL (drizzle/tenant/functions), and the app
 * reads the answer. These tests change a rule in one shop's database and watch BOTH sides follow:
 * had the app kept its own copy, the screen and the SQL function would disagree.
 */
describe('sales rules written once', { timeout: 60_000 }, () => {
  it('formats document numbers and picks the credit-note type in SQL exactly as the TS mirrors do, for every type', async () => {
    const s = await shop();
    const types = [...Object.keys(ncfTypes), ...Object.keys(internalSeries)];
    const cases = types.flatMap((type) => [1, 42, 99_999_999].map((number) => ({ type, number })));
    const result = await s.db.execute<{ type: string; number: string; formatted: string; note: string }>(sql`
      SELECT c.type, c.number::text, document_number(c.type, c.type, c.number) AS formatted, credit_note_type(c.type) AS note
        FROM json_to_recordset(${JSON.stringify(cases)}::json) AS c(type text, number bigint)`);
    expect(result.rows).toHaveLength(cases.length);
    for (const row of result.rows) {
      expect(row.formatted).toBe(formatDocumentNumber(row.type, row.type, Number(row.number)));
      expect(row.note).toBe(creditNoteTypeFor(row.type));
    }
  });

  it('the 30-day ITBIS rule: the new credit note form and issue_credit_note both follow credit_refunds_itbis', async () => {
    const s = await shop();
    await ncfSequence(s.db, 'B04');
    const line = {
      productId: s.frame.id,
      description: 'Montura clásica',
      quantity: '1',
      unitPrice: '1000.0000',
      taxRate: '18.00',
    };
    const day30 = await issuedInvoice(s, { issuedOn: addDays(shopToday(), -30), lines: [line] });
    const day31 = await issuedInvoice(s, { issuedOn: addDays(shopToday(), -31), lines: [line] });
    const refunds = async (id: string) => {
      const html = await (
        await get(s.host, `/invoices/${id}/credit-notes/new`, { headers: { Cookie: s.cookie } })
      ).text();
      const noItbis = t('creditNotes.new.noItbis', { date: '' }).split(' (')[0]!;
      expect(html.includes(t('creditNotes.new.itbis'))).not.toBe(html.includes(noItbis));
      return html.includes(t('creditNotes.new.itbis'));
    };
    const issue = async (id: string) => {
      const response = await api(s.host, `/invoices/${id}/credit-notes`, s.bearer, {
        method: 'POST',
        body: JSON.stringify({ reason: 'Devolución', full: true }),
      });
      expect(response.status).toBe(201);
      return ((await response.json()) as { refundsItbis: boolean; itbisTotal: string }).refundsItbis;
    };
    const formBefore = [await refunds(day30.id), await refunds(day31.id)];
    expect(formBefore[0]).not.toBe(formBefore[1]);
    expect(await issue(day30.id)).toBe(true);
    // Change the rule in this shop only: no ITBIS refund at all. Form and SQL follow together (no credit_stale).
    await s.db.execute(
      sql`CREATE OR REPLACE FUNCTION credit_refunds_itbis(p_invoice_issued_on date, p_today date) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$ SELECT false $$`,
    );
    const another = await issuedInvoice(s, { issuedOn: shopToday(), lines: [line] });
    expect(await refunds(another.id)).toBe(formBefore[1]);
    expect(await issue(another.id)).toBe(false);
  });

  it('the payable statuses: the invoice page, the payment form and record_payment all follow invoice_payable', async () => {
    const s = await shop();
    const invoice = await issuedInvoice(s, {
      lines: [
        { productId: s.frame.id, description: 'Montura', quantity: '1', unitPrice: '1000.0000', taxRate: '18.00' },
      ],
    });
    const page = async () =>
      (await (await get(s.host, `/invoices/${invoice.id}`, { headers: { Cookie: s.cookie } })).text()).includes(
        `/invoices/${invoice.id}/payments/new`,
      );
    const pay = () =>
      api(s.host, `/invoices/${invoice.id}/payments`, s.bearer, {
        method: 'POST',
        body: JSON.stringify({ method: '1', amount: '100.00' }),
      });
    expect(await page()).toBe(true);
    await s.db.execute(
      sql`CREATE OR REPLACE FUNCTION invoice_payable(p_kind text, p_status text) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$ SELECT false $$`,
    );
    expect(await page()).toBe(false);
    const refused = await pay();
    expect(refused.status).toBe(409);
    const form = await (
      await get(s.host, `/invoices/${invoice.id}/payments/new`, { headers: { Cookie: s.cookie } })
    ).text();
    expect(form).toContain(t('payments.error.notPayable'));
  });

  it('the creditable statuses: the invoice page, the credit note form and issue_credit_note all follow invoice_creditable', async () => {
    const s = await shop();
    await ncfSequence(s.db, 'B04');
    const invoice = await issuedInvoice(s, {
      lines: [
        { productId: s.frame.id, description: 'Montura', quantity: '1', unitPrice: '1000.0000', taxRate: '18.00' },
      ],
    });
    const page = async () =>
      (await (await get(s.host, `/invoices/${invoice.id}`, { headers: { Cookie: s.cookie } })).text()).includes(
        `/invoices/${invoice.id}/credit-notes/new`,
      );
    expect(await page()).toBe(true);
    expect(
      (await get(s.host, `/invoices/${invoice.id}/credit-notes/new`, { headers: { Cookie: s.cookie } })).status,
    ).toBe(200);
    await s.db.execute(
      sql`CREATE OR REPLACE FUNCTION invoice_creditable(p_kind text, p_status text) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$ SELECT false $$`,
    );
    expect(await page()).toBe(false);
    expect(
      (await get(s.host, `/invoices/${invoice.id}/credit-notes/new`, { headers: { Cookie: s.cookie } })).status,
    ).toBe(409);
    const refused = await api(s.host, `/invoices/${invoice.id}/credit-notes`, s.bearer, {
      method: 'POST',
      body: JSON.stringify({ reason: 'Devolución', full: true }),
    });
    expect(refused.status).toBe(409);
  });
});
