import { findTaxpayer, type Taxpayer } from '../../dgii/lookup';
import { readEcfView } from '../../ecf/peer/ecf-view';
import { registrySql } from '../../dgii/registry';
import { shopToday } from '../../domain/dates';
import { format606Line, type Purchase606 } from '../../domain/dgii-606';
import { reportFileName, reportHeader } from '../../domain/dgii-reports';
import {
  attachmentType,
  checkPurchaseNcf,
  creditPurchaseForm,
  expenseAttachmentMaxBytes,
  expenseFigures,
  inactiveSupplierRefused,
  splitGoodsServices,
  type ExpenseFigures,
} from '../../domain/expenses';
import { fromUnits, toUnits } from '../../domain/money';
import { compactTaxId } from '../../domain/tax-id';
import { AppError, type FieldErrors } from '../../errors';
import { t, type MessageKey } from '../../i18n/es-DO';
import { actorLabel } from '../../queries/audit';
import { branchScope, listScope } from '../../queries/branch-scope';
import {
  contactNameByIdNumber,
  deleteAttachment,
  getAttachment,
  getExpense as selectExpense,
  insertAttachment,
  insertExpense,
  listExpenses as selectExpenses,
  markExpensePaid,
  purchasesHead,
  purchasesPage,
  purchasesPageSize,
  receivedEcfSource,
  updateExpense as changeExpense,
  voidExpense as markVoided,
  type ExpenseDetail,
  type ExpenseRow,
  type ExpenseTotals,
  type ExpenseWrite,
  type ReceivedEcfSource,
} from '../../queries/expenses';
import { taxIdIssue } from '../../schemas/common';
import { expenseFields, expenseFilterFields, expensePaymentFields, type ExpenseInput } from '../../schemas/expenses';
import { requireRight, type ShopContext } from './context';
import { requirePeriod, requireRnc, textStream, type DgiiReportFile } from './reports';

export type { ExpenseDetail, ExpenseRow, ExpenseTotals, ReceivedEcfSource };

function invalid(fields: FieldErrors): never {
  throw new AppError('validation', t('validation.summary'), fields as Record<string, string>);
}

/** Validates a body with a zod schema: 422 with the first message of every field. */
function parsed<T>(
  schema: {
    safeParse(
      body: unknown,
    ):
      | { success: true; data: T }
      | { success: false; error: { issues: Array<{ path: PropertyKey[]; message: string }> } };
  },
  body: unknown,
): T {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const fields: FieldErrors = {};
  for (const issue of result.error.issues) fields[String(issue.path[0] ?? '_form')] ??= issue.message;
  return invalid(fields);
}

/** The Postgres error code and constraint of a failed statement, looking through the driver's wrappers. */
function pgError(error: unknown): { code?: string; constraint?: string } {
  for (
    let current: unknown = error;
    current && typeof current === 'object';
    current = (current as { cause?: unknown }).cause
  ) {
    const { code, constraint } = current as { code?: unknown; constraint?: unknown };
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code))
      return { code, constraint: typeof constraint === 'string' ? constraint : undefined };
  }
  return {};
}

/** A refused write as the field it is about (422): the same supplier + NCF twice, an e-CF already recorded. */
function writeRefusal(error: unknown): never {
  const { code, constraint } = pgError(error);
  if (code === '23505' && constraint === 'expenses_supplier_ncf_key') invalid({ ncf: t('expenses.error.duplicate') });
  if (code === '23505' && constraint === 'expenses_received_ecf_key')
    invalid({ receivedEcfId: t('expenses.error.receivedEcfTaken') });
  if (code === '23503' && constraint?.includes('received_ecf'))
    invalid({ receivedEcfId: t('expenses.error.receivedEcf') });
  throw error;
}

const registryLookup = (ctx: ShopContext, taxId: string): Promise<Taxpayer | null> =>
  findTaxpayer(registrySql(ctx.env), taxId);

/** The branch an expense goes to: the chosen one if the actor works there, else their current branch. */
function writeBranch(ctx: ShopContext, branchId: string | null): string {
  const chosen = branchId ?? ctx.actor.branch?.id ?? ctx.actor.branches[0]?.id ?? null;
  if (!chosen || !ctx.actor.branches.some((branch) => branch.id === chosen))
    invalid({ branchId: t('expenses.error.branch') });
  return chosen;
}

