import { base64url, fromBase64url, timingSafeEqual } from './crypto';

/**
 * PBKDF2-HMAC-SHA256 through WebCrypto, the slow KDF workerd offers natively (no WASM argon2 or
 * scrypt). 100,000 iterations is the highest count workerd accepts; a 16-byte random salt per
 * password. Stored as `pbkdf2-sha256$<iterations>$<salt>$<hash>` so the count can grow later.
 */
export const pbkdf2Iterations = 100_000;
const algorithm = 'pbkdf2-sha256';

export const passwordPolicy = { minLength: 10, maxLength: 200 };

async function derive(password: string, salt: Uint8Array<ArrayBuffer>, iterations: number): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey(
    'raw',
    new TextEncoder().encode(password.normalize('NFKC')),
    'PBKDF2',
    false,
    ['deriveBits'],
  );
  const bits = await crypto.subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt, iterations }, key, 256);
  return new Uint8Array(bits);
}

export async function hashPassword(password: string): Promise<string> {
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const hash = await derive(password, salt, pbkdf2Iterations);
  return [algorithm, pbkdf2Iterations, base64url(salt), base64url(hash)].join('$');
}

export async function verifyPassword(password: string, stored: string | null): Promise<boolean> {
  // With no stored hash, still spend the time of a real check: the answer must not reveal
  // whether the account exists.
  const [kind, iterations, salt, hash] = (stored ?? `${algorithm}$${pbkdf2Iterations}$AAAAAAAAAAAAAAAAAAAAAA$`).split(
    '$',
  );
  if (kind !== algorithm || !iterations || salt === undefined || hash === undefined) return false;
  const derived = await derive(password, fromBase64url(salt), Number(iterations));
  return stored !== null && timingSafeEqual(derived, fromBase64url(hash));
}
