import { eq } from 'drizzle-orm';
import { contacts, fiscalSequences, invoiceLines, invoices, products, taxes } from '../../../src/db/tenant-schema';
import { addDays, shopToday } from '../../../src/domain/dates';
import { computeTotals, toDop, type DocumentTotals, type LineInput } from '../../../src/domain/totals';
import { shop, type Role, type TestDb } from './shop';

/**
 * A shop with its seeded taxes, a B02 and a B01 default sequence valid until next year, a frame
 * (MON-1, tracked, 10 units in the main branch), a lens service (SRV-1, untracked, 16%), a
 * customer with an RNC and one without an id, signed in as `role`.
 */
export async function invoiceShop(role: Role = 'owner') {
  const base = await shop(role, { rnc: '130123454' });
  const { db, main } = base;
  const taxRows = await db.select().from(taxes);
  const tax = (code: string) => taxRows.find((row) => row.code === code)!;
  const validUntil = addDays(shopToday(), 365);
  const [b02] = await db
    .insert(fiscalSequences)
    .values({
      docType: 'B02',
      prefix: 'B02',
      rangeStart: 1,
      rangeEnd: 1000,
      nextNumber: 1,
      validUntil,
      isDefault: true,
    })
    .returning();
  const [b01] = await db
    .insert(fiscalSequences)
    .values({
      docType: 'B01',
      prefix: 'B01',
      rangeStart: 1,
      rangeEnd: 1000,
      nextNumber: 1,
      validUntil,
      isDefault: true,
    })
    .returning();
  const [frame] = await db
    .insert(products)
    .values({
      sku: 'MON-1',
      name: 'Montura clásica',
      category: 'monturas',
      price: '1500.0000',
      taxId: tax('ITBIS18').id,
    })
    .returning();
  const [service] = await db
    .insert(products)
    .values({
      sku: 'SRV-1',
      name: 'Ajuste de lentes',
      category: 'servicios',
      price: '500.0000',
      taxId: tax('ITBIS16').id,
      trackStock: false,
    })
    .returning();
  const { recordStockMovement } = await import('../../../src/services/shop/stock');
  await recordStockMovement(db, { productId: frame!.id, branchId: main.id, kind: 'initial', quantity: 10 });
  const [company] = await db
    .insert(contacts)
    .values({ name: 'Lentes del Caribe SRL', idType: 'rnc', idNumber: '130991731' })
    .returning();
  const [walkIn] = await db.insert(contacts).values({ name: 'María Pérez' }).returning();
  return { ...base, tax, b02: b02!, b01: b01!, frame: frame!, service: service!, company: company!, walkIn: walkIn! };
}

export type InvoiceShop = Awaited<ReturnType<typeof invoiceShop>>;

export type BuilderLine = LineInput & { productId?: string | null; description?: string; taxId?: number | null };

/** The total columns of a document (invoice or quotation), from computeTotals. */
export function totalColumns(totals: DocumentTotals) {
  const { grossTotal, discountTotal, taxableTotal, exemptTotal, itbisTotal, total, taxBreakdown } = totals;
  return { grossTotal, discountTotal, taxableTotal, exemptTotal, itbisTotal, total, taxBreakdown };
}

/**
 * The invoice builder every fixture writes through: one invoice (or credit note) per row, all with
 * the same `lines`, written straight into the database in two statements. Totals come from
 * computeTotals and, when the row has an exchange rate, the DOP columns from toDop; a row's own
 * values win. `storeLines: false` writes the totals without line rows.
 */
export async function buildInvoices(
  db: TestDb,
  lines: readonly BuilderLine[],
  rows: ReadonlyArray<Omit<typeof invoices.$inferInsert, keyof ReturnType<typeof totalColumns>>>,
  options: { storeLines?: boolean } = {},
) {
  const totals = computeTotals(lines);
  const written = await db
    .insert(invoices)
    .values(
      rows.map((row) => ({
        ...totalColumns(totals),
        ...(row.exchangeRate ? toDop(totals, row.exchangeRate) : {}),
        ...row,
      })),
    )
    .returning();
  if (options.storeLines === false) return written;
  await db.insert(invoiceLines).values(
    written.flatMap((row) =>
      lines.map((line, index) => ({
        invoiceId: row.id,
        position: index + 1,
        productId: line.productId ?? null,
        description: line.description ?? 'Línea',
        quantity: line.quantity,
        unitPrice: line.unitPrice,
        discount: line.discount,
        taxId: line.taxId ?? null,
        taxRate: line.taxRate,
        exempt: line.exempt,
        amount: totals.lines[index]!.amount,
      })),
    ),
  );
  return written;
}

/** Draft invoices written straight into the database (lines and totals from computeTotals), in two statements. */
export async function insertDrafts(
  shop: InvoiceShop,
  count: number,
  draft: {
    ncfType?: string;
    sequenceId?: string | null;
    customerId?: string | null;
    currencyCode?: string;
    lines?: BuilderLine[];
  } = {},
): Promise<string[]> {
  const lines = draft.lines ?? [
    {
      description: 'Consulta',
      quantity: '1',
      unitPrice: '1000',
      discount: '0',
      taxRate: '18.00',
      exempt: false,
      taxId: shop.tax('ITBIS18').id,
    },
  ];
  const rows = await buildInvoices(
    shop.db,
    lines,
    Array.from({ length: count }, () => ({
      ncfType: draft.ncfType ?? 'B02',
      sequenceId: draft.sequenceId ?? null,
      customerId: draft.customerId ?? null,
      branchId: shop.main.id,
      currencyCode: draft.currencyCode ?? 'DOP',
    })),
  );
  return rows.map((row) => row.id);
}

export async function invoiceRow(db: TestDb, id: string) {
  const [row] = await db.select().from(invoices).where(eq(invoices.id, id));
  return row!;
}

export async function sequenceRow(db: TestDb, id: string) {
  const [row] = await db.select().from(fiscalSequences).where(eq(fiscalSequences.id, id));
  return row!;
}
