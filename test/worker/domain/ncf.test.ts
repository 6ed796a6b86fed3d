import { describe, expect, it } from 'vitest';
import { addDays, daysBetween, formatDate, shopToday } from '../../../src/domain/dates';
import {
  buyerIdRequired,
  creditNoteTypeFor,
  formatDocumentNumber,
  invoiceNcfTypes,
  isElectronic,
  remainingNumbers,
  sequenceWarnings,
} from '../../../src/domain/ncf';

describe('NCF numbers', () => {
  it('pads B-series and internal series to 8 digits and e-NCF to 10', () => {
    expect(formatDocumentNumber('B01', 'B01', 5)).toBe('B0100000005');
    expect(formatDocumentNumber('B01', 'B01', 5)).toHaveLength(11);
    expect(formatDocumentNumber('E31', 'E31', 1)).toBe('E310000000001');
    expect(formatDocumentNumber('E31', 'E31', 1)).toHaveLength(13);
    expect(formatDocumentNumber('COT-', 'COT', 42)).toBe('COT-00000042');
  });

  it('knows which types are electronic and which note modifies which invoice', () => {
    expect(isElectronic('E32')).toBe(true);
    expect(isElectronic('B02')).toBe(false);
    expect(creditNoteTypeFor('E31')).toBe('E34');
    expect(creditNoteTypeFor('B01')).toBe('B04');
    expect(invoiceNcfTypes).toEqual(['B01', 'B02', 'B14', 'B15', 'B16', 'E31', 'E32', 'E44', 'E45', 'E46']);
  });
});

describe('buyer identification', () => {
  it.each([
    ['B01', '1.00', true],
    ['E31', '1.00', true],
    ['B14', '10.00', true],
    ['B15', '10.00', true],
    ['B02', '249999.99', false],
    ['B02', '250000.00', true],
    ['E32', '250000.00', true],
    ['E32', '249999.99', false],
    ['B02', '1000000.00', true],
  ] as const)('%s with RD$%s requires it: %s', (type, total, required) => {
    expect(buyerIdRequired(type, total)).toBe(required);
  });
});

describe('sequence warnings', () => {
  const today = '2026-11-28';
  const sequence = { docType: 'B01', rangeEnd: 1000, nextNumber: 1, validUntil: '2027-12-31', active: true };

  it('warns 30 days before expiry, and when expired', () => {
    expect(sequenceWarnings(sequence, today)).toEqual([]);
    expect(sequenceWarnings({ ...sequence, validUntil: '2026-12-29' }, today)).toEqual([]);
    expect(sequenceWarnings({ ...sequence, validUntil: '2026-12-28' }, today)).toEqual(['expiresSoon']);
    expect(sequenceWarnings({ ...sequence, validUntil: today }, today)).toEqual(['expiresSoon']);
    expect(sequenceWarnings({ ...sequence, validUntil: '2026-11-27' }, today)).toEqual(['expired']);
  });

  it('warns under 100 numbers left, and when exhausted', () => {
    expect(remainingNumbers({ rangeEnd: 1000, nextNumber: 901 })).toBe(100);
    expect(sequenceWarnings({ ...sequence, nextNumber: 901 }, today)).toEqual([]);
    expect(sequenceWarnings({ ...sequence, nextNumber: 902 }, today)).toEqual(['lowRemaining']);
    expect(sequenceWarnings({ ...sequence, nextNumber: 1001 }, today)).toEqual(['exhausted']);
    expect(sequenceWarnings({ ...sequence, nextNumber: 1001, validUntil: '2026-01-01' }, today)).toEqual([
      'expired',
      'exhausted',
    ]);
  });

  it('has no expiry warning for series without a valid-until date', () => {
    expect(sequenceWarnings({ ...sequence, docType: 'COT', validUntil: null }, today)).toEqual([]);
  });
});

describe('shop dates', () => {
  it('dates documents in Santo Domingo (UTC-4), not UTC', () => {
    expect(shopToday(new Date('2026-12-01T03:59:00Z'))).toBe('2026-11-30');
    expect(shopToday(new Date('2026-12-01T04:00:00Z'))).toBe('2026-12-01');
  });

  it('adds and counts days across months and years', () => {
    expect(addDays('2026-12-30', 2)).toBe('2027-01-01');
    expect(addDays('2027-03-01', -1)).toBe('2027-02-28');
    expect(daysBetween('2026-11-28', '2026-12-28')).toBe(30);
    expect(formatDate('2026-01-05')).toBe('05/01/2026');
    expect(formatDate(null)).toBe('—');
  });
});

describe('inactiveBuyerRule (issue 9 item 17)', () => {
  it('refuses crédito fiscal (B01, E31) to any status but ACTIVO, warns for other types, ignores unknown buyers', async () => {
    const { inactiveBuyerRule } = await import('../../../src/domain/invoices');
    for (const status of ['ANULADO', 'DADO DE BAJA', 'SUSPENDIDO', 'CESE TEMPORAL', 'RECHAZADO']) {
      expect(inactiveBuyerRule('B01', status)).toBe('refuse');
      expect(inactiveBuyerRule('E31', status)).toBe('refuse');
      expect(inactiveBuyerRule('B02', status)).toBe('warn');
      expect(inactiveBuyerRule('B15', status)).toBe('warn');
    }
    expect(inactiveBuyerRule('B01', 'ACTIVO')).toBeNull();
    expect(inactiveBuyerRule('B01', ' activo ')).toBeNull();
    expect(inactiveBuyerRule('B01', null)).toBeNull();
  });
});
