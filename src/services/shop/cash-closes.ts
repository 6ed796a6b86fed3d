import { can } from '../../auth/permissions';
import { shopToday } from '../../domain/dates';
import { readAmount } from '../../domain/amount-input';
import { fromUnits, toUnits } from '../../domain/money';
import { paymentForms } from '../../domain/ncf';
import { AppError } from '../../errors';
import { t } from '../../i18n/es-DO';
import { actorLabel } from '../../queries/audit';
import { branchScope } from '../../queries/branch-scope';
import {
  cashClosePage,
  cashiersQuery,
  closeCash,
  closeCashBranch,
  getCashClose as loadCashClose,
  listCashClosesQuery,
  pendingCashCloseQuery,
  type CashClose,
  type CashCloseFilter,
  type CashCloseListRow,
  type CashCloseOutcome,
  type PendingCashClose,
} from '../../queries/cash-closes';
import type { CreatedCursor } from '../../queries/keyset';
import { refusalError } from '../refusals';
import { requireRight, type ShopContext } from './context';

/** One count as typed: a method and currency and the amount counted (blank: not counted yet). */
export interface CountInput {
  method: string;
  currency: string;
  counted: string;
}

/** A line of the close form: what is expected, what was typed, and counted - expected once it reads. */
export interface CountLine {
  key: string;
  method: string;
  currencyCode: string;
  currencySymbol: string;
  expected: string;
  movements: number;
  counted: string;
  difference: string | null;
}

export interface CashCloseForm {
  branch: { id: string; name: string };
  through: string;
  lines: CountLine[];
  errors: Record<string, string>;
}

/** The form field of one count (`count_1_DOP`). */
export const countKey = (method: string, currency: string) => `count_${method}_${currency}`;

const noteLimit = 500;

function currentBranch(ctx: ShopContext, branchId?: string | null): { id: string; name: string } {
  const id = branchId ?? ctx.actor.branch?.id;
  const branch = ctx.actor.branches.find((entry) => entry.id === id);
  if (!branch) {
    const message = t('cashCloses.error.branch');
    throw new AppError('validation', message, { branchId: message });
  }
  return { id: branch.id, name: branch.name };
}

function ownerFilter(ctx: ShopContext): Pick<CashCloseFilter, 'scope' | 'ownerId'> {
  const scope = branchScope(ctx.actor);
  return can(ctx.actor, 'cashCloses.viewAll') ? { scope } : { scope, ownerId: ctx.actor.id };
}

function settled(outcome: CashCloseOutcome): string {
  if (!outcome.ok) throw refusalError(outcome.refusal, 'cashClose');
  return outcome.id;
}

/** Reads the counts: each a non-negative amount of at most 2 decimals; field errors by countKey. */
function readCounts(counts: readonly CountInput[]): {
  values: Array<{ method: string; currency: string; counted: string }>;
  errors: Record<string, string>;
} {
  const errors: Record<string, string> = {};
  const values: Array<{ method: string; currency: string; counted: string }> = [];
  const seen = new Set<string>();
  for (const count of counts) {
    const key = countKey(count.method, count.currency);
    if (!(count.method in paymentForms) || !/^[A-Z]{3}$/.test(count.currency) || seen.has(key)) {
      errors[key] = t('cashCloses.error.countLine');
      continue;
    }
    seen.add(key);
    if (count.counted.trim() === '') {
      errors[key] = t('cashCloses.error.countRequired');
      continue;
    }
    const reading = readAmount(count.counted, { scale: 2, maxIntegerDigits: 12 });
    if (!reading.ok) {
      errors[key] = t('cashCloses.error.countInvalid');
      continue;
    }
    values.push({ method: count.method, currency: count.currency, counted: fromUnits(toUnits(reading.value, 2), 2) });
  }
  return { values, errors };
}

function checkNote(note: string | null | undefined): string | null {
  const trimmed = note?.trim() ?? '';
  if (trimmed.length > noteLimit) {
    const message = t('cashCloses.error.noteLong', { max: String(noteLimit) });
    throw new AppError('validation', message, { note: message });
  }
  return trimmed || null;
}

/**
 * The close form of the actor's own cash in a branch (the current one by default): the lines expected
 * now, every line the movements have plus cash in pesos, with the typed counts and their differences
 * (computed here, exactly). One database request.
 */
