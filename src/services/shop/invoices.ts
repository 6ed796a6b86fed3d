import { can } from '../../auth/permissions';
import type { SessionUser } from '../../auth/session';
import { shopToday } from '../../domain/dates';
import { checkIssueRules, inactiveBuyerRule, requiresActiveBuyer, type IssueRuleFailure } from '../../domain/invoices';
import { invoiceNcfTypes } from '../../domain/ncf';
import { formatIdentification } from '../../domain/tax-id';
import { registryStatusOf } from '../../dgii/lookup';
import { AppError, type FieldErrors } from '../../errors';
import { t } from '../../i18n/es-DO';
import { actorLabel } from '../../queries/audit';
import { branchScope, listScope } from '../../queries/branch-scope';
import type { PricedLine } from '../../queries/document-lines';
import {
  createDraft,
  deleteDraft,
  getInvoice as loadInvoice,
  firstInvoice,
  invoiceEcfOf,
  invoiceFormOptions as loadFormOptions,
  invoiceFormOptionsQuery,
  invoiceQuery,
  issueContextQuery,
  issueInvoice as issueInvoiceSql,
  listInvoices as loadInvoices,
  updateDraft,
  voidInvoice as voidInvoiceSql,
  type DraftWriteResult,
  type InvoiceCursor,
  type Invoice,
  type InvoiceFormOptions,
  type InvoiceStatus,
  type InvoiceSummary,
} from '../../queries/invoices';
import type { LineInputValues } from '../../schemas/document-lines';
import type { InvoiceHeaderInput, InvoiceUpdateInput } from '../../schemas/invoices';
import type { DocumentTotals } from '../../domain/totals';
import { refusalError } from '../refusals';
import { checkEcfDocument, ecfJobs, prepareEcf } from './ecf';
import { fallbackSeries } from './ecf-fallbacks';
import { requireRight, type ShopContext } from './context';
import { priceLines } from './document-lines';
import { pickerBranch } from './pickers';
import { queueEventDispatch } from './events';
import { ensureMaySetSeller } from './sellers';

/** Permission in depth: the route checked it already; a service called from elsewhere checks again. */

const validation = (errors: FieldErrors) =>
  new AppError('validation', Object.values(errors)[0] ?? t('error.validation.title'), errors as Record<string, string>);

export async function listInvoices(
  ctx: ShopContext,
  filter: {
    status?: InvoiceStatus;
    from?: string | null;
    to?: string | null;
    q?: string;
    /** One of the actor's branches (else every branch they see). */
    branch?: string | null;
    sellerId?: string | null;
    after?: InvoiceCursor | null;
    limit: number;
    /** The page (not its fragment or the API): the seller filter's options, in the same round trip. */
    withSellers?: boolean;
  },
): Promise<{ rows: InvoiceSummary[]; next: InvoiceCursor | null; sellers: Array<{ id: string; name: string }> }> {
  requireRight(ctx, 'invoices.view');
  if (filter.from && filter.to && filter.from > filter.to) {
    const message = t('invoices.validation.period');
    throw new AppError('validation', message, { to: message });
  }
  const { branch, ...rest } = filter;
  return loadInvoices(ctx.db, { ...rest, branchIds: listScope(ctx.actor, branch) });
}

/** An invoice (not a credit note) in the actor's branches, with the exchange rate of `rateOn`; else 404. */
export async function getInvoice(ctx: ShopContext, id: string, options: { rateOn?: string } = {}): Promise<Invoice> {
  requireRight(ctx, 'invoices.view');
  const invoice = await loadInvoice(ctx.db, id, { branchIds: branchScope(ctx.actor), rateOn: options.rateOn });
  if (invoice?.kind !== 'invoice') throw new AppError('not_found');
  return invoice;
}

