import { createRoute, z } from '@hono/zod-openapi';
import { keysetCursor } from '../http/cursors';
import { idParam } from '../http/ids';
import { requirePermission } from '../http/session';
import { shopContext } from '../http/shop';
import {
  labMoveBody,
  labMoveConflictOut,
  labNoteBody,
  labOrderCreate,
  labOrderEventOut,
  labOrderIdParam,
  labOrderOut,
} from '../schemas/lab-orders';
import {
  addLabOrderNote,
  createLabOrder,
  getLabOrder,
  LabMoveConflict,
  labOrderPage,
  listLabOrders,
  moveLabOrder,
  type LabOrderDetail,
  type LabTimelineEntry,
} from '../services/shop/lab-orders';
import { createApiApp } from './app';
import { jsonBody, jsonResponse, pageOf, pageQuery, problemResponses } from './openapi';

/** `/api/v1` resources: lab orders. */
export const labOrdersApi = createApiApp();

const tags = ['Lab orders'];
const labOrderCursor = keysetCursor({ number: 'integer' });

type Eye = 'od' | 'oi';

function eyeJson(o: LabOrderDetail, eye: Eye) {
  return {
    sphere: o[`${eye}Sphere`],
    cylinder: o[`${eye}Cylinder`],
    axis: o[`${eye}Axis`],
    add: o[`${eye}Add`],
    prism: o[`${eye}Prism`],
    prismBase: o[`${eye}PrismBase`],
    pd: o[`${eye}Pd`],
    height: o[`${eye}Height`],
  };
}

const iso = (value: Date | string | null) => (value === null ? null : new Date(value).toISOString());

function toJson(o: LabOrderDetail): z.infer<typeof labOrderOut> {
  return {
    id: o.id,
    number: o.number,
    code: `LAB-${String(o.number).padStart(6, '0')}`,
    customer: { id: o.customerId, name: o.customerName, phone: o.customerPhone },
    branch: { id: o.branchId, name: o.branchName },
    lab: o.labId && o.labName ? { id: o.labId, name: o.labName } : null,
    stage: {
      id: o.stageId,
      name: o.stageName,
      isFinal: o.stageIsFinal,
      outcome: o.stageOutcome,
      enteredAt: iso(o.stageEnteredAt)!,
    },
    version: o.version,
    priority: o.priority,
    promisedOn: o.promisedOn,
    invoiceId: o.invoiceId,
    invoiceBalance: o.invoiceBalance,
    quotationId: o.quotationId,
    prescriptionId: o.prescriptionId,
    od: eyeJson(o, 'od'),
    oi: eyeJson(o, 'oi'),
    pd: o.pd,
    frame: {
      productId: o.frameProductId,
      productName: o.frameProductName,
      own: o.frameOwn,
      description: o.frameDescription,
      a: o.frameA,
      b: o.frameB,
      dbl: o.frameDbl,
    },
    lens: {
      type: o.lensType,
      material: o.lensMaterial,
      index: o.lensIndex,
      treatments: o.treatments,
      tint: o.tint,
    },
    labReference: o.labReference,
    notes: o.notes,
    closedAt: iso(o.closedAt),
    deliveryOverrideReason: o.deliveryOverrideReason,
    createdAt: iso(o.createdAt)!,
    updatedAt: iso(o.updatedAt)!,
  };
}

function eventJson(e: LabTimelineEntry): z.infer<typeof labOrderEventOut> {
  return {
    id: e.id,
    kind: e.kind,
    fromStage: e.fromStageId ? { id: e.fromStageId, name: e.fromStageName ?? '' } : null,
    toStage: e.toStageId ? { id: e.toStageId, name: e.toStageName ?? '' } : null,
    note: e.note,
    hasPhoto: Boolean(e.photoKey),
    user: e.userName,
    createdAt: iso(e.createdAt)!,
  };
}

labOrdersApi.openapi(
  createRoute({
    method: 'get',
    path: '/lab-orders',
    operationId: 'listLabOrders',
    summary: 'List lab orders in the token user’s branches, newest first (cursor pagination)',
    tags,
    middleware: [requirePermission('labOrders.view')] as const,
    request: { query: pageQuery },
    responses: { 200: jsonResponse(pageOf(labOrderOut), 'A page of lab orders'), ...problemResponses(401, 403, 422) },
  }),
  async (c) => {
    const query = c.req.valid('query');
    const page = await listLabOrders(shopContext(c), {
      after: labOrderCursor.decode(query.cursor),
      limit: query.limit,
    });
    return c.json(
      { data: page.rows.map(toJson), nextCursor: page.next ? labOrderCursor.encode(page.next) : null },
      200,
    );
  },
);

