import { can } from '../../auth/permissions';
import { AppError } from '../../errors';
import { t } from '../../i18n/es-DO';
import {
  createProduct as insertProduct,
  getProduct as selectProduct,
  getProductWithFormTaxes,
  productFormOptions as selectFormOptions,
  productListValues,
  type ProductListField,
  listProducts as selectProducts,
  listTaxes,
  updateProduct as changeProduct,
  type ProductFilter,
  type ProductListRow,
  type ProductExtras,
  type ProductRow,
  type ProductStockLevel,
  type ProductWriteResult,
  type Tax,
} from '../../queries/products';
import type { ProductChanges, ProductInput } from '../../schemas/products';
import { margin, type Margin } from '../../domain/prices';
import type { CatalogListKind } from '../../db/tenant-schema';
import { groupCatalogValues, type CatalogLists } from './catalog';
import { requireRight, type ShopContext } from './context';

export type { ProductExtras, ProductListRow, ProductRow, ProductStockLevel, Tax };

/** A product as its page shows it: with its stock, barcodes, variants, model and margin. */
export type ProductPage = ProductRow & ProductExtras & { margin: Margin | null };

/** A taken SKU is a 409 (the form shows it on its field), an unknown or inactive tax a 422, a vanished product a 404. */
function written(result: ProductWriteResult): ProductRow {
  if (result.ok) return result.product;
  if (result.field === 'sku')
    throw new AppError('conflict', t('products.validation.skuTaken'), { sku: t('products.validation.skuTaken') });
  if (result.field === 'taxCode')
    throw new AppError('validation', t('products.validation.tax'), { taxCode: t('products.validation.tax') });
  throw new AppError('not_found');
}

/** One page of products by name; `withOnHand` joins the on-hand quantity of the actor's current branch. */
export async function listProducts(
  ctx: ShopContext,
  filter: Omit<ProductFilter, 'branchId'> & { withOnHand?: boolean },
): Promise<{ rows: ProductListRow[]; next: { name: string; id: string } | null }> {
  requireRight(ctx, 'products.view');
  const { withOnHand, ...rest } = filter;
  return selectProducts(ctx.db, {
    ...rest,
    q: rest.q || undefined,
    branchId: withOnHand ? (ctx.actor.branch?.id ?? null) : null,
  });
}

/** A product with its stock in the branches the actor sees (every one with branches.all), barcodes, variants and margin. */
export async function getProduct(ctx: ShopContext, id: string): Promise<ProductPage> {
  requireRight(ctx, 'products.view');
  return visibleLevels(ctx, await selectProduct(ctx.db, id));
}

/** The product page: the product as `getProduct` gives it and, for who may edit it, its form's taxes - one database request. */
export async function getProductPage(
  ctx: ShopContext,
  id: string,
): Promise<{ product: ProductPage; taxes: Tax[]; lists: CatalogLists | null }> {
  requireRight(ctx, 'products.view');
  if (!can(ctx.actor, 'products.manage')) return { product: await getProduct(ctx, id), taxes: [], lists: null };
  const { product, taxes, listValues } = await getProductWithFormTaxes(ctx.db, id);
  return { product: visibleLevels(ctx, product), taxes, lists: groupCatalogValues(listValues) };
}

/** What the new product form offers: the active taxes and the catalogue lists (one database request). */
export async function productFormOptions(ctx: ShopContext): Promise<{ taxes: Tax[]; lists: CatalogLists }> {
  requireRight(ctx, 'products.manage');
  const { taxes, listValues } = await selectFormOptions(ctx.db);
  return { taxes, lists: groupCatalogValues(listValues) };
}

const listOfField: Record<ProductListField, CatalogListKind> = {
  frameShape: 'frame_shapes',
  variantColour: 'colours',
  lensType: 'lens_types',
  lensMaterial: 'materials',
  lensIndex: 'indices',
};

/**
 * The catalogue values a product write names must be active values of their lists, or the value the
 * product already carries (an archived value stays on the products that have it): 422 per field.
 */
async function checkListValues(ctx: ShopContext, id: string | null, input: ProductChanges): Promise<void> {
  const named = (Object.keys(listOfField) as ProductListField[]).filter((field) => input[field]);
  if (!named.length && !input.lensTreatments?.length) return;
  const { listValues, current } = await productListValues(ctx.db, id);
  const lists = groupCatalogValues(listValues);
  const offered = (list: CatalogListKind, value: string) =>
    lists[list].some((row) => row.active && row.value.toLowerCase() === value.toLowerCase());
  const errors: Record<string, string> = {};
  for (const field of named) {
    const value = input[field]!;
    if (!offered(listOfField[field], value) && current?.[field] !== value)
      errors[field] = t('products.validation.listValue');
  }
  for (const treatment of input.lensTreatments ?? []) {
    if (!offered('treatments', treatment) && !current?.lensTreatments.includes(treatment))
      errors.lensTreatments = t('products.validation.listValue');
  }
  if (Object.keys(errors).length) throw new AppError('validation', t('validation.summary'), errors);
}

function visibleLevels(ctx: ShopContext, product: (ProductRow & ProductExtras) | null): ProductPage {
  if (!product) throw new AppError('not_found');
  const withMargin = { ...product, margin: margin(product.price, product.cost) };
  if (can(ctx.actor, 'branches.all')) return withMargin;
  const allowed = new Set(ctx.actor.branches.map((branch) => branch.id));
  return { ...withMargin, levels: product.levels.filter((level) => allowed.has(level.branchId)) };
}

/** The taxes a product form offers (the active ones, plus the product's own). */
export async function productFormTaxes(ctx: ShopContext, productId?: string): Promise<Tax[]> {
  requireRight(ctx, 'products.manage');
  return listTaxes(ctx.db, productId);
}

export async function createProduct(ctx: ShopContext, input: ProductInput): Promise<ProductRow> {
  requireRight(ctx, 'products.manage');
  await checkListValues(ctx, null, input);
  return written(await insertProduct(ctx.db, input, ctx.actor));
}

export async function updateProduct(ctx: ShopContext, id: string, changes: ProductChanges): Promise<ProductRow> {
  requireRight(ctx, 'products.manage');
  await checkListValues(ctx, id, changes);
  return written(await changeProduct(ctx.db, id, changes, ctx.actor));
}
