import { z } from '@hono/zod-openapi';
import { paymentMethods } from '../db/tenant-schema';
import { shopToday } from '../domain/dates';
import { t } from '../i18n/es-DO';
import { amountField as decimalAmount } from './amount';
import { optionalText } from './common';

/** An amount in the invoice's currency: > 0, at most 2 decimals, as an exact string. */
export const amountField = decimalAmount({
  scale: 2,
  maxIntegerDigits: 12,
  positive: true,
  message: t('payments.error.amount'),
});

/** The date the money was received: today (shop time) or earlier, never in the future. */
export const receivedOnField = z
  .string({ error: t('payments.error.date') })
  .trim()
  .regex(/^\d{4}-\d{2}-\d{2}$/, t('payments.error.date'))
  .refine(
    (value) =>
      !Number.isNaN(Date.parse(`${value}T00:00:00Z`)) && new Date(`${value}T00:00:00Z`).toISOString().startsWith(value),
    t('payments.error.date'),
  )
  .refine((value) => value <= shopToday(), t('payments.error.future'));

const methodField = z.enum(paymentMethods, { error: t('payments.error.method') });

/** The payment form of the UI (also the edit form). */
export const paymentForm = z.object({
  receivedOn: receivedOnField,
  method: methodField,
  amount: amountField,
  reference: optionalText(100),
  notes: optionalText(500),
});

export const voidForm = z.object({
  reason: z
    .string({ error: t('payments.error.voidReason') })
    .trim()
    .min(1, t('payments.error.voidReason'))
    .max(300),
});

export const paymentCreate = z
  .object({
    receivedOn: receivedOnField.optional().openapi({
      description: 'YYYY-MM-DD; defaults to today in the shop’s time zone; never in the future',
      example: '2025-03-01',
    }),
    method: methodField.openapi({
      description:
        'e-CF payment form: 1 efectivo, 2 cheque/transferencia/depósito, 3 tarjeta, 4 crédito, 5 bonos, 6 permuta, 7 nota de crédito, 8 otras',
    }),
    amount: amountField.openapi({
      description: 'In the invoice’s currency, > 0, 2 decimals at most, never above the balance',
      example: '1500.00',
    }),
    reference: optionalText(100),
    notes: optionalText(500),
  })
  .openapi('PaymentCreate');

export const paymentPatch = z
  .object({
    receivedOn: receivedOnField.optional(),
    method: methodField.optional(),
    amount: amountField.optional(),
    reference: optionalText(100),
    notes: optionalText(500),
  })
  .openapi('PaymentPatch');

export const paymentVoid = voidForm.openapi('PaymentVoid');

export const paymentIdParam = z.object({
  id: z.string().openapi({ param: { name: 'id', in: 'path' }, format: 'uuid' }),
});

const invoiceSummaryOut = z
  .object({
    id: z.uuid(),
    ncf: z.string().nullable(),
    status: z.string(),
    currencyCode: z.string(),
    total: z.string(),
    paidTotal: z.string(),
    creditedTotal: z.string(),
    balance: z.string(),
  })
  .openapi('PaymentInvoice');

export const paymentOut = z
  .object({
    id: z.uuid(),
    number: z.string().openapi({ example: 'REC-00000001' }),
    invoiceId: z.uuid(),
    receivedOn: z.string(),
    method: z.enum(paymentMethods),
    methodName: z.string(),
    amount: z.string(),
    currencyCode: z.string(),
    reference: z.string().nullable(),
    notes: z.string().nullable(),
    status: z.enum(['active', 'voided']),
    voidedAt: z.string().nullable(),
    voidReason: z.string().nullable(),
    branchId: z.uuid(),
    createdAt: z.string(),
    invoice: invoiceSummaryOut,
  })
  .openapi('Payment');

export const paymentListItemOut = z
  .object({
    id: z.uuid(),
    number: z.string(),
    invoiceId: z.uuid(),
    invoiceNcf: z.string().nullable(),
    customerName: z.string().nullable(),
    receivedOn: z.string(),
    method: z.enum(paymentMethods),
    methodName: z.string(),
    amount: z.string(),
    currencyCode: z.string(),
    status: z.enum(['active', 'voided']),
    createdAt: z.string(),
  })
  .openapi('PaymentListItem');

/** The list's period and method filters (the home page links to them); a value that does not parse is ignored. */
const listDay = z.iso.date().optional().catch(undefined);
export const paymentPeriod = z.object({
  from: listDay,
  to: listDay,
  method: z.enum(paymentMethods).optional().catch(undefined),
});
