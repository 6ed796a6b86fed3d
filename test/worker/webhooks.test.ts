/**
 * Outbound webhooks (src/services/shop/webhooks.ts): endpoints with a sealed secret shown once,
 * one delivery per (endpoint, event key), the delivery job signing and POSTing to a receiver that
 * verifies the signature with the exported verifier, retries with backoff, and exactly one POST
 * when the same job runs five times at once. Each test has its own shop; the test delivers the
 * queued jobs itself (recordingJobs) through an injected fetch to its own receiver.
 */
import { eq } from 'drizzle-orm';
import { SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { webhookDeliveries, webhookEndpoints } from '../../src/db/tenant-schema';
import { AppError } from '../../src/errors';
import type { ShopContext } from '../../src/services/shop/context';
import {
  createWebhookEndpoint,
  deliverWebhook,
  getWebhookEndpoint,
  maxWebhookAttempts,
  queueDueWebhookDeliveries,
  queueWebhookDeliveries,
  redeliverWebhook,
  rotateWebhookSecret,
  sendTestWebhook,
  setWebhookEndpointEnabled,
  verifyWebhookSignature,
  webhookBackoffSeconds,
} from '../../src/services/shop/webhooks';
import { countRoundTrips, get, postForm } from '../support/worker/helpers';
import { shop } from '../support/worker/shop';
import { receiver, webhookShop } from '../support/worker/webhooks';

const event = (type = 'invoice.issued') => {
  const id = crypto.randomUUID();
  return {
    id,
    type,
    key: `${type}:${crypto.randomUUID()}`,
    subjectId: crypto.randomUUID(),
    payload: { total: '1500.00' },
    occurredAt: new Date('2026-12-06T12:00:00Z'),
  };
};

async function deliveryRow(ctx: ShopContext, id: string) {
  const [row] = await ctx.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.id, id));
  return row!;
}

/** Makes a waiting delivery due now, as time passing would. */
async function makeDue(ctx: ShopContext, id: string) {
  await ctx.db
    .update(webhookDeliveries)
    .set({ nextAttemptAt: new Date(Date.now() - 1000) })
    .where(eq(webhookDeliveries.id, id));
}

function refusal(error: unknown) {
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describe('webhook endpoints', () => {
  it('creates an endpoint whose secret is returned once and stored only sealed', async () => {
    const { ctx } = await webhookShop();
    const { endpoint, secret } = await createWebhookEndpoint(ctx, {
      url: 'https://hooks.example.com/optiflow',
      description: 'ERP',
      events: ['invoice.issued'],
    });
    expect(secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(endpoint).not.toHaveProperty('sealedSecret');
    const [row] = await ctx.db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, endpoint.id));
    expect(row!.sealedSecret).not.toContain(secret.slice(6));
    expect(row!.events).toEqual(['invoice.issued']);
    const page = await getWebhookEndpoint(ctx, endpoint.id);
    expect(JSON.stringify(page)).not.toContain(secret);

    const rotated = await rotateWebhookSecret(ctx, endpoint.id);
    expect(rotated.secret).not.toBe(secret);
    const [after] = await ctx.db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, endpoint.id));
    expect(after!.sealedSecret).not.toBe(row!.sealedSecret);
  });

  it('refuses bad URLs and unknown events with field messages, and other roles', async () => {
    const { ctx } = await webhookShop();
    for (const [url, field] of [
      ['http://hooks.example.com/x', 'La dirección debe usar https://.'],
      ['https://192.168.1.5/x', 'La dirección no puede ser una red privada ni local.'],
      ['nada', 'Escriba una dirección web completa, por ejemplo https://ejemplo.com/webhooks.'],
    ] as const) {
      const error = refusal(await createWebhookEndpoint(ctx, { url }).catch((e) => e));
      expect(error.code).toBe('validation');
      expect(error.fields).toEqual({ url: field });
    }
    const error = refusal(
      await createWebhookEndpoint(ctx, { url: 'https://hooks.example.com/x', events: ['invoice.deleted'] }).catch(
        (e) => e,
      ),
    );
    expect(error.fields).toEqual({ events: 'Elija eventos de la lista.' });
    // Development and tests may use a local receiver.
    await expect(createWebhookEndpoint(ctx, { url: 'http://127.0.0.1:9999/hook' })).resolves.toBeTruthy();

    const seller = await webhookShop('ventas');
    const forbidden = refusal(
      await createWebhookEndpoint(seller.ctx, { url: 'https://hooks.example.com/x' }).catch((e) => e),
    );
    expect(forbidden.code).toBe('forbidden');
  });
});

