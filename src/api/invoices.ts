import { createRoute, z } from '@hono/zod-openapi';
import { createdCursor } from '../http/cursors';
import { idParam } from '../http/ids';
import { requirePermission } from '../http/session';
import { shopContext } from '../http/shop';
import type { Invoice } from '../queries/invoices';
import {
  invoiceCreate,
  invoiceListQuery,
  invoiceOut,
  invoiceSummaryOut,
  invoiceUpdate,
  invoiceVoid,
} from '../schemas/invoices';
import { signedEcfXml } from '../services/shop/ecf-xml';
import {
  createInvoiceDraft,
  deleteInvoiceDraft,
  getInvoice,
  issueInvoice,
  listInvoices,
  updateInvoiceDraft,
  voidInvoice,
} from '../services/shop/invoices';
import { createApiApp } from './app';
import { ecfJson, signedXmlResponse, xmlResponse } from './ecf';
import { jsonBody, jsonResponse, pageOf, pageQuery, problemResponses } from './openapi';

/** `/api/v1` resources: invoices. */
export const invoicesApi = createApiApp();

const idParams = z.object({ id: z.string().openapi({ param: { name: 'id', in: 'path' }, format: 'uuid' }) });

function toJson(invoice: Invoice) {
  const {
    customerIdType: _type,
    customerIdNumber: _number,
    sequencePrefix: _prefix,
    issueKey: _key,
    version: _version,
    rateOnDate: _rate,
    createdByName: _by,
    prescriptionDate: _rx,
    payable: _payable,
    creditable: _creditable,
    company: _company,
    branch: _branch,
    buyer: _buyer,
    createdOn: _createdOn,
    modifiedNcf: _modifiedNcf,
    refundsItbis: _refundsItbis,
    creditReason: _creditReason,
    pdfKey: _pdfKey,
    ...rest
  } = invoice;
  return {
    ...rest,
    lines: invoice.lines.map(({ id: _id, trackStock: _track, ...line }) => line),
    ecf: ecfJson(invoice),
  };
}

invoicesApi.openapi(
  createRoute({
    method: 'get',
    path: '/invoices',
    operationId: 'listInvoices',
    summary: 'Invoices, newest first (the branches the user may see); filter by status and issue dates',
    tags: ['Invoices'],
    middleware: [requirePermission('invoices.view')] as const,
    request: { query: pageQuery.extend(invoiceListQuery.shape) },
    responses: {
      200: jsonResponse(pageOf(invoiceSummaryOut), 'One page of invoices'),
      ...problemResponses(401, 403, 422),
    },
  }),
  async (c) => {
    const { limit, cursor, status, from, to, q, seller } = c.req.valid('query');
    const after = createdCursor.decode(cursor);
    const { rows, next } = await listInvoices(shopContext(c), {
      status,
      from,
      to,
      q: q || undefined,
      sellerId: seller ?? null,
      after,
      limit,
    });
    return c.json(
      {
        data: rows.map(({ currencySymbol: _symbol, ...row }) => row),
        nextCursor: next ? createdCursor.encode(next) : null,
      },
      200,
    );
  },
);

invoicesApi.openapi(
  createRoute({
    method: 'post',
    path: '/invoices',
    operationId: 'createInvoice',
    summary: 'Create a draft invoice (no NCF yet); totals are computed by the server',
    tags: ['Invoices'],
    middleware: [requirePermission('invoices.manage')] as const,
    request: { body: jsonBody(invoiceCreate) },
    responses: { 201: jsonResponse(invoiceOut, 'The draft'), ...problemResponses(401, 403, 422) },
  }),
  async (c) => c.json(toJson(await createInvoiceDraft(shopContext(c), c.req.valid('json'))), 201),
);

invoicesApi.openapi(
  createRoute({
    method: 'get',
    path: '/invoices/{id}',
    operationId: 'getInvoice',
    summary: 'An invoice with its lines, totals, payments and credit notes',
    tags: ['Invoices'],
    middleware: [requirePermission('invoices.view')] as const,
    request: { params: idParams },
    responses: { 200: jsonResponse(invoiceOut, 'The invoice'), ...problemResponses(401, 403, 404) },
  }),
  async (c) => c.json(toJson(await getInvoice(shopContext(c), idParam(c))), 200),
);

