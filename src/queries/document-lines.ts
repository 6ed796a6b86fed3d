import { sql } from 'drizzle-orm';
import type { TenantDb } from '../db/client';

/** A line with its price, tax and amount decided on the server, ready to store and show. */
export interface PricedLine {
  /** 1-based order on the document. */
  position: number;
  productId: string | null;
  sku: string | null;
  description: string;
  /** 2 decimals. */
  quantity: string;
  /** 4 decimals. */
  unitPrice: string;
  /** 2 decimals, for the whole line. */
  discount: string;
  taxId: number | null;
  taxRate: string;
  exempt: boolean;
  /** quantity x unit price - discount, half-up to cents (from computeTotals). */
  amount: string;
  /** Whether issuing the document moves stock for this line. */
  trackStock: boolean;
}

export interface LineReference extends Record<string, unknown> {
  idx: number;
  product_id: string | null;
  sku: string | null;
  name: string | null;
  price: string | null;
  product_active: boolean | null;
  track_stock: boolean | null;
  tax_id: number | null;
  rate: string | null;
  exempt: boolean | null;
  tax_active: boolean | null;
}

/**
 * The products (by id, else by SKU, else by barcode: a scan) and taxes ALL lines refer to, in one query, keyed by the line's
 * index. Pricing and its refusals are src/services/shop/document-lines.ts.
 */
export async function lineReferences(
  db: TenantDb,
  lines: ReadonlyArray<{ productId?: string | null; sku?: string | null; taxId?: number | null }>,
): Promise<Map<number, LineReference>> {
  return lineReferenceMap(await lineReferencesQuery(db, lines));
}

/** lineReferences's rows keyed by the line's index. */
export function lineReferenceMap(result: { rows: LineReference[] }): Map<number, LineReference> {
  return new Map(result.rows.map((row) => [Number(row.idx), row]));
}

/** lineReferences's statement, not yet run (for a page's batch). */
export function lineReferencesQuery(
  db: TenantDb,
  lines: ReadonlyArray<{ productId?: string | null; sku?: string | null; taxId?: number | null }>,
) {
  const wanted = lines.map((line, idx) => ({
    idx,
    product_id: line.productId ?? null,
    sku: line.productId ? null : (line.sku ?? null),
    tax_id: line.taxId ?? null,
  }));
  return db.execute<LineReference>(sql`
    SELECT w.idx, p.id AS product_id, p.sku, p.name, p.price::text AS price, p.active AS product_active, p.track_stock,
           t.id AS tax_id, t.rate::text AS rate, t.exempt, t.active AS tax_active
      FROM json_to_recordset(${JSON.stringify(wanted)}::json) AS w(idx int, product_id uuid, sku text, tax_id int)
      LEFT JOIN products p ON p.id = coalesce(
             w.product_id,
             (SELECT s.id FROM products s WHERE w.sku IS NOT NULL AND lower(s.sku) = lower(w.sku)),
             (SELECT b.product_id FROM product_barcodes b WHERE b.code = upper(regexp_replace(w.sku, '[[:space:]]', '', 'g'))))
      LEFT JOIN taxes t ON t.id = coalesce(p.tax_id, w.tax_id)
     ORDER BY w.idx`);
}

/** `[{...line}]` as JSON for `json_to_recordset` in an INSERT of quotation_lines / invoice_lines. */
export function linesJson(lines: readonly PricedLine[]): string {
  return JSON.stringify(
    lines.map((line) => ({
      position: line.position,
      product_id: line.productId,
      description: line.description,
      quantity: line.quantity,
      unit_price: line.unitPrice,
      discount: line.discount,
      tax_id: line.taxId,
      tax_rate: line.taxRate,
      exempt: line.exempt,
      amount: line.amount,
    })),
  );
}

/** The column list matching linesJson, for `json_to_recordset(...) AS l(<this>)`. */
export const linesRecordset = sql.raw(
  'position int, product_id uuid, description text, quantity numeric, unit_price numeric, discount numeric, tax_id int, tax_rate numeric, exempt boolean, amount numeric',
);
