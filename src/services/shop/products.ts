import { can, type Permission } from '../../auth/permissions';
import { AppError } from '../../errors';
import { t } from '../../i18n/es-DO';
import {
  createProduct as insertProduct,
  getProduct as selectProduct,
  getProductWithFormTaxes,
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
import type { ShopContext } from './context';

export type { ProductExtras, ProductListRow, ProductRow, ProductStockLevel, Tax };

/** A product as its page shows it: with its stock, barcodes, variants, model and margin. */
export type ProductPage = ProductRow & ProductExtras & { margin: Margin | null };

function requireRight(ctx: ShopContext, permission: Permission): void {
  if (!can(ctx.actor, permission)) throw new AppError('forbidden');
}

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
export async function getProductPage(ctx: ShopContext, id: string): Promise<{ product: ProductPage; taxes: Tax[] }> {
  requireRight(ctx, 'products.view');
  if (!can(ctx.actor, 'products.manage')) return { product: await getProduct(ctx, id), taxes: [] };
  const { product, taxes } = await getProductWithFormTaxes(ctx.db, id);
  return { product: visibleLevels(ctx, product), taxes };
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
  return written(await insertProduct(ctx.db, input, ctx.actor));
}

export async function updateProduct(ctx: ShopContext, id: string, changes: ProductChanges): Promise<ProductRow> {
  requireRight(ctx, 'products.manage');
  return written(await changeProduct(ctx.db, id, changes, ctx.actor));
}
