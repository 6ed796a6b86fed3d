import { sql, type SQL } from 'drizzle-orm';
import type { TenantDb } from '../db/client';
import type { PriceRule } from '../domain/prices';
import type { PriceUpdateFilter } from '../schemas/price-updates';
import { activityInsert, type ActivityLog } from './audit';

/** A product a bulk price update would change, as its preview lists it. */
export interface PricedProductRow {
  id: string;
  sku: string;
  name: string;
  brand: string | null;
  category: string;
  variantColour: string | null;
  variantSize: string | null;
  price: string;
  [key: string]: unknown;
}

/** Most products one bulk update takes (a larger set is refused: narrow the filter). */
export const priceUpdateMax = 5000;

function filterConditions(filter: PriceUpdateFilter): SQL {
  const conditions: SQL[] = [sql`p.active`];
  if (filter.category) conditions.push(sql`p.category = ${filter.category}`);
  if (filter.brand) conditions.push(sql`lower(p.brand) = lower(${filter.brand})`);
  if (filter.lensType) conditions.push(sql`lower(p.lens_type) = lower(${filter.lensType})`);
  if (filter.lensMaterial) conditions.push(sql`lower(p.lens_material) = lower(${filter.lensMaterial})`);
  if (filter.priceMin !== undefined) conditions.push(sql`p.price >= ${filter.priceMin}::numeric`);
  if (filter.priceMax !== undefined) conditions.push(sql`p.price <= ${filter.priceMax}::numeric`);
  if (filter.parentId)
    conditions.push(sql`(p.parent_id = ${filter.parentId}::uuid OR p.id = ${filter.parentId}::uuid)`);
  return sql.join(conditions, sql` AND `);
}

/** The active products the filter takes, by name (one more than the maximum, so a larger set shows). */
export async function pricedProducts(db: TenantDb, filter: PriceUpdateFilter): Promise<PricedProductRow[]> {
  const result = await db.execute<PricedProductRow>(sql`
    SELECT p.id, p.sku, p.name, p.brand, p.category, p.variant_colour AS "variantColour", p.variant_size AS "variantSize",
           p.price::text AS price
      FROM products p
     WHERE ${filterConditions(filter)}
     ORDER BY lower(p.name), p.id
     LIMIT ${priceUpdateMax + 1}`);
  return result.rows;
}

export interface PriceUpdateLineInput {
  productId: string;
  oldPrice: string;
  newPrice: string;
}

/**
 * Applies the previewed prices in ONE statement: every product is locked and must still have its
 * previewed price; unless all of them do, nothing is written (a parallel apply of the same preview
 * waits for the first one's locks, then finds the prices changed and writes nothing). Returns the
 * update's id, or null when refused.
 */
export async function applyPriceUpdate(
  db: TenantDb,
  update: {
    filter: PriceUpdateFilter;
    rule: PriceRule;
    lines: readonly PriceUpdateLineInput[];
    appliedBy: string | null;
  },
  log: ActivityLog,
): Promise<string | null> {
  const lines = JSON.stringify(
    update.lines.map((line) => ({ product_id: line.productId, old_price: line.oldPrice, new_price: line.newPrice })),
  );
  const value = update.rule.direction === 'down' ? `-${update.rule.value}` : update.rule.value;
  const result = await db.execute<{ id: string }>(sql`
    WITH wanted AS (
      SELECT * FROM json_to_recordset(${lines}::json) AS w(product_id uuid, old_price numeric, new_price numeric)
    ), locked AS (
      SELECT p.id FROM products p JOIN wanted w ON w.product_id = p.id AND p.price = w.old_price
         FOR UPDATE OF p
    ), complete AS (
      SELECT (SELECT count(*) FROM locked) = (SELECT count(*) FROM wanted) AS ok
    ), changed AS (
      UPDATE products p SET price = w.new_price, updated_at = now()
        FROM wanted w, complete
       WHERE complete.ok AND p.id = w.product_id AND p.id IN (SELECT id FROM locked)
      RETURNING p.id
    ), recorded AS (
      INSERT INTO price_updates (filter, mode, value, product_count, applied_by)
      SELECT ${JSON.stringify({ ...update.filter, rounding: update.rule.rounding })}::jsonb, ${update.rule.mode},
             ${value}::numeric, (SELECT count(*) FROM wanted), ${update.appliedBy}::uuid
        FROM complete WHERE complete.ok
      RETURNING id, product_count
    ), recorded_lines AS (
      INSERT INTO price_update_lines (update_id, product_id, old_price, new_price)
      SELECT recorded.id, w.product_id, w.old_price, w.new_price FROM recorded, wanted w
    ), logged AS (${activityInsert(log, 'recorded', sql`jsonb_build_object('priceUpdateId', recorded.id, 'products', recorded.product_count)`)})
    SELECT id FROM recorded`);
  return result.rows[0]?.id ?? null;
}

export interface PriceUpdateRecord {
  id: string;
  mode: 'percent' | 'amount';
  value: string;
  filter: Record<string, unknown>;
  productCount: number;
  appliedAt: string;
  appliedByName: string | null;
  lines: Array<{ productId: string; sku: string; name: string; oldPrice: string; newPrice: string }>;
  [key: string]: unknown;
}

/** An applied update with every line (product, old and new price): one statement. */
export async function getPriceUpdate(db: TenantDb, id: string): Promise<PriceUpdateRecord | null> {
  const result = await db.execute<PriceUpdateRecord>(sql`
    SELECT u.id, u.mode, u.value::text AS value, u.filter, u.product_count AS "productCount",
           u.applied_at AS "appliedAt", us.name AS "appliedByName",
           coalesce((SELECT json_agg(json_build_object('productId', p.id, 'sku', p.sku, 'name', p.name,
                       'oldPrice', l.old_price::text, 'newPrice', l.new_price::text) ORDER BY lower(p.name), p.id)
                       FROM price_update_lines l JOIN products p ON p.id = l.product_id WHERE l.update_id = u.id), '[]'::json) AS lines
      FROM price_updates u LEFT JOIN users us ON us.id = u.applied_by
     WHERE u.id = ${id}::uuid`);
  return result.rows[0] ?? null;
}

export interface PriceUpdateSummary {
  id: string;
  mode: 'percent' | 'amount';
  value: string;
  productCount: number;
  appliedAt: string;
  appliedByName: string | null;
  [key: string]: unknown;
}

/** The latest applied updates, newest first. */
export async function recentPriceUpdates(db: TenantDb, limit = 10): Promise<PriceUpdateSummary[]> {
  const result = await db.execute<PriceUpdateSummary>(sql`
    SELECT u.id, u.mode, u.value::text AS value, u.product_count AS "productCount", u.applied_at AS "appliedAt",
           us.name AS "appliedByName"
      FROM price_updates u LEFT JOIN users us ON us.id = u.applied_by
     ORDER BY u.applied_at DESC, u.id LIMIT ${limit}`);
  return result.rows;
}
