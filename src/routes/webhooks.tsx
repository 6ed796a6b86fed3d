import type { Context } from 'hono';
import { AppError, type FieldErrors } from '../errors';
import type { SignedInEnv } from '../http/env';
import { factory } from '../http/factory';
import { validForm } from '../http/forms';
import { idParam } from '../http/ids';
import { refuseInSupportSession, requirePermission } from '../http/session';
import { shopContext } from '../http/shop';
import { t } from '../i18n/es-DO';
import { webhookEnabledForm, webhookEndpointForm } from '../schemas/webhooks';
import {
  createWebhookEndpoint,
  getWebhookEndpoint,
  listWebhookEndpoints,
  redeliverWebhook,
  rotateWebhookSecret,
  sendTestWebhook,
  setWebhookEndpointEnabled,
  webhookEventTypes,
} from '../services/shop/webhooks';
import { type WebhookFormValues, WebhookPage, WebhooksPage } from '../views/webhooks';

/** /settings/webhooks: the shop's webhook endpoints, each with its delivery log. */
export const webhooksRoutes = factory.createApp();

const manage = requirePermission('webhooks.manage');

async function renderList(
  c: Context<SignedInEnv>,
  options: { values?: WebhookFormValues; errors?: FieldErrors } = {},
  status: 200 | 422 = 200,
) {
  c.status(status);
  return c.render(
    <WebhooksPage endpoints={await listWebhookEndpoints(shopContext(c))} eventTypes={webhookEventTypes} {...options} />,
    { title: t('webhooks.title'), current: '/settings/webhooks' },
  );
}

async function renderEndpoint(
  c: Context<SignedInEnv>,
  id: string,
  options: { secret?: string; notice?: string | null } = {},
  status: 200 | 201 = 200,
) {
  // A page carrying the secret must not be kept by any cache.
  if (options.secret) c.header('Cache-Control', 'no-store');
  const { endpoint, deliveries } = await getWebhookEndpoint(shopContext(c), id);
  c.status(status);
  return c.render(<WebhookPage endpoint={endpoint} deliveries={deliveries} {...options} />, {
    title: t('webhooks.title'),
    current: '/settings/webhooks',
  });
}

function submittedValues(submitted: Record<string, unknown>): WebhookFormValues {
  const events = submitted.events;
  return {
    url: typeof submitted.url === 'string' ? submitted.url : '',
    description: typeof submitted.description === 'string' ? submitted.description : '',
    events: Array.isArray(events) ? events.map(String) : typeof events === 'string' ? [events] : [],
  };
}

webhooksRoutes.get('/settings/webhooks', manage, (c) => renderList(c));

webhooksRoutes.post(
  '/settings/webhooks',
  manage,
  refuseInSupportSession,
  validForm(webhookEndpointForm, (c, errors, submitted) =>
    renderList(c as Context<SignedInEnv>, { values: submittedValues(submitted), errors }, 422),
  ),
  async (c) => {
    const form = c.req.valid('form');
    try {
      const { endpoint, secret } = await createWebhookEndpoint(shopContext(c), form);
      return renderEndpoint(c, endpoint.id, { secret }, 201);
    } catch (error) {
      if (error instanceof AppError && error.code === 'validation' && error.fields)
        return renderList(c, { values: form, errors: error.fields }, 422);
      throw error;
    }
  },
);

webhooksRoutes.get('/settings/webhooks/:id', manage, (c) => {
  const notice = c.req.query('test')
    ? t('webhooks.test.queued')
    : c.req.query('redelivered')
      ? t('webhooks.redelivered')
      : null;
  return renderEndpoint(c, idParam(c), { notice });
});

webhooksRoutes.post(
  '/settings/webhooks/:id/enabled',
  manage,
  refuseInSupportSession,
  validForm(webhookEnabledForm, () => {
    throw new AppError('validation');
  }),
  async (c) => {
    const id = idParam(c);
    await setWebhookEndpointEnabled(shopContext(c), id, c.req.valid('form').enabled === '1');
    return c.redirect(`/settings/webhooks/${id}`, 303);
  },
);

webhooksRoutes.post('/settings/webhooks/:id/rotate', manage, refuseInSupportSession, async (c) => {
  const id = idParam(c);
  const { secret } = await rotateWebhookSecret(shopContext(c), id);
  return renderEndpoint(c, id, { secret });
});

webhooksRoutes.post('/settings/webhooks/:id/test', manage, refuseInSupportSession, async (c) => {
  const id = idParam(c);
  await sendTestWebhook(shopContext(c), id);
  return c.redirect(`/settings/webhooks/${id}?test=1`, 303);
});

webhooksRoutes.post(
  '/settings/webhooks/:id/deliveries/:deliveryId/redeliver',
  manage,
  refuseInSupportSession,
  async (c) => {
    const id = idParam(c);
    const deliveryId = idParam(c, 'deliveryId');
    await redeliverWebhook(shopContext(c), id, deliveryId);
    return c.redirect(`/settings/webhooks/${id}?redelivered=1`, 303);
  },
);
