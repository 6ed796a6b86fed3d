import type { PrescriptionCursor } from '../queries/keyset';
import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { requirePermission } from '../http/session';
import { eyeMeasures, rxValidUntil, type Eye } from '../domain/prescription';
import type { SignedInEnv } from '../http/env';
import { AppError } from '../errors';
import { fieldErrors } from '../http/forms';
import { t } from '../i18n/es-DO';
import {
  createPrescription,
  getPrescription,
  listPrescriptions,
  patientHistory,
  updatePrescription,
  type PrescriptionDetail,
  type PrescriptionWrite,
} from '../queries/prescriptions';
import { prescriptionCursor } from '../http/cursors';
import { branchScope, type BranchScope } from '../queries/branch-scope';
import {
  prescriptionCreate,
  prescriptionFields,
  prescriptionIdParam,
  prescriptionListQuery,
  prescriptionOut,
  prescriptionPatch,
  type PrescriptionInput,
} from '../schemas/prescriptions';
import { createApiApp } from './app';
import { jsonBody, jsonResponse, pageOf, pageQuery, problemResponses } from './openapi';

/** `/api/v1` resources: prescriptions. */
export const prescriptionsApi = createApiApp();

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const tags = ['Prescriptions'];

type PrescriptionJson = z.infer<typeof prescriptionOut>;

function eyeJson(p: PrescriptionDetail, eye: Eye): PrescriptionJson['od'] {
  const record = p as unknown as Record<string, unknown>;
  const entries = eyeMeasures.map((measure) => [
    measure.charAt(0).toLowerCase() + measure.slice(1),
    record[`${eye}${measure}`] ?? null,
  ]);
  return Object.fromEntries(entries) as PrescriptionJson['od'];
}

function toJson(p: PrescriptionDetail): PrescriptionJson {
  return {
    id: p.id,
    patient: { id: p.patientId, name: p.patientName },
    branch: { id: p.branchId, name: p.branchName },
    optometrist: { id: p.optometristId, name: p.optometristUserName ?? p.optometristName },
    examinedOn: p.examinedOn,
    validUntil: rxValidUntil(p.examinedOn),
    od: eyeJson(p, 'od'),
    oi: eyeJson(p, 'oi'),
    pd: p.pd,
    contactLensBrand: p.contactLensBrand,
    biomicroscopy: p.biomicroscopy,
    fundus: p.fundus,
    diagnosis: p.diagnosis,
    icd10Codes: p.icd10Codes,
    recommendations: p.recommendations,
    nextVisitOn: p.nextVisitOn,
    notes: p.notes,
    createdAt: p.createdAt.toISOString(),
    updatedAt: p.updatedAt.toISOString(),
  };
}

/** The branch a write goes to: the given one if the user may work there, else the user's current branch. */
function writeBranch(c: Context<SignedInEnv>, branchId: string | null): string {
  const user = c.var.session;
  const chosen = branchId ?? user.branch?.id ?? null;
  if (!chosen || !user.branches.some((branch) => branch.id === chosen)) {
    throw new AppError('validation', t('prescriptions.error.branch'), { branchId: t('prescriptions.error.branch') });
  }
  return chosen;
}

/** Validates a whole prescription body (POST, or the merged PATCH) with the form's rules: 422 with every field. */
function validInput(body: unknown): PrescriptionInput {
  const result = prescriptionFields.safeParse(body);
  if (!result.success)
    throw new AppError(
      'validation',
      'The request has invalid fields',
      fieldErrors(result.error) as Record<string, string>,
    );
  return result.data;
}

function written(result: PrescriptionWrite): string {
  if (result.ok) return result.id;
  if (result.notFound) throw new AppError('not_found');
  const fields: Record<string, string> = {};
  if (result.fields.patientId) fields.patientId = t('prescriptions.error.patientNotFound');
  if (result.fields.branchId) fields.branchId = t('prescriptions.error.branch');
  if (result.fields.optometristId) fields.optometristId = t('prescriptions.error.optometristNotFound');
  throw new AppError('validation', 'The request has invalid fields', fields);
}

async function detailOr404(c: Context<SignedInEnv>, id: string, scope?: BranchScope): Promise<PrescriptionDetail> {
  const prescription = uuidPattern.test(id)
    ? await getPrescription(c.var.db, id, scope === undefined ? branchScope(c.var.session) : scope)
    : null;
  if (!prescription) throw new AppError('not_found');
  return prescription;
}

/** Stored values back to the raw body shape, so a PATCH is validated as a whole. */
function rawOf(p: PrescriptionDetail): Record<string, unknown> {
  const record = p as unknown as Record<string, unknown>;
  const raw: Record<string, unknown> = {
    patientId: p.patientId,
    branchId: p.branchId,
    optometristId: p.optometristId,
    optometristName: p.optometristName,
    examinedOn: p.examinedOn,
    pd: p.pd,
    contactLensBrand: p.contactLensBrand,
    biomicroscopy: p.biomicroscopy,
    fundus: p.fundus,
    diagnosis: p.diagnosis,
    icd10Codes: p.icd10Codes,
    recommendations: p.recommendations,
    nextVisitOn: p.nextVisitOn,
    notes: p.notes,
  };
  for (const eye of ['od', 'oi'] as const)
    for (const measure of eyeMeasures) raw[`${eye}${measure}`] = record[`${eye}${measure}`] ?? null;
  return raw;
}

