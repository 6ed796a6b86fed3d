import type { NeonHttpQueryResult } from 'drizzle-orm/neon-http';
import { sql, type SQL } from 'drizzle-orm';
import type { stockMovementKinds } from '../db/tenant-schema';
import type { TenantDb } from '../db/client';
import { AppError } from '../errors';
import { t } from '../i18n/es-DO';
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

/** Which sign each kind of movement must have (0: either). */
const kindSign: Record<StockMovementKind, 1 | -1 | 0> = {
  initial: 1,
  adjustment: 0,
  transfer_in: 1,
  transfer_out: -1,
  sale: -1,
  return: 1,
};

function checkQuantity(kind: StockMovementKind, quantity: number): void {
  const sign = kindSign[kind];
  if (
    !Number.isSafeInteger(quantity) ||
    quantity === 0 ||
    (sign === 1 && quantity < 0) ||
    (sign === -1 && quantity > 0)
  ) {
    throw new AppError('validation', t('stock.validation.kindSign'), { quantity: t('stock.validation.kindSign') });
  }
}

const insufficient = () =>
  new AppError('validation', t('stock.validation.insufficient'), { quantity: t('stock.validation.insufficient') });
const notTracked = () =>
  new AppError('validation', t('stock.validation.notTracked'), { productId: t('stock.validation.notTracked') });

/** SQLSTATE 40P01: two transfers in opposite directions locked each other's rows; one of them is refused whole. */
function isDeadlock(error: unknown): boolean {
  for (
    let current: unknown = error;
    current && typeof current === 'object';
    current = (current as { cause?: unknown }).cause
  ) {
    if ((current as { code?: unknown }).code === '40P01') return true;
  }
  return false;
}

/**
 * The upsert that moves one product's stock in one branch, as a CTE body. The row lock taken by
 * ON CONFLICT DO UPDATE serialises concurrent movements, and the WHERE clauses re-check the
 * latest committed quantity under that lock, so a movement that would leave the stock negative
 * (for a product that does not allow it) changes nothing instead of losing or overdrawing.
 */
function stockUpsert(productCte: string, branchCte: string, quantity: number, from: SQL = sql``): SQL {
  return sql`INSERT INTO stock AS s (product_id, branch_id, quantity, updated_at)
    SELECT ${sql.raw(productCte)}.id, ${sql.raw(branchCte)}.id, ${quantity}::int, now()
      FROM ${sql.raw(productCte)}, ${sql.raw(branchCte)} ${from}
     WHERE ${sql.raw(productCte)}.track_stock
       AND (${quantity}::int >= 0 OR ${sql.raw(productCte)}.allow_negative_stock
            OR EXISTS (SELECT 1 FROM stock e WHERE e.product_id = ${sql.raw(productCte)}.id AND e.branch_id = ${sql.raw(branchCte)}.id))
    ON CONFLICT (product_id, branch_id) DO UPDATE
       SET quantity = s.quantity + excluded.quantity, updated_at = now()
     WHERE excluded.quantity >= 0
        OR s.quantity + excluded.quantity >= 0
        OR (SELECT p.allow_negative_stock FROM products p WHERE p.id = excluded.product_id)
    RETURNING s.product_id, s.branch_id, s.quantity`;
}

interface MovementRow extends Record<string, unknown> {
  track_stock: boolean | null;
  branch_found: boolean;
  movement: StockMovement | null;
}

const movementJson = (alias: string) =>
  sql.raw(`json_build_object('id', ${alias}.id, 'productId', ${alias}.product_id, 'branchId', ${alias}.branch_id,
    'branchName', (SELECT name FROM branches WHERE id = ${alias}.branch_id), 'kind', ${alias}.kind, 'quantity', ${alias}.quantity,
    'balanceAfter', ${alias}.balance_after, 'reason', ${alias}.reason, 'reference', ${alias}.reference, 'userId', ${alias}.user_id,
    'userName', (SELECT name FROM users WHERE id = ${alias}.user_id), 'createdAt', to_char(${alias}.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))`);

/**
 * THE way stock changes: updates the product's stock row in the branch and appends the movement
 * (with the balance after it) in one SQL statement. Refuses (422) products that do not track
 * stock and movements that would leave the stock negative unless the product allows it; 404 for
 * an unknown product or branch.
 */
