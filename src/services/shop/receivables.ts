import type { BranchRef } from '../../auth/session';
import { addDays, daysBetween, shopToday } from '../../domain/dates';
import { AppError } from '../../errors';
import { t } from '../../i18n/es-DO';
import { actorLabel } from '../../queries/audit';
import type { CompanyInfo } from '../../queries/invoices';
import { branchScope } from '../../queries/branch-scope';
import { matchingContactIds, parseContactSearch } from '../../queries/contacts';
import {
  applyCredit as applyCreditSql,
  contactById,
  type ApplicationWrite,
  type CreditOutcome,
  type CreditSource,
  type CurrencyAgeing,
  customerCreditQuery,
  customerOpenInvoicesQuery,
  customerRefundsQuery,
  getRefund,
  type OpenInvoice,
  type ReceivablesAgeing,
  type ReceivablesRow,
  type ReceivablesSort,
  type Refund,
  type RefundWrite,
  receivablesAgeingQuery,
  receivablesListQuery,
  refundCredit as refundCreditSql,
  type StatementCurrency,
  type StatementMovement,
  statementCompanyQuery,
  statementCurrenciesQuery,
  statementMovementsQuery,
  voidRefund as voidRefundSql,
} from '../../queries/receivables';
import { statementBalancesQuery } from '../../queries/statements';
import { refusalError } from '../refusals';
import { requireRight, type ShopContext } from './context';

export const receivablesPageSize = 50;
/** Lines of one statement (all currencies): what a page, a print and a PDF made inside the Worker's limits hold. */
export const statementLineLimit = 500;
/** The longest period a statement covers. */
const statementMaxDays = 366 * 5;

function settled<T>(outcome: CreditOutcome<T>): T {
  if (!outcome.ok) throw refusalError(outcome.refusal, 'payment', { type: 'REC' });
  return outcome.value;
}

/** The branches a filter may choose from, and the branch ids a request reads (null: every branch). */
function branchFilter(
  ctx: ShopContext,
  branchId: string | null,
): { branches: BranchRef[]; branchIds: string[] | null } {
  const scope = branchScope(ctx.actor);
  const branches = ctx.actor.branches;
  if (!branchId) return { branches, branchIds: scope };
  if (!branches.some((branch) => branch.id === branchId)) {
    throw new AppError('validation', t('receivables.error.branch'), { branchId: t('receivables.error.branch') });
  }
  return { branches, branchIds: [branchId] };
}

export interface ReceivablesPage {
  asOf: string;
  ageing: ReceivablesAgeing;
  rows: ReceivablesRow[];
  hasMore: boolean;
  page: number;
  branches: BranchRef[];
}

/** Open balances by customer with ageing, and their totals by the same rules: one database round trip. */
export async function listReceivables(
  ctx: ShopContext,
  filter: { q?: string; branchId?: string | null; sort?: ReceivablesSort; page?: number },
): Promise<ReceivablesPage> {
  requireRight(ctx, 'receivables.view');
  const asOf = shopToday();
  const { branches, branchIds } = branchFilter(ctx, filter.branchId ?? null);
  const page = Math.max(1, Math.min(filter.page ?? 1, 1000));
  const customers = filter.q ? matchingContactIds(parseContactSearch(filter.q)) : null;
  const [ageing, list] = await ctx.db.batch([
    receivablesAgeingQuery(ctx.db, { asOf, branchIds }),
    receivablesListQuery(ctx.db, {
      asOf,
      branchIds,
      customers,
      sort: filter.sort ?? 'total',
      limit: receivablesPageSize,
      offset: (page - 1) * receivablesPageSize,
    }),
  ]);
  const rows = list.rows as ReceivablesRow[];
  return {
    asOf,
    ageing: ageing[0]!,
    rows: rows.slice(0, receivablesPageSize),
    hasMore: rows.length > receivablesPageSize,
    page,
    branches,
  };
}

export interface StatementContact {
  id: string;
  name: string;
  idType: string | null;
  idNumber: string | null;
  address: string | null;
}

export interface CustomerStatement {
  contact: StatementContact;
  from: string;
  to: string;
  asOf: string;
  currencies: StatementCurrency[];
  lines: StatementMovement[];
  /** The period had more lines than `statementLineLimit`: the list stops there (balances stay whole). */
  truncated: boolean;
  ageing: CurrencyAgeing[];
  credit: CreditSource[];
  company: CompanyInfo;
}

/** The default period: the current month so far. */
export function defaultStatementPeriod(): { from: string; to: string } {
  const today = shopToday();
  return { from: `${today.slice(0, 8)}01`, to: today };
}

const isoDate = /^\d{4}-\d{2}-\d{2}$/;

