/**
 * Outbound webhooks: the shop's events POSTed as signed JSON to URLs the shop registers. Every
 * endpoint has its own secret (32 random bytes, sealed with the platform key bound to the tenant
 * and the endpoint, shown once at creation and on rotation). A delivery is one row per (endpoint,
 * event key), so a repeated dispatch adds nothing; the job claims the row before sending, so a
 * repeated queue message sends nothing twice. Failures retry with backoff up to `maxWebhookAttempts`.
 */
import { z } from 'zod';
import { signatureHeader, signWebhookPayload } from '../../domain/webhook-signature';
import { webhookUrlProblem } from '../../domain/webhook-url';
import { AppError } from '../../errors';
import { t } from '../../i18n/es-DO';
import { activityEntry } from '../../queries/audit';
import {
  claimWebhookDelivery,
  dueWebhookDeliveries,
  finishWebhookDelivery,
  getWebhookEndpointRow,
  insertWebhookDeliveries,
  insertWebhookEndpoint,
  resetWebhookDelivery,
  updateWebhookEndpoint,
  type WebhookDeliveryRow,
  type WebhookEndpoint,
  webhookDeliveriesQuery,
  webhookEndpointQuery,
  webhookEndpointsQuery,
} from '../../queries/webhooks';
import { bytesToBase64, decryptSecret, encryptionKeyFor, encryptSecret } from '../../tenancy/crypto';
import { requireRight, type ShopContext } from './context';
import { messageEvents } from '../../domain/message-template';

export type { WebhookDeliveryRow, WebhookEndpoint } from '../../queries/webhooks';
export { verifyWebhookSignature } from '../../domain/webhook-signature';

export const webhookDeliverJob = 'webhooks.deliver';
export const webhookDeliverPayload = z.object({ id: z.string().uuid() });

/** After this many attempts a delivery is given up (`failed`); "Reenviar" starts it again. */
export const maxWebhookAttempts = 8;

/** The wait after each failed attempt (1 min, 5 min, 30 min, 2 h, 6 h, 12 h, 12 h): the queue delays at most 12 h. */
const backoffSeconds = [60, 300, 1800, 7200, 21600, 43200, 43200] as const;

export function webhookBackoffSeconds(attempts: number): number {
  return backoffSeconds[Math.min(Math.max(attempts, 1), backoffSeconds.length) - 1]!;
}

/** How long the receiver gets to answer one POST. */
export const webhookTimeoutMs = 10_000;

/** The event types a shop may subscribe to: every event of the outbox, the same list messages use. */
export const webhookEventTypes = messageEvents;

export const webhookTestEvent = 'webhook.test';

/** An outbox row (shop_events) as the dispatcher hands it over. */
export interface WebhookSourceEvent {
  id: string;
  type: string;
  key: string;
  subjectId?: string | null;
  payload?: Record<string, unknown> | null;
  occurredAt?: Date | string | null;
}

type JobContext = Pick<ShopContext, 'db' | 'tenant' | 'jobs' | 'env'>;

export interface WebhookDeliveryOptions {
  /** How the receiver is reached; tests pass a receiver of their own. */
  fetch?: typeof fetch;
  /** How long the receiver gets (default `webhookTimeoutMs`). */
  timeoutMs?: number;
}

function secretAssociatedData(tenantId: string, endpointId: string): string {
  return `webhook-secret:${tenantId}:${endpointId}`;
}

function newSecret(): string {
  const base64 = bytesToBase64(crypto.getRandomValues(new Uint8Array(32)));
  return `whsec_${base64.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')}`;
}

async function sealSecret(ctx: Pick<ShopContext, 'env' | 'tenant'>, endpointId: string, secret: string) {
  const key = await encryptionKeyFor(ctx.env.ENCRYPTION_KEY);
  return encryptSecret(key, secret, secretAssociatedData(ctx.tenant.id, endpointId));
}

async function openSecret(ctx: Pick<ShopContext, 'env' | 'tenant'>, endpointId: string, sealed: string) {
  const key = await encryptionKeyFor(ctx.env.ENCRYPTION_KEY);
  return decryptSecret(key, sealed, secretAssociatedData(ctx.tenant.id, endpointId));
}

export interface WebhookEndpointInput {
  url: string;
  description?: string | null;
  events?: readonly string[];
}

function checkInput(ctx: Pick<ShopContext, 'env'>, input: WebhookEndpointInput) {
  const url = input.url.trim();
  const problem = webhookUrlProblem(url, ctx.env.ENVIRONMENT || 'production');
  if (problem) throw new AppError('validation', t(`webhooks.url.${problem}`), { url: t(`webhooks.url.${problem}`) });
  const events = [...new Set(input.events ?? [])];
  const unknown = events.find((event) => !(webhookEventTypes as readonly string[]).includes(event));
  if (unknown) throw new AppError('validation', t('webhooks.events.invalid'), { events: t('webhooks.events.invalid') });
  return { url, events, description: input.description?.trim() || null };
}

