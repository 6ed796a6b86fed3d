import { createRoute, z } from '@hono/zod-openapi';
import { requirePermission } from '../http/session';
import { productCategories } from '../db/tenant-schema';
import { AppError } from '../errors';
import { t } from '../i18n/es-DO';
import { recordActivity } from '../queries/audit';
import {
  createProduct,
  getProduct,
  listProducts,
  updateProduct,
  type ProductRow,
  type ProductWriteResult,
} from '../queries/products';
import { productCreate, productOut, productPatch } from '../schemas/products';
import { createApiApp } from './app';
import { jsonBody, jsonResponse, pageOf, pageQuery, problemResponses } from './openapi';
import { decodeCursor, encodeCursor } from '../http/cursors';

/** `/api/v1` resources: products. */
export const productsApi = createApiApp();

export function productJson(product: ProductRow) {
  return {
    id: product.id,
    sku: product.sku,
    name: product.name,
    category: product.category,
    brand: product.brand,
    price: product.price,
    cost: product.cost,
    taxCode: product.taxCode,
    taxRate: product.taxRate,
    trackStock: product.trackStock,
    allowNegativeStock: product.allowNegativeStock,
    active: product.active,
    createdAt: product.createdAt.toISOString(),
    updatedAt: product.updatedAt.toISOString(),
  };
}

/** The refusals of a product write, as the API answers them. */
function writeError(result: Exclude<ProductWriteResult, { ok: true }>): AppError {
  if (result.field === 'sku')
    return new AppError('conflict', t('products.validation.skuTaken'), { sku: t('products.validation.skuTaken') });
  if (result.field === 'taxCode')
    return new AppError('validation', t('products.validation.tax'), { taxCode: t('products.validation.tax') });
  return new AppError('not_found');
}

const idParams = z.object({ id: z.string().openapi({ param: { name: 'id', in: 'path' }, format: 'uuid' }) });

/** Malformed ids are simply unknown (404), never a database error. */
function productId(id: string): string {
  const parsed = z.uuid().safeParse(id);
  if (!parsed.success) throw new AppError('not_found');
  return parsed.data;
}

productsApi.openapi(
  createRoute({
    method: 'get',
    path: '/products',
    operationId: 'listProducts',
    summary: 'List products and services (by name; filter by text and category)',
    tags: ['Products'],
    middleware: [requirePermission('products.view')] as const,
    request: {
      query: pageQuery.extend({
        q: z.string().trim().max(100).optional().openapi({ description: 'Start of the SKU or part of the name' }),
        category: z.enum(productCategories).optional(),
      }),
    },
    responses: { 200: jsonResponse(pageOf(productOut), 'One page of products'), ...problemResponses(401, 403, 422) },
  }),
  async (c) => {
    const { q, category, limit, cursor } = c.req.valid('query');
    const values = decodeCursor(cursor);
    if (cursor && (values?.length !== 2 || !z.uuid().safeParse(values[1]).success)) {
      throw new AppError('validation', 'Invalid cursor', { cursor: 'Invalid cursor' });
    }
    const after = values ? { name: String(values[0]), id: String(values[1]) } : null;
    const { rows, next } = await listProducts(c.var.db, { q: q || undefined, category, after, limit });
    return c.json({ data: rows.map(productJson), nextCursor: next ? encodeCursor([next.name, next.id]) : null }, 200);
  },
);

productsApi.openapi(
  createRoute({
    method: 'post',
    path: '/products',
    operationId: 'createProduct',
    summary: 'Create a product or service',
    tags: ['Products'],
    middleware: [requirePermission('products.manage')] as const,
    request: { body: jsonBody(productCreate) },
    responses: { 201: jsonResponse(productOut, 'The new product'), ...problemResponses(401, 403, 409, 422) },
  }),
  async (c) => {
    const result = await createProduct(c.var.db, c.req.valid('json'));
    if (!result.ok) throw writeError(result);
    await recordActivity(c.var.db, c.var.session, 'product.created', {
      productId: result.product.id,
      sku: result.product.sku,
      name: result.product.name,
    });
    return c.json(productJson(result.product), 201);
  },
);

productsApi.openapi(
  createRoute({
    method: 'get',
    path: '/products/{id}',
    operationId: 'getProduct',
    summary: 'One product',
    tags: ['Products'],
    middleware: [requirePermission('products.view')] as const,
    request: { params: idParams },
    responses: { 200: jsonResponse(productOut, 'The product'), ...problemResponses(401, 403, 404) },
  }),
  async (c) => {
    const product = await getProduct(c.var.db, productId(c.req.valid('param').id));
    if (!product) throw new AppError('not_found');
    return c.json(productJson(product), 200);
  },
);

productsApi.openapi(
  createRoute({
    method: 'patch',
    path: '/products/{id}',
    operationId: 'updateProduct',
    summary: 'Change a product (only the fields sent)',
    tags: ['Products'],
    middleware: [requirePermission('products.manage')] as const,
    request: { params: idParams, body: jsonBody(productPatch) },
    responses: { 200: jsonResponse(productOut, 'The changed product'), ...problemResponses(401, 403, 404, 409, 422) },
  }),
  async (c) => {
    const id = productId(c.req.valid('param').id);
    const result = await updateProduct(c.var.db, id, c.req.valid('json'));
    if (!result.ok) throw writeError(result);
    await recordActivity(c.var.db, c.var.session, 'product.updated', {
      productId: id,
      sku: result.product.sku,
      name: result.product.name,
    });
    return c.json(productJson(result.product), 200);
  },
);
