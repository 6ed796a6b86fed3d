/**
 * Time-based one-time passwords (RFC 6238 over RFC 4226 HOTP) with WebCrypto HMAC-SHA1, as every
 * authenticator app speaks them: 30-second steps, 6 digits, secrets in base32 (RFC 4648).
 */

export const totpPolicy = {
  stepSeconds: 30,
  digits: 6,
  /** Steps accepted either side of now, for clock drift between the phone and the server. */
  window: 1,
  secretBytes: 20,
  issuer: 'OptiFlow',
};

const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

export function base32Encode(bytes: Uint8Array): string {
  let bits = 0;
  let value = 0;
  let output = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      output += alphabet[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) output += alphabet[(value << (5 - bits)) & 31];
  return output;
}

/** Decodes base32, ignoring case, spaces and padding (as people type them); null if invalid. */
export function base32Decode(text: string): Uint8Array<ArrayBuffer> | null {
  const clean = text.toUpperCase().replace(/[\s=-]/g, '');
  const bytes: number[] = [];
  let bits = 0;
  let value = 0;
  for (const char of clean) {
    const index = alphabet.indexOf(char);
    if (index < 0) return null;
    value = ((value << 5) | index) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      bytes.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return new Uint8Array(bytes);
}

/** A fresh secret: 20 random bytes (the RFC's SHA-1 key length) in base32. */
export function generateTotpSecret(): string {
  return base32Encode(crypto.getRandomValues(new Uint8Array(totpPolicy.secretBytes)));
}

/** RFC 4226 HOTP of one counter value. */
export async function hotp(secret: Uint8Array, counter: number, digits = totpPolicy.digits): Promise<string> {
  const key = await crypto.subtle.importKey('raw', new Uint8Array(secret), { name: 'HMAC', hash: 'SHA-1' }, false, [
    'sign',
  ]);
  const message = new DataView(new ArrayBuffer(8));
  message.setUint32(0, Math.floor(counter / 2 ** 32));
  message.setUint32(4, counter >>> 0);
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, message.buffer));
  const offset = mac[mac.length - 1]! & 0x0f;
  const binary = ((mac[offset]! & 0x7f) << 24) | (mac[offset + 1]! << 16) | (mac[offset + 2]! << 8) | mac[offset + 3]!;
  return String(binary % 10 ** digits).padStart(digits, '0');
}

/** The time step of a moment (Unix milliseconds). */
export function timeStep(nowMs: number, stepSeconds = totpPolicy.stepSeconds): number {
  return Math.floor(nowMs / 1000 / stepSeconds);
}

/** RFC 6238 TOTP at a moment (Unix milliseconds). */
export function totp(
  secret: Uint8Array,
  nowMs: number,
  options: { digits?: number; stepSeconds?: number } = {},
): Promise<string> {
  return hotp(secret, timeStep(nowMs, options.stepSeconds), options.digits);
}

/**
 * The time step a code matches within ±window steps of now, or null. Steps at or before
 * `lastStep` are refused, so a code (and any older one) is accepted at most once.
 */
export async function matchTotp(
  secretBase32: string,
  code: string,
  nowMs: number,
  lastStep: number | null = null,
): Promise<number | null> {
  const secret = base32Decode(secretBase32);
  if (!secret || !/^\d{6}$/.test(code)) return null;
  const current = timeStep(nowMs);
  let matched: number | null = null;
  // Compute every candidate, so the time taken does not tell which one matched.
  for (let step = current - totpPolicy.window; step <= current + totpPolicy.window; step++) {
    const expected = await hotp(secret, step);
    if (constantTimeEqual(expected, code) && (lastStep === null || step > lastStep) && matched === null) matched = step;
  }
  return matched;
}

/** The otpauth:// URI authenticator apps read from the QR code. */
export function otpauthUri(secretBase32: string, account: string, issuer = totpPolicy.issuer): string {
  const label = `${encodeURIComponent(issuer)}:${encodeURIComponent(account)}`;
  const params = new URLSearchParams({
    secret: secretBase32,
    issuer,
    algorithm: 'SHA1',
    digits: String(totpPolicy.digits),
    period: String(totpPolicy.stepSeconds),
  });
  return `otpauth://totp/${label}?${params.toString()}`;
}

function constantTimeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return difference === 0;
}
