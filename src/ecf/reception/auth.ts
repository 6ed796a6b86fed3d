/**
 * DGII's seed protocol on the receiving side: GET semilla hands out a seed, the sender signs it and
 * posts it to validacioncertificado, and gets a bearer token for the other /fe/ endpoints.
 *
 * Seeds and tokens are signed (HMAC-SHA256 with a key derived from ENCRYPTION_KEY) and name the
 * shop, so nothing is stored when a seed is handed out (anyone may ask for one) and a token of one
 * shop verifies at no other. A seed is single-use because exchanging it inserts its hash in the
 * shop's database (src/queries/ecf-inbox.ts, claimReceiverSeed): KV could not consume it atomically.
 */
import { base64url, fromBase64url, randomToken, timingSafeEqual } from '../../auth/crypto';
import { base64ToBytes } from '../../tenancy/crypto';

/** DGII's own seeds are good for a few minutes. */
export const seedLifetimeSeconds = 120;
/** DGII's tokens last an hour ("1 hora por el momento"). */
export const tokenLifetimeSeconds = 3600;

const keyPurpose = 'optiflow:fe-receiver:v1';
const encoder = new TextEncoder();

interface SeedPayload {
  /** Tenant id. */
  t: string;
  /** Random nonce. */
  n: string;
  /** Expiry, Unix seconds. */
  e: number;
}

export interface ReceiverTokenClaims {
  /** Tenant id. */
  t: string;
  /** The sender's RNC or cédula, from its certificate. */
  s: string;
  /** SHA-256 (hex) of the sender's certificate. */
  f: string;
  /** Issued at and expiry, Unix seconds. */
  i: number;
  e: number;
}

export interface ReceiverToken {
  token: string;
  /** yyyy-MM-ddTHH:mm:ssZ, as DGII answers. */
  expira: string;
  expedido: string;
}

const importedKeys = new Map<string, Promise<CryptoKey>>();

/** The HMAC key of the receiver endpoints, derived once per isolate from ENCRYPTION_KEY. */
export function receiverKey(encryptionKeyBase64: string): Promise<CryptoKey> {
  let key = importedKeys.get(encryptionKeyBase64);
  if (!key) {
    key = deriveKey(encryptionKeyBase64);
    key.catch(() => importedKeys.delete(encryptionKeyBase64));
    importedKeys.set(encryptionKeyBase64, key);
  }
  return key;
}

async function deriveKey(encryptionKeyBase64: string): Promise<CryptoKey> {
  const master = await crypto.subtle.importKey('raw', base64ToBytes(encryptionKeyBase64), 'HKDF', false, ['deriveKey']);
  return crypto.subtle.deriveKey(
    { name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(32), info: encoder.encode(keyPurpose) },
    master,
    { name: 'HMAC', hash: 'SHA-256', length: 256 },
    false,
    ['sign', 'verify'],
  );
}

/** A fresh seed value for `tenantId`, valid `seedLifetimeSeconds`. */
export async function issueSeed(key: CryptoKey, tenantId: string, now = Date.now()): Promise<string> {
  const payload: SeedPayload = { t: tenantId, n: randomToken(24), e: Math.floor(now / 1000) + seedLifetimeSeconds };
  return sealed(key, 'seed', payload);
}

/** Whether `value` is a seed this shop handed out that has not expired (single use is the database's check). */
export async function checkSeed(
  key: CryptoKey,
  tenantId: string,
  value: string,
  now = Date.now(),
): Promise<'ok' | 'invalid' | 'expired'> {
  const payload = await opened<SeedPayload>(key, 'seed', value);
  if (!payload || payload.t !== tenantId || typeof payload.e !== 'number') return 'invalid';
  return payload.e * 1000 < now ? 'expired' : 'ok';
}

/** A bearer token for the sender whose certificate signed the seed, at this shop only. */
export async function issueReceiverToken(
  key: CryptoKey,
  values: { tenantId: string; sender: string; certificateSha256: string },
  now = Date.now(),
): Promise<ReceiverToken> {
  const issuedAt = Math.floor(now / 1000);
  const claims: ReceiverTokenClaims = {
    t: values.tenantId,
    s: values.sender,
    f: values.certificateSha256,
    i: issuedAt,
    e: issuedAt + tokenLifetimeSeconds,
  };
  return { token: await sealed(key, 'token', claims), expira: universal(claims.e), expedido: universal(claims.i) };
}

/** The claims of a valid, unexpired token of this shop; null for anything else. */
export async function verifyReceiverToken(
  key: CryptoKey,
  tenantId: string,
  token: string,
  now = Date.now(),
): Promise<ReceiverTokenClaims | null> {
  const claims = await opened<ReceiverTokenClaims>(key, 'token', token);
  if (!claims || claims.t !== tenantId || typeof claims.s !== 'string' || typeof claims.e !== 'number') return null;
  return claims.e * 1000 > now ? claims : null;
}

/** `base64url(json) . base64url(HMAC(kind . json))`: the kind keeps a seed from passing as a token. */
async function sealed(key: CryptoKey, kind: string, payload: object): Promise<string> {
  const encoded = base64url(encoder.encode(JSON.stringify(payload)));
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, encoder.encode(`${kind}.${encoded}`)));
  return `${encoded}.${base64url(mac)}`;
}

async function opened<T>(key: CryptoKey, kind: string, value: string): Promise<T | null> {
  if (value.length > 2000) return null;
  const parts = value.split('.');
  if (parts.length !== 2 || !parts.every((part) => /^[A-Za-z0-9_-]+$/.test(part))) return null;
  const [encoded, mac] = parts as [string, string];
  try {
    const expected = new Uint8Array(await crypto.subtle.sign('HMAC', key, encoder.encode(`${kind}.${encoded}`)));
    if (!timingSafeEqual(expected, fromBase64url(mac))) return null;
    const payload: unknown = JSON.parse(new TextDecoder().decode(fromBase64url(encoded)));
    return payload && typeof payload === 'object' ? (payload as T) : null;
  } catch {
    return null;
  }
}

function universal(seconds: number): string {
  return `${new Date(seconds * 1000).toISOString().slice(0, 19)}Z`;
}
