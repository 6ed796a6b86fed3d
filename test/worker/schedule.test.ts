/**
 * The shop's daily scheduled work (src/services/shop/schedule.ts, src/jobs/shop-schedule.ts): the
 * fan-out queues one 'shop.daily' per active shop for the shop-local date; the job claims the
 * (job, period) run once, writes recall / overdue lab order / NCF range / certificate events into
 * the outbox and queues their dispatch. Each test has its own shops and fixed dates.
 */
import { and, eq, like } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import {
  automations,
  contacts,
  ecfSettings,
  fiscalSequences,
  labOrders,
  labStages,
  messageTemplates,
  prescriptions,
  scheduledRuns,
  shopEvents,
} from '../../src/db/tenant-schema';
import { addDays } from '../../src/domain/dates';
import { dueRecalls } from '../../src/domain/recalls';
import type { Bindings } from '../../src/env';
import { jobHandlers } from '../../src/jobs';
import { queueDailyRuns, queueShopSweeps, shopScheduleJobHandlers } from '../../src/jobs/shop-schedule';
import {
  createWebhookEndpoint,
  deliverWebhook,
  queueWebhookDeliveries,
  verifyWebhookSignature,
} from '../../src/services/shop/webhooks';
import type { JobMessage } from '../../src/tenancy/jobs';
import { consumeJobs } from '../../src/tenancy/queue';
import { recordingJobs } from '../support/worker/ecf';
import { tenantContext, testEnv } from '../support/worker/helpers';
import { shop } from '../support/worker/shop';
import { receiver, serviceContext } from '../support/worker/webhooks';

const period = '2026-12-06';

async function scheduleShop() {
  const s = await shop('owner');
  const context = await tenantContext(s.tenant.id);
  const { jobs, sent } = recordingJobs();
  // Sequences a new shop may come with are not this test's subject.
  await s.db.update(fiscalSequences).set({ active: false });
  return { ...s, ctx: { ...context, jobs }, sent };
}

type ScheduleShop = Awaited<ReturnType<typeof scheduleShop>>;

async function patient(s: ScheduleShop, name: string, archived = false) {
  const [row] = await s.db
    .insert(contacts)
    .values({ name, archivedAt: archived ? new Date() : null })
    .returning();
  return row!.id;
}

async function rx(
  s: ScheduleShop,
  patientId: string,
  examinedOn: string,
  nextVisitOn: string | null,
  createdAt?: Date,
) {
  const [row] = await s.db
    .insert(prescriptions)
    .values({
      patientId,
      branchId: s.main.id,
      examinedOn,
      nextVisitOn,
      optometristName: 'Dra. Pérez',
      ...(createdAt ? { createdAt } : {}),
    })
    .returning();
  return row!;
}

async function recallAutomations(s: ScheduleShop, days: number[]) {
  const [template] = await s.db
    .insert(messageTemplates)
    .values({
      event: 'recall.due',
      channel: 'email',
      name: `Control ${crypto.randomUUID()}`,
      subject: 'Control',
      body: 'Hola {{cliente}}',
    })
    .returning();
  for (const daysBefore of days)
    await s.db.insert(automations).values({
      name: `Recordatorio ${daysBefore}`,
      event: 'recall.due',
      condition: { daysBefore },
      templateId: template!.id,
      channel: 'email',
    });
  // A disabled one does not count.
  await s.db.insert(automations).values({
    name: 'Apagado',
    event: 'recall.due',
    condition: { daysBefore: 14 },
    templateId: template!.id,
    channel: 'email',
    enabled: false,
  });
}

async function events(s: ScheduleShop, type: string) {
  return s.db.select().from(shopEvents).where(eq(shopEvents.type, type)).orderBy(shopEvents.key);
}

const daily = (s: ScheduleShop, at = period) => shopScheduleJobHandlers['shop.daily']!(s.ctx, { period: at }, testEnv);

