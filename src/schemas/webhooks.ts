import { z } from 'zod';
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
