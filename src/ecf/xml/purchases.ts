/**
 * Documents the shop issues as the payer: 41 (compras to a seller not registered as a taxpayer,
 * with the withholdings), 43 (gastos menores: exempt lines, no buyer) and 47 (pagos al exterior:
 * exempt lines, ISR withheld on each). Sources: XSDs e-CF 41/43/47 v1.0 (`Retencion` required in 41
 * and 47; no `DescuentoMonto` in 43 and 47); Formato e-CF v1.0 Retención area and note 50.
 */
import type { EcfDocument } from '../model';
import { writeEcf } from './ecf-writer';
import { profile } from './profile';

export const purchaseProfiles = {
  '41': profile('41', { buyer: 'required', incomeType: false, retention: 'required', itbisRetention: true }),
  '43': profile('43', {
    buyer: 'none',
    buyerContact: false,
    grossIndicator: false,
    incomeType: false,
    paymentDueDate: false,
    paymentForms: false,
    indicators: [4],
    lineDiscount: false,
  }),
  '47': profile('47', {
    buyer: 'payee',
    buyerContact: false,
    grossIndicator: false,
    incomeType: false,
    indicators: [4],
    retention: 'required',
    lineDiscount: false,
  }),
} as const;

export function buildPurchaseEcf(doc: EcfDocument & { type: keyof typeof purchaseProfiles }, signedAt: Date): string {
  return writeEcf(purchaseProfiles[doc.type], doc, signedAt);
}
