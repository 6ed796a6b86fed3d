import { describe, expect, it } from 'vitest';
import { applyPriceRule, margin, previewFingerprint, previewPrices, type PriceRule } from '../../../src/domain/prices';
import {
  barcodeIssue,
  barcodeSymbology,
  gs1CheckDigit,
  internalBarcode,
  normaliseBarcode,
} from '../../../src/domain/barcodes';

const rule = (
  mode: PriceRule['mode'],
  direction: PriceRule['direction'],
  value: string,
  rounding: PriceRule['rounding'] = 'cents',
): PriceRule => ({
  mode,
  direction,
  value,
  rounding,
});

describe('margin', () => {
  it.each([
    // price, cost, amount, percent: (price - cost) / price x 100, half-up on the third decimal
    ['8500.5000', '4200.0000', '4300.50', '50.59'], // 4300.5 / 8500.5 = 0.505911...
    ['1000', '666.665', '333.34', '33.33'], // 333.335 -> 333.34 (half-up); 33.3335% -> 33.33
    ['3', '1', '2.00', '66.67'], // 66.666...%
    ['100', '125', '-25.00', '-25.00'], // sold under cost
    ['0', '10', '-10.00', null],
  ])('price %s, cost %s -> %s and %s%%', (price, cost, amount, percent) => {
    expect(margin(price, cost)).toEqual({ amount, percent });
  });

  it('is null without a cost', () => {
    expect(margin('100', null)).toBeNull();
  });
});

describe('the bulk price rule', () => {
  it.each([
    ['2500.0000', rule('percent', 'up', '10'), '2750.0000'],
    ['1999.9900', rule('percent', 'up', '7.5'), '2149.9900'], // 2149.98925 -> 2149.99
    ['1999.9900', rule('percent', 'down', '12.25'), '1754.9900'], // 1754.991225 -> 1754.99
    ['10.0050', rule('percent', 'up', '0'), '10.0100'], // 10.005 half-up -> 10.01
    ['10.0049', rule('percent', 'up', '0'), '10.0000'],
    ['2500.0000', rule('amount', 'up', '250'), '2750.0000'],
    ['2500.0000', rule('amount', 'down', '99.99'), '2400.0100'],
    ['100.0000', rule('amount', 'down', '150'), '-50.0000'],
    // nearest RD$5 / RD$10, half-up
    ['2275.0000', rule('percent', 'up', '10', 'five'), '2505.0000'], // 2502.50 -> 2505
    ['2274.9000', rule('percent', 'up', '10', 'five'), '2500.0000'], // 2502.39 -> 2500
    ['2275.0000', rule('percent', 'up', '10', 'ten'), '2500.0000'], // 2502.50 -> 2500
    ['1450.0000', rule('amount', 'up', '5', 'ten'), '1460.0000'], // 1455 -> 1460
    ['1450.0000', rule('amount', 'up', '4.99', 'ten'), '1450.0000'], // 1454.99 -> 1450
    ['2.0000', rule('amount', 'down', '5', 'five'), '-5.0000'], // -3 -> -5 (away from zero)
  ])('%s with %o -> %s', (price, priceRule, expected) => {
    expect(applyPriceRule(price, priceRule)).toBe(expected);
  });

  it('previews every product, counts the changed ones and flags the negative ones', () => {
    const preview = previewPrices(
      [
        { id: 'a', price: '1000' },
        { id: 'b', price: '40.00' },
        { id: 'c', price: '50.0000' },
      ],
      rule('amount', 'down', '50'),
    );
    expect(preview).toEqual({
      changes: [
        { id: 'a', oldPrice: '1000.0000', newPrice: '950.0000', negative: false },
        { id: 'b', oldPrice: '40.0000', newPrice: '-10.0000', negative: true },
        { id: 'c', oldPrice: '50.0000', newPrice: '0.0000', negative: false },
      ],
      changed: 3,
      negative: 1,
    });
  });

  it('fingerprints the rule and the products by id, whatever their order or trailing zeros', () => {
    const r = rule('percent', 'up', '10');
    const one = previewFingerprint(
      [
        { id: 'b', price: '2.5' },
        { id: 'a', price: '1' },
      ],
      r,
    );
    expect(one).toBe('percent|up|10|cents\na:1.0000\nb:2.5000');
    expect(
      previewFingerprint(
        [
          { id: 'a', price: '1.00' },
          { id: 'b', price: '2.50' },
        ],
        r,
      ),
    ).toBe(one);
    expect(
      previewFingerprint(
        [
          { id: 'a', price: '1.01' },
          { id: 'b', price: '2.50' },
        ],
        r,
      ),
    ).not.toBe(one);
    expect(
      previewFingerprint(
        [
          { id: 'a', price: '1' },
          { id: 'b', price: '2.5' },
        ],
        rule('percent', 'up', '11'),
      ),
    ).not.toBe(one);
  });
});

