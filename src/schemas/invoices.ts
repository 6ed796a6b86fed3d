import { z } from '@hono/zod-openapi';
import { companyIdentityOut } from './company';
import { ecfOut } from './ecf';
import { ecfStates, invoiceStatuses } from '../db/tenant-schema';
import { invoiceNcfTypes, voidReasons } from '../domain/ncf';
import { t } from '../i18n/es-DO';
import { optionalText } from './common';
import { lineInputs, pricedLineOut, taxBreakdownOut } from './document-lines';

const blankToNull = (value: unknown) => (value === '' ? null : value);
const optionalUuid = (message: string) => z.preprocess(blankToNull, z.uuid(message).nullable()).optional();
const isoDate = z.preprocess(
  blankToNull,
  z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, t('invoices.validation.date'))
    .refine(
      (value) =>
        !Number.isNaN(Date.parse(`${value}T00:00:00Z`)) &&
        new Date(`${value}T00:00:00Z`).toISOString().startsWith(value),
      t('invoices.validation.date'),
    )
    .nullable(),
);

export const invoiceTypeField = z.enum(invoiceNcfTypes as [string, ...string[]], {
  error: t('invoices.validation.ncfType'),
});

/** The header of a draft invoice (everything but the lines), as the form and the API send it. */
export const invoiceHeaderFields = {
  customerId: optionalUuid(t('invoices.validation.customer')),
  branchId: optionalUuid(t('invoices.validation.branch')),
  ncfType: invoiceTypeField,
  sequenceId: optionalUuid(t('invoices.validation.sequence')),
  currencyCode: z
    .string({ error: t('invoices.validation.currency') })
    .trim()
    .toUpperCase()
    .regex(/^[A-Z]{3}$/, t('invoices.validation.currency'))
    .default('DOP'),
  dueOn: isoDate.optional(),
  prescriptionId: optionalUuid(t('invoices.validation.prescription')),
  notes: optionalText(1000),
  /** Who sold it (an active user); absent: the user who creates it, or the stored one. Needs sellers.change. */
  sellerId: optionalUuid(t('sellers.validation.seller')),
};

/** The UI form's header (its lines are parsed by parseLineForm). */
export const invoiceForm = z.object(invoiceHeaderFields);
export type InvoiceHeaderInput = z.output<typeof invoiceForm>;

export const invoiceCreate = z
  .object({ ...invoiceHeaderFields, lines: lineInputs.default([]) })
  .openapi('InvoiceDraftCreate');
export type InvoiceCreateInput = z.output<typeof invoiceCreate>;

export const invoiceUpdate = z
  .object({
    customerId: invoiceHeaderFields.customerId,
    branchId: invoiceHeaderFields.branchId,
    ncfType: invoiceTypeField.optional(),
    sequenceId: invoiceHeaderFields.sequenceId,
    currencyCode: z
      .string()
      .trim()
      .toUpperCase()
      .regex(/^[A-Z]{3}$/, t('invoices.validation.currency'))
      .optional(),
    dueOn: invoiceHeaderFields.dueOn,
    prescriptionId: invoiceHeaderFields.prescriptionId,
    notes: invoiceHeaderFields.notes,
    sellerId: invoiceHeaderFields.sellerId,
    lines: lineInputs.optional(),
  })
  .openapi('InvoiceDraftUpdate');
export type InvoiceUpdateInput = z.output<typeof invoiceUpdate>;

export const voidReasonField = z.enum(Object.keys(voidReasons) as [string, ...string[]], {
  error: t('invoices.validation.voidReason'),
});

export const invoiceVoid = z
  .object({
    reason: z.preprocess((value) => (value === '' ? undefined : value), voidReasonField),
    note: optionalText(300),
  })
  .openapi('InvoiceVoid');

/** The list's issue-date range (UI: a bad date is a 422 field message, never ignored). */
export const invoicePeriod = z.object({
  from: isoDate.optional().openapi({ description: 'Issued on or after (YYYY-MM-DD)', example: '2026-03-01' }),
  to: isoDate.optional().openapi({ description: 'Issued on or before (YYYY-MM-DD)', example: '2026-03-31' }),
});

