/**
 * Signing credentials made in workerd (which cannot run openssl): a self-signed RSA certificate
 * with DGII's SN (serialNumber, the holder's cédula) and the company's RNC in
 * organizationIdentifier, as Dominican CAs issue them, so the DGII stand-in accepts its signatures
 * for that RNC. One per shop keeps the stand-in's per-RNC counts and modes apart.
 */
import { parseCertificate, type SigningCredentials } from '../../../src/ecf/certificate';

export async function selfSignedCredentials(rnc: string, cedula: string): Promise<SigningCredentials> {
  const algorithm = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
  const pair = (await crypto.subtle.generateKey(
    { ...algorithm, modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]) },
    true,
    ['sign', 'verify'],
  )) as CryptoKeyPair;
  const spki = new Uint8Array((await crypto.subtle.exportKey('spki', pair.publicKey)) as ArrayBuffer);
  const privateKeyPkcs8 = new Uint8Array((await crypto.subtle.exportKey('pkcs8', pair.privateKey)) as ArrayBuffer);
  const sha256WithRsa = seq(oid('1.2.840.113549.1.1.11'), der(0x05));
  const subject = seq(
    rdn('2.5.4.6', printable('DO')),
    rdn('2.5.4.10', utf8(`Óptica ${rnc}`)),
    rdn('2.5.4.97', utf8(`VATDO-${rnc}`)),
    rdn('2.5.4.5', printable(`IDCDO-${cedula}`)),
    rdn('2.5.4.3', utf8(`ÓPTICA ${rnc}`)),
  );
  const now = Date.now();
  const serial = crypto.getRandomValues(new Uint8Array(12));
  // Positive and minimal DER: a 0x00 first byte before one under 0x80 (1 in 256 random serials) makes
  // a certificate that Node's X509Certificate, and so the DGII stand-in, refuses as unreadable.
  serial[0] = 0x40 | (serial[0]! & 0x3f);
  const tbs = seq(
    der(0xa0, der(0x02, new Uint8Array([2]))),
    der(0x02, serial),
    sha256WithRsa,
    subject,
    seq(utcTime(new Date(now - 86_400_000)), utcTime(new Date(now + 30 * 86_400_000))),
    subject,
    spki,
  );
  const signature = new Uint8Array(
    await crypto.subtle.sign(algorithm, pair.privateKey, tbs as Uint8Array<ArrayBuffer>),
  );
  const certificateDer = seq(tbs, sha256WithRsa, der(0x03, new Uint8Array([0]), signature));
  return { privateKeyPkcs8, certificateDer, info: parseCertificate(certificateDer).info };
}

function der(tag: number, ...parts: Uint8Array[]): Uint8Array {
  const length = parts.reduce((sum, p) => sum + p.length, 0);
  const header =
    length < 0x80
      ? [tag, length]
      : length < 0x100
        ? [tag, 0x81, length]
        : length < 0x10000
          ? [tag, 0x82, length >> 8, length & 0xff]
          : [tag, 0x83, length >> 16, (length >> 8) & 0xff, length & 0xff];
  const out = new Uint8Array(header.length + length);
  out.set(header);
  let at = header.length;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function seq(...parts: Uint8Array[]) {
  return der(0x30, ...parts);
}

function rdn(type: string, value: Uint8Array) {
  return der(0x31, seq(oid(type), value));
}

function oid(dotted: string): Uint8Array {
  const [first, second, ...rest] = dotted.split('.').map(Number);
  const bytes = [first! * 40 + second!];
  for (const n of rest) {
    const chunk = [n & 0x7f];
    for (let v = Math.floor(n / 128); v > 0; v = Math.floor(v / 128)) chunk.unshift((v & 0x7f) | 0x80);
    bytes.push(...chunk);
  }
  return der(0x06, new Uint8Array(bytes));
}

function utf8(text: string) {
  return der(0x0c, new TextEncoder().encode(text));
}

function printable(text: string) {
  return der(0x13, new TextEncoder().encode(text));
}

function utcTime(date: Date) {
  const iso = date.toISOString();
  const text = `${iso.slice(2, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`;
  return der(0x17, new TextEncoder().encode(text));
}
