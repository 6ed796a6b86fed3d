import { z } from '@hono/zod-openapi';
import { t } from '../i18n/es-DO';
import { ecfStates } from '../db/tenant-schema';
import { amountField } from './amount';
import { ecfOut } from './ecf';

export const creditReasonField = z
  .string({ error: t('creditNotes.error.reason') })
  .trim()
  .min(1, t('creditNotes.error.reason'))
  .max(500);

/** A quantity to credit: >= 0 with at most 2 decimals (0 leaves the line out). */
export const creditQuantityField = amountField({
  scale: 2,
  maxIntegerDigits: 10,
  message: t('creditNotes.error.quantity', { max: '…' }),
});

export const creditNoteCreate = z
  .object({
    reason: creditReasonField,
    full: z
      .boolean()
      .optional()
      .openapi({ description: 'Credit everything still creditable on every line (lines are then ignored)' }),
    returnToStock: z
      .boolean()
      .optional()
      .openapi({ description: 'With full: return stock-tracked goods to the original’s branch' }),
    lines: z
      .array(
        z.object({
          sourceLineId: z.uuid(),
          quantity: creditQuantityField.openapi({ example: '1' }),
          returnToStock: z.boolean().optional(),
        }),
      )
      .max(200)
      .optional(),
  })
  .refine((value) => value.full === true || (value.lines?.length ?? 0) > 0, {
    message: t('creditNotes.error.noLines'),
    path: ['lines'],
  })
  .openapi('CreditNoteCreate');

export const creditNoteLineOut = z
  .object({
    id: z.uuid(),
    position: z.number().int(),
    productId: z.uuid().nullable(),
    description: z.string(),
    quantity: z.string(),
    unitPrice: z.string(),
    discount: z.string(),
    taxRate: z.string(),
    exempt: z.boolean(),
    amount: z.string(),
    sourceLineId: z.uuid().nullable(),
    returnToStock: z.boolean(),
  })
  .openapi('CreditNoteLine');

const creditNoteFields = {
  id: z.uuid(),
  status: z.string(),
  ncf: z.string().openapi({ example: 'B0400000001' }),
  ncfType: z.string(),
  ncfValidUntil: z.string().nullable(),
  issuedOn: z.string(),
  customerId: z.uuid().nullable(),
  buyerName: z.string().nullable(),
  buyerIdType: z.string().nullable(),
  buyerIdNumber: z.string().nullable(),
  branchId: z.uuid(),
  currencyCode: z.string(),
  exchangeRate: z.string(),
  grossTotal: z.string(),
  discountTotal: z.string(),
  taxableTotal: z.string(),
  exemptTotal: z.string(),
  itbisTotal: z.string(),
  total: z.string(),
  totalDop: z.string(),
  taxBreakdown: z.array(z.object({ rate: z.string(), taxable: z.string(), itbis: z.string() })),
  refundsItbis: z.boolean(),
  creditReason: z.string(),
  modifiedNcf: z.string(),
  originalId: z.uuid(),
  createdAt: z.string(),
  ecfStatus: z.enum(ecfStates).nullable().openapi({ description: 'The e-CF’s status (see Ecf); null for a B04' }),
};

export const creditNoteSummaryOut = z.object(creditNoteFields).openapi('CreditNoteSummary');
export const creditNoteOut = z
  .object({
    ...creditNoteFields,
    lines: z.array(creditNoteLineOut),
    ecf: ecfOut.nullable().openapi({ description: 'The e-CF of an E34; null for a B04' }),
  })
  .openapi('CreditNote');
