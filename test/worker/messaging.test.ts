import { eq, isNull } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import type { SessionUser } from '../../src/auth/session';
import { company, contacts, outboundMessages, shopEvents, webhookDeliveries } from '../../src/db/tenant-schema';
import { jobHandlers } from '../../src/jobs';
import type { ShopContext } from '../../src/services/shop/context';
import { eventInsert } from '../../src/services/shop/events';
import {
  createAutomation,
  createDefaultTemplates,
  messagingSettings,
  saveEmailChannel,
  saveTemplate,
  saveWhatsappChannel,
  setContactConsent,
} from '../../src/services/shop/messaging-settings';
import { recordPayment } from '../../src/services/shop/payments';
import { createWebhookEndpoint } from '../../src/services/shop/webhooks';
import { api } from '../support/worker/api';
import { recordingJobs } from '../support/worker/ecf';
import { insertDrafts, invoiceShop } from '../support/worker/invoices';
import { countQueries, tenantContext, testEnv } from '../support/worker/helpers';
import { emailCredentials, failNext, receivedMessages, whatsappCredentials } from '../support/worker/messaging';
import { issuedInvoice, paymentShop, type Shop } from '../support/worker/payments';

type Recorded = ReturnType<typeof recordingJobs>['sent'];

/** A shop with both channels on (its own stand-in scopes), the default templates and a recording queue. */
async function messagingShop() {
  const s = await paymentShop('owner');
  const context = await tenantContext(s.tenant.id);
  const { jobs, sent } = recordingJobs();
  const actor = {
    id: s.user.id,
    email: s.email,
    name: s.user.name,
    role: 'owner',
    sessionHash: 'test',
    shopName: s.tenant.name,
    logoKey: null,
    branches: [{ id: s.main.id, name: s.main.name }],
    branch: null,
    impersonatedBy: null,
    needsTouch: false,
  } as unknown as SessionUser;
  const ctx: ShopContext = { ...context, jobs, env: testEnv, requestId: 'test', actor };
  const whatsapp = whatsappCredentials();
  const email = emailCredentials();
  await saveWhatsappChannel(ctx, {
    phoneNumberId: whatsapp.phoneNumberId,
    token: whatsapp.token,
    appSecret: whatsapp.appSecret,
    language: 'es',
    enabled: true,
  });
  await saveEmailChannel(ctx, {
    apiKey: email.apiKey,
    from: 'avisos@optica.test',
    fromName: 'Óptica Demo',
    replyTo: null,
    enabled: true,
  });
  await createDefaultTemplates(ctx);
  const { templates } = await messagingSettings(ctx);
  const template = (event: string, channel: string) =>
    templates.find((row) => row.event === event && row.channel === channel)!;
  return { s, ctx, sent, whatsapp, email, template };
}

type MessagingShop = Awaited<ReturnType<typeof messagingShop>>;

/** An automation of `event` by `channel`, with that event's default template, for every stage, branch and day. */
function automation(
  m: MessagingShop,
  name: string,
  event: Parameters<typeof createAutomation>[1]['event'],
  channel: 'whatsapp' | 'email',
) {
  return createAutomation(m.ctx, {
    name,
    event,
    templateId: m.template(event, channel).id,
    channel,
    stageId: null,
    branchId: null,
    daysBefore: null,
  });
}

async function customer(s: Shop, values: Partial<typeof contacts.$inferInsert>) {
  const [row] = await s.db
    .insert(contacts)
    .values({ kind: 'customer', name: 'Cliente', ...values })
    .returning();
  return row!;
}

/** Delivers every recorded job named `job` `times` times at once, then forgets them. */
async function deliver(m: MessagingShop, job: string, times = 3) {
  const pending = m.sent.filter((entry) => entry.job === job);
  m.sent.splice(0, m.sent.length, ...m.sent.filter((entry) => entry.job !== job));
  const context = { ...(await tenantContext(m.s.tenant.id)), jobs: m.ctx.jobs };
  await Promise.all(
    pending.flatMap((entry) => Array.from({ length: times }, () => jobHandlers[job]!(context, entry.payload, testEnv))),
  );
  return pending;
}

