/**
 * Development only: what the demo shop needs to run a sales day at once - NCF ranges (as if
 * authorised by the DGII), a few products with stock and a patient. Added once; never touches a
 * shop that already has its own.
 */
import { eq, sql } from 'drizzle-orm';
import { branches, company, contacts, fiscalSequences, products, taxes } from '../src/db/tenant-schema';
import type { TenantDb } from '../src/db/client';
import { recordStockMovement } from '../src/services/shop/stock';

/** A made-up RNC with a valid check digit (1-30-12345-4): fiscal documents are refused without the issuer's RNC. */
export const demoCompanyRnc = '130123454';

export async function ensureDemoData(db: TenantDb): Promise<void> {
  // Also for a demo shop created before the refusal existed; never over an RNC someone typed.
  await db
    .update(company)
    .set({ rnc: demoCompanyRnc, updatedAt: sql`now()` })
    .where(sql`${company.id} = 1 AND ${company.rnc} IS NULL`);
  const [existing] = await db
    .select({ id: fiscalSequences.id })
    .from(fiscalSequences)
    .where(eq(fiscalSequences.docType, 'B02'))
    .limit(1);
  if (existing) return;
  const validUntil = `${new Date().getUTCFullYear() + 1}-12-31`;
  await db.insert(fiscalSequences).values(
    (['B01', 'B02', 'B04', 'B14', 'B15'] as const).map((docType) => ({
      docType,
      prefix: docType,
      description: 'Rango de demostración',
      rangeStart: 1,
      rangeEnd: 5000,
      nextNumber: 1,
      validUntil,
      isDefault: true,
    })),
  );
  const taxRows = await db.select().from(taxes);
  const tax = (code: string) => taxRows.find((row) => row.code === code)!.id;
  const created = await db
    .insert(products)
    .values([
      {
        sku: 'MON-RB-5154',
        name: 'Montura Ray-Ban Clubmaster RB5154',
        category: 'monturas',
        brand: 'Ray-Ban',
        price: '6500.0000',
        cost: '3200.0000',
        taxId: tax('ITBIS18'),
      },
      {
        sku: 'LEN-PROG-16',
        name: 'Lentes progresivos 1.67 antirreflejo (par)',
        category: 'lentes',
        brand: 'Essilor',
        price: '12450.5000',
        cost: '6100.0000',
        taxId: tax('ITBIS18'),
      },
      {
        sku: 'LC-ACUVUE-30',
        name: 'Lentes de contacto Acuvue Oasys (caja 6)',
        category: 'lentes_contacto',
        brand: 'Acuvue',
        price: '2875.2500',
        taxId: tax('ITBIS16'),
      },
      {
        sku: 'SRV-EXAMEN',
        name: 'Examen visual completo',
        category: 'servicios',
        price: '1500.0000',
        taxId: tax('EXENTO'),
        trackStock: false,
      },
    ])
    .onConflictDoNothing()
    .returning();
  const [branch] = await db.select().from(branches).orderBy(sql`created_at`).limit(1);
  for (const product of created.filter((row) => row.trackStock)) {
    await recordStockMovement(db, {
      productId: product.id,
      branchId: branch!.id,
      kind: 'initial',
      quantity: 25,
      reason: 'Inventario inicial (demostración)',
    });
  }
  await db
    .insert(contacts)
    .values([
      {
        kind: 'customer',
        name: 'María Altagracia Pérez',
        idType: 'cedula',
        idNumber: '00113918205',
        mobile: '8095551234',
      },
      { kind: 'customer', name: 'Importadora Caribe SRL', idType: 'rnc', idNumber: '131246796', phone: '8095550000' },
    ])
    .onConflictDoNothing();
}
