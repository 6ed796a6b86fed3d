import { describe, expect, it } from 'vitest';
import {
  compareDecimals,
  formatDecimal,
  formatMoney,
  fromUnits,
  isDecimalString,
  roundHalfUp,
  sumDecimals,
  toUnits,
} from '../../../src/domain/money';
import { decimalText } from '../../../src/schemas/products';

describe('exact decimals', () => {
  it('accepts prices with up to 4 decimals and refuses the rest', () => {
    const price = (value: string) => isDecimalString(value, { scale: 4, maxIntegerDigits: 10 });
    for (const ok of ['0', '0.1', '1234.5', '1234.5678', '9999999999.9999']) expect(price(ok), ok).toBe(true);
    for (const bad of ['1234.56789', '-1', '1e3', 'NaN', '', '.5', '5.', '12,5', '1 000', '0x10', '99999999999'])
      expect(price(bad), bad).toBe(false);
    expect(isDecimalString('-2.5', { scale: 2, allowNegative: true })).toBe(true);
  });

  it('validates form prices as text, never through a float', () => {
    expect(decimalText().safeParse('1234.56789').success).toBe(false);
    expect(decimalText().safeParse('abc').success).toBe(false);
    expect(decimalText().parse(' 1,234.5678 ')).toBe('1234.5678');
    // A float would turn this into 9007199254740992.
    expect(decimalText().parse('9007199254.7409')).toBe('9007199254.7409');
  });

  it('sums exactly', () => {
    expect(0.1 + 0.2).not.toBe(0.3);
    expect(sumDecimals(['0.1', '0.2'], 2)).toBe('0.30');
    expect(sumDecimals(['1234.5678', '0.0001', '-0.5679'], 4)).toBe('1234.0000');
    expect(sumDecimals([], 2)).toBe('0.00');
  });

  it('converts to and from units', () => {
    expect(toUnits('12.34', 4)).toBe(123400n);
    expect(toUnits('-0.0001', 4)).toBe(-1n);
    expect(fromUnits(123400n, 4)).toBe('12.3400');
    expect(fromUnits(-5n, 2)).toBe('-0.05');
    expect(() => toUnits('1.23456', 4)).toThrow(RangeError);
    expect(() => toUnits('abc', 2)).toThrow(RangeError);
  });

  it('rounds half-up as the DGII does', () => {
    expect(roundHalfUp('750.5212', 2)).toBe('750.52');
    expect(roundHalfUp('750.5276', 2)).toBe('750.53');
    expect(roundHalfUp('750.525', 2)).toBe('750.53');
    expect(roundHalfUp('-750.525', 2)).toBe('-750.53');
    expect(roundHalfUp('1.005', 2)).toBe('1.01'); // a float gives 1.00
    expect(roundHalfUp('7', 2)).toBe('7.00');
  });

  it('compares', () => {
    expect(compareDecimals('1.10', '1.1')).toBe(0);
    expect(compareDecimals('1.0001', '1')).toBe(1);
    expect(compareDecimals('-2', '1')).toBe(-1);
  });

  it('formats money the es-DO way, exactly', () => {
    expect(formatMoney('1234.56')).toBe('RD$ 1,234.56');
    expect(formatMoney('1234.5000')).toBe('RD$ 1,234.50');
    expect(formatMoney('12.3450')).toBe('RD$ 12.345');
    expect(formatMoney('1234567.0000')).toBe('RD$ 1,234,567.00');
    expect(formatMoney('-5.5')).toBe('-RD$ 5.50');
    expect(formatMoney(null)).toBe('—');
    expect(formatMoney('60.1250', 'US$')).toBe('US$ 60.125');
    expect(formatDecimal('60.1250', 4)).toBe('60.1250');
  });
});