describe('shop.daily', () => {
  it('emits recalls from each patient latest prescription only, for the automations day counts', async () => {
    const s = await scheduleShop();
    await recallAutomations(s, [0, 30]);
    const ana = await patient(s, 'Ana');
    const beto = await patient(s, 'Beto');
    const carla = await patient(s, 'Carla');
    const dario = await patient(s, 'Darío');
    const eva = await patient(s, 'Eva');
    const gone = await patient(s, 'Archivado', true);
    const rows = [
      await rx(s, ana, '2025-12-01', addDays(period, 30)), // older Rx: replaced by the next one
      await rx(s, ana, '2026-06-01', '2027-06-01'),
      await rx(s, beto, '2026-05-10', addDays(period, 30)), // due in 30 days
      await rx(s, carla, '2025-12-06', period), // older Rx due today ...
      await rx(s, carla, '2026-10-01', null), // ... but the latest has no next visit
      await rx(s, dario, '2026-11-01', addDays(period, 30), new Date('2026-11-01T13:00:00Z')),
      await rx(s, dario, '2026-11-01', period, new Date('2026-11-01T15:00:00Z')), // same day, entered later: due today
      await rx(s, eva, '2025-12-06', addDays(period, 7)), // 7 is not one of this shop's counts
      await rx(s, gone, '2025-12-06', period),
    ];
    await daily(s);

    const recalls = await events(s, 'recall.due');
    const expected = [
      { rx: rows[2]!, days: 30, patientId: beto, nextVisitOn: '2027-01-05' },
      { rx: rows[6]!, days: 0, patientId: dario, nextVisitOn: '2026-12-06' },
    ];
    expect(
      recalls
        .map((event) => ({ key: event.key, subjectId: event.subjectId, payload: event.payload }))
        .sort((a, b) => a.key.localeCompare(b.key)),
    ).toEqual(
      expected
        .map((due) => ({
          key: `recall.due:${due.rx.id}:${due.days}`,
          subjectId: due.rx.id,
          payload: { daysBefore: due.days, nextVisitOn: due.nextVisitOn, patientId: due.patientId },
        }))
        .sort((a, b) => a.key.localeCompare(b.key)),
    );
    // The SQL and the pure rule agree on the same rows (the archived patient aside).
    const pure = dueRecalls(
      period,
      [0, 30],
      rows.filter((row) => row.patientId !== gone).map((row) => ({ ...row, createdAt: row.createdAt.toISOString() })),
    );
    expect(pure.map((due) => `recall.due:${due.prescriptionId}:${due.daysBefore}`).sort()).toEqual(
      recalls.map((event) => event.key),
    );
    expect(s.sent).toEqual([{ job: 'events.dispatch', payload: {}, delaySeconds: undefined }]);
    const [run] = await s.db.select().from(scheduledRuns).where(eq(scheduledRuns.period, period));
    expect(run).toMatchObject({ job: 'shop.daily', status: 'done', detail: { recalls: 2, recallDays: [0, 30] } });
  });

  it('uses 7 days when the shop has no recall automation', async () => {
    const s = await scheduleShop();
    const eva = await patient(s, 'Eva');
    const row = await rx(s, eva, '2025-12-06', '2026-12-13');
    await daily(s);
    expect((await events(s, 'recall.due')).map((event) => event.key)).toEqual([`recall.due:${row.id}:7`]);
  });

  it('emits overdue lab orders, low or expiring NCF ranges and the expiring certificate, once each', async () => {
    const s = await scheduleShop();
    const customer = await patient(s, 'Cliente Lab');
    const stages = await s.db.select().from(labStages).orderBy(labStages.position);
    const initial = stages.find((stage) => stage.isInitial)!;
    const order = async (promisedOn: string | null, closed = false) => {
      const [row] = await s.db
        .insert(labOrders)
        .values({
          branchId: s.main.id,
          customerId: customer,
          stageId: initial.id,
          promisedOn,
          closedAt: closed ? new Date() : null,
        })
        .returning();
      return row!;
    };
    const late = await order('2026-12-05');
    const today = await order(period); // promised today: not late yet
    await order('2026-11-01', true); // delivered
    await order(null);

    const sequence = async (prefix: string, rangeEnd: number, nextNumber: number, validUntil: string) => {
      const [row] = await s.db
        .insert(fiscalSequences)
        .values({ docType: prefix, prefix, rangeStart: 1, rangeEnd, nextNumber, validUntil, active: true })
        .returning();
      return row!;
    };
    const fortyOneLeft = await sequence('B01', 100, 60, '2027-12-31'); // 41 <= 50
    const ninetySixLeft = await sequence('B02', 1000, 905, '2027-12-31'); // 96 <= 10% of 1000
    const fiveLeft = await sequence('B14', 100, 96, '2027-12-31'); // 5 <= 10
    const expiring = await sequence('B15', 1000, 1, '2026-12-20'); // 14 days away
    await sequence('B16', 1000, 1, '2027-12-31'); // healthy
    await s.db.insert(ecfSettings).values({
      sealedCredentials: 'x',
      subject: 'CN=Prueba',
      taxId: '130123454',
      issuer: 'CN=CA',
      serialNumber: 'ABC123',
      notBefore: new Date('2025-12-11T00:00:00Z'),
      // 23:59 of 2026-12-11 in Santo Domingo: five days after the period.
      notAfter: new Date('2026-12-12T03:59:00Z'),
    });

    await daily(s);
    expect((await events(s, 'lab_order.overdue')).map((event) => [event.key, event.subjectId])).toEqual([
      [`lab_order.overdue:${late.id}:2026-12-05`, late.id],
    ]);
    expect((await events(s, 'fiscal.range_low')).map((event) => event.key).sort()).toEqual(
      [
        `fiscal.range_low:${fortyOneLeft.id}:50`,
        `fiscal.range_low:${ninetySixLeft.id}:100`,
        `fiscal.range_low:${fiveLeft.id}:10`,
        `fiscal.range_low:${expiring.id}:expires-2026-12-20`,
      ].sort(),
    );
    const [certificate] = await events(s, 'ecf.certificate_expiring');
    expect(certificate).toMatchObject({
      key: 'ecf.certificate_expiring:ABC123:7',
      payload: { daysLeft: 5, threshold: 7 },
    });

    // The next day's run adds only what is new: the late order is not announced twice, the one
    // promised for the first day now is, and the range that ran out announces its last level.
    await s.db.update(fiscalSequences).set({ nextNumber: 101 }).where(eq(fiscalSequences.id, fiveLeft.id));
    await daily(s, '2026-12-07');
    expect((await events(s, 'lab_order.overdue')).map((event) => event.key).sort()).toEqual(
      [`lab_order.overdue:${late.id}:2026-12-05`, `lab_order.overdue:${today.id}:2026-12-06`].sort(),
    );
    expect(
      (
        await s.db
          .select()
          .from(shopEvents)
          .where(like(shopEvents.key, `fiscal.range_low:${fiveLeft.id}:%`))
      ).map((event) => event.key),
    ).toEqual([`fiscal.range_low:${fiveLeft.id}:10`, `fiscal.range_low:${fiveLeft.id}:0`]);
  });

  it('runs once for a period delivered three times at once and again later', async () => {
    const s = await scheduleShop();
    const eva = await patient(s, 'Eva');
    await rx(s, eva, '2025-12-06', '2026-12-13');
    const { runDailySchedule } = await import('../../src/services/shop/schedule');
    const results = await Promise.all([1, 2, 3].map(() => runDailySchedule(s.ctx, period)));
    expect(results.filter((result) => result.ran)).toHaveLength(1);
    expect(results.find((result) => result.ran)).toMatchObject({ recalls: 1 });
    expect(await runDailySchedule(s.ctx, period)).toMatchObject({ ran: false });
    expect(await events(s, 'recall.due')).toHaveLength(1);
    expect(await s.db.select().from(scheduledRuns)).toHaveLength(1);
    expect(s.sent.filter((message) => message.job === 'events.dispatch')).toHaveLength(1);
  });
});

