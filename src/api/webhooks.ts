import { createRoute, z } from '@hono/zod-openapi';
import { idParam } from '../http/ids';
import { requirePermission } from '../http/session';
import { shopContext } from '../http/shop';
import {
  webhookDeliveryOut,
  webhookEndpointCreate,
  webhookEndpointOut,
  webhookEndpointPatch,
  webhookSecretOut,
} from '../schemas/webhooks';
import {
  createWebhookEndpoint,
  getWebhookEndpoint,
  listWebhookEndpoints,
  redeliverWebhook,
  rotateWebhookSecret,
  setWebhookEndpointEnabled,
  type WebhookDeliveryRow,
  type WebhookEndpoint,
} from '../services/shop/webhooks';
import { createApiApp } from './app';
import { jsonBody, jsonResponse, problemResponses } from './openapi';

/** `/api/v1` resources: outbound webhook endpoints and their deliveries. */
export const webhooksApi = createApiApp();

const manage = requirePermission('webhooks.manage');
const idPath = z.object({ id: z.string().openapi({ param: { name: 'id', in: 'path' }, format: 'uuid' }) });
const deliveryPath = idPath.extend({
  deliveryId: z.string().openapi({ param: { name: 'deliveryId', in: 'path' }, format: 'uuid' }),
});

function endpointJson(endpoint: WebhookEndpoint) {
  return {
    id: endpoint.id,
    url: endpoint.url,
    description: endpoint.description,
    events: endpoint.events,
    enabled: endpoint.enabled,
    createdAt: endpoint.createdAt.toISOString(),
    updatedAt: endpoint.updatedAt.toISOString(),
  };
}

function deliveryJson(delivery: WebhookDeliveryRow) {
  return {
    id: delivery.id,
    event: delivery.event,
    eventKey: delivery.eventKey,
    status: delivery.status,
    attempts: delivery.attempts,
    nextAttemptAt: delivery.nextAttemptAt?.toISOString() ?? null,
    responseStatus: delivery.responseStatus,
    responseExcerpt: delivery.responseExcerpt,
    deliveredAt: delivery.deliveredAt?.toISOString() ?? null,
    createdAt: delivery.createdAt.toISOString(),
  };
}

webhooksApi.openapi(
  createRoute({
    method: 'get',
    path: '/webhooks',
    operationId: 'listWebhookEndpoints',
    summary: 'Webhook endpoints, newest first (never their secrets)',
    tags: ['Webhooks'],
    middleware: [manage] as const,
    responses: {
      200: jsonResponse(z.object({ data: z.array(webhookEndpointOut) }), 'Every endpoint'),
      ...problemResponses(401, 403),
    },
  }),
  async (c) => c.json({ data: (await listWebhookEndpoints(shopContext(c))).map(endpointJson) }, 200),
);

webhooksApi.openapi(
  createRoute({
    method: 'post',
    path: '/webhooks',
    operationId: 'createWebhookEndpoint',
    summary: 'Register an endpoint; the answer carries its signing secret, shown this once',
    tags: ['Webhooks'],
    middleware: [manage] as const,
    request: { body: jsonBody(webhookEndpointCreate) },
    responses: {
      201: jsonResponse(webhookSecretOut, 'The endpoint and its secret'),
      ...problemResponses(401, 403, 422),
    },
  }),
  async (c) => {
    const { endpoint, secret } = await createWebhookEndpoint(shopContext(c), c.req.valid('json'));
    c.header('Cache-Control', 'no-store');
    return c.json({ endpoint: endpointJson(endpoint), secret }, 201);
  },
);

webhooksApi.openapi(
  createRoute({
    method: 'get',
    path: '/webhooks/{id}',
    operationId: 'getWebhookEndpoint',
    summary: 'An endpoint and its latest 50 deliveries',
    tags: ['Webhooks'],
    middleware: [manage] as const,
    request: { params: idPath },
    responses: {
      200: jsonResponse(
        z.object({ endpoint: webhookEndpointOut, deliveries: z.array(webhookDeliveryOut) }),
        'The endpoint and its deliveries',
      ),
      ...problemResponses(401, 403, 404),
    },
  }),
  async (c) => {
    const { endpoint, deliveries } = await getWebhookEndpoint(shopContext(c), idParam(c));
    return c.json({ endpoint: endpointJson(endpoint), deliveries: deliveries.map(deliveryJson) }, 200);
  },
);

webhooksApi.openapi(
  createRoute({
    method: 'patch',
    path: '/webhooks/{id}',
    operationId: 'updateWebhookEndpoint',
    summary: 'Enable or disable an endpoint',
    tags: ['Webhooks'],
    middleware: [manage] as const,
    request: { params: idPath, body: jsonBody(webhookEndpointPatch) },
    responses: { 200: jsonResponse(webhookEndpointOut, 'The endpoint'), ...problemResponses(401, 403, 404, 422) },
  }),
  async (c) => {
    const endpoint = await setWebhookEndpointEnabled(shopContext(c), idParam(c), c.req.valid('json').enabled);
    return c.json(endpointJson(endpoint), 200);
  },
);

webhooksApi.openapi(
  createRoute({
    method: 'post',
    path: '/webhooks/{id}/rotate',
    operationId: 'rotateWebhookSecret',
    summary: 'A new signing secret (the old one stops at once), shown this once',
    tags: ['Webhooks'],
    middleware: [manage] as const,
    request: { params: idPath },
    responses: {
      200: jsonResponse(webhookSecretOut, 'The endpoint and its new secret'),
      ...problemResponses(401, 403, 404),
    },
  }),
  async (c) => {
    const { endpoint, secret } = await rotateWebhookSecret(shopContext(c), idParam(c));
    c.header('Cache-Control', 'no-store');
    return c.json({ endpoint: endpointJson(endpoint), secret }, 200);
  },
);

webhooksApi.openapi(
  createRoute({
    method: 'post',
    path: '/webhooks/{id}/deliveries/{deliveryId}/redeliver',
    operationId: 'redeliverWebhook',
    summary: 'Send a delivered or failed delivery again (same body and delivery id)',
    tags: ['Webhooks'],
    middleware: [manage] as const,
    request: { params: deliveryPath },
    responses: { 204: { description: 'Queued' }, ...problemResponses(401, 403, 404) },
  }),
  async (c) => {
    await redeliverWebhook(shopContext(c), idParam(c), idParam(c, 'deliveryId'));
    return c.body(null, 204);
  },
);