describe('webhook deliveries', () => {
  it('signs the body so the receiver verifies it with the secret; a tampered body does not verify', async () => {
    const { ctx, sent } = await webhookShop();
    const { endpoint, secret } = await createWebhookEndpoint(ctx, { url: 'https://hooks.example.com/in' });
    const happened = event();
    const [id] = await queueWebhookDeliveries(ctx, happened);
    expect(sent).toEqual([{ job: 'webhooks.deliver', payload: { id }, delaySeconds: undefined }]);
    const target = receiver();
    expect(await deliverWebhook(ctx, id!, { fetch: target.fetch })).toBe('delivered');

    expect(target.received).toHaveLength(1);
    const [post] = target.received;
    expect(post!.url).toBe('https://hooks.example.com/in');
    expect(post!.headers.get('content-type')).toBe('application/json');
    expect(post!.headers.get('optiflow-event')).toBe('invoice.issued');
    expect(post!.headers.get('optiflow-delivery')).toBe(id);
    expect(JSON.parse(post!.body)).toEqual({
      id: happened.id,
      type: 'invoice.issued',
      created: Math.floor(Date.parse('2026-12-06T12:00:00Z') / 1000),
      data: { subjectId: happened.subjectId, total: '1500.00' },
    });
    const signature = post!.headers.get('optiflow-signature');
    expect(await verifyWebhookSignature(secret, signature, post!.body, 300)).toBe(true);
    expect(await verifyWebhookSignature(secret, signature, post!.body.replace('1500.00', '1.00'), 300)).toBe(false);
    expect(await verifyWebhookSignature('whsec_other', signature, post!.body, 300)).toBe(false);

    const row = await deliveryRow(ctx, id!);
    expect(row).toMatchObject({ status: 'delivered', attempts: 1, responseStatus: 200, responseExcerpt: 'ok' });
    expect(row.deliveredAt).toBeInstanceOf(Date);

    // After rotation the old secret no longer verifies what is sent.
    const { secret: fresh } = await rotateWebhookSecret(ctx, endpoint.id);
    const testId = await sendTestWebhook(ctx, endpoint.id);
    await deliverWebhook(ctx, testId, { fetch: target.fetch });
    const testPost = target.received[1]!;
    expect(JSON.parse(testPost.body).type).toBe('webhook.test');
    expect(await verifyWebhookSignature(fresh, testPost.headers.get('optiflow-signature'), testPost.body)).toBe(true);
    expect(await verifyWebhookSignature(secret, testPost.headers.get('optiflow-signature'), testPost.body)).toBe(false);
  });

  it('makes one delivery per endpoint and event key, only for endpoints that take the event and are enabled', async () => {
    const { ctx, sent } = await webhookShop();
    const all = await createWebhookEndpoint(ctx, { url: 'https://a.example.com/' });
    const invoicesOnly = await createWebhookEndpoint(ctx, {
      url: 'https://b.example.com/',
      events: ['invoice.issued'],
    });
    const paymentsOnly = await createWebhookEndpoint(ctx, {
      url: 'https://c.example.com/',
      events: ['payment.received'],
    });
    const off = await createWebhookEndpoint(ctx, { url: 'https://d.example.com/' });
    await setWebhookEndpointEnabled(ctx, off.endpoint.id, false);

    const happened = event('invoice.issued');
    const results = await Promise.all([1, 2, 3].map(() => queueWebhookDeliveries(ctx, happened)));
    expect(results.flat()).toHaveLength(2);
    const rows = await ctx.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.eventKey, happened.key));
    expect(rows.map((row) => row.endpointId).sort()).toEqual([all.endpoint.id, invoicesOnly.endpoint.id].sort());
    expect(sent).toHaveLength(2);
    expect(await queueWebhookDeliveries(ctx, event('payment.received'))).toHaveLength(2);
    expect(paymentsOnly.endpoint.id).toBeTruthy();
  });

  it('five simultaneous runs of the same job POST once', async () => {
    const { ctx } = await webhookShop();
    await createWebhookEndpoint(ctx, { url: 'https://hooks.example.com/once' });
    const [id] = await queueWebhookDeliveries(ctx, event());
    const target = receiver();
    const outcomes = await Promise.all([1, 2, 3, 4, 5].map(() => deliverWebhook(ctx, id!, { fetch: target.fetch })));
    expect(target.received).toHaveLength(1);
    expect(outcomes.filter((outcome) => outcome === 'delivered')).toHaveLength(1);
    expect(outcomes.filter((outcome) => outcome === 'skipped')).toHaveLength(4);
    expect((await deliveryRow(ctx, id!)).attempts).toBe(1);
    // Delivered: a late duplicate of the job does nothing either.
    expect(await deliverWebhook(ctx, id!, { fetch: target.fetch })).toBe('skipped');
    expect(target.received).toHaveLength(1);
  });

  it('retries with backoff against a receiver that fails twice, then delivers', async () => {
    const { ctx, sent } = await webhookShop();
    await createWebhookEndpoint(ctx, { url: 'https://hooks.example.com/flaky' });
    const [id] = await queueWebhookDeliveries(ctx, event());
    sent.length = 0;
    const target = receiver([500, 503], 'x'.repeat(800));

    let before = Date.now();
    expect(await deliverWebhook(ctx, id!, { fetch: target.fetch })).toBe('pending');
    let row = await deliveryRow(ctx, id!);
    expect(row).toMatchObject({ status: 'pending', attempts: 1, responseStatus: 500 });
    expect(row.responseExcerpt).toHaveLength(500);
    expect(row.nextAttemptAt!.getTime()).toBeGreaterThanOrEqual(before + 60_000 - 1000);
    expect(row.nextAttemptAt!.getTime()).toBeLessThanOrEqual(Date.now() + 60_000 + 1000);
    expect(sent).toEqual([{ job: 'webhooks.deliver', payload: { id }, delaySeconds: 60 }]);

    // Not due yet: the queue's early or duplicate message does nothing.
    expect(await deliverWebhook(ctx, id!, { fetch: target.fetch })).toBe('skipped');
    expect(target.received).toHaveLength(1);

    await makeDue(ctx, id!);
    before = Date.now();
    expect(await deliverWebhook(ctx, id!, { fetch: target.fetch })).toBe('pending');
    row = await deliveryRow(ctx, id!);
    expect(row).toMatchObject({ status: 'pending', attempts: 2, responseStatus: 503 });
    expect(row.nextAttemptAt!.getTime()).toBeGreaterThanOrEqual(before + 300_000 - 1000);
    expect(row.nextAttemptAt!.getTime()).toBeLessThanOrEqual(Date.now() + 300_000 + 1000);
    expect(sent[1]).toEqual({ job: 'webhooks.deliver', payload: { id }, delaySeconds: 300 });

    await makeDue(ctx, id!);
    expect(await deliverWebhook(ctx, id!, { fetch: target.fetch })).toBe('delivered');
    row = await deliveryRow(ctx, id!);
    expect(row).toMatchObject({ status: 'delivered', attempts: 3, responseStatus: 200, nextAttemptAt: null });
    expect(target.received).toHaveLength(3);
    // The receiver dedupes on the delivery id: the same on every attempt, and so is the body.
    expect(new Set(target.received.map((post) => post.headers.get('optiflow-delivery')))).toEqual(new Set([id]));
    expect(new Set(target.received.map((post) => post.body)).size).toBe(1);
  });

  it('gives up after eight attempts; "Reenviar" starts it again; the sweep requeues what is due', async () => {
    const { ctx, sent } = await webhookShop();
    const { endpoint } = await createWebhookEndpoint(ctx, { url: 'https://hooks.example.com/down' });
    const [id] = await queueWebhookDeliveries(ctx, event());
    const failing = (async () => {
      throw new TypeError('Network connection lost.');
    }) as typeof fetch;
    const delays: number[] = [];
    for (let attempt = 1; attempt <= maxWebhookAttempts; attempt++) {
      sent.length = 0;
      const outcome = await deliverWebhook(ctx, id!, { fetch: failing });
      expect(outcome).toBe(attempt < maxWebhookAttempts ? 'pending' : 'failed');
      if (sent[0]) delays.push(sent[0].delaySeconds!);
      await makeDue(ctx, id!);
    }
    expect(delays).toEqual([60, 300, 1800, 7200, 21600, 43200, 43200]);
    expect(delays).toEqual([1, 2, 3, 4, 5, 6, 7].map(webhookBackoffSeconds));
    const failed = await deliveryRow(ctx, id!);
    expect(failed).toMatchObject({ status: 'failed', attempts: 8, responseStatus: null });
    expect(failed.responseExcerpt).toContain('Network connection lost.');
    expect(await deliverWebhook(ctx, id!, { fetch: receiver().fetch })).toBe('skipped');

    sent.length = 0;
    await redeliverWebhook(ctx, endpoint.id, id!);
    expect(sent).toEqual([{ job: 'webhooks.deliver', payload: { id }, delaySeconds: undefined }]);
    expect(await deliverWebhook(ctx, id!, { fetch: receiver().fetch })).toBe('delivered');
    expect(await deliveryRow(ctx, id!)).toMatchObject({ status: 'delivered', attempts: 1 });

    // A pending delivery whose queue message was lost is picked up by the sweep.
    const [lost] = await queueWebhookDeliveries(ctx, event());
    sent.length = 0;
    expect(await queueDueWebhookDeliveries(ctx)).toBe(1);
    expect(sent).toEqual([{ job: 'webhooks.deliver', payload: { id: lost }, delaySeconds: undefined }]);
  });

  it('a receiver that does not answer in time counts as a failed attempt (timeout), retried later; redirects are not followed', async () => {
    const { ctx } = await webhookShop();
    await createWebhookEndpoint(ctx, { url: 'https://hooks.example.com/slow' });
    const [id] = await queueWebhookDeliveries(ctx, event());
    const silent = ((_input: RequestInfo | URL, init?: RequestInit) =>
      new Promise((_resolve, reject) => {
        init?.signal?.addEventListener('abort', () => reject(init.signal?.reason));
      })) as typeof fetch;
    expect(await deliverWebhook(ctx, id!, { fetch: silent, timeoutMs: 50 })).toBe('pending');
    const row = await deliveryRow(ctx, id!);
    expect(row).toMatchObject({ status: 'pending', attempts: 1, responseStatus: null });
    expect(row.responseExcerpt).toMatch(/TimeoutError|timed? ?out|abort/i);

    await makeDue(ctx, id!);
    const moved = receiver([301], '');
    expect(await deliverWebhook(ctx, id!, { fetch: moved.fetch })).toBe('pending');
    expect(await deliveryRow(ctx, id!)).toMatchObject({ status: 'pending', attempts: 2, responseStatus: 301 });
  });

  it('a disabled endpoint is not sent to, even for a delivery queued before', async () => {
    const { ctx } = await webhookShop();
    const { endpoint } = await createWebhookEndpoint(ctx, { url: 'https://hooks.example.com/off' });
    const [id] = await queueWebhookDeliveries(ctx, event());
    await setWebhookEndpointEnabled(ctx, endpoint.id, false);
    const target = receiver();
    expect(await deliverWebhook(ctx, id!, { fetch: target.fetch })).toBe('failed');
    expect(target.received).toHaveLength(0);
    const error = refusal(await sendTestWebhook(ctx, endpoint.id).catch((e) => e));
    expect(error.code).toBe('conflict');
  });
});

