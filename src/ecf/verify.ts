import type { Element, Node } from '@xmldom/xmldom';
import { canonicalize, type ParsedXml, parseXml, simpleCanonicalForm } from './c14n';
import { base64ToBytes, type CertificateInfo, parseCertificate } from './certificate';
import { DSIG_NS, ENVELOPED_ALGORITHM } from './sign';

export type VerifyFailure =
  | 'malformed_xml'
  | 'no_signature'
  | 'unsupported_algorithm'
  | 'unsupported_reference'
  | 'no_certificate'
  | 'bad_certificate'
  | 'digest_mismatch'
  | 'signature_mismatch';

export interface VerifyResult {
  valid: boolean;
  reason?: VerifyFailure;
  /** The signer's certificate (from KeyInfo), when it could be read: compare its taxId with the issuer's RNC. */
  certificate?: CertificateInfo;
  /**
   * When valid: the canonical form of exactly what the signature covers (the document without the
   * signature). Read the document's values from this rather than from the raw text, where comments
   * or whitespace the signature does not cover could have been slipped in.
   */
  signedContent?: string;
}

const C14N = 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315';
const C14N_WITH_COMMENTS = 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315#WithComments';
const SIGNATURE_HASHES: Record<string, string> = {
  'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256': 'SHA-256',
  'http://www.w3.org/2001/04/xmldsig-more#rsa-sha384': 'SHA-384',
  'http://www.w3.org/2001/04/xmldsig-more#rsa-sha512': 'SHA-512',
};
const DIGEST_HASHES: Record<string, string> = {
  'http://www.w3.org/2001/04/xmlenc#sha256': 'SHA-256',
  'http://www.w3.org/2001/04/xmldsig-more#sha384': 'SHA-384',
  'http://www.w3.org/2001/04/xmlenc#sha512': 'SHA-512',
};

const encoder = new TextEncoder();

/**
 * Verifies the enveloped XMLDSig signature of a document we receive (another issuer's e-CF, an
 * ARECF/ACECF, a signed seed, a DGII answer). The signature must cover the whole document
 * (Reference URI="" with the enveloped-signature transform, inclusive C14N, RSA with SHA-2), the
 * key being the X.509 certificate in KeyInfo. Whether that certificate belongs to the claimed issuer
 * is the caller's check (`certificate.taxId`).
 *
 * Documents may be pretty-printed or use a prefix. A signature is accepted either over the document
 * as it stands (XMLDSig) or over the document without whitespace-only text nodes, which is how
 * DGII's own .NET verifier loads it (PreserveWhitespace=false).
 */
export async function verifySignedXml(xml: string): Promise<VerifyResult> {
  const simple = simpleSignedDocument(xml);
  if (simple) {
    const result = await verifySignature(simple.signature, () => simple.canonical, false);
    if (result.valid) return result;
  }
  let doc: ParsedXml;
  try {
    doc = parseXml(xml);
  } catch {
    return { valid: false, reason: 'malformed_xml' };
  }
  const signature = lastChild(doc.documentElement, 'Signature');
  if (!signature) return { valid: false, reason: 'no_signature' };
  // URI="" selects the document without comments; the enveloped transform removes this Signature.
  // First as DGII loads it (whitespace-only text dropped), then as it stands.
  const asDgii = await verifySignature(
    signature,
    () => canonicalize(doc, { exclude: signature, dropWhitespace: true }),
    true,
  );
  if (asDgii.valid || (asDgii.reason !== 'digest_mismatch' && asDgii.reason !== 'signature_mismatch')) return asDgii;
  const asIs = await verifySignature(signature, () => canonicalize(doc, { exclude: signature }), false);
  return asIs.valid ? asIs : asDgii;
}

/**
 * A document as DGII's profile writes it (what signXml returns for the builders' output): simple
 * content, then `<Signature xmlns=dsig>` as the root's last child. Its canonical form needs no DOM
 * and only the signature is parsed; the root has no namespace or xml:* attribute to inherit, so the
 * signature parsed alone canonicalises as it does in place.
 */
