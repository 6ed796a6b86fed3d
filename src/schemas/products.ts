import { z } from '@hono/zod-openapi';
import { productCategories } from '../db/tenant-schema';

/** The product categories, for the edges' filters. */
export { productCategories };
import { t } from '../i18n/es-DO';
import { amountField } from './amount';
import { checkPowerRanges, powerRangeFields, type PowerRangeField } from '../domain/lens-products';
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

/** A power as typed (`-2`, `+1.25`, `1,25`): checked with the other ends by `powerRangesRefine`. */
const powerText = z
  .string()
  .trim()
  .max(8)
  .transform((value) => (value === '' ? null : value))
  .nullable()
  .optional();

/** The treatments: repeated checkboxes in a form (one value or several), a list in the API. */
const treatmentsField = z.preprocess(
  (value) => (value === undefined || value === null || value === '' ? [] : Array.isArray(value) ? value : [value]),
  z.array(z.string().trim().min(1).max(60)).max(20),
);

const productBase = {
  sku: skuField,
  name: requiredName(200),
  category: categoryField,
  brand: optionalText(100),
  price: decimalText(),
  cost: optionalDecimalText,
  taxCode: taxCodeField,
  frameShape: optionalText(60),
  variantColour: optionalText(60),
  variantSize: optionalText(20),
  lensType: optionalText(60),
  lensMaterial: optionalText(60),
  lensIndex: optionalText(60),
  lensTreatments: treatmentsField.optional(),
  sphereMin: powerText,
  sphereMax: powerText,
  cylinderMin: powerText,
  cylinderMax: powerText,
  addMin: powerText,
  addMax: powerText,
};

const rangeMessages = {
  power: 'products.validation.power',
  bothEnds: 'products.validation.bothEnds',
  order: 'products.validation.rangeOrder',
} as const;

/**
 * The lens power ranges (checkPowerRanges): each end a power in the Rx range and 0.25 step, both
 * ends or neither, min <= max; the ends come out normalised (`-2.00`). Ends not sent stay unsent.
 */
function powerRangesRefine<T extends Partial<Record<PowerRangeField, string | null | undefined>>>(
  value: T,
  context: z.RefinementCtx,
): T {
  const sent = powerRangeFields.filter((field) => value[field] !== undefined);
  if (!sent.length) return value;
  const { values, issues } = checkPowerRanges(value);
  for (const [field, issue] of Object.entries(issues))
    context.addIssue({ code: 'custom', path: [field], message: t(rangeMessages[issue]) });
  const normalised = { ...value };
  for (const field of sent) (normalised as Record<string, unknown>)[field] = values[field];
  return normalised;
}

/** An HTML checkbox: present (`on`) is true, absent is false. */
const checkbox = z.preprocess(
  (value) => value === 'on' || value === 'true' || value === '1' || value === true,
  z.boolean(),
);

export const productForm = z
  .object({
    ...productBase,
    trackStock: checkbox,
    allowNegativeStock: checkbox,
    active: checkbox,
  })
  .transform(powerRangesRefine);

export const productCreate = z
  .object({
    ...productBase,
    trackStock: z.boolean().default(true),
    allowNegativeStock: z.boolean().default(false),
    active: z.boolean().default(true),
  })
  .openapi('ProductCreate')
  .transform(powerRangesRefine);

/** A change: only the fields sent; a power range is sent with both its ends. */
export const productPatch = z
  .object({
    ...productBase,
    trackStock: z.boolean(),
    allowNegativeStock: z.boolean(),
    active: z.boolean(),
  })
  .partial()
  .openapi('ProductPatch')
  .transform(powerRangesRefine);

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
    parentId: z.uuid().nullable().openapi({ description: 'The model this product is a variant of' }),
    variantColour: z.string().nullable(),
    variantSize: z.string().nullable(),
    frameShape: z.string().nullable(),
    lensType: z.string().nullable(),
    lensMaterial: z.string().nullable(),
    lensIndex: z.string().nullable(),
    lensTreatments: z.array(z.string()),
    sphereMin: z.string().nullable().openapi({ example: '-6.00', description: 'Diopters, 0.25 steps' }),
    sphereMax: z.string().nullable().openapi({ example: '4.00' }),
    cylinderMin: z.string().nullable(),
    cylinderMax: z.string().nullable(),
    addMin: z.string().nullable(),
    addMax: z.string().nullable(),
    barcodes: z.array(z.string()).optional().openapi({ description: 'On the single product' }),
    trackStock: z.boolean(),
    allowNegativeStock: z.boolean(),
    active: z.boolean(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .openapi('Product');
