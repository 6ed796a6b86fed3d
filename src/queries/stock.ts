import { sql, type SQL } from 'drizzle-orm';
import type { stockMovementKinds } from '../db/tenant-schema';
import type { TenantDb } from '../db/client';
import { lowStockThreshold } from './dashboard';
import { likeEscape } from './products';

export type StockMovementKind = (typeof stockMovementKinds)[number];

export interface StockMovementInput {
  productId: string;
  branchId: string;
  kind: StockMovementKind;
  /** Signed units: positive adds to stock. */
  quantity: number;
  reason?: string | null;
  reference?: string | null;
  userId?: string | null;
}

export interface StockMovement {
  id: number;
  productId: string;
  branchId: string;
  branchName: string;
  kind: StockMovementKind;
  quantity: number;
  balanceAfter: number;
  reason: string | null;
  reference: string | null;
  userId: string | null;
  userName: string | null;
  createdAt: string;
}

const movementJson = (alias: string) =>
  sql.raw(`json_build_object('id', ${alias}.id, 'productId', ${alias}.product_id, 'branchId', ${alias}.branch_id,
    'branchName', (SELECT name FROM branches WHERE id = ${alias}.branch_id), 'kind', ${alias}.kind, 'quantity', ${alias}.quantity,
    'balanceAfter', ${alias}.balance_after, 'reason', ${alias}.reason, 'reference', ${alias}.reference, 'userId', ${alias}.user_id,
    'userName', (SELECT name FROM users WHERE id = ${alias}.user_id), 'createdAt', to_char(${alias}.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))`);

const movementCall = (input: StockMovementInput, reference: SQL = sql`${input.reference ?? null}`) =>
  sql`record_stock_movement(${input.productId}::uuid, ${input.branchId}::uuid, ${input.kind}, ${input.quantity}::int,
    ${input.reason ?? null}, ${reference}, ${input.userId ?? null}::uuid)`;

/**
 * One movement through record_stock_movement (drizzle/tenant/functions), the one writer of the
 * ledger: the stock row and the movement change together. Its refusals (optiflow:stock_*) are
 * thrown as the database raised them.
 */
export async function insertStockMovement(db: TenantDb, input: StockMovementInput): Promise<StockMovement> {
  const result = await db.execute<{ movement: StockMovement }>(sql`
    WITH m AS MATERIALIZED (SELECT * FROM ${movementCall(input)})
    SELECT ${movementJson('m')} AS movement FROM m`);
  return result.rows[0]!.movement;
}

export interface StockTransferInput {
  productId: string;
  fromBranchId: string;
  toBranchId: string;
  quantity: number;
  reason?: string | null;
  userId?: string | null;
}

/**
 * A transfer in one statement: transfer_out in the source, then (LATERAL: after it) transfer_in in
 * the destination, both through record_stock_movement with one reference - all of it or nothing.
 */
export async function insertStockTransfer(
  db: TenantDb,
  input: StockTransferInput & { reference: string },
): Promise<{ out: StockMovement; in: StockMovement }> {
  const side = (branchId: string, kind: StockMovementKind, quantity: number): StockMovementInput => ({
    productId: input.productId,
    branchId,
    kind,
    quantity,
    reason: input.reason ?? null,
    reference: input.reference,
    userId: input.userId ?? null,
  });
  const result = await db.execute<{ out: StockMovement; in: StockMovement }>(sql`
    WITH o AS MATERIALIZED (SELECT * FROM ${movementCall(side(input.fromBranchId, 'transfer_out', -input.quantity))}),
    i AS MATERIALIZED (
      SELECT r.* FROM o CROSS JOIN LATERAL ${movementCall(side(input.toBranchId, 'transfer_in', input.quantity), sql`o.reference`)} r
    )
    SELECT (SELECT ${movementJson('o')} FROM o) AS "out", (SELECT ${movementJson('i')} FROM i) AS "in"`);
  const row = result.rows[0]!;
  return { out: row.out, in: row.in };
}

export interface StockLevel {
  productId: string;
  sku: string;
  name: string;
  branchId: string;
  branchName: string;
  quantity: number;
}

export interface StockCursor {
  name: string;
  productId: string;
  branchId: string;
}

