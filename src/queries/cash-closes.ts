import { sql, type SQL } from 'drizzle-orm';
import type { TenantDb } from '../db/client';
import { raisedCode } from '../db/raised';
import type { cashCloseKinds, paymentMethods } from '../db/tenant-schema';
import { inScope, type BranchScope } from './branch-scope';
import type { CompanyInfo } from './invoices';
import type { CreatedCursor } from './keyset';

export type CashCloseKind = (typeof cashCloseKinds)[number];
export type CashCloseMethod = (typeof paymentMethods)[number];

/** One method and currency of a close (or of what a close would count now). */
export interface CashCloseLine {
  method: CashCloseMethod;
  currencyCode: string;
  currencySymbol: string;
  expected: string;
  counted: string;
  difference: string;
  movements: number;
}

/** What a cashier's close would count now: the lines expected and the moment they were read. */
export interface PendingCashClose {
  lines: Array<Pick<CashCloseLine, 'method' | 'currencyCode' | 'currencySymbol' | 'expected' | 'movements'>>;
  /** The close claims movements up to this moment only (later ones belong to the next close). */
  through: string;
}

export interface CashClose {
  id: string;
  number: string;
  kind: CashCloseKind;
  branchId: string;
  branchName: string;
  cashierId: string | null;
  cashierName: string | null;
  businessDate: string;
  closedAt: string;
  closedByName: string;
  note: string | null;
  lines: CashCloseLine[];
  /** A branch close: the cashier closes it summed. */
  members: Array<{ id: string; number: string; cashierName: string | null }>;
  /** A cashier close: the branch close that summed it, once there is one. */
  branchClose: { id: string; number: string } | null;
  company: CompanyInfo;
}

export interface CashCloseListRow {
  id: string;
  number: string;
  kind: CashCloseKind;
  branchName: string;
  cashierName: string | null;
  businessDate: string;
  closedAt: string;
  /** Per currency: the sums of the lines. */
  totals: Array<{
    currencyCode: string;
    currencySymbol: string;
    expected: string;
    counted: string;
    difference: string;
  }>;
}

export interface CashCloseFilter {
  scope: BranchScope;
  /** Only closes of this cashier or made by this user (a cashier who may not see everyone's). */
  ownerId?: string;
  branchId?: string;
  cashierId?: string;
  from?: string;
  to?: string;
  after?: CreatedCursor | null;
  limit: number;
}

const timestampJson = (column: string) =>
  sql.raw(`to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`);
const symbolOf = (column: string) =>
  sql.raw(`coalesce((SELECT cu.symbol FROM currencies cu WHERE cu.code = ${column}), ${column})`);

/** The lines a cashier's close of a branch would count now (cash_close_pending), in one statement. */
export function pendingCashCloseQuery(db: TenantDb, branchId: string, cashierId: string) {
  return db.execute<{ pending: PendingCashClose }>(sql`
    SELECT json_build_object(
      'through', to_char(now_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
      'lines', coalesce((
        SELECT json_agg(json_build_object('method', m.method, 'currencyCode', m.currency_code,
                 'currencySymbol', ${symbolOf('m.currency_code')}, 'expected', sum_amount::text, 'movements', movements)
                 ORDER BY m.currency_code <> 'DOP', m.currency_code, m.method)
          FROM (SELECT p.method, p.currency_code, sum(p.amount) AS sum_amount, count(*)::integer AS movements
                  FROM cash_close_pending(${branchId}::uuid, ${cashierId}::uuid, now_at) p GROUP BY 1, 2) m), '[]'::json)) AS pending
      FROM (SELECT clock_timestamp() AS now_at) clock`);
}

const closeJson = sql`json_build_object('id', c.id, 'number', c.number, 'kind', c.kind, 'branchId', c.branch_id, 'branchName', b.name,
    'cashierId', c.cashier_id, 'cashierName', cu.name, 'businessDate', c.business_date::text, 'closedAt', ${timestampJson('c.closed_at')},
    'closedByName', cb.name, 'note', c.note,
    'lines', coalesce((SELECT json_agg(json_build_object('method', l.method, 'currencyCode', l.currency_code,
        'currencySymbol', ${symbolOf('l.currency_code')}, 'expected', l.expected::text, 'counted', l.counted::text,
        'difference', l.difference::text, 'movements', l.movements) ORDER BY l.currency_code <> 'DOP', l.currency_code, l.method)
      FROM cash_close_lines l WHERE l.close_id = c.id), '[]'::json),
    'members', coalesce((SELECT json_agg(json_build_object('id', mc.id, 'number', mc.number, 'cashierName', mu.name) ORDER BY mc.number)
      FROM cash_close_members m JOIN cash_closes mc ON mc.id = m.cashier_close_id LEFT JOIN users mu ON mu.id = mc.cashier_id
     WHERE m.branch_close_id = c.id), '[]'::json),
    'branchClose', (SELECT json_build_object('id', bc.id, 'number', bc.number)
      FROM cash_close_members m JOIN cash_closes bc ON bc.id = m.branch_close_id WHERE m.cashier_close_id = c.id),
    'company', (SELECT json_build_object('name', co.name, 'rnc', co.rnc, 'address', co.address, 'phones', co.phones, 'email', co.email,
        'invoiceFooter', co.invoice_footer, 'logoKey', co.logo_key) FROM company co WHERE co.id = 1))`;

