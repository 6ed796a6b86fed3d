/**
 * Row 21: messages per second through the queue to the messaging stand-in. A shop with its WhatsApp
 * and e-mail channels set up (credentials sealed as the settings page seals them) holds N queued
 * outbound messages; one run of the 5-minute cron (wrangler dev's /__scheduled) queues the shop's
 * messages.sweep, which queues one messages.send per due message; the queue consumer claims each
 * row, sends it to the stand-in and marks it sent. The rate is what the stand-in received, first to
 * last; "once" checks that every message arrived exactly once and every row ended 'sent'.
 */
import http from 'node:http';
import { eq } from 'drizzle-orm';
import type { DevStack } from '../dev/stack';
import { tenantDb } from '../src/db/client';
import { messageChannels, outboundMessages } from '../src/db/tenant-schema';
import { channelAssociatedData } from '../src/services/shop/messaging';
import { encryptionKeyFor, encryptSecret } from '../src/tenancy/crypto';
import { tenantConnection } from '../src/tenancy/lifecycle';
import type { Platform } from '../src/tenancy/platform';
import { createTenant } from '../src/tenancy/provisioning';
import { type Row, blankRow } from './row';

const plan = { whatsapp: 300, email: 200, drainTimeoutMs: 300_000 };

export async function messagingRows(
  platform: Platform,
  stack: DevStack,
  port: number,
  progress: (line: string) => void,
): Promise<Row[]> {
  const total = plan.whatsapp + plan.email;
  progress(`row 21: ${total} queued messages sent by the queue to the messaging stand-in...`);
  const id = `bench-msg-${Date.now().toString(36)}`;
  await createTenant(platform, { id, name: 'Óptica Mensajes', domains: [id] });
  const { connectionString } = await tenantConnection(platform, id);
  const db = tenantDb(connectionString);
  const phoneNumberId = `9${String(Date.now()).slice(-14)}`;
  const apiKey = `re_bench_${id}`;
  const key = await encryptionKeyFor(stack.env.ENCRYPTION_KEY!);
  const seal = (kind: 'whatsapp' | 'email', value: object) =>
    encryptSecret(key, JSON.stringify(value), channelAssociatedData(id, kind));
  await db.insert(messageChannels).values([
    {
      kind: 'whatsapp',
      enabled: true,
      sealedCredentials: await seal('whatsapp', { token: 'EAAGbench', appSecret: 'bench' }),
      display: '+1 809 555 0100',
      settings: { phoneNumberId },
    },
    {
      kind: 'email',
      enabled: true,
      sealedCredentials: await seal('email', { apiKey }),
      display: 'avisos@bench.test',
      settings: { from: 'avisos@bench.test', fromName: 'Óptica Mensajes' },
    },
  ]);
  const rows = [
    ...Array.from({ length: plan.whatsapp }, (_, i) => ({
      channel: 'whatsapp' as const,
      recipient: `1809${String(i).padStart(7, '0')}`,
    })),
    ...Array.from({ length: plan.email }, (_, i) => ({
      channel: 'email' as const,
      recipient: `cliente${i}@bench.test`,
    })),
  ].map((row, i) => ({
    ...row,
    idempotencyKey: `bench:${i}/${row.recipient}/${row.channel}`,
    event: 'lab_order.stage_entered',
    subject: row.channel === 'email' ? 'Sus lentes están listos' : null,
    body: `Hola, sus lentes están listos (${i}).`,
  }));
  await db.insert(outboundMessages).values(rows);

  const started = performance.now();
  const status = await scheduled(port, '*/5 * * * *');
  if (status !== 200)
    throw new Error(`/__scheduled answered ${status}: is wrangler dev running with --test-scheduled?`);
  let sent = 0;
  let movedAt = performance.now();
  // A stalled queue is a result too: stop waiting once nothing moved for 30 s.
  while (performance.now() - started < plan.drainTimeoutMs && performance.now() - movedAt < 30_000) {
    const now = (
      await db.select({ id: outboundMessages.id }).from(outboundMessages).where(eq(outboundMessages.status, 'sent'))
    ).length;
    if (now > sent) movedAt = performance.now();
    sent = now;
    if (sent >= total) break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const drainSeconds = (performance.now() - started) / 1000;
  const received = [
    ...(await standinMessages(stack.messagingUrl, phoneNumberId)),
    ...(await standinMessages(stack.messagingUrl, apiKey)),
  ];
  const times = received.map((message) => Date.parse(message.receivedAt));
  const spanSeconds = (Math.max(...times) - Math.min(...times)) / 1000;
  const perSecond = times.length > 1 ? (times.length - 1) / spanSeconds : 0;
  const once =
    new Set(received.map((message) => message.to.join())).size === received.length && received.length === total;
  return [
    {
      ...blankRow,
      id: '21',
      scenario: `Messages through the queue to the WhatsApp + e-mail stand-in (${plan.whatsapp} WhatsApp, ${plan.email} e-mail, one shop)`,
      load: `${total} queued, one cron sweep`,
      time: `${drainSeconds.toFixed(1)} s to ${sent} sent`,
      throughput: `${perSecond.toFixed(1)} messages/s`,
      target: 'each message received once',
      met: once && sent === total ? 'met' : 'not met',
    },
  ];
}

async function standinMessages(url: string, scope: string): Promise<Array<{ to: string[]; receivedAt: string }>> {
  const response = await fetch(`${url}/_control/messages?scope=${encodeURIComponent(scope)}`);
  return ((await response.json()) as { messages: Array<{ to: string[]; receivedAt: string }> }).messages;
}

/** wrangler dev's test route for Cron Triggers (`--test-scheduled`). */
function scheduled(port: number, cron: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = http.get(
      {
        host: '127.0.0.1',
        port,
        path: `/__scheduled?cron=${encodeURIComponent(cron)}`,
        headers: { host: `localhost:${port}` },
      },
      (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
      },
    );
    request.on('error', reject);
  });
}
