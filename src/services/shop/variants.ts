import { can } from '../../auth/permissions';
import { planVariants } from '../../domain/variants';
import { AppError } from '../../errors';
import { t } from '../../i18n/es-DO';
import { catalogValuesQuery } from '../../queries/catalog';
import { createVariants, modelSkuQuery } from '../../queries/variants';
import type { VariantsForm } from '../../schemas/variants';
import type { ShopContext } from './context';

/**
 * Generates a model's variants from the chosen colours (active values of the shop's colour list) and
 * sizes: each colour x size a product of its own, SKU `<model>-<colour code>-<size>`.
 */
export async function generateVariants(
  ctx: ShopContext,
  modelId: string,
  input: VariantsForm,
): Promise<{ created: number; existing: number }> {
  if (!can(ctx.actor, 'products.manage')) throw new AppError('forbidden');
  const [values, model] = await ctx.db.batch([catalogValuesQuery(ctx.db), modelSkuQuery(ctx.db, modelId)]);
  const modelSku = model.rows[0]?.sku;
  if (!modelSku) throw new AppError('not_found');
  const colours = values.rows.filter((row) => row.list === 'colours' && row.active);
  const chosen = input.colours.map((colour) => colours.find((row) => row.value.toLowerCase() === colour.toLowerCase()));
  if (!(input.colours.length || input.sizes.length))
    throw new AppError('validation', t('catalog.variants.nothing'), { colours: t('catalog.variants.nothing') });
  if (chosen.some((row) => !row))
    throw new AppError('validation', t('products.validation.listValue'), {
      colours: t('products.validation.listValue'),
    });
  const plans = planVariants(
    modelSku,
    chosen.map((row) => row!.value),
    input.sizes,
  );
  const result = await createVariants(ctx.db, modelId, plans, { actor: ctx.actor, action: 'product.created' });
  if (result.ok) return { created: result.created, existing: result.existing };
  if (result.reason === 'sku_taken') {
    const message = t('catalog.variants.skuTaken', { skus: result.skus.join(', ') });
    throw new AppError('validation', message, { colours: message });
  }
  if (result.reason === 'not_found') throw new AppError('not_found');
  throw new AppError('validation', t('catalog.variants.isVariant'), { colours: t('catalog.variants.isVariant') });
}
