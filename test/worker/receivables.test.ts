import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { branches, contacts, invoices } from '../../src/db/tenant-schema';
import { addDays } from '../../src/domain/dates';
import { receivablesAgeingQuery } from '../../src/queries/receivables';
import { issuedInvoice, paymentShop as shop } from '../support/worker/payments';

type Shop = Awaited<ReturnType<typeof shop>>;

const asOf = '2026-06-30';

/** An issued DOP invoice of `amount` (one exempt line), its due date and what was paid on it set directly. */
async function openInvoice(
  s: Shop,
  amount: string,
  values: {
    issuedOn: string;
    dueOn?: string | null;
    paid?: string;
    customerId?: string;
    currency?: string;
    rate?: string;
    status?: 'issued' | 'voided' | 'draft';
    branchId?: string;
  },
) {
  const invoice = await issuedInvoice(
    { ...s, customer: values.customerId ? { ...s.customer, id: values.customerId } : s.customer },
    {
      issuedOn: values.issuedOn,
      currency: values.currency,
      rate: values.rate,
      status: values.status,
      branchId: values.branchId,
      lines: [{ description: 'Lentes', quantity: '1', unitPrice: amount, taxRate: '0', exempt: true }],
    },
  );
  await s.db
    .update(invoices)
    .set({
      dueOn: values.dueOn ?? null,
      paidTotal: values.paid ?? '0',
      status: values.paid && values.status !== 'voided' ? 'partially_paid' : invoice.status,
    })
    .where(eq(invoices.id, invoice.id));
  return invoice;
}

const ago = (days: number) => addDays(asOf, -days);

describe('receivables ageing', { timeout: 60_000 }, () => {
  it('puts open balances in DOP into the right bucket around every edge', async () => {
    const s = await shop('owner');
    const [tourist] = await s.db.insert(contacts).values({ kind: 'customer', name: 'John Smith' }).returning();
    const [other] = await s.db.insert(branches).values({ code: 'B2', name: 'Sucursal Norte' }).returning();
    // age 0 and 30 (through due_on null -> issued_on, and through due_on): current
    await openInvoice(s, '100', { issuedOn: ago(0) });
    await openInvoice(s, '200', { issuedOn: ago(45), dueOn: ago(30) });
    await openInvoice(s, '400', { issuedOn: ago(31) });
    await openInvoice(s, '800', { issuedOn: ago(60) });
    await openInvoice(s, '1600', { issuedOn: ago(61) });
    await openInvoice(s, '3200', { issuedOn: ago(90) });
    await openInvoice(s, '6400', { issuedOn: ago(91) });
    // issued 120 days ago, due in 5 days: not yet due -> current
    await openInvoice(s, '12800', { issuedOn: ago(120), dueOn: addDays(asOf, 5) });
    // partly paid, 45 days: 1000 - 250 = 750 in 31-60
    await openInvoice(s, '1000', { issuedOn: ago(45), paid: '250' });
    // USD 100.00 at 58.5432, 33.33 paid: 66.67 x 58.5432 = 3903.075144 -> 3903.08, 10 days: current
    await openInvoice(s, '100', {
      issuedOn: ago(10),
      paid: '33.33',
      currency: 'USD',
      rate: '58.5432',
      customerId: tourist!.id,
    });
    // not counted: voided, draft, fully paid
    await openInvoice(s, '99999', { issuedOn: ago(5), status: 'voided' });
    await openInvoice(s, '99999', { issuedOn: ago(5), status: 'draft' });
    await openInvoice(s, '500', { issuedOn: ago(5), paid: '500' });
    // another branch: 70 days
    await openInvoice(s, '50.55', { issuedOn: ago(70), branchId: other!.id });

    const [all] = await receivablesAgeingQuery(s.db, { asOf, branchIds: null });
    expect(all).toEqual({
      current: '17003.08',
      days31to60: '1950.00',
      days61to90: '4850.55',
      over90: '6400.00',
      total: '30203.63',
      customers: 2,
    });
    const [main] = await receivablesAgeingQuery(s.db, { asOf, branchIds: [s.main.id] });
    expect(main).toEqual({
      current: '17003.08',
      days31to60: '1950.00',
      days61to90: '4800.00',
      over90: '6400.00',
      total: '30153.08',
      customers: 2,
    });
    const [north] = await receivablesAgeingQuery(s.db, { asOf, branchIds: [other!.id] });
    expect(north).toEqual({
      current: '0.00',
      days31to60: '0.00',
      days61to90: '50.55',
      over90: '0.00',
      total: '50.55',
      customers: 1,
    });
    const [none] = await receivablesAgeingQuery(s.db, { asOf, branchIds: [] });
    expect(none).toMatchObject({ total: '0.00', customers: 0 });
  });
});
