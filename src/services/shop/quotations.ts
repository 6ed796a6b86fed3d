import { can } from '../../auth/permissions';
import { addDays, shopToday } from '../../domain/dates';
import { AppError, type FieldErrors } from '../../errors';
import { t } from '../../i18n/es-DO';
import { branchScope, listScope } from '../../queries/branch-scope';
import {
  changeQuotationStatus as changeStatusSql,
  convertQuotation as convertQuotationSql,
  createQuotation as createQuotationSql,
  firstQuotation,
  getQuotation as loadQuotation,
  listQuotations as loadQuotations,
  quotationFormContext as loadFormContext,
  quotationFormContextQuery,
  quotationQuery,
  updateQuotation as updateQuotationSql,
  type Quotation,
  type QuotationCursor,
  type QuotationFormContext,
  type QuotationReference,
  type QuotationSummary,
  type QuotationWrite,
  type QuotationWriteResult,
} from '../../queries/quotations';
import type { LineInputValues } from '../../schemas/document-lines';
import type { QuotationHeaderInput, QuotationListStatus, QuotationStatus } from '../../schemas/quotations';
import { refusalError } from '../refusals';
import { requireRight, type ShopContext } from './context';
import { pickerBranch } from './pickers';
import { priceLines } from './document-lines';
import { ensureMaySetSeller } from './sellers';

/** A quotation's header (null or absent: the default) and lines. */
export type QuotationInput = { [K in keyof QuotationHeaderInput]?: QuotationHeaderInput[K] | null } & {
  lines: LineInputValues[];
};

const editable = (status: QuotationStatus) => status === 'draft' || status === 'sent';

export async function listQuotations(
  ctx: ShopContext,
  filter: {
    status?: QuotationListStatus | null;
    q?: string | null;
    /** One of the actor's branches (else every branch they see). */
    branch?: string | null;
    sellerId?: string | null;
    after?: QuotationCursor | null;
    limit: number;
    /** The page (not its fragment or the API): the seller filter's options, in the same round trip. */
    withSellers?: boolean;
  },
): Promise<{ rows: QuotationSummary[]; next: QuotationCursor | null; sellers: Array<{ id: string; name: string }> }> {
  requireRight(ctx, 'quotations.view');
  const { branch, ...rest } = filter;
  return loadQuotations(ctx.db, { ...rest, branchIds: listScope(ctx.actor, branch) });
}

/** A quotation in the actor's branches, else 404. */
export async function getQuotation(ctx: ShopContext, id: string): Promise<Quotation> {
  requireRight(ctx, 'quotations.view');
  const quotation = await loadQuotation(ctx.db, id, branchScope(ctx.actor));
  if (!quotation) throw new AppError('not_found');
  return quotation;
}

/** A quotation that may still change (draft or sent), else 409. */
export async function getEditableQuotation(ctx: ShopContext, id: string): Promise<Quotation> {
  requireRight(ctx, 'quotations.manage');
  const quotation = await getQuotation(ctx, id);
  if (!editable(quotation.status)) throw new AppError('conflict', t('quotations.conflict.notEditable'));
  return quotation;
}

/** The edit form of a quotation: the quotation (404 / 409 as getEditableQuotation) and the form's context for its customer, in one database request. */
export async function editableQuotationForm(
  ctx: ShopContext,
  id: string,
): Promise<{ quotation: Quotation; context: QuotationFormContext }> {
  requireRight(ctx, 'quotations.manage');
  const [quotationResult, contextResult] = await ctx.db.batch([
    quotationQuery(ctx.db, id, branchScope(ctx.actor)),
    quotationFormContextQuery(ctx.db, { ofQuotation: id }, null, undefined, can(ctx.actor, 'sellers.change')),
  ]);
  const quotation = firstQuotation(quotationResult);
  if (!quotation) throw new AppError('not_found');
  if (!editable(quotation.status)) throw new AppError('conflict', t('quotations.conflict.notEditable'));
  return { quotation, context: contextResult.rows[0]! };
}

export function quotationFormContext(
  ctx: ShopContext,
  customerId: string | null,
  search: string | null,
  productSearch: string | null = null,
  branchId: string | null = null,
): Promise<QuotationFormContext> {
  return loadFormContext(
    ctx.db,
    customerId,
    search,
    { q: productSearch, branchId: pickerBranch(ctx, branchId) },
    can(ctx.actor, 'sellers.change'),
  );
}

/**
 * Checks and prices a quotation's input for the actor: the branch must be one of theirs (default:
 * their current branch), the lines are priced on the server (priceLines), validity defaults to
 * quotedOn + 15 days and may not precede it. A 422 whose fields name the offending inputs.
 */
async function prepareQuotation(ctx: ShopContext, input: QuotationInput, quotedOn: string): Promise<QuotationWrite> {
  const errors: Record<string, string> = {};
  const user = ctx.actor;
  ensureMaySetSeller(ctx, input.sellerId);
  const branchId = input.branchId ?? user.branch?.id ?? null;
  if (!branchId || !user.branches.some((branch) => branch.id === branchId))
    errors.branchId = t('quotations.validation.branch');
  if (input.prescriptionId && !input.customerId) errors.prescriptionId = t('quotations.validation.prescription');
  const validUntil = input.validUntil ?? addDays(quotedOn, 15);
  if (validUntil < quotedOn) errors.validUntil = t('quotations.validation.validUntilPast');
  if (!input.lines.length) errors.lines = t('quotations.validation.noLines');
  const priced = input.lines.length ? await priceLines(ctx, input.lines) : null;
  if (priced && !priced.ok) Object.assign(errors, priced.errors);
  if (Object.keys(errors).length || !priced?.ok)
    throw new AppError('validation', Object.values(errors)[0] ?? t('quotations.validation.noLines'), errors);
  return {
    customerId: input.customerId ?? null,
    branchId: branchId!,
    prescriptionId: input.prescriptionId ?? null,
    currencyCode: input.currencyCode ?? 'DOP',
    validUntil,
    notes: input.notes ?? null,
    sellerId: input.sellerId ?? null,
    lines: priced.lines,
    totals: priced.totals,
  };
}

