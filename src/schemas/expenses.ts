import { z } from '@hono/zod-openapi';
import {
  expenseAmountKeys,
  expensePaymentFormCodes,
  expenseTypeCodes,
  isrWithholdingCodes,
  normalizeNcf,
} from '../domain/expenses';
import { t } from '../i18n/es-DO';
import { amountField } from './amount';
import { optionalText } from './common';
import { parseDate } from './contacts';

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Blank (or absent) is null; anything else must be a uuid. */
const optionalId = (message: string) =>
  z
    .string()
    .trim()
    .max(60)
    .nullable()
    .optional()
    .transform((value) => (value ? value : null))
    .refine((value) => value === null || uuidPattern.test(value), message)
    .openapi({ type: 'string', format: 'uuid' });

/** A code from a fixed list; blank is null. */
const optionalCode = <T extends readonly [string, ...string[]]>(values: T) =>
  z
    .string()
    .trim()
    .max(10)
    .nullable()
    .optional()
    .transform((value) => (value ? value : null))
    .refine((value) => value === null || (values as readonly string[]).includes(value), t('expenses.error.choice'))
    .openapi({ type: 'string', enum: [...values] });

const requiredCode = <T extends readonly [string, ...string[]]>(values: T) =>
  z
    .string({ error: t('expenses.error.choice') })
    .trim()
    .refine((value) => (values as readonly string[]).includes(value), t('expenses.error.choice'))
    .transform((value) => value as T[number])
    .openapi({ type: 'string', enum: [...values] });

/** A date typed `DD/MM/AAAA` or sent `YYYY-MM-DD`; blank is null. */
const optionalDate = z
  .string()
  .trim()
  .max(20)
  .nullable()
  .optional()
  .transform((value, context) => {
    if (!value) return null;
    const date = parseDate(value);
    if (!date || date < '2000-01-01') {
      context.addIssue({ code: 'custom', message: t('expenses.error.date') });
      return z.NEVER;
    }
    return date;
  })
  .openapi({ type: 'string', format: 'date', example: '2025-01-15' });

/** A money amount (2 decimals, not negative); blank is 0. */
const money = z
  .union([z.string().max(30), z.number()])
  .nullable()
  .optional()
  .transform((value) => (value === null || value === undefined || String(value).trim() === '' ? '0' : value))
  .pipe(amountField({ scale: 2, maxIntegerDigits: 12, acceptNumbers: true, message: t('expenses.error.amount') }))
  .openapi({ type: 'string', example: '1000.00' });

export { expenseAmountKeys };

/** The fields of an expense as typed in the form or sent to the API (the server computes the rest). */
export const expenseFields = z.object({
  supplierIdNumber: z
    .string({ error: t('expenses.error.supplierId') })
    .trim()
    .max(30)
    .transform((value) => value.replace(/[\s-]/g, ''))
    .refine((value) => /^(\d{9}|\d{11})$/.test(value), t('expenses.error.supplierId'))
    .openapi({
      type: 'string',
      description: 'RNC (9 digits) or cédula (11 digits) as on the NCF',
      example: '131246796',
    }),
  supplierName: optionalText(200).openapi({
    description: 'Filled from the DGII registry when blank; required for a number the registry does not have',
  }),
  ncf: z
    .string({ error: t('expenses.error.ncf.format') })
    .max(30)
    .transform(normalizeNcf)
    .openapi({ type: 'string', example: 'B0100000005' }),
  modifiedNcf: z
    .string()
    .max(30)
    .nullable()
    .optional()
    .transform((value) => (value ? normalizeNcf(value) || null : null))
    .openapi({ type: 'string', description: 'For supplier debit and credit notes (B03, B04, E33, E34)' }),
  expenseType: requiredCode(expenseTypeCodes).openapi({ description: '606 field 3 (01-11)' }),
  branchId: optionalId(t('expenses.error.branch')),
  issuedOn: optionalDate.refine((value) => value !== null, t('expenses.error.date')),
  paidOn: optionalDate,
  paymentForm: optionalCode(expensePaymentFormCodes).openapi({
    description: '606 field 23; 04 (compra a crédito) while unpaid',
  }),
  isrWithholdingType: optionalCode(isrWithholdingCodes),
  ...(Object.fromEntries(expenseAmountKeys.map((key) => [key, money])) as Record<
    (typeof expenseAmountKeys)[number],
    typeof money
  >),
  notes: optionalText(1000),
  receivedEcfId: optionalId(t('expenses.error.receivedEcf')).openapi({
    description: 'The received e-CF this expense records (one expense per e-CF)',
  }),
});
export type ExpenseInput = z.infer<typeof expenseFields>;

/** Marking an expense paid: the day and how (606 fields 7 and 23). */
export const expensePaymentFields = z.object({
  paidOn: optionalDate.refine((value) => value !== null, t('expenses.error.date')),
  paymentForm: requiredCode(expensePaymentFormCodes),
});
export type ExpensePaymentInput = z.infer<typeof expensePaymentFields>;

