import { describe, expect, it } from 'vitest';
import { computeCreditTotals, computeTotals, toDop, TotalsError, type LineInput } from '../../../src/domain/totals';

const line = (quantity: string, unitPrice: string, taxRate: string, discount = '0', exempt = false): LineInput => ({
  quantity,
  unitPrice,
  discount,
  taxRate,
  exempt,
});
const exemptLine = (quantity: string, unitPrice: string, discount = '0') =>
  line(quantity, unitPrice, '0.00', discount, true);

interface MoneyCase {
  name: string;
  lines: LineInput[];
  chargeItbis?: boolean;
  expected: {
    gross: string;
    discount: string;
    taxable: string;
    exempt: string;
    itbis: string;
    total: string;
    breakdown: Array<[string, string, string]>;
    amounts?: string[];
  };
  /** Exchange rate and the expected DOP figures [taxable, exempt, itbis, total]. */
  dop?: { rate: string; expected: [string, string, string, string] };
}

/** Every expected cent below was worked out by hand, in the comment of its case. */
const cases: MoneyCase[] = [
  {
    // 1 x 1,000.00 = 1,000.00 at 18% -> ITBIS 180.00; total 1,180.00
    name: 'one line at 18%',
    lines: [line('1', '1000', '18')],
    expected: {
      gross: '1000.00',
      discount: '0.00',
      taxable: '1000.00',
      exempt: '0.00',
      itbis: '180.00',
      total: '1180.00',
      breakdown: [['18.00', '1000.00', '180.00']],
    },
  },
  {
    // 2 x 1,500.00 = 3,000.00 - 100.00 discount = 2,900.00; 18% = 522.00; total 3,422.00
    name: 'quantity with a line discount',
    lines: [line('2', '1500', '18', '100')],
    expected: {
      gross: '3000.00',
      discount: '100.00',
      taxable: '2900.00',
      exempt: '0.00',
      itbis: '522.00',
      total: '3422.00',
      breakdown: [['18.00', '2900.00', '522.00']],
    },
  },
  {
    // 3 x 333.3333 = 999.9999 -> half-up 1,000.00; 18% = 180.00; total 1,180.00
    name: 'price with 4 decimals rounding up to a whole amount',
    lines: [line('3', '333.3333', '18')],
    expected: {
      gross: '1000.00',
      discount: '0.00',
      taxable: '1000.00',
      exempt: '0.00',
      itbis: '180.00',
      total: '1180.00',
      breakdown: [['18.00', '1000.00', '180.00']],
    },
  },
  {
    // 750.5212 -> 750.52 (docs/domain.md); 750.52 x 18% = 135.0936 -> 135.09; total 885.61
    name: 'DOMAIN.md rounding example 750.5212',
    lines: [line('1', '750.5212', '18')],
    expected: {
      gross: '750.52',
      discount: '0.00',
      taxable: '750.52',
      exempt: '0.00',
      itbis: '135.09',
      total: '885.61',
      breakdown: [['18.00', '750.52', '135.09']],
    },
  },
  {
    // 750.5276 -> 750.53 (docs/domain.md); 750.53 x 18% = 135.0954 -> 135.10; total 885.63
    name: 'DOMAIN.md rounding example 750.5276',
    lines: [line('1', '750.5276', '18')],
    expected: {
      gross: '750.53',
      discount: '0.00',
      taxable: '750.53',
      exempt: '0.00',
      itbis: '135.10',
      total: '885.63',
      breakdown: [['18.00', '750.53', '135.10']],
    },
  },
  {
    // 2 x 500.00 = 1,000.00 at 16% = 160.00; total 1,160.00
    name: 'one line at 16%',
    lines: [line('2', '500', '16')],
    expected: {
      gross: '1000.00',
      discount: '0.00',
      taxable: '1000.00',
      exempt: '0.00',
      itbis: '160.00',
      total: '1160.00',
      breakdown: [['16.00', '1000.00', '160.00']],
    },
  },
  {
    // 250.00 at 0%: taxable (not exempt) 250.00, ITBIS 0.00; total 250.00
    name: 'a 0% line is taxable at zero, not exempt',
    lines: [line('1', '250', '0')],
    expected: {
      gross: '250.00',
      discount: '0.00',
      taxable: '250.00',
      exempt: '0.00',
      itbis: '0.00',
      total: '250.00',
      breakdown: [['0.00', '250.00', '0.00']],
    },
  },
  {
    // 800.00 exempt ("E"): no taxable amount, no ITBIS entry; total 800.00
    name: 'an exempt line',
    lines: [exemptLine('1', '800')],
    expected: {
      gross: '800.00',
      discount: '0.00',
      taxable: '0.00',
      exempt: '800.00',
      itbis: '0.00',
      total: '800.00',
      breakdown: [],
    },
  },
  {
    // 1,000.00 @18% (180.00) + 500.00 @16% (80.00) + 200.00 @0% + 300.00 exempt
    // taxable 1,700.00, exempt 300.00, ITBIS 260.00; total 2,260.00
    name: 'mixed 18 / 16 / 0 / exempt',
    lines: [line('1', '1000', '18'), line('1', '500', '16'), line('1', '200', '0'), exemptLine('1', '300')],
    expected: {
      gross: '2000.00',
      discount: '0.00',
      taxable: '1700.00',
      exempt: '300.00',
      itbis: '260.00',
      total: '2260.00',
      breakdown: [
        ['18.00', '1000.00', '180.00'],
        ['16.00', '500.00', '80.00'],
        ['0.00', '200.00', '0.00'],
      ],
    },
  },
  {
    // ITBIS per rate on the sum, not per line: 3 x 0.03 = 0.09 x 18% = 0.0162 -> 0.02
    // (per line it would be 0.0054 -> 0.01 three times = 0.03); total 0.11
    name: 'ITBIS is computed on the sum of each rate',
    lines: [line('1', '0.03', '18'), line('1', '0.03', '18'), line('1', '0.03', '18')],
    expected: {
      gross: '0.09',
      discount: '0.00',
      taxable: '0.09',
      exempt: '0.00',
      itbis: '0.02',
      total: '0.11',
      breakdown: [['18.00', '0.09', '0.02']],
    },
  },
  {
    // 100.00 fully discounted -> 0.00; plus 50.00 at 18% = 9.00; gross 150.00, discount 100.00, total 59.00
    name: 'a fully discounted line',
    lines: [line('1', '100', '18', '100'), line('1', '50', '18')],
    expected: {
      gross: '150.00',
      discount: '100.00',
      taxable: '50.00',
      exempt: '0.00',
      itbis: '9.00',
      total: '59.00',
      breakdown: [['18.00', '50.00', '9.00']],
      amounts: ['0.00', '50.00'],
    },
  },
  {
    // 1.5 x 99.99 = 149.985 -> 149.99; 18% = 26.9982 -> 27.00; total 176.99
    name: 'fractional quantity',
    lines: [line('1.5', '99.99', '18')],
    expected: {
      gross: '149.99',
      discount: '0.00',
      taxable: '149.99',
      exempt: '0.00',
      itbis: '27.00',
      total: '176.99',
      breakdown: [['18.00', '149.99', '27.00']],
    },
  },
  {
    // 0.25 x 10.0001 = 2.500025 -> 2.50; 18% = 0.45; total 2.95
    name: 'quarter quantity with a 4-decimal price',
    lines: [line('0.25', '10.0001', '18')],
    expected: {
      gross: '2.50',
      discount: '0.00',
      taxable: '2.50',
      exempt: '0.00',
      itbis: '0.45',
      total: '2.95',
      breakdown: [['18.00', '2.50', '0.45']],
    },
  },
  {
    // 0.1250 -> exactly half a cent -> half-up 0.13; 18% = 0.0234 -> 0.02; total 0.15
    name: 'half a cent on the line rounds up',
    lines: [line('1', '0.125', '18')],
    expected: {
      gross: '0.13',
      discount: '0.00',
      taxable: '0.13',
      exempt: '0.00',
      itbis: '0.02',
      total: '0.15',
      breakdown: [['18.00', '0.13', '0.02']],
    },
  },
  {
    // 0.25 x 18% = 0.045 -> exactly half a cent of ITBIS -> 0.05; total 0.30
    name: 'half a cent of ITBIS rounds up',
    lines: [line('1', '0.25', '18')],
    expected: {
      gross: '0.25',
      discount: '0.00',
      taxable: '0.25',
      exempt: '0.00',
      itbis: '0.05',
      total: '0.30',
      breakdown: [['18.00', '0.25', '0.05']],
    },
  },
  {
    // 10 x 25,000.00 = 250,000.00 at 18% = 45,000.00; total 295,000.00
    name: 'large amounts',
    lines: [line('10', '25000', '18')],
    expected: {
      gross: '250000.00',
      discount: '0.00',
      taxable: '250000.00',
      exempt: '0.00',
      itbis: '45000.00',
      total: '295000.00',
      breakdown: [['18.00', '250000.00', '45000.00']],
    },
  },
  {
    // 7 x 123.4567 = 864.1969 -> 864.20; - 64.20 = 800.00; 16% = 128.00; total 928.00
    name: 'discount on a 4-decimal price',
    lines: [line('7', '123.4567', '16', '64.20')],
    expected: {
      gross: '864.20',
      discount: '64.20',
      taxable: '800.00',
      exempt: '0.00',
      itbis: '128.00',
      total: '928.00',
      breakdown: [['16.00', '800.00', '128.00']],
    },
  },
  {
    // USD: 100.00 at 18% = 18.00; total 118.00. At 58.5000 DOP/USD:
    // taxable 100.00 x 58.5 = 5,850.00; ITBIS 18.00 x 58.5 = 1,053.00; total 6,903.00
    name: 'USD at a whole-ish rate',
    lines: [line('1', '100', '18')],
    expected: {
      gross: '100.00',
      discount: '0.00',
      taxable: '100.00',
      exempt: '0.00',
      itbis: '18.00',
      total: '118.00',
      breakdown: [['18.00', '100.00', '18.00']],
    },
    dop: { rate: '58.5000', expected: ['5850.00', '0.00', '1053.00', '6903.00'] },
  },
  {
    // USD: 2 x 49.995 = 99.99; 18% = 17.9982 -> 18.00; total 117.99. At 59.1234:
    // 99.99 x 59.1234 = 5,911.748766 -> 5,911.75; 18.00 x 59.1234 = 1,064.2212 -> 1,064.22; total 6,975.97
    name: 'USD with a 4-decimal rate, each DOP figure rounded',
    lines: [line('2', '49.995', '18')],
    expected: {
      gross: '99.99',
      discount: '0.00',
      taxable: '99.99',
      exempt: '0.00',
      itbis: '18.00',
      total: '117.99',
      breakdown: [['18.00', '99.99', '18.00']],
    },
    dop: { rate: '59.1234', expected: ['5911.75', '0.00', '1064.22', '6975.97'] },
  },
  {
    // USD: 100.00 at 16% = 16.00 + 300.00 exempt; total 416.00. At 60.0050:
    // 100 x 60.005 = 6,000.50; 300 x 60.005 = 18,001.50; 16 x 60.005 = 960.08; total 24,962.08
    name: 'USD with exempt and 16% lines',
    lines: [line('1', '100', '16'), exemptLine('1', '300')],
    expected: {
      gross: '400.00',
      discount: '0.00',
      taxable: '100.00',
      exempt: '300.00',
      itbis: '16.00',
      total: '416.00',
      breakdown: [['16.00', '100.00', '16.00']],
    },
    dop: { rate: '60.0050', expected: ['6000.50', '18001.50', '960.08', '24962.08'] },
  },
  {
    // Half a DOP cent: 0.01 at 0% x 0.5000 = 0.005 -> 0.01
    name: 'DOP conversion rounds half-up',
    lines: [line('1', '0.01', '0')],
    expected: {
      gross: '0.01',
      discount: '0.00',
      taxable: '0.01',
      exempt: '0.00',
      itbis: '0.00',
      total: '0.01',
      breakdown: [['0.00', '0.01', '0.00']],
    },
    dop: { rate: '0.5000', expected: ['0.01', '0.00', '0.00', '0.01'] },
  },
  {
    // Full credit note of case 2 within 30 days (ITBIS refunded): same figures, total 3,422.00
    name: 'credit note, full, with ITBIS',
    lines: [line('2', '1500', '18', '100')],
    chargeItbis: true,
    expected: {
      gross: '3000.00',
      discount: '100.00',
      taxable: '2900.00',
      exempt: '0.00',
      itbis: '522.00',
      total: '3422.00',
      breakdown: [['18.00', '2900.00', '522.00']],
    },
  },
  {
    // Partial credit note: 1 of the 2 frames, half the discount: 1,500.00 - 50.00 = 1,450.00; 18% = 261.00; total 1,711.00
    name: 'credit note, partial, with ITBIS',
    lines: [line('1', '1500', '18', '50')],
    chargeItbis: true,
    expected: {
      gross: '1500.00',
      discount: '50.00',
      taxable: '1450.00',
      exempt: '0.00',
      itbis: '261.00',
      total: '1711.00',
      breakdown: [['18.00', '1450.00', '261.00']],
    },
  },
  {
    // Credit note after 30 days: the price is refunded, the ITBIS is not: 1,500.00 taxable, ITBIS 0.00, total 1,500.00
    name: 'credit note after 30 days, no ITBIS refund',
    lines: [line('1', '1500', '18')],
    chargeItbis: false,
    expected: {
      gross: '1500.00',
      discount: '0.00',
      taxable: '1500.00',
      exempt: '0.00',
      itbis: '0.00',
      total: '1500.00',
      breakdown: [['18.00', '1500.00', '0.00']],
    },
  },
  {
    // Full credit note after 30 days of a mixed invoice: 1,000.00 @18% (no ITBIS) + 200.00 exempt = 1,200.00
    name: 'credit note after 30 days, mixed with exempt',
    lines: [line('1', '1000', '18'), exemptLine('1', '200')],
    chargeItbis: false,
    expected: {
      gross: '1200.00',
      discount: '0.00',
      taxable: '1000.00',
      exempt: '200.00',
      itbis: '0.00',
      total: '1200.00',
      breakdown: [['18.00', '1000.00', '0.00']],
    },
  },
];

