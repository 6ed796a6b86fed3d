import { assetHashes } from './asset-hashes';

export type StaticAsset = keyof typeof assetHashes;

/**
 * A file of public/static with its content hash: public/_headers lets browsers keep /static/* for a
 * year without asking again, so a changed file must arrive under a new URL.
 */
export function staticUrl(name: StaticAsset): string {
  return `/static/${name}?v=${assetHashes[name]}`;
}
