/**
 * WhatsApp Cloud API's webhooks on every shop host: no session and no CSRF check (Meta's servers
 * call it), authenticated by the shop's verify token (GET handshake) and app secret (POST signature).
 * Mounted before the input guard, which would read the JSON body: the signature is over the raw bytes.
 */
import type { Context } from 'hono';
import { AppError } from '../errors';
import type { AppEnv } from '../http/env';
import { factory } from '../http/factory';
import { readLimitedBody } from '../http/limited-body';
import { publicRoute } from '../http/session';
import { t } from '../i18n/es-DO';
import {
  receiveWhatsappStatuses,
  verifyWhatsappSubscription,
  whatsappHooksPath,
} from '../services/shop/channels/whatsapp-status';

export { whatsappHooksPath };

/** Meta's status payloads are a few kilobytes; a batch of 100 statuses stays well under this. */
const maxBodyBytes = 256 * 1024;

export const whatsappHooksRoutes = factory.createApp();

whatsappHooksRoutes.get(whatsappHooksPath, publicRoute, async (c) => {
  const challenge = await verifyWhatsappSubscription(hookContext(c), {
    mode: c.req.query('hub.mode'),
    verifyToken: c.req.query('hub.verify_token'),
    challenge: c.req.query('hub.challenge'),
  });
  return c.text(challenge, 200, { 'Cache-Control': 'no-store' });
});

whatsappHooksRoutes.post(whatsappHooksPath, publicRoute, async (c) => {
  const body = await readLimitedBody(c.req.raw, maxBodyBytes);
  if (!body.ok) throw new AppError('bad_request', t('whatsappHooks.tooLarge'));
  const changed = await receiveWhatsappStatuses(hookContext(c), {
    body: body.bytes,
    signature: c.req.header('x-hub-signature-256'),
  });
  return c.json({ received: true, changed });
});

function hookContext(c: Context<AppEnv>) {
  return { db: c.var.db, tenant: c.var.tenant, env: c.env };
}
