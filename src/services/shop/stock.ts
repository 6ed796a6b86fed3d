import { can } from '../../auth/permissions';
import type { TenantDb } from '../../db/client';
import { sqlState } from '../../db/raised';
import { AppError } from '../../errors';
import { t } from '../../i18n/es-DO';
import { productBySku } from '../../queries/products';
import {
  insertStockMovement,
  insertStockTransfer,
  listStockLevels as selectStockLevels,
  productMovements,
  type StockCursor,
  type StockLevel,
  type StockMovement,
  type StockMovementInput,
  type StockMovementKind,
  type StockTransferInput,
} from '../../queries/stock';
import { refusalError } from '../refusals';
import { requireRight, type ShopContext } from './context';

export type { StockCursor, StockLevel, StockMovement, StockMovementInput, StockTransferInput };

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

/** The ledger's refusals as AppErrors; SQLSTATE 40P01 (two transfers in opposite directions) as a retryable 409. */
function ledgerError(error: unknown): AppError {
  if (sqlState(error) === '40P01') return new AppError('conflict', t('stock.validation.busy'));
  return refusalError(error, 'stock');
}

/**
 * THE way stock changes (record_stock_movement in SQL): the stock row and the movement with its
 * balance in one statement. 422 for a product that does not track stock or a movement that would
 * leave the stock negative unless the product allows it; 404 for an unknown product or branch.
 */
export async function recordStockMovement(db: TenantDb, input: StockMovementInput): Promise<StockMovement> {
  checkQuantity(input.kind, input.quantity);
  try {
    return await insertStockMovement(db, input);
  } catch (error) {
    throw ledgerError(error);
  }
}

/** Both sides of a transfer with one reference, or nothing. */
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
  try {
    return { reference, ...(await insertStockTransfer(db, { ...input, reference })) };
  } catch (error) {
    throw ledgerError(error);
  }
}

/** The product a form names by SKU (field `sku`) or the API by id (field `productId`). */
type ProductRef = { sku: string } | { productId: string };

async function resolveProduct(ctx: ShopContext, ref: ProductRef): Promise<{ id: string; sku: string | null }> {
  if ('productId' in ref) return { id: ref.productId, sku: null };
  const product = await productBySku(ctx.db, ref.sku);
  if (!product)
    throw new AppError('validation', t('stock.validation.productNotFound'), {
      sku: t('stock.validation.productNotFound'),
    });
  return { id: product.id, sku: product.sku };
}

/** A refusal about the product, on the field the caller named it by. */
function onProductField(error: unknown, ref: ProductRef): unknown {
  if (!('sku' in ref) || !(error instanceof AppError) || error.code !== 'validation' || !error.fields?.productId)
    return error;
  const { productId, ...rest } = error.fields;
  return new AppError('validation', error.publicMessage, { ...rest, sku: productId });
}

function notAllowed(fields: string[]): AppError {
  const message = t('stock.validation.branchNotAllowed');
  return new AppError('validation', message, Object.fromEntries(fields.map((field) => [field, message])));
}

/** Adds or removes units of a product in one of the actor's branches. */
export async function adjustStock(
  ctx: ShopContext,
  input: ProductRef & { branchId: string; quantity: number; reason: string },
): Promise<{ movement: StockMovement; sku: string | null; branchName: string }> {
  requireRight(ctx, 'stock.adjust');
  const branch = ctx.actor.branches.find((candidate) => candidate.id === input.branchId);
  if (!branch) throw notAllowed(['branchId']);
  const product = await resolveProduct(ctx, input);
  try {
    const movement = await recordStockMovement(ctx.db, {
      productId: product.id,
      branchId: branch.id,
      kind: 'adjustment',
      quantity: input.quantity,
      reason: input.reason,
      userId: ctx.actor.id,
    });
    return { movement, sku: product.sku, branchName: branch.name };
  } catch (error) {
    throw onProductField(error, input);
  }
}

/** Moves units between two of the actor's branches. */
export async function transferStockBetween(
  ctx: ShopContext,
  input: ProductRef & { fromBranchId: string; toBranchId: string; quantity: number; reason?: string | null },
): Promise<{ reference: string; out: StockMovement; in: StockMovement; sku: string | null }> {
  requireRight(ctx, 'stock.transfer');
  const allowed = new Set(ctx.actor.branches.map((branch) => branch.id));
  const refused = (['fromBranchId', 'toBranchId'] as const).filter((field) => !allowed.has(input[field]));
  if (refused.length) throw notAllowed(refused);
  const product = await resolveProduct(ctx, input);
  try {
    const transfer = await transferStock(ctx.db, {
      productId: product.id,
      fromBranchId: input.fromBranchId,
      toBranchId: input.toBranchId,
      quantity: input.quantity,
      reason: input.reason ?? null,
      userId: ctx.actor.id,
    });
    return { ...transfer, sku: product.sku };
  } catch (error) {
    throw onProductField(error, input);
  }
}

/**
 * On-hand quantities, one page. Which branches: `scope: 'current'` (the stock screen) shows a user
 * without branches.all only the current branch, and with it every allowed branch or the one chosen
 * (`branchId` '' or null: all); `scope: 'allowed'` (the API) every branch the user may work in, or
 * the one chosen - 404 when it is not one of them.
 */
export async function listStock(
  ctx: ShopContext,
  filter: {
    scope: 'current' | 'allowed';
    branchId?: string | null;
    q?: string;
    low?: boolean;
    after: StockCursor | null;
    limit: number;
  },
): Promise<{ rows: StockLevel[]; next: StockCursor | null }> {
  requireRight(ctx, 'stock.view');
  const user = ctx.actor;
  let branchIds: string[];
  if (filter.scope === 'allowed') {
    branchIds = user.branches.map((branch) => branch.id);
    if (filter.branchId) {
      if (!branchIds.includes(filter.branchId)) throw new AppError('not_found');
      branchIds = [filter.branchId];
    }
  } else if (can(user, 'branches.all')) {
    branchIds = user.branches.map((branch) => branch.id);
    if (filter.branchId) branchIds = branchIds.filter((id) => id === filter.branchId);
  } else {
    branchIds = user.branch ? [user.branch.id] : [];
  }
  return selectStockLevels(ctx.db, {
    branchIds,
    q: filter.q || undefined,
    low: filter.low,
    after: filter.after,
    limit: filter.limit,
  });
}

/** A product and one page of its movements (newest first) in the actor's branches; 404 for no such product. */
export async function listProductMovements(
  ctx: ShopContext,
  filter: { productId: string; before: number | null; limit: number },
): Promise<NonNullable<Awaited<ReturnType<typeof productMovements>>>> {
  requireRight(ctx, 'stock.view');
  const result = await productMovements(ctx.db, {
    productId: filter.productId,
    branchIds: ctx.actor.branches.map((branch) => branch.id),
    before: filter.before,
    limit: filter.limit,
  });
  if (!result) throw new AppError('not_found');
  return result;
}
