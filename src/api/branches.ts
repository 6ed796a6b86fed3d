import { createRoute, z } from '@hono/zod-openapi';
import { branchCursor } from '../http/cursors';
import { idParam } from '../http/ids';
import { requirePermission } from '../http/session';
import { shopContext } from '../http/shop';
import { branchCreate, branchOut, branchPatch } from '../schemas/branches';
import { createBranch, getBranch, pageOfBranches, updateBranch, type Branch } from '../services/shop/branches';
import { createApiApp } from './app';
import { jsonBody, jsonResponse, pageOf, pageQuery, problemResponses } from './openapi';

/** `/api/v1` resources: branches. */
export const branchesApi = createApiApp();

function toJson(branch: Branch) {
  return {
    id: branch.id,
    code: branch.code,
    name: branch.name,
    address: branch.address,
    phone: branch.phone,
    active: branch.active,
    createdAt: branch.createdAt.toISOString(),
    updatedAt: branch.updatedAt.toISOString(),
  };
}

const idPath = z.object({ id: z.string().openapi({ param: { name: 'id', in: 'path' }, format: 'uuid' }) });

branchesApi.openapi(
  createRoute({
    method: 'get',
    path: '/branches',
    operationId: 'listBranches',
    summary: 'List branches, by name',
    tags: ['Branches'],
    middleware: [requirePermission('branches.view')] as const,
    request: { query: pageQuery.extend({ active: z.enum(['true', 'false']).optional() }) },
    responses: { 200: jsonResponse(pageOf(branchOut), 'A page of branches'), ...problemResponses(401, 403, 422) },
  }),
  async (c) => {
    const { limit, cursor, active } = c.req.valid('query');
    const { rows, next } = await pageOfBranches(shopContext(c), {
      limit,
      after: branchCursor.decode(cursor),
      active: active === undefined ? undefined : active === 'true',
    });
    return c.json({ data: rows.map(toJson), nextCursor: next ? branchCursor.encode(next) : null }, 200);
  },
);

branchesApi.openapi(
  createRoute({
    method: 'post',
    path: '/branches',
    operationId: 'createBranch',
    summary: 'Create a branch',
    tags: ['Branches'],
    middleware: [requirePermission('branches.manage')] as const,
    request: { body: jsonBody(branchCreate) },
    responses: { 201: jsonResponse(branchOut, 'The new branch'), ...problemResponses(401, 403, 409, 422) },
  }),
  async (c) => {
    const body = c.req.valid('json');
    const branch = await createBranch(shopContext(c), {
      name: body.name,
      code: body.code,
      address: body.address ?? null,
      phone: body.phone ?? null,
      active: body.active ?? true,
    });
    return c.json(toJson(branch), 201);
  },
);

branchesApi.openapi(
  createRoute({
    method: 'get',
    path: '/branches/{id}',
    operationId: 'getBranch',
    summary: 'One branch',
    tags: ['Branches'],
    middleware: [requirePermission('branches.view')] as const,
    request: { params: idPath },
    responses: { 200: jsonResponse(branchOut, 'The branch'), ...problemResponses(401, 403, 404) },
  }),
  async (c) => {
    return c.json(toJson(await getBranch(shopContext(c), idParam(c))), 200);
  },
);

branchesApi.openapi(
  createRoute({
    method: 'patch',
    path: '/branches/{id}',
    operationId: 'updateBranch',
    summary: 'Change or deactivate a branch (branches are never deleted)',
    tags: ['Branches'],
    middleware: [requirePermission('branches.manage')] as const,
    request: { params: idPath, body: jsonBody(branchPatch) },
    responses: { 200: jsonResponse(branchOut, 'The changed branch'), ...problemResponses(401, 403, 404, 409, 422) },
  }),
  async (c) => {
    const branch = await updateBranch(shopContext(c), idParam(c), c.req.valid('json'));
    return c.json(toJson(branch), 200);
  },
);
