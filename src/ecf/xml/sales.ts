/**
 * Sales invoices with ITBIS: 31 (crédito fiscal), 32 (consumo) and 45 (gubernamental).
 * Sources: XSDs e-CF 31/32/45 v1.0; Formato e-CF v1.0 fields 4, 38-40, 116-117 and the Retención area.
 */
import type { EcfDocument } from '../model';
import { writeEcf } from './ecf-writer';
import { profile } from './profile';

export const salesProfiles = {
  '31': profile('31', { buyer: 'required', retention: 'optional', itbisRetention: true }),
  // 32 carries no sequence expiry (field 4 = 0) and no retentions; the buyer is conditional on RD$250,000.
  '32': profile('32', { buyer: 'optional', emptyBuyerArea: true, sequenceExpiry: false }),
  '45': profile('45', { buyer: 'required' }),
} as const;

export function buildSalesEcf(doc: EcfDocument & { type: keyof typeof salesProfiles }, signedAt: Date): string {
  return writeEcf(salesProfiles[doc.type], doc, signedAt);
}
