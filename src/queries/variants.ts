import { sql } from 'drizzle-orm';
import type { TenantDb } from '../db/client';

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
