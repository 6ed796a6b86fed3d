/**
 * Prices of the catalogue: a product's margin, and the bulk price rule (percentage or amount, up or
 * down, rounded to cents or to the nearest RD$5 / RD$10). Exact: bigint units, half-up, never floats.
 */
import { fromUnits, toUnits } from './money';

/** Price and cost are numeric(14,4): 4 decimals. */
const priceScale = 4;

export interface Margin {
  /** price - cost, 2 decimals (half-up). */
  amount: string;
  /** (price - cost) / price x 100, 2 decimals (half-up); null when the price is 0. */
  percent: string | null;
}

/** Half-up division of a non-negative or negative numerator by a positive denominator (away from zero at .5). */
function divideHalfUp(numerator: bigint, denominator: bigint): bigint {
  const magnitude = numerator < 0n ? -numerator : numerator;
  const rounded = (2n * magnitude + denominator) / (2n * denominator);
  return numerator < 0n ? -rounded : rounded;
}

/** The margin of a price over its cost; null without a cost. */
export function margin(price: string, cost: string | null | undefined): Margin | null {
  if (cost === null || cost === undefined || cost === '') return null;
  const priceUnits = toUnits(price, priceScale);
  const difference = priceUnits - toUnits(cost, priceScale);
  const amount = fromUnits(divideHalfUp(difference, 100n), 2);
  // percent in hundredths: difference / price x 100 x 100
  const percent = priceUnits === 0n ? null : fromUnits(divideHalfUp(difference * 10_000n, priceUnits), 2);
  return { amount, percent };
}

export const priceRuleModes = ['percent', 'amount'] as const;
export type PriceRuleMode = (typeof priceRuleModes)[number];
export const priceRuleDirections = ['up', 'down'] as const;
export type PriceRuleDirection = (typeof priceRuleDirections)[number];
/** cents: 2 decimals; five / ten: the nearest multiple of RD$5 / RD$10 (half-up: 2,502.50 -> 2,505.00). */
export const priceRoundings = ['cents', 'five', 'ten'] as const;
export type PriceRounding = (typeof priceRoundings)[number];

export interface PriceRule {
  mode: PriceRuleMode;
  direction: PriceRuleDirection;
  /** A percentage (`10`, `7.5`) or an amount in RD$ (`250`, `99.99`), positive, at most 2 decimals. */
  value: string;
  rounding: PriceRounding;
}

/** The rounding step in units of 10^-4. */
const roundingStep: Record<PriceRounding, bigint> = { cents: 100n, five: 50_000n, ten: 100_000n };

/**
 * The new price of a product under the rule, with 4 decimals as stored; it may be negative (an
 * amount down larger than the price), which the caller refuses.
 */
export function applyPriceRule(price: string, rule: PriceRule): string {
  const old = toUnits(price, priceScale);
  const step = roundingStep[rule.rounding];
  const sign = rule.direction === 'up' ? 1n : -1n;
  if (rule.mode === 'amount') {
    const exact = old + sign * toUnits(rule.value, priceScale);
    return fromUnits(divideHalfUp(exact, step) * step, priceScale);
  }
  // percent with 2 decimals: the factor is (10000 +- p x 100) / 10000
  const factor = 10_000n + sign * toUnits(rule.value, 2);
  return fromUnits(divideHalfUp(old * factor, 10_000n * step) * step, priceScale);
}

export interface PricedProduct {
  id: string;
  price: string;
}

export interface PriceChange {
  id: string;
  oldPrice: string;
  newPrice: string;
  /** The new price is below zero: the update cannot be applied while the filter includes it. */
  negative: boolean;
}

export interface PricePreview {
  changes: PriceChange[];
  /** Products whose price changes (a rounding may leave a price as it was). */
  changed: number;
  negative: number;
}

/** Every product's old and new price under the rule, in the order given. */
export function previewPrices(products: readonly PricedProduct[], rule: PriceRule): PricePreview {
  let changed = 0;
  let negative = 0;
  const changes = products.map((product) => {
    const oldPrice = fromUnits(toUnits(product.price, priceScale), priceScale);
    const newPrice = applyPriceRule(oldPrice, rule);
    const isNegative = newPrice.startsWith('-');
    if (isNegative) negative += 1;
    if (newPrice !== oldPrice) changed += 1;
    return { id: product.id, oldPrice, newPrice, negative: isNegative };
  });
  return { changes, changed, negative };
}

/**
 * What the preview showed, as one string to hash: the rule and every product's id and old price in
 * id order. The apply recomputes it from the database; any difference means the prices (or the set
 * of products) changed since the preview.
 */
export function previewFingerprint(products: readonly PricedProduct[], rule: PriceRule): string {
  const lines = products
    .map((product) => `${product.id}:${fromUnits(toUnits(product.price, priceScale), priceScale)}`)
    .sort();
  return [`${rule.mode}|${rule.direction}|${rule.value}|${rule.rounding}`, ...lines].join('\n');
}
