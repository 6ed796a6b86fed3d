import { createRoute, z } from '@hono/zod-openapi';
import { pdfResponse } from '../documents/archive';
import { shareLinkCreate, shareLinkPolicy, shareLinkCreated, shareLinkOut, shareUrl } from '../documents/share';
import { requirePermission } from '../http/session';
import { shopContext } from '../http/shop';
import { createShareLink, invoicePdf, invoiceShareLinks, revokeShareLink } from '../services/shop/documents';
import { createApiApp } from './app';
import { jsonResponse, problemResponses } from './openapi';

/** `/api/v1` resources: documents (archived PDFs and share links). */
export const documentsApi = createApiApp();

/** Malformed ids answer 404 like unknown ones (checked in the queries before any SQL). */
const idParams = z.object({ id: z.string().openapi({ param: { name: 'id', in: 'path' }, format: 'uuid' }) });

documentsApi.openapi(
  createRoute({
    method: 'get',
    path: '/invoices/{id}/pdf',
    operationId: 'getInvoicePdf',
    summary: 'The archived PDF of an issued invoice or credit note (generated and stored once on first request)',
    tags: ['Documents'],
    middleware: [requirePermission('invoices.view')] as const,
    request: { params: idParams },
    responses: {
      200: {
        description: 'The PDF, named after the NCF',
        content: { 'application/pdf': { schema: z.string().openapi({ format: 'binary' }) } },
      },
      ...problemResponses(401, 403, 404, 409),
    },
  }),
  async (c) => {
    const { doc, bytes } = await invoicePdf(shopContext(c), c.req.valid('param').id);
    // The typed responses cannot describe a binary body; the Response is what the route documents.
    return pdfResponse(bytes, doc, 'attachment') as never;
  },
);

documentsApi.openapi(
  createRoute({
    method: 'get',
    path: '/invoices/{id}/share-links',
    operationId: 'listShareLinks',
    summary: 'The share links of an invoice, newest first (tokens are never shown again)',
    tags: ['Documents'],
    middleware: [requirePermission('invoices.view')] as const,
    request: { params: idParams },
    responses: {
      200: jsonResponse(z.object({ data: z.array(shareLinkOut) }), 'The links'),
      ...problemResponses(401, 403, 404),
    },
  }),
  async (c) => {
    const invoice = await invoiceShareLinks(shopContext(c), c.req.valid('param').id);
    return c.json({ data: invoice.links }, 200);
  },
);

documentsApi.openapi(
  createRoute({
    method: 'post',
    path: '/invoices/{id}/share-links',
    operationId: 'createShareLink',
    summary: 'Create an expiring link that opens the invoice PDF without an account; the URL is returned only here',
    tags: ['Documents'],
    middleware: [requirePermission('invoices.manage')] as const,
    request: {
      params: idParams,
      body: { required: false, content: { 'application/json': { schema: shareLinkCreate } } },
    },
    responses: {
      201: jsonResponse(shareLinkCreated, 'The new link with its URL'),
      ...problemResponses(401, 403, 404, 409, 422),
    },
  }),
  async (c) => {
    // An empty body (no Content-Type) takes the default expiry.
    const expiresInDays =
      (c.req.valid('json') as { expiresInDays?: number } | undefined)?.expiresInDays ?? shareLinkPolicy.defaultDays;
    const { link, token } = await createShareLink(shopContext(c), c.req.valid('param').id, expiresInDays);
    return c.json({ ...link, url: shareUrl(new URL(c.req.url).origin, token) }, 201);
  },
);

documentsApi.openapi(
  createRoute({
    method: 'post',
    path: '/share-links/{id}/revoke',
    operationId: 'revokeShareLink',
    summary: 'Revoke a share link (idempotent)',
    tags: ['Documents'],
    middleware: [requirePermission('invoices.manage')] as const,
    request: { params: idParams },
    responses: { 200: jsonResponse(shareLinkOut, 'The revoked link'), ...problemResponses(401, 403, 404) },
  }),
  async (c) => {
    const { link } = await revokeShareLink(shopContext(c), c.req.valid('param').id);
    return c.json(link, 200);
  },
);