interface FakeMessage {
  body: JobMessage;
  id: string;
  attempts: number;
  outcome?: 'ack' | 'retry';
  ack(): void;
  retry(): void;
}

function message(tenantId: string, payload: unknown): FakeMessage {
  return {
    body: { tenantId, job: 'shop.daily', payload },
    id: crypto.randomUUID(),
    attempts: 1,
    ack() {
      this.outcome = 'ack';
    },
    retry() {
      this.outcome = 'retry';
    },
  };
}

/** A Queue producer that records what a Cron Trigger's fan-out sends, batch by batch. */
function recordingQueue() {
  const sent: JobMessage[] = [];
  const batches: number[] = [];
  const JOBS = {
    sendBatch: async (messages: Array<{ body: JobMessage }>) => {
      batches.push(messages.length);
      for (const message of messages) sent.push(message.body);
    },
  };
  return { sent, batches, env: { ...testEnv, JOBS } as unknown as Bindings };
}

/** Full batches of 100 (Queues' limit), then the rest. */
const batchSizes = (count: number) => [
  ...Array(Math.floor(count / 100)).fill(100),
  ...(count % 100 ? [count % 100] : []),
];

describe('fan-out', () => {
  it('queues one shop.daily per active shop for the Santo Domingo date of the trigger', async () => {
    const a = await scheduleShop();
    const b = await scheduleShop();
    const { sent, batches, env } = recordingQueue();
    // 11:00 UTC is 07:00 in Santo Domingo; 02:00 UTC is still the day before there.
    const shops = await queueDailyRuns(env, Date.parse('2026-12-06T11:00:00Z'));
    expect(shops).toEqual(expect.arrayContaining([a.tenant.id, b.tenant.id]));
    expect(sent).toHaveLength(shops.length);
    expect(batches).toEqual(batchSizes(shops.length));
    expect(sent.filter((body) => body.tenantId === a.tenant.id)).toEqual([
      { tenantId: a.tenant.id, job: 'shop.daily', payload: { period: '2026-12-06' } },
    ]);
    sent.length = 0;
    await queueDailyRuns(env, Date.parse('2026-12-07T02:00:00Z'));
    expect(sent.find((body) => body.tenantId === b.tenant.id)?.payload).toEqual({ period: '2026-12-06' });
  });

  it('a failing shop does not stop another; its retry claims the failed run again', async () => {
    const broken = await scheduleShop();
    const healthy = await scheduleShop();
    for (const s of [broken, healthy]) await rx(s, await patient(s, 'Eva'), '2025-12-06', '2026-12-13');
    await broken.db.execute('ALTER TABLE lab_orders RENAME TO lab_orders_away');
    const messages = [message(broken.tenant.id, { period }), message(healthy.tenant.id, { period })];
    await consumeJobs(messages as unknown as Message<JobMessage>[], testEnv, jobHandlers);
    expect(messages.map((m) => m.outcome)).toEqual(['retry', 'ack']);
    const runOf = async (s: ScheduleShop) =>
      (
        await s.db
          .select()
          .from(scheduledRuns)
          .where(and(eq(scheduledRuns.job, 'shop.daily'), eq(scheduledRuns.period, period)))
      )[0];
    expect(await runOf(healthy)).toMatchObject({ status: 'done' });
    expect(await events(healthy, 'recall.due')).toHaveLength(1);
    expect(await runOf(broken)).toMatchObject({ status: 'failed' });
    expect(await events(broken, 'recall.due')).toHaveLength(0);

    await broken.db.execute('ALTER TABLE lab_orders_away RENAME TO lab_orders');
    const again = [message(broken.tenant.id, { period }), message(healthy.tenant.id, { period })];
    await consumeJobs(again as unknown as Message<JobMessage>[], testEnv, jobHandlers);
    expect(again.map((m) => m.outcome)).toEqual(['ack', 'ack']);
    expect(await runOf(broken)).toMatchObject({ status: 'done' });
    expect(await events(broken, 'recall.due')).toHaveLength(1);
    expect(await events(healthy, 'recall.due')).toHaveLength(1);
  });

  it('refuses a malformed period without running anything', async () => {
    const s = await scheduleShop();
    await expect(shopScheduleJobHandlers['shop.daily']!(s.ctx, { period: '06/12/2026' }, testEnv)).rejects.toThrow();
    expect(await s.db.select().from(scheduledRuns)).toHaveLength(0);
  });
});

