import { z } from '@hono/zod-openapi';
import { readAmount, type AmountReading, type AmountRules } from '../domain/amount-input';
import { compareDecimals } from '../domain/money';
import { t } from '../i18n/es-DO';

export interface AmountFieldRules extends AmountRules {
  /** The field's own message, for text that is not a number at all or is out of range. */
  message: string;
  /** Refuse zero (amounts paid, quantities sold, exchange rates). */
  positive?: boolean;
  /** Largest value allowed, as a decimal string (`'100'` for a percent). */
  max?: string;
  /** Also take a JSON number (document lines do); elsewhere the API wants money as text. */
  acceptNumbers?: boolean;
}

function refusal(reason: Exclude<AmountReading, { ok: true }>['reason'], rules: AmountFieldRules): string {
  // Field messages already say how many decimals the field takes.
  return reason === 'ambiguous' ? t('input.amount.ambiguous', { field: rules.message }) : rules.message;
}

/** A JSON number as the decimal it was written as; exponent forms (1e21, 1e-7) are refused. */
function numberText(value: number): string {
  const text = String(value);
  return Number.isFinite(value) && /^-?\d+(\.\d+)?$/.test(text) ? text : 'NaN';
}

/** Checks and normalises one amount: the one parser behind every amount, quantity, rate and percent field. */
export function parseAmountField(
  raw: string | number,
  rules: AmountFieldRules,
): { ok: true; value: string } | { ok: false; message: string } {
  const reading = readAmount(typeof raw === 'number' ? numberText(raw) : raw, rules);
  if (!reading.ok) return { ok: false, message: refusal(reading.reason, rules) };
  if (rules.positive && !/[1-9]/.test(reading.value)) return { ok: false, message: rules.message };
  if (rules.max !== undefined && compareDecimals(reading.value, rules.max) > 0)
    return { ok: false, message: rules.message };
  return reading;
}

/**
 * A zod field for an amount typed in a form (`10,000.50`) or sent by the API as text (or a JSON
 * number where `acceptNumbers`); its output is the exact decimal string (`'10000.50'`), never a float.
 */
export function amountField(rules: AmountFieldRules) {
  const input = rules.acceptNumbers
    ? z.union([z.string(), z.number()], { error: rules.message })
    : z.string({ error: rules.message });
  return input.transform((raw: string | number, context) => {
    const parsed = parseAmountField(raw, rules);
    if (parsed.ok) return parsed.value;
    context.addIssue({ code: 'custom', message: parsed.message });
    return z.NEVER;
  });
}
