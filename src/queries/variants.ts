import { sql } from 'drizzle-orm';
import type { TenantDb } from '../db/client';
import type { VariantPlan } from '../domain/variants';
import { activityInsert, type ActivityLog } from './audit';

/** A model (a product with variants), as a filter or a picker offers it. */
export interface VariantModel {
  id: string;
  sku: string;
  name: string;
  variants: number;
  [key: string]: unknown;
}

/** The models that have variants, by name. */
export function variantModelsQuery(db: TenantDb) {
  return db.execute<VariantModel>(sql`
    SELECT m.id, m.sku, m.name, count(v.id)::int AS variants
      FROM products m JOIN products v ON v.parent_id = m.id
     GROUP BY m.id ORDER BY lower(m.name), m.id`);
}

export type VariantsWrite =
  | { ok: true; created: number; existing: number }
  | { ok: false; reason: 'not_found' | 'is_variant' }
  | { ok: false; reason: 'sku_taken'; skus: string[] };

/**
 * Creates the planned variants of a model in ONE statement: each a product copying the model's
 * category, brand, price, cost, tax, frame shape and stock settings, under it. A colour x size the
 * model already has is left as it is; a planned SKU another product holds refuses the whole set.
 */
export async function createVariants(
  db: TenantDb,
  modelId: string,
  plans: readonly VariantPlan[],
  log: ActivityLog,
): Promise<VariantsWrite> {
  const wanted = JSON.stringify(plans.map((plan) => ({ colour: plan.colour, size: plan.size, sku: plan.sku })));
  const result = await db.execute<{ state: string; created: number; existing: number; taken: string[] | null }>(sql`
    WITH model AS (SELECT * FROM products WHERE id = ${modelId}::uuid),
    wanted AS (SELECT * FROM json_to_recordset(${wanted}::json) AS w(colour text, size text, sku text)),
    fresh AS (
      SELECT w.* FROM wanted w, model m
       WHERE NOT EXISTS (SELECT 1 FROM products v WHERE v.parent_id = m.id
                           AND v.variant_colour IS NOT DISTINCT FROM w.colour AND v.variant_size IS NOT DISTINCT FROM w.size)
    ),
    taken AS (SELECT f.sku FROM fresh f JOIN products p ON lower(p.sku) = lower(f.sku)),
    created AS (
      INSERT INTO products (sku, name, category, brand, parent_id, variant_colour, variant_size, frame_shape,
                            price, cost, tax_id, track_stock, allow_negative_stock, active)
      SELECT f.sku, concat_ws(' ', m.name, f.colour, f.size), m.category, m.brand, m.id, f.colour, f.size, m.frame_shape,
             m.price, m.cost, m.tax_id, m.track_stock, m.allow_negative_stock, m.active
        FROM fresh f, model m
       WHERE m.parent_id IS NULL AND NOT EXISTS (SELECT 1 FROM taken)
      RETURNING id, sku, parent_id
    ), logged AS (${activityInsert(log, 'created', sql`jsonb_build_object('productId', created.id, 'sku', created.sku, 'modelId', created.parent_id)`)})
    SELECT CASE WHEN NOT EXISTS (SELECT 1 FROM model) THEN 'not_found'
                WHEN (SELECT parent_id FROM model) IS NOT NULL THEN 'is_variant'
                WHEN EXISTS (SELECT 1 FROM taken) THEN 'sku_taken' ELSE 'ok' END AS state,
           (SELECT count(*) FROM created)::int AS created,
           ((SELECT count(*) FROM wanted) - (SELECT count(*) FROM fresh))::int AS existing,
           (SELECT array_agg(sku ORDER BY sku) FROM taken) AS taken`);
  const row = result.rows[0]!;
  if (row.state === 'ok') return { ok: true, created: row.created, existing: row.existing };
  if (row.state === 'sku_taken') return { ok: false, reason: 'sku_taken', skus: row.taken ?? [] };
  return { ok: false, reason: row.state as 'not_found' | 'is_variant' };
}

/** The model's SKU (the variants' SKUs start with it). */
export function modelSkuQuery(db: TenantDb, modelId: string) {
  return db.execute<{ sku: string }>(sql`SELECT sku FROM products WHERE id = ${modelId}::uuid`);
}