export async function listWebhookEndpoints(ctx: ShopContext): Promise<WebhookEndpoint[]> {
  requireRight(ctx, 'webhooks.manage');
  return webhookEndpointsQuery(ctx.db);
}

/** One endpoint and its latest deliveries, in one round trip; 404 when this shop has no such endpoint. */
export async function getWebhookEndpoint(
  ctx: ShopContext,
  id: string,
): Promise<{ endpoint: WebhookEndpoint; deliveries: WebhookDeliveryRow[] }> {
  requireRight(ctx, 'webhooks.manage');
  const [endpoints, deliveries] = await ctx.db.batch([
    webhookEndpointQuery(ctx.db, id),
    webhookDeliveriesQuery(ctx.db, id),
  ]);
  if (!endpoints[0]) throw new AppError('not_found');
  return { endpoint: endpoints[0], deliveries };
}

/** A new endpoint and its secret, which is returned here and never again. */
export async function createWebhookEndpoint(
  ctx: ShopContext,
  input: WebhookEndpointInput,
): Promise<{ endpoint: WebhookEndpoint; secret: string }> {
  requireRight(ctx, 'webhooks.manage');
  const values = checkInput(ctx, input);
  const id = crypto.randomUUID();
  const secret = newSecret();
  const sealedSecret = await sealSecret(ctx, id, secret);
  const [rows] = await ctx.db.batch([
    insertWebhookEndpoint(ctx.db, { id, ...values, sealedSecret, createdBy: ctx.actor.id }),
    activityEntry(ctx.db, ctx.actor, 'webhook.created', { url: values.url }),
  ]);
  return { endpoint: rows[0]!, secret };
}

export async function setWebhookEndpointEnabled(
  ctx: ShopContext,
  id: string,
  enabled: boolean,
): Promise<WebhookEndpoint> {
  requireRight(ctx, 'webhooks.manage');
  const [rows] = await ctx.db.batch([
    updateWebhookEndpoint(ctx.db, id, { enabled }),
    activityEntry(ctx.db, ctx.actor, enabled ? 'webhook.enabled' : 'webhook.disabled', { id }),
  ]);
  if (!rows[0]) throw new AppError('not_found');
  return rows[0];
}

/** A new secret for the endpoint (the old one stops signing at once); returned here and never again. */
export async function rotateWebhookSecret(
  ctx: ShopContext,
  id: string,
): Promise<{ endpoint: WebhookEndpoint; secret: string }> {
  requireRight(ctx, 'webhooks.manage');
  const secret = newSecret();
  const sealedSecret = await sealSecret(ctx, id, secret);
  const [rows] = await ctx.db.batch([
    updateWebhookEndpoint(ctx.db, id, { sealedSecret }),
    activityEntry(ctx.db, ctx.actor, 'webhook.rotated', { id }),
  ]);
  if (!rows[0]) throw new AppError('not_found');
  return { endpoint: rows[0], secret };
}

/** The JSON body every receiver gets: {id, type, created, data}. */
export function webhookBody(event: WebhookSourceEvent): Record<string, unknown> {
  const occurred = event.occurredAt ? new Date(event.occurredAt) : new Date();
  return {
    id: event.id,
    type: event.type,
    created: Math.floor(occurred.getTime() / 1000),
    data: { ...(event.subjectId ? { subjectId: event.subjectId } : {}), ...(event.payload ?? {}) },
  };
}

/**
 * For the events dispatcher: one delivery per enabled endpoint that takes this event (once per
 * endpoint and event key), each queued. Returns the new deliveries' ids.
 */
export async function queueWebhookDeliveries(
  ctx: Pick<ShopContext, 'db' | 'jobs'>,
  event: WebhookSourceEvent,
): Promise<string[]> {
  const ids = await insertWebhookDeliveries(ctx.db, { type: event.type, key: event.key, payload: webhookBody(event) });
  for (const id of ids) await ctx.jobs.send(webhookDeliverJob, { id });
  return ids;
}

/** "Enviar evento de prueba": a `webhook.test` event to this endpoint alone, queued like any other. */
export async function sendTestWebhook(ctx: ShopContext, id: string): Promise<string> {
  requireRight(ctx, 'webhooks.manage');
  const endpoint = await getWebhookEndpointRow(ctx.db, id);
  if (!endpoint) throw new AppError('not_found');
  if (!endpoint.enabled) throw new AppError('conflict', t('webhooks.test.disabled'));
  const eventId = crypto.randomUUID();
  const [deliveryId] = await insertWebhookDeliveries(
    ctx.db,
    {
      type: webhookTestEvent,
      key: `${webhookTestEvent}:${eventId}`,
      payload: webhookBody({
        id: eventId,
        type: webhookTestEvent,
        key: eventId,
        payload: { message: t('webhooks.test.message') },
      }),
    },
    id,
  );
  if (!deliveryId) throw new AppError('conflict', t('webhooks.test.disabled'));
  await ctx.jobs.send(webhookDeliverJob, { id: deliveryId });
  return deliveryId;
}

