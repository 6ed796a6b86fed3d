import { createRoute, z } from '@hono/zod-openapi';
import { expenseCursor } from '../http/cursors';
import { idParam } from '../http/ids';
import { requirePermission } from '../http/session';
import { shopContext } from '../http/shop';
import type { ExpenseDetail, ExpenseRow } from '../queries/expenses';
import {
  expenseAmountKeys,
  expenseBody,
  expenseIdParam,
  expenseListQuery,
  expenseOut,
  expensePaymentBody,
} from '../schemas/expenses';
import {
  createExpense,
  getExpense,
  listExpenses,
  payExpense,
  updateExpense,
  voidExpense,
} from '../services/shop/expenses';
import { createApiApp } from './app';
import { jsonBody, jsonResponse, pageOf, problemResponses } from './openapi';

/** `/api/v1` resources: expenses (supplier invoices, the 606's lines). */
export const expensesApi = createApiApp();

const tags = ['Expenses'];

function toJson(e: ExpenseRow & { attachments?: ExpenseDetail['attachments'] }): z.infer<typeof expenseOut> {
  const amounts = Object.fromEntries(
    [...expenseAmountKeys, 'total', 'itbisAdvance'].map((key) => [key, e[key as keyof ExpenseRow] as string]),
  ) as Record<(typeof expenseAmountKeys)[number] | 'total' | 'itbisAdvance', string>;
  return {
    id: e.id,
    supplier: { id: e.supplierId, idType: e.supplierIdType, idNumber: e.supplierIdNumber, name: e.supplierName },
    ncf: e.ncf,
    modifiedNcf: e.modifiedNcf,
    expenseType: e.expenseType,
    branch: { id: e.branchId, name: e.branchName },
    issuedOn: e.issuedOn,
    paidOn: e.paidOn,
    paymentForm: e.paymentForm,
    status: e.voidedAt ? 'voided' : e.paymentStatus,
    ...amounts,
    isrWithholdingType: e.isrWithholdingType,
    receivedEcfId: e.receivedEcfId,
    notes: e.notes,
    attachments: (e.attachments ?? []).map((file) => ({
      id: file.id,
      fileName: file.fileName,
      contentType: file.contentType,
      byteSize: file.byteSize,
    })),
    createdAt: e.createdAt,
  };
}

expensesApi.openapi(
  createRoute({
    method: 'get',
    path: '/expenses',
    operationId: 'listExpenses',
    summary: 'List expenses in the token user’s branches, newest document first (cursor pagination), with filters',
    tags,
    middleware: [requirePermission('expenses.view')] as const,
    request: { query: expenseListQuery },
    responses: {
      200: jsonResponse(
        pageOf(expenseOut).extend({
          totals: z.object({ count: z.number(), total: z.string(), itbisBilled: z.string(), itbisAdvance: z.string() }),
        }),
        'A page of expenses and the totals of every expense the filters match (voided ones left out)',
      ),
      ...problemResponses(401, 403, 422),
    },
  }),
  async (c) => {
    const { limit, ...query } = c.req.valid('query');
    const page = await listExpenses(shopContext(c), query, (cursor) => expenseCursor.decode(cursor), limit);
    const last = page.rows.at(-1);
    return c.json(
      {
        data: page.rows.map((row) => toJson(row)),
        nextCursor: page.more && last ? expenseCursor.encode({ issuedOn: last.issuedOn, id: last.id }) : null,
        totals: page.totals,
      },
      200,
    );
  },
);

expensesApi.openapi(
  createRoute({
    method: 'post',
    path: '/expenses',
    operationId: 'createExpense',
    summary:
      'Record a supplier invoice: NCF checked (format, purchase type, modified NCF of notes), supplier checked against the DGII registry (name filled in; a B01/E31 from a supplier that is not ACTIVO is refused), total and ITBIS por adelantar computed; the same supplier + NCF twice is a 422',
    tags,
    middleware: [requirePermission('expenses.manage')] as const,
    request: { body: jsonBody(expenseBody) },
    responses: { 201: jsonResponse(expenseOut, 'The new expense'), ...problemResponses(401, 403, 422) },
  }),
  async (c) => c.json(toJson(await createExpense(shopContext(c), await c.req.json())), 201),
);

expensesApi.openapi(
  createRoute({
    method: 'get',
    path: '/expenses/{id}',
    operationId: 'getExpense',
    summary: 'One expense with its attachments',
    tags,
    middleware: [requirePermission('expenses.view')] as const,
    request: { params: expenseIdParam },
    responses: { 200: jsonResponse(expenseOut, 'The expense'), ...problemResponses(401, 403, 404) },
  }),
  async (c) => c.json(toJson(await getExpense(shopContext(c), idParam(c))), 200),
);

expensesApi.openapi(
  createRoute({
    method: 'put',
    path: '/expenses/{id}',
    operationId: 'updateExpense',
    summary: 'Replace an expense’s fields (the same rules as creating it); a voided expense cannot change (409)',
    tags,
    middleware: [requirePermission('expenses.manage')] as const,
    request: { params: expenseIdParam, body: jsonBody(expenseBody) },
    responses: { 200: jsonResponse(expenseOut, 'The expense'), ...problemResponses(401, 403, 404, 409, 422) },
  }),
  async (c) => c.json(toJson(await updateExpense(shopContext(c), idParam(c), await c.req.json())), 200),
);

expensesApi.openapi(
  createRoute({
    method: 'post',
    path: '/expenses/{id}/pay',
    operationId: 'payExpense',
    summary:
      'Mark a pending expense paid: the day (not before the document, not in the future) and the 606 payment form',
    tags,
    middleware: [requirePermission('expenses.manage')] as const,
    request: { params: expenseIdParam, body: jsonBody(expensePaymentBody) },
    responses: { 200: jsonResponse(expenseOut, 'The paid expense'), ...problemResponses(401, 403, 404, 409, 422) },
  }),
  async (c) => c.json(toJson(await payExpense(shopContext(c), idParam(c), await c.req.json())), 200),
);

expensesApi.openapi(
  createRoute({
    method: 'post',
    path: '/expenses/{id}/void',
    operationId: 'voidExpense',
    summary: 'Void an expense: it leaves the 606, and its supplier + NCF (or received e-CF) may be recorded again',
    tags,
    middleware: [requirePermission('expenses.manage')] as const,
    request: { params: expenseIdParam },
    responses: { 200: jsonResponse(expenseOut, 'The voided expense'), ...problemResponses(401, 403, 404, 409) },
  }),
  async (c) => c.json(toJson(await voidExpense(shopContext(c), idParam(c))), 200),
);
