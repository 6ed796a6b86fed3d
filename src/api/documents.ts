import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { requirePermission } from '../http/session';
import { can } from '../auth/permissions';
import { archivedInvoicePdf, pdfResponse } from '../documents/archive';
import {
  newShareToken,
  shareLinkCreate,
  shareLinkPolicy,
  shareLinkCreated,
  shareLinkOut,
  shareUrl,
} from '../documents/share';
import type { SignedInEnv } from '../http/env';
import { AppError } from '../errors';
import { t } from '../i18n/es-DO';
import {
  createShareLink,
  invoiceShareLinks,
  printableInvoice,
  revokeShareLink,
  type Viewer,
} from '../queries/documents';
import { createApiApp } from './app';
import { jsonResponse, problemResponses } from './openapi';

/** `/api/v1` resources: documents (archived PDFs and share links). */
export const documentsApi = createApiApp();

function viewerOf(c: Context<SignedInEnv>): Viewer {
  const user = c.var.session;
  return { userId: user.id, allBranches: can(user.role, 'branches.all') };
}

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
    const doc = await printableInvoice(c.var.db, c.req.valid('param').id, viewerOf(c));
    if (!doc) throw new AppError('not_found');
    // The typed responses cannot describe a binary body; the Response is what the route documents.
    return pdfResponse(await archivedInvoicePdf(c.var, doc), doc, 'attachment') as never;
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
    const invoice = await invoiceShareLinks(c.var.db, c.req.valid('param').id, viewerOf(c));
    if (!invoice) throw new AppError('not_found');
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
    const { token, hash } = await newShareToken();
    const result = await createShareLink(c.var.db, {
      invoiceId: c.req.valid('param').id,
      tokenHash: hash,
      days: expiresInDays,
      createdBy: c.var.session.id,
      viewer: viewerOf(c),
    });
    if (result.outcome === 'not_found') throw new AppError('not_found');
    if (result.outcome === 'draft') throw new AppError('conflict', t('documents.draftNoPdf'));
    return c.json({ ...result.link, url: shareUrl(new URL(c.req.url).origin, token) }, 201);
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
    const revoked = await revokeShareLink(c.var.db, c.req.valid('param').id, viewerOf(c));
    if (!revoked) throw new AppError('not_found');
    return c.json(revoked.link, 200);
  },
);
