import { createRoute, z } from '@hono/zod-openapi';
import { eyeMeasures, rxValidUntil, type Eye } from '../domain/prescription';
import { AppError } from '../errors';
import { prescriptionCursor } from '../http/cursors';
import { idParam, isUuid } from '../http/ids';
import { requirePermission } from '../http/session';
import { shopContext } from '../http/shop';
import {
  prescriptionCreate,
  prescriptionIdParam,
  prescriptionListQuery,
  prescriptionOut,
  prescriptionPatch,
} from '../schemas/prescriptions';
import {
  createPrescription,
  getPrescription,
  listPrescriptions,
  patchPrescription,
  patientHistory,
  validPrescription,
  type PrescriptionCursor,
  type PrescriptionDetail,
} from '../services/shop/prescriptions';
import { createApiApp } from './app';
import { jsonBody, jsonResponse, pageOf, pageQuery, problemResponses } from './openapi';

/** `/api/v1` resources: prescriptions. */
export const prescriptionsApi = createApiApp();

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

function listPage(rows: PrescriptionDetail[], next: PrescriptionCursor | null) {
  return { data: rows.map(toJson), nextCursor: next ? prescriptionCursor.encode(next) : null };
}

prescriptionsApi.openapi(
  createRoute({
    method: 'get',
    path: '/prescriptions',
    operationId: 'listPrescriptions',
    summary: 'List prescriptions, newest exam first (cursor pagination); filter by patient or due this week',
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
    if (query.patientId && !isUuid(query.patientId))
      throw new AppError('validation', 'The request has invalid fields', { patientId: 'Not a uuid' });
    const after = prescriptionCursor.decode(query.cursor);
    const page = await listPrescriptions(shopContext(c), {
      patientId: query.patientId ?? null,
      q: query.q,
      due: query.due ?? null,
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
    const prescription = await createPrescription(shopContext(c), validPrescription(await c.req.json()));
    return c.json(toJson(prescription), 201);
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
  async (c) => c.json(toJson(await getPrescription(shopContext(c), idParam(c))), 200),
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
    c.req.valid('json'); // shape checked by the route; the merged whole is checked by the service
    // The raw body, so that an explicit null clears a field and an omitted one keeps its value.
    const body = (await c.req.json()) as Record<string, unknown>;
    return c.json(toJson(await patchPrescription(shopContext(c), idParam(c), body)), 200);
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
    const history = await patientHistory(shopContext(c), idParam(c));
    return c.json({ data: history.prescriptions.map(toJson) }, 200);
  },
);
