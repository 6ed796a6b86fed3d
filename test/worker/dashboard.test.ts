/**
 * The home page (issue 13 items 1-2): every figure against a hand-built day whose expected values
 * are worked out by hand below, role views, branch scope, the charts, round trips, isolation, and the
 * setup checklist of a new shop.
 */
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import {
  branches,
  company,
  contacts,
  ecfSettings,
  fiscalSequences,
  invoices,
  payments,
  prescriptions,
  products,
  quotations,
  refunds,
  users,
} from '../../src/db/tenant-schema';
import { shopToday } from '../../src/domain/dates';
import { getDashboard } from '../../src/services/shop/dashboard';
import type { ShopContext } from '../../src/services/shop/context';
import { buildInvoices, invoiceShop, type BuilderLine, type InvoiceShop } from '../support/worker/invoices';
import { claimsFor, countRoundTrips, get, postForm, tenantContext, testEnv } from '../support/worker/helpers';
import { colleague, shop, type Role } from '../support/worker/shop';

/** 2026-03-18 11:00 in Santo Domingo, a Wednesday: the week is 16-22 March, the chart 17 Feb - 18 Mar. */
const now = new Date('2026-03-18T15:00:00Z');
const today = '2026-03-18';

const exempt = (unitPrice: string, extra: Partial<BuilderLine> = {}): BuilderLine => ({
  description: 'Línea',
  quantity: '1',
  unitPrice,
  discount: '0',
  taxRate: '0.00',
  exempt: true,
  ...extra,
});

let ncfSerial = 0;
const nextNcf = () => `B01${String(++ncfSerial + Math.floor(Math.random() * 1e7)).padStart(8, '0')}`;

async function addInvoice(
  s: InvoiceShop,
  lines: BuilderLine[],
  row: Partial<typeof invoices.$inferInsert> & { branchId: string },
) {
  const draft = row.status === 'draft';
  const [written] = await buildInvoices(s.db, lines, [
    {
      kind: 'invoice',
      status: 'issued',
      ncfType: 'B01',
      ncf: draft ? null : nextNcf(),
      currencyCode: 'DOP',
      exchangeRate: '1',
      ...row,
    },
  ]);
  return written!;
}

async function addPayment(
  s: InvoiceShop,
  values: { invoiceId: string; branchId: string; receivedOn: string; method: string; amount: string },
) {
  const [rec] = await s.db.select().from(fiscalSequences).where(eq(fiscalSequences.docType, 'REC'));
  await s.db.insert(payments).values({
    ...values,
    method: values.method as '1',
    number: `REC-${crypto.randomUUID().slice(0, 12)}`,
    sequenceId: rec!.id,
  });
}

async function addBranch(s: InvoiceShop, code: string, name: string) {
  const [branch] = await s.db.insert(branches).values({ code, name }).returning();
  return branch!;
}

async function fresh(s: { tenant: { id: string }; token: string }) {
  return `optiflow_session=${s.token}; optiflow_claims=${await claimsFor(s.tenant.id, s.token)}`;
}

async function serviceContext(s: InvoiceShop, role: Role, branchIds: string[] | 'all'): Promise<ShopContext> {
  const tenant = await tenantContext(s.tenant.id);
  const all = await s.db.select().from(branches);
  const own = all
    .filter((branch) => branchIds === 'all' || branchIds.includes(branch.id))
    .map((branch) => ({ id: branch.id, name: branch.name, code: branch.code }));
  return {
    ...tenant,
    env: testEnv,
    requestId: 'test',
    actor: {
      sessionHash: 'test',
      id: s.user.id,
      email: s.email,
      name: s.user.name,
      role,
      shopName: 'Óptica',
      logoKey: null,
      branches: own,
      branch: own[0] ?? null,
      impersonatedBy: null,
      needsTouch: false,
    },
  } as ShopContext;
}

