import { z } from '@hono/zod-openapi';
import { toUnits } from '../domain/money';
import { t } from '../i18n/es-DO';
import { amountField, parseAmountField } from './amount';

/** Percent with at most 2 decimals, 0.00 to 100.00, kept as an exact decimal string. */
const taxRateRules = { scale: 2, maxIntegerDigits: 3, max: '100', message: t('taxes.validation.rate') };

export function isTaxRate(value: string): boolean {
  return parseAmountField(value, taxRateRules).ok;
}

export const taxCodeField = z
  .string({ error: t('taxes.validation.code') })
  .trim()
  .transform((value) => value.toUpperCase())
  .pipe(z.string().regex(/^[A-Z0-9]{1,20}$/, t('taxes.validation.code')))
  .openapi({ example: 'ITBIS18' });

export const taxNameField = z
  .string({ error: t('validation.required') })
  .trim()
  .min(1, t('validation.required'))
  .max(100, t('taxes.validation.nameLength'));

export const taxRateField = amountField(taxRateRules).openapi({ example: '18.00' });

const isZero = (rate: string) => toUnits(rate, 2) === 0n;

/** An exempt tax has rate 0; a non-exempt tax needs its rate. */
function exemptRule(value: { rate?: string; exempt?: boolean }, context: z.core.$RefinementCtx) {
  if (value.exempt && value.rate !== undefined && !isZero(value.rate))
    context.addIssue({ code: 'custom', path: ['rate'], message: t('taxes.validation.exemptRate') });
  if (!value.exempt && value.rate === undefined)
    context.addIssue({ code: 'custom', path: ['rate'], message: t('taxes.validation.rate') });
}

/** An HTML checkbox: present (`on`) is true, absent is false. */
const checkbox = z.preprocess(
  (value) => value === 'on' || value === 'true' || value === '1' || value === true,
  z.boolean(),
);
/** A blank input is an absent value. */
const blankAsMissing = (value: unknown) => (typeof value === 'string' && value.trim() === '' ? undefined : value);

/** API body of a new tax. */
export const taxCreate = z
  .object({
    code: taxCodeField,
    name: taxNameField,
    rate: taxRateField.optional(),
    exempt: z.boolean().default(false),
    active: z.boolean().default(true),
  })
  .superRefine(exemptRule)
  .openapi('TaxCreate');

/** API body of a change: every field optional; code, rate and exempt are locked once products use the tax. */
export const taxPatch = z
  .object({
    code: taxCodeField.optional(),
    name: taxNameField.optional(),
    rate: taxRateField.optional(),
    exempt: z.boolean().optional(),
    active: z.boolean().optional(),
  })
  .superRefine((value, context) => {
    if (value.exempt && value.rate !== undefined && !isZero(value.rate))
      context.addIssue({ code: 'custom', path: ['rate'], message: t('taxes.validation.exemptRate') });
  })
  .openapi('TaxPatch');

/** The UI form of a new tax (the rate may be left blank for an exempt tax). */
export const taxForm = z
  .object({
    code: taxCodeField,
    name: taxNameField,
    rate: z.preprocess(blankAsMissing, taxRateField.optional()),
    exempt: checkbox,
  })
  .superRefine(exemptRule);

/** The UI edit form; a tax used by products shows code, rate and exempt as text, so they are absent. */
export const taxEditForm = z
  .object({
    code: taxCodeField.optional(),
    name: taxNameField,
    rate: z.preprocess(blankAsMissing, taxRateField.optional()),
    exempt: checkbox,
    active: checkbox,
    locked: z.string().optional(),
  })
  .superRefine((value, context) => {
    if (value.locked) return;
    if (value.code === undefined)
      context.addIssue({ code: 'custom', path: ['code'], message: t('taxes.validation.code') });
    exemptRule(value, context);
  });

export type TaxCreateInput = { code: string; name: string; rate?: string; exempt: boolean; active?: boolean };
export type TaxChanges = { code?: string; name?: string; rate?: string; exempt?: boolean; active?: boolean };

export const taxOut = z
  .object({
    id: z.number().int(),
    code: z.string(),
    name: z.string(),
    rate: z.string().openapi({ example: '18.00' }),
    exempt: z.boolean(),
    active: z.boolean(),
    productCount: z.number().int(),
  })
  .openapi('Tax');