export const expenseStatusValues = ['pending', 'paid', 'voided'] as const;

/** The list's filters (all optional): month, supplier text, 606 type, payment status, branch. */
export const expenseFilterFields = z.object({
  period: z
    .string()
    .trim()
    .max(6)
    .optional()
    .transform((value) => (value ? value : null))
    .refine((value) => value === null || /^20\d{2}(0[1-9]|1[0-2])$/.test(value), t('reports.validation.period'))
    .openapi({ type: 'string', example: '202501' }),
  q: z
    .string()
    .trim()
    .max(100)
    .optional()
    .transform((value) => value ?? ''),
  type: optionalCode(expenseTypeCodes),
  status: optionalCode(expenseStatusValues),
  branch: optionalId(t('expenses.error.branch')),
  cursor: z.string().max(300).optional(),
});
export type ExpenseFilterInput = z.infer<typeof expenseFilterFields>;

// ------------------------------------------------------------------------------------------------
// API shapes
// ------------------------------------------------------------------------------------------------

const moneyOut = z.string().openapi({ example: '1000.00' });

export const expenseOut = z
  .object({
    id: z.string().openapi({ format: 'uuid' }),
    supplier: z.object({
      id: z.string().nullable(),
      idType: z.enum(['rnc', 'cedula']),
      idNumber: z.string(),
      name: z.string(),
    }),
    ncf: z.string(),
    modifiedNcf: z.string().nullable(),
    expenseType: z.string(),
    branch: z.object({ id: z.string(), name: z.string() }),
    issuedOn: z.string(),
    paidOn: z.string().nullable(),
    paymentForm: z.string(),
    status: z.enum(expenseStatusValues),
    servicesAmount: moneyOut,
    goodsAmount: moneyOut,
    total: moneyOut,
    itbisBilled: moneyOut,
    itbisWithheld: moneyOut,
    itbisProportional: moneyOut,
    itbisToCost: moneyOut,
    itbisAdvance: moneyOut,
    itbisPerceived: moneyOut,
    isrWithholdingType: z.string().nullable(),
    isrWithheld: moneyOut,
    isrPerceived: moneyOut,
    iscAmount: moneyOut,
    otherTaxes: moneyOut,
    legalTip: moneyOut,
    receivedEcfId: z.string().nullable(),
    notes: z.string().nullable(),
    attachments: z.array(
      z.object({ id: z.string(), fileName: z.string(), contentType: z.string(), byteSize: z.number() }),
    ),
    createdAt: z.string(),
  })
  .openapi('Expense');

export const expenseIdParam = z.object({
  id: z.string().openapi({ param: { name: 'id', in: 'path' }, format: 'uuid' }),
});

const text = (description: string, example?: string) =>
  z
    .string()
    .optional()
    .openapi({ description, ...(example ? { example } : {}) });

/** The API's request body as documented (the service validates it with expenseFields). */
export const expenseBody = z
  .object({
    supplierIdNumber: z.string().openapi({ description: 'RNC (9 digits) or cédula (11 digits)', example: '131246796' }),
    supplierName: text('Blank: taken from the DGII registry'),
    ncf: z.string().openapi({ example: 'B0100000005' }),
    modifiedNcf: text('For supplier debit and credit notes (B03, B04, E33, E34)'),
    expenseType: z.enum(expenseTypeCodes).openapi({ description: '606 field 3' }),
    branchId: text('Default: the token user’s branch'),
    issuedOn: z.string().openapi({ format: 'date', example: '2025-01-15' }),
    paidOn: text('Blank while unpaid', '2025-01-20'),
    paymentForm: z.enum(expensePaymentFormCodes).optional().openapi({ description: '606 field 23; 04 while unpaid' }),
    isrWithholdingType: z.enum(isrWithholdingCodes).optional(),
    ...(Object.fromEntries(
      expenseAmountKeys.map((key) => [key, text('Amount, 2 decimals, as text', '0.00')]),
    ) as Record<(typeof expenseAmountKeys)[number], ReturnType<typeof text>>),
    notes: text('Free text'),
    receivedEcfId: text('The received e-CF this expense records (one expense per e-CF)'),
  })
  .openapi('ExpenseInput');

export const expensePaymentBody = z
  .object({
    paidOn: z.string().openapi({ format: 'date', example: '2025-01-20' }),
    paymentForm: z.enum(expensePaymentFormCodes).openapi({ description: '606 field 23 (not 04)' }),
  })
  .openapi('ExpensePayment');

export const expenseListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(500).optional(),
  period: z.string().max(6).optional().openapi({ description: 'Month of the document, YYYYMM' }),
  q: z.string().max(100).optional().openapi({ description: 'Supplier name, RNC/cédula prefix, or exact NCF' }),
  type: z.string().max(2).optional().openapi({ description: '606 type 01-11' }),
  status: z.string().max(10).optional().openapi({ description: 'pending, paid or voided' }),
  branch: z.string().max(60).optional(),
});
