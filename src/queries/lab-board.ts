import { and, asc, desc, eq, inArray, isNull, sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { TenantDb } from '../db/client';
import { branches, contacts, labOrders, labStages, type LabPriority } from '../db/tenant-schema';
import type { BranchScope } from './branch-scope';
import { foldedColumnContains } from './search';

const labs = alias(contacts, 'lab');

/** A card of the board or a row of the list: what a person at the counter needs to see at a glance. */
export interface LabCard {
  id: string;
  number: number;
  stageId: string;
  customerId: string;
  customerName: string;
  labId: string | null;
  labName: string | null;
  branchId: string;
  branchName: string;
  promisedOn: string | null;
  priority: LabPriority;
  closedAt: Date | null;
  /** Whole days in the current stage, counted in the shop's calendar. */
  daysInStage: number;
  /** Promised before the shop's today and still open. */
  overdue: boolean;
}

export interface LabOrderFilter {
  scope: BranchScope;
  labId?: string | null;
  stageId?: string | null;
  /** Customer name words, or an order number (123 or LAB-000123). */
  q?: string | null;
  overdue?: boolean;
  /** Promised within [from, to] and open. */
  due?: { from: string; to: string } | null;
}

/** The shop's calendar date of a timestamp (dates and times are shown in Santo Domingo). */
const shopDate = (column: SQL | typeof labOrders.stageEnteredAt) =>
  sql`(${column} AT TIME ZONE 'America/Santo_Domingo')::date`;

function cardColumns(today: string) {
  return {
    id: labOrders.id,
    number: labOrders.number,
    stageId: labOrders.stageId,
    customerId: labOrders.customerId,
    customerName: sql<string>`${contacts.name}`.as('customer_name'),
    labId: labOrders.labId,
    labName: sql<string | null>`${labs.name}`.as('lab_name'),
    branchId: labOrders.branchId,
    branchName: sql<string>`${branches.name}`.as('branch_name'),
    promisedOn: labOrders.promisedOn,
    priority: labOrders.priority,
    closedAt: labOrders.closedAt,
    daysInStage: sql<number>`(${today}::date - ${shopDate(labOrders.stageEnteredAt)})::int`.as('days_in_stage'),
    overdue: sql<boolean>`(${labOrders.closedAt} IS NULL AND ${labOrders.promisedOn} < ${today}::date)`.as('overdue'),
  };
}

/** An order number typed as 123 or LAB-000123. */
function orderNumber(q: string): number | null {
  const match = /^(?:lab-?)?0*(\d{1,9})$/i.exec(q.trim());
  return match ? Number(match[1]) : null;
}

function filterConditions(filter: LabOrderFilter, today: string): SQL[] {
  const conditions: Array<SQL | undefined> = [];
  if (filter.scope !== null)
    conditions.push(filter.scope.length ? inArray(labOrders.branchId, filter.scope) : sql`false`);
  if (filter.labId) conditions.push(eq(labOrders.labId, filter.labId));
  if (filter.stageId) conditions.push(eq(labOrders.stageId, filter.stageId));
  if (filter.overdue) conditions.push(and(isNull(labOrders.closedAt), sql`${labOrders.promisedOn} < ${today}::date`));
  if (filter.due)
    conditions.push(
      and(
        isNull(labOrders.closedAt),
        sql`${labOrders.promisedOn} BETWEEN ${filter.due.from}::date AND ${filter.due.to}::date`,
      ),
    );
  const q = (filter.q ?? '').trim();
  if (q) {
    const number = orderNumber(q);
    if (number !== null) conditions.push(eq(labOrders.number, number));
    else for (const word of q.split(/\s+/).slice(0, 5)) conditions.push(foldedColumnContains(contacts.nameFold, word));
  }
  return conditions.filter((condition): condition is SQL => condition !== undefined);
}

/** Urgent first, then the nearest promise, then the oldest order. */
const priorityRank = sql`CASE ${labOrders.priority} WHEN 'urgent' THEN 0 WHEN 'high' THEN 1 ELSE 2 END`;

export interface BoardOptions {
  today: string;
  /** Cards shown per open column (the column's count says how many there are). */
  openCap: number;
  /** Final columns show orders closed since this instant, at most `closedCap` of them. */
  closedSince: Date;
  closedCap: number;
}

/**
 * The board's cards in one statement: open orders and the recently closed ones, each column cut to
 * its cap by a window function (`total` is the column's count before the cut).
 */
export function boardCardsQuery(db: TenantDb, filter: LabOrderFilter, options: BoardOptions) {
  const ranked = db
    .select({
      ...cardColumns(options.today),
      rank: sql<number>`row_number() OVER (PARTITION BY ${labOrders.stageId} ORDER BY ${labOrders.closedAt} DESC NULLS FIRST, ${priorityRank}, ${labOrders.promisedOn} ASC NULLS LAST, ${labOrders.number})`.as(
        'rank',
      ),
      total: sql<number>`(count(*) OVER (PARTITION BY ${labOrders.stageId}))::int`.as('total'),
    })
    .from(labOrders)
    .innerJoin(contacts, eq(contacts.id, labOrders.customerId))
    .innerJoin(branches, eq(branches.id, labOrders.branchId))
    .leftJoin(labs, eq(labs.id, labOrders.labId))
    .where(
      and(
        sql`(${labOrders.closedAt} IS NULL OR ${labOrders.closedAt} >= ${options.closedSince.toISOString()}::timestamptz)`,
        ...filterConditions(filter, options.today),
      ),
    )
    .as('ranked');
  return db
    .select()
    .from(ranked)
    .where(
      sql`${ranked.rank} <= CASE WHEN ${ranked.closedAt} IS NULL THEN ${options.openCap}::int ELSE ${options.closedCap}::int END`,
    )
    .orderBy(asc(ranked.stageId), asc(ranked.rank));
}

export type LabStage = typeof labStages.$inferSelect;

/** The shop's active stages, in board order. */
export function activeStagesQuery(db: TenantDb) {
  return db
    .select()
    .from(labStages)
    .where(isNull(labStages.archivedAt))
    .orderBy(asc(labStages.position), asc(labStages.id));
}

/** The labs named on the shop's orders (the board's and the list's lab filter). */
export function orderLabsQuery(db: TenantDb) {
  return db
    .select({ id: contacts.id, name: contacts.name })
    .from(contacts)
    .where(sql`EXISTS (SELECT 1 FROM lab_orders o WHERE o.lab_id = ${contacts.id})`)
    .orderBy(asc(contacts.name), asc(contacts.id));
}

export type BoardCardRow = Awaited<ReturnType<typeof boardCardsQuery>>[number];

/** The board: stages, cards and the lab filter's options in one round trip. */
export async function selectBoard(db: TenantDb, filter: LabOrderFilter, options: BoardOptions) {
  const [stages, cards, labOptions] = await db.batch([
    activeStagesQuery(db),
    boardCardsQuery(db, filter, options),
    orderLabsQuery(db),
  ]);
  return { stages, cards, labs: labOptions };
}

/** Position in the list: newest order first. */
export interface LabOrderCursor {
  number: number;
}

/** The list: filtered, newest first, keyset pages; with the stages and labs for its filters, one round trip. */
export async function selectLabOrderList(
  db: TenantDb,
  filter: LabOrderFilter & { today: string; after: LabOrderCursor | null; limit?: number },
) {
  const limit = filter.limit ?? 50;
  const [stages, rows, labOptions] = await db.batch([
    activeStagesQuery(db),
    db
      .select(cardColumns(filter.today))
      .from(labOrders)
      .innerJoin(contacts, eq(contacts.id, labOrders.customerId))
      .innerJoin(branches, eq(branches.id, labOrders.branchId))
      .leftJoin(labs, eq(labs.id, labOrders.labId))
      .where(
        and(
          ...filterConditions(filter, filter.today),
          filter.after ? sql`${labOrders.number} < ${filter.after.number}::int` : undefined,
        ),
      )
      .orderBy(desc(labOrders.number))
      .limit(limit + 1),
    orderLabsQuery(db),
  ]);
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    stages,
    labs: labOptions,
    rows: page as LabCard[],
    next: rows.length > limit && last ? { number: last.number } : null,
  };
}

