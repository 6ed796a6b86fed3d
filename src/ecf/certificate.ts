import forge from 'node-forge';
import type { ecfCertificateMessages } from '../i18n/areas/ecfCertificate';

/** What the settings page shows of a signing certificate; dates are ISO 8601 (UTC). */
export interface CertificateInfo {
  subject: string;
  commonName: string | null;
  /** RNC (9 digits) or cédula (11 digits) of the holder, as the certificate carries it. */
  taxId: string | null;
  issuer: string;
  /** Certificate serial number, lower-case hex. */
  serialNumber: string;
  notBefore: string;
  notAfter: string;
}

/** A shop's signing material, read once from its .p12 and kept (encrypted) from then on. */
export interface SigningCredentials {
  privateKeyPkcs8: Uint8Array;
  certificateDer: Uint8Array;
  info: CertificateInfo;
}

/** JSON-safe form of SigningCredentials, for encrypting and storing. */
export interface StoredCredentials {
  privateKeyPkcs8: string;
  certificateDer: string;
  info: CertificateInfo;
}

export type CertificateErrorCode =
  | 'certificate_not_p12'
  | 'certificate_wrong_password'
  | 'certificate_no_private_key'
  | 'certificate_no_certificate'
  | 'certificate_not_rsa'
  | 'certificate_expired'
  | 'certificate_not_yet_valid'
  | 'certificate_invalid';

/** The catalogue message of each refusal (`{date}`: notAfter or notBefore of `info`). */
export const certificateErrorMessageKeys: Record<CertificateErrorCode, keyof typeof ecfCertificateMessages> = {
  certificate_not_p12: 'ecfCertificate.notP12',
  certificate_wrong_password: 'ecfCertificate.wrongPassword',
  certificate_no_private_key: 'ecfCertificate.noPrivateKey',
  certificate_no_certificate: 'ecfCertificate.noCertificate',
  certificate_not_rsa: 'ecfCertificate.notRsa',
  certificate_expired: 'ecfCertificate.expired',
  certificate_not_yet_valid: 'ecfCertificate.notYetValid',
  certificate_invalid: 'ecfCertificate.invalid',
};

/** A .p12 or certificate that cannot be used to sign; `code` is stable and maps to a catalogue message. */
export class CertificateError extends Error {
  override name = 'CertificateError';
  readonly code: CertificateErrorCode;
  readonly info: CertificateInfo | null;

  constructor(code: CertificateErrorCode, detail?: string, info: CertificateInfo | null = null) {
    super(detail ? `${code}: ${detail}` : code);
    this.code = code;
    this.info = info;
  }
}

const RSA_SHA256 = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } as const;
const OID_SERIAL_NUMBER = '2.5.4.5';
const OID_ORGANIZATION_IDENTIFIER = '2.5.4.97';
const OID_UID = '0.9.2342.19200300.100.1.1';
const SHORT_NAMES: Record<string, string> = {
  '2.5.4.3': 'CN',
  '2.5.4.4': 'SN',
  '2.5.4.5': 'SERIALNUMBER',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '2.5.4.12': 'T',
  '2.5.4.42': 'GN',
  '2.5.4.97': 'organizationIdentifier',
  '1.2.840.113549.1.9.1': 'E',
  '0.9.2342.19200300.100.1.1': 'UID',
};

/**
 * Reads a shop's .p12 (PKCS#12) as Dominican CAs issue it, including the legacy 3DES/RC2
 * encryption WebCrypto-only parsers refuse, and returns the RSA key with the certificate that
 * matches it. Refuses an expired or not yet valid certificate.
 */