const referenceMessages = {
  customerId: 'quotations.validation.customer',
  prescriptionId: 'quotations.validation.prescription',
  currencyCode: 'quotations.validation.currency',
  branchId: 'quotations.validation.branch',
  sellerId: 'sellers.validation.seller',
} as const satisfies Record<QuotationReference, string>;

function written(result: QuotationWriteResult): string {
  if (result.ok) return result.id;
  switch (result.reason) {
    case 'references': {
      const errors: FieldErrors = Object.fromEntries(
        result.refused.map((field) => [field, t(referenceMessages[field])]),
      );
      throw new AppError('validation', Object.values(errors)[0]!, errors as Record<string, string>);
    }
    case 'refusal':
      throw refusalError(result.refusal, 'quotation', { type: 'COT' });
    case 'no_number':
      throw new AppError('conflict', t('quotations.sequence.not_found'));
    case 'not_found':
      throw new AppError('not_found');
    case 'not_editable':
      throw new AppError('conflict', t('quotations.conflict.notEditable'));
  }
}

/**
 * A new quotation numbered from the COT series, dated today (the server's date, never the
 * client's); a failure (bad reference, exhausted series) consumes no number.
 */
export async function createQuotation(ctx: ShopContext, input: QuotationInput): Promise<Quotation> {
  requireRight(ctx, 'quotations.manage');
  const quotedOn = shopToday();
  const write = await prepareQuotation(ctx, input, quotedOn);
  const id = written(await createQuotationSql(ctx.db, { ...write, quotedOn, createdBy: ctx.actor.id }));
  return getQuotation(ctx, id);
}

/**
 * Changes a draft or sent quotation: a field given (null included) replaces the stored one, one
 * left undefined keeps it; `lines`, when given, replaces every line. Totals are recomputed.
 */
export async function updateQuotation(
  ctx: ShopContext,
  id: string,
  changes: Partial<QuotationInput>,
  loaded?: Quotation,
): Promise<Quotation> {
  const current = loaded ?? (await getEditableQuotation(ctx, id));
  requireRight(ctx, 'quotations.manage');
  if (!editable(current.status)) throw new AppError('conflict', t('quotations.conflict.notEditable'));
  const { lines, ...header } = changes;
  const present = Object.fromEntries(Object.entries(header).filter(([, value]) => value !== undefined));
  const storedLines: LineInputValues[] = current.lines.map((line) => ({
    productId: line.productId,
    sku: null,
    description: line.description,
    quantity: line.quantity,
    unitPrice: line.unitPrice,
    discount: line.discount,
    taxId: line.productId ? null : line.taxId,
  }));
  const input = {
    customerId: current.customerId,
    branchId: current.branchId,
    prescriptionId: current.prescriptionId,
    currencyCode: current.currencyCode,
    validUntil: current.validUntil,
    notes: current.notes,
    ...present,
    lines: lines ?? storedLines,
  } as QuotationInput;
  const write = await prepareQuotation(ctx, input, current.quotedOn);
  written(await updateQuotationSql(ctx.db, current.id, branchScope(ctx.actor), write));
  return getQuotation(ctx, current.id);
}

const transitions = {
  send: { from: ['draft'], to: 'sent' },
  cancel: { from: ['draft', 'sent'], to: 'cancelled' },
} as const satisfies Record<string, { from: readonly QuotationStatus[]; to: QuotationStatus }>;

/** send: draft -> sent; cancel: draft/sent -> cancelled. */
export async function changeQuotationStatus(
  ctx: ShopContext,
  id: string,
  action: keyof typeof transitions,
): Promise<Quotation> {
  requireRight(ctx, 'quotations.manage');
  const { from, to } = transitions[action];
  const outcome = await changeStatusSql(ctx.db, id, branchScope(ctx.actor), from, to);
  if (outcome === 'not_found') throw new AppError('not_found');
  if (outcome === 'not_allowed') throw new AppError('conflict', t(`quotations.conflict.${to}`));
  return getQuotation(ctx, id);
}

/**
 * Converts a draft or sent quotation into a draft invoice exactly once (needs invoices.manage
 * too); a quotation already converted answers its existing invoice.
 */
export async function convertQuotation(
  ctx: ShopContext,
  id: string,
): Promise<{ invoiceId: string; created: boolean; quotation: Quotation }> {
  requireRight(ctx, 'quotations.manage');
  if (!can(ctx.actor, 'invoices.manage')) throw new AppError('forbidden', t('quotations.forbiddenConvert'));
  const result = await convertQuotationSql(ctx.db, id, branchScope(ctx.actor), ctx.actor.id);
  if (!result.ok && result.reason === 'not_found') throw new AppError('not_found');
  if (!result.ok) throw new AppError('conflict', t('quotations.conflict.converted'));
  return { invoiceId: result.invoiceId, created: result.created, quotation: await getQuotation(ctx, id) };
}
