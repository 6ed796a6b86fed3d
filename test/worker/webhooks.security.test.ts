/**
 * Webhook isolation: a shop's endpoints and deliveries are reachable only on its own host, by its
 * own owner/admin; another shop cannot read, rotate, enable, test or redeliver them by id, never
 * receives this shop's events, and a sealed secret copied into another shop does not open there.
 */
import { eq } from 'drizzle-orm';
import { SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { webhookDeliveries, webhookEndpoints } from '../../src/db/tenant-schema';
import {
  createWebhookEndpoint,
  deliverWebhook,
  getWebhookEndpoint,
  queueWebhookDeliveries,
  redeliverWebhook,
  rotateWebhookSecret,
  sendTestWebhook,
  setWebhookEndpointEnabled,
} from '../../src/services/shop/webhooks';
import { get, postForm } from '../support/worker/helpers';
import { receiver, serviceContext, webhookShop } from '../support/worker/webhooks';
import { shop } from '../support/worker/shop';

const event = () => {
  const id = crypto.randomUUID();
  return { id, type: 'invoice.issued', key: `invoice.issued:${id}`, subjectId: id, payload: {} };
};

describe('webhook isolation', () => {
  it('another shop cannot see, rotate, enable, test or redeliver an endpoint by id (404), in the UI or the service', async () => {
    const a = await shop('owner');
    const b = await shop('owner');
    const created = await postForm(
      a.host,
      '/settings/webhooks',
      { url: 'https://hooks.example.com/a' },
      { Cookie: a.cookie },
    );
    expect(created.status).toBe(201);
    const html = await created.text();
    const id = /\/settings\/webhooks\/([0-9a-f-]{36})\//.exec(html)![1]!;
    const [row] = await a.db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, id));
    const target = receiver();
    const ctxA = (await serviceContext(a.tenant, a.user, 'owner')).ctx;
    const [deliveryId] = await queueWebhookDeliveries(ctxA, event());
    await deliverWebhook(ctxA, deliveryId!, { fetch: target.fetch });

    expect((await get(b.host, `/settings/webhooks/${id}`, { headers: { Cookie: b.cookie } })).status).toBe(404);
    for (const path of [
      `/settings/webhooks/${id}/rotate`,
      `/settings/webhooks/${id}/test`,
      `/settings/webhooks/${id}/deliveries/${deliveryId}/redeliver`,
    ])
      expect((await postForm(b.host, path, {}, { Cookie: b.cookie })).status).toBe(404);
    expect(
      (await postForm(b.host, `/settings/webhooks/${id}/enabled`, { enabled: '0' }, { Cookie: b.cookie })).status,
    ).toBe(404);
    // Shop A's own deliveries cannot be redelivered through another of A's endpoints either.
    const other = await createWebhookEndpoint(ctxA, { url: 'https://hooks.example.com/other' });
    expect(
      (
        await postForm(
          a.host,
          `/settings/webhooks/${other.endpoint.id}/deliveries/${deliveryId}/redeliver`,
          {},
          { Cookie: a.cookie },
        )
      ).status,
    ).toBe(404);

    const ctxB = (await serviceContext(b.tenant, b.user, 'owner')).ctx;
    for (const attempt of [
      () => getWebhookEndpoint(ctxB, id),
      () => rotateWebhookSecret(ctxB, id),
      () => setWebhookEndpointEnabled(ctxB, id, false),
      () => sendTestWebhook(ctxB, id),
      () => redeliverWebhook(ctxB, id, deliveryId!),
    ])
      await expect(attempt()).rejects.toMatchObject({ code: 'not_found' });
    // Nothing of A changed.
    const [after] = await a.db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, id));
    expect(after).toEqual(row);
    expect(await a.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.id, deliveryId!))).toMatchObject([
      { status: 'delivered', attempts: 1 },
    ]);
  });

  it("another shop's events never reach this shop's endpoints, and a copied sealed secret does not open", async () => {
    const a = await webhookShop();
    const b = await webhookShop();
    const { endpoint } = await createWebhookEndpoint(a.ctx, { url: 'https://hooks.example.com/a' });
    expect(await queueWebhookDeliveries(b.ctx, event())).toEqual([]);
    expect(await a.ctx.db.select().from(webhookDeliveries)).toEqual([]);

    // The same row, secret and id copied into shop B: the secret is bound to shop A.
    const [row] = await a.ctx.db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, endpoint.id));
    await b.ctx.db.insert(webhookEndpoints).values({ ...row!, createdBy: null });
    const [id] = await queueWebhookDeliveries(b.ctx, event());
    const target = receiver();
    expect(await deliverWebhook(b.ctx, id!, { fetch: target.fetch })).toBe('pending');
    expect(target.received).toEqual([]);
    const [delivery] = await b.ctx.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.id, id!));
    expect(delivery!.responseExcerpt).toMatch(/OperationError|decrypt/i);
  });

  it("another shop's API token gets 404 for every endpoint action by id", async () => {
    const a = await shop('owner');
    const b = await shop('owner');
    const { ctx } = await serviceContext(a.tenant, a.user, 'owner');
    const { endpoint } = await createWebhookEndpoint(ctx, { url: 'https://hooks.example.com/a' });
    const [deliveryId] = await queueWebhookDeliveries(ctx, event());
    const asB = (path: string, method = 'GET', body?: unknown) =>
      SELF.fetch(`http://${b.host}/api/v1${path}`, {
        method,
        headers: { Authorization: b.bearer, 'Content-Type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    expect((await asB(`/webhooks/${endpoint.id}`)).status).toBe(404);
    expect((await asB(`/webhooks/${endpoint.id}`, 'PATCH', { enabled: false })).status).toBe(404);
    expect((await asB(`/webhooks/${endpoint.id}/rotate`, 'POST')).status).toBe(404);
    expect((await asB(`/webhooks/${endpoint.id}/deliveries/${deliveryId}/redeliver`, 'POST')).status).toBe(404);
    expect(((await (await asB('/webhooks')).json()) as { data: unknown[] }).data).toEqual([]);
    // A's token reaching B's host is not a session there either.
    expect(
      (await SELF.fetch(`http://${b.host}/api/v1/webhooks`, { headers: { Authorization: a.bearer } })).status,
    ).toBe(401);
  });

  it('only owners and admins reach the webhooks pages', async () => {
    const seller = await shop('ventas');
    expect((await get(seller.host, '/settings/webhooks', { headers: { Cookie: seller.cookie } })).status).toBe(403);
    expect(
      (
        await postForm(
          seller.host,
          '/settings/webhooks',
          { url: 'https://hooks.example.com/x' },
          { Cookie: seller.cookie },
        )
      ).status,
    ).toBe(403);
  });
});
