import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { requirePermission } from '../http/session';
import { can } from '../auth/permissions';
import { shopToday } from '../domain/dates';
import type { SignedInEnv } from '../http/env';
import { branchScope } from '../queries/branch-scope';
import { AppError } from '../errors';
import { t } from '../i18n/es-DO';
import {
  changeQuotationStatus,
  convertQuotation,
  createQuotation,
  getQuotation,
  listQuotations,
  prepareQuotation,
  updateQuotation,
  type Quotation,
  type QuotationSummary,
} from '../queries/quotations';
import type { LineInputValues } from '../schemas/document-lines';
import {
  convertOut,
  quotationCreate,
  quotationIdParam,
  quotationListQuery,
  quotationOut,
  quotationPatch,
  quotationSummaryOut,
} from '../schemas/quotations';
import { createApiApp } from './app';
import { jsonBody, jsonResponse, pageOf, pageQuery, problemResponses } from './openapi';
import { decodeCursor, encodeCursor } from '../http/cursors';

/** `/api/v1` resources: quotations. */
export const quotationsApi = createApiApp();

const uuid = z.uuid();
const tags = ['Quotations'];

function summaryJson(row: QuotationSummary): z.infer<typeof quotationSummaryOut> {
  const { currencySymbol: _symbol, taxBreakdown: _breakdown, ...rest } = row;
  return rest;
}

function toJson(quotation: Quotation): z.infer<typeof quotationOut> {
  return {
    ...summaryJson(quotation),
    taxBreakdown: quotation.taxBreakdown,
    lines: quotation.lines.map((line) => ({ ...line })),
  };
}

async function quotationOr404(c: Context<SignedInEnv>, id: string): Promise<Quotation> {
  const quotation = uuid.safeParse(id).success ? await getQuotation(c.var.db, id, branchScope(c.var.session)) : null;
  if (!quotation) throw new AppError('not_found');
  return quotation;
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
    const cursor = decodeCursor(query.cursor);
    const after =
      cursor &&
      cursor.length === 2 &&
      typeof cursor[0] === 'string' &&
      !Number.isNaN(Date.parse(cursor[0])) &&
      uuid.safeParse(cursor[1]).success
        ? { createdAt: cursor[0], id: String(cursor[1]) }
        : null;
    if (query.cursor && !after)
      throw new AppError('validation', 'The request has invalid fields', { cursor: 'Malformed cursor' });
    const page = await listQuotations(c.var.db, {
      branchIds: branchScope(c.var.session),
      status: query.status ?? null,
      q: query.q || null,
      after,
      limit: query.limit,
    });
    return c.json(
      {
        data: page.rows.map(summaryJson),
        nextCursor: page.next ? encodeCursor([page.next.createdAt, page.next.id]) : null,
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
    const user = c.var.session;
    const { lines, ...header } = c.req.valid('json');
    const today = shopToday();
    const write = await prepareQuotation(c.var.db, { ...header, lines }, user, today);
    const id = await createQuotation(c.var.db, { ...write, quotedOn: today, createdBy: user.id });
    return c.json(toJson((await getQuotation(c.var.db, id, null))!), 201);
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
  async (c) => c.json(toJson(await quotationOr404(c, c.req.valid('param').id)), 200),
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
    const user = c.var.session;
    const current = await quotationOr404(c, c.req.valid('param').id);
    if (current.status !== 'draft' && current.status !== 'sent')
      throw new AppError('conflict', t('quotations.conflict.notEditable'));
    const { lines, ...changes } = c.req.valid('json');
    const present = Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined));
    const storedLines: LineInputValues[] = current.lines.map((line) => ({
      productId: line.productId,
      sku: null,
      description: line.description,
      quantity: line.quantity,
      unitPrice: line.unitPrice,
      discount: line.discount,
      taxId: line.productId ? null : line.taxId,
    }));
    const input = {
      customerId: current.customerId,
      branchId: current.branchId,
      prescriptionId: current.prescriptionId,
      currencyCode: current.currencyCode,
      validUntil: current.validUntil,
      notes: current.notes,
      ...present,
      lines: lines ?? storedLines,
    };
    const write = await prepareQuotation(c.var.db, input, user, current.quotedOn);
    await updateQuotation(c.var.db, current.id, branchScope(c.var.session), write);
    return c.json(toJson((await getQuotation(c.var.db, current.id, null))!), 200);
  },
);

for (const [action, from, to, summary] of [
  ['send', ['draft'], 'sent', 'Mark a draft quotation as sent'],
  ['cancel', ['draft', 'sent'], 'cancelled', 'Cancel a draft or sent quotation'],
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
    async (c) => {
      const id = c.req.valid('param').id;
      if (!uuid.safeParse(id).success) throw new AppError('not_found');
      await changeQuotationStatus(c.var.db, id, branchScope(c.var.session), from, to);
      return c.json(toJson((await getQuotation(c.var.db, id, null))!), 200);
    },
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
    const user = c.var.session;
    if (!can(user.role, 'invoices.manage')) throw new AppError('forbidden', t('quotations.forbiddenConvert'));
    const id = c.req.valid('param').id;
    if (!uuid.safeParse(id).success) throw new AppError('not_found');
    const result = await convertQuotation(c.var.db, id, branchScope(c.var.session), user.id);
    const quotation = (await getQuotation(c.var.db, id, null))!;
    return c.json(
      { invoiceId: result.invoiceId, created: result.created, quotation: toJson(quotation) },
      result.created ? 201 : 200,
    );
  },
);
