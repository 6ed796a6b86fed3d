import { createRoute, type z } from '@hono/zod-openapi';
import { idParam } from '../http/ids';
import { requirePermission } from '../http/session';
import { shopContext } from '../http/shop';
import type { Refund } from '../queries/receivables';
import {
  applicationCreate,
  applicationOut,
  receivablesIdParam,
  receivablesOut,
  receivablesQuery,
  refundCreate,
  refundOut,
  refundVoid,
  statementOut,
  statementQuery,
} from '../schemas/receivables';
import {
  applyCredit,
  customerStatement,
  listReceivables,
  loadRefund,
  refundCredit,
  statementPeriod,
  voidRefund,
} from '../services/shop/receivables';
import { createApiApp } from './app';
import { jsonBody, jsonResponse, problemResponses } from './openapi';
import { uuidPath } from './payments';

/** `/api/v1` resources: receivables, customer statements, credit balance refunds and applications. */
export const receivablesApi = createApiApp();

const tags = ['Receivables'];

function refundJson(refund: Refund): z.infer<typeof refundOut> {
  return {
    id: refund.id,
    contactId: refund.contactId,
    invoiceId: refund.invoiceId,
    branchId: refund.branchId,
    method: refund.method,
    amount: refund.amount,
    currencyCode: refund.currencyCode,
    refundedOn: refund.refundedOn,
    reference: refund.reference,
    status: refund.status,
    cashCloseId: refund.cashCloseId,
  };
}

receivablesApi.openapi(
  createRoute({
    method: 'get',
    path: '/receivables',
    operationId: 'listReceivables',
    summary: 'Open balances by customer with ageing (0-30, 31-60, 61-90, 90+ days) and credit balances, in DOP',
    tags,
    middleware: [requirePermission('receivables.view')] as const,
    request: { query: receivablesQuery },
    responses: { 200: jsonResponse(receivablesOut, 'One page of customers (50)'), ...problemResponses(401, 403, 422) },
  }),
  async (c) => {
    const query = c.req.valid('query');
    const page = await listReceivables(shopContext(c), {
      q: query.q?.trim() || undefined,
      branchId: query.branchId ?? null,
      sort: query.sort,
      page: query.page,
    });
    return c.json(
      {
        asOf: page.asOf,
        currency: 'DOP' as const,
        ageing: page.ageing,
        data: page.rows,
        nextPage: page.hasMore ? page.page + 1 : null,
      },
      200,
    );
  },
);

receivablesApi.openapi(
  createRoute({
    method: 'get',
    path: '/contacts/{id}/statement',
    operationId: 'getCustomerStatement',
    summary:
      'A customer statement: per currency the opening balance, the movements with a running balance, the closing balance',
    tags,
    middleware: [requirePermission('receivables.view'), uuidPath] as const,
    request: { params: receivablesIdParam, query: statementQuery },
    responses: { 200: jsonResponse(statementOut, 'The statement'), ...problemResponses(401, 403, 404, 422) },
  }),
  async (c) => {
    const { from, to } = c.req.valid('query');
    const statement = await customerStatement(shopContext(c), idParam(c), statementPeriod(from, to));
    return c.json(
      {
        contact: { id: statement.contact.id, name: statement.contact.name, idNumber: statement.contact.idNumber },
        from: statement.from,
        to: statement.to,
        truncated: statement.truncated,
        currencies: statement.currencies.map((currency) => {
          const ageing = statement.ageing.find((row) => row.currencyCode === currency.currencyCode);
          return {
            currencyCode: currency.currencyCode,
            opening: currency.opening,
            closing: currency.closing,
            lines: statement.lines
              .filter((line) => line.currencyCode === currency.currencyCode)
              .map(({ currencyCode: _code, ...line }) => line),
            ageing: ageing
              ? {
                  current: ageing.current,
                  days31to60: ageing.days31to60,
                  days61to90: ageing.days61to90,
                  over90: ageing.over90,
                  total: ageing.total,
                }
              : null,
          };
        }),
        credit: statement.credit.map((source) => ({
          invoiceId: source.invoiceId,
          ncf: source.ncf,
          currencyCode: source.currencyCode,
          available: source.available,
        })),
      },
      200,
    );
  },
);

receivablesApi.openapi(
  createRoute({
    method: 'post',
    path: '/refunds',
    operationId: 'createRefund',
    summary: 'Pay back part of an invoice’s credit balance (saldo a favor); never more than is available',
    tags,
    middleware: [requirePermission('payments.manage')] as const,
    request: { body: jsonBody(refundCreate) },
    responses: { 201: jsonResponse(refundOut, 'The refund'), ...problemResponses(401, 403, 404, 409, 422) },
  }),
  async (c) => c.json(refundJson(await refundCredit(shopContext(c), c.req.valid('json'))), 201),
);

receivablesApi.openapi(
  createRoute({
    method: 'get',
    path: '/refunds/{id}',
    operationId: 'getRefund',
    summary: 'One refund',
    tags,
    middleware: [requirePermission('receivables.view'), uuidPath] as const,
    request: { params: receivablesIdParam },
    responses: { 200: jsonResponse(refundOut, 'The refund'), ...problemResponses(401, 403, 404) },
  }),
  async (c) => c.json(refundJson(await loadRefund(shopContext(c), idParam(c))), 200),
);

receivablesApi.openapi(
  createRoute({
    method: 'post',
    path: '/refunds/{id}/void',
    operationId: 'voidRefund',
    summary: 'Void a refund (owner, admin): its amount is credit again; not once a cash close counted it',
    tags,
    middleware: [requirePermission('payments.void'), uuidPath] as const,
    request: { params: receivablesIdParam, body: jsonBody(refundVoid) },
    responses: { 200: jsonResponse(refundOut, 'The voided refund'), ...problemResponses(401, 403, 404, 409, 422) },
  }),
  async (c) => c.json(refundJson(await voidRefund(shopContext(c), idParam(c), c.req.valid('json').reason)), 200),
);

receivablesApi.openapi(
  createRoute({
    method: 'post',
    path: '/credit-applications',
    operationId: 'applyCredit',
    summary:
      'Apply part of an invoice’s credit balance to another open invoice of the same customer and currency (a method-7 receipt on it)',
    tags,
    middleware: [requirePermission('payments.manage')] as const,
    request: { body: jsonBody(applicationCreate) },
    responses: { 201: jsonResponse(applicationOut, 'The application'), ...problemResponses(401, 403, 404, 409, 422) },
  }),
  async (c) => {
    const { applicationId } = await applyCredit(shopContext(c), c.req.valid('json'));
    return c.json({ id: applicationId }, 201);
  },
);
