import { z } from '@hono/zod-openapi';
import { productCategories } from '../db/tenant-schema';
import { compareDecimals } from '../domain/money';
import { priceRoundings, priceRuleDirections, priceRuleModes } from '../domain/prices';
import { t } from '../i18n/es-DO';
import { amountField } from './amount';

const blankToUndefined = (value: unknown) => (typeof value === 'string' && value.trim() === '' ? undefined : value);

const optionalPrice = (message: string) =>
  z.preprocess(blankToUndefined, amountField({ scale: 2, maxIntegerDigits: 10, message }).optional());

const optionalListValue = z.preprocess(blankToUndefined, z.string().trim().max(60).optional());

/** Which products a bulk price update touches (the active ones matching every given filter). */
export const priceUpdateFilter = z
  .object({
    category: z.preprocess(
      blankToUndefined,
      z.enum(productCategories, { error: t('products.validation.category') }).optional(),
    ),
    brand: z.preprocess(blankToUndefined, z.string().trim().max(100).optional()),
    lensType: optionalListValue,
    lensMaterial: optionalListValue,
    priceMin: optionalPrice(t('catalog.prices.validation.priceMin')),
    priceMax: optionalPrice(t('catalog.prices.validation.priceMax')),
    parentId: z.preprocess(blankToUndefined, z.uuid({ error: t('catalog.prices.validation.parent') }).optional()),
  })
  .refine(
    (filter) =>
      filter.priceMin === undefined ||
      filter.priceMax === undefined ||
      compareDecimals(filter.priceMin, filter.priceMax) <= 0,
    { path: ['priceMax'], message: t('catalog.prices.validation.priceRange') },
  );

export type PriceUpdateFilter = z.output<typeof priceUpdateFilter>;

/** The rule: percentage (up to 1000 %, 100 % down at most) or amount, up or down, and the rounding. */
export const priceRuleFields = z
  .object({
    mode: z.enum(priceRuleModes, { error: t('catalog.prices.validation.mode') }),
    direction: z.enum(priceRuleDirections, { error: t('catalog.prices.validation.direction') }),
    value: amountField({
      scale: 2,
      maxIntegerDigits: 10,
      positive: true,
      message: t('catalog.prices.validation.value'),
    }),
    rounding: z.enum(priceRoundings, { error: t('catalog.prices.validation.rounding') }),
  })
  .superRefine((rule, context) => {
    const limit = rule.direction === 'down' ? 100 : 1000;
    if (rule.mode === 'percent' && compareDecimals(rule.value, String(limit)) > 0)
      context.addIssue({
        code: 'custom',
        path: ['value'],
        message: t('catalog.prices.validation.percent', { max: limit }),
      });
  });

/** The preview form: the filter and the rule together. */
export const priceUpdatePreviewForm = z.object({ filter: priceUpdateFilter, rule: priceRuleFields });

/** The apply form: the previewed filter and rule, and the fingerprint of what the preview showed. */
export const priceUpdateApplyForm = z.object({
  token: z.string().regex(/^[0-9a-f]{64}$/, t('catalog.prices.stale')),
});

/** The form's flat fields (`category`, ..., `mode`, `value`) as the nested shape the schemas read. */
export function priceUpdateInput(body: Record<string, unknown>) {
  const text = (name: string) => (typeof body[name] === 'string' ? (body[name] as string) : undefined);
  return {
    filter: {
      category: text('category'),
      brand: text('brand'),
      lensType: text('lensType'),
      lensMaterial: text('lensMaterial'),
      priceMin: text('priceMin'),
      priceMax: text('priceMax'),
      parentId: text('parentId'),
    },
    rule: { mode: text('mode'), direction: text('direction'), value: text('value'), rounding: text('rounding') },
  };
}