/** "Reenviar": a delivered or failed delivery of this endpoint is sent again (same body, same delivery id). */
export async function redeliverWebhook(ctx: ShopContext, endpointId: string, deliveryId: string): Promise<void> {
  requireRight(ctx, 'webhooks.manage');
  const [rows] = await ctx.db.batch([
    resetWebhookDelivery(ctx.db, endpointId, deliveryId),
    activityEntry(ctx.db, ctx.actor, 'webhook.redelivered', { id: deliveryId }),
  ]);
  if (!rows[0]) throw new AppError('not_found');
  await ctx.jobs.send(webhookDeliverJob, { id: deliveryId });
}

function excerpt(text: string): string {
  return text.slice(0, 500);
}

/**
 * One `webhooks.deliver`: claims the delivery (nothing happens when another delivery holds it, it
 * is not due, or it is finished), signs the stored body with the endpoint's secret and POSTs it.
 * 2xx is delivered; anything else waits `webhookBackoffSeconds` and is queued again, until
 * `maxWebhookAttempts`. Returns the delivery's status after this attempt, or 'skipped'.
 */
export async function deliverWebhook(
  ctx: JobContext,
  id: string,
  options: WebhookDeliveryOptions = {},
): Promise<'delivered' | 'pending' | 'failed' | 'skipped'> {
  const claimed = await claimWebhookDelivery(ctx.db, id);
  if (!claimed) return 'skipped';
  const { delivery, endpoint } = claimed;
  const finish = async (
    values: Parameters<typeof finishWebhookDelivery>[2],
  ): Promise<'delivered' | 'pending' | 'failed' | 'skipped'> => {
    const row = await finishWebhookDelivery(ctx.db, delivery, values);
    return row
      ? row.status === 'delivering'
        ? 'skipped'
        : (row.status as 'delivered' | 'pending' | 'failed')
      : 'skipped';
  };
  if (!endpoint.enabled)
    return finish({ status: 'failed', responseStatus: null, responseExcerpt: t('webhooks.delivery.disabled') });
  const urlProblem = webhookUrlProblem(endpoint.url, ctx.env.ENVIRONMENT || 'production');
  if (urlProblem)
    return finish({ status: 'failed', responseStatus: null, responseExcerpt: t(`webhooks.url.${urlProblem}`) });

  const rawBody = JSON.stringify(delivery.payload);
  let responseStatus: number | null = null;
  let responseExcerpt: string;
  try {
    const secret = await openSecret(ctx, endpoint.id, endpoint.sealedSecret);
    const timestamp = Math.floor(Date.now() / 1000);
    const response = await (options.fetch ?? fetch)(endpoint.url, {
      method: 'POST',
      redirect: 'manual',
      signal: AbortSignal.timeout(options.timeoutMs ?? webhookTimeoutMs),
      headers: {
        'Content-Type': 'application/json',
        'User-Agent': 'OptiFlow-Webhooks/1',
        [signatureHeader]: await signWebhookPayload(secret, timestamp, rawBody),
        'OptiFlow-Event': delivery.event,
        'OptiFlow-Delivery': delivery.id,
      },
      body: rawBody,
    });
    responseStatus = response.status;
    responseExcerpt = excerpt(await response.text().catch(() => ''));
    if (response.ok) return finish({ status: 'delivered', responseStatus, responseExcerpt });
  } catch (error) {
    responseExcerpt = excerpt(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
  }
  if (delivery.attempts >= maxWebhookAttempts) return finish({ status: 'failed', responseStatus, responseExcerpt });
  const delay = webhookBackoffSeconds(delivery.attempts);
  const state = await finish({
    status: 'pending',
    responseStatus,
    responseExcerpt,
    nextAttemptAt: new Date(Date.now() + delay * 1000),
  });
  if (state === 'pending') await ctx.jobs.send(webhookDeliverJob, { id: delivery.id }, { delaySeconds: delay });
  return state;
}

/** The 5-minute sweep: queues again every delivery whose next try is due (a lost queue message, a Worker that died mid-send). */
export async function queueDueWebhookDeliveries(ctx: Pick<ShopContext, 'db' | 'jobs'>, limit = 500): Promise<number> {
  const due = await dueWebhookDeliveries(ctx.db, limit);
  for (const id of due) await ctx.jobs.send(webhookDeliverJob, { id });
  return due.length;
}
