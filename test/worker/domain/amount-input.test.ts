import { describe, expect, it } from 'vitest';
import { readAmount } from '../../../src/domain/amount-input';
import { parseAmountField } from '../../../src/schemas/amount';

const money = { scale: 2, maxIntegerDigits: 12 };
const price = { scale: 4, maxIntegerDigits: 10 };
const units = { scale: 0, maxIntegerDigits: 7, allowNegative: true };

describe('readAmount: es-DO amounts as people type them', () => {
  it.each([
    ['10,000.00', money, '10000.00'],
    ['10,000', money, '10000'],
    ['10000', money, '10000'],
    ['10000.5', money, '10000.5'],
    ['1.5', money, '1.5'],
    ['1,234,567.89', money, '1234567.89'],
    ['  250.00 ', money, '250.00'],
    ['0.05', money, '0.05'],
    ['.5', money, '0.5'],
    ['007', money, '7'],
    ['+12', money, '12'],
    ['60.1250', price, '60.1250'],
    ['1,500.1234', price, '1500.1234'],
    ['-3', units, '-3'],
    ['-1,000', units, '-1000'],
    ['-0', units, '0'],
    ['999,999,999,999.99', money, '999999999999.99'],
  ])('%s -> %s', (text, rules, expected) => {
    expect(readAmount(text, rules)).toEqual({ ok: true, value: expected });
  });

  it.each([
    ['1,5', money, 'ambiguous'],
    ['2,50', money, 'ambiguous'],
    ['1,0,0', money, 'ambiguous'],
    ['1.234,56', money, 'ambiguous'],
    ['1.234.567', money, 'ambiguous'],
    ['12,34.5', money, 'ambiguous'],
    ['1,2345', money, 'ambiguous'],
    [',500', money, 'ambiguous'],
    ['1,000,00', money, 'ambiguous'],
    ['1.005', money, 'decimals'],
    ['60.12345', price, 'decimals'],
    ['1.5', units, 'decimals'],
    ['1000000000000', money, 'size'],
    ['-5', money, 'format'],
    ['', money, 'format'],
    ['-', units, 'format'],
    ['5.', money, 'format'],
    ['1e5', money, 'format'],
    ['RD$ 100', money, 'format'],
    ['1 000', money, 'format'],
    ['NaN', money, 'format'],
    ['12a', money, 'format'],
    ['１２', money, 'format'],
    ['1.5.', money, 'ambiguous'],
  ])('%s is refused (%s)', (text, rules, reason) => {
    expect(readAmount(text, rules)).toEqual({ ok: false, reason });
  });
});

describe('parseAmountField: the field rules on top', () => {
  const field = { ...money, message: 'Monto no válido.', positive: true };
  it('names the convention when a comma is ambiguous', () => {
    const parsed = parseAmountField('1,5', field);
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.message).toMatch(
      /^Monto no válido\. Use punto para los decimales y coma solo para separar miles/,
    );
  });
  it('refuses zero when positive, and above max', () => {
    expect(parseAmountField('0.00', field)).toEqual({ ok: false, message: 'Monto no válido.' });
    expect(parseAmountField('100.01', { scale: 2, maxIntegerDigits: 3, message: 'Tasa.', max: '100' })).toEqual({
      ok: false,
      message: 'Tasa.',
    });
    expect(parseAmountField('100', { scale: 2, maxIntegerDigits: 3, message: 'Tasa.', max: '100' })).toEqual({
      ok: true,
      value: '100',
    });
  });
  it('reads JSON numbers as the decimal written, never as exponent floats', () => {
    expect(parseAmountField(2.5, field)).toEqual({ ok: true, value: '2.5' });
    expect(parseAmountField(1e21, field).ok).toBe(false);
    expect(parseAmountField(0.1 + 0.2, field).ok).toBe(false);
    expect(parseAmountField(Number.NaN, field).ok).toBe(false);
  });
});
