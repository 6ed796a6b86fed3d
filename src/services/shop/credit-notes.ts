import { shopToday } from '../../domain/dates';
import { compareDecimals, formatMoney, fromUnits, toUnits } from '../../domain/money';
import { computeCreditTotals, toDop, TotalsError, type DocumentTotals } from '../../domain/totals';
import { AppError } from '../../errors';
import { t } from '../../i18n/es-DO';
import { actorLabel } from '../../queries/audit';
import { branchScope } from '../../queries/branch-scope';
import {
  creditableInvoice,
  getCreditNote as loadCreditNote,
  issueCreditNote as issueCreditNoteSql,
  listCreditNotes as loadCreditNotes,
  type CreditableInvoice,
  type CreditableLine,
  type CreditNote,
  type CreditNoteSummary,
  type CreditNoteWrite,
} from '../../queries/credit-notes';
import type { CreatedCursor } from '../../queries/keyset';
import { refusalError } from '../refusals';
import { checkCreditNoteEcfBeforeIssue, prepareEcf } from './ecf';
import { requireRight, type ShopContext } from './context';

export interface CreditNoteRequest {
  reason: string;
  lines: Array<{ sourceLineId: string; quantity: string; returnToStock: boolean }>;
}

/** Everything still creditable on every line: the one-click full credit. Goods go back to stock where tracked and asked for. */
export function fullCreditRequest(
  invoice: CreditableInvoice,
  reason: string,
  returnToStock: boolean,
): CreditNoteRequest {
  return {
    reason,
    lines: invoice.lines
      .filter((line) => compareDecimals(line.remaining, '0') > 0)
      .map((line) => ({
        sourceLineId: line.id,
        quantity: line.remaining,
        returnToStock: returnToStock && line.trackStock === true,
      })),
  };
}

export interface PreparedCreditNote extends CreditNoteWrite {
  type: string;
}

const lineField = (id: string, field = 'quantity') => `lines.${id}.${field}`;

function invalid(field: string, message: string): never {
  throw new AppError('validation', message, { [field]: message });
}

/**
 * Builds a credit note from the original's lines: each chosen line keeps the original's product,
 * description, price and tax rate, with the chosen quantity and its pro rata discount; totals come
 * from computeTotals only, without ITBIS when the SQL 30-day rule says so (`invoice.refundsItbis`).
 * Refuses (422) quantities above what is left on a line, no line at all, returns of fractional or
 * untracked units, and a total above what remains creditable.
 */
export function prepareCreditNote(invoice: CreditableInvoice, request: CreditNoteRequest): PreparedCreditNote {
  if (!invoice.creditAllowed || !invoice.issuedOn) throw new AppError('conflict', t('creditNotes.error.notCreditable'));
  const byId = new Map(invoice.lines.map((line) => [line.id, line]));
  const seen = new Set<string>();
  const chosen: Array<{ line: CreditableLine; quantity: string; returnToStock: boolean }> = [];
  for (const requested of request.lines) {
    const line = byId.get(requested.sourceLineId);
    if (!line || seen.has(requested.sourceLineId)) invalid('lines', t('creditNotes.error.lineInvalid'));
    seen.add(line.id);
    if (compareDecimals(requested.quantity, '0') === 0) continue;
    if (compareDecimals(requested.quantity, line.remaining) > 0)
      invalid(lineField(line.id), t('creditNotes.error.quantityExceeded'));
    if (requested.returnToStock) {
      if (line.trackStock !== true)
        invalid(lineField(line.id, 'returnToStock'), t('creditNotes.error.returnNotTracked'));
      if (toUnits(requested.quantity, 2) % 100n !== 0n)
        invalid(lineField(line.id), t('creditNotes.error.returnFraction'));
    }
    chosen.push({ line, quantity: requested.quantity, returnToStock: requested.returnToStock });
  }
  if (!chosen.length) invalid('lines', t('creditNotes.error.noLines'));
  chosen.sort((a, b) => a.line.position - b.line.position);
  const { refundsItbis } = invoice;
  const requests = chosen.map(({ line, quantity }) => ({
    quantity,
    source: {
      quantity: line.quantity,
      unitPrice: line.unitPrice,
      discount: line.discount,
      amount: line.amount,
      taxRate: line.taxRate,
      exempt: line.exempt,
      creditedQuantity: line.credited,
      creditedAmount: line.creditedAmount,
      creditedDiscount: line.creditedDiscount,
    },
  }));
  let totals: DocumentTotals;
  try {
    totals = computeCreditTotals(requests, invoice.rates, { chargeItbis: refundsItbis });
  } catch (error) {
    if (error instanceof TotalsError)
      invalid(lineField(chosen[error.line]!.line.id), t('creditNotes.error.quantityExceeded'));
    throw error;
  }
  if (compareDecimals(totals.total, invoice.creditable) > 0) {
    const symbol = invoice.currencySymbol;
    invalid(
      'lines',
      t('creditNotes.error.exceedsCreditable', {
        total: formatMoney(totals.total, symbol),
        creditable: formatMoney(invoice.creditable, symbol),
      }),
    );
  }
  return {
    type: invoice.creditNoteType,
    refundsItbis,
    creditedBefore: invoice.creditedTotal,
    lines: chosen.map(({ line, quantity, returnToStock }, index) => ({
      sourceLineId: line.id,
      position: index + 1,
      productId: line.productId,
      description: line.description,
      quantity,
      unitPrice: line.unitPrice,
      discount: fromUnits(toUnits(totals.lines[index]!.gross, 2) - toUnits(totals.lines[index]!.amount, 2), 2),
      taxRate: line.taxRate,
      exempt: line.exempt,
      amount: totals.lines[index]!.amount,
      returnToStock,
    })),
    totals: { ...totals, ...toDop(totals, invoice.exchangeRate) },
  };
}