/**
 * The hand-built day (all in branch A unless said): amounts chosen so each figure is a sum worth
 * checking by hand.
 *   inv1  today       DOP 1,000.00 (frame, cost 600)   paid 400.00 cash today            open 600.00, age 0
 *   inv2  today       USD 100.00 x 58.5000 = 5,850.00   paid USD 50 card today = 2,925.00 open 2,925.00, age 0
 *   inv3  2 March     DOP 2,000.00 (2 x service, cost 150) paid 2,000.00 transfer 5 March, credited 500.00
 *   cn    today       credit note 500.00 on inv3 (0.5 x service)   refund 300.00 cash today
 *   void  today       9,999.00 voided: counts nowhere
 *   inv7  20 Feb      700.00 due 20 Feb, unpaid       age 26 -> 0-30
 *   inv8  1 Dec 2025  1,500.00 no due date, unpaid    age 107 -> 90+
 *   inv9  10 Jan      800.00 due 31 Jan, paid 200 cash 31 Jan   open 600.00, age 46 -> 31-60
 *   draft             one in A, one in B
 *   B     today       DOP 3,000.00 paid 3,000.00 cash today
 */
async function handBuiltDay() {
  const s = await invoiceShop('owner');
  const a = s.main;
  const b = await addBranch(s, 'NORTE', 'Sucursal Norte');
  const [other] = await s.db.insert(contacts).values({ name: 'Ana Gómez' }).returning();
  await s.db.update(products).set({ cost: '600.0000' }).where(eq(products.id, s.frame.id));
  await s.db.update(products).set({ cost: '150.0000' }).where(eq(products.id, s.service.id));

  const inv1 = await addInvoice(s, [exempt('1000', { productId: s.frame.id })], {
    branchId: a.id,
    issuedOn: today,
    customerId: s.walkIn.id,
    status: 'partially_paid',
    paidTotal: '400.00',
  });
  await addPayment(s, { invoiceId: inv1.id, branchId: a.id, receivedOn: today, method: '1', amount: '400.00' });
  const inv2 = await addInvoice(s, [exempt('100')], {
    branchId: a.id,
    issuedOn: today,
    customerId: s.company.id,
    currencyCode: 'USD',
    exchangeRate: '58.5000',
    status: 'partially_paid',
    paidTotal: '50.00',
  });
  await addPayment(s, { invoiceId: inv2.id, branchId: a.id, receivedOn: today, method: '3', amount: '50.00' });
  const inv3 = await addInvoice(s, [exempt('1000', { quantity: '2', productId: s.service.id })], {
    branchId: a.id,
    issuedOn: '2026-03-02',
    customerId: s.walkIn.id,
    status: 'paid',
    paidTotal: '2000.00',
    creditedTotal: '500.00',
  });
  await addPayment(s, { invoiceId: inv3.id, branchId: a.id, receivedOn: '2026-03-05', method: '2', amount: '2000.00' });
  await addInvoice(s, [exempt('1000', { quantity: '0.5', productId: s.service.id })], {
    branchId: a.id,
    kind: 'credit_note',
    ncfType: 'B04',
    issuedOn: today,
    customerId: s.walkIn.id,
    referenceInvoiceId: inv3.id,
  });
  await s.db.insert(refunds).values({
    contactId: s.walkIn.id,
    invoiceId: inv3.id,
    branchId: a.id,
    method: '1',
    amount: '300.00',
    currencyCode: 'DOP',
    refundedOn: today,
    createdBy: s.user.id,
  });
  await addInvoice(s, [exempt('9999')], { branchId: a.id, issuedOn: today, status: 'voided', customerId: other!.id });
  await addInvoice(s, [exempt('700')], {
    branchId: a.id,
    issuedOn: '2026-02-20',
    dueOn: '2026-02-20',
    customerId: s.walkIn.id,
  });
  await addInvoice(s, [exempt('1500')], { branchId: a.id, issuedOn: '2025-12-01', customerId: s.company.id });
  const inv9 = await addInvoice(s, [exempt('800')], {
    branchId: a.id,
    issuedOn: '2026-01-10',
    dueOn: '2026-01-31',
    customerId: other!.id,
    status: 'partially_paid',
    paidTotal: '200.00',
  });
  await addPayment(s, { invoiceId: inv9.id, branchId: a.id, receivedOn: '2026-01-31', method: '1', amount: '200.00' });
  await addInvoice(s, [exempt('450')], { branchId: a.id, status: 'draft' });
  await addInvoice(s, [exempt('450')], { branchId: b.id, status: 'draft' });
  const invB = await addInvoice(s, [exempt('3000')], {
    branchId: b.id,
    issuedOn: today,
    status: 'paid',
    paidTotal: '3000.00',
  });
  await addPayment(s, { invoiceId: invB.id, branchId: b.id, receivedOn: today, method: '1', amount: '3000.00' });

  // Quotations: open = draft or sent. A: 1,180.00 DOP sent + USD 30.00 draft at the latest rate (59.0000) = 1,770.00.
  const [cot] = await s.db.select().from(fiscalSequences).where(eq(fiscalSequences.docType, 'COT'));
  const quotation = (values: Partial<typeof quotations.$inferInsert> & { branchId: string; total: string }) => ({
    number: `COT-${crypto.randomUUID().slice(0, 10)}`,
    sequenceId: cot!.id,
    status: 'sent' as const,
    currencyCode: 'DOP',
    quotedOn: '2026-03-10',
    ...values,
  });
  await s.db.execute(
    `INSERT INTO exchange_rates (currency_code, rate, valid_on) VALUES ('USD', 59.0000, '2026-03-17') ON CONFLICT DO NOTHING`,
  );
  await s.db
    .insert(quotations)
    .values([
      quotation({ branchId: a.id, total: '1180.00' }),
      quotation({ branchId: a.id, total: '30.00', currencyCode: 'USD', status: 'draft' }),
      quotation({ branchId: a.id, total: '5000.00', status: 'converted' }),
      quotation({ branchId: a.id, total: '6000.00', status: 'cancelled' }),
      quotation({ branchId: b.id, total: '999.00' }),
    ]);

  // Sequences: B14 40 left of 100 (< 50), B15 501 of 10,000 (< 10%), B16 expires 10 April (< 30 days);
  // B11 and the test shop's B01/B02 are fine, COT/REC never count, an exhausted inactive one neither.
  const [b14, b15, b16] = await s.db
    .insert(fiscalSequences)
    .values([
      { docType: 'B14', prefix: 'B14', rangeStart: 1, rangeEnd: 100, nextNumber: 61, validUntil: '2027-12-31' },
      { docType: 'B15', prefix: 'B15', rangeStart: 1, rangeEnd: 10_000, nextNumber: 9_500, validUntil: '2027-12-31' },
      { docType: 'B16', prefix: 'B16', rangeStart: 1, rangeEnd: 1000, nextNumber: 1, validUntil: '2026-04-10' },
      { docType: 'B11', prefix: 'B11', rangeStart: 1, rangeEnd: 1000, nextNumber: 500, validUntil: '2027-12-31' },
      {
        docType: 'B12',
        prefix: 'B12',
        rangeStart: 1,
        rangeEnd: 10,
        nextNumber: 11,
        validUntil: '2027-12-31',
        active: false,
      },
    ])
    .returning();

  // Stock: 2 units in A (low), 3 in A (not), 1 in B (low in B), an inactive product with none (not counted).
  const { recordStockMovement } = await import('../../src/services/shop/stock');
  const [low, enough, lowB, inactive] = await s.db
    .insert(products)
    .values(
      [
        ['LOW-1', 'Estuche rígido', true],
        ['OK-1', 'Paño de limpieza', true],
        ['LOW-B', 'Cordón', true],
        ['OLD-1', 'Modelo retirado', false],
      ].map(([sku, name, active]) => ({
        sku: sku as string,
        name: name as string,
        category: 'accesorios' as const,
        price: '100.0000',
        taxId: s.tax('ITBIS18').id,
        active: active as boolean,
      })),
    )
    .returning();
  await recordStockMovement(s.db, { productId: low!.id, branchId: a.id, kind: 'initial', quantity: 2 });
  await recordStockMovement(s.db, { productId: enough!.id, branchId: a.id, kind: 'initial', quantity: 3 });
  await recordStockMovement(s.db, { productId: lowB!.id, branchId: b.id, kind: 'initial', quantity: 1 });
  await recordStockMovement(s.db, { productId: inactive!.id, branchId: a.id, kind: 'initial', quantity: 1 });

  // Patients: P1 due Friday 20th (A); P2's old Rx said the 17th but a newer one moved it a year; P3 due next week; P4 due in B.
  const people = await s.db
    .insert(contacts)
    .values(['Pedro Due', 'Pablo Moved', 'Paula Later', 'Pilar Norte'].map((name) => ({ name })))
    .returning();
  const rx = (patient: number, branchId: string, examinedOn: string, nextVisitOn: string) => ({
    patientId: people[patient]!.id,
    branchId,
    examinedOn,
    nextVisitOn,
    optometristName: 'Dr. Externo',
  });
  await s.db
    .insert(prescriptions)
    .values([
      rx(0, a.id, '2025-09-18', '2026-03-20'),
      rx(1, a.id, '2025-09-01', '2026-03-17'),
      rx(1, a.id, '2026-03-10', '2027-03-10'),
      rx(2, a.id, '2025-09-25', '2026-03-25'),
      rx(3, b.id, '2025-09-19', '2026-03-19'),
    ]);
  return { ...s, a, b, people, sequences: { b14: b14!, b15: b15!, b16: b16! }, low: low!, lowB: lowB! };
}

