import { eq } from 'drizzle-orm';
import { parseCsv } from 'hucre/csv';
import { readXlsx } from 'hucre/xlsx';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { SessionUser } from '../../src/auth/session';
import {
  branches,
  contacts,
  expenses,
  fiscalSequences,
  payments,
  prescriptions,
  products,
  quotations,
  reportExports,
  stock,
  stockMovements,
  taxes,
  users,
} from '../../src/db/tenant-schema';
import { backgroundExportRows, type ReportRow } from '../../src/domain/business-reports';
import { shopToday } from '../../src/domain/dates';
import { jobHandlers } from '../../src/jobs';
import type { ShopContext } from '../../src/services/shop/context';
import { showReport } from '../../src/services/shop/business-reports';
import { uploadPartSize, uploadStream } from '../../src/services/shop/report-files';
import { api, apiJson } from '../support/worker/api';
import { countRoundTrips, get, postForm, signedIn, tenantContext, testEnv } from '../support/worker/helpers';
import { buildInvoices } from '../support/worker/invoices';
import { tenantDatabase } from '../support/worker/session';
import { shop } from '../support/worker/shop';

// One shop with a hand-built March 2025 for every test of the file (each test only reads it, or
// writes rows of its own: the export test's extra products are outside every other test's figures).
vi.setConfig({ testTimeout: 60_000 });

const march = 'from=2025-03-01&to=2025-03-31';