labOrdersApi.openapi(
  createRoute({
    method: 'post',
    path: '/lab-orders',
    operationId: 'createLabOrder',
    summary:
      'Create a lab order in the initial stage; the Rx is copied from prescriptionId (default: the customer’s latest)',
    tags,
    middleware: [requirePermission('labOrders.manage')] as const,
    request: { body: jsonBody(labOrderCreate) },
    responses: { 201: jsonResponse(labOrderOut, 'The new lab order'), ...problemResponses(401, 403, 409, 422) },
  }),
  async (c) => c.json(toJson(await createLabOrder(shopContext(c), await c.req.json())), 201),
);

labOrdersApi.openapi(
  createRoute({
    method: 'get',
    path: '/lab-orders/{id}',
    operationId: 'getLabOrder',
    summary: 'One lab order',
    tags,
    middleware: [requirePermission('labOrders.view')] as const,
    request: { params: labOrderIdParam },
    responses: { 200: jsonResponse(labOrderOut, 'The lab order'), ...problemResponses(401, 403, 404) },
  }),
  async (c) => c.json(toJson(await getLabOrder(shopContext(c), idParam(c))), 200),
);

labOrdersApi.openapi(
  createRoute({
    method: 'get',
    path: '/lab-orders/{id}/events',
    operationId: 'listLabOrderEvents',
    summary: 'A lab order’s timeline, newest first',
    tags,
    middleware: [requirePermission('labOrders.view')] as const,
    request: { params: labOrderIdParam },
    responses: {
      200: jsonResponse(z.object({ data: z.array(labOrderEventOut) }), 'The timeline'),
      ...problemResponses(401, 403, 404),
    },
  }),
  async (c) => {
    const page = await labOrderPage(shopContext(c), idParam(c));
    return c.json({ data: page.timeline.map(eventJson) }, 200);
  },
);

labOrdersApi.openapi(
  createRoute({
    method: 'post',
    path: '/lab-orders/{id}/move',
    operationId: 'moveLabOrder',
    summary:
      'Move an order to another stage if it is still in expectedStageId (409 with the current stage otherwise); delivering with an open invoice balance needs overrideReason (409 with the balance)',
    tags,
    middleware: [requirePermission('labOrders.manage')] as const,
    request: { params: labOrderIdParam, body: jsonBody(labMoveBody) },
    responses: {
      200: jsonResponse(labOrderOut, 'The moved order'),
      409: {
        description: 'Someone moved it first, or the delivery needs the balance paid or a reason',
        content: { 'application/problem+json': { schema: labMoveConflictOut } },
      },
      ...problemResponses(401, 403, 404, 422),
    },
  }),
  async (c) => {
    const ctx = shopContext(c);
    const id = idParam(c);
    try {
      await moveLabOrder(ctx, id, (await c.req.json()) as Parameters<typeof moveLabOrder>[2]);
    } catch (error) {
      if (!(error instanceof LabMoveConflict)) throw error;
      const body = {
        type: 'about:blank',
        title: 'Conflict',
        status: 409,
        detail: error.publicMessage ?? '',
        code: 'conflict',
        currentStage: error.currentStage,
        balance: error.balance,
      };
      // A problem+json with the order's current stage: the typed helpers only know application/json.
      return new Response(JSON.stringify(body), {
        status: 409,
        headers: { 'Content-Type': 'application/problem+json' },
      }) as never;
    }
    return c.json(toJson(await getLabOrder(ctx, id)), 200);
  },
);

labOrdersApi.openapi(
  createRoute({
    method: 'post',
    path: '/lab-orders/{id}/notes',
    operationId: 'addLabOrderNote',
    summary: 'Add a note to a lab order’s timeline',
    tags,
    middleware: [requirePermission('labOrders.manage')] as const,
    request: { params: labOrderIdParam, body: jsonBody(labNoteBody) },
    responses: { 204: { description: 'Added' }, ...problemResponses(401, 403, 404, 422) },
  }),
  async (c) => {
    await addLabOrderNote(shopContext(c), idParam(c), await c.req.json());
    return c.body(null, 204);
  },
);
