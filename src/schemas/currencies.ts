import { z } from '@hono/zod-openapi';
import { t } from '../i18n/es-DO';
import { amountField } from './amount';

/** A real calendar date written YYYY-MM-DD. */
export function isIsoDate(value: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return (
    date.getUTCFullYear() === year &&
    date.getUTCMonth() === month - 1 &&
    date.getUTCDate() === day &&
    year >= 1900 &&
    year <= 2999
  );
}

/** `dd/mm/aaaa` (what people type in es-DO) or `YYYY-MM-DD` (what date inputs send) -> `YYYY-MM-DD`. */
export const dateField = z
  .string({ error: t('currencies.validation.date') })
  .trim()
  .transform((value) => {
    const local = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(value);
    return local ? `${local[3]}-${local[2]!.padStart(2, '0')}-${local[1]!.padStart(2, '0')}` : value;
  })
  .refine(isIsoDate, t('currencies.validation.date'));

/** DOP per one unit: up to 10 integer digits and 4 decimals (numeric(14,4)), greater than zero. */
export const rateField = amountField({
  scale: 4,
  maxIntegerDigits: 10,
  positive: true,
  message: t('currencies.validation.rate'),
});

export const currencyCodeParam = z
  .string()
  .regex(/^[A-Za-z]{3}$/)
  .transform((value) => value.toUpperCase());

export const rateForm = z.object({
  currency: z
    .string({ error: t('currencies.validation.currency') })
    .trim()
    .regex(/^[A-Za-z]{3}$/, t('currencies.validation.currency'))
    .transform((value) => value.toUpperCase()),
  rate: rateField,
  validOn: dateField,
});

export const rateCreate = z
  .object({ rate: rateField, validOn: dateField.openapi({ example: '2025-01-31' }) })
  .openapi('ExchangeRateCreate');

export const rateOut = z
  .object({
    currency: z.string(),
    rate: z.string().openapi({ example: '60.1250' }),
    validOn: z.string().openapi({ example: '2025-01-31' }),
  })
  .openapi('ExchangeRate');

export const currencyOut = z
  .object({
    code: z.string(),
    name: z.string(),
    symbol: z.string(),
    isBase: z.boolean(),
    active: z.boolean(),
    latestRate: z.string().nullable(),
    latestRateOn: z.string().nullable(),
  })
  .openapi('Currency');
