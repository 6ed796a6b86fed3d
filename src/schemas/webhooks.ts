import { z } from '@hono/zod-openapi';
import { t } from '../i18n/es-DO';

/** The new endpoint form; the service checks the URL's scheme and host and the event names. */
export const webhookEndpointForm = z.object({
  url: z.string().trim().min(1, t('webhooks.url.invalid')).max(2000, t('webhooks.url.invalid')),
  description: z.string().trim().max(200).optional().default(''),
  events: z
    .union([z.string(), z.array(z.string())])
    .optional()
    .transform((value) => (value === undefined ? [] : Array.isArray(value) ? value : [value])),
});

export const webhookEnabledForm = z.object({ enabled: z.enum(['0', '1']) });

export const webhookEndpointCreate = z
  .object({
    url: z.string().trim().min(1, t('webhooks.url.invalid')).max(2000, t('webhooks.url.invalid')),
    description: z.string().trim().max(200).nullable().optional(),
    events: z
      .array(z.string().max(100))
      .max(50)
      .optional()
      .openapi({ description: 'Event types; empty or absent: every event' }),
  })
  .openapi('WebhookEndpointCreate');

export const webhookEndpointPatch = z.object({ enabled: z.boolean() }).openapi('WebhookEndpointPatch');

export const webhookEndpointOut = z
  .object({
    id: z.uuid(),
    url: z.string(),
    description: z.string().nullable(),
    events: z.array(z.string()),
    enabled: z.boolean(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .openapi('WebhookEndpoint');

export const webhookSecretOut = z
  .object({
    endpoint: webhookEndpointOut,
    secret: z.string().openapi({ description: 'The signing secret (whsec_...): returned only here, never again' }),
  })
  .openapi('WebhookEndpointWithSecret');

export const webhookDeliveryOut = z
  .object({
    id: z.uuid(),
    event: z.string(),
    eventKey: z.string(),
    status: z.enum(['pending', 'delivering', 'delivered', 'failed']),
    attempts: z.number().int(),
    nextAttemptAt: z.iso.datetime().nullable(),
    responseStatus: z.number().int().nullable(),
    responseExcerpt: z.string().nullable(),
    deliveredAt: z.iso.datetime().nullable(),
    createdAt: z.iso.datetime(),
  })
  .openapi('WebhookDelivery');
