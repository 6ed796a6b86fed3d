/**
 * The one registry of the refusals our SQL functions raise (`RAISE EXCEPTION 'optiflow:<code>'`,
 * drizzle/<scope>/functions): for each code, the AppError code (which sets the HTTP status and the
 * problem's `code`, src/errors.tsx), the catalogue key of its es-DO message and the form field it
 * belongs to. A code raised by several operations may read differently in each (a missing series of
 * receipts is not a missing NCF range): it lists a refusal per source, `any` for every source.
 * test/node/refusals.test.ts keeps these codes and the ones raised in drizzle/ the same.
 */

/** The operation whose SQL function refused. */
export type RefusalSource =
  | 'invoiceIssue'
  | 'invoiceVoid'
  | 'payment'
  | 'creditNote'
  | 'quotation'
  | 'stock'
  | 'cashClose';

export interface Refusal {
  error: 'not_found' | 'conflict' | 'validation';
  /** Catalogue key (none: the generic text of `error`); it may use `{type}`, the document type being numbered. */
  message?: string;
  /** The form field the message belongs to. */
  field?: string;
  /** The message parameter the raise's DETAIL fills (e.g. the product out of stock). */
  detailParam?: string;
  /** Where the user can fix it: a series of `{type}` (register or activate one), or the company's RNC. */
  fix?: 'sequence' | 'company';
}

export type RefusalEntry = Partial<Record<RefusalSource | 'any', Refusal>>;

const notFound = { any: { error: 'not_found' } } as const;

const sequence = <I extends string, C extends string, Q extends string>(invoiceIssue: I, creditNote: C, quotation: Q) =>
  ({
    invoiceIssue: { error: 'validation', message: invoiceIssue, field: 'sequenceId', fix: 'sequence' },
    payment: { error: 'validation', message: 'payments.error.noSequence', field: '_form', fix: 'sequence' },
    creditNote: { error: 'validation', message: creditNote, field: '_form', fix: 'sequence' },
    quotation: { error: 'conflict', message: quotation, fix: 'sequence' },
  }) as const;

const conflict = <M extends string>(message: M) => ({ any: { error: 'conflict', message } }) as const;
const invalid = <M extends string, F extends string>(message: M, field: F) =>
  ({ any: { error: 'validation', message, field } }) as const;

export const refusals = {
  // allocate_document_number
  sequence_not_found: sequence(
    'invoices.error.sequenceNotFound',
    'creditNotes.error.noSequence',
    'quotations.sequence.not_found',
  ),
  sequence_inactive: sequence(
    'invoices.error.sequenceInactive',
    'creditNotes.error.sequenceInactive',
    'quotations.sequence.inactive',
  ),
  sequence_expired: sequence(
    'invoices.error.sequenceExpired',
    'creditNotes.error.sequenceExpired',
    'quotations.sequence.expired',
  ),
  sequence_exhausted: sequence(
    'invoices.error.sequenceExhausted',
    'creditNotes.error.sequenceExhausted',
    'quotations.sequence.exhausted',
  ),
  // document_issuer
  company_rnc_missing: {
    any: { error: 'validation', message: 'invoices.error.companyRncMissing', field: '_form', fix: 'company' },
  },
  // issue_invoice, void_invoice, invoice_stock_movements
  invoice_not_found: notFound,
  invoice_not_draft: conflict('invoices.error.notDraft'),
  invoice_changed: conflict('invoices.error.changed'),
  invoice_not_issued: conflict('invoices.error.voidNotIssued'),
  invoice_has_payments: conflict('invoices.error.voidHasPayments'),
  invoice_has_credit_notes: conflict('invoices.error.voidHasCreditNotes'),
  invoice_voided: {
    invoiceVoid: { error: 'conflict', message: 'invoices.error.alreadyVoided' },
    payment: { error: 'conflict', message: 'payments.error.invoiceVoided' },
  },
  // record_stock_movement (the one ledger writer; invoices and credit notes write through it)
  stock_insufficient: {
    any: { error: 'validation', message: 'invoices.error.stockInsufficient', field: 'lines', detailParam: 'product' },
    stock: { error: 'validation', message: 'stock.validation.insufficient', field: 'quantity' },
  },
  stock_not_found: notFound,
  stock_not_tracked: invalid('stock.validation.notTracked', 'productId'),
  // record_payment, update_payment, void_payment
  payment_not_found: notFound,
  invoice_not_payable: conflict('payments.error.notPayable'),
  payment_voided: conflict('payments.error.voided'),
  payment_before_invoice: invalid('payments.error.beforeInvoice', 'receivedOn'),
  payment_over_balance: invalid('payments.error.overBalance', 'amount'),
  // issue_credit_note
  invoice_not_creditable: conflict('creditNotes.error.notCreditable'),
  credit_stale: conflict('creditNotes.error.stale'),
  credit_changed: conflict('creditNotes.error.changed'),
  credit_buyer_required: invalid('creditNotes.error.buyerRequired', '_form'),
  credit_no_lines: invalid('creditNotes.error.noLines', 'lines'),
  credit_line_invalid: invalid('creditNotes.error.lineInvalid', 'lines'),
  credit_quantity_exceeded: invalid('creditNotes.error.quantityExceeded', 'lines'),
  credit_exceeds_creditable: invalid('creditNotes.error.exceedsCreditableShort', 'lines'),
  credit_return_fraction: invalid('creditNotes.error.returnFraction', 'lines'),
  // close_cash, close_cash_branch, cash_closes_immutable
  cash_close_empty: conflict('cashCloses.error.empty'),
  cash_close_note_required: invalid('cashCloses.error.noteRequired', 'note'),
  cash_close_open_receipts: conflict('cashCloses.error.openReceipts'),
  cash_close_immutable: conflict('cashCloses.error.immutable'),
  // update_payment
  payment_closed: conflict('cashCloses.error.paymentClosed'),
  // refund_credit, apply_credit, void_refund (and update_payment, void_payment)
  credit_over_available: invalid('receivables.error.overAvailable', 'amount'),
  credit_target_invalid: invalid('receivables.error.targetInvalid', 'targetInvoiceId'),
  credit_source_invalid: invalid('receivables.error.sourceInvalid', '_form'),
  credit_currency_mismatch: invalid('receivables.error.currencyMismatch', 'targetInvoiceId'),
  refund_before_invoice: invalid('receivables.error.beforeInvoice', 'refundedOn'),
  refund_branch_forbidden: invalid('receivables.error.branch', 'branchId'),
  refund_not_found: notFound,
  refund_voided: conflict('receivables.error.refundVoided'),
  refund_closed: conflict('receivables.error.refundClosed'),
  payment_credit_used: conflict('receivables.error.creditUsed'),
} as const satisfies Record<string, RefusalEntry>;

export type RefusalCode = keyof typeof refusals;
