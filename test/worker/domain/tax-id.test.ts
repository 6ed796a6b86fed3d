import { describe, expect, it } from 'vitest';
import { checkTaxId, formatTaxId, isValidCedula, isValidRnc, rncCheckDigit } from '../../../src/domain/tax-id';

describe('RNC', () => {
  it.each(['101850043', '131246796', '401506254', '1-01-85004-3'])('accepts %s', (rnc) => {
    expect(isValidRnc(rnc)).toBe(true);
  });

  it.each(['101850042', '10185004', '1018500431', 'abcdefghi'])('rejects %s', (rnc) => {
    expect(isValidRnc(rnc)).toBe(false);
  });

  it('computes the check digit by hand: 1-01-85004-?', () => {
    // 1*7 + 0*9 + 1*8 + 8*6 + 5*5 + 0*4 + 0*3 + 4*2 = 96; 96 mod 11 = 8; ((10 - 8) mod 9) + 1 = 3
    expect(rncCheckDigit('10185004')).toBe(3);
  });
});

describe('cédula', () => {
  it('accepts a valid number and rejects a wrong check digit', () => {
    expect(isValidCedula('00113918205')).toBe(true);
    expect(isValidCedula('001-1391820-5')).toBe(true);
    expect(isValidCedula('00113918204')).toBe(false);
    expect(isValidCedula('0011391820')).toBe(false);
  });
});

describe('checkTaxId', () => {
  it('lets a registry hit override a failed checksum, but never a bad format', () => {
    expect(checkTaxId('cedula', '00113918204')).toEqual({ ok: false, reason: 'checksum' });
    expect(checkTaxId('cedula', '00113918204', true)).toEqual({ ok: true, kind: 'cedula', digits: '00113918204' });
    expect(checkTaxId('rnc', '12345', true)).toEqual({ ok: false, reason: 'format' });
  });

  it('formats both kinds', () => {
    expect(formatTaxId('101850043')).toBe('1-01-85004-3');
    expect(formatTaxId('00113918205')).toBe('001-1391820-5');
  });
});
