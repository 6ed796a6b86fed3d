import { eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { branches, contacts, creditApplications, invoices, payments, refunds } from '../../src/db/tenant-schema';
import { addDays, shopToday } from '../../src/domain/dates';
import { receivablesAgeingQuery, receivablesListQuery } from '../../src/queries/receivables';
import { api, apiJson } from '../support/worker/api';
import { countRoundTrips, get, postForm } from '../support/worker/helpers';
import { colleague, invoiceRow, issuedInvoice, ncfSequence, paymentShop as shop } from '../support/worker/payments';

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
    // Largest balance first by amount (as text "3903.08" would sort before "26300.55").
    const byTotal = await receivablesListQuery(s.db, {
      asOf,
      branchIds: null,
      customers: null,
      sort: 'total',
      limit: 50,
      offset: 0,
    });
    expect(byTotal.rows.map((row) => [row.customerId, row.total])).toEqual([
      [s.customer.id, '26300.55'],
      [tourist!.id, '3903.08'],
    ]);
    const [none] = await receivablesAgeingQuery(s.db, { asOf, branchIds: [] });
    expect(none).toMatchObject({ total: '0.00', customers: 0 });
  });
});

const post = (body: unknown) => ({ method: 'POST', body: JSON.stringify(body) });
const database = (s: Shop) => `optiflow_${s.tenant.id.replace(/-/g, '_')}`;

/** An issued DOP invoice of `amount` (one exempt line) to `customerId` (default the shop's customer). */
function sale(s: Shop, amount: string, issuedOn: string, customerId?: string) {
  return openInvoice(s, amount, { issuedOn, customerId });
}

/** A paid invoice fully credited by a real credit note (B04): a credit balance of its total. */
async function creditBalance(s: Shop, amount: string, issuedOn: string, customerId?: string) {
  const invoice = await sale(s, amount, issuedOn, customerId);
  const paid = await api(
    s.host,
    `/invoices/${invoice.id}/payments`,
    s.bearer,
    post({ method: '1', amount, receivedOn: issuedOn }),
  );
  expect(paid.status).toBe(201);
  const note = await api(
    s.host,
    `/invoices/${invoice.id}/credit-notes`,
    s.bearer,
    post({ reason: 'Devolución', full: true }),
  );
  expect(note.status).toBe(201);
  return invoice;
}

async function available(s: Shop, invoiceId: string): Promise<string> {
  const result = await s.db.execute<{ available: string }>(
    sql`SELECT invoice_credit_available(${invoiceId}::uuid)::text AS available`,
  );
  return result.rows[0]!.available;
}