describe('invoice totals, hand-computed to the cent', () => {
  it('has at least 20 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(20);
  });

  for (const testCase of cases) {
    it(testCase.name, () => {
      const totals = computeTotals(testCase.lines, { chargeItbis: testCase.chargeItbis });
      const { expected } = testCase;
      expect({
        gross: totals.grossTotal,
        discount: totals.discountTotal,
        taxable: totals.taxableTotal,
        exempt: totals.exemptTotal,
        itbis: totals.itbisTotal,
        total: totals.total,
        breakdown: totals.taxBreakdown.map((entry) => [entry.rate, entry.taxable, entry.itbis]),
      }).toEqual({
        gross: expected.gross,
        discount: expected.discount,
        taxable: expected.taxable,
        exempt: expected.exempt,
        itbis: expected.itbis,
        total: expected.total,
        breakdown: expected.breakdown,
      });
      if (expected.amounts) expect(totals.lines.map((l) => l.amount)).toEqual(expected.amounts);
      if (testCase.dop) {
        const dop = toDop(totals, testCase.dop.rate);
        expect([dop.taxableTotalDop, dop.exemptTotalDop, dop.itbisTotalDop, dop.totalDop]).toEqual(
          testCase.dop.expected,
        );
      }
    });
  }

  it('refuses a discount larger than the line and a zero quantity', () => {
    expect(() => computeTotals([line('1', '10', '18', '10.01')])).toThrow(TotalsError);
    expect(() => computeTotals([line('0', '10', '18')])).toThrow(TotalsError);
  });
});

