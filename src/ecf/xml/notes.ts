/**
 * Debit and credit notes: 33 and 34, which must carry `InformacionReferencia` (the modified e-NCF,
 * its date, the modification code and reason). Sources: XSDs e-CF 33/34 v1.0 (the 01/04/2026
 * revision, `TipoIngresos` optional); Formato e-CF v1.0 fields 4-5 and section F.
 */
import type { EcfDocument } from '../model';
import { writeEcf } from './ecf-writer';
import { profile } from './profile';

export const noteProfiles = {
  '33': profile('33', {
    buyer: 'optional',
    retention: 'optional',
    itbisRetention: true,
    referenceRequired: true,
  }),
  // 34: no sequence expiry but IndicadorNotaCredito in its place; no payment term or forms.
  '34': profile('34', {
    buyer: 'optional',
    sequenceExpiry: false,
    creditNoteIndicator: true,
    paymentForms: false,
    retention: 'optional',
    itbisRetention: true,
    referenceRequired: true,
  }),
} as const;

export function buildNoteEcf(doc: EcfDocument & { type: keyof typeof noteProfiles }, signedAt: Date): string {
  return writeEcf(noteProfiles[doc.type], doc, signedAt);
}
