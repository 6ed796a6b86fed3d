import { createRoute, z } from '@hono/zod-openapi';
import { createdCursor } from '../http/cursors';
import { idParam } from '../http/ids';
import { requirePermission } from '../http/session';
import { shopContext } from '../http/shop';
import type { CashClose, CashCloseListRow } from '../queries/cash-closes';
import { closeBranchDay, closeCashRegister, getCashClose, listCashCloses } from '../services/shop/cash-closes';
import { methodName } from '../views/payments';
import { createApiApp } from './app';
import { jsonBody, jsonResponse, pageOf, pageQuery, problemResponses } from './openapi';
import { uuidPath } from './payments';

/** `/api/v1` resources: cash closes (cuadre de caja). */
export const cashClosesApi = createApiApp();

const tags = ['Cash closes'];
const money = z.string().openapi({ example: '1250.00', description: 'DOP or the line’s currency, 2 decimals' });
const uuid = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i);
const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

const lineOut = z
  .object({
    method: z.string(),
    methodName: z.string(),
    currencyCode: z.string(),
    expected: money,
    counted: money,
    difference: money.openapi({ description: 'counted - expected' }),
    movements: z.number().int(),
  })
  .openapi('CashCloseLine');

const cashCloseOut = z
  .object({
    id: z.string(),
    number: z.string().openapi({ example: 'CC-000001' }),
    kind: z.enum(['cashier', 'branch']),
    branchId: z.string(),
    branchName: z.string(),
    cashierId: z.string().nullable(),
    cashierName: z.string().nullable(),
    businessDate: z.string(),
    closedAt: z.string(),
    closedByName: z.string(),
    note: z.string().nullable(),
    lines: z.array(lineOut),
    members: z.array(z.object({ id: z.string(), number: z.string(), cashierName: z.string().nullable() })),
    branchCloseId: z.string().nullable(),
  })
  .openapi('CashClose');

const cashCloseListItemOut = z
  .object({
    id: z.string(),
    number: z.string(),
    kind: z.enum(['cashier', 'branch']),
    branchName: z.string(),
    cashierName: z.string().nullable(),
    businessDate: z.string(),
    closedAt: z.string(),
    totals: z.array(z.object({ currencyCode: z.string(), expected: money, counted: money, difference: money })),
  })
  .openapi('CashCloseListItem');

const cashCloseCreate = z
  .object({
    kind: z.enum(['cashier', 'branch']).default('cashier').openapi({
      description:
        'cashier: the token user’s own cash since their last close; branch: the branch’s day, summing its cashier closes',
    }),
    branchId: uuid.optional().openapi({ description: 'Default: the user’s current branch' }),
    businessDate: day
      .optional()
      .openapi({ description: 'Branch closes: the day (default today, America/Santo_Domingo)' }),
    counted: z
      .array(
        z.object({
          method: z
            .string()
            .max(2)
            .openapi({ description: 'e-CF payment form code (1 efectivo, 2 transferencia, 3 tarjeta, ...)' }),
          currency: z.string().max(3).openapi({ example: 'DOP' }),
          counted: z.string().max(20).openapi({ example: '1250.00' }),
        }),
      )
      .max(40)
      .default([])
      .openapi({ description: 'Cashier closes: the amounts counted; a line not listed counts 0' }),
    note: z.string().max(500).optional().openapi({ description: 'Required when any difference is not zero' }),
  })
  .openapi('CashCloseCreate');

const idParams = z.object({
  id: z.string().openapi({ param: { name: 'id', in: 'path' }, format: 'uuid' }),
});

function closeJson(close: CashClose): z.infer<typeof cashCloseOut> {
  return {
    id: close.id,
    number: close.number,
    kind: close.kind,
    branchId: close.branchId,
    branchName: close.branchName,
    cashierId: close.cashierId,
    cashierName: close.cashierName,
    businessDate: close.businessDate,
    closedAt: close.closedAt,
    closedByName: close.closedByName,
    note: close.note,
    lines: close.lines.map((line) => ({
      method: line.method,
      methodName: methodName(line.method),
      currencyCode: line.currencyCode,
      expected: line.expected,
      counted: line.counted,
      difference: line.difference,
      movements: line.movements,
    })),
    members: close.members,
    branchCloseId: close.branchClose?.id ?? null,
  };
}

function listItemJson(row: CashCloseListRow): z.infer<typeof cashCloseListItemOut> {
  return {
    id: row.id,
    number: row.number,
    kind: row.kind,
    branchName: row.branchName,
    cashierName: row.cashierName,
    businessDate: row.businessDate,
    closedAt: row.closedAt,
    totals: row.totals.map(({ currencyCode, expected, counted, difference }) => ({
      currencyCode,
      expected,
      counted,
      difference,
    })),
  };
}

cashClosesApi.openapi(
  createRoute({
    method: 'get',
    path: '/cash-closes',
    operationId: 'listCashCloses',
    summary: 'Cash closes, newest first (a cashier sees their own; owners and admins every one)',
    tags,
    middleware: [requirePermission('cashCloses.close')] as const,
    request: {
      query: pageQuery.extend({
        branchId: uuid.optional(),
        cashierId: uuid.optional(),
        from: day.optional(),
        to: day.optional(),
      }),
    },
    responses: {
      200: jsonResponse(pageOf(cashCloseListItemOut), 'One page of closes'),
      ...problemResponses(401, 403, 422),
    },
  }),
  async (c) => {
    const { limit, cursor, ...filter } = c.req.valid('query');
    const after = createdCursor.decode(cursor);
    const { rows, next } = await listCashCloses(shopContext(c), { ...filter, after, limit });
    return c.json({ data: rows.map(listItemJson), nextCursor: next ? createdCursor.encode(next) : null }, 200);
  },
);

cashClosesApi.openapi(
  createRoute({
    method: 'get',
    path: '/cash-closes/{id}',
    operationId: 'getCashClose',
    summary: 'One cash close with its lines per method and currency',
    tags,
    middleware: [requirePermission('cashCloses.close'), uuidPath] as const,
    request: { params: idParams },
    responses: { 200: jsonResponse(cashCloseOut, 'The close'), ...problemResponses(401, 403, 404) },
  }),
  async (c) => c.json(closeJson(await getCashClose(shopContext(c), idParam(c))), 200),
);

cashClosesApi.openapi(
  createRoute({
    method: 'post',
    path: '/cash-closes',
    operationId: 'createCashClose',
    summary:
      'Close cash: a cashier close claims every receipt, void and refund not yet counted, atomically; 409 when nothing is left to close',
    tags,
    middleware: [requirePermission('cashCloses.close')] as const,
    request: { body: jsonBody(cashCloseCreate) },
    responses: {
      201: jsonResponse(cashCloseOut, 'The new close'),
      ...problemResponses(401, 403, 409, 422),
    },
  }),
  async (c) => {
    const input = c.req.valid('json');
    const ctx = shopContext(c);
    const close =
      input.kind === 'branch'
        ? await closeBranchDay(ctx, { branchId: input.branchId, businessDate: input.businessDate, note: input.note })
        : await closeCashRegister(ctx, { branchId: input.branchId, counts: input.counted, note: input.note });
    return c.json(closeJson(close), 201);
  },
);
