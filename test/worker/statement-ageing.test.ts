import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { invoices } from '../../src/db/tenant-schema';
import { addDays, formatDate, shopToday } from '../../src/domain/dates';
import { api, apiJson } from '../support/worker/api';
import { get } from '../support/worker/helpers';
import { issuedInvoice, ncfSequence, paymentShop as shop } from '../support/worker/payments';

type Shop = Awaited<ReturnType<typeof shop>>;

/** The statement's period end: everything dated after it must not change its balances or ageing. */
const end = '2026-06-30';
const daysBefore = (days: number) => addDays(end, -days);
const daysAfter = (days: number) => addDays(end, days);
const post = (body: unknown) => ({ method: 'POST', body: JSON.stringify(body) });

async function sale(s: Shop, amount: string, issuedOn: string, dueOn: string | null = null) {
  const invoice = await issuedInvoice(s, {
    issuedOn,
    lines: [{ description: 'Lentes', quantity: '1', unitPrice: amount, taxRate: '0', exempt: true }],
  });
  if (dueOn) await s.db.update(invoices).set({ dueOn }).where(eq(invoices.id, invoice.id));
  return invoice;
}

async function pay(s: Shop, invoiceId: string, amount: string, receivedOn: string) {
  const response = await api(
    s.host,
    `/invoices/${invoiceId}/payments`,
    s.bearer,
    post({ method: '1', amount, receivedOn }),
  );
  expect(response.status).toBe(201);
}

/** The ageing section of a statement page or print (the <dl> after the ageing heading). */
function ageingFigures(html: string): string[] {
  const start = html.indexOf('receivables-ageing');
  expect(start).toBeGreaterThan(-1);
  const block = html.slice(start, html.indexOf('</dl>', start));
  return [...block.matchAll(/<dd>(?:<strong>)?([^<]+)/g)].map((match) => match[1]!);
}