/** A draft the actor may change: 404 when unknown or outside their branches, 409 once issued. */
export async function getInvoiceDraft(ctx: ShopContext, id: string): Promise<Invoice> {
  requireRight(ctx, 'invoices.manage');
  const invoice = await getInvoice(ctx, id);
  if (invoice.status !== 'draft') throw new AppError('conflict', t('invoices.error.notDraft'));
  return invoice;
}

/**
 * The edit form of a draft: the draft (404 / 409 as getInvoiceDraft) and the form's options for its
 * customer, in one database request.
 */
export async function invoiceDraftForm(
  ctx: ShopContext,
  id: string,
): Promise<{ invoice: Invoice; options: InvoiceFormOptions }> {
  requireRight(ctx, 'invoices.manage');
  const [invoiceResult, optionsResult] = await ctx.db.batch([
    invoiceQuery(ctx.db, id, { branchIds: branchScope(ctx.actor) }),
    invoiceFormOptionsQuery(ctx.db, {
      customerOfInvoice: id,
      ncfTypes: invoiceNcfTypes,
      sellers: can(ctx.actor, 'sellers.change'),
    }),
  ]);
  const invoice = firstInvoice(invoiceResult);
  if (invoice?.kind !== 'invoice') throw new AppError('not_found');
  if (invoice.status !== 'draft') throw new AppError('conflict', t('invoices.error.notDraft'));
  return { invoice, options: optionsResult.rows[0]! };
}

export function invoiceFormOptions(
  ctx: ShopContext,
  customerId: string | null,
  customerSearch: string | null = null,
  productSearch: string | null = null,
  branchId: string | null = null,
): Promise<InvoiceFormOptions> {
  const products = { q: productSearch, branchId: pickerBranch(ctx, branchId) };
  return loadFormOptions(ctx.db, {
    customerId,
    customerSearch,
    ncfTypes: invoiceNcfTypes,
    products,
    sellers: can(ctx.actor, 'sellers.change'),
  });
}

/**
 * The one branch rule for drafts, UI and API alike: the branch asked for, else the draft's own,
 * else the actor's current branch; it must be one of the actor's branches, or the draft's own
 * branch left as it was. Null when refused.
 */
export function draftBranch(
  actor: Pick<SessionUser, 'branch' | 'branches'>,
  requested: string | null | undefined,
  current: string | null,
): string | null {
  const branchId = requested || current || actor.branch?.id || null;
  if (!branchId) return null;
  return branchId === current || actor.branches.some((branch) => branch.id === branchId) ? branchId : null;
}

export type DraftHeader = InvoiceHeaderInput;

/** A draft checked and priced, ready to write (only prepareInvoiceDraft makes one). */
export interface PreparedDraft {
  header: DraftHeader & { branchId: string };
  lines: PricedLine[];
  totals: DocumentTotals;
}

/**
 * Checks what the schema cannot (branch rule, products, taxes) and prices the lines. `header` null:
 * it failed its schema (the caller has those errors); the lines are still priced for the preview.
 */
export async function prepareInvoiceDraft(
  ctx: ShopContext,
  input: { header: DraftHeader | null; lines: LineInputValues[] | null; currentBranchId?: string | null },
): Promise<{
  errors: FieldErrors;
  priced: { lines: PricedLine[]; totals: DocumentTotals } | null;
  draft: PreparedDraft | null;
}> {
  const errors: FieldErrors = {};
  if (input.header) ensureMaySetSeller(ctx, input.header.sellerId);
  const branchId = input.header ? draftBranch(ctx.actor, input.header.branchId, input.currentBranchId ?? null) : null;
  if (input.header && !branchId) errors.branchId = t('invoices.validation.branch');
  let priced: { lines: PricedLine[]; totals: DocumentTotals } | null = null;
  if (input.lines) {
    const result = await priceLines(ctx, input.lines);
    if (result.ok) priced = { lines: result.lines, totals: result.totals };
    else Object.assign(errors, result.errors);
  }
  const draft =
    input.header && branchId && priced && !Object.keys(errors).length
      ? { header: { ...input.header, branchId }, lines: priced.lines, totals: priced.totals }
      : null;
  return { errors, priced, draft };
}

