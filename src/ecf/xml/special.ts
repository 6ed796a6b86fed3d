/**
 * Sales outside the ITBIS general rule: 44 (regímenes especiales: every line exempt) and 46
 * (exportaciones: every line at ITBIS tasa 3, 0%). Sources: XSDs e-CF 44/46 v1.0 (44 has no taxed
 * totals, 46 only the tasa 3 ones); Formato e-CF v1.0 notes 5-6, 8-9 (buyer) and 50-51 (indicators).
 */
import type { EcfDocument } from '../model';
import { writeEcf } from './ecf-writer';
import { profile } from './profile';

export const specialProfiles = {
  '44': profile('44', { buyer: 'identified', grossIndicator: false, indicators: [4] }),
  '46': profile('46', { buyer: 'identified', grossIndicator: false, indicators: [3] }),
} as const;

export function buildSpecialEcf(doc: EcfDocument & { type: keyof typeof specialProfiles }, signedAt: Date): string {
  return writeEcf(specialProfiles[doc.type], doc, signedAt);
}
