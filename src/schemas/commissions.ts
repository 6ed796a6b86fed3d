import { z } from '@hono/zod-openapi';
import { productCategories } from '../db/tenant-schema';
import { t } from '../i18n/es-DO';

const blankToNull = (value: unknown) => (typeof value === 'string' && value.trim() === '' ? null : value);

/** A commission rule as the rules form sends it: a seller, a category or both, and a percentage. */
export const commissionRuleForm = z
  .object({
    sellerId: z.preprocess(blankToNull, z.uuid(t('commissions.validation.seller')).nullable()).default(null),
    category: z
      .preprocess(blankToNull, z.enum(productCategories, { error: t('commissions.validation.category') }).nullable())
      .default(null),
    rate: z
      .string({ error: t('commissions.validation.rate') })
      .trim()
      .regex(/^\d{1,3}(\.\d{1,2})?$/, t('commissions.validation.rate'))
      .refine((value) => Number(value) <= 100, t('commissions.validation.rate')),
  })
  .refine((rule) => rule.sellerId !== null || rule.category !== null, {
    message: t('commissions.validation.scope'),
    path: ['sellerId'],
  });
export type CommissionRuleInput = z.output<typeof commissionRuleForm>;