describe('dashboard figures against a hand-built day', () => {
  it('sales, collections, refunds, receivables, quotations, drafts, margin, sequences, stock and patients', {
    timeout: 30_000,
  }, async () => {
    const s = await handBuiltDay();
    const branchA = await getDashboard(await serviceContext(s, 'owner', 'all'), s.a.id, now);
    expect(branchA.branch).toBe(s.a.id);
    const f = branchA.figures;
    // Sales A: today 1,000.00 + 5,850.00 - 500.00 = 6,350.00; month + 2,000.00 (2 March) = 8,350.00.
    expect(f.salesToday).toBe('6350.00');
    expect(f.salesMonth).toBe('8350.00');
    expect(f.salesByDay).toHaveLength(30);
    expect(f.salesByDay![0]).toEqual({ day: '2026-02-17', amount: '0' });
    const byDay = Object.fromEntries(f.salesByDay!.filter((d) => Number(d.amount) !== 0).map((d) => [d.day, d.amount]));
    expect(byDay).toEqual({ '2026-02-20': '700.00', '2026-03-02': '2000.00', '2026-03-18': '6350.00' });
    // Collections A: today cash 400.00, card USD 50 x 58.5 = 2,925.00; month adds the 2,000.00 transfer. January's 200 is not this month.
    expect(f.collectedToday).toEqual([
      { method: '1', amount: '400.00' },
      { method: '3', amount: '2925.00' },
    ]);
    expect(f.collectedMonth).toEqual([
      { method: '1', amount: '400.00' },
      { method: '2', amount: '2000.00' },
      { method: '3', amount: '2925.00' },
    ]);
    expect([f.refundedToday, f.refundedMonth]).toEqual(['300.00', '300.00']);
    // Receivables A at 18 March: 0-30 = 600 + 2,925 + 700 = 4,225.00; 31-60 = 600.00; 90+ = 1,500.00; 3 customers.
    expect(branchA.receivables).toEqual({
      current: '4225.00',
      days31to60: '600.00',
      days61to90: '0.00',
      over90: '1500.00',
      total: '6325.00',
      customers: 3,
    });
    // Quotations A: 1,180.00 + USD 30 x 59.0000 = 1,770.00 -> 2 open, 2,950.00. One draft invoice.
    expect([f.openQuotations, f.openQuotationsTotal, f.drafts]).toEqual([2, '2950.00', 1]);
    // Margin A this month: (1,000 - 600) + (2,000 - 2 x 150) - (500 - 0.5 x 150) = 400 + 1,700 - 425.
    expect(f.marginMonth).toBe('1675.00');
    expect(
      f.sequences!.map((sequence) => [sequence.prefix, sequence.remaining, sequence.size, sequence.validUntil]),
    ).toEqual([
      ['B14', 40, 100, '2027-12-31'],
      ['B15', 501, 10_000, '2027-12-31'],
      ['B16', 1000, 1000, '2026-04-10'],
    ]);
    expect([f.lowStockCount, f.lowStock.map((item) => [item.sku, item.quantity])]).toEqual([1, [['LOW-1', 2]]]);
    expect([f.dueCount, f.due.map((patient) => [patient.name, patient.nextVisitOn])]).toEqual([
      1,
      [['Pedro Due', '2026-03-20']],
    ]);

    // Every branch: B adds 3,000.00 sales and 3,000.00 cash today, one draft, one open quotation, its low stock and patient.
    const all = await getDashboard(await serviceContext(s, 'owner', 'all'), 'all', now);
    expect(all.branch).toBe('all');
    expect([all.figures.salesToday, all.figures.salesMonth]).toEqual(['9350.00', '11350.00']);
    expect(all.figures.collectedToday).toEqual([
      { method: '1', amount: '3400.00' },
      { method: '3', amount: '2925.00' },
    ]);
    expect([all.figures.openQuotations, all.figures.openQuotationsTotal, all.figures.drafts]).toEqual([
      3,
      '3949.00',
      2,
    ]);
    expect([all.figures.lowStockCount, all.figures.dueCount]).toEqual([2, 2]);
    expect(all.receivables!.total).toBe('6325.00');
  });

  it('a user limited to branch A never gets B: ?branch=B and ?branch=all fall back to A', {
    timeout: 30_000,
  }, async () => {
    const s = await handBuiltDay();
    const seller = await serviceContext(s, 'ventas', [s.a.id]);
    for (const asked of [s.b.id, 'all', 'not-a-branch', undefined]) {
      const view = await getDashboard(seller, asked, now);
      expect(view.figures.salesToday).toBe('6350.00');
      expect(view.figures.collectedToday!.find((row) => row.method === '1')!.amount).toBe('400.00');
      expect([view.figures.drafts, view.figures.lowStockCount, view.figures.dueCount]).toEqual([1, 1, 1]);
    }
    // The same request by someone allowed in B does show B: the check above can fail.
    const both = await getDashboard(await serviceContext(s, 'ventas', [s.a.id, s.b.id]), s.b.id, now);
    expect(both.figures.salesToday).toBe('3000.00');
  });

  it('roles: caja sees cash but no margin; optometrista sees patients and no money', { timeout: 30_000 }, async () => {
    const s = await handBuiltDay();
    const caja = await getDashboard(await serviceContext(s, 'caja', [s.a.id]), s.a.id, now);
    expect(caja.figures.salesToday).toBe('6350.00');
    expect(caja.receivables).not.toBeNull();
    expect([caja.figures.marginMonth, caja.show.margins, caja.setup]).toEqual([null, false, null]);
    const optometrist = await getDashboard(await serviceContext(s, 'optometrista', [s.a.id]), s.a.id, now);
    const f = optometrist.figures;
    expect([
      f.salesToday,
      f.salesMonth,
      f.collectedMonth,
      f.refundedMonth,
      f.openQuotationsTotal,
      f.marginMonth,
    ]).toEqual([null, null, null, null, null, null]);
    expect([optometrist.receivables, f.sequences]).toEqual([null, null]);
    expect(f.dueCount).toBe(1);
  });
});

