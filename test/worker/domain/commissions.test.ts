import { describe, expect, it } from 'vitest';
import {
  type CommissionRule,
  commissionsBySeller,
  lineCommission,
  parseCommissionPeriod,
  recentCommissionPeriods,
  resolveCommissionRule,
} from '../../../src/domain/commissions';

const rules: CommissionRule[] = [
  { id: 'frames', sellerId: null, category: 'monturas', rate: '10.00' },
  { id: 'services', sellerId: null, category: 'servicios', rate: '5.00' },
  { id: 'bea', sellerId: 'bea', category: null, rate: '8.00' },
  { id: 'bea-frames', sellerId: 'bea', category: 'monturas', rate: '12.00' },
];

const line = (values: Partial<Parameters<typeof lineCommission>[0]>) => ({
  documentId: 'd1',
  kind: 'invoice' as const,
  sellerId: 'ana',
  category: 'monturas',
  amount: '100.00',
  exchangeRate: '1.0000',
  ...values,
});

describe('commission rules and figures', () => {
  it('picks the most specific active rule: seller and category, seller, category, none', () => {
    expect(resolveCommissionRule(rules, 'bea', 'monturas')?.id).toBe('bea-frames');
    expect(resolveCommissionRule(rules, 'bea', 'servicios')?.id).toBe('bea');
    expect(resolveCommissionRule(rules, 'bea', null)?.id).toBe('bea');
    expect(resolveCommissionRule(rules, 'ana', 'servicios')?.id).toBe('services');
    expect(resolveCommissionRule(rules, 'ana', 'lentes')).toBeNull();
    expect(resolveCommissionRule(rules, 'ana', null)).toBeNull();
    expect(resolveCommissionRule([], 'bea', 'monturas')).toBeNull();
  });

  it('computes each line half-up in DOP and negates a credit note on its magnitude', () => {
    // 333.33 x 8% = 26.6664 -> 26.67
    expect(lineCommission(line({ sellerId: 'bea', category: 'servicios', amount: '333.33' }), rules)).toEqual({
      base: '333.33',
      rate: '8.00',
      amount: '26.67',
    });
    // USD 100.00 x 58.5000 = 5,850.00 DOP x 10% = 585.00
    expect(lineCommission(line({ exchangeRate: '58.5000' }), rules).amount).toBe('585.00');
    // 10.05 x 58.5123 = 588.048615 -> 588.05; x 10% = 58.805 -> 58.81 (half-up on the exact base)
    expect(lineCommission(line({ amount: '10.05', exchangeRate: '58.5123' }), rules)).toEqual({
      base: '588.05',
      rate: '10.00',
      amount: '58.81',
    });
    // The same as a credit note: exactly the opposite, not -58.80
    expect(lineCommission(line({ kind: 'credit_note', amount: '10.05', exchangeRate: '58.5123' }), rules)).toEqual({
      base: '-588.05',
      rate: '10.00',
      amount: '-58.81',
    });
    expect(lineCommission(line({ category: 'lentes' }), rules)).toEqual({ base: '100.00', rate: null, amount: '0.00' });
  });

  it('sums lines per document and documents per seller without recomputing', () => {
    // Three lines of 0.05 at 10%: 0.005 each -> 0.01 each (per line), 0.03 in all (not 0.015 -> 0.02)
    const sellers = commissionsBySeller(
      [
        line({ amount: '0.05' }),
        line({ amount: '0.05' }),
        line({ documentId: 'd2', amount: '0.05' }),
        line({ documentId: 'd3', sellerId: 'bea', amount: '50.00' }),
      ],
      rules,
    );
    expect(sellers).toEqual([
      {
        sellerId: 'ana',
        base: '0.15',
        amount: '0.03',
        documents: [
          { documentId: 'd1', sellerId: 'ana', base: '0.10', amount: '0.02' },
          { documentId: 'd2', sellerId: 'ana', base: '0.05', amount: '0.01' },
        ],
      },
      {
        sellerId: 'bea',
        base: '50.00',
        amount: '6.00',
        documents: [{ documentId: 'd3', sellerId: 'bea', base: '50.00', amount: '6.00' }],
      },
    ]);
  });

  it('accepts YYYY-MM up to the current month only', () => {
    expect(parseCommissionPeriod('2026-03', '2026-03-31')).toBe('2026-03');
    expect(parseCommissionPeriod('2026-04', '2026-03-31')).toBeNull();
    expect(parseCommissionPeriod('2026-13', '2026-12-31')).toBeNull();
    expect(parseCommissionPeriod('202603', '2026-03-31')).toBeNull();
    expect(recentCommissionPeriods('2026-02', 3)).toEqual(['2026-02', '2026-01', '2025-12']);
  });
});