describe('credit balances (saldo a favor)', { timeout: 120_000 }, () => {
  it('refunds 300 and applies 500 of a 1,000.00 credit, leaving 200; the statement runs the balance', async () => {
    const s = await shop('owner');
    await ncfSequence(s.db, 'B04');
    const today = shopToday();
    const a = await creditBalance(s, '1000', addDays(today, -5));
    expect(await available(s, a.id)).toBe('1000.00');
    const b = await sale(s, '800', addDays(today, -2));

    // Refund through the UI form: 303 to the credit page, the refund row and the credit left.
    const refunded = await postForm(
      s.host,
      `/contacts/${s.customer.id}/credit/refunds`,
      { invoiceId: a.id, amount: '300.00', method: '1', branchId: s.main.id, refundedOn: today },
      { Cookie: s.cookie },
    );
    expect(refunded.status).toBe(303);
    expect(refunded.headers.get('location')).toBe(`/contacts/${s.customer.id}/credit?notice=refunded`);
    const [refund] = await s.db.select().from(refunds).where(eq(refunds.invoiceId, a.id));
    expect(refund).toMatchObject({
      amount: '300.00',
      method: '1',
      status: 'active',
      branchId: s.main.id,
      contactId: s.customer.id,
      createdBy: s.user.id,
      cashCloseId: null,
    });
    expect(await available(s, a.id)).toBe('700.00');

    // Apply 500 to B through the API: a method-7 receipt on B referencing A's NCF.
    const applied = await apiJson(
      s.host,
      '/credit-applications',
      s.bearer,
      post({ sourceInvoiceId: a.id, targetInvoiceId: b.id, amount: '500.00', appliedOn: today }),
    );
    expect(applied.status).toBe(201);
    const [application] = await s.db
      .select()
      .from(creditApplications)
      .where(eq(creditApplications.id, applied.body.id));
    const [receipt] = await s.db.select().from(payments).where(eq(payments.id, application!.paymentId));
    expect(receipt).toMatchObject({
      invoiceId: b.id,
      method: '7',
      amount: '500.00',
      reference: a.ncf,
      status: 'active',
    });
    expect(await invoiceRow(s.db, b.id)).toMatchObject({ paidTotal: '500.00', status: 'partially_paid' });
    expect(await available(s, a.id)).toBe('200.00');

    const page = await (
      await get(s.host, `/contacts/${s.customer.id}/credit`, { headers: { Cookie: s.cookie } })
    ).text();
    expect(page).toContain('RD$ 200.00');

    // Statement from yesterday: opening = A 1,000 - payment 1,000 + B 800 = 800.00; then the credit note
    // -1,000 -> -200.00, the refund +300 -> 100.00, the application +500 -500 -> 100.00 (= B's 300 open - 200 credit).
    const statement = await apiJson(
      s.host,
      `/contacts/${s.customer.id}/statement?from=${addDays(today, -1)}&to=${today}`,
      s.bearer,
    );
    expect(statement.status).toBe(200);
    const [dop] = statement.body.currencies;
    expect(dop).toMatchObject({ currencyCode: 'DOP', opening: '800.00', closing: '100.00' });
    expect(dop.lines.map((line: any) => [line.kind, line.charge, line.credit, line.balance])).toEqual([
      ['creditNote', '0.00', '1000.00', '-200.00'],
      ['refund', '300.00', '0.00', '100.00'],
      ['application', '500.00', '500.00', '100.00'],
    ]);
    expect(dop.ageing).toMatchObject({ current: '300.00', total: '300.00' });
    expect(statement.body.credit).toEqual([{ invoiceId: a.id, ncf: a.ncf, currencyCode: 'DOP', available: '200.00' }]);
    // The whole history from the start: 0 opening, six lines in date order.
    const whole = await apiJson(
      s.host,
      `/contacts/${s.customer.id}/statement?from=${addDays(today, -30)}&to=${today}`,
      s.bearer,
    );
    expect(whole.body.currencies[0].opening).toBe('0.00');
    expect(whole.body.currencies[0].lines.map((line: any) => [line.kind, line.balance])).toEqual([
      ['invoice', '1000.00'],
      ['payment', '0.00'],
      ['invoice', '800.00'],
      ['creditNote', '-200.00'],
      ['refund', '100.00'],
      ['application', '100.00'],
    ]);

    // The receivables list: B's 300.00 open and 200.00 of credit, in one round trip.
    let html = '';
    const trips = await countRoundTrips(database(s), async () => {
      html = await (await get(s.host, '/receivables', { headers: { Cookie: s.cookie } })).text();
    });
    expect(trips).toBe(1);
    expect(html).toContain(`/contacts/${s.customer.id}/statement`);
    expect(html).toContain('RD$ 300.00');
    expect(html).toContain('-RD$ 200.00');
    const list = await apiJson(s.host, '/receivables', s.bearer);
    expect(list.body.data).toEqual([
      expect.objectContaining({
        customerId: s.customer.id,
        current: '300.00',
        total: '300.00',
        credit: '200.00',
        invoices: 1,
      }),
    ]);
    const statementTrips = await countRoundTrips(database(s), async () => {
      const response = await get(s.host, `/contacts/${s.customer.id}/statement`, { headers: { Cookie: s.cookie } });
      expect(response.status).toBe(200);
      await response.text();
    });
    expect(statementTrips).toBe(1);

    // Voiding the payment behind the credit is refused while the credit is used; voiding the refund returns it.
    const [payment] = await s.db.select().from(payments).where(eq(payments.invoiceId, a.id));
    const voidPayment = await api(s.host, `/payments/${payment!.id}/void`, s.bearer, post({ reason: 'Error' }));
    expect(voidPayment.status).toBe(409);
    const cashier = await colleague(s, 'caja');
    const refused = await api(s.host, `/refunds/${refund!.id}/void`, cashier.bearer, post({ reason: 'Error' }));
    expect(refused.status).toBe(403);
    const voided = await apiJson(s.host, `/refunds/${refund!.id}/void`, s.bearer, post({ reason: 'Error de caja' }));
    expect(voided.status).toBe(200);
    expect(voided.body.status).toBe('voided');
    expect(await available(s, a.id)).toBe('500.00');
    // Voiding the application's receipt on B gives B its balance back and A its credit.
    const undone = await api(s.host, `/payments/${application!.paymentId}/void`, s.bearer, post({ reason: 'Error' }));
    expect(undone.status).toBe(200);
    expect(await available(s, a.id)).toBe('1000.00');
    expect(await invoiceRow(s.db, b.id)).toMatchObject({ paidTotal: '0.00', status: 'issued' });
  });

  it('takes exactly 10 of 20 simultaneous 100.00 refunds and applications of a 1,000.00 credit', async () => {
    const s = await shop('owner');
    await ncfSequence(s.db, 'B04');
    const today = shopToday();
    const source = await creditBalance(s, '1000', addDays(today, -3));
    const target = await sale(s, '5000', addDays(today, -1));
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        i % 2 === 0
          ? api(
              s.host,
              '/refunds',
              s.bearer,
              post({ invoiceId: source.id, amount: '100.00', method: '1', branchId: s.main.id, refundedOn: today }),
            )
          : api(
              s.host,
              '/credit-applications',
              s.bearer,
              post({ sourceInvoiceId: source.id, targetInvoiceId: target.id, amount: '100.00', appliedOn: today }),
            ),
      ),
    );
    const statuses = responses.map((response) => response.status);
    expect(statuses.filter((status) => status === 201)).toHaveLength(10);
    expect(statuses.filter((status) => status === 422)).toHaveLength(10);
    expect(await available(s, source.id)).toBe('0.00');
    const [taken] = (
      await s.db.execute<{ refunded: string; applied: string }>(sql`
        SELECT (SELECT coalesce(sum(amount), 0) FROM refunds WHERE invoice_id = ${source.id}::uuid AND status = 'active')::text AS refunded,
               (SELECT coalesce(sum(amount), 0) FROM credit_applications WHERE source_invoice_id = ${source.id}::uuid)::text AS applied`)
    ).rows;
    expect(Number(taken!.refunded) + Number(taken!.applied)).toBe(1000);
    expect((await invoiceRow(s.db, target.id)).paidTotal).toBe(taken!.applied);
  });

  it('refuses bad amounts and other customers’ invoices with 422, changing nothing', async () => {
    const s = await shop('owner');
    await ncfSequence(s.db, 'B04');
    const today = shopToday();
    const [other] = await s.db.insert(contacts).values({ kind: 'customer', name: 'Otro Cliente' }).returning();
    const source = await creditBalance(s, '1000', addDays(today, -3));
    const othersInvoice = await sale(s, '700', addDays(today, -1), other!.id);
    const usd = await openInvoice(s, '100', { issuedOn: addDays(today, -1), currency: 'USD', rate: '58.5000' });
    const refund = (amount: string) => ({
      invoiceId: source.id,
      amount,
      method: '1',
      branchId: s.main.id,
      refundedOn: today,
    });
    for (const amount of ['1000.01', '0', '-5', 'abc']) {
      const response = await apiJson(s.host, '/refunds', s.bearer, post(refund(amount)));
      expect(response.status).toBe(422);
      expect(response.body.errors ?? response.body).toBeTruthy();
      const form = await postForm(s.host, `/contacts/${s.customer.id}/credit/refunds`, refund(amount), {
        Cookie: s.cookie,
      });
      expect(form.status).toBe(422);
      expect(await form.text()).toContain('aria-invalid="true"');
    }
    // Another customer's invoice as the target; the source under another customer's page; another currency.
    const apply = (targetInvoiceId: string) => ({
      sourceInvoiceId: source.id,
      targetInvoiceId,
      amount: '100.00',
      appliedOn: today,
    });
    expect((await api(s.host, '/credit-applications', s.bearer, post(apply(othersInvoice.id)))).status).toBe(422);
    expect((await api(s.host, '/credit-applications', s.bearer, post(apply(usd.id)))).status).toBe(422);
    const wrongPage = await postForm(s.host, `/contacts/${other!.id}/credit/refunds`, refund('100.00'), {
      Cookie: s.cookie,
    });
    expect(wrongPage.status).toBe(422);
    expect(await available(s, source.id)).toBe('1000.00');
    expect(await s.db.select().from(refunds)).toEqual([]);
    expect(await s.db.select().from(creditApplications)).toEqual([]);
    expect((await invoiceRow(s.db, othersInvoice.id)).paidTotal).toBe('0.00');
    // A bad statement period is a 422 on the page, never a 500.
    const badPeriod = await get(s.host, `/contacts/${s.customer.id}/statement?from=2026-13-01`, {
      headers: { Cookie: s.cookie },
    });
    expect(badPeriod.status).toBe(422);
  });

  it('keeps two shops apart: nothing of one is reachable from the other', async () => {
    const [one, two] = await Promise.all([shop('owner'), shop('owner')]);
    await ncfSequence(one.db, 'B04');
    const today = shopToday();
    const source = await creditBalance(one, '1000', addDays(today, -2));
    const created = await apiJson(
      one.host,
      '/refunds',
      one.bearer,
      post({ invoiceId: source.id, amount: '100.00', method: '1', branchId: one.main.id, refundedOn: today }),
    );
    expect(created.status).toBe(201);
    // Both shops have a customer called "Ana Pérez"; the second sees none of the first's.
    expect((await api(two.host, `/refunds/${created.body.id}`, two.bearer)).status).toBe(404);
    expect((await api(two.host, `/contacts/${one.customer.id}/statement`, two.bearer)).status).toBe(404);
    expect(
      (await get(two.host, `/contacts/${one.customer.id}/statement`, { headers: { Cookie: two.cookie } })).status,
    ).toBe(404);
    expect(
      (await get(two.host, `/contacts/${one.customer.id}/credit`, { headers: { Cookie: two.cookie } })).status,
    ).toBe(404);
    const foreign = await api(
      two.host,
      '/refunds',
      two.bearer,
      post({ invoiceId: source.id, amount: '100.00', method: '1', branchId: two.main.id, refundedOn: today }),
    );
    expect(foreign.status).toBe(404);
    expect((await api(two.host, `/refunds/${created.body.id}/void`, two.bearer, post({ reason: 'x' }))).status).toBe(
      404,
    );
    const list = await apiJson(two.host, '/receivables', two.bearer);
    expect(list.body.data).toEqual([]);
    expect(list.body.ageing.total).toBe('0.00');
    // A branch of the other shop is no branch of this user's: 422 with the field, on the API and the page.
    const foreignBranch = await apiJson(two.host, `/receivables?branchId=${one.main.id}`, two.bearer);
    expect(foreignBranch.status).toBe(422);
    const page = await get(two.host, `/receivables?branchId=${one.main.id}`, { headers: { Cookie: two.cookie } });
    expect(page.status).toBe(422);
    expect(await page.text()).not.toContain(one.customer.id);
    expect(await available(one, source.id)).toBe('900.00');
  });
});