describe('customer statement as of its period end', { timeout: 120_000 }, () => {
  it('ages what was open at the period end around every bucket edge; later movements do not count', async () => {
    const s = await shop('owner');
    await ncfSequence(s.db, 'B04');
    // Open at the end, by age (days from the due date, else the issue date, to 30/06/2026):
    await sale(s, '100', daysBefore(30)); // 30: 0-30
    await sale(s, '200', daysBefore(31)); // 31: 31-60
    await sale(s, '400', daysBefore(60)); // 60: 31-60
    await sale(s, '800', daysBefore(61)); // 61: 61-90
    await sale(s, '1600', daysBefore(90)); // 90: 61-90
    await sale(s, '3200', daysBefore(91)); // 91: over 90
    await sale(s, '900', daysBefore(95), daysAfter(10)); // not yet due at the end: 0-30
    // Paid in full the day after the end: 6,400 still open at the end, in over 90.
    const paidLater = await sale(s, '6400', daysBefore(91));
    await pay(s, paidLater.id, '6400', daysAfter(1));
    // 45 days: 250 paid before the end, the other 750 after it: 750 in 31-60.
    const partly = await sale(s, '1000', daysBefore(45));
    await pay(s, partly.id, '250', daysBefore(10));
    await pay(s, partly.id, '750', daysAfter(5));
    // Paid on the end day itself: settled at the end.
    const paidOnEnd = await sale(s, '700', daysBefore(20));
    await pay(s, paidOnEnd.id, '700', end);
    // Issued after the end: not on this statement.
    await sale(s, '500', daysAfter(1));
    // A credit balance: 300 paid, credited in full 5 days before the end; 50 applied to another
    // invoice the day before the end (600 - 50 = 550 open, 3 days: 0-30), 100 refunded after the end.
    const credited = await sale(s, '300', daysBefore(40));
    await pay(s, credited.id, '300', daysBefore(40));
    const note = await apiJson(
      s.host,
      `/invoices/${credited.id}/credit-notes`,
      s.bearer,
      post({ reason: 'Devolución', full: true }),
    );
    expect(note.status).toBe(201);
    await s.db
      .update(invoices)
      .set({ issuedOn: daysBefore(5) })
      .where(eq(invoices.id, note.body.id));
    const target = await sale(s, '600', daysBefore(3));
    const applied = await api(
      s.host,
      '/credit-applications',
      s.bearer,
      post({ sourceInvoiceId: credited.id, targetInvoiceId: target.id, amount: '50.00', appliedOn: daysBefore(1) }),
    );
    expect(applied.status).toBe(201);
    const refunded = await api(
      s.host,
      '/refunds',
      s.bearer,
      post({ invoiceId: credited.id, amount: '100.00', method: '1', branchId: s.main.id, refundedOn: daysAfter(2) }),
    );
    expect(refunded.status).toBe(201);

    // By hand: 0-30 = 100 + 900 + 550 = 1,550; 31-60 = 200 + 400 + 750 = 1,350; 61-90 = 800 + 1,600 =
    // 2,400; over 90 = 3,200 + 6,400 = 9,600; open 14,900; credit 300 - 50 = 250; closing 14,650.
    const statement = await apiJson(
      s.host,
      `/contacts/${s.customer.id}/statement?from=${daysBefore(29)}&to=${end}`,
      s.bearer,
    );
    expect(statement.status).toBe(200);
    const [dop] = statement.body.currencies;
    expect(dop.ageing).toEqual({
      current: '1550.00',
      days31to60: '1350.00',
      days61to90: '2400.00',
      over90: '9600.00',
      total: '14900.00',
    });
    expect(dop.closing).toBe('14650.00');
    expect(statement.body.credit).toEqual([
      { invoiceId: credited.id, ncf: credited.ncf, currencyCode: 'DOP', available: '250.00' },
    ]);

    // The page and the print show the same figures, under the period end's date.
    const expected = ['RD$ 1,550.00', 'RD$ 1,350.00', 'RD$ 2,400.00', 'RD$ 9,600.00', 'RD$ 14,900.00'];
    for (const path of ['statement', 'statement/print']) {
      const response = await get(s.host, `/contacts/${s.customer.id}/${path}?from=${daysBefore(29)}&to=${end}`, {
        headers: { Cookie: s.cookie },
      });
      expect(response.status).toBe(200);
      const html = await response.text();
      expect(html).toContain('(30/06/2026)');
      expect(ageingFigures(html)).toEqual(expected);
    }

    // Ten days later: the 6,400 and the 1,000's last 750 are paid, the 500 is issued (9 days old), the
    // 900 falls due (0 days), the refund is taken (credit 150), and the rest is ten days older.
    const tenDaysOn = await apiJson(
      s.host,
      `/contacts/${s.customer.id}/statement?from=${end}&to=${daysAfter(10)}`,
      s.bearer,
    );
    expect(tenDaysOn.body.currencies[0].ageing).toEqual({
      current: '1950.00', // 900 + 500 + 550
      days31to60: '300.00', // 100 (40 days) + 200 (41)
      days61to90: '1200.00', // 400 (70) + 800 (71)
      over90: '4800.00', // 1,600 (100) + 3,200 (101)
      total: '8250.00',
    });
    expect(tenDaysOn.body.currencies[0].closing).toBe('8100.00');
    expect(tenDaysOn.body.credit).toEqual([
      { invoiceId: credited.id, ncf: credited.ncf, currencyCode: 'DOP', available: '150.00' },
    ]);
  });

  it('ages a period that ends after today to today: nothing is overdue before its time', async () => {
    const s = await shop('owner');
    const today = shopToday();
    await sale(s, '100', addDays(today, -31)); // 31 days today, 51 at the period end
    await sale(s, '200', addDays(today, -25)); // 25 today, 45 at the period end
    const to = addDays(today, 20);
    const statement = await apiJson(s.host, `/contacts/${s.customer.id}/statement?from=${today}&to=${to}`, s.bearer);
    expect(statement.status).toBe(200);
    expect(statement.body.currencies[0].ageing).toEqual({
      current: '200.00',
      days31to60: '100.00',
      days61to90: '0.00',
      over90: '0.00',
      total: '300.00',
    });
    const html = await (
      await get(s.host, `/contacts/${s.customer.id}/statement?from=${today}&to=${to}`, {
        headers: { Cookie: s.cookie },
      })
    ).text();
    expect(html).toContain(`(${formatDate(today)})`);
  });
});
