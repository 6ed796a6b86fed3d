import { createRoute, type z } from '@hono/zod-openapi';
import { shopToday } from '../domain/dates';
import { createdCursor } from '../http/cursors';
import { factory } from '../http/factory';
import { idParam } from '../http/ids';
import { requirePermission } from '../http/session';
import { shopContext } from '../http/shop';
import type { Payment, PaymentListRow } from '../queries/payments';
import {
  paymentCreate,
  paymentIdParam,
  paymentListItemOut,
  paymentOut,
  paymentPatch,
  paymentVoid,
} from '../schemas/payments';
import { getPayment, listPayments, recordPayment, updatePayment, voidPayment } from '../services/shop/payments';
import { methodName } from '../views/payments';
import { invoiceListQuery } from '../schemas/invoices';
import { createApiApp } from './app';
import { jsonBody, jsonResponse, pageOf, pageQuery, problemResponses } from './openapi';

/** `/api/v1` resources: payments. */
export const paymentsApi = createApiApp();

const tags = ['Payments'];

/** A malformed id in the path answers 404 before the body is validated (after the permission check). */
export const uuidPath = factory.createMiddleware(async (c, next) => {
  idParam(c);
  await next();
});

export function paymentJson(payment: Payment): z.infer<typeof paymentOut> {
  const { invoice } = payment;
  return {
    id: payment.id,
    number: payment.number,
    invoiceId: payment.invoiceId,
    receivedOn: payment.receivedOn,
    method: payment.method,
    methodName: methodName(payment.method),
    amount: payment.amount,
    currencyCode: invoice.currencyCode,
    reference: payment.reference,
    notes: payment.notes,
    status: payment.status,
    voidedAt: payment.voidedAt,
    voidReason: payment.voidReason,
    branchId: payment.branchId,
    createdAt: payment.createdAt,
    invoice: {
      id: invoice.id,
      ncf: invoice.ncf,
      status: invoice.status,
      currencyCode: invoice.currencyCode,
      total: invoice.total,
      paidTotal: invoice.paidTotal,
      creditedTotal: invoice.creditedTotal,
      balance: invoice.balance,
    },
  };
}

function listItemJson(row: PaymentListRow): z.infer<typeof paymentListItemOut> {
  return {
    id: row.id,
    number: row.number,
    invoiceId: row.invoiceId,
    invoiceNcf: row.invoiceNcf,
    customerName: row.customerName,
    receivedOn: row.receivedOn,
    method: row.method,
    methodName: methodName(row.method),
    amount: row.amount,
    currencyCode: row.currencyCode,
    status: row.status,
    createdAt: row.createdAt,
  };
}

paymentsApi.openapi(
  createRoute({
    method: 'get',
    path: '/payments',
    operationId: 'listPayments',
    summary: 'Payment receipts, newest first (cursor pagination)',
    tags,
    middleware: [requirePermission('invoices.view')] as const,
    request: { query: pageQuery.extend(invoiceListQuery.pick({ q: true }).shape) },
    responses: {
      200: jsonResponse(pageOf(paymentListItemOut), 'One page of receipts'),
      ...problemResponses(401, 403, 422),
    },
  }),
  async (c) => {
    const { limit, cursor, q } = c.req.valid('query');
    const after = createdCursor.decode(cursor);
    const { rows, next } = await listPayments(shopContext(c), { q: q || undefined, after, limit });
    return c.json({ data: rows.map(listItemJson), nextCursor: next ? createdCursor.encode(next) : null }, 200);
  },
);

paymentsApi.openapi(
  createRoute({
    method: 'get',
    path: '/invoices/{id}/payments',
    operationId: 'listInvoicePayments',
    summary: 'The payments of one invoice, newest first',
    tags,
    middleware: [requirePermission('invoices.view'), uuidPath] as const,
    request: { params: paymentIdParam, query: pageQuery },
    responses: {
      200: jsonResponse(pageOf(paymentListItemOut), 'One page of the invoice’s receipts'),
      ...problemResponses(401, 403, 404, 422),
    },
  }),
  async (c) => {
    const { limit, cursor } = c.req.valid('query');
    const after = createdCursor.decode(cursor);
    const { rows, next } = await listPayments(shopContext(c), { invoiceId: idParam(c), after, limit });
    return c.json({ data: rows.map(listItemJson), nextCursor: next ? createdCursor.encode(next) : null }, 200);
  },
);

paymentsApi.openapi(
  createRoute({
    method: 'post',
    path: '/invoices/{id}/payments',
    operationId: 'createPayment',
    summary:
      'Record a payment (abono) against an issued invoice; numbered from the REC series; never above the balance',
    tags,
    middleware: [requirePermission('payments.manage'), uuidPath] as const,
    request: { params: paymentIdParam, body: jsonBody(paymentCreate) },
    responses: {
      201: jsonResponse(paymentOut, 'The recorded payment and the invoice’s new figures'),
      ...problemResponses(401, 403, 404, 409, 422),
    },
  }),
  async (c) => {
    const input = c.req.valid('json');
    const payment = await recordPayment(shopContext(c), idParam(c), {
      receivedOn: input.receivedOn ?? shopToday(),
      method: input.method,
      amount: input.amount,
      reference: input.reference ?? null,
      notes: input.notes ?? null,
    });
    return c.json(paymentJson(payment), 201);
  },
);

paymentsApi.openapi(
  createRoute({
    method: 'get',
    path: '/payments/{id}',
    operationId: 'getPayment',
    summary: 'One payment with its invoice’s figures',
    tags,
    middleware: [requirePermission('invoices.view'), uuidPath] as const,
    request: { params: paymentIdParam },
    responses: { 200: jsonResponse(paymentOut, 'The payment'), ...problemResponses(401, 403, 404) },
  }),
  async (c) => c.json(paymentJson(await getPayment(shopContext(c), idParam(c))), 200),
);

paymentsApi.openapi(
  createRoute({
    method: 'patch',
    path: '/payments/{id}',
    operationId: 'updatePayment',
    summary: 'Change a payment’s date, method, amount, reference or notes; the invoice’s paid total and status follow',
    tags,
    middleware: [requirePermission('payments.manage'), uuidPath] as const,
    request: { params: paymentIdParam, body: jsonBody(paymentPatch) },
    responses: { 200: jsonResponse(paymentOut, 'The changed payment'), ...problemResponses(401, 403, 404, 409, 422) },
  }),
  async (c) => c.json(paymentJson(await updatePayment(shopContext(c), idParam(c), c.req.valid('json'))), 200),
);

paymentsApi.openapi(
  createRoute({
    method: 'post',
    path: '/payments/{id}/void',
    operationId: 'voidPayment',
    summary: 'Void a payment (reason required); its amount returns to the invoice’s balance',
    tags,
    middleware: [requirePermission('payments.void'), uuidPath] as const,
    request: { params: paymentIdParam, body: jsonBody(paymentVoid) },
    responses: { 200: jsonResponse(paymentOut, 'The voided payment'), ...problemResponses(401, 403, 404, 409, 422) },
  }),
  async (c) => c.json(paymentJson(await voidPayment(shopContext(c), idParam(c), c.req.valid('json').reason)), 200),
);
