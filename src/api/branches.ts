import { createRoute, z } from '@hono/zod-openapi';
import { requirePermission } from '../http/session';
import { AppError } from '../errors';
import { t } from '../i18n/es-DO';
import { recordActivity } from '../queries/audit';
import {
  createBranch,
  DuplicateBranchCode,
  getBranch,
  pageBranches,
  updateBranch,
  type Branch,
} from '../queries/branches';
import { branchCreate, branchIdParam, branchOut, branchPatch } from '../schemas/branches';
import { createApiApp } from './app';
import { jsonBody, jsonResponse, pageOf, pageQuery, problemResponses } from './openapi';
import { decodeCursor, encodeCursor } from '../http/cursors';

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

function duplicateCode(error: unknown): never {
  if (error instanceof DuplicateBranchCode)
    throw new AppError('conflict', t('branches.codeTaken'), { code: t('branches.codeTaken') });
  throw error;
}

/** Path ids that are not uuids name no branch: 404, like an id of another shop. */
function parseId(raw: string): string {
  const parsed = branchIdParam.safeParse({ id: raw });
  if (!parsed.success) throw new AppError('not_found');
  return parsed.data.id;
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
    const decoded = decodeCursor(cursor);
    if (cursor && (decoded?.length !== 2 || !branchIdParam.safeParse({ id: decoded[1] }).success)) {
      throw new AppError('validation', 'Invalid cursor', { cursor: 'Invalid cursor' });
    }
    const after = decoded ? { name: String(decoded[0]), id: String(decoded[1]) } : null;
    const rows = await pageBranches(c.var.db, {
      limit,
      after,
      active: active === undefined ? undefined : active === 'true',
    });
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return c.json(
      { data: page.map(toJson), nextCursor: rows.length > limit && last ? encodeCursor([last.name, last.id]) : null },
      200,
    );
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
    const branch = await createBranch(c.var.db, {
      name: body.name,
      code: body.code,
      address: body.address ?? null,
      phone: body.phone ?? null,
      active: body.active ?? true,
    }).catch(duplicateCode);
    await recordActivity(c.var.db, c.var.session, 'branch.created', {
      branchId: branch.id,
      name: branch.name,
      code: branch.code,
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
    const branch = await getBranch(c.var.db, parseId(c.req.valid('param').id));
    if (!branch) throw new AppError('not_found');
    return c.json(toJson(branch), 200);
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
    const id = parseId(c.req.valid('param').id);
    const changes = c.req.valid('json');
    const result = await updateBranch(c.var.db, id, changes).catch(duplicateCode);
    if (!result.branch) throw new AppError('not_found');
    if (result.lastActive)
      throw new AppError('conflict', t('branches.lastActive'), { active: t('branches.lastActive') });
    await recordActivity(c.var.db, c.var.session, 'branch.updated', {
      branchId: id,
      name: result.branch.name,
      code: result.branch.code,
      fields: Object.keys(changes),
    });
    return c.json(toJson(result.branch), 200);
  },
);
