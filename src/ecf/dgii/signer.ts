import { signXml, type XmlSigner } from '../sign';
import type { SeedSigner } from './client';

/** The shop's signing credentials as the DGII client's seed signer. */
export function seedSigner(credentials: XmlSigner): SeedSigner {
  return { certificateDer: credentials.certificateDer, sign: (xml) => signXml(xml, credentials) };
}