describe('the home page over HTTP', () => {
  /** A shop with two branches and a sale issued today in each (1,234.56 in A, 7,777.77 in B). */
  async function todayShop() {
    const s = await invoiceShop('owner');
    const b = await addBranch(s, 'NORTE', 'Sucursal Norte');
    const day = shopToday();
    const sale = async (branchId: string, amount: string) => {
      const invoice = await addInvoice(s, [exempt(amount)], {
        branchId,
        issuedOn: day,
        status: 'paid',
        paidTotal: amount,
      });
      await addPayment(s, { invoiceId: invoice.id, branchId, receivedOn: day, method: '1', amount });
    };
    await sale(s.main.id, '1234.56');
    await sale(b.id, '7777.77');
    return { ...s, b, cookie: await fresh(s) };
  }

  const page = async (host: string, cookie: string, path = '/') => {
    const response = await get(host, path, { headers: { Cookie: cookie } });
    return { status: response.status, html: await response.text() };
  };

  it('shows the figures as links, the charts as labelled SVG with a data table, in one round trip', {
    timeout: 30_000,
  }, async () => {
    const s = await todayShop();
    const database = `optiflow_${s.tenant.id.replace(/-/g, '_')}`;
    let html = '';
    const trips = await countRoundTrips(database, async () => {
      ({ html } = await page(s.host, s.cookie, '/?branch=all'));
    });
    expect(trips).toBe(1);
    // 1,234.56 + 7,777.77 = 9,012.33 sold and collected in cash today.
    expect(html).toMatch(/data-figure="sales-today">RD\$ 9,012\.33</);
    expect(html).toContain('href="/invoices?status=draft"');
    expect(html).toContain('href="/receivables"');
    expect(html).toMatch(/<svg[^>]*role="img"[^>]*aria-labelledby="dash-sales-chart-title dash-sales-chart-desc"/);
    expect(html).toContain('<title id="dash-sales-chart-title">Ventas de los últimos 30 días</title>');
    expect(html).toMatch(/<desc id="dash-sales-chart-desc">[^<]*total RD\$ 9,012\.33/);
    expect(html).toMatch(/<table class="dash-hidden"><caption>Cobros del mes por forma de pago<\/caption>/);
    expect(html).toMatch(/<th scope="row">Efectivo<\/th><td>RD\$ 9,012\.33<\/td>/);
    // The owner sees each branch on asking for it.
    expect((await page(s.host, s.cookie, `/?branch=${s.b.id}`)).html).toMatch(
      /data-figure="sales-today">RD\$ 7,777\.77</,
    );
  });

  it('a seller limited to branch A asking for B gets A, and the optometrist sees no money', {
    timeout: 30_000,
  }, async () => {
    const s = await todayShop();
    const seller = await colleague(s, 'ventas');
    for (const path of [`/?branch=${s.b.id}`, '/?branch=all', '/']) {
      const { status, html } = await page(s.host, seller.cookie, path);
      expect(status).toBe(200);
      expect(html).toMatch(/data-figure="sales-today">RD\$ 1,234\.56</);
      expect(html).not.toContain('7,777.77');
    }
    const optometrist = await colleague(s, 'optometrista');
    const { html } = await page(s.host, optometrist.cookie);
    expect(html).toContain('id="dash-patients"');
    expect(html).not.toContain('RD$');
    expect(html).not.toContain('id="dash-sales"');
    const caja = await page(s.host, (await colleague(s, 'caja')).cookie);
    expect(caja.html).toContain('id="dash-collections"');
    expect(caja.html).not.toContain('id="dash-margin"');
  });

  it('the figures link to their lists, filtered as the figures count', { timeout: 30_000 }, async () => {
    const s = await todayShop();
    const day = shopToday();
    const card = await addInvoice(s, [exempt('2500')], { branchId: s.main.id, issuedOn: day });
    await addPayment(s, { invoiceId: card.id, branchId: s.main.id, receivedOn: day, method: '3', amount: '2468.02' });
    await addPayment(s, {
      invoiceId: card.id,
      branchId: s.main.id,
      receivedOn: '2020-01-02',
      method: '1',
      amount: '11.11',
    });
    const { recordStockMovement } = await import('../../src/services/shop/stock');
    const [low] = await s.db
      .insert(products)
      .values({
        sku: 'LOW-9',
        name: 'Estuche bajo',
        category: 'accesorios',
        price: '1.0000',
        taxId: s.tax('ITBIS18').id,
      })
      .returning();
    await recordStockMovement(s.db, { productId: low!.id, branchId: s.main.id, kind: 'initial', quantity: 2 });
    const { html } = await page(s.host, s.cookie, '/?branch=all');
    const cashToday =
      /<tr data-method="1"><th scope="row">Efectivo<\/th><td class="number"><a href="([^"]+)">RD\$ 9,012\.33</.exec(
        html,
      );
    expect(cashToday).not.toBeNull();
    const payments = (await page(s.host, s.cookie, cashToday![1]!.replaceAll('&amp;', '&'))).html;
    expect(payments).toContain('data-filter="period"');
    expect(payments).toContain('1,234.56');
    expect(payments).toContain('7,777.77');
    expect(payments).not.toContain('2,468.02');
    expect(payments).not.toContain('11.11');
    expect((await page(s.host, s.cookie, '/payments')).html).toContain('11.11');
    const stockLink = /<a href="(\/stock\?low=1&amp;branch=)" data-figure="low-stock">/.exec(html);
    expect(stockLink).not.toBeNull();
    const stock = (await page(s.host, s.cookie, stockLink![1]!.replaceAll('&amp;', '&'))).html;
    expect(stock).toContain('LOW-9');
    expect(stock).not.toContain('MON-1');
    expect((await page(s.host, s.cookie, '/stock?branch=')).html).toContain('MON-1');
  });

  it("another shop's sales never appear", { timeout: 30_000 }, async () => {
    const [first, second] = await Promise.all([todayShop(), todayShop()]);
    const other = await addInvoice(second, [exempt('5555.55')], { branchId: second.main.id, issuedOn: shopToday() });
    expect(other.totalDop).toBe('5555.55');
    const mine = await page(first.host, first.cookie, '/?branch=all');
    expect(mine.html).toMatch(/data-figure="sales-today">RD\$ 9,012\.33</);
    expect(mine.html).not.toContain('5,555.55');
    expect((await page(second.host, second.cookie, '/?branch=all')).html).toMatch(
      /data-figure="sales-today">RD\$ 14,567\.88</,
    );
  });
});