function listPage(rows: PrescriptionDetail[], next: PrescriptionCursor | null) {
  return { data: rows.map(toJson), nextCursor: next ? prescriptionCursor.encode(next) : null };
}

function cursorOf(cursor: string | undefined) {
  const after = prescriptionCursor.decode(cursor);
  if (cursor && !after)
    throw new AppError('validation', 'The request has invalid fields', { cursor: 'Malformed cursor' });
  return after;
}

prescriptionsApi.openapi(
  createRoute({
    method: 'get',
    path: '/prescriptions',
    operationId: 'listPrescriptions',
    summary: 'List prescriptions, newest exam first (cursor pagination); filter by patient',
    tags,
    middleware: [requirePermission('prescriptions.view')] as const,
    request: { query: pageQuery.extend(prescriptionListQuery.shape) },
    responses: {
      200: jsonResponse(pageOf(prescriptionOut), 'A page of prescriptions'),
      ...problemResponses(401, 403, 422),
    },
  }),
  async (c) => {
    const query = c.req.valid('query');
    if (query.patientId && !uuidPattern.test(query.patientId))
      throw new AppError('validation', 'The request has invalid fields', { patientId: 'Not a uuid' });
    const after = cursorOf(query.cursor);
    const page = await listPrescriptions(c.var.db, {
      scope: branchScope(c.var.session),
      patientId: query.patientId ?? null,
      q: query.q,
      after,
      limit: query.limit,
    });
    return c.json(listPage(page.rows, page.next), 200);
  },
);

prescriptionsApi.openapi(
  createRoute({
    method: 'post',
    path: '/prescriptions',
    operationId: 'createPrescription',
    summary:
      'Record a prescription (exam); the same rules as the form: ranges, 0.25 D steps, axis with cylinder, PDs that add up',
    tags,
    middleware: [requirePermission('prescriptions.manage')] as const,
    request: { body: jsonBody(prescriptionCreate) },
    responses: { 201: jsonResponse(prescriptionOut, 'The new prescription'), ...problemResponses(401, 403, 422) },
  }),
  async (c) => {
    const input = validInput(await c.req.json());
    const branchId = writeBranch(c, input.branchId);
    const id = written(await createPrescription(c.var.db, { ...input, branchId }, c.var.session.id));
    return c.json(toJson(await detailOr404(c, id, null)), 201);
  },
);

prescriptionsApi.openapi(
  createRoute({
    method: 'get',
    path: '/prescriptions/{id}',
    operationId: 'getPrescription',
    summary: 'One prescription',
    tags,
    middleware: [requirePermission('prescriptions.view')] as const,
    request: { params: prescriptionIdParam },
    responses: { 200: jsonResponse(prescriptionOut, 'The prescription'), ...problemResponses(401, 403, 404) },
  }),
  async (c) => c.json(toJson(await detailOr404(c, c.req.valid('param').id)), 200),
);

prescriptionsApi.openapi(
  createRoute({
    method: 'patch',
    path: '/prescriptions/{id}',
    operationId: 'updatePrescription',
    summary:
      'Change a prescription (any subset of fields; the result is checked as a whole; the patient cannot change)',
    tags,
    middleware: [requirePermission('prescriptions.manage')] as const,
    request: { params: prescriptionIdParam, body: jsonBody(prescriptionPatch) },
    responses: {
      200: jsonResponse(prescriptionOut, 'The changed prescription'),
      ...problemResponses(401, 403, 404, 422),
    },
  }),
  async (c) => {
    const scope = branchScope(c.var.session);
    const current = await detailOr404(c, c.req.valid('param').id, scope);
    c.req.valid('json'); // shape checked by the route; the merged whole is checked below
    // The raw body, so that an explicit null clears a field and an omitted one keeps its value.
    const body = (await c.req.json()) as Record<string, unknown>;
    const input = validInput({ ...rawOf(current), ...body, patientId: current.patientId });
    const branchId = writeBranch(c, input.branchId);
    written(
      await updatePrescription(c.var.db, current.id, { ...input, patientId: current.patientId, branchId }, scope),
    );
    return c.json(toJson(await detailOr404(c, current.id, scope)), 200);
  },
);

prescriptionsApi.openapi(
  createRoute({
    method: 'get',
    path: '/contacts/{id}/prescriptions',
    operationId: 'listPatientPrescriptions',
    summary: 'A patient’s prescriptions, newest first',
    tags,
    middleware: [requirePermission('prescriptions.view')] as const,
    request: { params: prescriptionIdParam },
    responses: {
      200: jsonResponse(z.object({ data: z.array(prescriptionOut) }), 'The patient’s prescriptions'),
      ...problemResponses(401, 403, 404),
    },
  }),
  async (c) => {
    const id = c.req.valid('param').id;
    const history = uuidPattern.test(id) ? await patientHistory(c.var.db, id, branchScope(c.var.session)) : null;
    if (!history) throw new AppError('not_found');
    return c.json({ data: history.prescriptions.map(toJson) }, 200);
  },
);
