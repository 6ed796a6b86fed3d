import { createRoute, z } from '@hono/zod-openapi';
import { shopToday } from '../domain/dates';
import { sequenceTypes } from '../domain/ncf';
import { idParam } from '../http/ids';
import { requirePermission } from '../http/session';
import { shopContext } from '../http/shop';
import { sequenceCreate, sequenceIdParam, sequenceOut, sequencePatch } from '../schemas/sequences';
import {
  createSequence,
  deleteSequence,
  getSequence,
  listSequences,
  patchSequence,
  withWarnings,
  type Sequence,
} from '../services/shop/sequences';
import { createApiApp } from './app';
import { jsonBody, jsonResponse, problemResponses } from './openapi';

/** `/api/v1` resources: sequences. */
export const sequencesApi = createApiApp();

const tags = ['Fiscal sequences'];

function toJson(sequence: Sequence, today: string): z.infer<typeof sequenceOut> {
  const shown = withWarnings(sequence, today);
  return {
    id: shown.id,
    docType: shown.docType,
    prefix: shown.prefix,
    description: shown.description,
    rangeStart: shown.rangeStart,
    rangeEnd: shown.rangeEnd,
    nextNumber: shown.nextNumber,
    nextDocumentNumber: shown.nextDocumentNumber,
    validUntil: shown.validUntil,
    authorizedOn: shown.authorizedOn,
    active: shown.active,
    isDefault: shown.isDefault,
    branchId: shown.branchId,
    branchName: shown.branchName,
    used: shown.used,
    remaining: shown.remaining,
    warnings: shown.warnings,
    createdAt: shown.createdAt,
    updatedAt: shown.updatedAt,
  };
}

sequencesApi.openapi(
  createRoute({
    method: 'get',
    path: '/sequences',
    operationId: 'listSequences',
    summary:
      'Every numbering sequence (NCF ranges, COT, REC) with its warnings: expired, expiresSoon (30 days), exhausted, lowRemaining (< 100)',
    tags,
    middleware: [requirePermission('sequences.view')] as const,
    request: { query: z.object({ docType: z.enum(sequenceTypes as [string, ...string[]]).optional() }) },
    responses: {
      200: jsonResponse(z.object({ data: z.array(sequenceOut) }), 'The sequences'),
      ...problemResponses(401, 403, 422),
    },
  }),
  async (c) => {
    const today = shopToday();
    const rows = await listSequences(shopContext(c), { docType: c.req.valid('query').docType });
    return c.json({ data: rows.map((row) => toJson(row, today)) }, 200);
  },
);

sequencesApi.openapi(
  createRoute({
    method: 'post',
    path: '/sequences',
    operationId: 'createSequence',
    summary:
      'Create a sequence (ranges of one type may not overlap; setting isDefault clears the previous default of the type)',
    tags,
    middleware: [requirePermission('sequences.manage')] as const,
    request: { body: jsonBody(sequenceCreate) },
    responses: { 201: jsonResponse(sequenceOut, 'The new sequence'), ...problemResponses(401, 403, 409, 422) },
  }),
  async (c) => {
    const sequence = await createSequence(shopContext(c), c.req.valid('json'));
    return c.json(toJson(sequence, shopToday()), 201);
  },
);

sequencesApi.openapi(
  createRoute({
    method: 'get',
    path: '/sequences/{id}',
    operationId: 'getSequence',
    summary: 'One sequence with its warnings',
    tags,
    middleware: [requirePermission('sequences.view')] as const,
    request: { params: sequenceIdParam },
    responses: { 200: jsonResponse(sequenceOut, 'The sequence'), ...problemResponses(401, 403, 404) },
  }),
  async (c) => c.json(toJson(await getSequence(shopContext(c), idParam(c)), shopToday()), 200),
);

sequencesApi.openapi(
  createRoute({
    method: 'patch',
    path: '/sequences/{id}',
    operationId: 'updateSequence',
    summary:
      'Change a sequence; once it has numbered documents its type, prefix and start are fixed and the next number cannot go back',
    tags,
    middleware: [requirePermission('sequences.manage')] as const,
    request: { params: sequenceIdParam, body: jsonBody(sequencePatch) },
    responses: { 200: jsonResponse(sequenceOut, 'The changed sequence'), ...problemResponses(401, 403, 404, 409, 422) },
  }),
  async (c) => {
    const sequence = await patchSequence(shopContext(c), idParam(c), c.req.valid('json'));
    return c.json(toJson(sequence, shopToday()), 200);
  },
);

sequencesApi.openapi(
  createRoute({
    method: 'delete',
    path: '/sequences/{id}',
    operationId: 'deleteSequence',
    summary: 'Delete a sequence that never numbered a document (otherwise 409: deactivate it)',
    tags,
    middleware: [requirePermission('sequences.manage')] as const,
    request: { params: sequenceIdParam },
    responses: { 204: { description: 'Deleted' }, ...problemResponses(401, 403, 404, 409) },
  }),
  async (c) => {
    await deleteSequence(shopContext(c), idParam(c));
    return c.body(null, 204);
  },
);
