import { shopToday } from '../../domain/dates';
import { AppError } from '../../errors';
import { t } from '../../i18n/es-DO';
import { branchScope, listScope } from '../../queries/branch-scope';
import {
  activeStagesQuery,
  selectBoard,
  selectLabOrderList,
  selectCard,
  selectOrderStage,
  type LabCard,
  type LabOrderCursor,
  type LabStage,
} from '../../queries/lab-board';
import { requireRight, type ShopContext } from './context';
import { dashboardDates } from './dashboard';
import { moveLabOrder } from './lab-orders';

export type { LabCard, LabOrderCursor, LabStage };

/** Cards per open column; a column with more says how many and links to the list. */
export const boardOpenCap = 50;
/** Final columns (delivered, cancelled) show what closed in the last days, never the whole history. */
export const boardClosedDays = 7;
export const boardClosedCap = 20;

export interface BoardFilter {
  branch?: string | null;
  labId?: string | null;
  q?: string | null;
  overdue?: boolean;
}

export interface BoardColumn {
  stage: LabStage;
  cards: LabCard[];
  /** Orders in the column (for a final one: closed in the last `boardClosedDays` days). */
  total: number;
}

export interface Board {
  today: string;
  columns: BoardColumn[];
  labs: Array<{ id: string; name: string }>;
}

/** The board: every active stage in order with its capped cards; one round trip. */
export async function getLabBoard(ctx: ShopContext, filter: BoardFilter, now: Date = new Date()): Promise<Board> {
  requireRight(ctx, 'labOrders.view');
  const today = shopToday(now);
  const { stages, cards, labs } = await selectBoard(
    ctx.db,
    { scope: listScope(ctx.actor, filter.branch), labId: filter.labId, q: filter.q, overdue: filter.overdue },
    {
      today,
      openCap: boardOpenCap,
      closedSince: new Date(now.getTime() - boardClosedDays * 86_400_000),
      closedCap: boardClosedCap,
    },
  );
  const byStage = new Map<string, { cards: LabCard[]; total: number }>();
  for (const { rank: _rank, total, ...card } of cards) {
    const column = byStage.get(card.stageId) ?? { cards: [], total };
    column.cards.push(card);
    byStage.set(card.stageId, column);
  }
  return {
    today,
    labs,
    columns: stages.map((stage) => ({
      stage,
      cards: byStage.get(stage.id)?.cards ?? [],
      total: byStage.get(stage.id)?.total ?? 0,
    })),
  };
}

export interface ListFilter extends BoardFilter {
  stageId?: string | null;
  /** `week`: open orders promised this week (Monday to Sunday, as the home page counts weeks). */
  due?: 'week' | null;
  after: LabOrderCursor | null;
  limit?: number;
}

/** The lab orders list, newest first, keyset pages; one round trip with the filters' options. */
export async function listLabOrders(ctx: ShopContext, filter: ListFilter, now: Date = new Date()) {
  requireRight(ctx, 'labOrders.view');
  const dates = dashboardDates(now);
  return selectLabOrderList(ctx.db, {
    scope: listScope(ctx.actor, filter.branch),
    labId: filter.labId,
    stageId: filter.stageId,
    q: filter.q,
    overdue: filter.overdue,
    due: filter.due === 'week' ? { from: dates.weekStart, to: dates.weekEnd } : null,
    today: dates.today,
    after: filter.after,
    limit: filter.limit,
  });
}

export interface BoardMove {
  toStageId: string;
  expectedStageId: string;
  overrideReason?: string | null;
}

/** A move the board could not make, with where the order is now (the card goes back there). */
export type MoveRefusal =
  | { kind: 'stale'; message: string; order: { id: string; number: number; stageId: string; stageName: string } }
  | {
      kind: 'balance';
      message: string;
      /** The final stage the order was going to. */
      toStageId: string;
      order: { id: string; number: number; stageId: string; stageName: string; invoiceId: string | null };
    };

/**
 * Moves an order from the board or the list (the move itself is moveLabOrder's, one atomic statement).
 * A refusal comes back as data for the page to show: someone else moved it first (the order's real
 * stage), or delivering it needs the open balance paid or a reason.
 */
export async function moveFromBoard(
  ctx: ShopContext,
  id: string,
  move: BoardMove,
): Promise<{ ok: true } | { ok: false; refusal: MoveRefusal }> {
  requireRight(ctx, 'labOrders.manage');
  try {
    await moveLabOrder(ctx, id, {
      toStageId: move.toStageId,
      expectedStageId: move.expectedStageId,
      overrideReason: move.overrideReason || undefined,
    });
    return { ok: true };
  } catch (error) {
    if (!(error instanceof AppError) || (error.code !== 'conflict' && error.code !== 'validation')) throw error;
    const current = await selectOrderStage(ctx.db, id, branchScope(ctx.actor));
    if (!current) throw new AppError('not_found');
    if (current.stageId !== move.expectedStageId)
      return {
        ok: false,
        refusal: {
          kind: 'stale',
          message: t('labBoard.move.stale', { number: labNumber(current.number), stage: current.stageName }),
          order: current,
        },
      };
    if (error.code === 'conflict' || error.fields?.overrideReason)
      return {
        ok: false,
        refusal: {
          kind: 'balance',
          message: error.publicMessage ?? t('labBoard.move.balance'),
          toStageId: move.toStageId,
          order: current,
        },
      };
    throw error;
  }
}

/** LAB-000123. */
export function labNumber(number: number): string {
  return `LAB-${String(number).padStart(6, '0')}`;
}

/** The card of one order as it is now, or null when the actor's branches do not hold it. */
export async function getLabCard(ctx: ShopContext, id: string, now: Date = new Date()): Promise<LabCard | null> {
  requireRight(ctx, 'labOrders.view');
  return selectCard(ctx.db, id, branchScope(ctx.actor), shopToday(now));
}

/** The active stages in board order (a card's move menu). */
export async function listBoardStages(ctx: ShopContext): Promise<LabStage[]> {
  requireRight(ctx, 'labOrders.view');
  return activeStagesQuery(ctx.db);
}
