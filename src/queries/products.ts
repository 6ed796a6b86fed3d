import { and, or, eq, getTableColumns, sql, type SQL } from 'drizzle-orm';
import { products, stock, taxes } from '../db/tenant-schema';
import type { TenantDb } from '../db/client';
import { normaliseBarcode } from '../domain/barcodes';
import { catalogValuesQuery, type CatalogValueRow } from './catalog';
import type { ProductCategory, ProductChanges, ProductInput } from '../schemas/products';
import { activityFrom, type Actor } from './audit';
import { foldedContains, likeEscape } from './search';

export { likeEscape };

export type Tax = typeof taxes.$inferSelect;
export type ProductRow = typeof products.$inferSelect & { taxCode: string; taxRate: string; taxExempt: boolean };
export type ProductListRow = ProductRow & { onHand: number | null };

const productColumns = {
  ...getTableColumns(products),
  taxCode: taxes.code,
  taxRate: taxes.rate,
  taxExempt: taxes.exempt,
};

/**
 * Taxes a product form offers: the active ones, plus the product's own tax when it has been
 * deactivated since (editing the product must not silently switch it to another tax).
 */
export function listTaxes(db: TenantDb, forProductId?: string): Promise<Tax[]> {
  return taxesQuery(db, forProductId);
}

function taxesQuery(db: TenantDb, forProductId?: string) {
  const current = forProductId
    ? sql`${taxes.id} IN (SELECT ${products.taxId} FROM ${products} WHERE ${products.id} = ${forProductId})`
    : sql`false`;
  return db
    .select()
    .from(taxes)
    .where(or(eq(taxes.active, true), current))
    .orderBy(taxes.id);
}

/** Services never track stock (and so never go negative). */
function stockFlags(category: ProductCategory, trackStock: boolean, allowNegativeStock: boolean) {
  return category === 'servicios'
    ? { trackStock: false, allowNegativeStock: false }
    : { trackStock, allowNegativeStock };
}

/** True when Postgres refused a write for a unique index (SQLSTATE 23505), wherever the driver nested it. */
export function isUniqueViolation(error: unknown): boolean {
  for (
    let current: unknown = error;
    current && typeof current === 'object';
    current = (current as { cause?: unknown }).cause
  ) {
    if ((current as { code?: unknown }).code === '23505') return true;
  }
  return false;
}

export interface ProductFilter {
  q?: string;
  category?: ProductCategory;
  /** The on-hand quantity of this branch comes with each row (same query). */
  branchId?: string | null;
  after?: { name: string; id: string } | null;
  limit: number;
}

/** One page of products by name (keyset on lower(name), id), with the branch's on-hand quantity joined in. */
export async function listProducts(
  db: TenantDb,
  filter: ProductFilter,
): Promise<{ rows: ProductListRow[]; next: { name: string; id: string } | null }> {
  const conditions: SQL[] = [];
  if (filter.q) {
    const pattern = likeEscape(filter.q.toLowerCase());
    conditions.push(
      sql`(lower(${products.sku}) LIKE ${`${pattern}%`} OR ${foldedContains(sql`${products.name}`, filter.q)}
        OR ${products.id} = (SELECT b.product_id FROM product_barcodes b WHERE b.code = ${normaliseBarcode(filter.q)}))`,
    );
  }
  if (filter.category) conditions.push(eq(products.category, filter.category));
  if (filter.after)
    conditions.push(sql`(lower(${products.name}), ${products.id}) > (${filter.after.name}, ${filter.after.id}::uuid)`);
  const rows = await db
    .select({ ...productColumns, onHand: stock.quantity })
    .from(products)
    .innerJoin(taxes, eq(taxes.id, products.taxId))
    .leftJoin(
      stock,
      filter.branchId ? and(eq(stock.productId, products.id), eq(stock.branchId, filter.branchId)) : sql`false`,
    )
    .where(conditions.length ? and(...conditions) : undefined)
    .orderBy(sql`lower(${products.name})`, products.id)
    .limit(filter.limit + 1);
  const page = rows.slice(0, filter.limit);
  const last = page.at(-1);
  return {
    rows: page,
    next: rows.length > filter.limit && last ? { name: last.name.toLowerCase(), id: last.id } : null,
  };
}

/** A variant of a model (colour and size), as the model's page lists it, with its stock in every branch. */
export interface ProductVariant {
  id: string;
  sku: string;
  colour: string | null;
  size: string | null;
  price: string;
  active: boolean;
  onHand: number;
}

/** What a product's page shows besides the product: its stock rows, barcodes, variants and model. */
export interface ProductExtras {
  levels: ProductStockLevel[];
  barcodes: string[];
  variants: ProductVariant[];
  parent: { id: string; sku: string; name: string } | null;
}

