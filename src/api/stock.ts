import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { requirePermission } from '../http/session';
import type { SignedInEnv } from '../http/env';
import { AppError } from '../errors';
import { t } from '../i18n/es-DO';
import { listStockLevels, productMovements, recordStockMovement, transferStock } from '../queries/stock';
import { adjustmentCreate, movementOut, stockLevelOut, transferCreate, transferOut } from '../schemas/stock';
import { createApiApp } from './app';
import { jsonBody, jsonResponse, pageOf, pageQuery, problemResponses } from './openapi';
import { decodeCursor, encodeCursor } from '../http/cursors';

/** `/api/v1` resources: stock. */
export const stockApi = createApiApp();

/** The ids of the branches the token's user may work in. */
function allowedBranchIds(c: Context<SignedInEnv>): string[] {
  return c.var.session.branches.map((branch) => branch.id);
}

const notAllowed = (field: string) =>
  new AppError('validation', t('stock.validation.branchNotAllowed'), {
    [field]: t('stock.validation.branchNotAllowed'),
  });

stockApi.openapi(
  createRoute({
    method: 'get',
    path: '/stock',
    operationId: 'listStockLevels',
    summary: 'On-hand quantities of stock-tracked products per branch (the branches the user may work in)',
    tags: ['Stock'],
    middleware: [requirePermission('stock.view')] as const,
    request: { query: pageQuery.extend({ branchId: z.uuid().optional(), q: z.string().trim().max(100).optional() }) },
    responses: {
      200: jsonResponse(pageOf(stockLevelOut), 'One page of stock levels'),
      ...problemResponses(401, 403, 404, 422),
    },
  }),
  async (c) => {
    const { branchId, q, limit, cursor } = c.req.valid('query');
    let branchIds = allowedBranchIds(c);
    if (branchId) {
      if (!branchIds.includes(branchId)) throw new AppError('not_found');
      branchIds = [branchId];
    }
    const values = decodeCursor(cursor);
    const uuid = z.uuid();
    if (cursor && (values?.length !== 3 || !uuid.safeParse(values[1]).success || !uuid.safeParse(values[2]).success)) {
      throw new AppError('validation', 'Invalid cursor', { cursor: 'Invalid cursor' });
    }
    const after = values
      ? { name: String(values[0]), productId: String(values[1]), branchId: String(values[2]) }
      : null;
    const { rows, next } = await listStockLevels(c.var.db, { branchIds, q: q || undefined, after, limit });
    return c.json(
      { data: rows, nextCursor: next ? encodeCursor([next.name, next.productId, next.branchId]) : null },
      200,
    );
  },
);

stockApi.openapi(
  createRoute({
    method: 'get',
    path: '/stock/movements',
    operationId: 'listStockMovements',
    summary: 'The ledger of one product, newest first',
    tags: ['Stock'],
    middleware: [requirePermission('stock.view')] as const,
    request: { query: pageQuery.extend({ productId: z.uuid() }) },
    responses: {
      200: jsonResponse(pageOf(movementOut), 'One page of movements'),
      ...problemResponses(401, 403, 404, 422),
    },
  }),
  async (c) => {
    const { productId, limit, cursor } = c.req.valid('query');
    const values = decodeCursor(cursor);
    if (cursor && (values?.length !== 1 || typeof values[0] !== 'number'))
      throw new AppError('validation', 'Invalid cursor', { cursor: 'Invalid cursor' });
    const result = await productMovements(c.var.db, {
      productId,
      branchIds: allowedBranchIds(c),
      before: values ? Number(values[0]) : null,
      limit,
    });
    if (!result) throw new AppError('not_found');
    return c.json({ data: result.movements, nextCursor: result.next ? encodeCursor([result.next]) : null }, 200);
  },
);

stockApi.openapi(
  createRoute({
    method: 'post',
    path: '/stock/adjustments',
    operationId: 'createStockAdjustment',
    summary: 'Add (positive) or remove (negative) units of a product in a branch',
    tags: ['Stock'],
    middleware: [requirePermission('stock.adjust')] as const,
    request: { body: jsonBody(adjustmentCreate) },
    responses: { 201: jsonResponse(movementOut, 'The recorded movement'), ...problemResponses(401, 403, 404, 422) },
  }),
  async (c) => {
    const input = c.req.valid('json');
    if (!allowedBranchIds(c).includes(input.branchId)) throw notAllowed('branchId');
    const movement = await recordStockMovement(c.var.db, {
      productId: input.productId,
      branchId: input.branchId,
      kind: 'adjustment',
      quantity: input.quantity,
      reason: input.reason,
      userId: c.var.session.id,
    });
    return c.json(movement, 201);
  },
);

stockApi.openapi(
  createRoute({
    method: 'post',
    path: '/stock/transfers',
    operationId: 'createStockTransfer',
    summary: 'Move units of a product from one branch to another (both sides or nothing)',
    tags: ['Stock'],
    middleware: [requirePermission('stock.transfer')] as const,
    request: { body: jsonBody(transferCreate) },
    responses: {
      201: jsonResponse(transferOut, 'The two movements of the transfer'),
      ...problemResponses(401, 403, 404, 409, 422),
    },
  }),
  async (c) => {
    const input = c.req.valid('json');
    const allowed = allowedBranchIds(c);
    if (!allowed.includes(input.fromBranchId)) throw notAllowed('fromBranchId');
    if (!allowed.includes(input.toBranchId)) throw notAllowed('toBranchId');
    const transfer = await transferStock(c.var.db, {
      ...input,
      reason: input.reason ?? null,
      userId: c.var.session.id,
    });
    return c.json(transfer, 201);
  },
);