/**
 * On-hand quantities of stock-tracked products in the given branches (zero where no movement
 * happened yet), one page in one query: keyset on (lower(name), product id, branch id).
 */
export async function listStockLevels(
  db: TenantDb,
  filter: { branchIds: string[]; q?: string; low?: boolean; after?: StockCursor | null; limit: number },
): Promise<{ rows: StockLevel[]; next: StockCursor | null }> {
  if (!filter.branchIds.length) return { rows: [], next: null };
  const conditions: SQL[] = [
    sql`p.track_stock`,
    sql`b.id IN (${sql.join(
      filter.branchIds.map((id) => sql`${id}::uuid`),
      sql`, `,
    )})`,
  ];
  if (filter.q) {
    const pattern = likeEscape(filter.q.toLowerCase());
    conditions.push(sql`(lower(p.sku) LIKE ${`${pattern}%`} OR lower(p.name) LIKE ${`%${pattern}%`})`);
  }
  // The home page's low-stock figure: stocked in the branch, at or below the threshold, still sold.
  if (filter.low) conditions.push(sql`s.quantity <= ${lowStockThreshold} AND p.active`);
  if (filter.after)
    conditions.push(
      sql`(lower(p.name), p.id, b.id) > (${filter.after.name}, ${filter.after.productId}::uuid, ${filter.after.branchId}::uuid)`,
    );
  const result = await db.execute<{
    product_id: string;
    sku: string;
    name: string;
    branch_id: string;
    branch_name: string;
    quantity: number;
  }>(sql`
    SELECT p.id AS product_id, p.sku, p.name, b.id AS branch_id, b.name AS branch_name, coalesce(s.quantity, 0) AS quantity
      FROM products p CROSS JOIN branches b
      LEFT JOIN stock s ON s.product_id = p.id AND s.branch_id = b.id
     WHERE ${sql.join(conditions, sql` AND `)}
     ORDER BY lower(p.name), p.id, b.id
     LIMIT ${filter.limit + 1}`);
  const rows = result.rows.map((row) => ({
    productId: row.product_id,
    sku: row.sku,
    name: row.name,
    branchId: row.branch_id,
    branchName: row.branch_name,
    quantity: Number(row.quantity),
  }));
  const page = rows.slice(0, filter.limit);
  const last = page.at(-1);
  return {
    rows: page,
    next:
      rows.length > filter.limit && last
        ? { name: last.name.toLowerCase(), productId: last.productId, branchId: last.branchId }
        : null,
  };
}

/**
 * A product and one page of its movements (newest first, keyset on id) in the given branches,
 * in one query; null when there is no such product.
 */
export async function productMovements(
  db: TenantDb,
  filter: { productId: string; branchIds: string[]; before?: number | null; limit: number },
): Promise<{
  product: { id: string; sku: string; name: string; trackStock: boolean };
  movements: StockMovement[];
  next: number | null;
} | null> {
  const branchList = filter.branchIds.length
    ? sql.join(
        filter.branchIds.map((id) => sql`${id}::uuid`),
        sql`, `,
      )
    : sql`NULL`;
  const result = await db.execute<{
    id: string;
    sku: string;
    name: string;
    track_stock: boolean;
    movements: StockMovement[];
  }>(sql`
    SELECT p.id, p.sku, p.name, p.track_stock,
           coalesce((SELECT json_agg(${movementJson('m')} ORDER BY m.id DESC)
                       FROM (SELECT * FROM stock_movements sm
                              WHERE sm.product_id = p.id AND sm.branch_id IN (${branchList})
                                ${filter.before ? sql`AND sm.id < ${filter.before}` : sql``}
                              ORDER BY sm.id DESC LIMIT ${filter.limit + 1}) m), '[]'::json) AS movements
      FROM products p WHERE p.id = ${filter.productId}::uuid`);
  const row = result.rows[0];
  if (!row) return null;
  const page = row.movements.slice(0, filter.limit);
  return {
    product: { id: row.id, sku: row.sku, name: row.name, trackStock: row.track_stock },
    movements: page,
    next: row.movements.length > filter.limit ? page.at(-1)!.id : null,
  };
}
