import { z } from '@hono/zod-openapi';
import { quotationStatuses } from '../db/tenant-schema';
import { t } from '../i18n/es-DO';
import { optionalText } from './common';
import { parseDate } from './contacts';
import { lineInputs, pricedLineOut, taxBreakdownOut } from './document-lines';

export type QuotationStatus = (typeof quotationStatuses)[number];

const optionalUuid = (message: string) =>
  z
    .union([z.string(), z.null()])
    .transform((value, context) => {
      if (value === null || value.trim() === '') return null;
      if (!z.uuid().safeParse(value.trim()).success) {
        context.addIssue({ code: 'custom', message });
        return z.NEVER;
      }
      return value.trim();
    })
    .optional()
    .openapi({ type: 'string', format: 'uuid' });

const dateField = z
  .union([z.string(), z.null()])
  .transform((value, context) => {
    if (value === null || value.trim() === '') return null;
    const date = parseDate(value.trim());
    if (!date) {
      context.addIssue({ code: 'custom', message: t('quotations.validation.date') });
      return z.NEVER;
    }
    return date;
  })
  .optional()
  .openapi({ type: 'string', format: 'date', example: '2026-01-31' });

/** The header of a quotation (form and API). Lines and totals are handled apart: totals never come from the client. */
export const quotationHeader = z.object({
  customerId: optionalUuid(t('quotations.validation.customer')),
  branchId: optionalUuid(t('quotations.validation.branch')).openapi({
    description: 'Defaults to the current branch; must be one of the user’s branches',
  }),
  prescriptionId: optionalUuid(t('quotations.validation.prescription')).openapi({
    description: 'A prescription of the same customer',
  }),
  currencyCode: z
    .string()
    .trim()
    .toUpperCase()
    .regex(/^[A-Z]{3}$/, t('quotations.validation.currency'))
    .optional()
    .openapi({ example: 'DOP', description: 'An active currency; defaults to DOP' }),
  validUntil: dateField.openapi({ description: 'Defaults to the quotation date + 15 days' }),
  notes: optionalText(2000),
  sellerId: optionalUuid(t('sellers.validation.seller')).openapi({
    description:
      'Who sells it (an active user). Defaults to the user who creates it; naming someone else needs sellers.change',
  }),
});

export type QuotationHeaderInput = z.output<typeof quotationHeader>;

export const quotationCreate = quotationHeader
  .extend({ lines: lineInputs.min(1, t('quotations.validation.noLines')) })
  .openapi('QuotationCreate');

export const quotationPatch = quotationHeader
  .partial()
  .extend({
    lines: lineInputs
      .min(1, t('quotations.validation.noLines'))
      .optional()
      .openapi({ description: 'Replaces every line' }),
  })
  .openapi('QuotationPatch');

export const quotationOut = z
  .object({
    id: z.uuid(),
    number: z.string().openapi({ example: 'COT-00000001' }),
    status: z.enum(quotationStatuses),
    customerId: z.uuid().nullable(),
    customerName: z.string().nullable(),
    branchId: z.uuid(),
    branchName: z.string(),
    prescriptionId: z.uuid().nullable(),
    currencyCode: z.string(),
    quotedOn: z.string(),
    validUntil: z.string().nullable(),
    notes: z.string().nullable(),
    grossTotal: z.string(),
    discountTotal: z.string(),
    taxableTotal: z.string(),
    exemptTotal: z.string(),
    itbisTotal: z.string(),
    total: z.string(),
    taxBreakdown: z.array(taxBreakdownOut),
    convertedInvoiceId: z.uuid().nullable(),
    sellerId: z.uuid().nullable().openapi({ description: 'Who sold it' }),
    sellerName: z.string().nullable(),
    lines: z.array(pricedLineOut),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Quotation');

export const quotationSummaryOut = quotationOut.omit({ lines: true, taxBreakdown: true }).openapi('QuotationSummary');

/** The list's status filter: one status, or `open` (draft or sent: what the home page counts as open). */
export const quotationListStatuses = ['open', ...quotationStatuses] as const;
export type QuotationListStatus = (typeof quotationListStatuses)[number];

export const quotationListQuery = z.object({
  status: z
    .enum(quotationListStatuses)
    .optional()
    .openapi({ description: '`open`: draft or sent (not yet converted or cancelled)' }),
  q: z.string().trim().max(100).optional().openapi({ description: 'Number (COT-…) or customer name' }),
  seller: optionalUuid(t('sellers.validation.seller')).openapi({ description: 'Only this seller’s quotations' }),
});

export const quotationIdParam = z.object({
  id: z.string().openapi({ param: { name: 'id', in: 'path' }, example: '00000000-0000-4000-8000-000000000000' }),
});

export const convertOut = z
  .object({ invoiceId: z.uuid(), created: z.boolean(), quotation: quotationOut })
  .openapi('QuotationConversion');