function visible(scope: BranchScope, ownerId: string | undefined): SQL {
  const owner = ownerId ? sql` AND (c.cashier_id = ${ownerId}::uuid OR c.closed_by = ${ownerId}::uuid)` : sql``;
  return sql`${inScope(sql`c.branch_id`, scope)}${owner}`;
}

/** One close with its lines, in one statement; null when unknown or not visible. */
export async function getCashClose(
  db: TenantDb,
  id: string,
  filter: Pick<CashCloseFilter, 'scope' | 'ownerId'>,
): Promise<CashClose | null> {
  const result = await db.execute<{ close: CashClose }>(sql`
    SELECT ${closeJson} AS close
      FROM cash_closes c JOIN branches b ON b.id = c.branch_id JOIN users cb ON cb.id = c.closed_by
      LEFT JOIN users cu ON cu.id = c.cashier_id
     WHERE c.id = ${id}::uuid AND ${visible(filter.scope, filter.ownerId)}`);
  return result.rows[0]?.close ?? null;
}

/** Closes newest first (keyset on closed_at, id), one page in one unexecuted statement. */
export function listCashClosesQuery(db: TenantDb, filter: CashCloseFilter) {
  const conditions: SQL[] = [visible(filter.scope, filter.ownerId)];
  if (filter.branchId) conditions.push(sql`c.branch_id = ${filter.branchId}::uuid`);
  if (filter.cashierId) conditions.push(sql`c.cashier_id = ${filter.cashierId}::uuid`);
  if (filter.from) conditions.push(sql`c.business_date >= ${filter.from}::date`);
  if (filter.to) conditions.push(sql`c.business_date <= ${filter.to}::date`);
  if (filter.after)
    conditions.push(sql`(c.closed_at, c.id) < (${filter.after.createdAt}::timestamptz, ${filter.after.id}::uuid)`);
  return db.execute<{ row: CashCloseListRow; cursor_at: string }>(sql`
    SELECT json_build_object('id', c.id, 'number', c.number, 'kind', c.kind, 'branchName', b.name, 'cashierName', cu.name,
             'businessDate', c.business_date::text, 'closedAt', ${timestampJson('c.closed_at')},
             'totals', coalesce((SELECT json_agg(json_build_object('currencyCode', t.currency_code, 'currencySymbol', ${symbolOf('t.currency_code')},
                 'expected', t.expected::text, 'counted', t.counted::text, 'difference', t.difference::text) ORDER BY t.currency_code <> 'DOP', t.currency_code)
               FROM (SELECT l.currency_code, sum(l.expected) AS expected, sum(l.counted) AS counted, sum(l.difference) AS difference
                       FROM cash_close_lines l WHERE l.close_id = c.id GROUP BY 1) t), '[]'::json)) AS row,
           c.closed_at::text AS cursor_at
      FROM cash_closes c JOIN branches b ON b.id = c.branch_id LEFT JOIN users cu ON cu.id = c.cashier_id
     WHERE ${sql.join(conditions, sql` AND `)}
     ORDER BY c.closed_at DESC, c.id DESC
     LIMIT ${filter.limit + 1}`);
}

/** A page of the list from listCashClosesQuery's rows. */
export function cashClosePage(
  rows: Array<{ row: CashCloseListRow; cursor_at: string }>,
  limit: number,
): { rows: CashCloseListRow[]; next: CreatedCursor | null } {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    rows: page.map((entry) => entry.row),
    next: rows.length > limit && last ? { createdAt: last.cursor_at, id: last.row.id } : null,
  };
}

/** The people who can appear as cashiers in the history's filter (unexecuted). */
export function cashiersQuery(db: TenantDb) {
  return db.execute<{ id: string; name: string }>(sql`
    SELECT u.id, u.name FROM users u WHERE u.status <> 'invited' ORDER BY lower(u.name), u.id`);
}

export type CashCloseOutcome = { ok: true; id: string } | { ok: false; refusal: unknown };

async function refusable(call: () => Promise<string>): Promise<CashCloseOutcome> {
  try {
    return { ok: true, id: await call() };
  } catch (error) {
    if (!raisedCode(error)) throw error;
    return { ok: false, refusal: error };
  }
}

/** A cashier's close (close_cash): claims the movements up to `through` and writes the lines, atomically. */
export function closeCash(
  db: TenantDb,
  values: {
    branchId: string;
    cashierId: string;
    through: string | null;
    counted: Array<{ method: string; currency: string; counted: string }>;
    note: string | null;
    userId: string;
    actor: string;
  },
): Promise<CashCloseOutcome> {
  return refusable(async () => {
    const result = await db.execute<{ id: string }>(sql`
      SELECT close_cash(${values.branchId}::uuid, ${values.cashierId}::uuid, ${values.through}::timestamptz,
                        ${JSON.stringify(values.counted)}::jsonb, ${values.note}, ${values.userId}::uuid, ${values.actor}) AS id`);
    return result.rows[0]!.id;
  });
}

/** A branch's close of a business day (close_cash_branch): sums its cashier closes of that day. */
export function closeCashBranch(
  db: TenantDb,
  values: { branchId: string; businessDate: string; note: string | null; userId: string; actor: string },
): Promise<CashCloseOutcome> {
  return refusable(async () => {
    const result = await db.execute<{ id: string }>(sql`
      SELECT close_cash_branch(${values.branchId}::uuid, ${values.businessDate}::date, ${values.note}, ${values.userId}::uuid, ${values.actor}) AS id`);
    return result.rows[0]!.id;
  });
}
