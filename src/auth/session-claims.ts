import { base64ToBytes } from '../tenancy/crypto';
import { base64url, fromBase64url } from './crypto';
import type { SessionState } from './session';

/**
 * The claims cookie: a session's state as the database last described it (`session_check`), signed
 * with HMAC-SHA-256 under a key derived per shop (HKDF of ENCRYPTION_KEY, the tenant id in `info`).
 * The signature keeps a user from writing their own role; the database still compares the claims
 * on every request, so stale claims are refused there.
 */
const version = 'v1';

/** Browsers keep cookies up to 4096 bytes; a session that needs more goes without claims. */
export const maxClaimsLength = 3800;

const baseKeys = new Map<string, Promise<CryptoKey>>();

function hkdfBase(secret: string): Promise<CryptoKey> {
  let key = baseKeys.get(secret);
  if (!key) {
    key = crypto.subtle.importKey('raw', base64ToBytes(secret), 'HKDF', false, ['deriveKey']);
    key.catch(() => baseKeys.delete(secret));
    baseKeys.set(secret, key);
  }
  return key;
}

export async function claimsKey(secret: string, tenantId: string): Promise<CryptoKey> {
  return crypto.subtle.deriveKey(
    {
      name: 'HKDF',
      hash: 'SHA-256',
      salt: new Uint8Array(0),
      info: new TextEncoder().encode(`optiflow session claims ${version}:${tenantId}`),
    },
    await hkdfBase(secret),
    { name: 'HMAC', hash: 'SHA-256', length: 256 },
    false,
    ['sign', 'verify'],
  );
}

export async function signClaims(key: CryptoKey, state: SessionState): Promise<string> {
  const payload = base64url(new TextEncoder().encode(JSON.stringify(state)));
  const signature = await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(`${version}.${payload}`));
  return `${version}.${payload}.${base64url(new Uint8Array(signature))}`;
}

/** The state a claims cookie carries, or null when it is malformed or its signature does not verify. */
export async function verifyClaims(key: CryptoKey, value: string): Promise<SessionState | null> {
  const [tag, payload, signature, extra] = value.split('.');
  if (tag !== version || !payload || !signature || extra !== undefined) return null;
  try {
    const valid = await crypto.subtle.verify(
      'HMAC',
      key,
      fromBase64url(signature),
      new TextEncoder().encode(`${version}.${payload}`),
    );
    if (!valid) return null;
    const state: unknown = JSON.parse(new TextDecoder().decode(fromBase64url(payload)));
    return isSessionState(state) ? state : null;
  } catch {
    return null; // not base64url or not JSON: no claims
  }
}

function isSessionState(value: unknown): value is SessionState {
  if (!value || typeof value !== 'object') return false;
  const state = value as Record<string, unknown>;
  return (
    typeof state.userId === 'string' &&
    typeof state.role === 'string' &&
    typeof state.email === 'string' &&
    typeof state.name === 'string' &&
    Array.isArray(state.branches)
  );
}
