import { describe, expect, it } from 'vitest';
import {
  base32Decode,
  base32Encode,
  generateTotpSecret,
  hotp,
  matchTotp,
  otpauthUri,
  timeStep,
  totp,
} from '../../../src/services/platform/totp';

const rfcSecret = new TextEncoder().encode('12345678901234567890');

describe('RFC 6238 TOTP', () => {
  it('matches the Appendix B test vectors (SHA-1, 8 digits)', async () => {
    const vectors: Array<[number, string]> = [
      [59, '94287082'],
      [1111111109, '07081804'],
      [1111111111, '14050471'],
      [1234567890, '89005924'],
      [2000000000, '69279037'],
      [20000000000, '65353130'],
    ];
    for (const [seconds, expected] of vectors)
      expect(await totp(rfcSecret, seconds * 1000, { digits: 8 }), String(seconds)).toBe(expected);
  });

  it('matches the RFC 4226 Appendix D HOTP values (6 digits)', async () => {
    const expected = [
      '755224',
      '287082',
      '359152',
      '969429',
      '338314',
      '254676',
      '287922',
      '162583',
      '399871',
      '520489',
    ];
    for (const [counter, code] of expected.entries()) expect(await hotp(rfcSecret, counter)).toBe(code);
  });

  it('accepts ±1 time step, refuses further drift and steps already used', async () => {
    const secret = generateTotpSecret();
    const bytes = base32Decode(secret)!;
    const now = 1_700_000_000_000;
    const step = timeStep(now);
    const codeAt = (s: number) => hotp(bytes, s);
    expect(await matchTotp(secret, await codeAt(step), now)).toBe(step);
    expect(await matchTotp(secret, await codeAt(step - 1), now)).toBe(step - 1);
    expect(await matchTotp(secret, await codeAt(step + 1), now)).toBe(step + 1);
    expect(await matchTotp(secret, await codeAt(step - 2), now)).toBeNull();
    expect(await matchTotp(secret, await codeAt(step + 2), now)).toBeNull();
    // Once a step is used, it and every earlier step are refused.
    expect(await matchTotp(secret, await codeAt(step), now, step)).toBeNull();
    expect(await matchTotp(secret, await codeAt(step - 1), now, step)).toBeNull();
    expect(await matchTotp(secret, await codeAt(step + 1), now, step)).toBe(step + 1);
    expect(await matchTotp(secret, '12345', now)).toBeNull();
    expect(await matchTotp(secret, 'abcdef', now)).toBeNull();
  });
});

describe('base32', () => {
  it('encodes and decodes as RFC 4648 (no padding)', () => {
    const cases: Array<[string, string]> = [
      ['', ''],
      ['f', 'MY'],
      ['fo', 'MZXQ'],
      ['foo', 'MZXW6'],
      ['foob', 'MZXW6YQ'],
      ['fooba', 'MZXW6YTB'],
      ['foobar', 'MZXW6YTBOI'],
    ];
    for (const [plain, encoded] of cases) {
      expect(base32Encode(new TextEncoder().encode(plain))).toBe(encoded);
      expect(new TextDecoder().decode(base32Decode(encoded)!)).toBe(plain);
    }
    expect(new TextDecoder().decode(base32Decode('mzxw 6ytb oi==')!)).toBe('foobar');
    expect(base32Decode('MZ1!')).toBeNull();
  });

  it('makes 20-byte secrets (32 base32 characters)', () => {
    const secret = generateTotpSecret();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(base32Decode(secret)!.byteLength).toBe(20);
    expect(generateTotpSecret()).not.toBe(secret);
  });

  it('builds the otpauth URI authenticator apps read', () => {
    const text = otpauthUri('JBSWY3DPEHPK3PXP', 'ana@optiflow.test');
    expect(text.startsWith('otpauth://totp/OptiFlow:ana%40optiflow.test?')).toBe(true);
    const uri = new URL(text);
    expect(uri.searchParams.get('secret')).toBe('JBSWY3DPEHPK3PXP');
    expect(uri.searchParams.get('issuer')).toBe('OptiFlow');
    expect(uri.searchParams.get('digits')).toBe('6');
    expect(uri.searchParams.get('period')).toBe('30');
  });
});