export interface ProductStockLevel {
  branchId: string;
  branchName: string;
  quantity: number;
}

/** A product with its tax and its on-hand quantity in every branch that has a stock row, in one query. */
export async function getProduct(db: TenantDb, id: string): Promise<(ProductRow & ProductExtras) | null> {
  const [row] = await productQuery(db, id);
  return row ?? null;
}

/** The product of `getProduct` and the taxes its form offers, in one database request. */
export async function getProductWithFormTaxes(
  db: TenantDb,
  id: string,
): Promise<{ product: (ProductRow & ProductExtras) | null; taxes: Tax[]; listValues: CatalogValueRow[] }> {
  const [[row], taxRows, values] = await db.batch([productQuery(db, id), taxesQuery(db, id), catalogValuesQuery(db)]);
  return { product: row ?? null, taxes: taxRows, listValues: values.rows };
}

/** What a new product's form offers: the active taxes and the catalogue lists, in one database request. */
export async function productFormOptions(db: TenantDb): Promise<{ taxes: Tax[]; listValues: CatalogValueRow[] }> {
  const [taxRows, values] = await db.batch([taxesQuery(db), catalogValuesQuery(db)]);
  return { taxes: taxRows, listValues: values.rows };
}

/** The list values a product carries now (an archived value it has stays allowed on it). */
export async function productListValues(
  db: TenantDb,
  id: string | null,
): Promise<{ listValues: CatalogValueRow[]; current: Pick<ProductRow, ProductListField | 'lensTreatments'> | null }> {
  const [values, current] = await db.batch([
    catalogValuesQuery(db),
    db
      .select({
        frameShape: products.frameShape,
        variantColour: products.variantColour,
        lensType: products.lensType,
        lensMaterial: products.lensMaterial,
        lensIndex: products.lensIndex,
        lensTreatments: products.lensTreatments,
      })
      .from(products)
      .where(id ? eq(products.id, id) : sql`false`),
  ]);
  return { listValues: values.rows, current: current[0] ?? null };
}

/** The product fields whose values come from the catalogue lists (one value each). */
export type ProductListField = 'frameShape' | 'variantColour' | 'lensType' | 'lensMaterial' | 'lensIndex';

function productQuery(db: TenantDb, id: string) {
  return db
    .select({
      ...productColumns,
      levels: sql<
        ProductStockLevel[]
      >`coalesce((SELECT json_agg(json_build_object('branchId', b.id, 'branchName', b.name, 'quantity', s.quantity) ORDER BY b.name)
        FROM stock s JOIN branches b ON b.id = s.branch_id WHERE s.product_id = ${products.id}), '[]'::json)`,
      barcodes: sql<string[]>`coalesce((SELECT json_agg(b.code ORDER BY b.created_at, b.code)
        FROM product_barcodes b WHERE b.product_id = ${products.id}), '[]'::json)`,
      variants: sql<
        ProductVariant[]
      >`coalesce((SELECT json_agg(json_build_object('id', v.id, 'sku', v.sku, 'colour', v.variant_colour,
          'size', v.variant_size, 'price', v.price::text, 'active', v.active,
          'onHand', (SELECT coalesce(sum(s.quantity), 0) FROM stock s WHERE s.product_id = v.id))
          ORDER BY v.variant_colour, v.variant_size, v.sku)
        FROM products v WHERE v.parent_id = ${products.id}), '[]'::json)`,
      parent: sql<{
        id: string;
        sku: string;
        name: string;
      } | null>`(SELECT json_build_object('id', m.id, 'sku', m.sku, 'name', m.name)
        FROM products m WHERE m.id = ${products.parentId})`,
    })
    .from(products)
    .innerJoin(taxes, eq(taxes.id, products.taxId))
    .where(eq(products.id, id))
    .limit(1);
}

export type ProductWriteResult =
  | { ok: true; product: ProductRow }
  | { ok: false; field: 'sku' | 'taxCode' }
  | { ok: false; field: null };

/** An active tax by code, or the product's current tax even if it was deactivated (an unchanged choice). */
function taxIdOf(code: string): SQL {
  return sql`(SELECT t.id FROM ${taxes} t WHERE t.code = ${code} AND (t.active OR t.id = ${products.taxId}))`;
}

async function withTax(db: TenantDb, id: string): Promise<ProductRow> {
  const [row] = await db
    .select(productColumns)
    .from(products)
    .innerJoin(taxes, eq(taxes.id, products.taxId))
    .where(eq(products.id, id));
  return row!;
}