/**
 * Every rule of an expense on validated fields, with the DGII registry asked once: the NCF (format,
 * a purchase type, the modified NCF of notes), the supplier (RNC/cédula check digit unless the
 * registry has it, the name from the registry when blank, not inactive for a crédito fiscal), the
 * amounts (figures computed here), the dates and the payment. 422 with every field's message.
 */
async function prepareExpense(
  ctx: ShopContext,
  input: ExpenseInput,
): Promise<{ write: ExpenseWrite; figures: ExpenseFigures; taxpayer: Taxpayer | null }> {
  const errors: FieldErrors = {};
  const ncfIssues = checkPurchaseNcf(input.ncf, input.modifiedNcf ?? null);
  if (ncfIssues?.ncf) errors.ncf = t(`expenses.error.ncf.${ncfIssues.ncf}` as MessageKey);
  if (ncfIssues?.modifiedNcf)
    errors.modifiedNcf = t(`expenses.error.modifiedNcf.${ncfIssues.modifiedNcf}` as MessageKey);
  const digits = compactTaxId(input.supplierIdNumber);
  const idType = digits.length === 9 ? 'rnc' : 'cedula';
  const taxpayer = await registryLookup(ctx, digits);
  const idIssue = taxIdIssue(idType, digits, taxpayer !== null);
  if (idIssue) errors.supplierIdNumber = idIssue;
  else if (taxpayer && inactiveSupplierRefused(input.ncf.slice(0, 3), taxpayer.status))
    errors.supplierIdNumber = t('expenses.error.inactiveSupplier', { status: taxpayer.status ?? '' });
  // Blank name: the registry's, else the shop's own contact with that number.
  const supplierName =
    input.supplierName ?? taxpayer?.name ?? (idIssue ? null : await contactNameByIdNumber(ctx.db, digits));
  if (!supplierName && !errors.supplierIdNumber) errors.supplierName = t('expenses.error.supplierName');
  const today = shopToday();
  const issuedOn = input.issuedOn!;
  if (issuedOn > today) errors.issuedOn = t('expenses.error.futureDate');
  if (input.paidOn && input.paidOn > today) errors.paidOn = t('expenses.error.futureDate');
  else if (input.paidOn && input.paidOn < issuedOn) errors.paidOn = t('expenses.error.paidBeforeIssued');
  let paymentForm = input.paymentForm ?? creditPurchaseForm;
  if (input.paidOn && paymentForm === creditPurchaseForm) errors.paymentForm = t('expenses.error.paymentFormPaid');
  if (!input.paidOn && paymentForm !== creditPurchaseForm) {
    if (input.paymentForm) errors.paidOn = t('expenses.error.paidOnRequired');
    paymentForm = creditPurchaseForm;
  }
  const computed = expenseFigures(input, input.isrWithholdingType ?? null);
  if (!computed.ok)
    for (const [field, issue] of Object.entries(computed.issues))
      errors[field] ??= t(`expenses.error.${issue}` as MessageKey);
  const branchId = input.branchId ?? ctx.actor.branch?.id ?? ctx.actor.branches[0]?.id ?? null;
  if (!branchId || !ctx.actor.branches.some((branch) => branch.id === branchId))
    errors.branchId = t('expenses.error.branch');
  if (Object.keys(errors).length > 0 || !computed.ok) invalid(errors);
  return {
    taxpayer,
    figures: computed.figures,
    write: {
      supplierIdType: idType,
      supplierIdNumber: digits,
      supplierName: supplierName!,
      ncf: input.ncf,
      modifiedNcf: input.modifiedNcf ?? null,
      expenseType: input.expenseType,
      branchId: writeBranch(ctx, branchId),
      issuedOn,
      paidOn: input.paidOn ?? null,
      paymentForm,
      servicesAmount: input.servicesAmount,
      goodsAmount: input.goodsAmount,
      itbisBilled: input.itbisBilled,
      itbisWithheld: input.itbisWithheld,
      itbisProportional: input.itbisProportional,
      itbisToCost: input.itbisToCost,
      itbisPerceived: input.itbisPerceived,
      isrWithheld: input.isrWithheld,
      isrPerceived: input.isrPerceived,
      iscAmount: input.iscAmount,
      otherTaxes: input.otherTaxes,
      legalTip: input.legalTip,
      total: computed.figures.total,
      itbisAdvance: computed.figures.itbisAdvance,
      isrWithholdingType: input.isrWithholdingType ?? null,
      notes: input.notes ?? null,
      receivedEcfId: input.receivedEcfId ?? null,
    },
  };
}