describe('from the schedule to the webhooks', () => {
  it("a scheduled event is dispatched to the shop's webhook endpoint, signed, once", async () => {
    const s = await scheduleShop();
    const eva = await patient(s, 'Eva');
    const row = await rx(s, eva, '2025-12-06', '2026-12-13');
    const { ctx } = await serviceContext(s.tenant, s.user, 'owner');
    const { secret } = await createWebhookEndpoint(ctx, {
      url: 'https://hooks.example.com/recalls',
      events: ['recall.due'],
    });
    await daily(s);
    const { dispatchEvents } = await import('../../src/services/shop/event-dispatch');
    const dispatchCtx = { ...s.ctx, env: testEnv };
    await Promise.all([1, 2, 3].map(() => dispatchEvents(dispatchCtx)));
    const deliveries = s.sent.filter((message) => message.job === 'webhooks.deliver');
    expect(deliveries).toHaveLength(1);
    const target = receiver();
    await deliverWebhook(dispatchCtx, deliveries[0]!.payload.id, { fetch: target.fetch });
    expect(target.received).toHaveLength(1);
    const post = target.received[0]!;
    expect(post.headers.get('optiflow-event')).toBe('recall.due');
    expect(JSON.parse(post.body).data).toEqual({
      subjectId: row.id,
      daysBefore: 7,
      nextVisitOn: '2026-12-13',
      patientId: eva,
    });
    expect(await verifyWebhookSignature(secret, post.headers.get('optiflow-signature'), post.body)).toBe(true);
  });

  it('the 5-minute fan-out queues one sweep per active shop in batches; the sweep runs e-CF, messages and webhooks, one failing not stopping the others', async () => {
    const s = await scheduleShop();
    const { sent, batches, env } = recordingQueue();
    const count = await queueShopSweeps(env);
    expect(sent).toHaveLength(count);
    expect(batches).toEqual(batchSizes(count));
    expect(sent.filter((body) => body.tenantId === s.tenant.id)).toEqual([
      { tenantId: s.tenant.id, job: 'shop.sweep', payload: {} },
    ]);
    const { ctx } = await serviceContext(s.tenant, s.user, 'owner');
    await createWebhookEndpoint(ctx, { url: 'https://hooks.example.com/sweep' });
    const key = `invoice.issued:${crypto.randomUUID()}`;
    const [id] = await queueWebhookDeliveries(ctx, { id: crypto.randomUUID(), type: 'invoice.issued', key });
    // The messages' sweep fails this time: the webhooks' still runs, and the message is retried.
    const messagesSweep = jobHandlers['messages.sweep']!;
    jobHandlers['messages.sweep'] = async () => {
      throw new Error('messages sweep down');
    };
    try {
      await expect(jobHandlers['shop.sweep']!(s.ctx, {}, testEnv)).rejects.toThrow(/1 of the shop's sweeps failed/);
    } finally {
      jobHandlers['messages.sweep'] = messagesSweep;
    }
    expect(s.sent).toEqual([{ job: 'webhooks.deliver', payload: { id }, delaySeconds: undefined }]);
  });
});