export async function readP12(
  bytes: Uint8Array,
  password: string,
  options: { now?: Date } = {},
): Promise<SigningCredentials> {
  let asn1: forge.asn1.Asn1;
  try {
    asn1 = forge.asn1.fromDer(forge.util.createBuffer(bytesToBinary(bytes)), false);
  } catch (error) {
    throw new CertificateError('certificate_not_p12', message(error));
  }
  let p12: forge.pkcs12.Pkcs12Pfx;
  try {
    p12 = forge.pkcs12.pkcs12FromAsn1(asn1, false, password);
  } catch (error) {
    const text = message(error);
    if (/password|mac could not be verified|decrypt/i.test(text)) {
      throw new CertificateError('certificate_wrong_password', text);
    }
    if (/private key|RSAPrivateKey|not RSA|public key/i.test(text)) {
      throw new CertificateError('certificate_not_rsa', text);
    }
    throw new CertificateError('certificate_not_p12', text);
  }

  const keyBags = [
    ...(p12.getBags({ bagType: forge.pki.oids.pkcs8ShroudedKeyBag })[forge.pki.oids.pkcs8ShroudedKeyBag ?? ''] ?? []),
    ...(p12.getBags({ bagType: forge.pki.oids.keyBag })[forge.pki.oids.keyBag ?? ''] ?? []),
  ];
  const certBags = p12.getBags({ bagType: forge.pki.oids.certBag })[forge.pki.oids.certBag ?? ''] ?? [];
  const keyBag = keyBags.find((bag) => bag.key);
  if (!keyBag?.key) {
    // forge throws on a key it cannot decrypt; a decrypted key it leaves empty is not RSA (e.g. EC).
    if (keyBags.length > 0) throw new CertificateError('certificate_not_rsa', 'the private key is not RSA');
    throw new CertificateError('certificate_no_private_key');
  }
  const key = keyBag.key as forge.pki.rsa.PrivateKey;
  if (!key.n || !key.e) throw new CertificateError('certificate_not_rsa');
  const certs = certBags.map((bag) => bag.cert).filter((cert): cert is forge.pki.Certificate => !!cert);
  if (certs.length === 0) throw new CertificateError('certificate_no_certificate');
  const cert = certs.find((candidate) => {
    const publicKey = candidate.publicKey as forge.pki.rsa.PublicKey;
    return publicKey.n?.equals(key.n) && publicKey.e?.equals(key.e);
  });
  if (!cert) throw new CertificateError('certificate_no_certificate', 'no certificate matches the private key');

  const certificateDer = binaryToBytes(forge.asn1.toDer(forge.pki.certificateToAsn1(cert)).getBytes());
  const privateKeyPkcs8 = binaryToBytes(
    forge.asn1.toDer(forge.pki.wrapRsaPrivateKey(forge.pki.privateKeyToAsn1(key))).getBytes(),
  );
  const info = describeCertificate(cert);
  assertCurrentlyValid(info, options.now ?? new Date());
  // Prove WebCrypto accepts the key now rather than at the first invoice.
  await crypto.subtle.importKey('pkcs8', ownBuffer(privateKeyPkcs8), RSA_SHA256, false, ['sign']).catch((error) => {
    throw new CertificateError('certificate_not_rsa', message(error), info);
  });
  return { privateKeyPkcs8, certificateDer, info };
}

/** Throws certificate_expired / certificate_not_yet_valid when `now` is outside the validity period. */
export function assertCurrentlyValid(info: CertificateInfo, now: Date = new Date()): void {
  if (now.getTime() > Date.parse(info.notAfter)) throw new CertificateError('certificate_expired', info.notAfter, info);
  if (now.getTime() < Date.parse(info.notBefore)) {
    throw new CertificateError('certificate_not_yet_valid', info.notBefore, info);
  }
}

/** The WebCrypto signing key (RSASSA-PKCS1-v1_5 with SHA-256), not extractable. */
export function importSigningKey(credentials: Pick<SigningCredentials, 'privateKeyPkcs8'>): Promise<CryptoKey> {
  return crypto.subtle.importKey('pkcs8', ownBuffer(credentials.privateKeyPkcs8), RSA_SHA256, false, ['sign']);
}

/** Reads an X.509 certificate (DER): what it says about its holder and its public key as SPKI. */
export function parseCertificate(certificateDer: Uint8Array): { info: CertificateInfo; spki: Uint8Array<ArrayBuffer> } {
  let cert: forge.pki.Certificate;
  try {
    cert = forge.pki.certificateFromAsn1(forge.asn1.fromDer(bytesToBinary(certificateDer)));
  } catch (error) {
    const text = message(error);
    throw new CertificateError(/not RSA/i.test(text) ? 'certificate_not_rsa' : 'certificate_invalid', text);
  }
  const spki = binaryToBytes(forge.asn1.toDer(forge.pki.publicKeyToAsn1(cert.publicKey)).getBytes());
  return { info: describeCertificate(cert), spki };
}

