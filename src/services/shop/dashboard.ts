import type { BranchRef } from '../../auth/session';
import { can } from '../../auth/permissions';
import { addDays, shopToday } from '../../domain/dates';
import { AppError } from '../../errors';
import { activityEntry } from '../../queries/audit';
import { branchScope, type BranchScope } from '../../queries/branch-scope';
import {
  dashboardQuery,
  dismissSetupQuery,
  type DashboardDates,
  type DashboardRow,
  type SetupState,
} from '../../queries/dashboard';
import { receivablesAgeingQuery, type ReceivablesAgeing } from '../../queries/receivables';
import type { ShopContext } from './context';

export type SetupItem = Exclude<keyof SetupState, 'dismissed'>;

export const setupItems: readonly SetupItem[] = ['company', 'logo', 'sequences', 'ecf', 'products', 'users', 'sale'];

export interface Dashboard {
  dates: DashboardDates;
  /** The branch shown ('all': every branch the user may see). */
  branch: string;
  /** The branches the filter offers (the user's own). */
  branches: BranchRef[];
  figures: DashboardRow;
  /** Null when the role may not see money owed. */
  receivables: ReceivablesAgeing | null;
  /** The checklist while something is pending and the owner has not hidden it; else null. */
  setup: { items: Array<{ item: SetupItem; done: boolean }>; canDismiss: boolean } | null;
  show: { sales: boolean; margins: boolean; sequences: boolean; receivables: boolean };
}

/** The shop's calendar around `now` (America/Santo_Domingo). */
export function dashboardDates(now: Date = new Date()): DashboardDates {
  const today = shopToday(now);
  const weekday = new Date(`${today}T00:00:00Z`).getUTCDay();
  const weekStart = addDays(today, -((weekday + 6) % 7));
  return {
    today,
    monthStart: `${today.slice(0, 8)}01`,
    chartStart: addDays(today, -29),
    weekStart,
    weekEnd: addDays(weekStart, 6),
    expiryLimit: addDays(today, 30),
  };
}

/**
 * Which branches the page shows: `all` is every branch the user may see; one of the user's own
 * branches by id; anything else (absent, unknown, another user's branch) falls back to the current
 * branch, so a user limited to branch A never sees B's figures by asking for them.
 */
function chosenScope(
  actor: ShopContext['actor'],
  requested: string | undefined,
): { branch: string; scope: BranchScope } {
  if (requested === 'all') return { branch: 'all', scope: branchScope(actor) };
  const own = actor.branches.find((candidate) => candidate.id === requested) ?? actor.branch;
  if (own && actor.branches.some((candidate) => candidate.id === own.id)) return { branch: own.id, scope: [own.id] };
  return { branch: 'all', scope: branchScope(actor) };
}

/** The home page: every figure the role may see, for the chosen branches, in one database request. */
export async function getDashboard(
  ctx: ShopContext,
  requestedBranch?: string,
  now: Date = new Date(),
): Promise<Dashboard> {
  if (!can(ctx.actor, 'dashboard.view')) throw new AppError('forbidden');
  const dates = dashboardDates(now);
  const { branch, scope } = chosenScope(ctx.actor, requestedBranch);
  const show = {
    sales: can(ctx.actor, 'dashboard.sales'),
    margins: can(ctx.actor, 'dashboard.margins'),
    sequences: can(ctx.actor, 'sequences.view'),
    receivables: can(ctx.actor, 'dashboard.receivables'),
  };
  const parts = {
    sales: show.sales,
    margins: show.margins,
    sequences: show.sequences,
    setup: can(ctx.actor, 'dashboard.setup'),
  };
  const figuresQuery = dashboardQuery(ctx.db, { scope, dates, parts });
  let figures: DashboardRow;
  let receivables: ReceivablesAgeing | null = null;
  if (show.receivables) {
    const [figureResult, ageing] = await ctx.db.batch([
      figuresQuery,
      receivablesAgeingQuery(ctx.db, { asOf: dates.today, branchIds: scope }),
    ]);
    figures = figureResult.rows[0]!;
    receivables = ageing[0] ?? null;
  } else {
    figures = (await figuresQuery).rows[0]!;
  }
  const state = figures.setup;
  const items = state ? setupItems.map((item) => ({ item, done: state[item] })) : [];
  const setup =
    state && !state.dismissed && items.some((entry) => !entry.done)
      ? { items, canDismiss: can(ctx.actor, 'dashboard.setup.dismiss') }
      : null;
  return { dates, branch, branches: ctx.actor.branches, figures, receivables, setup, show };
}

/** The owner hides the setup checklist before finishing it. */
export async function dismissSetup(ctx: ShopContext): Promise<void> {
  if (!can(ctx.actor, 'dashboard.setup.dismiss')) throw new AppError('forbidden');
  await ctx.db.batch([dismissSetupQuery(ctx.db), activityEntry(ctx.db, ctx.actor, 'setup.dismissed')]);
}