const actorOf = (ctx: ShopContext) => ({ id: ctx.actor.id, label: actorLabel(ctx.actor) });

/**
 * Records a supplier's invoice. The supplier contact is found or created in the expense's own
 * statement; the same supplier + NCF twice, or a received e-CF recorded twice, is refused by the
 * database's unique indexes (so of simultaneous requests exactly one wins) and answered as a 422.
 */
export async function createExpense(ctx: ShopContext, body: unknown): Promise<ExpenseDetail> {
  requireRight(ctx, 'expenses.manage');
  const input = parsed(expenseFields, body);
  if (input.receivedEcfId) {
    const source = await receivedEcfSource(ctx.db, input.receivedEcfId);
    if (!source) invalid({ receivedEcfId: t('expenses.error.receivedEcf') });
    if (source.expenseId) invalid({ receivedEcfId: t('expenses.error.receivedEcfTaken') });
  }
  const { write } = await prepareExpense(ctx, input);
  let id: string;
  try {
    id = await insertExpense(ctx.db, write, actorOf(ctx));
  } catch (error) {
    writeRefusal(error);
  }
  return getExpense(ctx, id);
}

/** Replaces an expense's fields (a voided one cannot change); its received e-CF link stays as it was. */
export async function updateExpense(ctx: ShopContext, id: string, body: unknown): Promise<ExpenseDetail> {
  requireRight(ctx, 'expenses.manage');
  const current = await getExpense(ctx, id);
  if (current.voidedAt) throw new AppError('conflict', t('expenses.error.voided'));
  const input = parsed(expenseFields, { ...(body as Record<string, unknown>), receivedEcfId: null });
  const { write } = await prepareExpense(ctx, input);
  try {
    if (!(await changeExpense(ctx.db, current.id, write, branchScope(ctx.actor), actorOf(ctx))))
      throw new AppError('not_found');
  } catch (error) {
    if (error instanceof AppError) throw error;
    writeRefusal(error);
  }
  return getExpense(ctx, current.id);
}

export async function getExpense(ctx: ShopContext, id: string): Promise<ExpenseDetail> {
  requireRight(ctx, 'expenses.view');
  const expense = await selectExpense(ctx.db, id, branchScope(ctx.actor));
  if (!expense) throw new AppError('not_found');
  return expense;
}

export const expensePageSize = 50;

/** A page of the list (after the keyset position `after`) with the totals of everything the filters match (one statement). */
export async function listExpenses(
  ctx: ShopContext,
  query: unknown,
  decodeAfter: (cursor: string | undefined) => { issuedOn: string; id: string } | null,
  limit = expensePageSize,
) {
  requireRight(ctx, 'expenses.view');
  const filter = parsed(expenseFilterFields, query);
  const page = await selectExpenses(ctx.db, {
    period: filter.period,
    q: filter.q,
    type: filter.type,
    status: filter.status as 'pending' | 'paid' | 'voided' | null,
    scope: listScope(ctx.actor, filter.branch),
    after: decodeAfter(filter.cursor),
    limit,
  });
  return { filter, rows: page.rows, totals: page.totals, more: page.more };
}

