/** One entry point for every e-CF type: the family builder for `doc.type`. */
import type { EcfDocument, EcfType } from '../model';
import { buildNoteEcf, noteProfiles } from './notes';
import type { EcfProfile } from './profile';
import { buildPurchaseEcf, purchaseProfiles } from './purchases';
import { buildSalesEcf, salesProfiles } from './sales';
import { buildSpecialEcf, specialProfiles } from './special';

export const ecfProfiles: Record<EcfType, EcfProfile> = {
  ...salesProfiles,
  ...noteProfiles,
  ...specialProfiles,
  ...purchaseProfiles,
};

/**
 * The unsigned e-CF XML of `doc`, with `FechaHoraFirma` set to `signedAt` (Santo Domingo time):
 * the signer appends the `<Signature>` after that element. Throws `EcfBuildError` when the
 * document cannot be written as DGII requires (a missing mandatory field, figures that do not add up).
 */
export function buildEcfXml(doc: EcfDocument, signedAt: Date): string {
  switch (doc.type) {
    case '31':
    case '32':
    case '45':
      return buildSalesEcf({ ...doc, type: doc.type }, signedAt);
    case '33':
    case '34':
      return buildNoteEcf({ ...doc, type: doc.type }, signedAt);
    case '44':
    case '46':
      return buildSpecialEcf({ ...doc, type: doc.type }, signedAt);
    case '41':
    case '43':
    case '47':
      return buildPurchaseEcf({ ...doc, type: doc.type }, signedAt);
  }
}
