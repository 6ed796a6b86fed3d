import { createRoute, z } from '@hono/zod-openapi';
import { requirePermission } from '../http/session';
import { shopContext } from '../http/shop';
import { ecfCancellationOut, ecfRangeCancel } from '../schemas/ecf-cancellations';
import { cancelEcfRange, ecfCancellationsPage, type EcfCancellationRow } from '../services/shop/ecf-cancellations';
import { createApiApp } from './app';
import { jsonBody, jsonResponse, problemResponses } from './openapi';

/** `/api/v1` resources: e-NCF ranges cancelled with an ANECF. */
export const ecfCancellationsApi = createApiApp();

const tags = ['e-CF'];

function toJson(row: EcfCancellationRow): z.infer<typeof ecfCancellationOut> {
  return {
    id: row.id,
    sequenceId: row.sequenceId,
    docType: row.docType,
    firstEncf: row.firstEncf,
    lastEncf: row.lastEncf,
    count: row.toNumber - row.fromNumber + 1,
    state: row.state,
    environment: row.environment,
    dgiiCode: row.dgiiCode,
    dgiiMessages: row.dgiiMessages,
    lastError: row.lastError,
    requestedBy: row.requestedBy,
    createdAt: row.createdAt.toISOString(),
  };
}

ecfCancellationsApi.openapi(
  createRoute({
    method: 'get',
    path: '/ecf/cancellations',
    operationId: 'listEcfCancellations',
    summary: 'e-NCF ranges cancelled with an ANECF (newest first)',
    tags,
    middleware: [requirePermission('sequences.view')] as const,
    responses: {
      200: jsonResponse(z.object({ data: z.array(ecfCancellationOut) }), 'The cancelled ranges'),
      ...problemResponses(401, 403),
    },
  }),
  async (c) => {
    const { cancellations } = await ecfCancellationsPage(shopContext(c));
    return c.json({ data: cancellations.map(toJson) }, 200);
  },
);

ecfCancellationsApi.openapi(
  createRoute({
    method: 'post',
    path: '/ecf/cancellations',
    operationId: 'cancelEcfRange',
    summary:
      'Cancel unused numbers of an E sequence with a signed ANECF sent to DGII; from then on they are never allocated. ' +
      'A range with issued or already cancelled numbers is a 422; DGII refusing it a 409 (the numbers stay usable); ' +
      'DGII out of reach answers state unconfirmed (the numbers stay blocked)',
    tags,
    middleware: [requirePermission('sequences.manage')] as const,
    request: { body: jsonBody(ecfRangeCancel) },
    responses: {
      201: jsonResponse(ecfCancellationOut, 'The cancellation'),
      ...problemResponses(401, 403, 409, 422),
    },
  }),
  async (c) => {
    const row = await cancelEcfRange(shopContext(c), c.req.valid('json'));
    return c.json(toJson(row), 201);
  },
);
