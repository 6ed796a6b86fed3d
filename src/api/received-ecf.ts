import { createRoute, type z } from '@hono/zod-openapi';
import { createdCursor } from '../http/cursors';
import { factory } from '../http/factory';
import { idParam } from '../http/ids';
import { requirePermission } from '../http/session';
import { shopContext } from '../http/shop';
import {
  receivedEcfDecision,
  receivedEcfIdParam,
  receivedEcfListItemOut,
  receivedEcfListQuery,
  receivedEcfOut,
} from '../schemas/received-ecf';
import {
  decideReceivedEcfDocument,
  getReceivedEcfDocument,
  listReceivedEcfDocuments,
  type ReceivedEcfDocument,
  receivedEcfXml,
} from '../services/shop/received-ecf';
import { createApiApp } from './app';
import { jsonBody, jsonResponse, pageOf, problemResponses } from './openapi';

/** `/api/v1` resources: the inbox of e-CF received from suppliers. */
export const receivedEcfApi = createApiApp();

const tags = ['Received e-CF'];

const uuidPath = factory.createMiddleware(async (c, next) => {
  idParam(c);
  await next();
});

function documentJson({ row, view }: ReceivedEcfDocument): z.infer<typeof receivedEcfOut> {
  return {
    id: row.id,
    issuerRnc: row.issuerRnc,
    issuerName: row.issuerName,
    issuerAddress: view.issuer.address,
    buyerRnc: row.buyerRnc,
    buyerName: view.buyer.name,
    encf: row.encf,
    ecfType: row.ecfType,
    modifiedEncf: view.modifiedEncf,
    issuedOn: row.issuedOn,
    currency: row.currency,
    securityCode: row.securityCode,
    signedAt: row.signedAt.toISOString(),
    receivedAt: row.createdAt.toISOString(),
    lines: view.lines,
    totals: view.totals,
    approval: row.approval,
    approvalReason: row.approvalReason,
    approvedAt: row.approvedAt?.toISOString() ?? null,
    approvalSent: { dgii: row.approvalDgiiState, issuer: row.approvalIssuerState, error: row.approvalError },
  };
}

receivedEcfApi.openapi(
  createRoute({
    method: 'get',
    path: '/received-ecf',
    operationId: 'listReceivedEcf',
    summary: 'e-CF received from suppliers, newest first (search by issuer, RNC or e-NCF; filter by approval)',
    tags,
    middleware: [requirePermission('ecf.inbox.view')] as const,
    request: { query: receivedEcfListQuery },
    responses: {
      200: jsonResponse(pageOf(receivedEcfListItemOut), 'One page of received e-CF'),
      ...problemResponses(401, 403, 422),
    },
  }),
  async (c) => {
    const { limit, cursor, q, approval } = c.req.valid('query');
    const after = createdCursor.decode(cursor);
    const { rows, next } = await listReceivedEcfDocuments(shopContext(c), { q, approval, after, limit });
    return c.json(
      {
        data: rows.map(({ createdAt, ...row }) => ({ ...row, receivedAt: createdAt })),
        nextCursor: next ? createdCursor.encode(next) : null,
      },
      200,
    );
  },
);

receivedEcfApi.openapi(
  createRoute({
    method: 'get',
    path: '/received-ecf/{id}',
    operationId: 'getReceivedEcf',
    summary: 'One received e-CF: parties, lines and totals as its XML has them, and the commercial approval',
    tags,
    middleware: [requirePermission('ecf.inbox.view'), uuidPath] as const,
    request: { params: receivedEcfIdParam },
    responses: { 200: jsonResponse(receivedEcfOut, 'The received e-CF'), ...problemResponses(401, 403, 404) },
  }),
  async (c) => c.json(documentJson(await getReceivedEcfDocument(shopContext(c), idParam(c))), 200),
);

receivedEcfApi.openapi(
  createRoute({
    method: 'get',
    path: '/received-ecf/{id}/xml',
    operationId: 'getReceivedEcfXml',
    summary: 'The signed XML of a received e-CF as the issuer sent it',
    tags,
    middleware: [requirePermission('ecf.inbox.view'), uuidPath] as const,
    request: { params: receivedEcfIdParam },
    responses: {
      200: { description: 'The signed e-CF', content: { 'application/xml': { schema: { type: 'string' } } } },
      ...problemResponses(401, 403, 404),
    },
  }),
  async (c) => {
    const { fileName, xml } = await receivedEcfXml(shopContext(c), idParam(c));
    return c.body(xml, 200, {
      'Content-Type': 'application/xml; charset=utf-8',
      'Content-Disposition': `attachment; filename="${fileName}"`,
    });
  },
);

receivedEcfApi.openapi(
  createRoute({
    method: 'post',
    path: '/received-ecf/{id}/decision',
    operationId: 'decideReceivedEcf',
    summary:
      'Accept or reject a received e-CF commercially (reason required to reject); final: the signed ACECF goes to DGII and to the issuer',
    tags,
    middleware: [requirePermission('ecf.inbox.approve'), uuidPath] as const,
    request: { params: receivedEcfIdParam, body: jsonBody(receivedEcfDecision) },
    responses: {
      200: jsonResponse(receivedEcfOut, 'The decided e-CF'),
      ...problemResponses(401, 403, 404, 409, 422),
    },
  }),
  async (c) => {
    const ctx = shopContext(c);
    const id = idParam(c);
    await decideReceivedEcfDocument(ctx, id, c.req.valid('json'));
    return c.json(documentJson(await getReceivedEcfDocument(ctx, id)), 200);
  },
);