export async function recordStockMovement(db: TenantDb, input: StockMovementInput): Promise<StockMovement> {
  checkQuantity(input.kind, input.quantity);
  const result = await db.execute<MovementRow>(sql`
    WITH product AS (SELECT id, track_stock, allow_negative_stock FROM products WHERE id = ${input.productId}::uuid),
    branch AS (SELECT id FROM branches WHERE id = ${input.branchId}::uuid),
    moved AS (${stockUpsert('product', 'branch', input.quantity)}),
    movement AS (
      INSERT INTO stock_movements (product_id, branch_id, kind, quantity, balance_after, reason, reference, user_id)
      SELECT product_id, branch_id, ${input.kind}, ${input.quantity}::int, quantity, ${input.reason ?? null}, ${input.reference ?? null}, ${input.userId ?? null}::uuid
        FROM moved
      RETURNING *
    )
    SELECT (SELECT track_stock FROM product) AS track_stock,
           EXISTS (SELECT 1 FROM branch) AS branch_found,
           (SELECT ${movementJson('movement')} FROM movement) AS movement`);
  const row = result.rows[0]!;
  if (row.movement) return row.movement;
  if (row.track_stock === null || !row.branch_found) throw new AppError('not_found');
  if (!row.track_stock) throw notTracked();
  throw insufficient();
}

export interface StockTransferInput {
  productId: string;
  fromBranchId: string;
  toBranchId: string;
  quantity: number;
  reason?: string | null;
  userId?: string | null;
}

interface TransferRow extends Record<string, unknown> {
  track_stock: boolean | null;
  branches_found: number;
  movements: StockMovement[] | null;
}

/**
 * A transfer: transfer_out in the source and transfer_in in the destination, both stock rows and
 * both movements in one statement sharing a reference - either all of it happens or nothing.
 */
export async function transferStock(
  db: TenantDb,
  input: StockTransferInput,
): Promise<{ reference: string; out: StockMovement; in: StockMovement }> {
  if (!Number.isSafeInteger(input.quantity) || input.quantity <= 0) {
    throw new AppError('validation', t('stock.validation.positive'), { quantity: t('stock.validation.positive') });
  }
  if (input.fromBranchId === input.toBranchId) {
    throw new AppError('validation', t('stock.validation.sameBranch'), {
      toBranchId: t('stock.validation.sameBranch'),
    });
  }
  const reference = `TRF-${crypto.randomUUID().slice(0, 8).toUpperCase()}`;
  let result: NeonHttpQueryResult<TransferRow>;
  try {
    result = await db.execute<TransferRow>(sql`
      WITH product AS (SELECT id, track_stock, allow_negative_stock FROM products WHERE id = ${input.productId}::uuid),
      source AS (SELECT id FROM branches WHERE id = ${input.fromBranchId}::uuid),
      target AS (SELECT id FROM branches WHERE id = ${input.toBranchId}::uuid),
      taken AS (${stockUpsert('product', 'source', -input.quantity, sql`, target`)}),
      given AS (${stockUpsert('product', 'target', input.quantity, sql`, taken`)}),
      movements AS (
        INSERT INTO stock_movements (product_id, branch_id, kind, quantity, balance_after, reason, reference, user_id)
        SELECT product_id, branch_id, 'transfer_out', ${-input.quantity}::int, quantity, ${input.reason ?? null}, ${reference}, ${input.userId ?? null}::uuid FROM taken
        UNION ALL
        SELECT product_id, branch_id, 'transfer_in', ${input.quantity}::int, quantity, ${input.reason ?? null}, ${reference}, ${input.userId ?? null}::uuid FROM given
        RETURNING *
      )
      SELECT (SELECT track_stock FROM product) AS track_stock,
             (SELECT count(*) FROM source)::int + (SELECT count(*) FROM target)::int AS branches_found,
             (SELECT json_agg(${movementJson('movements')} ORDER BY movements.quantity) FROM movements) AS movements`);
  } catch (error) {
    if (isDeadlock(error)) throw new AppError('conflict', t('stock.validation.busy'));
    throw error;
  }
  const row = result.rows[0]!;
  const movements = row.movements ?? [];
  const out = movements.find((movement) => movement.kind === 'transfer_out');
  const into = movements.find((movement) => movement.kind === 'transfer_in');
  if (out && into) return { reference, out, in: into };
  if (row.track_stock === null || row.branches_found < 2) throw new AppError('not_found');
  if (!row.track_stock) throw notTracked();
  throw insufficient();
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
  filter: { branchIds: string[]; q?: string; after?: StockCursor | null; limit: number },
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
