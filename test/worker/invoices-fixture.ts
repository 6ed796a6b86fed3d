import { SELF } from 'cloudflare:test';
import { eq } from 'drizzle-orm';
import { branches, company as companyTable, contacts, fiscalSequences, invoiceLines, invoices, products, taxes } from '../../src/db/tenant-schema';
import { addDays, shopToday } from '../../src/domain/dates';
import { computeTotals, type LineInput } from '../../src/domain/totals';
import { createTestTenant, signedIn, tenantContext } from './helpers';

export type Role = 'owner' | 'admin' | 'ventas' | 'optometrista' | 'caja';
export type TenantDbOf = Awaited<ReturnType<typeof tenantContext>>['db'];

export function api(host: string, path: string, bearer: string, init: RequestInit & { headers?: Record<string, string> } = {}) {
  return SELF.fetch(`http://${host}/api/v1${path}`, {
    ...init,
    headers: { Authorization: bearer, ...(init.body ? { 'Content-Type': 'application/json' } : {}), ...(init.headers ?? {}) },
  });
}

/**
 * A shop with its seeded taxes, a B02 and a B01 default sequence valid until next year, a frame
 * (MON-1, tracked, 10 units in the main branch), a lens service (SRV-1, untracked, 16%), a
 * customer with an RNC and one without an id, signed in as `role`.
 */
export async function invoiceShop(role: Role = 'owner') {
  const tenant = await createTestTenant();
  const host = `${tenant.id}.localhost`;
  const { db } = await tenantContext(tenant.id);
  const [main] = await db.select().from(branches);
  // Fiscal documents are refused without the issuer's RNC (issue 9 item 15).
  await db.update(companyTable).set({ rnc: '130123454' });
  const taxRows = await db.select().from(taxes);
  const tax = (code: string) => taxRows.find((row) => row.code === code)!;
  const validUntil = addDays(shopToday(), 365);
  const [b02] = await db
    .insert(fiscalSequences)
    .values({ docType: 'B02', prefix: 'B02', rangeStart: 1, rangeEnd: 1000, nextNumber: 1, validUntil, isDefault: true })
    .returning();
  const [b01] = await db
    .insert(fiscalSequences)
    .values({ docType: 'B01', prefix: 'B01', rangeStart: 1, rangeEnd: 1000, nextNumber: 1, validUntil, isDefault: true })
    .returning();
  const [frame] = await db
    .insert(products)
    .values({ sku: 'MON-1', name: 'Montura clásica', category: 'monturas', price: '1500.0000', taxId: tax('ITBIS18').id })
    .returning();
  const [service] = await db
    .insert(products)
    .values({ sku: 'SRV-1', name: 'Ajuste de lentes', category: 'servicios', price: '500.0000', taxId: tax('ITBIS16').id, trackStock: false })
    .returning();
  const { recordStockMovement } = await import('../../src/queries/stock');
  await recordStockMovement(db, { productId: frame!.id, branchId: main!.id, kind: 'initial', quantity: 10 });
  const [company] = await db.insert(contacts).values({ name: 'Lentes del Caribe SRL', idType: 'rnc', idNumber: '130991731' }).returning();
  const [walkIn] = await db.insert(contacts).values({ name: 'María Pérez' }).returning();
  const user = await signedIn(tenant.id, role);
  return { tenant, host, db, main: main!, tax, b02: b02!, b01: b01!, frame: frame!, service: service!, company: company!, walkIn: walkIn!, ...user };
}

export type InvoiceShop = Awaited<ReturnType<typeof invoiceShop>>;

/** Draft invoices written straight into the database (lines and totals from computeTotals), in two statements. */
export async function insertDrafts(
  shop: InvoiceShop,
  count: number,
  draft: { ncfType?: string; sequenceId?: string | null; customerId?: string | null; currencyCode?: string; lines?: Array<LineInput & { productId?: string | null; description?: string; taxId?: number | null }> } = {},
): Promise<string[]> {
  const lines = draft.lines ?? [{ description: 'Consulta', quantity: '1', unitPrice: '1000', discount: '0', taxRate: '18.00', exempt: false, taxId: shop.tax('ITBIS18').id }];
  const totals = computeTotals(lines);
  const rows = await shop.db
    .insert(invoices)
    .values(
      Array.from({ length: count }, () => ({
        ncfType: draft.ncfType ?? 'B02',
        sequenceId: draft.sequenceId ?? null,
        customerId: draft.customerId ?? null,
        branchId: shop.main.id,
        currencyCode: draft.currencyCode ?? 'DOP',
        grossTotal: totals.grossTotal,
        discountTotal: totals.discountTotal,
        taxableTotal: totals.taxableTotal,
        exemptTotal: totals.exemptTotal,
        itbisTotal: totals.itbisTotal,
        total: totals.total,
        taxBreakdown: totals.taxBreakdown,
      })),
    )
    .returning({ id: invoices.id });
  await shop.db.insert(invoiceLines).values(
    rows.flatMap((row) =>
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
  return rows.map((row) => row.id);
}

export async function invoiceRow(db: TenantDbOf, id: string) {
  const [row] = await db.select().from(invoices).where(eq(invoices.id, id));
  return row!;
}

export async function sequenceRow(db: TenantDbOf, id: string) {
  const [row] = await db.select().from(fiscalSequences).where(eq(fiscalSequences.id, id));
  return row!;
}