describe('webhooks pages', () => {
  it('creates an endpoint by a plain form post, shows the secret once, and the detail page is one round trip', async () => {
    const s = await shop('owner');
    const refused = await postForm(
      s.host,
      '/settings/webhooks',
      { url: 'http://hooks.example.com/x', events: 'invoice.issued' },
      { Cookie: s.cookie },
    );
    expect(refused.status).toBe(422);
    const refusedHtml = await refused.text();
    expect(refusedHtml).toContain('La dirección debe usar https://.');
    expect(refusedHtml).toContain('value="http://hooks.example.com/x"');

    const body = new URLSearchParams([
      ['url', 'https://hooks.example.com/erp'],
      ['description', 'ERP central'],
      ['events', 'invoice.issued'],
      ['events', 'payment.received'],
    ]);
    const created = await SELF.fetch(`http://${s.host}/settings/webhooks`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: `http://${s.host}`, Cookie: s.cookie },
      body: body.toString(),
    });
    expect(created.status).toBe(201);
    expect(created.headers.get('cache-control')).toBe('no-store');
    const html = await created.text();
    const secret = /value="(whsec_[A-Za-z0-9_-]+)"/.exec(html)![1]!;
    const id = /\/settings\/webhooks\/([0-9a-f-]{36})\//.exec(html)![1]!;
    const [row] = await s.db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, id));
    expect(row).toMatchObject({
      url: 'https://hooks.example.com/erp',
      description: 'ERP central',
      events: ['invoice.issued', 'payment.received'],
    });

    const database = `optiflow_${s.tenant.id.replace(/-/g, '_')}`;
    let page = '';
    const trips = await countRoundTrips(database, async () => {
      const response = await get(s.host, `/settings/webhooks/${id}`, { headers: { Cookie: s.cookie } });
      expect(response.status).toBe(200);
      page = await response.text();
    });
    expect(trips).toBe(1);
    expect(page).not.toContain(secret);
    expect(page).toContain('Factura emitida, Pago recibido');

    const list = await (await get(s.host, '/settings/webhooks', { headers: { Cookie: s.cookie } })).text();
    expect(list).toContain('https://hooks.example.com/erp');
    expect(list).not.toContain(secret);

    const rotated = await postForm(s.host, `/settings/webhooks/${id}/rotate`, {}, { Cookie: s.cookie });
    expect(rotated.status).toBe(200);
    const fresh = /value="(whsec_[A-Za-z0-9_-]+)"/.exec(await rotated.text())![1]!;
    expect(fresh).not.toBe(secret);

    const disabled = await postForm(s.host, `/settings/webhooks/${id}/enabled`, { enabled: '0' }, { Cookie: s.cookie });
    expect(disabled.status).toBe(303);
    expect(disabled.headers.get('location')).toBe(`/settings/webhooks/${id}`);
    const [off] = await s.db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, id));
    expect(off!.enabled).toBe(false);
    expect(
      (await postForm(s.host, `/settings/webhooks/${id}/enabled`, { enabled: 'yes' }, { Cookie: s.cookie })).status,
    ).toBe(422);
  });
});

