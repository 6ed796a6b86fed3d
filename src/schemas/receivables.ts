import { z } from '@hono/zod-openapi';
import { paymentMethods } from '../db/tenant-schema';
import { t } from '../i18n/es-DO';
import { optionalText } from './common';
import { amountField, receivedOnField } from './payments';

const invoiceIdField = (field: 'invoiceId' | 'targetInvoiceId') =>
  z.uuid({
    error: t(field === 'invoiceId' ? 'receivables.error.sourceInvalid' : 'receivables.error.targetInvalid'),
  });

/** Paying back part of a credit balance (saldo a favor): the UI form and the API body. */
export const refundForm = z.object({
  invoiceId: invoiceIdField('invoiceId').openapi({ description: 'The invoice whose credit balance is refunded' }),
  amount: amountField.openapi({
    description: 'In the invoice’s currency; at most the credit available',
    example: '300.00',
  }),
  method: z.enum(paymentMethods, { error: t('payments.error.method') }).openapi({
    description: 'e-CF payment form code: how the money goes back (1 efectivo, 2 transferencia, 3 tarjeta...)',
  }),
  branchId: z
    .uuid({ error: t('receivables.error.branch') })
    .openapi({ description: 'The branch (cash drawer) paying it out' }),
  refundedOn: receivedOnField.openapi({ description: 'YYYY-MM-DD; today or earlier' }),
  reference: optionalText(100),
  notes: optionalText(500),
});

/** Applying part of a credit balance to another open invoice of the same customer and currency. */
export const applicationForm = z.object({
  sourceInvoiceId: invoiceIdField('invoiceId').openapi({ description: 'The invoice that carries the credit' }),
  targetInvoiceId: invoiceIdField('targetInvoiceId').openapi({ description: 'The open invoice it pays' }),
  amount: amountField.openapi({ description: 'In both invoices’ currency', example: '500.00' }),
  appliedOn: receivedOnField.openapi({ description: 'YYYY-MM-DD; today or earlier' }),
});

export const refundCreate = refundForm.openapi('RefundCreate');
export const applicationCreate = applicationForm.openapi('CreditApplicationCreate');

const money = (description: string) => z.string().openapi({ description, example: '1000.00' });

const ageingShape = {
  current: money('0-30 days past due, or not yet due'),
  days31to60: money('31-60 days'),
  days61to90: money('61-90 days'),
  over90: money('More than 90 days'),
  total: money('All open balances'),
};

export const receivablesQuery = z.object({
  q: z.string().max(100).optional().openapi({ description: 'Customer name, id number or phone (accent-insensitive)' }),
  branchId: z.uuid().optional().openapi({ description: 'One of the caller’s branches; default all of them' }),
  sort: z
    .enum(['total', 'oldest'])
    .optional()
    .openapi({ description: 'Largest balance first (default) or oldest first' }),
  page: z.coerce.number().int().min(1).max(1000).optional(),
});

export const receivablesOut = z
  .object({
    asOf: z.string().openapi({ description: 'The day ages are counted to (shop time)' }),
    currency: z
      .literal('DOP')
      .openapi({ description: 'Foreign-currency balances are converted at each invoice’s rate' }),
    ageing: z.object({ ...ageingShape, customers: z.number().int() }),
    data: z.array(
      z.object({
        customerId: z.uuid().nullable(),
        name: z.string().nullable(),
        ...ageingShape,
        credit: money('Credit balance (saldo a favor) available, positive'),
        oldest: z.string().nullable(),
        invoices: z.number().int(),
      }),
    ),
    nextPage: z.number().int().nullable(),
  })
  .openapi('Receivables');

export const statementQuery = z.object({
  from: z.string().optional().openapi({ description: 'YYYY-MM-DD; default the first of this month' }),
  to: z.string().optional().openapi({ description: 'YYYY-MM-DD; default today; at most 5 years after from' }),
});

export const statementOut = z
  .object({
    contact: z.object({ id: z.uuid(), name: z.string(), idNumber: z.string().nullable() }),
    from: z.string(),
    to: z.string(),
    truncated: z.boolean().openapi({ description: 'More lines than the limit (500): the list stops there' }),
    currencies: z.array(
      z.object({
        currencyCode: z.string(),
        opening: z.string(),
        closing: z.string(),
        lines: z.array(
          z.object({
            on: z.string(),
            kind: z.enum(['invoice', 'payment', 'creditNote', 'refund', 'application']),
            id: z.uuid(),
            document: z.string().nullable(),
            detail: z.string().nullable(),
            charge: z.string(),
            credit: z.string(),
            balance: z.string(),
          }),
        ),
        ageing: z.object(ageingShape).nullable(),
      }),
    ),
    credit: z.array(
      z.object({ invoiceId: z.uuid(), ncf: z.string().nullable(), currencyCode: z.string(), available: z.string() }),
    ),
  })
  .openapi('CustomerStatement');

export const refundOut = z
  .object({
    id: z.uuid(),
    contactId: z.uuid().nullable(),
    invoiceId: z.uuid(),
    branchId: z.uuid(),
    method: z.string(),
    amount: z.string(),
    currencyCode: z.string(),
    refundedOn: z.string(),
    reference: z.string().nullable(),
    status: z.enum(['active', 'voided']),
    cashCloseId: z.uuid().nullable(),
  })
  .openapi('Refund');

export const applicationOut = z.object({ id: z.uuid() }).openapi('CreditApplication');

export const refundVoid = z.object({ reason: z.string().trim().min(1).max(300) }).openapi('RefundVoid');

export const receivablesIdParam = z.object({
  id: z.string().openapi({ param: { name: 'id', in: 'path' }, format: 'uuid' }),
});
