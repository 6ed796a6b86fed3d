import { SELF } from 'cloudflare:test';
import { eq } from 'drizzle-orm';
import { branches, company, contacts, userBranches, fiscalSequences, invoiceLines, invoices, products, taxes } from '../../src/db/tenant-schema';
import { computeTotals, toDop } from '../../src/domain/totals';
import { shopToday } from '../../src/domain/dates';
import { createTestTenant, signedIn, tenantContext } from './helpers';

type Role = 'owner' | 'admin' | 'ventas' | 'optometrista' | 'caja';
export type TestDb = Awaited<ReturnType<typeof tenantContext>>['db'];

export function api(host: string, path: string, bearer: string, init: RequestInit = {}) {
  return SELF.fetch(`http://${host}/api/v1${path}`, {
    ...init,
    headers: { Authorization: bearer, ...(init.body ? { 'Content-Type': 'application/json' } : {}) },
  });
}

/** A fresh shop signed in as `role`, with its main branch, a customer with an RNC and a stock-tracked product. */
export async function shop(role: Role = 'owner') {
  const tenant = await createTestTenant();
  const host = `${tenant.id}.localhost`;
  const { db } = await tenantContext(tenant.id);
  const [main] = await db.select().from(branches);
  // Fiscal documents are refused without the issuer's RNC (issue 9 item 15).
  await db.update(company).set({ rnc: '130123454' });
  const [customer] = await db.insert(contacts).values({ kind: 'customer', name: 'Ana Pérez', idType: 'rnc', idNumber: '101850043' }).returning();
  const taxRows = await db.select().from(taxes);
  const tax = (code: string) => taxRows.find((row) => row.code === code)!;
  const [frame] = await db.insert(products).values({ sku: 'MON-1', name: 'Montura clásica', category: 'monturas', price: '1500', taxId: tax('ITBIS18').id }).returning();
  const [exam] = await db
    .insert(products)
    .values({ sku: 'EXA-1', name: 'Examen visual', category: 'servicios', price: '1000', taxId: tax('EXENTO').id, trackStock: false })
    .returning();
  const user = await signedIn(tenant.id, role);
  await db.insert(userBranches).values({ userId: user.user.id, branchId: main!.id });
  return { tenant, host, db, main: main!, customer: customer!, frame: frame!, exam: exam!, tax, ...user };
}

export type Shop = Awaited<ReturnType<typeof shop>>;

export interface FixtureLine {
  productId?: string | null;
  description: string;
  quantity: string;
  unitPrice: string;
  discount?: string;
  taxRate?: string;
  exempt?: boolean;
}

let ncfCounter = 0;

/** An issued invoice inserted directly (the invoices area issues them for real), totals from computeTotals. */
export async function issuedInvoice(
  s: Pick<Shop, 'db' | 'main' | 'customer'>,
  options: { lines?: FixtureLine[]; ncfType?: string; issuedOn?: string; currency?: string; rate?: string; branchId?: string; status?: 'issued' | 'draft' | 'voided'; buyerIdNumber?: string | null } = {},
) {
  const lines = options.lines ?? [{ description: 'Lentes', quantity: '1', unitPrice: '1000', taxRate: '0', exempt: true }];
  const inputs = lines.map((line) => ({ quantity: line.quantity, unitPrice: line.unitPrice, discount: line.discount ?? '0', taxRate: line.taxRate ?? '18.00', exempt: line.exempt ?? false }));
  const totals = computeTotals(inputs);
  const rate = options.rate ?? '1';
  const ncfType = options.ncfType ?? 'B01';
  ncfCounter += 1;
  const serial = String(Math.floor(Math.random() * 1e6) * 100 + (ncfCounter % 100));
  const ncf = ncfType.startsWith('E') ? `${ncfType}${serial.padStart(10, '0')}` : `${ncfType}${serial.padStart(8, '0')}`;
  const status = options.status ?? 'issued';
  const [invoice] = await s.db
    .insert(invoices)
    .values({
      kind: 'invoice',
      status,
      ncfType,
      ncf: status === 'draft' ? null : ncf,
      ncfValidUntil: status === 'draft' ? null : '2099-12-31',
      issuedOn: status === 'draft' ? null : (options.issuedOn ?? shopToday()),
      customerId: s.customer.id,
      buyerName: s.customer.name,
      buyerIdType: 'rnc',
      buyerIdNumber: options.buyerIdNumber === undefined ? '101850043' : options.buyerIdNumber,
      branchId: options.branchId ?? s.main.id,
      currencyCode: options.currency ?? 'DOP',
      exchangeRate: rate,
      grossTotal: totals.grossTotal,
      discountTotal: totals.discountTotal,
      taxableTotal: totals.taxableTotal,
      exemptTotal: totals.exemptTotal,
      itbisTotal: totals.itbisTotal,
      total: totals.total,
      taxBreakdown: totals.taxBreakdown,
      ...toDop(totals, rate),
    })
    .returning();
  await s.db.insert(invoiceLines).values(
    lines.map((line, index) => ({
      invoiceId: invoice!.id,
      position: index + 1,
      productId: line.productId ?? null,
      description: line.description,
      quantity: line.quantity,
      unitPrice: line.unitPrice,
      discount: line.discount ?? '0',
      taxRate: line.taxRate ?? '18.00',
      exempt: line.exempt ?? false,
      amount: totals.lines[index]!.amount,
    })),
  );
  return invoice!;
}

export async function invoiceRow(db: TestDb, id: string) {
  const [row] = await db.select().from(invoices).where(eq(invoices.id, id));
  return row!;
}

/** An NCF sequence of the shop (B04, E34, ...), default for its type. */
export async function ncfSequence(db: TestDb, docType: string, values: { rangeEnd?: number; nextNumber?: number; validUntil?: string } = {}) {
  const [row] = await db
    .insert(fiscalSequences)
    .values({
      docType,
      prefix: docType,
      rangeStart: 1,
      rangeEnd: values.rangeEnd ?? 1000,
      nextNumber: values.nextNumber ?? 1,
      validUntil: values.validUntil ?? '2099-12-31',
      isDefault: true,
    })
    .returning();
  return row!;
}

/** Another user of the shop, allowed in its main branch. */
export async function colleague(s: Pick<Shop, 'tenant' | 'db' | 'main'>, role: Role) {
  const user = await signedIn(s.tenant.id, role);
  await s.db.insert(userBranches).values({ userId: user.user.id, branchId: s.main.id });
  return user;
}
