import { createRoute, type z } from '@hono/zod-openapi';
import { createdCursor } from '../http/cursors';
import { requirePermission } from '../http/session';
import { shopContext } from '../http/shop';
import type { Quotation, QuotationSummary } from '../queries/quotations';
import {
  convertOut,
  quotationCreate,
  quotationIdParam,
  quotationListQuery,
  quotationOut,
  quotationPatch,
  quotationSummaryOut,
} from '../schemas/quotations';
import {
  changeQuotationStatus,
  convertQuotation,
  createQuotation,
  getQuotation,
  listQuotations,
  updateQuotation,
} from '../services/shop/quotations';
import { createApiApp } from './app';
import { jsonBody, jsonResponse, pageOf, pageQuery, problemResponses } from './openapi';
import { idParam } from '../http/ids';

/** `/api/v1` resources: quotations. */
export const quotationsApi = createApiApp();

const tags = ['Quotations'];

function summaryJson(row: QuotationSummary): z.infer<typeof quotationSummaryOut> {
  const { currencySymbol: _symbol, taxBreakdown: _breakdown, ...rest } = row;
  return rest;
}

function toJson(quotation: Quotation): z.infer<typeof quotationOut> {
  const { customer: _customer, branch: _branch, company: _company, ...shown } = quotation;
  return {
    ...summaryJson(shown),
    taxBreakdown: quotation.taxBreakdown,
    lines: quotation.lines.map((line) => ({ ...line })),
  };
}

quotationsApi.openapi(
  createRoute({
    method: 'get',
    path: '/quotations',
    operationId: 'listQuotations',
    summary: 'List quotations, newest first (cursor pagination); filter by status, search number or customer',
    tags,
    middleware: [requirePermission('quotations.view')] as const,
    request: { query: pageQuery.extend(quotationListQuery.shape) },
    responses: {
      200: jsonResponse(pageOf(quotationSummaryOut), 'A page of quotations'),
      ...problemResponses(401, 403, 422),
    },
  }),
  async (c) => {
    const query = c.req.valid('query');
    const after = createdCursor.decode(query.cursor);
    const page = await listQuotations(shopContext(c), {
      status: query.status ?? null,
      q: query.q || null,
      sellerId: query.seller ?? null,
      after,
      limit: query.limit,
    });
    return c.json(
      {
        data: page.rows.map(summaryJson),
        nextCursor: page.next ? createdCursor.encode(page.next) : null,
      },
      200,
    );
  },
);

quotationsApi.openapi(
  createRoute({
    method: 'post',
    path: '/quotations',
    operationId: 'createQuotation',
    summary:
      'Create a quotation numbered from the COT series (branchId defaults to the user’s first branch); totals are computed on the server (any totals sent are ignored)',
    tags,
    middleware: [requirePermission('quotations.manage')] as const,
    request: { body: jsonBody(quotationCreate) },
    responses: { 201: jsonResponse(quotationOut, 'The new quotation'), ...problemResponses(401, 403, 409, 422) },
  }),
  async (c) => {
    return c.json(toJson(await createQuotation(shopContext(c), c.req.valid('json'))), 201);
  },
);

quotationsApi.openapi(
  createRoute({
    method: 'get',
    path: '/quotations/{id}',
    operationId: 'getQuotation',
    summary: 'One quotation with its lines and totals',
    tags,
    middleware: [requirePermission('quotations.view')] as const,
    request: { params: quotationIdParam },
    responses: { 200: jsonResponse(quotationOut, 'The quotation'), ...problemResponses(401, 403, 404) },
  }),
  async (c) => c.json(toJson(await getQuotation(shopContext(c), idParam(c))), 200),
);

quotationsApi.openapi(
  createRoute({
    method: 'patch',
    path: '/quotations/{id}',
    operationId: 'updateQuotation',
    summary: 'Change a draft or sent quotation (lines, when given, replace all lines; totals are recomputed)',
    tags,
    middleware: [requirePermission('quotations.manage')] as const,
    request: { params: quotationIdParam, body: jsonBody(quotationPatch) },
    responses: {
      200: jsonResponse(quotationOut, 'The changed quotation'),
      ...problemResponses(401, 403, 404, 409, 422),
    },
  }),
  async (c) => {
    return c.json(toJson(await updateQuotation(shopContext(c), idParam(c), c.req.valid('json'))), 200);
  },
);

for (const [action, summary] of [
  ['send', 'Mark a draft quotation as sent'],
  ['cancel', 'Cancel a draft or sent quotation'],
] as const) {
  quotationsApi.openapi(
    createRoute({
      method: 'post',
      path: `/quotations/{id}/${action}`,
      operationId: `${action}Quotation`,
      summary,
      tags,
      middleware: [requirePermission('quotations.manage')] as const,
      request: { params: quotationIdParam },
      responses: { 200: jsonResponse(quotationOut, 'The quotation'), ...problemResponses(401, 403, 404, 409) },
    }),
    async (c) => c.json(toJson(await changeQuotationStatus(shopContext(c), idParam(c), action)), 200),
  );
}

quotationsApi.openapi(
  createRoute({
    method: 'post',
    path: '/quotations/{id}/convert',
    operationId: 'convertQuotation',
    summary:
      'Convert into a draft invoice (B01 for customers with RNC, else B02) exactly once: 201 with the new invoice, or 200 with the invoice an earlier conversion made. Needs invoices.manage too.',
    tags,
    middleware: [requirePermission('quotations.manage')] as const,
    request: { params: quotationIdParam },
    responses: {
      201: jsonResponse(convertOut, 'Converted now'),
      200: jsonResponse(convertOut, 'Already converted: the same invoice'),
      ...problemResponses(401, 403, 404, 409),
    },
  }),
  async (c) => {
    const result = await convertQuotation(shopContext(c), idParam(c));
    return c.json(
      { invoiceId: result.invoiceId, created: result.created, quotation: toJson(result.quotation) },
      result.created ? 201 : 200,
    );
  },
);
