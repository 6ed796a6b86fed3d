import { createRoute, z } from '@hono/zod-openapi';
import { shareLinkCreate, shareLinkCreated, shareLinkOut, shareLinkPolicy } from '../documents/share';
import { requirePermission } from '../http/session';
import { shopContext } from '../http/shop';
import {
  issueShareLink,
  revokeSubjectShareLink,
  type ShareKind,
  sharePermissions,
  subjectShareLinks,
} from '../services/shop/share-links';
import { createApiApp } from './app';
import { jsonResponse, problemResponses } from './openapi';

/** `/api/v1` share links of quotations, prescriptions, payment receipts and lab orders (invoices: documents.ts). */
export const shareLinksApi = createApiApp();

/** Malformed ids answer 404 like unknown ones (checked in the queries before any SQL). */
const idParams = z.object({ id: z.string().openapi({ param: { name: 'id', in: 'path' }, format: 'uuid' }) });
const linkParams = idParams.extend({
  linkId: z.string().openapi({ param: { name: 'linkId', in: 'path' }, format: 'uuid' }),
});

const kinds: Array<{ kind: ShareKind; path: string; name: string; noun: string }> = [
  { kind: 'quotation', path: '/quotations', name: 'Quotation', noun: 'a quotation (its print view)' },
  { kind: 'prescription', path: '/prescriptions', name: 'Prescription', noun: 'a prescription (the patient’s copy)' },
  { kind: 'payment', path: '/payments', name: 'Payment', noun: 'a payment receipt' },
  { kind: 'lab_order', path: '/lab-orders', name: 'LabOrder', noun: 'a lab order (its customer status page)' },
];

for (const { kind, path, name, noun } of kinds) {
  const { view, share } = sharePermissions[kind];

  shareLinksApi.openapi(
    createRoute({
      method: 'get',
      path: `${path}/{id}/share-links`,
      operationId: `list${name}ShareLinks`,
      summary: `The share links of ${noun}, newest first (tokens are never shown again)`,
      tags: ['Share links'],
      middleware: [requirePermission(view)] as const,
      request: { params: idParams },
      responses: {
        200: jsonResponse(z.object({ data: z.array(shareLinkOut) }), 'The links'),
        ...problemResponses(401, 403, 404),
      },
    }),
    async (c) => {
      const subject = await subjectShareLinks(shopContext(c), kind, c.req.valid('param').id);
      return c.json({ data: subject.links }, 200);
    },
  );

  shareLinksApi.openapi(
    createRoute({
      method: 'post',
      path: `${path}/{id}/share-links`,
      operationId: `create${name}ShareLink`,
      summary: `Create an expiring link that opens ${noun} without an account; the URL is returned only here`,
      tags: ['Share links'],
      middleware: [requirePermission(share)] as const,
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
      const days =
        (c.req.valid('json') as { expiresInDays?: number } | undefined)?.expiresInDays ?? shareLinkPolicy.defaultDays;
      const issued = await issueShareLink(shopContext(c), { kind, id: c.req.valid('param').id }, { days });
      return c.json({ ...issued.link, url: issued.url }, 201);
    },
  );

  shareLinksApi.openapi(
    createRoute({
      method: 'post',
      path: `${path}/{id}/share-links/{linkId}/revoke`,
      operationId: `revoke${name}ShareLink`,
      summary: 'Revoke a share link (idempotent)',
      tags: ['Share links'],
      middleware: [requirePermission(share)] as const,
      request: { params: linkParams },
      responses: { 200: jsonResponse(shareLinkOut, 'The revoked link'), ...problemResponses(401, 403, 404) },
    }),
    async (c) => {
      const { id, linkId } = c.req.valid('param');
      return c.json(await revokeSubjectShareLink(shopContext(c), kind, id, linkId), 200);
    },
  );
}
