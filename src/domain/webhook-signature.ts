/**
 * The signature on every webhook OptiFlow sends, for the shop's integrators to check:
 *
 *   OptiFlow-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>
 *
 * The key is the endpoint's secret exactly as shown once at creation (`whsec_...`, its UTF-8
 * bytes). A receiver recomputes the HMAC over the raw body it received (before any JSON parsing),
 * compares in constant time, and refuses a timestamp older than its tolerance (replays).
 * Several `v1=` entries may appear while a secret is being rotated; one match is enough.
 */

export const signatureHeader = 'OptiFlow-Signature';

const encoder = new TextEncoder();

function hmacKey(secret: string): Promise<CryptoKey> {
  return crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
}

function toHex(bytes: ArrayBuffer): string {
  return [...new Uint8Array(bytes)].map((byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** The hex HMAC-SHA256 of "<timestamp>.<rawBody>" under the secret. */
export async function webhookSignatureDigest(secret: string, timestamp: number, rawBody: string): Promise<string> {
  return toHex(await crypto.subtle.sign('HMAC', await hmacKey(secret), encoder.encode(`${timestamp}.${rawBody}`)));
}

/** The `OptiFlow-Signature` header value for a body sent at `timestamp` (unix seconds). */
export async function signWebhookPayload(secret: string, timestamp: number, rawBody: string): Promise<string> {
  return `t=${timestamp},v1=${await webhookSignatureDigest(secret, timestamp, rawBody)}`;
}

function constantTimeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return difference === 0;
}

/**
 * Whether `header` (the `OptiFlow-Signature` value) signs `rawBody` with `secret`, and its
 * timestamp is within `toleranceSeconds` of `now` (unix seconds; defaults to the clock).
 */
export async function verifyWebhookSignature(
  secret: string,
  header: string | null | undefined,
  rawBody: string,
  toleranceSeconds = 300,
  now = Math.floor(Date.now() / 1000),
): Promise<boolean> {
  if (!header) return false;
  let timestamp: number | null = null;
  const signatures: string[] = [];
  for (const part of header.split(',')) {
    const [name, value] = part.trim().split('=', 2);
    if (name === 't' && value && /^\d{1,12}$/.test(value)) timestamp = Number(value);
    else if (name === 'v1' && value && /^[0-9a-f]{64}$/.test(value)) signatures.push(value);
  }
  if (timestamp === null || signatures.length === 0) return false;
  if (Math.abs(now - timestamp) > toleranceSeconds) return false;
  const expected = await webhookSignatureDigest(secret, timestamp, rawBody);
  return signatures.some((signature) => constantTimeEqual(signature, expected));
}