invoicesApi.openapi(
  createRoute({
    method: 'patch',
    path: '/invoices/{id}',
    operationId: 'updateInvoice',
    summary: 'Change a draft (fields given replace the stored ones; `lines` replaces every line)',
    tags: ['Invoices'],
    middleware: [requirePermission('invoices.manage')] as const,
    request: { params: idParams, body: jsonBody(invoiceUpdate) },
    responses: { 200: jsonResponse(invoiceOut, 'The draft'), ...problemResponses(401, 403, 404, 409, 422) },
  }),
  async (c) => c.json(toJson(await updateInvoiceDraft(shopContext(c), idParam(c), c.req.valid('json'))), 200),
);

invoicesApi.openapi(
  createRoute({
    method: 'delete',
    path: '/invoices/{id}',
    operationId: 'deleteInvoice',
    summary: 'Delete a draft (issued invoices are fiscal documents and are never deleted)',
    tags: ['Invoices'],
    middleware: [requirePermission('invoices.manage')] as const,
    request: { params: idParams },
    responses: { 204: { description: 'Deleted' }, ...problemResponses(401, 403, 404, 409) },
  }),
  async (c) => {
    await deleteInvoiceDraft(shopContext(c), idParam(c));
    return c.body(null, 204);
  },
);

invoicesApi.openapi(
  createRoute({
    method: 'post',
    path: '/invoices/{id}/issue',
    operationId: 'issueInvoice',
    summary:
      'Issue a draft: allocates the NCF, dates it today, snapshots the buyer and records the sale in stock, atomically',
    description:
      'Idempotent with the `Idempotency-Key` header: repeating the request with the same key answers the issued invoice again (no new number); ' +
      'issuing an invoice already issued without that key answers 409. An exhausted, expired or missing sequence answers 422 and the invoice stays a draft.',
    tags: ['Invoices'],
    middleware: [requirePermission('invoices.manage')] as const,
    request: {
      params: idParams,
      headers: z.object({
        'idempotency-key': z
          .string()
          .min(1)
          .max(200)
          .optional()
          .openapi({ description: 'Idempotency-Key: the same key repeats the first answer' }),
      }),
    },
    responses: { 200: jsonResponse(invoiceOut, 'The issued invoice'), ...problemResponses(401, 403, 404, 409, 422) },
  }),
  async (c) => {
    const issueKey = c.req.header('idempotency-key')?.trim() || null;
    const { invoice } = await issueInvoice(shopContext(c), idParam(c), { issueKey });
    return c.json(toJson(invoice), 200);
  },
);

invoicesApi.openapi(
  createRoute({
    method: 'post',
    path: '/invoices/{id}/void',
    operationId: 'voidInvoice',
    summary:
      'Void an issued invoice without active payments or credit notes (DGII 608 reason 01-10); the stock sold comes back',
    tags: ['Invoices'],
    middleware: [requirePermission('invoices.void')] as const,
    request: { params: idParams, body: jsonBody(invoiceVoid) },
    responses: { 200: jsonResponse(invoiceOut, 'The voided invoice'), ...problemResponses(401, 403, 404, 409, 422) },
  }),
  async (c) => c.json(toJson(await voidInvoice(shopContext(c), idParam(c), c.req.valid('json'))), 200),
);

invoicesApi.openapi(
  createRoute({
    method: 'get',
    path: '/invoices/{id}/ecf.xml',
    operationId: 'getInvoiceEcfXml',
    summary: 'The signed e-CF XML of an E-series invoice, as sent to DGII (404 for B-series)',
    tags: ['Invoices'],
    middleware: [requirePermission('invoices.view')] as const,
    request: { params: idParams },
    responses: { 200: signedXmlResponse, ...problemResponses(401, 403, 404) },
  }),
  // The typed responses cannot describe an XML body; the Response is what the route documents.
  async (c) => xmlResponse(await signedEcfXml(shopContext(c), idParam(c), 'invoice')) as never,
);