async function messagesOf(m: MessagingShop) {
  return m.s.db.select().from(outboundMessages).orderBy(outboundMessages.channel, outboundMessages.createdAt);
}

function jobsNamed(sent: Recorded, job: string) {
  return sent.filter((entry) => entry.job === job);
}

describe('messaging: events outbox, automations, exactly-once sending', () => {
  it('a payment sends one WhatsApp and one e-mail even when the dispatch and the send jobs each run three times at once', async () => {
    const m = await messagingShop();
    const { s, ctx } = m;
    const ana = await customer(s, {
      name: 'Ana Pérez',
      mobile: '809-555-1234',
      email: 'Ana@Example.test',
      whatsappConsent: true,
      emailConsent: true,
    });
    for (const channel of ['whatsapp', 'email'] as const)
      await automation(m, `Pago por ${channel}`, 'payment.received', channel);
    const invoice = await issuedInvoice({ ...s, customer: ana });
    const payment = await recordPayment(ctx, invoice.id, { receivedOn: invoice.issuedOn!, method: '1', amount: '400' });

    // The event was written by the payment's own statement, and a dispatch was queued after it.
    const events = await s.db.select().from(shopEvents);
    expect(events.map((event) => [event.type, event.key, event.subjectId])).toEqual([
      ['payment.received', `payment.received:${payment.id}`, payment.id],
    ]);
    expect(jobsNamed(m.sent, 'events.dispatch')).toHaveLength(1);

    await deliver(m, 'events.dispatch', 3);
    const written = await messagesOf(m);
    expect(written.map((row) => [row.channel, row.recipient, row.status])).toEqual([
      ['email', 'ana@example.test', 'queued'],
      ['whatsapp', '18095551234', 'queued'],
    ]);
    expect(written[1]!.body).toBe(
      `Hola Ana Pérez, recibimos su pago de RD$ 400.00 (recibo ${payment.number}) a la factura ${invoice.ncf}. Pendiente: RD$ 600.00. ¡Gracias!`,
    );
    expect(written[0]!.idempotencyKey).toBe(`payment.received:${payment.id}|email|ana@example.test`);
    const [dispatched] = await s.db.select().from(shopEvents);
    expect(dispatched!.dispatchedAt).not.toBeNull();
    // Only the claiming run queued sends: one per message.
    expect(
      jobsNamed(m.sent, 'messages.send')
        .map((entry) => entry.payload.id)
        .sort(),
    ).toEqual(written.map((row) => row.id).sort());

    await deliver(m, 'messages.send', 3);
    const whatsappReceived = await receivedMessages({ scope: m.whatsapp.phoneNumberId });
    const emailReceived = await receivedMessages({ scope: m.email.apiKey });
    expect(whatsappReceived.map((row) => [row.to, row.text])).toEqual([[['18095551234'], written[1]!.body]]);
    expect(emailReceived.map((row) => [row.to, row.subject, row.from])).toEqual([
      [['ana@example.test'], `Recibo ${payment.number} de ${await shopName(s)}`, 'Óptica Demo <avisos@optica.test>'],
    ]);
    const after = await messagesOf(m);
    expect(after.map((row) => [row.status, row.attempts])).toEqual([
      ['sent', 1],
      ['sent', 1],
    ]);
    expect(after[0]!.providerMessageId).toBe(emailReceived[0]!.id);
    expect(after[1]!.providerMessageId).toBe(whatsappReceived[0]!.id);

    // A later dispatch (the sweep) finds nothing to do.
    m.sent.push({ job: 'events.dispatch', payload: {} as { id: string } });
    await deliver(m, 'events.dispatch', 2);
    expect(await messagesOf(m)).toHaveLength(2);
    expect(jobsNamed(m.sent, 'messages.send')).toHaveLength(0);
  });

  it('events nothing listens to are marked dispatched in one statement, also by three jobs at once; a webhook endpoint or an automation brings its events back to the full path', async () => {
    const m = await messagingShop();
    const { s, ctx } = m;
    const database = `optiflow_${s.tenant.id}`;
    const dispatch = async () => {
      const context = { ...(await tenantContext(s.tenant.id)), jobs: ctx.jobs };
      return countQueries(database, () => jobHandlers['events.dispatch']!(context, {}, testEnv));
    };
    const addEvents = (types: string[]) =>
      s.db
        .insert(shopEvents)
        .values(types.map((type) => ({ type, key: `${type}:${crypto.randomUUID()}` })))
        .returning();
    const pendingCount = async () =>
      (await s.db.select().from(shopEvents).where(isNull(shopEvents.dispatchedAt))).length;

    // Channels and templates, but no automation and no webhook endpoint: nothing listens.
    await addEvents(['invoice.issued', 'payment.received', 'quotation.sent']);
    expect(await dispatch()).toBe(1);
    expect(await pendingCount()).toBe(0);
    await addEvents(['invoice.issued', 'payment.received', 'invoice.issued', 'payment.received', 'invoice.issued']);
    const context = { ...(await tenantContext(s.tenant.id)), jobs: ctx.jobs };
    await Promise.all([1, 2, 3].map(() => jobHandlers['events.dispatch']!(context, {}, testEnv)));
    expect(await pendingCount()).toBe(0);
    expect(await s.db.select().from(webhookDeliveries)).toHaveLength(0);
    expect(await messagesOf(m)).toHaveLength(0);

    // An endpoint that takes payments only: the payment gets its delivery, the invoice is only marked.
    await createWebhookEndpoint(ctx, { url: 'https://hooks.example.com/pagos', events: ['payment.received'] });
    const [invoiceEvent, paymentEvent] = await addEvents(['invoice.issued', 'payment.received']);
    expect(await dispatch()).toBeGreaterThan(1);
    expect(await pendingCount()).toBe(0);
    const deliveries = await s.db.select().from(webhookDeliveries);
    expect(deliveries.map((row) => [row.event, row.eventKey])).toEqual([['payment.received', paymentEvent!.key]]);
    expect(deliveries.map((row) => row.eventKey)).not.toContain(invoiceEvent!.key);

    // An automation of the invoice's event: its next event is planned again (a message row).
    const ana = await customer(s, { name: 'Ana Pérez', mobile: '809-555-1234', whatsappConsent: true });
    await automation(m, 'Factura por WhatsApp', 'invoice.issued', 'whatsapp');
    const invoice = await issuedInvoice({ ...s, customer: ana });
    await s.db
      .insert(shopEvents)
      .values({ type: 'invoice.issued', key: `invoice.issued:${invoice.id}`, subjectId: invoice.id });
    await dispatch();
    expect(await pendingCount()).toBe(0);
    expect((await messagesOf(m)).map((row) => [row.event, row.channel, row.recipient])).toEqual([
      ['invoice.issued', 'whatsapp', '18095551234'],
    ]);
  });

  it('opt-out, missing consent, a missing number and a channel switched off are skipped rows with the reason', async () => {
    const m = await messagingShop();
    const { s, ctx } = m;
    await automation(m, 'Factura por WhatsApp', 'invoice.issued', 'whatsapp');
    await automation(m, 'Factura por correo', 'invoice.issued', 'email');
    const fine = await customer(s, {
      name: 'Bien',
      mobile: '8295550001',
      email: 'bien@example.test',
      whatsappConsent: true,
      emailConsent: true,
    });
    const optedOut = await customer(s, {
      name: 'Baja',
      mobile: '8295550002',
      email: 'baja@example.test',
      whatsappConsent: true,
      emailConsent: true,
    });
    await setContactConsent(ctx, optedOut.id, { optedOut: true });
    const noConsent = await customer(s, {
      name: 'Sin permiso',
      mobile: '8295550003',
      email: 'sp@example.test',
      whatsappConsent: false,
      emailConsent: true,
    });
    const noPhone = await customer(s, {
      name: 'Sin celular',
      email: 'sc@example.test',
      whatsappConsent: true,
      emailConsent: true,
    });
    await saveEmailChannel(ctx, {
      apiKey: null,
      from: 'avisos@optica.test',
      fromName: null,
      replyTo: null,
      enabled: false,
    });
    const people = [fine, optedOut, noConsent, noPhone];
    for (const person of people) {
      const invoice = await issuedInvoice({ ...s, customer: person });
      await s.db.batch([
        eventInsert(s.db, { type: 'invoice.issued', key: `invoice.issued:${invoice.id}`, subjectId: invoice.id }),
      ]);
    }
    m.sent.push({ job: 'events.dispatch', payload: {} as { id: string } });
    await deliver(m, 'events.dispatch', 2);
    const rows = await m.s.db.select().from(outboundMessages);
    const outcome = (contactId: string, channel: string) => {
      const row = rows.find((candidate) => candidate.contactId === contactId && candidate.channel === channel)!;
      return [row.status, row.reason];
    };
    expect(rows).toHaveLength(8);
    expect(outcome(fine.id, 'whatsapp')).toEqual(['queued', null]);
    // {{enlace}}: a share link of the invoice on the shop's own host.
    const fineBody = rows.find((row) => row.contactId === fine.id && row.channel === 'whatsapp')!.body;
    expect(fineBody).toMatch(
      new RegExp(
        `^Hola Bien, gracias por su compra\\. Su factura B01\\d+ por RD\\$ 1,000\\.00 está disponible aquí: https?://${s.tenant.id}[^ ]*/share/[A-Za-z0-9_-]{43}$`,
      ),
    );
    expect(outcome(fine.id, 'email')).toEqual([
      'skipped',
      'El canal Correo electrónico no está configurado o está desactivado',
    ]);
    expect(outcome(optedOut.id, 'whatsapp')).toEqual(['skipped', 'El contacto pidió no recibir mensajes']);
    expect(outcome(optedOut.id, 'email')).toEqual(['skipped', 'El contacto pidió no recibir mensajes']);
    expect(outcome(noConsent.id, 'whatsapp')).toEqual(['skipped', 'El contacto no autorizó mensajes por WhatsApp']);
    expect(outcome(noPhone.id, 'whatsapp')).toEqual([
      'skipped',
      'El contacto no tiene un celular válido para WhatsApp',
    ]);
    // Only the one queued message has a send job.
    expect(jobsNamed(m.sent, 'messages.send').map((entry) => entry.payload.id)).toEqual([
      rows.find((row) => row.contactId === fine.id && row.channel === 'whatsapp')!.id,
    ]);
    const [optedOutRow] = await s.db.select().from(contacts).where(eq(contacts.id, optedOut.id));
    expect(optedOutRow!.optedOutAt).not.toBeNull();
  });

  it('quiet hours hold a message until they end in shop time; a retryable failure backs off, a permanent one fails', async () => {
    const m = await messagingShop();
    const { s, ctx } = m;
    // A window around now in Santo Domingo time (UTC-4): started an hour ago, ends in an hour.
    const localMinutes = (Math.floor(Date.now() / 60_000) - 240) % 1440;
    const clock = (minutes: number) => {
      const value = (minutes + 1440) % 1440;
      return `${String(Math.floor(value / 60)).padStart(2, '0')}:${String(value % 60).padStart(2, '0')}`;
    };
    await s.db
      .update(company)
      .set({ quietHoursStart: clock(localMinutes - 60), quietHoursEnd: clock(localMinutes + 60) })
      .where(eq(company.id, 1));
    await automation(m, 'Pago', 'payment.received', 'whatsapp');
    const bea = await customer(s, { name: 'Bea', mobile: '8495550100', whatsappConsent: true });
    const invoice = await issuedInvoice({ ...s, customer: bea });
    await recordPayment(ctx, invoice.id, { receivedOn: invoice.issuedOn!, method: '1', amount: '100' });
    await deliver(m, 'events.dispatch', 1);
    const [held] = await messagesOf(m);
    const expectedEnd = (Math.floor(Date.now() / 60_000) + 60) * 60_000;
    expect(Math.abs(held!.notBefore!.getTime() - expectedEnd)).toBeLessThanOrEqual(60_000);
    const [sendJob] = jobsNamed(m.sent, 'messages.send');
    expect(sendJob!.delaySeconds).toBeGreaterThan(3500);
    expect(sendJob!.delaySeconds).toBeLessThanOrEqual(3600);
    // Delivered early (a queue may), it claims nothing: still queued, nothing sent.
    await deliver(m, 'messages.send', 2);
    expect((await messagesOf(m)).map((row) => [row.status, row.attempts])).toEqual([['queued', 0]]);
    expect(await receivedMessages({ scope: m.whatsapp.phoneNumberId })).toEqual([]);

    // Quiet hours over: two 500s, then it goes through.
    await s.db.update(outboundMessages).set({ notBefore: new Date(Date.now() - 1000) });
    await failNext(m.whatsapp.phoneNumberId, { kind: 'status', status: 500 }, 2);
    m.sent.push({ job: 'messages.send', payload: { id: held!.id } });
    await deliver(m, 'messages.send', 1);
    let [row] = await messagesOf(m);
    expect([row!.status, row!.attempts]).toEqual(['queued', 1]);
    expect(row!.reason).toMatch(/^Intento 1 fallido, se reintentará/);
    expect(jobsNamed(m.sent, 'messages.send')[0]!.delaySeconds).toBe(30);
    await s.db.update(outboundMessages).set({ notBefore: new Date(Date.now() - 1000) });
    await deliver(m, 'messages.send', 1);
    expect(jobsNamed(m.sent, 'messages.send')[0]!.delaySeconds).toBe(60);
    await s.db.update(outboundMessages).set({ notBefore: new Date(Date.now() - 1000) });
    await deliver(m, 'messages.send', 3);
    [row] = await messagesOf(m);
    expect([row!.status, row!.attempts, row!.reason]).toEqual(['sent', 3, null]);
    expect(await receivedMessages({ scope: m.whatsapp.phoneNumberId })).toHaveLength(1);

    // A number WhatsApp cannot deliver to fails at once, with the provider's reason.
    const invoice2 = await issuedInvoice({ ...s, customer: bea });
    await s.db.update(company).set({ quietHoursStart: null, quietHoursEnd: null }).where(eq(company.id, 1));
    await recordPayment(ctx, invoice2.id, { receivedOn: invoice2.issuedOn!, method: '1', amount: '100' });
    await deliver(m, 'events.dispatch', 1);
    await failNext(m.whatsapp.phoneNumberId, { kind: 'whatsapp', code: 131026 });
    await deliver(m, 'messages.send', 1);
    const failed = (await messagesOf(m)).find((candidate) => candidate.id !== held!.id)!;
    expect([failed.status, failed.attempts]).toEqual(['failed', 1]);
    expect(failed.reason).toContain('131026');
    expect(jobsNamed(m.sent, 'messages.send')).toHaveLength(0);
  });

  it('issuing an invoice writes its invoice.issued event with the issue, once, also when the issue is replayed at once', async () => {
    const shop = await invoiceShop();
    const [id] = await insertDrafts(shop, 1);
    const issue = () =>
      api(shop.host, `/invoices/${id}/issue`, shop.bearer, { method: 'POST', headers: { 'Idempotency-Key': 'k-1' } });
    const answers = await Promise.all([issue(), issue(), issue()]);
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 200, 200]);
    const events = await shop.db.select().from(shopEvents);
    expect(events.map((event) => [event.type, event.key, event.subjectId])).toEqual([
      ['invoice.issued', `invoice.issued:${id}`, id],
    ]);
    // A refused issue (already issued, another key) adds none.
    const refused = await api(shop.host, `/invoices/${id}/issue`, shop.bearer, {
      method: 'POST',
      headers: { 'Idempotency-Key': 'k-2' },
    });
    expect(refused.status).toBe(409);
    expect(await shop.db.select().from(shopEvents)).toHaveLength(1);
  });

  it('templates refuse unknown variables with a 422 naming them', async () => {
    const m = await messagingShop();
    const attempt = saveTemplate(m.ctx, null, {
      event: 'payment.received',
      channel: 'email',
      name: 'Con errores',
      subject: 'Pago {{pago.numero}} {{orden.numero}}',
      body: 'Hola {{cliente.apellido}}, {{pago.monto}}',
      whatsappTemplate: null,
      whatsappLanguage: 'es',
      whatsappParameters: [],
    });
    await expect(attempt).rejects.toMatchObject({
      code: 'validation',
      fields: {
        subject: 'Variables desconocidas para este evento: orden.numero',
        body: 'Variables desconocidas para este evento: cliente.apellido',
      },
    });
  });
});

async function shopName(s: Shop) {
  const [row] = await s.db.select({ name: company.name }).from(company);
  return row!.name;
}