describe('computeCreditTotals: the notes of an invoice add up to its total', () => {
  // 3 x 1,234.5678 - 1,222.22 (33%) = 2,481.48 at 18% (446.67): total 2,928.15, credited one unit at a time.
  const source = {
    quantity: '3',
    unitPrice: '1234.5678',
    discount: '1222.22',
    amount: '2481.48',
    taxRate: '18.00',
    exempt: false,
  };
  const rate = { rate: '18.00', taxable: '2481.48', itbis: '446.67' };
  // [credited qty, amount, discount, taxable, itbis before] -> [gross, discount, amount, itbis, total], by hand:
  const table: Array<[[string, string, string, string, string], [string, string, string, string, string]]> = [
    // gross round(3,703.70/3) = 1,234.57; discount round(1,222.22/3) = 407.41; ITBIS round(827.16 x 18%) = 148.89
    [
      ['0', '0', '0', '0', '0'],
      ['1234.57', '407.41', '827.16', '148.89', '976.05'],
    ],
    // gross 2,469.13 - 1,234.57; discount 814.81 - 407.41; ITBIS round(1,654.32 x 18%) = 297.78 - 148.89
    [
      ['1', '827.16', '407.41', '827.16', '148.89'],
      ['1234.56', '407.40', '827.16', '148.89', '976.05'],
    ],
    // last unit: what is left - 2,481.48 - 1,654.32; 1,222.22 - 814.81; ITBIS 446.67 - 297.78
    [
      ['2', '1654.32', '814.81', '1654.32', '297.78'],
      ['1234.57', '407.41', '827.16', '148.89', '976.05'],
    ],
  ];
  it.each(table)('after %j credits %j', ([quantity, amount, discount, taxable, itbis], expected) => {
    const totals = computeCreditTotals(
      [
        {
          source: { ...source, creditedQuantity: quantity, creditedAmount: amount, creditedDiscount: discount },
          quantity: '1',
        },
      ],
      [{ ...rate, creditedTaxable: taxable, creditedItbis: itbis }],
      { chargeItbis: true },
    );
    expect([totals.grossTotal, totals.discountTotal, totals.taxableTotal, totals.itbisTotal, totals.total]).toEqual(
      expected,
    );
  });

  it('refunds no ITBIS after 30 days and refuses more than is left', () => {
    const totals = computeCreditTotals(
      [{ source: { ...source, creditedQuantity: '0', creditedAmount: '0', creditedDiscount: '0' }, quantity: '3' }],
      [{ ...rate, creditedTaxable: '0', creditedItbis: '0' }],
      {
        chargeItbis: false,
      },
    );
    expect([totals.taxableTotal, totals.itbisTotal, totals.total]).toEqual(['2481.48', '0.00', '2481.48']);
    expect(() =>
      computeCreditTotals(
        [
          {
            source: { ...source, creditedQuantity: '2', creditedAmount: '1654.32', creditedDiscount: '814.81' },
            quantity: '2',
          },
        ],
        [],
        { chargeItbis: true },
      ),
    ).toThrow(TotalsError);
  });
});