const referenceMessages = {
  customerId: 'invoices.validation.customer',
  sequenceId: 'invoices.validation.sequence',
  currencyCode: 'invoices.validation.currency',
  prescriptionId: 'invoices.validation.prescription',
  sellerId: 'sellers.validation.seller',
} as const;

/** Field errors of a refused draft write (unknown customer, sequence, currency or prescription). */
export function draftWriteErrors(result: DraftWriteResult): FieldErrors {
  if (result.ok || 'notDraft' in result) return {};
  return Object.fromEntries(
    Object.keys(result.fields).map((field) => [field, t(referenceMessages[field as keyof typeof referenceMessages])]),
  );
}

/** Writes a prepared draft (new when `id` is null); the new or same id. 422 for unknown references, 409 once issued. */
export async function saveInvoiceDraft(ctx: ShopContext, id: string | null, draft: PreparedDraft): Promise<string> {
  requireRight(ctx, 'invoices.manage');
  const result = id
    ? await updateDraft(ctx.db, id, draft.header, draft.lines, draft.totals)
    : await createDraft(ctx.db, draft.header, draft.lines, draft.totals, ctx.actor.id);
  if (result.ok) return result.id;
  if ('notDraft' in result) throw new AppError('conflict', t('invoices.error.notDraft'));
  throw validation(draftWriteErrors(result));
}

/** A new draft from the API's whole input. */
export async function createInvoiceDraft(
  ctx: ShopContext,
  input: DraftHeader & { lines: LineInputValues[] },
): Promise<Invoice> {
  requireRight(ctx, 'invoices.manage');
  const { lines, ...header } = input;
  const prepared = await prepareInvoiceDraft(ctx, { header, lines });
  if (!prepared.draft) throw validation(prepared.errors);
  return getInvoice(ctx, await saveInvoiceDraft(ctx, null, prepared.draft));
}

/** Changes a draft: the fields given replace the stored ones; `lines`, when given, replaces every line. */
export async function updateInvoiceDraft(ctx: ShopContext, id: string, input: InvoiceUpdateInput): Promise<Invoice> {
  const current = await getInvoiceDraft(ctx, id);
  const pick = <K extends keyof InvoiceUpdateInput>(key: K, fallback: NonNullable<InvoiceUpdateInput[K]> | null) =>
    input[key] === undefined ? fallback : input[key];
  const storedLines: LineInputValues[] = current.lines.map((line) => ({
    productId: line.productId,
    sku: null,
    description: line.description,
    quantity: line.quantity,
    unitPrice: line.unitPrice,
    discount: line.discount,
    taxId: line.taxId,
  }));
  const header: DraftHeader = {
    branchId: input.branchId ?? current.branchId,
    ncfType: input.ncfType ?? current.ncfType,
    customerId: pick('customerId', current.customerId),
    sequenceId: pick('sequenceId', current.sequenceId),
    currencyCode: input.currencyCode ?? current.currencyCode,
    dueOn: pick('dueOn', current.dueOn),
    prescriptionId: pick('prescriptionId', current.prescriptionId),
    notes: pick('notes', current.notes),
    sellerId: input.sellerId ?? null,
  } as DraftHeader;
  const prepared = await prepareInvoiceDraft(ctx, {
    header,
    lines: input.lines ?? storedLines,
    currentBranchId: current.branchId,
  });
  if (!prepared.draft) throw validation(prepared.errors);
  await saveInvoiceDraft(ctx, id, prepared.draft);
  return getInvoice(ctx, id);
}

/** Deletes a draft (never an issued invoice). */
export async function deleteInvoiceDraft(ctx: ShopContext, id: string): Promise<void> {
  requireRight(ctx, 'invoices.manage');
  const outcome = await deleteDraft(ctx.db, id, branchScope(ctx.actor));
  if (outcome === 'not_found') throw new AppError('not_found');
  if (outcome === 'not_draft') throw new AppError('conflict', t('invoices.error.notDraft'));
}