export async function cashCloseForm(
  ctx: ShopContext,
  input: { branchId?: string | null; counts?: readonly CountInput[] } = {},
): Promise<CashCloseForm> {
  requireRight(ctx, 'cashCloses.close');
  const branch = currentBranch(ctx, input.branchId);
  const result = await pendingCashCloseQuery(ctx.db, branch.id, ctx.actor.id);
  const pending: PendingCashClose = result.rows[0]!.pending;
  const lines = pending.lines.map((line) => ({ ...line }));
  if (!lines.some((line) => line.method === '1' && line.currencyCode === 'DOP'))
    lines.unshift({ method: '1', currencyCode: 'DOP', currencySymbol: 'RD$', expected: '0.00', movements: 0 });
  const typed = new Map((input.counts ?? []).map((count) => [countKey(count.method, count.currency), count.counted]));
  const { values, errors } = readCounts(input.counts ?? []);
  const read = new Map(values.map((value) => [countKey(value.method, value.currency), value.counted]));
  return {
    branch,
    through: pending.through,
    errors,
    lines: lines.map((line) => {
      const key = countKey(line.method, line.currencyCode);
      const counted = read.get(key);
      return {
        ...line,
        key,
        counted: typed.get(key) ?? '',
        difference: counted === undefined ? null : fromUnits(toUnits(counted, 2) - toUnits(line.expected, 2), 2),
      };
    }),
  };
}

/**
 * Closes the actor's own cash in a branch: every receipt, void and refund not yet counted up to
 * `through` (the moment the count was shown; now when absent) is claimed and the close written, in
 * one statement (close_cash). A close that finds nothing left is a 409; a difference needs a note.
 */
export async function closeCashRegister(
  ctx: ShopContext,
  input: { branchId?: string | null; counts: readonly CountInput[]; note?: string | null; through?: string | null },
): Promise<CashClose> {
  requireRight(ctx, 'cashCloses.close');
  const branch = currentBranch(ctx, input.branchId);
  const { values, errors } = readCounts(input.counts);
  if (Object.keys(errors).length)
    throw new AppError('validation', Object.values(errors)[0] ?? t('error.validation.title'), errors);
  const note = checkNote(input.note);
  const through = input.through && !Number.isNaN(Date.parse(input.through)) ? input.through : null;
  const id = settled(
    await closeCash(ctx.db, {
      branchId: branch.id,
      cashierId: ctx.actor.id,
      through,
      counted: values,
      note,
      userId: ctx.actor.id,
      actor: actorLabel(ctx.actor),
    }),
  );
  return getCashClose(ctx, id);
}

/** A branch's close of a day (today by default): sums its cashier closes (close_cash_branch). */
export async function closeBranchDay(
  ctx: ShopContext,
  input: { branchId?: string | null; businessDate?: string | null; note?: string | null },
): Promise<CashClose> {
  requireRight(ctx, 'cashCloses.close');
  requireRight(ctx, 'cashCloses.viewAll');
  const branch = currentBranch(ctx, input.branchId);
  const note = checkNote(input.note);
  const id = settled(
    await closeCashBranch(ctx.db, {
      branchId: branch.id,
      businessDate: input.businessDate ?? shopToday(),
      note,
      userId: ctx.actor.id,
      actor: actorLabel(ctx.actor),
    }),
  );
  return getCashClose(ctx, id);
}

export async function getCashClose(ctx: ShopContext, id: string): Promise<CashClose> {
  requireRight(ctx, 'cashCloses.close');
  const close = await loadCashClose(ctx.db, id, ownerFilter(ctx));
  if (!close) throw new AppError('not_found');
  return close;
}

/** The history, newest first, with the cashiers for its filter: one database request. */
export async function listCashCloses(
  ctx: ShopContext,
  filter: {
    branchId?: string;
    cashierId?: string;
    from?: string;
    to?: string;
    after?: CreatedCursor | null;
    limit: number;
  },
): Promise<{ rows: CashCloseListRow[]; next: CreatedCursor | null; cashiers: Array<{ id: string; name: string }> }> {
  requireRight(ctx, 'cashCloses.close');
  const query = listCashClosesQuery(ctx.db, { ...filter, ...ownerFilter(ctx) });
  if (!can(ctx.actor, 'cashCloses.viewAll')) {
    const result = await query;
    return { ...cashClosePage(result.rows, filter.limit), cashiers: [] };
  }
  const [result, cashiers] = await ctx.db.batch([query, cashiersQuery(ctx.db)]);
  return { ...cashClosePage(result.rows, filter.limit), cashiers: cashiers.rows };
}