/** Marks a pending expense paid on a day (not before its document, not in the future) and how. */
export async function payExpense(ctx: ShopContext, id: string, body: unknown): Promise<ExpenseDetail> {
  requireRight(ctx, 'expenses.manage');
  const input = parsed(expensePaymentFields, body);
  if (input.paidOn! > shopToday()) invalid({ paidOn: t('expenses.error.futureDate') });
  if (input.paymentForm === creditPurchaseForm) invalid({ paymentForm: t('expenses.error.paymentFormPaid') });
  const outcome = await markExpensePaid(
    ctx.db,
    id,
    { paidOn: input.paidOn!, paymentForm: input.paymentForm },
    branchScope(ctx.actor),
    actorOf(ctx),
  );
  if (outcome === 'not_found') throw new AppError('not_found');
  if (outcome === 'voided') throw new AppError('conflict', t('expenses.error.voided'));
  if (outcome === 'already_paid') throw new AppError('conflict', t('expenses.error.alreadyPaid'));
  if (outcome === 'before_issue') invalid({ paidOn: t('expenses.error.paidBeforeIssued') });
  return getExpense(ctx, id);
}

/** Voids an expense: it leaves the 606 and its received e-CF may be recorded again. */
export async function voidExpense(ctx: ShopContext, id: string): Promise<ExpenseDetail> {
  requireRight(ctx, 'expenses.manage');
  if (!(await markVoided(ctx.db, id, branchScope(ctx.actor), { label: actorLabel(ctx.actor) }))) {
    const current = await getExpense(ctx, id);
    if (current.voidedAt) throw new AppError('conflict', t('expenses.error.voided'));
    throw new AppError('not_found');
  }
  return getExpense(ctx, id);
}