export async function listCreditNotes(
  ctx: ShopContext,
  filter: { invoiceId?: string; q?: string; after?: CreatedCursor | null; limit: number },
): Promise<{ rows: CreditNoteSummary[]; next: CreatedCursor | null }> {
  requireRight(ctx, 'invoices.view');
  const scope = branchScope(ctx.actor);
  if (filter.invoiceId && !(await creditableInvoice(ctx.db, filter.invoiceId, scope, shopToday())))
    throw new AppError('not_found');
  return loadCreditNotes(ctx.db, { ...filter, scope });
}

export async function getCreditNote(ctx: ShopContext, id: string): Promise<CreditNote> {
  requireRight(ctx, 'invoices.view');
  const note = await loadCreditNote(ctx.db, id, branchScope(ctx.actor));
  if (!note) throw new AppError('not_found');
  return note;
}

/** The invoice a credit note would modify, with what remains creditable: 404 unknown, 409 not creditable. */
export async function creditNoteForm(
  ctx: ShopContext,
  invoiceId: string,
): Promise<{ invoice: CreditableInvoice; refundsItbis: boolean }> {
  requireRight(ctx, 'creditNotes.manage');
  const invoice = await creditableInvoice(ctx.db, invoiceId, branchScope(ctx.actor), shopToday());
  if (!invoice) throw new AppError('not_found');
  if (!invoice.creditAllowed || !invoice.issuedOn) throw new AppError('conflict', t('creditNotes.error.notCreditable'));
  return { invoice, refundsItbis: invoice.refundsItbis };
}

export interface CreditNoteInput {
  reason: string;
  /** Everything still creditable on every line (the `lines` are then ignored). */
  full?: boolean;
  /** With `full`: true returns tracked goods to stock; a list names the lines whose goods return. */
  returnToStock?: boolean | string[];
  lines?: Array<{ sourceLineId: string; quantity: string; returnToStock?: boolean }>;
}

/**
 * Issues a credit note for chosen lines or in full (UI and API alike); `loaded` is the invoice the
 * caller already read for the same request (saves reading it again).
 */
export async function issueCreditNote(
  ctx: ShopContext,
  invoiceId: string,
  input: CreditNoteInput,
  loaded?: CreditableInvoice,
): Promise<string> {
  requireRight(ctx, 'creditNotes.manage');
  const scope = branchScope(ctx.actor);
  const today = shopToday();
  const invoice = loaded ?? (await creditableInvoice(ctx.db, invoiceId, scope, today));
  if (!invoice) throw new AppError('not_found');
  const returns = input.returnToStock;
  const request: CreditNoteRequest = input.full
    ? Array.isArray(returns)
      ? {
          reason: input.reason,
          lines: invoice.lines
            .filter((line) => compareDecimals(line.remaining, '0') > 0)
            .map((line) => ({
              sourceLineId: line.id,
              quantity: line.remaining,
              returnToStock: returns.includes(line.id),
            })),
        }
      : fullCreditRequest(invoice, input.reason, returns ?? false)
    : {
        reason: input.reason,
        lines: (input.lines ?? []).map((line) => ({
          sourceLineId: line.sourceLineId,
          quantity: line.quantity,
          returnToStock: line.returnToStock ?? false,
        })),
      };
  const note = prepareCreditNote(invoice, request);
  await checkCreditNoteEcfBeforeIssue(ctx, invoice.id, note, input.reason, today);
  const outcome = await issueCreditNoteSql(ctx.db, invoice.id, note, {
    reason: input.reason,
    today,
    userId: ctx.actor.id,
    actor: actorLabel(ctx.actor),
    scope,
  });
  if (!outcome.ok) throw refusalError(outcome.refusal, 'creditNote', { type: note.type });
  if (note.type.startsWith('E')) await prepareEcf(ctx, outcome.id);
  return outcome.id;
}