describe('barcodes', () => {
  it('computes and checks GS1 check digits (EAN-13, UPC-A, EAN-8)', () => {
    expect(gs1CheckDigit('400638133393')).toBe(1); // EAN-13 4006381333931
    expect(gs1CheckDigit('03600029145')).toBe(2); // UPC-A 036000291452
    expect(gs1CheckDigit('9638507')).toBe(4); // EAN-8 96385074
    expect(barcodeIssue('4006381333931')).toBeNull();
    expect(barcodeIssue('4006381333932')).toBe('checkDigit');
    expect(barcodeIssue('036000291452')).toBeNull();
    expect(barcodeIssue('036000291453')).toBe('checkDigit');
    expect(barcodeIssue('96385074')).toBeNull();
    expect(barcodeIssue('12345')).toBeNull(); // short numeric codes are the shop's own
    expect(barcodeIssue('MON-001/NG')).toBeNull();
    expect(barcodeIssue('')).toBe('empty');
    expect(barcodeIssue('Ñ12')).toBe('characters');
    expect(barcodeIssue('X'.repeat(49))).toBe('tooLong');
  });

  it('normalises what a scanner or a person types and picks the symbology', () => {
    expect(normaliseBarcode(' mon-001 ng ')).toBe('MON-001NG');
    expect(barcodeSymbology('4006381333931')).toBe('ean13');
    expect(barcodeSymbology('4006381333932')).toBe('code128');
    expect(barcodeSymbology('036000291452')).toBe('code128');
  });

  it('makes internal EAN-13 codes in the in-store prefix 20', () => {
    expect(internalBarcode(() => '0000000001')).toBe('2000000000015');
    const random = internalBarcode();
    expect(random).toMatch(/^20\d{11}$/);
    expect(barcodeIssue(random)).toBeNull();
  });
});

describe('frame variants', () => {
  it('plans colour x size variants with their SKUs', async () => {
    const { planVariants, parseSizes, colourCode } = await import('../../../src/domain/variants');
    expect(colourCode('Dorado')).toBe('DOR');
    expect(colourCode('Azul índigo')).toBe('AZU');
    expect(colourCode('Ónix')).toBe('ONI');
    expect(parseSizes(' 52, 54;54\n56 ')).toEqual(['52', '54', '56']);
    expect(planVariants('RB3025', ['Negro', 'Dorado'], ['55', '58'])).toEqual([
      { colour: 'Negro', size: '55', sku: 'RB3025-NEG-55' },
      { colour: 'Negro', size: '58', sku: 'RB3025-NEG-58' },
      { colour: 'Dorado', size: '55', sku: 'RB3025-DOR-55' },
      { colour: 'Dorado', size: '58', sku: 'RB3025-DOR-58' },
    ]);
    expect(planVariants('M1', ['Carey'], [])).toEqual([{ colour: 'Carey', size: null, sku: 'M1-CAR' }]);
  });
});
