import { createRoute, z } from '@hono/zod-openapi';
import { requirePermission } from '../http/session';
import { AppError } from '../errors';
import { t } from '../i18n/es-DO';
import { recordActivity } from '../queries/audit';
import { createTax, listTaxesWithUsage, updateTax, type TaxWriteResult } from '../queries/taxes';
import { taxCreate, taxOut, taxPatch } from '../schemas/taxes';
import { createApiApp } from './app';
import { jsonBody, jsonResponse, problemResponses } from './openapi';

/** `/api/v1` resources: taxes. */
export const taxesApi = createApiApp();

const idParams = z.object({ id: z.string().openapi({ param: { name: 'id', in: 'path' }, example: '1' }) });
const idValue = z.coerce.number().int().positive().max(2147483647);

/** A tax id from the path: a positive integer, or the tax does not exist. */
function taxId(value: string): number {
  const parsed = /^\d+$/.test(value) ? idValue.safeParse(value) : null;
  if (!parsed?.success) throw new AppError('not_found');
  return parsed.data;
}

function refused(result: Exclude<TaxWriteResult, { ok: true }>): never {
  if (result.reason === 'not_found') throw new AppError('not_found');
  if (result.reason === 'duplicate')
    throw new AppError('validation', t('taxes.validation.duplicate'), { code: t('taxes.validation.duplicate') });
  if (result.reason === 'exemptRate')
    throw new AppError('validation', t('taxes.validation.exemptRate'), { rate: t('taxes.validation.exemptRate') });
  throw new AppError('validation', t('taxes.validation.locked'), { rate: t('taxes.validation.locked') });
}

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
  async (c) => c.json({ data: await listTaxesWithUsage(c.var.db) }, 200),
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
    const created = await createTax(c.var.db, c.req.valid('json'));
    if (!created.ok) refused(created);
    const { tax } = created;
    await recordActivity(c.var.db, c.var.session, 'tax.created', {
      taxId: tax.id,
      code: tax.code,
      name: tax.name,
      rate: tax.rate,
    });
    return c.json(tax, 201);
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
    const id = taxId(c.req.valid('param').id);
    const changes = c.req.valid('json');
    const saved = await updateTax(c.var.db, id, changes);
    if (!saved.ok) refused(saved);
    const { tax } = saved;
    await recordActivity(c.var.db, c.var.session, 'tax.updated', {
      taxId: tax.id,
      code: tax.code,
      name: tax.name,
      rate: tax.rate,
      fields: Object.keys(changes),
    });
    return c.json(tax, 200);
  },
);
