import { can } from '../../auth/permissions';
import { sha256Hex } from '../../auth/crypto';
import { AppError } from '../../errors';
import { previewFingerprint, previewPrices, type PriceChange, type PriceRule } from '../../domain/prices';
import { t } from '../../i18n/es-DO';
import { catalogValuesQuery } from '../../queries/catalog';
import {
  applyPriceUpdate as writePriceUpdate,
  getPriceUpdate as selectPriceUpdate,
  priceUpdateMax,
  pricedProducts,
  recentPriceUpdates,
  type PricedProductRow,
  type PriceUpdateRecord,
  type PriceUpdateSummary,
} from '../../queries/price-updates';
import { variantModelsQuery, type VariantModel } from '../../queries/variants';
import type { PriceUpdateFilter } from '../../schemas/price-updates';
import { groupCatalogValues, type CatalogLists } from './catalog';
import type { ShopContext } from './context';

export type { PriceUpdateRecord, PriceUpdateSummary, VariantModel };

function requirePrices(ctx: ShopContext): void {
  if (!can(ctx.actor, 'products.prices')) throw new AppError('forbidden');
}

/** What the filter form offers: the lens lists and the models with variants, and the latest updates - one batch. */
export async function priceUpdateFormData(
  ctx: ShopContext,
): Promise<{ lists: CatalogLists; models: VariantModel[]; recent: PriceUpdateSummary[] }> {
  requirePrices(ctx);
  const [values, models] = await ctx.db.batch([catalogValuesQuery(ctx.db), variantModelsQuery(ctx.db)]);
  const recent = await recentPriceUpdates(ctx.db);
  return { lists: groupCatalogValues(values.rows), models: models.rows, recent };
}

export interface PriceUpdatePreview {
  rows: Array<PricedProductRow & PriceChange>;
  changed: number;
  negative: number;
  /** More products than one update takes: the filter must be narrowed. */
  tooMany: boolean;
  /** The fingerprint the apply must match (sha-256 of the rule and every id and old price). */
  token: string;
}

async function preview(ctx: ShopContext, filter: PriceUpdateFilter, rule: PriceRule): Promise<PriceUpdatePreview> {
  const products = await pricedProducts(ctx.db, filter);
  const tooMany = products.length > priceUpdateMax;
  const shown = products.slice(0, priceUpdateMax);
  const { changes, changed, negative } = previewPrices(shown, rule);
  return {
    rows: shown.map((product, index) => ({ ...product, ...changes[index]! })),
    changed,
    negative,
    tooMany,
    token: await sha256Hex(previewFingerprint(products, rule)),
  };
}

/** Every product the filter takes with its old and new price: one query. */
export async function previewPriceUpdate(
  ctx: ShopContext,
  filter: PriceUpdateFilter,
  rule: PriceRule,
): Promise<PriceUpdatePreview> {
  requirePrices(ctx);
  return preview(ctx, filter, rule);
}

/**
 * Applies exactly what the preview showed: the filter is read again and must give the same
 * products at the same prices (the token); then the write checks each price once more under its
 * row lock, so of two applies of one preview only one writes. Refusals are 409s with their reason.
 */
export async function applyPriceUpdate(
  ctx: ShopContext,
  filter: PriceUpdateFilter,
  rule: PriceRule,
  token: string,
): Promise<string> {
  requirePrices(ctx);
  const current = await preview(ctx, filter, rule);
  if (current.token !== token) throw new AppError('conflict', t('catalog.prices.stale'));
  if (current.tooMany) throw new AppError('conflict', t('catalog.prices.tooMany', { max: priceUpdateMax }));
  if (current.negative) throw new AppError('conflict', t('catalog.prices.negative', { count: current.negative }));
  const lines = current.rows
    .filter((row) => row.newPrice !== row.oldPrice)
    .map((row) => ({ productId: row.id, oldPrice: row.oldPrice, newPrice: row.newPrice }));
  if (!lines.length) throw new AppError('conflict', t('catalog.prices.nothing'));
  const id = await writePriceUpdate(
    ctx.db,
    { filter, rule, lines, appliedBy: ctx.actor.id },
    { actor: ctx.actor, action: 'products.pricesUpdated' },
  );
  if (!id) throw new AppError('conflict', t('catalog.prices.stale'));
  return id;
}

export async function getPriceUpdate(ctx: ShopContext, id: string): Promise<PriceUpdateRecord> {
  requirePrices(ctx);
  const update = await selectPriceUpdate(ctx.db, id);
  if (!update) throw new AppError('not_found');
  return update;
}