/** `today` +/- days, as YYYY-MM-DD. */
function shift(today: string, days: number): string {
  const date = new Date(`${today}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

type Fixture = Awaited<ReturnType<typeof buildMonth>>;

async function buildMonth() {
  const s = await shop('owner', { rnc: '131246796' });
  const { db } = s;
  const today = shopToday();
  const [sti] = await db.insert(branches).values({ name: 'Santiago', code: 'ZZZ-STI' }).returning();
  const [ana, bruno, olga] = await db
    .insert(users)
    .values([
      { email: 'ana@example.test', name: 'Ana Pérez', role: 'ventas', status: 'active' },
      { email: 'bruno@example.test', name: 'Bruno Díaz', role: 'ventas', status: 'active' },
      { email: 'olga@example.test', name: 'Olga Méndez', role: 'optometrista', status: 'active' },
    ])
    .returning();
  const [carmen, distribuidora] = await db
    .insert(contacts)
    .values([
      { name: 'Carmen Rodríguez', idType: 'cedula', idNumber: '00113918205' },
      { name: 'Distribuidora Óptica SRL', idType: 'rnc', idNumber: '131246796' },
    ])
    .returning();
  const [itbis18] = await db.select().from(taxes).where(eq(taxes.code, 'ITBIS18'));
  const [exento] = await db.select().from(taxes).where(eq(taxes.code, 'EXENTO'));
  const [montura, lente, examen] = await db
    .insert(products)
    .values([
      {
        sku: 'MON-001',
        name: 'Montura Ray-Ban',
        category: 'monturas',
        price: '5000',
        cost: '2000',
        taxId: itbis18!.id,
      },
      { sku: 'LEN-001', name: 'Lente monofocal', category: 'lentes', price: '1500', cost: '600', taxId: itbis18!.id },
      {
        sku: 'SER-001',
        name: 'Examen visual',
        category: 'servicios',
        price: '1000',
        taxId: exento!.id,
        trackStock: false,
      },
    ])
    .returning();
  const [rec] = await db.select().from(fiscalSequences).where(eq(fiscalSequences.docType, 'REC'));
  const [cot] = await db.select().from(fiscalSequences).where(eq(fiscalSequences.docType, 'COT'));
  const main = s.main;
  const taxed = (productId: string, quantity: string, unitPrice: string) => ({
    productId,
    quantity,
    unitPrice,
    discount: '0',
    taxRate: '18.00',
    exempt: false,
    taxId: itbis18!.id,
    description: 'Línea',
  });
  const invoice = async (
    lines: ReturnType<typeof taxed>[],
    row: Partial<Parameters<typeof buildInvoices>[2][number]> & { ncf: string | null },
  ) => {
    const [written] = await buildInvoices(db, lines, [
      {
        kind: 'invoice',
        status: 'issued',
        ncfType: row.ncf?.slice(0, 3) ?? 'B01',
        branchId: main.id,
        currencyCode: 'DOP',
        exchangeRate: '1',
        ...row,
      },
    ]);
    return written!;
  };
  let receipt = 0;
  const pay = (
    invoiceId: string,
    branchId: string,
    receivedOn: string,
    method: '1' | '2' | '3',
    amount: string,
    status: 'active' | 'voided' = 'active',
  ) =>
    db.insert(payments).values({
      invoiceId,
      number: `REC-T${++receipt}`,
      sequenceId: rec!.id,
      branchId,
      receivedOn,
      method,
      amount,
      status,
    });

  // March 2025. I1: montura 5,000 + 18% = 5,900, Ana, Carmen, paid cash.
  const i1 = await invoice([taxed(montura!.id, '1', '5000')], {
    ncf: 'B0100000001',
    status: 'paid',
    issuedOn: '2025-03-03',
    sellerId: ana!.id,
    customerId: carmen!.id,
    paidTotal: '5900.00',
  });
  await pay(i1.id, main.id, '2025-03-03', '1', '5900.00');
  // I2: 2 lentes 3,000 + 540 = 3,540, Bruno, Distribuidora; card 1,000 (and a voided 500 cash); CN1 took 1,770.
  const i2 = await invoice([taxed(lente!.id, '2', '1500')], {
    ncf: 'B0100000002',
    status: 'partially_paid',
    issuedOn: '2025-03-03',
    sellerId: bruno!.id,
    customerId: distribuidora!.id,
    paidTotal: '1000.00',
    creditedTotal: '1770.00',
  });
  await pay(i2.id, main.id, '2025-03-03', '3', '1000.00');
  await pay(i2.id, main.id, '2025-03-04', '1', '500.00', 'voided');
  // I3: examen 1,000 exempt, Santiago, Ana, Carmen, paid by transfer.
  const i3 = await invoice([{ ...taxed(examen!.id, '1', '1000'), taxRate: '0.00', exempt: true, taxId: exento!.id }], {
    ncf: 'B0200000001',
    status: 'paid',
    issuedOn: '2025-03-10',
    branchId: sti!.id,
    sellerId: ana!.id,
    customerId: carmen!.id,
    paidTotal: '1000.00',
  });
  await pay(i3.id, sti!.id, '2025-03-10', '2', '1000.00');
  // I4: 1 lente at US$ 100 + 18% = US$ 118 at 60.0000 = RD$ 7,080 (6,000 + 1,080), Bruno; card US$ 50 = RD$ 3,000.
  const i4 = await invoice([taxed(lente!.id, '1', '100')], {
    ncf: 'B0100000003',
    status: 'partially_paid',
    issuedOn: '2025-03-15',
    sellerId: bruno!.id,
    customerId: distribuidora!.id,
    currencyCode: 'USD',
    exchangeRate: '60.0000',
    paidTotal: '50.00',
  });
  await pay(i4.id, main.id, '2025-03-15', '3', '50.00');
  // CN1: 1 lente returned from I2 (1,500 + 270 = 1,770); no seller of its own: Bruno's, through I2.
  await invoice([taxed(lente!.id, '1', '1500')], {
    kind: 'credit_note',
    ncf: 'B0400000001',
    issuedOn: '2025-03-20',
    customerId: distribuidora!.id,
    referenceInvoiceId: i2.id,
    modifiedNcf: 'B0100000002',
  });
  // Not sales: a voided and a draft invoice, and an imported one (history; its 5,900 is still owed).
  await invoice([taxed(montura!.id, '1', '5000')], {
    ncf: 'B0100000004',
    status: 'voided',
    issuedOn: '2025-03-12',
    sellerId: ana!.id,
    customerId: carmen!.id,
    voidedAt: new Date('2025-03-12T15:00:00Z'),
    voidReason: '04',
  });
  await invoice([taxed(montura!.id, '3', '5000')], { ncf: null, status: 'draft', issuedOn: null, sellerId: ana!.id });
  await invoice([taxed(montura!.id, '1', '5000')], {
    ncf: 'B0100000099',
    issuedOn: '2025-03-05',
    dueOn: '2025-04-05',
    sellerId: ana!.id,
    customerId: carmen!.id,
    importedAt: new Date('2025-03-30T12:00:00Z'),
  });
  // February: F1 5,900 by Ana, paid cash (only in a range that takes February).
  const f1 = await invoice([taxed(montura!.id, '1', '5000')], {
    ncf: 'B0100000000',
    status: 'paid',
    issuedOn: '2025-02-20',
    sellerId: ana!.id,
    customerId: carmen!.id,
    paidTotal: '5900.00',
  });
  await pay(f1.id, main.id, '2025-02-20', '1', '5900.00');
  // Open invoices of 2024 for the ageing, due relative to today: 1,180 not yet due and 590 10 days late
  // (Carmen), 2,360 45 days and 1,180 75 days late (Distribuidora).
  const open = [
    { ncf: 'B0100000091', lines: [taxed(lente!.id, '1', '1000')], customer: carmen!.id, due: shift(today, 5) },
    { ncf: 'B0100000092', lines: [taxed(lente!.id, '1', '500')], customer: carmen!.id, due: shift(today, -10) },
    { ncf: 'B0100000093', lines: [taxed(lente!.id, '1', '2000')], customer: distribuidora!.id, due: shift(today, -45) },
    { ncf: 'B0100000094', lines: [taxed(lente!.id, '1', '1000')], customer: distribuidora!.id, due: shift(today, -75) },
  ];
  for (const entry of open)
    await invoice(entry.lines, {
      ncf: entry.ncf,
      issuedOn: '2024-06-01',
      dueOn: entry.due,
      customerId: entry.customer,
    });

  // Quotations of March: Ana converted 5,900, cancelled 2,000, expired 1,500; Bruno converted 3,540, open 3,000.
  const quotation = (
    number: string,
    sellerId: string,
    status: 'draft' | 'sent' | 'converted' | 'cancelled',
    total: string,
    validUntil: string,
  ) => ({
    number,
    sequenceId: cot!.id,
    branchId: main.id,
    status,
    currencyCode: 'DOP',
    quotedOn: '2025-03-05',
    validUntil,
    total,
    sellerId,
  });
  await db
    .insert(quotations)
    .values([
      quotation('COT-T1', ana!.id, 'converted', '5900.00', '2025-04-05'),
      quotation('COT-T2', ana!.id, 'cancelled', '2000.00', '2025-04-05'),
      quotation('COT-T3', ana!.id, 'sent', '1500.00', '2025-04-01'),
      quotation('COT-T4', bruno!.id, 'converted', '3540.00', '2025-04-05'),
      quotation('COT-T5', bruno!.id, 'sent', '3000.00', shift(today, 30)),
    ]);
  // Prescriptions: Olga examined Carmen twice in March (and once in February); an outside doctor once.
  await db.insert(prescriptions).values([
    { patientId: carmen!.id, branchId: main.id, optometristId: olga!.id, examinedOn: '2025-03-04' },
    { patientId: carmen!.id, branchId: main.id, optometristId: olga!.id, examinedOn: '2025-03-18' },
    { patientId: carmen!.id, branchId: main.id, optometristId: olga!.id, examinedOn: '2025-02-10' },
    { patientId: distribuidora!.id, branchId: sti!.id, optometristName: 'Dr. Luis Peña', examinedOn: '2025-03-11' },
  ]);
  // Stock: monturas 3 (main) + 1 (Santiago) at cost 2,000; lentes 10 (main), none in Santiago, at 600.
  await db.insert(stock).values([
    { productId: montura!.id, branchId: main.id, quantity: 3 },
    { productId: montura!.id, branchId: sti!.id, quantity: 1 },
    { productId: lente!.id, branchId: main.id, quantity: 10 },
  ]);
  await db.insert(stockMovements).values([
    {
      productId: montura!.id,
      branchId: main.id,
      kind: 'initial',
      quantity: 4,
      balanceAfter: 4,
      createdAt: new Date('2025-03-01T14:00:00Z'),
    },
    {
      productId: montura!.id,
      branchId: main.id,
      kind: 'sale',
      quantity: -1,
      balanceAfter: 3,
      reference: 'B0100000001',
      createdAt: new Date('2025-03-03T19:00:00Z'),
    },
    // 23:30 on 31 March in Santo Domingo is already 1 April in UTC: still March's.
    {
      productId: lente!.id,
      branchId: main.id,
      kind: 'adjustment',
      quantity: 10,
      balanceAfter: 10,
      reason: 'Conteo',
      createdAt: new Date('2025-04-01T03:30:00Z'),
    },
    {
      productId: montura!.id,
      branchId: sti!.id,
      kind: 'transfer_in',
      quantity: 1,
      balanceAfter: 1,
      createdAt: new Date('2025-04-01T04:30:00Z'),
    },
  ]);
  // Expenses of March: two of type 02 (10,000 + 1,800; 5,000 + 900 + 100 other taxes), one of type 09
  // (20,000 + 3,600), and a voided one.
  const expense = (ncf: string, type: '02' | '09', values: Partial<typeof expenses.$inferInsert>) => ({
    supplierIdType: 'rnc' as const,
    supplierIdNumber: '101850043',
    supplierName: 'Proveedor SRL',
    ncf,
    expenseType: type,
    branchId: main.id,
    issuedOn: '2025-03-08',
    paymentForm: '01' as const,
    ...values,
  });
  await db.insert(expenses).values([
    expense('B0100000101', '02', { servicesAmount: '10000.00', total: '10000.00', itbisBilled: '1800.00' }),
    expense('B0100000102', '02', {
      goodsAmount: '5000.00',
      total: '5000.00',
      itbisBilled: '900.00',
      otherTaxes: '100.00',
    }),
    expense('B0100000103', '09', { goodsAmount: '20000.00', total: '20000.00', itbisBilled: '3600.00' }),
    expense('B0100000104', '09', {
      goodsAmount: '999.00',
      total: '999.00',
      voidedAt: new Date('2025-03-09T12:00:00Z'),
    }),
  ]);

  const owner = await signedIn(s.tenant.id, 'owner');
  const context = await tenantContext(s.tenant.id);
  const actor: SessionUser = {
    sessionHash: 'test',
    id: owner.user.id,
    email: owner.email,
    name: owner.user.name,
    role: 'owner',
    permissions: null,
    shopName: 'Óptica',
    logoKey: null,
    branches: [main, sti!].map(({ id, name, code }) => ({ id, name, code })),
    branch: null,
    impersonatedBy: null,
    needsTouch: false,
  };
  const ctx: ShopContext = { ...context, env: testEnv, requestId: 'test', actor };
  return {
    s,
    ctx,
    cookie: owner.cookie,
    bearer: owner.bearer,
    host: s.host,
    main,
    sti: sti!,
    ana: ana!,
    bruno: bruno!,
    today,
    montura: montura!,
    lente: lente!,
  };
}

/** The figures of a report as the screen's service reads them: the rows' column values and the totals. */
async function figures(f: Fixture, key: string, query: Record<string, string>) {
  const view = await showReport(f.ctx, key, query);
  const keys = view.report.columns.map((column) => column.key);
  const pick = (row: ReportRow) => keys.map((k) => row[k] ?? null);
  return {
    rows: view.rows.map(pick),
    totals: Object.fromEntries(view.report.columns.filter((c) => c.total).map((c) => [c.key, view.totals[c.key]])),
    count: view.rowCount,
  };
}

const range = { from: '2025-03-01', to: '2025-03-31' };

describe('business reports', () => {
  let f: Fixture;
  beforeAll(async () => {
    f = await buildMonth();
  }, 120_000);

  it('sales by day, month, product, category, customer, seller and branch match the hand-built month', async () => {
    expect(await figures(f, 'sales-by-day', range)).toEqual({
      rows: [
        ['2025-03-03', 2, 0, '8000.00', '1440.00', '9440.00'],
        ['2025-03-10', 1, 0, '1000.00', '0.00', '1000.00'],
        ['2025-03-15', 1, 0, '6000.00', '1080.00', '7080.00'],
        ['2025-03-20', 0, 1, '-1500.00', '-270.00', '-1770.00'],
      ],
      totals: { invoices: '4', credit_notes: '1', net: '13500.00', itbis: '2250.00', total: '15750.00' },
      count: 4,
    });
    expect((await figures(f, 'sales-by-month', { from: '2025-02-01', to: '2025-03-31' })).rows).toEqual([
      ['2025-02', 1, 0, '5000.00', '900.00', '5900.00'],
      ['2025-03', 4, 1, '13500.00', '2250.00', '15750.00'],
    ]);
    expect(await figures(f, 'sales-by-product', range)).toEqual({
      rows: [
        ['SER-001', 'Examen visual', 'servicios', '1.00', '1000.00'],
        ['LEN-001', 'Lente monofocal', 'lentes', '2.00', '7500.00'],
        ['MON-001', 'Montura Ray-Ban', 'monturas', '1.00', '5000.00'],
      ],
      totals: { quantity: '4.00', net: '13500.00' },
      count: 3,
    });
    expect(await figures(f, 'sales-by-category', range)).toEqual({
      rows: [
        ['lentes', '2.00', '7500.00', '0.5556'],
        ['monturas', '1.00', '5000.00', '0.3704'],
        ['servicios', '1.00', '1000.00', '0.0741'],
      ],
      totals: { quantity: '4.00', net: '13500.00', share: '1.0000' },
      count: 3,
    });
    expect((await figures(f, 'sales-by-category', { ...range, category: 'lentes' })).rows).toEqual([
      ['lentes', '2.00', '7500.00', '1.0000'],
    ]);
    expect((await figures(f, 'sales-by-customer', range)).rows).toEqual([
      ['Carmen Rodríguez', '00113918205', 2, 0, '6000.00', '900.00', '6900.00'],
      ['Distribuidora Óptica SRL', '131246796', 2, 1, '7500.00', '1350.00', '8850.00'],
    ]);
    expect(await figures(f, 'sales-by-seller', range)).toEqual({
      rows: [
        ['Ana Pérez', 2, 0, '6000.00', '900.00', '6900.00', '0.4444'],
        ['Bruno Díaz', 2, 1, '7500.00', '1350.00', '8850.00', '0.5556'],
      ],
      totals: {
        invoices: '4',
        credit_notes: '1',
        net: '13500.00',
        itbis: '2250.00',
        total: '15750.00',
        share: '1.0000',
      },
      count: 2,
    });
    const byBranch = await figures(f, 'sales-by-branch', range);
    expect(byBranch.rows).toEqual([
      [f.main.name, 3, 1, '12500.00', '2250.00', '14750.00', '0.9259'],
      ['Santiago', 1, 0, '1000.00', '0.00', '1000.00', '0.0741'],
    ]);
    // Filters: a seller, a branch.
    expect((await figures(f, 'sales-by-day', { ...range, seller: f.ana.id })).rows).toEqual([
      ['2025-03-03', 1, 0, '5000.00', '900.00', '5900.00'],
      ['2025-03-10', 1, 0, '1000.00', '0.00', '1000.00'],
    ]);
    expect((await figures(f, 'sales-by-day', { ...range, branch: f.sti.id })).rows).toEqual([
      ['2025-03-10', 1, 0, '1000.00', '0.00', '1000.00'],
    ]);
  });

  it('payments by method, quotations, ageing, stock, prescriptions and expenses match the hand-built month', async () => {
    expect(await figures(f, 'payments-by-method', range)).toEqual({
      rows: [
        ['1', 1, '5900.00', '0.5413'],
        ['2', 1, '1000.00', '0.0917'],
        ['3', 2, '4000.00', '0.3670'],
      ],
      totals: { payments: '4', amount: '10900.00', share: '1.0000' },
      count: 3,
    });
    expect(await figures(f, 'quotations', range)).toEqual({
      rows: [
        ['Ana Pérez', 3, 1, 1, 1, 0, '0.3333', '5900.00', '3500.00'],
        ['Bruno Díaz', 2, 1, 0, 0, 1, '1.0000', '3540.00', '0.00'],
      ],
      totals: {
        quotations: '5',
        converted: '2',
        cancelled: '1',
        expired: '1',
        open: '1',
        conversion: '0.5000',
        converted_amount: '9440.00',
        lost_amount: '3500.00',
      },
      count: 2,
    });
    expect(await figures(f, 'receivables-ageing', {})).toEqual({
      rows: [
        ['Carmen Rodríguez', '00113918205', 3, '1180.00', '590.00', '0.00', '0.00', '5900.00', '7670.00'],
        ['Distribuidora Óptica SRL', '131246796', 4, '0.00', '0.00', '2360.00', '1180.00', '4850.00', '8390.00'],
      ],
      totals: {
        invoices: '7',
        current: '1180.00',
        days1to30: '590.00',
        days31to60: '2360.00',
        days61to90: '1180.00',
        over90: '10750.00',
        total: '16060.00',
      },
      count: 2,
    });
    expect(await figures(f, 'stock-levels', {})).toEqual({
      rows: [
        ['LEN-001', 'Lente monofocal', 'lentes', f.main.name, 10, '600.00', '6000.00'],
        ['LEN-001', 'Lente monofocal', 'lentes', 'Santiago', 0, '600.00', '0.00'],
        ['MON-001', 'Montura Ray-Ban', 'monturas', f.main.name, 3, '2000.00', '6000.00'],
        ['MON-001', 'Montura Ray-Ban', 'monturas', 'Santiago', 1, '2000.00', '2000.00'],
      ],
      totals: { quantity: '14', value: '14000.00' },
      count: 4,
    });
    expect((await figures(f, 'stock-low', {})).rows).toEqual([
      ['LEN-001', 'Lente monofocal', 'lentes', 'Santiago', 0, '600.00', '0.00'],
      ['MON-001', 'Montura Ray-Ban', 'monturas', 'Santiago', 1, '2000.00', '2000.00'],
    ]);
    expect(await figures(f, 'stock-movements', range)).toEqual({
      rows: [
        ['2025-03-01', 'MON-001', 'Montura Ray-Ban', f.main.name, 'initial', 4, 4, '8000.00', null],
        ['2025-03-03', 'MON-001', 'Montura Ray-Ban', f.main.name, 'sale', -1, 3, '-2000.00', 'B0100000001'],
        ['2025-03-31', 'LEN-001', 'Lente monofocal', f.main.name, 'adjustment', 10, 10, '6000.00', 'Conteo'],
      ],
      totals: { quantity: '13', value: '12000.00' },
      count: 3,
    });
    expect(await figures(f, 'prescriptions-by-optometrist', range)).toEqual({
      rows: [
        ['Dr. Luis Peña', 1, 1, '2025-03-11', '2025-03-11'],
        ['Olga Méndez', 2, 1, '2025-03-04', '2025-03-18'],
      ],
      totals: { prescriptions: '3' },
      count: 2,
    });
    expect(await figures(f, 'expenses-by-type', range)).toEqual({
      rows: [
        ['02', 2, '15000.00', '2700.00', '100.00', '17800.00', '0.4286'],
        ['09', 1, '20000.00', '3600.00', '0.00', '23600.00', '0.5714'],
      ],
      totals: {
        expenses: '3',
        amount: '35000.00',
        itbis: '6300.00',
        other_taxes: '100.00',
        total: '41400.00',
        share: '1.0000',
      },
      count: 2,
    });
  });

  it('the screen, the .xlsx and the CSV show the same figures; the ageing links each customer to the statement', async () => {
    const page = await get(f.host, `/reports/sales-by-seller?${march}`, { headers: { Cookie: f.cookie } });
    expect(page.status).toBe(200);
    const html = await page.text();
    for (const text of ['Ana Pérez', 'RD$ 6,900.00', 'RD$ 8,850.00', 'RD$ 15,750.00', '44.4 %', '100.0 %', '2 filas'])
      expect(html).toContain(text);

    const xlsx = await get(f.host, `/reports/sales-by-seller.xlsx?${march}`, { headers: { Cookie: f.cookie } });
    expect(xlsx.status).toBe(200);
    expect(xlsx.headers.get('content-type')).toContain('spreadsheetml');
    expect(xlsx.headers.get('content-disposition')).toContain('ventas-por-vendedor_2025-03-01_2025-03-31.xlsx');
    const book = await readXlsx(new Uint8Array(await xlsx.arrayBuffer()));
    expect(book.sheets[0]!.rows).toEqual([
      ['Vendedor', 'Facturas', 'Notas de crédito', 'Ventas netas', 'ITBIS', 'Total', 'Participación'],
      ['Ana Pérez', 2, 0, 6000, 900, 6900, 0.4444],
      ['Bruno Díaz', 2, 1, 7500, 1350, 8850, 0.5556],
      ['Total', 4, 1, 13500, 2250, 15750, 1],
    ]);

    const csv = await get(f.host, `/reports/sales-by-day.csv?${march}`, { headers: { Cookie: f.cookie } });
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const bytes = new Uint8Array(await csv.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder().decode(bytes.slice(3));
    expect(parseCsv(text)).toEqual([
      ['Fecha', 'Facturas', 'Notas de crédito', 'Ventas netas', 'ITBIS', 'Total'],
      ['2025-03-03', '2', '0', '8000.00', '1440.00', '9440.00'],
      ['2025-03-10', '1', '0', '1000.00', '0.00', '1000.00'],
      ['2025-03-15', '1', '0', '6000.00', '1080.00', '7080.00'],
      ['2025-03-20', '0', '1', '-1500.00', '-270.00', '-1770.00'],
      ['Total', '4', '1', '13500.00', '2250.00', '15750.00'],
    ]);

    // Dates are dates and labels are names in the .xlsx.
    const movements = await readXlsx(
      new Uint8Array(
        await (
          await get(f.host, `/reports/stock-movements.xlsx?${march}`, { headers: { Cookie: f.cookie } })
        ).arrayBuffer(),
      ),
    );
    const first = movements.sheets[0]!.rows[1]!;
    expect(first[0]).toBeInstanceOf(Date);
    expect((first[0] as Date).toISOString().slice(0, 10)).toBe('2025-03-01');
    expect(first[4]).toBe('Inicial');

    const ageing = await (await get(f.host, '/reports/receivables-ageing', { headers: { Cookie: f.cookie } })).text();
    expect(ageing).toMatch(/href="\/contacts\/[0-9a-f-]{36}\/statement"/);
    expect(ageing).toContain('RD$ 10,750.00');

    const print = await get(f.host, `/reports/expenses-by-type/print?${march}`, { headers: { Cookie: f.cookie } });
    const printed = await print.text();
    expect(printed).toContain('print-report');
    expect(printed).toContain('02 - Gastos por trabajos, suministros y servicios');
    expect(printed).toContain('RD$ 41,400.00');
  });

  it('bad filters answer 422 with the field marked and read nothing; an unknown report is a 404', async () => {
    const bad = await get(f.host, '/reports/sales-by-day?from=2025-03-31&to=2025-03-01', {
      headers: { Cookie: f.cookie },
    });
    expect(bad.status).toBe(422);
    const html = await bad.text();
    expect(html).toContain('La fecha final no puede ser anterior a la inicial.');
    expect(html).toContain('aria-invalid="true"');
    expect((await get(f.host, '/reports/sales-by-day?from=2025-02-30', { headers: { Cookie: f.cookie } })).status).toBe(
      422,
    );
    expect((await get(f.host, '/reports/sales-by-day?seller=nadie', { headers: { Cookie: f.cookie } })).status).toBe(
      422,
    );
    expect(
      (await get(f.host, '/reports/sales-by-product?category=gafas', { headers: { Cookie: f.cookie } })).status,
    ).toBe(422);
    expect((await get(f.host, '/reports/sales-by-day.xlsx?to=ayer', { headers: { Cookie: f.cookie } })).status).toBe(
      422,
    );
    expect((await get(f.host, '/reports/no-such-report', { headers: { Cookie: f.cookie } })).status).toBe(404);
    // The DGII page is still its own.
    expect((await get(f.host, '/reports/dgii', { headers: { Cookie: f.cookie } })).status).toBe(200);
  });

  it('the JSON API lists the reports and pages one with the same rows and totals (one round trip after the token check)', async () => {
    const list = await apiJson(f.host, '/business-reports', f.bearer);
    expect(list.status).toBe(200);
    const salesByDay = list.body.data.find((report: { key: string }) => report.key === 'sales-by-day');
    expect(salesByDay).toMatchObject({ group: 'sales', filters: ['range', 'branch', 'seller'] });
    expect(salesByDay.columns.map((column: { key: string }) => column.key)).toEqual([
      'day',
      'invoices',
      'credit_notes',
      'net',
      'itbis',
      'total',
    ]);

    const path = (extra = '') => `/business-reports/sales-by-day?from=2025-03-01&to=2025-03-31&limit=3${extra}`;
    const database = tenantDatabase(f.s.tenant.id);
    let first: { status: number; body: Record<string, any> } | undefined;
    // The token check, then the page's rows and the report's totals in one batch.
    expect(await countRoundTrips(database, async () => (first = await apiJson(f.host, path(), f.bearer)))).toBe(2);
    expect(first!.status).toBe(200);
    const values = (rows: Array<Record<string, unknown>>) =>
      rows.map((row) => [row.day, row.invoices, row.credit_notes, row.net, row.itbis, row.total]);
    expect(values(first!.body.data)).toEqual([
      ['2025-03-03', 2, 0, '8000.00', '1440.00', '9440.00'],
      ['2025-03-10', 1, 0, '1000.00', '0.00', '1000.00'],
      ['2025-03-15', 1, 0, '6000.00', '1080.00', '7080.00'],
    ]);
    expect(first!.body).toMatchObject({
      rowCount: 4,
      totals: { invoices: '4', credit_notes: '1', net: '13500.00', itbis: '2250.00', total: '15750.00' },
      filters: { from: '2025-03-01', to: '2025-03-31', branch: null, seller: null },
    });
    const second = await apiJson(f.host, path(`&cursor=${first!.body.nextCursor}`), f.bearer);
    expect(values(second.body.data)).toEqual([['2025-03-20', 0, 1, '-1500.00', '-270.00', '-1770.00']]);
    expect(second.body.nextCursor).toBeNull();
    const bySeller = await apiJson(f.host, `${path()}&seller=${f.ana.id}`, f.bearer);
    expect(values(bySeller.body.data)).toEqual([
      ['2025-03-03', 1, 0, '5000.00', '900.00', '5900.00'],
      ['2025-03-10', 1, 0, '1000.00', '0.00', '1000.00'],
    ]);

    // Refusals: problem+json, with the field; an unknown report is a 404.
    const backwards = await api(f.host, '/business-reports/sales-by-day?from=2025-03-31&to=2025-03-01', f.bearer);
    expect(backwards.status).toBe(422);
    expect(backwards.headers.get('content-type')).toContain('application/problem+json');
    expect(JSON.stringify(await backwards.json())).toContain('La fecha final no puede ser anterior a la inicial.');
    expect((await api(f.host, `${path()}&cursor=nope`, f.bearer)).status).toBe(422);
    expect((await api(f.host, '/business-reports/no-such-report', f.bearer)).status).toBe(404);
    // A role without reports, and another shop (whose month is empty), see nothing of this one.
    const seller = await signedIn(f.s.tenant.id, 'ventas');
    expect((await api(f.host, path(), seller.bearer)).status).toBe(403);
    const other = await shop('owner');
    const theirs = await apiJson(other.host, path(), other.bearer);
    expect(theirs.body).toMatchObject({ data: [], rowCount: 0, nextCursor: null });
    expect((await api(f.host, path(), other.bearer)).status).toBe(401);
  });

  it('a report page costs the same round trips with 1 row or 30', async () => {
    const database = tenantDatabase(f.s.tenant.id);
    const url = (to: string) => `/reports/sales-by-day?from=2025-03-01&to=${to}`;
    await get(f.host, url('2025-03-03'), { headers: { Cookie: f.cookie } });
    const small = await countRoundTrips(database, () =>
      get(f.host, url('2025-03-03'), { headers: { Cookie: f.cookie } }),
    );
    const bigger = await countRoundTrips(database, () =>
      get(f.host, url('2025-03-31'), { headers: { Cookie: f.cookie } }),
    );
    expect(small).toBe(1);
    expect(bigger).toBe(small);
    const index = await countRoundTrips(database, () => get(f.host, '/reports', { headers: { Cookie: f.cookie } }));
    expect(index).toBe(1);
  });

  it('a large export runs as a background job: progress, download, a repeated message does nothing; other shops and roles cannot reach it', async () => {
    const { db } = f.s;
    const [itbis18] = await db.select().from(taxes).where(eq(taxes.code, 'ITBIS18'));
    // Stock levels of 2,700 products x 2 branches = 5,400 rows (over the 5,000-row threshold), in one statement.
    const count = Math.ceil((backgroundExportRows + 400) / 2);
    await db.insert(products).values(
      Array.from({ length: count }, (_, index) => ({
        sku: `ACC-${String(index).padStart(5, '0')}`,
        name: `Accesorio ${String(index).padStart(5, '0')}`,
        category: 'accesorios' as const,
        price: '100',
        cost: '40',
        taxId: itbis18!.id,
      })),
    );
    const query = 'category=accesorios';
    const offer = await get(f.host, `/reports/stock-levels.xlsx?${query}`, { headers: { Cookie: f.cookie } });
    expect(offer.status).toBe(200);
    expect(await offer.text()).toContain('5400 filas');
    const screen = await (
      await get(f.host, `/reports/stock-levels?${query}`, { headers: { Cookie: f.cookie } })
    ).text();
    expect(screen).toContain('Se muestran las primeras 200 de 5400 filas');
    expect(screen).toContain('action="/reports/stock-levels/exports"');
    expect(screen).toContain('Generar Excel (.xlsx) en segundo plano');
    const queued = await postForm(
      f.host,
      '/reports/stock-levels/exports',
      { category: 'accesorios', format: 'xlsx' },
      { Cookie: f.cookie },
    );
    expect(queued.status).toBe(303);
    const location = queued.headers.get('location')!;
    const id = location.split('/').pop()!;
    expect(location).toBe(`/reports/exports/${id}`);

    // The job runs (the local queue may run it too; its claim lets one run, whoever comes first).
    const context = await tenantContext(f.s.tenant.id);
    await Promise.all([1, 2].map(() => jobHandlers['reports.export']!(context, { id }, testEnv)));
    for (let attempt = 0; attempt < 100; attempt += 1) {
      const [row] = await db.select().from(reportExports).where(eq(reportExports.id, id));
      if (row!.status === 'done' || row!.status === 'failed') break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const [done] = await db.select().from(reportExports).where(eq(reportExports.id, id));
    expect(done).toMatchObject({ status: 'done', rowsDone: count * 2, rowsTotal: count * 2, format: 'xlsx' });
    const finishedAt = done!.finishedAt;
    // A repeated message for a done export does nothing.
    await jobHandlers['reports.export']!(context, { id }, testEnv);
    const [again] = await db.select().from(reportExports).where(eq(reportExports.id, id));
    expect(again!.finishedAt).toEqual(finishedAt);

    const progress = await (await get(f.host, location, { headers: { Cookie: f.cookie } })).text();
    expect(progress).toContain(`/reports/exports/${id}/download`);
    const download = await get(f.host, `/reports/exports/${id}/download`, { headers: { Cookie: f.cookie } });
    expect(download.status).toBe(200);
    const book = await readXlsx(new Uint8Array(await download.arrayBuffer()));
    const rows = book.sheets[0]!.rows;
    expect(rows).toHaveLength(count * 2 + 2);
    expect(rows[1]).toEqual(['ACC-00000', 'Accesorio 00000', 'Accesorios', f.main.name, 0, 40, 0]);
    expect(rows.at(-1)).toEqual(['Total', null, null, null, 0, null, 0]);
    expect(done!.fileKey).toMatch(new RegExp(`^reports/${id}/existencias\\.xlsx$`));

    // Another shop's user: 404 on its own host (the id is not in its database), for page and file.
    const other = await shop('owner');
    expect((await get(other.host, `/reports/exports/${id}`, { headers: { Cookie: other.cookie } })).status).toBe(404);
    expect(
      (await get(other.host, `/reports/exports/${id}/download`, { headers: { Cookie: other.cookie } })).status,
    ).toBe(404);
    // A role without reports.view: 403 on reports, exports and files.
    const seller = await signedIn(f.s.tenant.id, 'ventas');
    for (const path of [
      '/reports',
      `/reports/sales-by-day?${march}`,
      `/reports/sales-by-day.xlsx?${march}`,
      location,
      `${location}/download`,
    ])
      expect((await get(f.host, path, { headers: { Cookie: seller.cookie }, redirect: 'manual' })).status).toBe(403);
  });
  it('a file of unknown length goes to R2 in 5 MiB multipart parts under the shop prefix, byte for byte', async () => {
    const size = 2 * uploadPartSize + 123_457;
    let sent = 0;
    // Chunks of odd sizes, as a compressor emits them; byte i is i mod 251.
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent >= size) return controller.close();
        const length = Math.min(size - sent, 700_001);
        controller.enqueue(Uint8Array.from({ length }, (_, index) => (sent + index) % 251));
        sent += length;
      },
    });
    const bytes = await uploadStream(f.ctx.files, 'reports/multipart-check/big.csv', body, 'text/csv; charset=utf-8');
    expect(bytes).toBe(size);
    const stored = await testEnv.FILES.get(`tenants/${f.s.tenant.id}/reports/multipart-check/big.csv`);
    const read = new Uint8Array(await stored!.arrayBuffer());
    expect(read.byteLength).toBe(size);
    expect([read[0], read[uploadPartSize], read[size - 1]]).toEqual([0, uploadPartSize % 251, (size - 1) % 251]);
    expect(stored!.httpMetadata?.contentType).toBe('text/csv; charset=utf-8');
  });
});