describe('webhooks API', () => {
  it('creates, lists, reads, disables and rotates with a token; bad input is a 422 problem', async () => {
    const s = await shop('owner');
    const api = (path: string, init: RequestInit = {}) =>
      SELF.fetch(`http://${s.host}/api/v1${path}`, {
        ...init,
        headers: { Authorization: s.bearer, 'Content-Type': 'application/json', ...(init.headers ?? {}) },
      });
    const refused = await api('/webhooks', { method: 'POST', body: JSON.stringify({ url: 'https://10.0.0.8/x' }) });
    expect(refused.status).toBe(422);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    expect((await refused.json()) as object).toMatchObject({
      errors: [{ field: 'url', message: 'La dirección no puede ser una red privada ni local.' }],
    });
    expect((await api('/webhooks', { method: 'POST', body: JSON.stringify({ url: 42 }) })).status).toBe(422);

    const created = await api('/webhooks', {
      method: 'POST',
      body: JSON.stringify({ url: 'https://hooks.example.com/api', events: ['lab_order.overdue'] }),
    });
    expect(created.status).toBe(201);
    expect(created.headers.get('cache-control')).toBe('no-store');
    const { endpoint, secret } = (await created.json()) as { endpoint: { id: string }; secret: string };
    expect(secret).toMatch(/^whsec_/);

    const list = (await (await api('/webhooks')).json()) as { data: Array<{ id: string; events: string[] }> };
    expect(list.data).toEqual([
      expect.objectContaining({ id: endpoint.id, events: ['lab_order.overdue'], enabled: true }),
    ]);
    expect(JSON.stringify(list)).not.toContain(secret);

    const patched = await api(`/webhooks/${endpoint.id}`, {
      method: 'PATCH',
      body: JSON.stringify({ enabled: false }),
    });
    expect(((await patched.json()) as { enabled: boolean }).enabled).toBe(false);
    const detail = (await (await api(`/webhooks/${endpoint.id}`)).json()) as {
      endpoint: { enabled: boolean };
      deliveries: [];
    };
    expect(detail).toMatchObject({ endpoint: { enabled: false }, deliveries: [] });

    const rotated = (await (await api(`/webhooks/${endpoint.id}/rotate`, { method: 'POST' })).json()) as {
      secret: string;
    };
    expect(rotated.secret).toMatch(/^whsec_/);
    expect(rotated.secret).not.toBe(secret);
    expect((await api(`/webhooks/${crypto.randomUUID()}`)).status).toBe(404);
    expect((await api('/webhooks/not-a-uuid')).status).toBe(404);
  });
});