export const invoiceListQuery = z.object({
  status: z.enum(invoiceStatuses).optional(),
  ...invoicePeriod.shape,
  q: z.string().trim().max(100).optional(),
  seller: optionalUuid(t('sellers.validation.seller')).openapi({ description: 'Only this seller’s invoices' }),
});

const money = z.string().openapi({ example: '1180.00' });

export const invoicePaymentOut = z.object({
  id: z.uuid(),
  number: z.string(),
  receivedOn: z.string(),
  method: z.string(),
  amount: money,
  status: z.string(),
});

export const invoiceCreditNoteOut = z.object({
  id: z.uuid(),
  ncf: z.string().nullable(),
  status: z.string(),
  issuedOn: z.string().nullable(),
  total: money,
});

/** IssuerSnapshot (src/queries/invoices.ts): the company as printed, plus its logo and branch. */
const issuerOut = z.object({
  ...companyIdentityOut,
  logoKey: z.string().nullable(),
  branch: z.object({ name: z.string(), address: z.string().nullable(), phone: z.string().nullable() }).nullable(),
});

export const invoiceOut = z
  .object({
    id: z.uuid(),
    kind: z.enum(['invoice', 'credit_note']),
    status: z.enum(invoiceStatuses),
    ncfType: z.string(),
    sequenceId: z.uuid().nullable(),
    ncf: z.string().nullable(),
    ncfValidUntil: z.string().nullable(),
    issuedOn: z.string().nullable(),
    dueOn: z.string().nullable(),
    customerId: z.uuid().nullable(),
    customerName: z.string().nullable(),
    buyerName: z.string().nullable(),
    buyerIdType: z.string().nullable(),
    buyerIdNumber: z.string().nullable(),
    branchId: z.uuid(),
    branchName: z.string(),
    prescriptionId: z.uuid().nullable(),
    quotationId: z.uuid().nullable(),
    currencyCode: z.string(),
    currencySymbol: z.string(),
    exchangeRate: z.string(),
    grossTotal: money,
    discountTotal: money,
    taxableTotal: money,
    exemptTotal: money,
    itbisTotal: money,
    total: money,
    taxBreakdown: z.array(taxBreakdownOut),
    taxableTotalDop: money,
    exemptTotalDop: money,
    itbisTotalDop: money,
    totalDop: money,
    paidTotal: money,
    creditedTotal: money,
    balance: money,
    voidedAt: z.string().nullable(),
    voidReason: z.string().nullable(),
    voidNote: z.string().nullable(),
    notes: z.string().nullable(),
    sellerId: z.uuid().nullable().openapi({ description: 'Who sold it (a credit note: its invoice’s seller)' }),
    sellerName: z.string().nullable(),
    issuer: issuerOut.nullable().openapi({
      description:
        'The issuer (company and branch) as printed, snapshotted when the number was assigned; null on drafts',
    }),
    createdAt: z.string(),
    updatedAt: z.string(),
    lines: z.array(pricedLineOut),
    payments: z.array(invoicePaymentOut),
    creditNotes: z.array(invoiceCreditNoteOut),
    ecf: ecfOut.nullable().openapi({ description: 'The e-CF of an E-series invoice; null for B-series and drafts' }),
  })
  .openapi('Invoice');

export const invoiceSummaryOut = z
  .object({
    id: z.uuid(),
    status: z.enum(invoiceStatuses),
    ncfType: z.string(),
    ncf: z.string().nullable(),
    issuedOn: z.string().nullable(),
    customerId: z.uuid().nullable(),
    customerName: z.string().nullable(),
    branchId: z.uuid(),
    currencyCode: z.string(),
    total: money,
    balance: money,
    createdAt: z.string(),
    ecfStatus: z.enum(ecfStates).nullable().openapi({ description: 'The e-CF’s status (see Ecf); null for B-series' }),
    sellerId: z.uuid().nullable(),
    sellerName: z.string().nullable(),
  })
  .openapi('InvoiceSummary');
