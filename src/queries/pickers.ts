import { sql, type SQL } from 'drizzle-orm';
import type { TenantDb } from '../db/client';
import { normaliseBarcode } from '../domain/barcodes';
import { customerPickerMatches } from './contacts';
import { latestLensPrescriptionJson, type LensPrescription } from './sales-editor';
import { foldedContains, likeEscape, searchWords } from './search';

/** Most matches one picker search shows. */
export const pickerPageSize = 20;

export interface PickerCustomer {
  id: string;
  name: string;
  idNumber: string | null;
}

export interface PickerProduct {
  id: string;
  sku: string;
  name: string;
  price: string;
  brand: string | null;
  trackStock: boolean;
  /** On hand in the branch asked for (null: no stock row there, or no branch asked). */
  onHand: number | null;
}

/**
 * The active products a picker's search box finds, at most `limit`: a barcode or SKU typed exactly (a
 * scan; it comes first), a SKU prefix, or every word in the accent-folded name, each served by its
 * index; with the branch's on-hand quantity.
 */
export function productPickerMatches(q: string, branchId: string | null, limit: number): SQL | null {
  const words = searchWords(q);
  if (!words.length) return null;
  const skuPrefix = `${likeEscape(q.trim().toLowerCase())}%`;
  // What a scanner types: one of the product's barcodes, or its SKU, exactly. Such a match comes first.
  const code = normaliseBarcode(q);
  const scanned = sql`p.id = (SELECT b.product_id FROM product_barcodes b WHERE b.code = ${code})`;
  const exact = sql`(${scanned} OR lower(p.sku) = ${q.trim().toLowerCase()})`;
  const names = sql.join(
    // Each word in the name or the brand ("rayban aviador"), each through its trigram index.
    words.map((word) => sql`(${foldedContains(sql`p.name`, word)} OR ${foldedContains(sql`p.brand`, word)})`),
    sql` AND `,
  );
  return sql`SELECT p.id, p.sku, p.name, p.price::text AS price, p.brand, p.track_stock AS "trackStock",
                    (SELECT s.quantity FROM stock s WHERE s.product_id = p.id AND s.branch_id = ${branchId}::uuid) AS "onHand"
               FROM products p
              WHERE p.active AND (lower(p.sku) LIKE ${skuPrefix} OR (${names}) OR ${scanned})
              ORDER BY ${exact} DESC, lower(p.name) || '', p.id LIMIT ${limit}`;
}

/** A picker's product matches: one statement. */
export async function pickProducts(db: TenantDb, q: string, branchId: string | null): Promise<PickerProduct[]> {
  const matches = productPickerMatches(q, branchId, pickerPageSize);
  if (!matches) return [];
  return (await db.execute<PickerProduct & Record<string, unknown>>(matches)).rows;
}

/** A picker's customer matches, with the chosen customer (if any) first: one statement. */
export async function pickCustomers(db: TenantDb, q: string, chosenId: string | null): Promise<PickerCustomer[]> {
  const matches = customerPickerMatches(q, pickerPageSize);
  const result = await db.execute<PickerCustomer & Record<string, unknown>>(sql`
    SELECT x.id, x.name, x."idNumber" FROM (
      SELECT id, name, id_number AS "idNumber", true AS chosen FROM contacts WHERE id = ${chosenId}::uuid
      ${matches ? sql`UNION SELECT m.id, m.name, m."idNumber", false FROM (${matches}) m WHERE m.id IS DISTINCT FROM ${chosenId}::uuid` : sql``}) x
     ORDER BY x.chosen DESC, lower(x.name), x.id`);
  return result.rows;
}

/** What a form's product search box holds, and the branch whose stock the matches show. */
export interface ProductSearch {
  q: string | null;
  branchId: string | null;
}

/** A customer's prescriptions (newest first) and latest lens values: what picking them refreshes on a sales form. */
export interface CustomerRx {
  prescriptions: Array<{ id: string; examinedOn: string }>;
  latestRx: LensPrescription | null;
}

/** The prescriptions and latest lens values of a customer (none for null): one statement. */
export async function customerRx(db: TenantDb, customerId: string | null): Promise<CustomerRx> {
  const result = await db.execute<CustomerRx & Record<string, unknown>>(sql`
    SELECT coalesce((SELECT json_agg(json_build_object('id', p.id, 'examinedOn', p.examined_on::text) ORDER BY p.examined_on DESC, p.id)
                       FROM prescriptions p WHERE p.patient_id = ${customerId}::uuid), '[]'::json) AS prescriptions,
           ${latestLensPrescriptionJson(customerId)} AS "latestRx"`);
  return result.rows[0] ?? { prescriptions: [], latestRx: null };
}