/**
 * A draft whose buyer the DGII registry does not have as active says so before anything is issued
 * (one registry query, only for drafts with a buyer id); B01/E31 will then be refused at issue.
 */
export async function draftBuyerWarning(
  ctx: ShopContext,
  invoice: Pick<Invoice, 'status' | 'ncfType' | 'customerIdType' | 'customerIdNumber'>,
): Promise<string | null> {
  if (invoice.status !== 'draft' || !invoice.customerIdNumber) return null;
  const status = await registryStatusOf(ctx.env)(invoice.customerIdNumber);
  const rule = inactiveBuyerRule(invoice.ncfType, status);
  if (!rule || !status) return null;
  const warning = t('invoices.warning.buyerInactive', {
    id: formatIdentification(invoice.customerIdType, invoice.customerIdNumber),
    status,
  });
  return rule === 'refuse'
    ? `${warning} ${t('invoices.warning.buyerInactiveRefused', { type: invoice.ncfType })}`
    : warning;
}

function ruleError(failure: IssueRuleFailure): AppError {
  switch (failure.rule) {
    case 'noLines':
      return new AppError('validation', t('invoices.error.noLines'), { lines: t('invoices.error.noLines') });
    case 'ncfType':
      return new AppError('validation', t('invoices.validation.ncfType'), {
        ncfType: t('invoices.validation.ncfType'),
      });
    case 'noExchangeRate': {
      const message = t('invoices.error.noExchangeRate', { currency: failure.currency, date: failure.date });
      return new AppError('validation', message, { currencyCode: message });
    }
    case 'buyerIdRequired': {
      const message = t('invoices.error.buyerIdRequired', { type: failure.type, name: failure.name });
      return new AppError('validation', message, { customerId: message });
    }
    case 'buyerIdThreshold': {
      const message = t('invoices.error.buyerIdThreshold', { type: failure.type, total: failure.total });
      return new AppError('validation', message, { customerId: message });
    }
  }
}

/**
 * Issues a draft in two database requests: one batch reads the draft with what the checks need
 * (e-CF settings, an open B-series fallback period), the rules are checked here, then one batch
 * switches to the fallback's B type if any, lets issue_invoice take the NCF and reads the issued
 * invoice back (the page the browser lands on). With `issueKey`, an invoice already issued with the
 * same key answers as issued again (no new number); otherwise a non-draft is a 409.
 *
 * An E-series number is an e-CF: `ecf: 'now'` (the API) signs, stores and queues it before
 * answering (more requests); `'queued'` (the browser) leaves that to the ecf.prepare job, which the
 * sweep stands behind (prepareMissingEcf), and says so with `ecfQueued`.
 */