export function storeCredentials(credentials: SigningCredentials): StoredCredentials {
  return {
    privateKeyPkcs8: bytesToBase64(credentials.privateKeyPkcs8),
    certificateDer: bytesToBase64(credentials.certificateDer),
    info: credentials.info,
  };
}

export function loadCredentials(stored: StoredCredentials): SigningCredentials {
  return {
    privateKeyPkcs8: base64ToBytes(stored.privateKeyPkcs8),
    certificateDer: base64ToBytes(stored.certificateDer),
    info: stored.info,
  };
}

function describeCertificate(cert: forge.pki.Certificate): CertificateInfo {
  const subject = attributes(cert.subject.attributes);
  const issuer = attributes(cert.issuer.attributes);
  return {
    subject: distinguishedName(subject),
    commonName: subject.find((attr) => attr.oid === '2.5.4.3')?.value ?? null,
    taxId: taxIdOf(subject),
    issuer: distinguishedName(issuer),
    serialNumber: cert.serialNumber.toLowerCase(),
    notBefore: cert.validity.notBefore.toISOString(),
    notAfter: cert.validity.notAfter.toISOString(),
  };
}

interface Attribute {
  oid: string;
  value: string;
}

function attributes(list: forge.pki.CertificateField[]): Attribute[] {
  return list.map((attr) => ({
    oid: attr.type ?? '',
    value: decodeAttributeValue(String(attr.value ?? ''), attr.valueTagClass as number | undefined),
  }));
}

/** forge hands attribute values over as raw bytes; UTF8String and BMPString need decoding. */
function decodeAttributeValue(raw: string, tag: number | undefined): string {
  if (tag === forge.asn1.Type.UTF8) return new TextDecoder().decode(binaryToBytes(raw));
  if (tag === forge.asn1.Type.BMPSTRING) {
    let out = '';
    for (let i = 0; i + 1 < raw.length; i += 2)
      out += String.fromCharCode((raw.charCodeAt(i) << 8) | raw.charCodeAt(i + 1));
    return out;
  }
  return raw;
}

function distinguishedName(list: Attribute[]): string {
  return list
    .map((attr) => `${SHORT_NAMES[attr.oid] ?? attr.oid}=${attr.value.replace(/([,+"\\<>;])/g, '\\$1')}`)
    .join(', ');
}

/**
 * Dominican CAs put the holder's RNC or cédula in the subject: in organizationIdentifier (2.5.4.97,
 * "VATDO-..."), in serialNumber (2.5.4.5, often with an ETSI prefix such as "IDCDO-" or "RNC"), or
 * in UID; failing those, any other subject attribute (OU, CN) holding one. The first 9- or 11-digit
 * number found, in that order, is the tax id.
 */
function taxIdOf(subject: Attribute[]): string | null {
  const preferred = [OID_ORGANIZATION_IDENTIFIER, OID_SERIAL_NUMBER, OID_UID];
  const ordered = [
    ...preferred.flatMap((oid) => subject.filter((attr) => attr.oid === oid)),
    ...subject.filter((attr) => !preferred.includes(attr.oid)),
  ];
  for (const attr of ordered) {
    const digits = attr.value.replace(/[\s-]/g, '').match(/(?:^|\D)(\d{11}|\d{9})(?:\D|$)/);
    if (digits?.[1]) return digits[1];
  }
  return null;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function bytesToBinary(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 0x8000) out += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return out;
}

function binaryToBytes(binary: string): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

export function bytesToBase64(bytes: Uint8Array): string {
  return btoa(bytesToBinary(bytes));
}

export function base64ToBytes(base64: string): Uint8Array<ArrayBuffer> {
  return binaryToBytes(atob(base64.replace(/\s+/g, '')));
}

/** WebCrypto takes views over a plain ArrayBuffer only (not a SharedArrayBuffer). */
function ownBuffer(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return bytes.buffer instanceof ArrayBuffer ? (bytes as Uint8Array<ArrayBuffer>) : new Uint8Array(bytes);
}
