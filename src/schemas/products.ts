import { z } from '@hono/zod-openapi';
import { productCategories } from '../db/tenant-schema';

/** The product categories, for the edges' filters. */
export { productCategories };
import { t } from '../i18n/es-DO';
import { amountField } from './amount';
import { optionalText, requiredName } from './common';

export type ProductCategory = (typeof productCategories)[number];

/**
 * An amount as a decimal string with up to 4 decimals (numeric(14,4)); it is validated as text
 * and stored as text, never parsed into a float. `1,234.50` (thousands commas) is accepted.
 */
export const decimalText = (message = t('products.validation.price')) =>
  amountField({ scale: 4, maxIntegerDigits: 10, message });

const optionalDecimalText = z
  .preprocess(
    (value) => (typeof value === 'string' && value.trim() === '' ? null : value),
    decimalText(t('products.validation.cost')).nullable(),
  )
  .optional();

export const skuField = z
  .string({ error: t('validation.required') })
  .trim()
  .min(1, t('validation.required'))
  .max(40, t('products.validation.sku'))
  .regex(/^[\p{L}\p{N}][\p{L}\p{N}._\-/]*$/u, t('products.validation.sku'));

const categoryField = z.enum(productCategories, { error: t('products.validation.category') });
const taxCodeField = z
  .string({ error: t('products.validation.tax') })
  .trim()
  .toUpperCase()
  .min(1, t('products.validation.tax'))
  .max(20, t('products.validation.tax'));

const productBase = {
  sku: skuField,
  name: requiredName(200),
  category: categoryField,
  brand: optionalText(100),
  price: decimalText(),
  cost: optionalDecimalText,
  taxCode: taxCodeField,
};

/** An HTML checkbox: present (`on`) is true, absent is false. */
const checkbox = z.preprocess(
  (value) => value === 'on' || value === 'true' || value === '1' || value === true,
  z.boolean(),
);

export const productForm = z.object({
  ...productBase,
  trackStock: checkbox,
  allowNegativeStock: checkbox,
  active: checkbox,
});

export const productCreate = z
  .object({
    ...productBase,
    trackStock: z.boolean().default(true),
    allowNegativeStock: z.boolean().default(false),
    active: z.boolean().default(true),
  })
  .openapi('ProductCreate');

export const productPatch = z
  .object({
    ...productBase,
    trackStock: z.boolean(),
    allowNegativeStock: z.boolean(),
    active: z.boolean(),
  })
  .partial()
  .openapi('ProductPatch');

export type ProductInput = z.output<typeof productForm>;
export type ProductChanges = z.output<typeof productPatch>;

export const productListQuery = z.object({
  q: z.string().trim().max(100).optional(),
  category: z
    .enum(productCategories)
    .optional()
    .or(z.literal('').transform(() => undefined)),
});

export const productOut = z
  .object({
    id: z.uuid(),
    sku: z.string(),
    name: z.string(),
    category: z.enum(productCategories),
    brand: z.string().nullable(),
    price: z.string().openapi({ example: '2500.0000', description: 'Decimal string, 4 decimals' }),
    cost: z.string().nullable(),
    taxCode: z.string(),
    taxRate: z.string().openapi({ example: '18.00' }),
    trackStock: z.boolean(),
    allowNegativeStock: z.boolean(),
    active: z.boolean(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .openapi('Product');