/** Where an order is now, within the scope: for the board's answer after a refused move. */
export async function selectOrderStage(db: TenantDb, id: string, scope: BranchScope) {
  const [row] = await db
    .select({
      id: labOrders.id,
      number: labOrders.number,
      stageId: labOrders.stageId,
      stageName: labStages.name,
      invoiceId: labOrders.invoiceId,
    })
    .from(labOrders)
    .innerJoin(labStages, eq(labStages.id, labOrders.stageId))
    .where(
      and(
        eq(labOrders.id, id),
        scope === null ? undefined : scope.length ? inArray(labOrders.branchId, scope) : sql`false`,
      ),
    );
  return row ?? null;
}

/** One card as the board shows it, within the scope (the answer to a drag). */
export async function selectCard(db: TenantDb, id: string, scope: BranchScope, today: string): Promise<LabCard | null> {
  const [row] = await db
    .select(cardColumns(today))
    .from(labOrders)
    .innerJoin(contacts, eq(contacts.id, labOrders.customerId))
    .innerJoin(branches, eq(branches.id, labOrders.branchId))
    .leftJoin(labs, eq(labs.id, labOrders.labId))
    .where(and(eq(labOrders.id, id), ...filterConditions({ scope }, today)));
  return (row as LabCard | undefined) ?? null;
}
