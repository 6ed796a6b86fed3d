import { createRoute, z } from '@hono/zod-openapi';
import { serialParam } from '../http/ids';
import { requirePermission } from '../http/session';
import { shopContext } from '../http/shop';
import { taxCreate, taxOut, taxPatch } from '../schemas/taxes';
import { createTax, listTaxes, updateTax } from '../services/shop/taxes';
import { createApiApp } from './app';
import { jsonBody, jsonResponse, problemResponses } from './openapi';

/** `/api/v1` resources: taxes. */
export const taxesApi = createApiApp();

const idParams = z.object({ id: z.string().openapi({ param: { name: 'id', in: 'path' }, example: '1' }) });

taxesApi.openapi(
  createRoute({
    method: 'get',
    path: '/taxes',
    operationId: 'listTaxes',
    summary: 'Taxes (ITBIS rates) with the number of products using each',
    tags: ['Taxes'],
    middleware: [requirePermission('products.view')] as const,
    responses: { 200: jsonResponse(z.object({ data: z.array(taxOut) }), 'Every tax'), ...problemResponses(401, 403) },
  }),
  async (c) => c.json({ data: await listTaxes(shopContext(c)) }, 200),
);

taxesApi.openapi(
  createRoute({
    method: 'post',
    path: '/taxes',
    operationId: 'createTax',
    summary: 'Create a tax (an exempt tax has rate 0)',
    tags: ['Taxes'],
    middleware: [requirePermission('products.manage')] as const,
    request: { body: jsonBody(taxCreate) },
    responses: { 201: jsonResponse(taxOut, 'The new tax'), ...problemResponses(401, 403, 422) },
  }),
  async (c) => {
    return c.json(await createTax(shopContext(c), c.req.valid('json')), 201);
  },
);

taxesApi.openapi(
  createRoute({
    method: 'patch',
    path: '/taxes/{id}',
    operationId: 'updateTax',
    summary: 'Change a tax; code, rate and exempt of a tax used by products cannot change (create a new tax instead)',
    tags: ['Taxes'],
    middleware: [requirePermission('products.manage')] as const,
    request: { params: idParams, body: jsonBody(taxPatch) },
    responses: { 200: jsonResponse(taxOut, 'The tax, changed'), ...problemResponses(401, 403, 404, 422) },
  }),
  async (c) => {
    return c.json(await updateTax(shopContext(c), serialParam(c), c.req.valid('json')), 200);
  },
);
