/**
 * AES-GCM encryption of tenant connection strings. The key is a Worker secret (ENCRYPTION_KEY,
 * 32 random bytes in base64); the tenant id is bound as additional data, so a ciphertext copied
 * onto another tenant's record does not decrypt.
 */
const version = 'v1';

export async function importEncryptionKey(base64Key: string): Promise<CryptoKey> {
  const raw = base64ToBytes(base64Key);
  if (raw.byteLength !== 32) throw new Error('ENCRYPTION_KEY must be 32 bytes encoded in base64');
  return crypto.subtle.importKey('raw', raw, 'AES-GCM', false, ['encrypt', 'decrypt']);
}

/**
 * Importing the AES key is the same work for every request of an isolate: keep the imported key,
 * keyed by the secret itself (configuration, not request state; a rotated secret is a new entry).
 * Shop requests, the admin panel, platform jobs and the CLI all go through this.
 */
const importedKeys = new Map<string, Promise<CryptoKey>>();

export function encryptionKeyFor(secret: string): Promise<CryptoKey> {
  let key = importedKeys.get(secret);
  if (!key) {
    key = importEncryptionKey(secret);
    key.catch(() => importedKeys.delete(secret));
    importedKeys.set(secret, key);
  }
  return key;
}

export async function encryptSecret(key: CryptoKey, plaintext: string, tenantId: string): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const ciphertext = await crypto.subtle.encrypt(
    { name: 'AES-GCM', iv, additionalData: new TextEncoder().encode(tenantId) },
    key,
    new TextEncoder().encode(plaintext),
  );
  return `${version}.${bytesToBase64(iv)}.${bytesToBase64(new Uint8Array(ciphertext))}`;
}

export async function decryptSecret(key: CryptoKey, sealed: string, tenantId: string): Promise<string> {
  const [tag, iv, ciphertext] = sealed.split('.');
  if (tag !== version || !iv || !ciphertext) throw new Error('Unrecognised encrypted secret format');
  const plaintext = await crypto.subtle.decrypt(
    { name: 'AES-GCM', iv: base64ToBytes(iv), additionalData: new TextEncoder().encode(tenantId) },
    key,
    base64ToBytes(ciphertext),
  );
  return new TextDecoder().decode(plaintext);
}

export function randomSecret(bytes = 24): string {
  return bytesToBase64(crypto.getRandomValues(new Uint8Array(bytes))).replace(/[+/=]/g, (c) =>
    c === '+' ? '-' : c === '/' ? '_' : '',
  );
}

export function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

export function base64ToBytes(base64: string): Uint8Array<ArrayBuffer> {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