export async function issueInvoice(
  ctx: ShopContext,
  id: string,
  options: { issueKey: string | null; ecf?: 'now' | 'queued' },
): Promise<{ invoice: Invoice; replayed: boolean; ecfQueued: boolean }> {
  requireRight(ctx, 'invoices.manage');
  const today = shopToday();
  const scope = { branchIds: branchScope(ctx.actor), rateOn: today };
  const [draftResult, contextResult] = await ctx.db.batch([invoiceQuery(ctx.db, id, scope), issueContextQuery(ctx.db)]);
  const draft = firstInvoice(draftResult);
  if (draft?.kind !== 'invoice') throw new AppError('not_found');
  const { ecfEnabled, openFallbackId } = contextResult.rows[0]!;
  const { issueKey } = options;
  if (draft.status !== 'draft') {
    if (issueKey && draft.issueKey === issueKey) {
      // A replay also finishes an e-CF a failed first attempt did not prepare (prepareEcf is idempotent).
      const ecfQueued = await finishEcf(ctx, draft, ecfEnabled, options.ecf ?? 'now');
      return { invoice: draft, replayed: true, ecfQueued };
    }
    throw new AppError(
      'conflict',
      issueKey && draft.issueKey ? t('invoices.error.idempotencyMismatch') : t('invoices.error.notDraft'),
    );
  }
  // During DGII's incapacidad técnica an E-series draft is issued with its B-series type.
  const fallbackType = openFallbackId ? fallbackSeries[draft.ncfType] : undefined;
  const fallback =
    openFallbackId && fallbackType
      ? { fallbackId: openFallbackId, fromType: draft.ncfType, toType: fallbackType }
      : null;
  const invoice: Invoice = fallback
    ? { ...draft, ncfType: fallback.toType, sequenceId: null, sequencePrefix: null }
    : draft;
  const rules = checkIssueRules({ ...invoice, lineCount: invoice.lines.length }, today);
  if (!rules.ok) throw ruleError(rules.failure);
  if (invoice.customerIdNumber && requiresActiveBuyer(invoice.ncfType)) {
    const status = await registryStatusOf(ctx.env)(invoice.customerIdNumber);
    if (inactiveBuyerRule(invoice.ncfType, status) === 'refuse') {
      const message = t('invoices.error.buyerInactive', {
        id: invoice.customerIdNumber,
        status: status!,
        type: invoice.ncfType,
      });
      throw new AppError('validation', message, { customerId: message });
    }
  }
  // A document the e-CF format cannot carry is refused here (422), before the number is taken.
  if (ecfEnabled) checkEcfDocument({ ...invoice, issuedOn: today, exchangeRate: rules.exchangeRate, ...rules.dop });
  const outcome = await issueInvoiceSql(ctx.db, {
    invoiceId: invoice.id,
    version: invoice.version,
    issueKey,
    issuedOn: today,
    exchangeRate: rules.exchangeRate,
    dop: rules.dop,
    userId: ctx.actor.id,
    actor: actorLabel(ctx.actor),
    fallback,
    readBack: scope,
  });
  if (!outcome.ok) throw refusalError(outcome.refusal, 'invoiceIssue', { type: invoice.ncfType });
  if (!outcome.replayed) await queueEventDispatch(ctx);
  // What the format cannot carry was refused above; should the build still fail, issuing again
  // with the same key prepares it once the data is fixed.
  const ecfQueued = await finishEcf(ctx, outcome.invoice, ecfEnabled, options.ecf ?? 'now');
  return { invoice: outcome.invoice, replayed: outcome.replayed, ecfQueued };
}

/** The e-CF of an issued E-series invoice that has none yet: prepared now (`invoice.ecf` set) or queued (true). */
async function finishEcf(
  ctx: ShopContext,
  invoice: Invoice,
  ecfEnabled: boolean,
  mode: 'now' | 'queued',
): Promise<boolean> {
  if (!ecfEnabled || invoice.ecf || !invoice.ncfType.startsWith('E') || invoice.status === 'draft') return false;
  if (mode === 'queued') {
    await ctx.jobs.send(ecfJobs.prepare, { id: invoice.id });
    return true;
  }
  const ecf = await prepareEcf(ctx, invoice.id);
  if (ecf) invoice.ecf = invoiceEcfOf(ecf, invoice.issuer?.rnc ?? invoice.company.rnc);
  return false;
}

/** Voids an issued invoice in the actor's branches (void_invoice in SQL); refusals become 404 / 409. */
export async function voidInvoice(
  ctx: ShopContext,
  id: string,
  input: { reason: string; note?: string | null },
): Promise<Invoice> {
  requireRight(ctx, 'invoices.void');
  await getInvoice(ctx, id);
  const outcome = await voidInvoiceSql(ctx.db, {
    invoiceId: id,
    reason: input.reason,
    note: input.note ?? null,
    userId: ctx.actor.id,
    actor: actorLabel(ctx.actor),
  });
  if (!outcome.ok) throw refusalError(outcome.refusal, 'invoiceVoid');
  return getInvoice(ctx, id);
}
