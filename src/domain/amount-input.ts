/**
 * The one reading of an amount, quantity, rate or percent typed by a person or sent by the API, in
 * the es-DO format the app prints: a dot is the decimal point, a comma only separates thousands in
 * groups of three (`10,000.00`, `1,234,567.89`). Anything another reading could take for a different
 * number (`1,5`, `2,50`, `1,0,0`, `1.234,56`) is refused, never guessed: a silent tenfold error on a
 * fiscal document is worse than asking again.
 */

export interface AmountRules {
  /** Most decimals the field keeps (2 for money, 4 for unit prices and exchange rates, 0 for units). */
  scale: number;
  /** Most digits before the decimal point. */
  maxIntegerDigits: number;
  allowNegative?: boolean;
}

export type AmountReading =
  | { ok: true; value: string }
  | { ok: false; reason: 'format' | 'ambiguous' | 'decimals' | 'size' };

const plain = /^(\d+)$/;
const grouped = /^(\d{1,3}(?:,\d{3})+)$/;

/**
 * Reads `text` under `rules`. The value is the exact decimal string without separators or leading
 * zeros (`'10,000.50'` -> `'10000.50'`); decimals are kept as typed, never rounded.
 */
export function readAmount(text: string, rules: AmountRules): AmountReading {
  let rest = text.trim();
  let sign = '';
  if (rest.startsWith('-') || rest.startsWith('+')) {
    if (rest[0] === '-') sign = '-';
    rest = rest.slice(1);
    if (sign && !rules.allowNegative) return { ok: false, reason: 'format' };
  }
  if (rest === '') return { ok: false, reason: 'format' };
  const point = rest.indexOf('.');
  let integerPart = point === -1 ? rest : rest.slice(0, point);
  const fraction = point === -1 ? '' : rest.slice(point + 1);
  if (point !== -1 && !/^\d+$/.test(fraction)) {
    // `1.234,56` (a comma after the point) is the other convention: refuse it by name.
    return { ok: false, reason: /^[\d,.]+$/.test(fraction) ? 'ambiguous' : 'format' };
  }
  if (integerPart === '' && point !== -1) integerPart = '0';
  if (!plain.test(integerPart)) {
    if (grouped.test(integerPart)) integerPart = integerPart.replace(/,/g, '');
    else return { ok: false, reason: /^[\d,]+$/.test(integerPart) ? 'ambiguous' : 'format' };
  }
  if (fraction.length > rules.scale) return { ok: false, reason: 'decimals' };
  const integer = integerPart.replace(/^0+(?=\d)/, '');
  if (integer.length > rules.maxIntegerDigits) return { ok: false, reason: 'size' };
  const value = `${integer}${fraction ? `.${fraction}` : ''}`;
  return { ok: true, value: sign && /[1-9]/.test(value) ? `-${value}` : value };
}
