/**
 * Exact decimal arithmetic on numeric strings (prices with 4 decimals, exchange rates, amounts).
 * Values are carried as bigint in units of 10^-scale; nothing here ever goes through a float.
 */

const decimalPattern = /^(-)?(\d+)(?:\.(\d+))?$/;

/** True for a plain decimal string (`12`, `12.5`, `-0.0001`) with at most `scale` decimals and `maxIntegerDigits` digits before the point. */
export function isDecimalString(
  value: string,
  options: { scale: number; maxIntegerDigits?: number; allowNegative?: boolean },
): boolean {
  const match = decimalPattern.exec(value);
  if (!match) return false;
  if (match[1] && !options.allowNegative) return false;
  if ((match[3]?.length ?? 0) > options.scale) return false;
  const integerDigits = match[2]!.replace(/^0+(?=\d)/, '');
  return integerDigits.length <= (options.maxIntegerDigits ?? 10);
}

/** `'12.34'` at scale 4 -> `123400n`. Throws on malformed input or more decimals than `scale`. */
export function toUnits(value: string, scale: number): bigint {
  const match = decimalPattern.exec(value.trim());
  if (!match) throw new RangeError(`not a decimal: ${value}`);
  const fraction = match[3] ?? '';
  if (fraction.length > scale) throw new RangeError(`more than ${scale} decimals: ${value}`);
  const units = BigInt(match[2]! + fraction.padEnd(scale, '0'));
  return match[1] ? -units : units;
}

/** `123400n` at scale 4 -> `'12.3400'`. */
export function fromUnits(units: bigint, scale: number): string {
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(scale + 1, '0');
  const integer = digits.slice(0, digits.length - scale);
  const fraction = digits.slice(digits.length - scale);
  return `${negative ? '-' : ''}${integer}${scale > 0 ? `.${fraction}` : ''}`;
}

/** The same number written with exactly `scale` decimals; extra decimals are rounded half-up (away from zero). */
export function normalizeDecimal(value: string, scale: number): string {
  return roundHalfUp(value, scale);
}

/** DGII rounding: half-up on the first dropped decimal (750.5212 -> 750.52, 750.5276 -> 750.53). */
export function roundHalfUp(value: string, scale: number): string {
  const match = decimalPattern.exec(value.trim());
  if (!match) throw new RangeError(`not a decimal: ${value}`);
  const fraction = match[3] ?? '';
  if (fraction.length <= scale) return fromUnits(toUnits(value, scale), scale);
  const exact = toUnits(value, fraction.length);
  const factor = 10n ** BigInt(fraction.length - scale);
  const magnitude = exact < 0n ? -exact : exact;
  const rounded = (magnitude + factor / 2n) / factor;
  return fromUnits(exact < 0n ? -rounded : rounded, scale);
}

/** Exact sum of decimal strings, written with `scale` decimals (`sumDecimals(['0.1', '0.2'], 2)` = `'0.30'`). */
export function sumDecimals(values: readonly string[], scale: number): string {
  return fromUnits(
    values.reduce((total, value) => total + toUnits(value, scale), 0n),
    scale,
  );
}

/** Compares two decimal strings: -1, 0 or 1. */
export function compareDecimals(a: string, b: string): -1 | 0 | 1 {
  const scale = Math.max(a.split('.')[1]?.length ?? 0, b.split('.')[1]?.length ?? 0);
  const difference = toUnits(a, scale) - toUnits(b, scale);
  return difference === 0n ? 0 : difference < 0n ? -1 : 1;
}

function groupThousands(integer: string): string {
  return integer.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/**
 * A decimal string for people: thousands separated by commas, at least `minDecimals` decimals,
 * and any further non-zero decimals kept (a price of 12.3450 shows as 12.345, never rounded).
 */
export function formatDecimal(value: string, minDecimals = 2): string {
  const match = decimalPattern.exec(value.trim());
  if (!match) return value;
  let fraction = (match[3] ?? '').replace(/0+$/, '');
  if (fraction.length < minDecimals) fraction = fraction.padEnd(minDecimals, '0');
  const integer = groupThousands(match[2]!.replace(/^0+(?=\d)/, ''));
  return `${match[1] ?? ''}${integer}${fraction ? `.${fraction}` : ''}`;
}

/** `RD$ 1,234.56` (es-DO): the symbol, a space, the exact amount with at least 2 decimals. */
export function formatMoney(value: string | null | undefined, symbol = 'RD$'): string {
  if (value === null || value === undefined || value === '') return '—';
  const formatted = formatDecimal(value, 2);
  return formatted.startsWith('-') ? `-${symbol} ${formatted.slice(1)}` : `${symbol} ${formatted}`;
}