describe('setup checklist', () => {
  const items = (html: string) =>
    Object.fromEntries(
      [...html.matchAll(/data-item="(\w+)" data-done="(true|false)"/g)].map((m) => [m[1], m[2] === 'true']),
    );

  it('a new shop sees every step pending, and each step turns done as it is taken', { timeout: 30_000 }, async () => {
    const s = await shop('owner', { rnc: null });
    const check = async () => items(await (await get(s.host, '/', { headers: { Cookie: s.cookie } })).text());
    const pending = {
      company: false,
      logo: false,
      sequences: false,
      ecf: false,
      products: false,
      users: false,
      sale: false,
    };
    expect(await check()).toEqual(pending);

    await s.db.update(company).set({ rnc: '130123454' }).where(eq(company.id, 1));
    expect((await check()).company).toBe(false); // an RNC without an address is not done
    await s.db.update(company).set({ address: 'Av. Winston Churchill 25, Santo Domingo' }).where(eq(company.id, 1));
    expect(await check()).toEqual({ ...pending, company: true });
    await s.db.update(company).set({ logoKey: 'logo/test.png' }).where(eq(company.id, 1));
    const [b01] = await s.db
      .insert(fiscalSequences)
      .values({ docType: 'B01', prefix: 'B01', rangeStart: 1, rangeEnd: 100, nextNumber: 1, validUntil: '2099-12-31' })
      .returning();
    expect(await check()).toEqual({ ...pending, company: true, logo: true, sequences: true });
    await s.db.insert(ecfSettings).values({
      sealedCredentials: 'x',
      subject: 'CN=Test',
      taxId: '130123454',
      issuer: 'CN=CA',
      serialNumber: '01',
      notBefore: new Date('2026-01-01'),
      notAfter: new Date('2027-01-01'),
    });
    const [product] = await s.db
      .insert(products)
      .values({ sku: 'P-1', name: 'Montura', category: 'monturas', price: '100.0000', taxId: 1 })
      .returning();
    expect(product).toBeDefined();
    expect(await check()).toEqual({
      ...pending,
      company: true,
      logo: true,
      sequences: true,
      ecf: true,
      products: true,
    });
    // A disabled second user does not count; an active one does.
    const [extra] = await s.db
      .insert(users)
      .values({
        email: `x-${crypto.randomUUID().slice(0, 6)}@example.test`,
        name: 'X',
        role: 'caja',
        status: 'disabled',
      })
      .returning();
    expect((await check()).users).toBe(false);
    await s.db.update(users).set({ status: 'invited' }).where(eq(users.id, extra!.id));
    expect((await check()).users).toBe(true);
    // A draft is not a sale; an issued invoice is, and then the list is gone.
    const [draft] = await s.db
      .insert(invoices)
      .values({ ncfType: 'B01', branchId: s.main.id, currencyCode: 'DOP' })
      .returning();
    expect((await check()).sale).toBe(false);
    await s.db
      .update(invoices)
      .set({ status: 'issued', ncf: 'B0100000001', issuedOn: shopToday(), sequenceId: b01!.id })
      .where(eq(invoices.id, draft!.id));
    expect(await check()).toEqual({});
  });

  it('the owner may hide it; an admin sees it but may not hide it', { timeout: 30_000 }, async () => {
    const s = await shop('owner');
    const admin = await colleague(s, 'admin');
    const html = async (cookie: string) => (await get(s.host, '/', { headers: { Cookie: cookie } })).text();
    expect(await html(admin.cookie)).toContain('id="dash-setup"');
    expect(await html(admin.cookie)).not.toContain('action="/setup/dismiss"');
    expect((await postForm(s.host, '/setup/dismiss', {}, { Cookie: admin.cookie })).status).toBe(403);
    expect(await html(s.cookie)).toContain('action="/setup/dismiss"');
    const dismissed = await postForm(s.host, '/setup/dismiss', {}, { Cookie: s.cookie });
    expect(dismissed.status).toBe(303);
    expect(await html(s.cookie)).not.toContain('id="dash-setup"');
    expect(await html(admin.cookie)).not.toContain('id="dash-setup"');
  });
});
