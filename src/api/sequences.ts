import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { requirePermission } from '../http/session';
import { shopToday } from '../domain/dates';
import { sequenceTypes } from '../domain/ncf';
import type { SignedInEnv } from '../http/env';
import { AppError } from '../errors';
import { t } from '../i18n/es-DO';
import { changedFields, recordActivity } from '../queries/audit';
import {
  createSequence,
  deleteSequence,
  getSequence,
  listSequences,
  sequenceDetails,
  updateSequence,
  withWarnings,
  type Sequence,
} from '../queries/sequences';
import { checkSequence, sequenceCreate, sequenceIdParam, sequenceOut, sequencePatch } from '../schemas/sequences';
import { createApiApp } from './app';
import { jsonBody, jsonResponse, problemResponses } from './openapi';

/** `/api/v1` resources: sequences. */
export const sequencesApi = createApiApp();

const uuid = z.uuid();
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

async function sequenceOr404(c: Context<SignedInEnv>, id: string): Promise<Sequence> {
  const sequence = uuid.safeParse(id).success ? await getSequence(c.var.db, id) : null;
  if (!sequence) throw new AppError('not_found');
  return sequence;
}

function checked(raw: Parameters<typeof checkSequence>[0], enteredOn?: string) {
  const result = checkSequence(raw, shopToday(), enteredOn);
  if ('errors' in result) throw new AppError('validation', Object.values(result.errors)[0]!, result.errors);
  return result.values;
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
    const rows = await listSequences(c.var.db, { docType: c.req.valid('query').docType });
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
    const values = checked(c.req.valid('json'));
    const sequence = await createSequence(c.var.db, values);
    await recordActivity(c.var.db, c.var.session, 'sequence.created', sequenceDetails(sequence));
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
  async (c) => c.json(toJson(await sequenceOr404(c, c.req.valid('param').id), shopToday()), 200),
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
    const current = await sequenceOr404(c, c.req.valid('param').id);
    const changes = Object.fromEntries(Object.entries(c.req.valid('json')).filter(([, value]) => value !== undefined));
    const values = checked(
      {
        docType: current.docType as Parameters<typeof checkSequence>[0]['docType'],
        prefix: current.prefix,
        description: current.description,
        rangeStart: current.rangeStart,
        rangeEnd: current.rangeEnd,
        nextNumber: current.nextNumber,
        validUntil: current.validUntil,
        authorizedOn: current.authorizedOn,
        active: current.active,
        isDefault: current.isDefault,
        branchId: current.branchId,
        // a new type without a new prefix takes the new type's default prefix
        ...('docType' in changes && !('prefix' in changes) ? { prefix: null } : {}),
        ...changes,
      },
      current.createdAt.slice(0, 10),
    );
    const sequence = await updateSequence(c.var.db, current, values);
    await recordActivity(c.var.db, c.var.session, 'sequence.updated', {
      ...sequenceDetails(sequence),
      fields: changedFields(current, values),
    });
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
    const id = c.req.valid('param').id;
    if (!uuid.safeParse(id).success) throw new AppError('not_found');
    const sequence = await getSequence(c.var.db, id);
    const outcome = await deleteSequence(c.var.db, id);
    if (outcome === 'not_found') throw new AppError('not_found');
    if (outcome === 'used') throw new AppError('conflict', t('sequences.validation.deleteUsed'));
    if (sequence) await recordActivity(c.var.db, c.var.session, 'sequence.deleted', sequenceDetails(sequence));
    return c.body(null, 204);
  },
);
