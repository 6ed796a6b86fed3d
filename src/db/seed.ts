import { sql } from 'drizzle-orm';
import type { TenantDb } from './client';
import { branches, company, currencies, fiscalSequences, taxes } from './tenant-schema';

export interface SeedOptions {
  shopName: string;
}

/** ITBIS rates (docs/domain.md): 18% standard, 16%, 0% and exempt; each product picks one. */
export const defaultTaxes = [
  { code: 'ITBIS18', name: 'ITBIS 18%', rate: '18.00', exempt: false },
  { code: 'ITBIS16', name: 'ITBIS 16%', rate: '16.00', exempt: false },
  { code: 'ITBIS0', name: 'ITBIS 0%', rate: '0.00', exempt: false },
  { code: 'EXENTO', name: 'Exento', rate: '0.00', exempt: true },
];

export const defaultCurrencies = [
  { code: 'DOP', name: 'Peso dominicano', symbol: 'RD$', isBase: true },
  { code: 'USD', name: 'Dólar estadounidense', symbol: 'US$', isBase: false },
  { code: 'EUR', name: 'Euro', symbol: '€', isBase: false },
];

/** Quotations (COT) and payment receipts (REC) are numbered by series of their own. */
export const internalSequences = [
  { docType: 'COT', prefix: 'COT-', description: 'Cotizaciones' },
  { docType: 'REC', prefix: 'REC-', description: 'Recibos de pago' },
];

/**
 * The seeders a new shop gets: company name, taxes, currencies and a main branch.
 * Idempotent: running them again leaves the same rows (and never overwrites a shop's own edits
 * to taxes, currencies or branches).
 */
export async function seedTenant(db: TenantDb, options: SeedOptions): Promise<void> {
  await db.batch([
    db
      .insert(company)
      .values({ id: 1, name: options.shopName })
      .onConflictDoUpdate({ target: company.id, set: { name: options.shopName, updatedAt: sql`now()` } }),
    db.insert(taxes).values(defaultTaxes).onConflictDoNothing(),
    db.insert(currencies).values(defaultCurrencies).onConflictDoNothing(),
    // A main branch only for a shop that has none (a shop may rename or recode it).
    db.execute(
      sql`INSERT INTO ${branches} (code, name) SELECT 'PRINCIPAL', 'Sucursal principal' WHERE NOT EXISTS (SELECT 1 FROM ${branches})`,
    ),
    // The non-fiscal series every shop needs from day one; NCF ranges come from the DGII and are entered by the shop.
    ...internalSequences.map((series) =>
      db.execute(sql`INSERT INTO ${fiscalSequences} (doc_type, prefix, description, range_start, range_end, next_number, is_default)
        SELECT ${series.docType}, ${series.prefix}, ${series.description}, 1, 99999999, 1, true
         WHERE NOT EXISTS (SELECT 1 FROM ${fiscalSequences} WHERE doc_type = ${series.docType})`),
    ),
  ]);
}