/** A statement's period from query parameters: the current month when absent; 422 when malformed. */
export function statementPeriod(from: string | undefined, to: string | undefined): { from: string; to: string } {
  const fallback = defaultStatementPeriod();
  const period = { from: from || fallback.from, to: to || fallback.to };
  const valid =
    isoDate.test(period.from) &&
    isoDate.test(period.to) &&
    !Number.isNaN(Date.parse(period.from)) &&
    !Number.isNaN(Date.parse(period.to)) &&
    addDays(period.from, 0) === period.from &&
    addDays(period.to, 0) === period.to &&
    period.from <= period.to &&
    daysBetween(period.from, period.to) <= statementMaxDays;
  if (!valid) {
    const message = t('statement.badPeriod');
    throw new AppError('validation', message, { from: message });
  }
  return period;
}

/**
 * A customer's statement (estado de cuenta) for a period: per currency the opening balance, every
 * movement in date order with its running balance, the closing balance; the ageing of what was open
 * and the credit available, both as they stood at the period's end. One database round trip.
 */
export async function customerStatement(
  ctx: ShopContext,
  contactId: string,
  period: { from: string; to: string },
): Promise<CustomerStatement> {
  requireRight(ctx, 'receivables.view');
  const branchIds = branchScope(ctx.actor);
  // A period that ends later than today is aged to today: nothing is overdue before its time.
  const asOf = daysBetween(shopToday(), period.to) > 0 ? shopToday() : period.to;
  const scope = { contactId, from: period.from, to: period.to, branchIds };
  const day = { contactId, asOf: period.to, agedTo: asOf, branchIds };
  const [contact, currencies, lines, balances, shop] = await ctx.db.batch([
    contactById(ctx.db, contactId),
    statementCurrenciesQuery(ctx.db, scope),
    statementMovementsQuery(ctx.db, scope, statementLineLimit),
    statementBalancesQuery(ctx.db, day),
    statementCompanyQuery(ctx.db),
  ]);
  if (!contact[0]) throw new AppError('not_found');
  const movements = lines.rows as StatementMovement[];
  return {
    contact: contact[0],
    ...period,
    asOf,
    currencies: currencies.rows as StatementCurrency[],
    lines: movements.slice(0, statementLineLimit),
    truncated: movements.length > statementLineLimit,
    ageing: balances.rows[0]!.ageing,
    credit: balances.rows[0]!.credit,
    company: shop[0]!,
  };
}

export interface CustomerCredit {
  contact: StatementContact;
  sources: CreditSource[];
  targets: OpenInvoice[];
  refunds: Refund[];
  branches: BranchRef[];
  today: string;
}

/** What the credit balance page shows: the credit per source invoice, the open invoices it can pay, the refunds. */
export async function customerCredit(ctx: ShopContext, contactId: string): Promise<CustomerCredit> {
  requireRight(ctx, 'receivables.view');
  const branchIds = branchScope(ctx.actor);
  const [contact, sources, targets, refunds] = await ctx.db.batch([
    contactById(ctx.db, contactId),
    customerCreditQuery(ctx.db, contactId, branchIds),
    customerOpenInvoicesQuery(ctx.db, contactId, branchIds),
    customerRefundsQuery(ctx.db, contactId),
  ]);
  if (!contact[0]) throw new AppError('not_found');
  const visible = branchIds === null ? refunds : refunds.filter((refund) => branchIds.includes(refund.branchId));
  return {
    contact: contact[0],
    sources,
    targets,
    refunds: visible,
    branches: ctx.actor.branches,
    today: shopToday(),
  };
}

/** Pays back part of a credit balance; the refund. The cash close counts it as money out of `branchId`. */
export async function refundCredit(ctx: ShopContext, input: RefundWrite): Promise<Refund> {
  requireRight(ctx, 'payments.manage');
  const scope = branchScope(ctx.actor);
  const id = settled(
    await refundCreditSql(ctx.db, input, { userId: ctx.actor.id, actor: actorLabel(ctx.actor), scope }),
  );
  return loadRefund(ctx, id);
}

/** Applies part of a credit balance to another open invoice of the same customer; the receipt's id on the target. */
export async function applyCredit(ctx: ShopContext, input: ApplicationWrite): Promise<{ applicationId: string }> {
  requireRight(ctx, 'payments.manage');
  const scope = branchScope(ctx.actor);
  const applicationId = settled(
    await applyCreditSql(ctx.db, input, { userId: ctx.actor.id, actor: actorLabel(ctx.actor), scope }),
  );
  return { applicationId };
}

/** Voids a refund (owner and admin): its amount is credit again. */
export async function voidRefund(ctx: ShopContext, id: string, reason: string): Promise<Refund> {
  requireRight(ctx, 'payments.void');
  settled(await voidRefundSql(ctx.db, id, reason, { actor: actorLabel(ctx.actor), scope: branchScope(ctx.actor) }));
  return loadRefund(ctx, id);
}

export async function loadRefund(ctx: ShopContext, id: string): Promise<Refund> {
  requireRight(ctx, 'receivables.view');
  const [refund] = await getRefund(ctx.db, id);
  const scope = branchScope(ctx.actor);
  if (!refund || (scope !== null && !scope.includes(refund.branchId))) throw new AppError('not_found');
  return refund;
}