/** Stores a file of an expense under the shop's prefix (PDF, JPEG, PNG or WebP by its bytes, up to 10 MB). */
export async function addExpenseAttachment(ctx: ShopContext, id: string, file: unknown): Promise<void> {
  requireRight(ctx, 'expenses.manage');
  const expense = await getExpense(ctx, id);
  if (!(file instanceof File) || file.size === 0) invalid({ attachment: t('expenses.error.attachmentMissing') });
  if (file.size > expenseAttachmentMaxBytes) invalid({ attachment: t('expenses.error.attachmentSize') });
  const bytes = new Uint8Array(await file.arrayBuffer());
  const type = attachmentType(bytes);
  if (!type) invalid({ attachment: t('expenses.error.attachmentType') });
  const key = `expenses/${expense.id}/${crypto.randomUUID()}`;
  const name = (file.name || 'archivo').replace(/[\r\n"\\/]/g, '_').slice(0, 150);
  await ctx.files.put(key, bytes, { httpMetadata: { contentType: type } });
  if (
    !(await insertAttachment(
      ctx.db,
      expense.id,
      { key, name, type, size: bytes.byteLength },
      branchScope(ctx.actor),
      ctx.actor.id,
    ))
  ) {
    await ctx.files.delete(key);
    throw new AppError('not_found');
  }
}

/**
 * Removes a file of an expense the actor sees (not of a voided one): the row goes first, in one
 * statement with its audit line, then the object; of two simultaneous removals one finds the row.
 */
export async function removeExpenseAttachment(
  ctx: ShopContext,
  expenseId: string,
  attachmentId: string,
): Promise<void> {
  requireRight(ctx, 'expenses.manage');
  const expense = await getExpense(ctx, expenseId);
  if (expense.voidedAt) throw new AppError('conflict', t('expenses.error.voided'));
  const key = await deleteAttachment(ctx.db, expense.id, attachmentId, branchScope(ctx.actor), {
    label: actorLabel(ctx.actor),
  });
  if (!key) throw new AppError('not_found');
  await ctx.files.delete(key);
}

/** A file of an expense the actor sees, read from this shop's own files only. */
export async function expenseAttachment(
  ctx: ShopContext,
  expenseId: string,
  attachmentId: string,
): Promise<{ body: ReadableStream; type: string; name: string }> {
  requireRight(ctx, 'expenses.view');
  const found = await getAttachment(ctx.db, expenseId, attachmentId, branchScope(ctx.actor));
  if (!found) throw new AppError('not_found');
  const object = await ctx.files.get(found.fileKey);
  if (!object) throw new AppError('not_found');
  return { body: object.body, type: found.contentType, name: found.fileName };
}

export type SupplierCheck =
  | { kind: 'none' }
  | { kind: 'message'; message: string; tone: 'info' | 'warn' }
  | { kind: 'taxpayer'; taxpayer: Taxpayer; refused: string | null };

/** What the DGII registry says about the supplier's number being typed (and whether the NCF typed so far is refused for it). */
export async function checkSupplier(
  ctx: ShopContext,
  input: { idNumber: string; ncf: string },
): Promise<SupplierCheck> {
  requireRight(ctx, 'expenses.manage');
  const digits = compactTaxId(input.idNumber.trim());
  if (digits === '') return { kind: 'none' };
  if (!/^\d+$/.test(digits) || digits.length > 11 || digits.length === 10)
    return { kind: 'message', message: t('expenses.error.supplierId'), tone: 'warn' };
  if (digits.length < 9) return { kind: 'message', message: t('dgii.incomplete'), tone: 'info' };
  const taxpayer = await registryLookup(ctx, digits);
  const idType = digits.length === 9 ? 'rnc' : 'cedula';
  if (!taxpayer) {
    const issue = taxIdIssue(idType, digits, false);
    return issue
      ? { kind: 'message', message: issue, tone: 'warn' }
      : { kind: 'message', message: t('dgii.notFound'), tone: 'info' };
  }
  const ncfType = input.ncf.replace(/[\s-]/g, '').toUpperCase().slice(0, 3);
  const refused = inactiveSupplierRefused(ncfType, taxpayer.status)
    ? t('expenses.error.inactiveSupplier', { status: taxpayer.status ?? '' })
    : null;
  return { kind: 'taxpayer', taxpayer, refused };
}

/**
 * The form's starting values for a received e-CF: issuer, e-NCF (and the one a note modifies),
 * date, ITBIS and the amount before ITBIS split into goods and services by the XML's lines. The
 * shop checks the 606 type and the payment before saving. 404 for an e-CF that is not this shop's.
 */
export async function expenseFromReceivedEcf(
  ctx: ShopContext,
  receivedEcfId: string,
): Promise<{ source: ReceivedEcfSource; values: Record<string, string> }> {
  requireRight(ctx, 'expenses.manage');
  const source = await receivedEcfSource(ctx.db, receivedEcfId);
  if (!source) throw new AppError('not_found');
  if (source.expenseId) return { source, values: {} };
  const itbis = source.itbisTotal ?? '0.00';
  const base = fromUnits(toUnits(source.total, 2) - toUnits(itbis, 2), 2);
  const object = await ctx.files.get(source.xmlKey);
  const view = object ? readEcfView(await object.text()) : null;
  const split = splitGoodsServices(base, view?.lines ?? []);
  return {
    source,
    values: {
      supplierIdNumber: source.issuerRnc,
      supplierName: source.issuerName,
      ncf: source.encf,
      modifiedNcf: view?.modifiedEncf ?? '',
      issuedOn: source.issuedOn,
      goodsAmount: split.goodsAmount,
      servicesAmount: split.servicesAmount,
      itbisBilled: itbis,
      receivedEcfId: source.id,
      expenseType: source.ecfType === '47' ? '02' : '09',
      paymentForm: '04',
    },
  };
}

/**
 * The 606 TXT of a requested period: the statement that counts the lines also writes
 * `report.exported`; the lines are then streamed a keyset page at a time. Should the month change
 * between the count and the last page, the stream fails rather than hand over a wrong header.
 */
export async function export606(ctx: ShopContext, requestedPeriod: string | undefined | null): Promise<DgiiReportFile> {
  requireRight(ctx, 'reports.dgii');
  const period = requirePeriod(requestedPeriod);
  const head = await purchasesHead(ctx.db, period, actorLabel(ctx.actor));
  const rnc = requireRnc(head.rnc);
  async function* lines(): AsyncGenerator<string> {
    yield reportHeader('606', rnc, period, head.count);
    let written = 0;
    let page: Purchase606[] = head.firstPage;
    for (;;) {
      written += page.length;
      if (page.length > 0) yield page.map(format606Line).join('');
      const last = page.at(-1);
      if (!last || page.length < purchasesPageSize) break;
      page = await purchasesPage(ctx.db, period, {
        issuedOn: last.issuedOn,
        ncf: last.ncf,
        supplierIdNumber: last.supplierIdNumber,
      });
    }
    if (written !== head.count)
      throw new Error(`606 of ${period}: ${written} lines written, header says ${head.count}`);
  }
  return { fileName: reportFileName('606', rnc, period), body: textStream(lines()) };
}
