import { can } from '../../auth/permissions';
import { AppError } from '../../errors';
import { shopToday } from '../../domain/dates';
import {
  type CommissionPeriod,
  type CommissionRule,
  commissionsBySeller,
  type DocumentCommission,
  groupBySeller,
  parseCommissionPeriod,
  recentCommissionPeriods,
} from '../../domain/commissions';
import { sumDecimals } from '../../domain/money';
import { t } from '../../i18n/es-DO';
import {
  activeRulesQuery,
  type CommissionCloseRow,
  type CommissionDocumentRow,
  type CommissionRuleRow,
  closePeriod,
  commissionReportQueries,
  retireRule,
  saveRule,
} from '../../queries/commissions';
import { activityEntry } from '../../queries/audit';
import { activeSellersQuery, type SellerOption } from '../../queries/sellers';
import type { CommissionRuleInput } from '../../schemas/commissions';
import type { ShopContext } from './context';

function ensureManage(ctx: ShopContext): void {
  if (!can(ctx.actor, 'commissions.manage')) throw new AppError('forbidden');
}

/** A document of the report with its figures (computed now, or frozen by the close). */
export interface CommissionDocument extends Omit<CommissionDocumentRow, 'base' | 'amount' | 'lines'> {
  base: string;
  amount: string;
}

export interface CommissionSeller {
  sellerId: string;
  sellerName: string;
  base: string;
  amount: string;
  documents: CommissionDocument[];
}

export interface CommissionReport {
  period: CommissionPeriod;
  /** The periods the chooser offers (newest first). */
  periods: CommissionPeriod[];
  close: CommissionCloseRow | null;
  sellers: CommissionSeller[];
  base: string;
  amount: string;
}

/** A period from the query string: `YYYY-MM` not in the future; the current month when absent. 422 when malformed. */
export function commissionPeriod(value: string | undefined | null): CommissionPeriod {
  const today = shopToday();
  if (!value) return today.slice(0, 7);
  const period = parseCommissionPeriod(value, today);
  if (!period) {
    const message = t('commissions.validation.period');
    throw new AppError('validation', message, { period: message });
  }
  return period;
}

/** Figures per document of an open period, from its lines and the active rules. */
function computedDocuments(rows: CommissionDocumentRow[], rules: CommissionRule[]): DocumentCommission[] {
  const lines = rows.flatMap((row) =>
    row.lines.map((line) => ({
      documentId: row.id,
      kind: row.kind,
      sellerId: row.sellerId,
      category: line.category,
      amount: line.amount,
      exchangeRate: row.exchangeRate,
    })),
  );
  const bySeller = commissionsBySeller(lines, rules);
  const figures = new Map(bySeller.flatMap((seller) => seller.documents).map((doc) => [doc.documentId, doc]));
  // A document without lines cannot be issued; keep it at zero rather than drop it if one ever is.
  return rows.map(
    (row) => figures.get(row.id) ?? { documentId: row.id, sellerId: row.sellerId, base: '0.00', amount: '0.00' },
  );
}

/**
 * The commission report of a month, in one database request: a closed period shows the figures
 * its close froze; an open one computes them now from the documents due in it (docs/domain.md).
 */
export async function getCommissionReport(ctx: ShopContext, period: CommissionPeriod): Promise<CommissionReport> {
  ensureManage(ctx);
  const queries = commissionReportQueries(ctx.db, period);
  const [closeResult, rulesResult, documentsResult] = await ctx.db.batch([
    queries.close,
    queries.rules,
    queries.documents,
  ]);
  const close = closeResult.rows[0] ?? null;
  const rows = documentsResult.rows;
  const figures = close
    ? rows.map((row) => ({ documentId: row.id, sellerId: row.sellerId, base: row.base!, amount: row.amount! }))
    : computedDocuments(rows, rulesResult.rows);
  const byId = new Map(rows.map((row) => [row.id, row]));
  const sellers = groupBySeller(figures).map((seller) => {
    const documents = seller.documents.map((doc) => {
      const { lines: _lines, base: _base, amount: _amount, ...row } = byId.get(doc.documentId)!;
      return { ...row, base: doc.base, amount: doc.amount };
    });
    return { ...seller, sellerName: documents[0]!.sellerName, documents };
  });
  return {
    period,
    periods: recentCommissionPeriods(shopToday().slice(0, 7), 24),
    close,
    sellers,
    base: sumDecimals(
      sellers.map((seller) => seller.base),
      2,
    ),
    amount: sumDecimals(
      sellers.map((seller) => seller.amount),
      2,
    ),
  };
}

/**
 * Closes a period: its figures are computed and frozen in one statement (commission_entries, one
 * per document). 409 when it is already closed (a parallel close won) or when its documents
 * changed between the figures and the close.
 */
export async function closeCommissionPeriod(ctx: ShopContext, period: CommissionPeriod): Promise<CommissionReport> {
  const report = await getCommissionReport(ctx, period);
  if (report.close) throw new AppError('conflict', t('commissions.alreadyClosed', { period }));
  const entries = report.sellers.flatMap((seller) =>
    seller.documents.map((doc) => ({ documentId: doc.id, sellerId: doc.sellerId, base: doc.base, amount: doc.amount })),
  );
  const result = await closePeriod(ctx.db, period, entries, ctx.actor.id);
  if (result.outcome === 'already_closed') throw new AppError('conflict', t('commissions.alreadyClosed', { period }));
  if (result.outcome === 'changed') throw new AppError('conflict', t('commissions.changed'));
  await activityEntry(ctx.db, ctx.actor, 'commissions.closed', {
    period,
    documents: entries.length,
    amount: report.amount,
  });
  return getCommissionReport(ctx, period);
}

/** The rules page in one database request: the active rules and the active users a rule may name. */
export async function commissionRulesPage(
  ctx: ShopContext,
): Promise<{ rules: CommissionRuleRow[]; sellers: SellerOption[] }> {
  ensureManage(ctx);
  const [rules, sellers] = await ctx.db.batch([activeRulesQuery(ctx.db), activeSellersQuery(ctx.db)]);
  return { rules: rules.rows, sellers };
}

/** Saves the rule of a scope (replacing the rate of an active one with the same scope). 422 for a seller who is not active. */
export async function saveCommissionRule(ctx: ShopContext, input: CommissionRuleInput): Promise<void> {
  ensureManage(ctx);
  const saved = await saveRule(ctx.db, input, ctx.actor.id);
  if (!saved) {
    const message = t('commissions.validation.seller');
    throw new AppError('validation', message, { sellerId: message });
  }
  await activityEntry(ctx.db, ctx.actor, 'commissions.rule_saved', { ruleId: saved.id, ...input });
}

export async function retireCommissionRule(ctx: ShopContext, id: string): Promise<void> {
  ensureManage(ctx);
  if (!(await retireRule(ctx.db, id))) throw new AppError('not_found');
  await activityEntry(ctx.db, ctx.actor, 'commissions.rule_retired', { ruleId: id });
}
