import { createRoute, z } from '@hono/zod-openapi';
import { productCursor } from '../http/cursors';
import { idParam } from '../http/ids';
import { requirePermission } from '../http/session';
import { shopContext } from '../http/shop';
import { productCategories, productCreate, productOut, productPatch } from '../schemas/products';
import { createProduct, getProduct, listProducts, updateProduct, type ProductRow } from '../services/shop/products';
import { createApiApp } from './app';
import { jsonBody, jsonResponse, pageOf, pageQuery, problemResponses } from './openapi';

/** `/api/v1` resources: products. */
export const productsApi = createApiApp();

export function productJson(product: ProductRow & { barcodes?: string[] }) {
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
    parentId: product.parentId,
    variantColour: product.variantColour,
    variantSize: product.variantSize,
    frameShape: product.frameShape,
    lensType: product.lensType,
    lensMaterial: product.lensMaterial,
    lensIndex: product.lensIndex,
    lensTreatments: product.lensTreatments,
    sphereMin: product.sphereMin,
    sphereMax: product.sphereMax,
    cylinderMin: product.cylinderMin,
    cylinderMax: product.cylinderMax,
    addMin: product.addMin,
    addMax: product.addMax,
    ...(product.barcodes ? { barcodes: product.barcodes } : {}),
    trackStock: product.trackStock,
    allowNegativeStock: product.allowNegativeStock,
    active: product.active,
    createdAt: product.createdAt.toISOString(),
    updatedAt: product.updatedAt.toISOString(),
  };
}

const idParams = z.object({ id: z.string().openapi({ param: { name: 'id', in: 'path' }, format: 'uuid' }) });

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
    const after = productCursor.decode(cursor);
    const { rows, next } = await listProducts(shopContext(c), { q, category, after, limit });
    return c.json({ data: rows.map(productJson), nextCursor: next ? productCursor.encode(next) : null }, 200);
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
    return c.json(productJson(await createProduct(shopContext(c), c.req.valid('json'))), 201);
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
    return c.json(productJson(await getProduct(shopContext(c), idParam(c))), 200);
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
    const product = await updateProduct(shopContext(c), idParam(c), c.req.valid('json'));
    return c.json(productJson(product), 200);
  },
);
