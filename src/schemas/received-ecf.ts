import { z } from '@hono/zod-openapi';
import { receivedEcfApprovals } from '../db/tenant-schema';
import { t } from '../i18n/es-DO';

/** The approval filter of the inbox (absent or blank: every e-CF). */
export const approvalFilter = z.enum(receivedEcfApprovals, { error: t('ecfInbox.error.approvalFilter') });

/** Accept or reject a received e-CF; the reason is required for a rejection (checked by the service too). */
export const decisionForm = z
  .object({
    decision: z.enum(['approved', 'rejected'], { error: t('ecfInbox.error.decision') }),
    reason: z.string().trim().max(250, t('ecfInbox.error.reasonLong')).optional(),
  })
  .superRefine((value, ctx) => {
    if (value.decision === 'rejected' && !value.reason)
      ctx.addIssue({ code: 'custom', path: ['reason'], message: t('ecfInbox.error.reasonRequired') });
  });

export const receivedEcfDecision = decisionForm.openapi('ReceivedEcfDecision');

export const receivedEcfIdParam = z.object({
  id: z.string().openapi({ param: { name: 'id', in: 'path' }, format: 'uuid' }),
});

export const receivedEcfListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(500).optional(),
  q: z.string().trim().max(100).optional(),
  approval: approvalFilter.optional(),
});

export const receivedEcfListItemOut = z
  .object({
    id: z.string().uuid(),
    issuerRnc: z.string(),
    issuerName: z.string(),
    encf: z.string().openapi({ example: 'E310000000001' }),
    ecfType: z.string().openapi({ example: '31' }),
    issuedOn: z.string().openapi({ format: 'date' }),
    total: z.string().openapi({ example: '1770.00' }),
    currency: z.string(),
    approval: z.enum(receivedEcfApprovals),
    receivedAt: z.string().openapi({ format: 'date-time' }),
  })
  .openapi('ReceivedEcfListItem');

const sendState = z.enum(['pending', 'sending', 'sent', 'failed']).nullable();

export const receivedEcfOut = z
  .object({
    id: z.string().uuid(),
    issuerRnc: z.string(),
    issuerName: z.string(),
    issuerAddress: z.string().nullable(),
    buyerRnc: z.string().nullable(),
    buyerName: z.string().nullable(),
    encf: z.string(),
    ecfType: z.string(),
    modifiedEncf: z.string().nullable(),
    issuedOn: z.string().openapi({ format: 'date' }),
    currency: z.string(),
    securityCode: z.string(),
    signedAt: z.string().openapi({ format: 'date-time' }),
    receivedAt: z.string().openapi({ format: 'date-time' }),
    lines: z.array(
      z.object({
        number: z.string(),
        name: z.string(),
        description: z.string().nullable(),
        quantity: z.string(),
        unitPrice: z.string(),
        discount: z.string().nullable(),
        amount: z.string(),
        billing: z.string().nullable().openapi({ description: '1 ITBIS 18%, 2 ITBIS 16%, 3 ITBIS 0%, 4 exempt' }),
      }),
    ),
    totals: z.object({
      taxable: z.string().nullable(),
      exempt: z.string().nullable(),
      itbis: z.string().nullable(),
      total: z.string().nullable(),
    }),
    approval: z.enum(receivedEcfApprovals),
    approvalReason: z.string().nullable(),
    approvedAt: z.string().nullable().openapi({ format: 'date-time' }),
    approvalSent: z.object({ dgii: sendState, issuer: sendState, error: z.string().nullable() }),
  })
  .openapi('ReceivedEcf');
