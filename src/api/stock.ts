import { createRoute, z } from '@hono/zod-openapi';
import { idCursor, stockCursor } from '../http/cursors';
import { requirePermission } from '../http/session';
import { shopContext } from '../http/shop';
import { adjustmentCreate, movementOut, stockLevelOut, transferCreate, transferOut } from '../schemas/stock';
import { adjustStock, listProductMovements, listStock, transferStockBetween } from '../services/shop/stock';
import { createApiApp } from './app';
import { jsonBody, jsonResponse, pageOf, pageQuery, problemResponses } from './openapi';

/** `/api/v1` resources: stock. */
export const stockApi = createApiApp();

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
    const after = stockCursor.decode(cursor);
    const { rows, next } = await listStock(shopContext(c), { scope: 'allowed', branchId, q, after, limit });
    return c.json({ data: rows, nextCursor: next ? stockCursor.encode(next) : null }, 200);
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
    const before = idCursor.decode(cursor)?.id ?? null;
    const result = await listProductMovements(shopContext(c), { productId, before, limit });
    return c.json(
      { data: result.movements, nextCursor: result.next ? idCursor.encode({ id: result.next }) : null },
      200,
    );
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
    const { movement } = await adjustStock(shopContext(c), c.req.valid('json'));
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
    const { sku: _sku, ...transfer } = await transferStockBetween(shopContext(c), c.req.valid('json'));
    return c.json(transfer, 201);
  },
);