function simpleSignedDocument(xml: string): { signature: Element; canonical: string } | null {
  const text = xml.replace(/[ \t\r\n]+$/, '');
  const start = text.lastIndexOf(`<Signature xmlns="${DSIG_NS}">`);
  const end = start < 0 ? -1 : text.indexOf('</Signature>', start);
  if (end < 0) return null;
  const rootEnd = text.slice(end + '</Signature>'.length);
  const unsigned = simpleCanonicalForm(text.slice(0, start) + rootEnd);
  if (!unsigned || rootEnd !== `</${unsigned.rootName}>`) return null;
  try {
    const signature = parseXml(text.slice(start, end + '</Signature>'.length)).documentElement;
    return { signature, canonical: unsigned.canonical };
  } catch {
    return null;
  }
}

async function verifySignature(
  signature: Element,
  signedContent: () => string,
  dropWhitespace: boolean,
): Promise<VerifyResult> {
  const signedInfo = child(signature, 'SignedInfo');
  const signatureValue = child(signature, 'SignatureValue');
  if (!signedInfo || !signatureValue) return { valid: false, reason: 'no_signature' };

  const c14nMethod = child(signedInfo, 'CanonicalizationMethod')?.getAttribute('Algorithm');
  const signatureHash = SIGNATURE_HASHES[child(signedInfo, 'SignatureMethod')?.getAttribute('Algorithm') ?? ''];
  if ((c14nMethod !== C14N && c14nMethod !== C14N_WITH_COMMENTS) || !signatureHash) {
    return { valid: false, reason: 'unsupported_algorithm' };
  }
  const references = children(signedInfo, 'Reference');
  const reference = references[0];
  if (references.length !== 1 || !reference || reference.getAttribute('URI') !== '') {
    return { valid: false, reason: 'unsupported_reference' };
  }
  const transforms = children(child(reference, 'Transforms'), 'Transform').map((t) => t.getAttribute('Algorithm'));
  if (!transforms.includes(ENVELOPED_ALGORITHM) || transforms.some((t) => t !== ENVELOPED_ALGORITHM && t !== C14N)) {
    return { valid: false, reason: 'unsupported_reference' };
  }
  const digestHash = DIGEST_HASHES[child(reference, 'DigestMethod')?.getAttribute('Algorithm') ?? ''];
  if (!digestHash) return { valid: false, reason: 'unsupported_algorithm' };

  const certificateText = child(child(child(signature, 'KeyInfo'), 'X509Data'), 'X509Certificate')?.textContent;
  if (!certificateText?.trim()) return { valid: false, reason: 'no_certificate' };
  let certificate: CertificateInfo;
  let key: CryptoKey;
  try {
    const parsed = parseCertificate(base64ToBytes(certificateText));
    certificate = parsed.info;
    key = await crypto.subtle.importKey(
      'spki',
      parsed.spki,
      { name: 'RSASSA-PKCS1-v1_5', hash: signatureHash },
      false,
      ['verify'],
    );
  } catch {
    return { valid: false, reason: 'bad_certificate' };
  }

  const body = signedContent();
  const digest = new Uint8Array(await crypto.subtle.digest(digestHash, encoder.encode(body)));
  const expectedDigest = decodeBase64(child(reference, 'DigestValue')?.textContent);
  if (!expectedDigest || !equalBytes(digest, expectedDigest)) {
    return { valid: false, reason: 'digest_mismatch', certificate };
  }

  const signedBytes = encoder.encode(
    canonicalize(signedInfo, { withComments: c14nMethod === C14N_WITH_COMMENTS, dropWhitespace }),
  );
  const signatureBytes = decodeBase64(signatureValue.textContent);
  const ok = !!signatureBytes && (await crypto.subtle.verify('RSASSA-PKCS1-v1_5', key, signatureBytes, signedBytes));
  return ok
    ? { valid: true, certificate, signedContent: body }
    : { valid: false, reason: 'signature_mismatch', certificate };
}

function isDsig(node: Node, name: string): node is Element {
  return node.nodeType === 1 && node.namespaceURI === DSIG_NS && (node as Element).localName === name;
}

function children(parent: Element | null | undefined, name: string): Element[] {
  const found: Element[] = [];
  for (let node = parent?.firstChild; node; node = node.nextSibling) if (isDsig(node, name)) found.push(node);
  return found;
}

function child(parent: Element | null | undefined, name: string): Element | null {
  return children(parent, name)[0] ?? null;
}

function lastChild(parent: Element, name: string): Element | null {
  return children(parent, name).at(-1) ?? null;
}

function decodeBase64(text: string | null | undefined): Uint8Array<ArrayBuffer> | null {
  try {
    return text ? base64ToBytes(text) : null;
  } catch {
    return null;
  }
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return diff === 0;
}