/** The activity entry of a product change, in the change's batch: none when no product has the id. */
function productActivity(db: TenantDb, actor: Actor, action: 'product.created' | 'product.updated', id: string) {
  return activityFrom(
    db,
    actor,
    action,
    sql`jsonb_build_object('productId', p.id, 'sku', p.sku, 'name', p.name)`,
    sql`FROM products p WHERE p.id = ${id}::uuid`,
  );
}

/**
 * Creates a product and its activity entry (one transaction); a taken SKU (case-insensitive) or an
 * unknown tax is reported, not thrown, and writes no entry.
 */
export async function createProduct(db: TenantDb, input: ProductInput, actor: Actor): Promise<ProductWriteResult> {
  const [tax] = await db
    .select({ id: taxes.id })
    .from(taxes)
    .where(and(eq(taxes.code, input.taxCode), eq(taxes.active, true)));
  if (!tax) return { ok: false, field: 'taxCode' };
  const id = crypto.randomUUID();
  const [inserted] = await db.batch([
    db
      .insert(products)
      .values({
        id,
        sku: input.sku,
        name: input.name,
        category: input.category,
        brand: input.brand ?? null,
        price: input.price,
        cost: input.cost ?? null,
        taxId: tax.id,
        frameShape: input.frameShape ?? null,
        variantColour: input.variantColour ?? null,
        variantSize: input.variantSize ?? null,
        lensType: input.lensType ?? null,
        lensMaterial: input.lensMaterial ?? null,
        lensIndex: input.lensIndex ?? null,
        lensTreatments: input.lensTreatments ?? [],
        sphereMin: input.sphereMin ?? null,
        sphereMax: input.sphereMax ?? null,
        cylinderMin: input.cylinderMin ?? null,
        cylinderMax: input.cylinderMax ?? null,
        addMin: input.addMin ?? null,
        addMax: input.addMax ?? null,
        active: input.active,
        ...stockFlags(input.category, input.trackStock, input.allowNegativeStock),
      })
      .onConflictDoNothing()
      .returning({ id: products.id }),
    productActivity(db, actor, 'product.created', id),
  ]);
  if (!inserted.length) return { ok: false, field: 'sku' };
  return { ok: true, product: await withTax(db, id) };
}

/** Changes the given fields only, with its activity entry; `{ ok: false, field: null }` when there is no such product. */
export async function updateProduct(
  db: TenantDb,
  id: string,
  changes: ProductChanges,
  actor: Actor,
): Promise<ProductWriteResult> {
  const { taxCode, trackStock, allowNegativeStock, ...plain } = changes;
  const set: Record<string, unknown> = { ...plain, updatedAt: sql`now()` };
  if (taxCode !== undefined) set.taxId = sql`coalesce(${taxIdOf(taxCode)}, -1)`;
  // Services never track stock, whatever the request says or the row held before.
  const category = changes.category ? sql`${changes.category}` : sql`${products.category}`;
  set.trackStock = sql`CASE WHEN ${category} = 'servicios' THEN false ELSE ${trackStock === undefined ? sql`${products.trackStock}` : sql`${trackStock}`} END`;
  set.allowNegativeStock = sql`CASE WHEN ${category} = 'servicios' THEN false ELSE ${allowNegativeStock === undefined ? sql`${products.allowNegativeStock}` : sql`${allowNegativeStock}`} END`;
  try {
    const [[row]] = await db.batch([
      db.update(products).set(set).where(eq(products.id, id)).returning({ id: products.id }),
      productActivity(db, actor, 'product.updated', id),
    ]);
    if (!row) return { ok: false, field: null };
    return { ok: true, product: await withTax(db, row.id) };
  } catch (error) {
    if (isUniqueViolation(error)) return { ok: false, field: 'sku' };
    if (taxCode !== undefined && foreignKeyViolation(error)) return { ok: false, field: 'taxCode' };
    throw error;
  }
}

function foreignKeyViolation(error: unknown): boolean {
  for (
    let current: unknown = error;
    current && typeof current === 'object';
    current = (current as { cause?: unknown }).cause
  ) {
    if ((current as { code?: unknown }).code === '23503') return true;
  }
  return false;
}

/** A product by SKU (case-insensitive) or, failing that, by one of its barcodes (the stock forms take a scan). */
export async function productBySku(
  db: TenantDb,
  sku: string,
): Promise<{ id: string; sku: string; name: string; trackStock: boolean } | null> {
  const [row] = await db
    .select({ id: products.id, sku: products.sku, name: products.name, trackStock: products.trackStock })
    .from(products)
    .where(
      sql`lower(${products.sku}) = lower(${sku}) OR ${products.id} = (SELECT b.product_id FROM product_barcodes b WHERE b.code = ${normaliseBarcode(sku)})`,
    )
    .orderBy(sql`lower(${products.sku}) = lower(${sku}) DESC`)
    .limit(1);
  return row ?? null;
}
