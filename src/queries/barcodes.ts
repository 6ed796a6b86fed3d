import { sql } from 'drizzle-orm';
import type { TenantDb } from '../db/client';
import { sqlState } from '../db/raised';
import { activityInsert, type ActivityLog } from './audit';

export type BarcodeWrite =
  | { ok: true }
  | { ok: false; reason: 'taken'; product: { id: string; sku: string; name: string } | null }
  | { ok: false; reason: 'not_found' };

/** Adds a barcode to a product; a code any product of the shop already has is refused with that product. */
export async function addBarcode(
  db: TenantDb,
  productId: string,
  code: string,
  log: ActivityLog,
): Promise<BarcodeWrite> {
  try {
    const result = await db.execute<{ code: string }>(sql`
      WITH changed AS (
        INSERT INTO product_barcodes (code, product_id)
        SELECT ${code}, p.id FROM products p WHERE p.id = ${productId}::uuid
        RETURNING code, product_id
      ), logged AS (${activityInsert(log, 'changed', sql`jsonb_build_object('productId', changed.product_id, 'code', changed.code)`)})
      SELECT code FROM changed`);
    return result.rows.length ? { ok: true } : { ok: false, reason: 'not_found' };
  } catch (error) {
    if (sqlState(error) !== '23505') throw error;
    const owner = await db.execute<{ id: string; sku: string; name: string }>(
      sql`SELECT p.id, p.sku, p.name FROM product_barcodes b JOIN products p ON p.id = b.product_id WHERE b.code = ${code}`,
    );
    return { ok: false, reason: 'taken', product: owner.rows[0] ?? null };
  }
}

/** Removes one of the product's barcodes; false when the product has no such code. */
export async function removeBarcode(db: TenantDb, productId: string, code: string, log: ActivityLog): Promise<boolean> {
  const result = await db.execute<{ code: string }>(sql`
    WITH changed AS (
      DELETE FROM product_barcodes WHERE code = ${code} AND product_id = ${productId}::uuid RETURNING code, product_id
    ), logged AS (${activityInsert(log, 'changed', sql`jsonb_build_object('productId', changed.product_id, 'code', changed.code)`)})
    SELECT code FROM changed`);
  return result.rows.length > 0;
}

/** A product's label data: name, SKU, price, variant and its first barcode. */
export interface LabelProduct {
  id: string;
  sku: string;
  name: string;
  price: string;
  variantColour: string | null;
  variantSize: string | null;
  barcode: string | null;
  [key: string]: unknown;
}

/** The products of a label sheet, in the order asked for (unknown ids are left out): one statement. */
export async function labelProducts(db: TenantDb, ids: readonly string[]): Promise<LabelProduct[]> {
  const result = await db.execute<LabelProduct>(sql`
    SELECT p.id, p.sku, p.name, p.price::text AS price, p.variant_colour AS "variantColour", p.variant_size AS "variantSize",
           (SELECT b.code FROM product_barcodes b WHERE b.product_id = p.id ORDER BY b.created_at, b.code LIMIT 1) AS barcode
      FROM unnest(${`{${ids.join(',')}}`}::uuid[]) WITH ORDINALITY AS w(id, n)
      JOIN products p ON p.id = w.id
     ORDER BY w.n`);
  return result.rows;
}
