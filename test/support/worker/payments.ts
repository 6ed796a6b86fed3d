import { contacts, fiscalSequences, products, taxes } from '../../../src/db/tenant-schema';
import { shopToday } from '../../../src/domain/dates';
import { buildInvoices } from './invoices';
import { shop as baseShop, type Role, type TestDb } from './shop';

export { invoiceRow } from './invoices';
export { colleague, type TestDb } from './shop';

/** A fresh shop signed in as `role`, with its main branch, a customer with an RNC and a stock-tracked product. */
export async function paymentShop(role: Role = 'owner') {
  const base = await baseShop(role, { rnc: '130123454', branchAccess: 'all' });
  const { db } = base;
  const [customer] = await db
    .insert(contacts)
    .values({ kind: 'customer', name: 'Ana Pérez', idType: 'rnc', idNumber: '101850043' })
    .returning();
  const taxRows = await db.select().from(taxes);
  const tax = (code: string) => taxRows.find((row) => row.code === code)!;
  const [frame] = await db
    .insert(products)
    .values({ sku: 'MON-1', name: 'Montura clásica', category: 'monturas', price: '1500', taxId: tax('ITBIS18').id })
    .returning();
  const [exam] = await db
    .insert(products)
    .values({
      sku: 'EXA-1',
      name: 'Examen visual',
      category: 'servicios',
      price: '1000',
      taxId: tax('EXENTO').id,
      trackStock: false,
    })
    .returning();
  return { ...base, customer: customer!, frame: frame!, exam: exam!, tax };
}

export type Shop = Awaited<ReturnType<typeof paymentShop>>;

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
  options: {
    lines?: FixtureLine[];
    ncfType?: string;
    issuedOn?: string;
    currency?: string;
    rate?: string;
    branchId?: string;
    status?: 'issued' | 'draft' | 'voided';
    buyerIdNumber?: string | null;
  } = {},
) {
  const lines = options.lines ?? [
    { description: 'Lentes', quantity: '1', unitPrice: '1000', taxRate: '0', exempt: true },
  ];
  const inputs = lines.map((line) => ({
    ...line,
    discount: line.discount ?? '0',
    taxRate: line.taxRate ?? '18.00',
    exempt: line.exempt ?? false,
  }));
  const rate = options.rate ?? '1';
  const ncfType = options.ncfType ?? 'B01';
  ncfCounter += 1;
  const serial = String(Math.floor(Math.random() * 1e6) * 100 + (ncfCounter % 100));
  const ncf = ncfType.startsWith('E')
    ? `${ncfType}${serial.padStart(10, '0')}`
    : `${ncfType}${serial.padStart(8, '0')}`;
  const status = options.status ?? 'issued';
  const [invoice] = await buildInvoices(s.db, inputs, [
    {
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
    },
  ]);
  return invoice!;
}

/** An NCF sequence of the shop (B04, E34, ...), default for its type. */
export async function ncfSequence(
  db: TestDb,
  docType: string,
  values: { rangeEnd?: number; nextNumber?: number; validUntil?: string } = {},
) {
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
