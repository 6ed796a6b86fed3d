import { can } from '../../auth/permissions';
import type { MessageChannelKind, OutboundMessageStatus } from '../../db/tenant-schema';
import { formatMoney } from '../../domain/money';
import {
  eventVariables,
  isMessageEvent,
  type MessageEvent,
  ownerEvents,
  quietHoursEnd,
  renderTemplate,
  sampleVariables,
  templateVariables,
} from '../../domain/message-template';
import { whatsappLink } from '../../domain/whatsapp';
import { AppError } from '../../errors';
import { t } from '../../i18n/es-DO';
import { actorLabel, recordActivity } from '../../queries/audit';
import {
  automationsFor,
  channelRow,
  claimMessage,
  dueMessageIds,
  type EventSubject,
  eventSubject,
  insertMessage,
  markMessageFailed,
  markMessageSent,
  markMessageSkipped,
  type MessageTemplate,
  messageByKey,
  type OutboundMessage,
  type OutboundMessageInsert,
  ownerRecipients,
  recallDays,
  requeueMessage,
  type ShopEvent,
  shopProfile,
} from '../../queries/messaging';
import { getContact } from '../../queries/contacts';
import { decryptSecret, encryptionKeyFor } from '../../tenancy/crypto';
import { ChannelError } from './channels/channel-error';
import { sendEmail } from './channels/resend-email';
import { sendWhatsapp } from './channels/whatsapp-cloud';
import type { ShopContext } from './context';
import { shareLinkForEvent } from './share-links';

/** What messaging runs with: a request's context or a queue job's (no actor). */
export type MessagingContext = Pick<ShopContext, 'db' | 'tenant' | 'env' | 'jobs'>;

export const messageJobs = { send: 'messages.send' } as const;

/** Attempts of one message before it is marked failed. */
export const maxSendAttempts = 5;

/** Seconds before retry n (1-based): 30 s, 1 min, 2 min, 4 min, ... at most an hour. */
export function retryDelaySeconds(attempt: number): number {
  return Math.min(3600, 30 * 2 ** Math.max(0, attempt - 1));
}

/** Associated data of a channel's sealed credentials: the tenant and the channel. */
export function channelAssociatedData(tenantId: string, kind: MessageChannelKind): string {
  return `message-channel:${kind}:${tenantId}`;
}

export interface WhatsappCredentials {
  token: string;
  /** Meta signs status webhooks with it (X-Hub-Signature-256). */
  appSecret?: string | null;
  /** What Meta echoes when the webhook is subscribed (hub.verify_token). */
  verifyToken?: string | null;
}
export interface EmailCredentials {
  apiKey: string;
}

/** A channel's settings and decrypted credentials, or null when the shop has not set it up. */
export async function channelCredentials<K extends MessageChannelKind>(
  ctx: Pick<MessagingContext, 'db' | 'env' | 'tenant'>,
  kind: K,
): Promise<{
  enabled: boolean;
  settings: Record<string, string>;
  credentials: K extends 'whatsapp' ? WhatsappCredentials : EmailCredentials;
} | null> {
  const row = await channelRow(ctx.db, kind);
  if (!row) return null;
  const key = await encryptionKeyFor(ctx.env.ENCRYPTION_KEY);
  const json = await decryptSecret(key, row.sealedCredentials, channelAssociatedData(ctx.tenant.id, kind));
  return { enabled: row.enabled, settings: row.settings, credentials: JSON.parse(json) };
}

/** The WhatsApp address of a contact: E.164 digits of the mobile (or phone), or null. */
export function whatsappNumber(mobile: string | null, phone: string | null): string | null {
  for (const candidate of [mobile, phone]) {
    const link = whatsappLink(candidate);
    if (link) return link.slice('https://wa.me/'.length);
  }
  return null;
}

function recipientOf(
  channel: MessageChannelKind,
  who: Pick<EventSubject, 'mobile' | 'phone' | 'email'>,
): string | null {
  if (channel === 'whatsapp') return whatsappNumber(who.mobile, who.phone);
  const email = who.email?.trim().toLowerCase();
  return email || null;
}

/** Why a customer message is not sent (opt-out, consent, address), or null. */
function customerSkipReason(
  channel: MessageChannelKind,
  subject: EventSubject,
  recipient: string | null,
  checkConsent: boolean,
): string | null {
  if (!subject.contactId) return t('messaging.reason.noContact');
  if (subject.optedOutAt) return t('messaging.reason.optedOut');
  if (checkConsent && !(channel === 'whatsapp' ? subject.whatsappConsent : subject.emailConsent))
    return t(channel === 'whatsapp' ? 'messaging.reason.noConsent.whatsapp' : 'messaging.reason.noConsent.email');
  if (!recipient) return t(channel === 'whatsapp' ? 'messaging.reason.noPhone' : 'messaging.reason.noEmail');
  return null;
}

function channelName(channel: MessageChannelKind): string {
  return t(channel === 'whatsapp' ? 'messaging.channel.whatsapp' : 'messaging.channel.email');
}

function money(value: string | null | undefined, currency: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  return formatMoney(value, !currency || currency === 'DOP' ? 'RD$' : currency);
}

/** The variables of an event's templates, from its subject's facts and its payload. */
function eventValues(
  event: ShopEvent,
  profile: { name: string; phones: string | null },
  subject: EventSubject | null,
): Record<string, string | null> {
  const facts = subject?.facts ?? {};
  const payload = event.payload ?? {};
  const text = (value: unknown) => (value === null || value === undefined ? null : String(value));
  return {
    ...facts,
    'factura.total': money(facts['factura.total'], facts.moneda),
    'factura.pendiente': money(facts['factura.pendiente'], facts.moneda),
    'pago.monto': money(facts['pago.monto'], facts.moneda),
    'cotizacion.total': money(facts['cotizacion.total'], facts.moneda),
    'cliente.nombre': subject?.name ?? null,
    'tienda.nombre': profile.name,
    'tienda.telefono': profile.phones,
    'cita.fecha': text(payload.nextVisitOn),
    dias: text(payload.daysBefore ?? payload.daysLeft),
    'secuencia.tipo': text(payload.docType),
    'secuencia.restantes': text(payload.remaining),
    'certificado.vence': text(payload.notAfter)?.slice(0, 10) ?? null,
  };
}

/** An automation's condition against the event: lab stage, branch, days before. */
function conditionHolds(condition: Record<string, unknown>, event: ShopEvent, subject: EventSubject | null): boolean {
  const { stageId, branchId, daysBefore } = condition;
  if (typeof stageId === 'string' && stageId && subject?.facts.stageId !== stageId) return false;
  if (typeof branchId === 'string' && branchId && subject?.branchId !== branchId) return false;
  if (
    daysBefore !== undefined &&
    daysBefore !== null &&
    daysBefore !== '' &&
    Number(event.payload.daysBefore) !== Number(daysBefore)
  )
    return false;
  return true;
}

function usesVariable(template: MessageTemplate, name: string): boolean {
  return (
    templateVariables(`${template.subject ?? ''} ${template.body}`).includes(name) ||
    (!!template.whatsappTemplate && template.whatsappParameters.includes(name))
  );
}

/** A template rendered: subject, body and (WhatsApp) the approved template with its parameters. */
export function renderMessage(template: MessageTemplate, values: Record<string, string | null | undefined>) {
  return {
    subject: template.channel === 'email' ? renderTemplate(template.subject ?? '', values) : null,
    body: renderTemplate(template.body, values),
    whatsappTemplate:
      template.channel === 'whatsapp' && template.whatsappTemplate
        ? {
            name: template.whatsappTemplate,
            language: template.whatsappLanguage,
            parameters: template.whatsappParameters.map((name) => values[name] ?? ''),
          }
        : null,
  };
}

/**
 * The messages an event's enabled automations call for: one row per automation and recipient,
 * skipped rows (with the reason) included. Nothing is written here: the dispatcher writes them
 * together with marking the event dispatched.
 */
export async function plannedMessages(
  ctx: MessagingContext,
  event: ShopEvent,
  now = new Date(),
): Promise<OutboundMessageInsert[]> {
  if (!isMessageEvent(event.type)) return [];
  const matches = await automationsFor(ctx.db, event.type);
  if (matches.length === 0) return [];
  const toOwner = ownerEvents.includes(event.type);
  const [profile, subject, owners, whatsapp, email] = await Promise.all([
    shopProfile(ctx.db),
    toOwner ? Promise.resolve(null) : eventSubject(ctx.db, event),
    toOwner ? ownerRecipients(ctx.db) : Promise.resolve([]),
    channelRow(ctx.db, 'whatsapp'),
    channelRow(ctx.db, 'email'),
  ]);
  if (!toOwner && !subject) return [];
  const values = eventValues(event, profile, subject);
  const notBefore = quietHoursEnd(now, profile.quietHoursStart, profile.quietHoursEnd);
  const rows: OutboundMessageInsert[] = [];
  for (const { automation, template } of matches) {
    if (!conditionHolds(automation.condition, event, subject)) continue;
    const channel = automation.channel;
    const channelOn = (channel === 'whatsapp' ? whatsapp : email)?.enabled === true;
    if (usesVariable(template, 'enlace') && values.enlace === undefined)
      values.enlace = await shareLinkForEvent(ctx, event);
    const rendered = renderMessage(template, values);
    const targets: Array<{ contactId: string | null; recipient: string | null; reason: string | null }> = toOwner
      ? owners.map((owner) => {
          const recipient = recipientOf(channel, { mobile: null, phone: null, email: owner.email });
          return { contactId: null, recipient, reason: recipient ? null : t('messaging.reason.noPhone') };
        })
      : [
          (() => {
            const recipient = recipientOf(channel, subject!);
            return {
              contactId: subject!.contactId,
              recipient,
              reason: customerSkipReason(channel, subject!, recipient, true),
            };
          })(),
        ];
    for (const target of targets) {
      const reason =
        target.reason ?? (channelOn ? null : t('messaging.reason.channelOff', { channel: channelName(channel) }));
      const address = target.recipient ?? `contact:${target.contactId ?? 'none'}`;
      rows.push({
        idempotencyKey: `${event.key}|${channel}|${address}`,
        eventKey: event.key,
        event: event.type,
        automationId: automation.id,
        templateId: template.id,
        channel,
        contactId: target.contactId,
        recipient: target.recipient ?? '',
        subject: rendered.subject,
        body: rendered.body,
        whatsappTemplate: rendered.whatsappTemplate,
        status: reason ? 'skipped' : 'queued',
        reason,
        notBefore: reason ? null : notBefore,
      });
    }
  }
  return rows;
}

/** Queues the send job of a queued message, delayed to its quiet-hours end (the sweep stands behind it). */
export async function queueMessageSend(
  ctx: Pick<MessagingContext, 'jobs'>,
  id: string,
  notBefore: Date | string | null,
  now = new Date(),
): Promise<void> {
  const wait = notBefore ? Math.ceil((new Date(notBefore).getTime() - now.getTime()) / 1000) : 0;
  // Queues delay at most 12 hours; a later message is picked up by the sweep.
  if (wait > 12 * 3600) return;
  await ctx.jobs.send(messageJobs.send, { id }, wait > 0 ? { delaySeconds: wait } : undefined);
}

/**
 * The 'messages.send' job: claims the message (queued -> sending in one UPDATE; a second delivery
 * claims nothing and stops), sends it through the provider and marks it sent, or back to the queue
 * with a backoff on a retryable failure, or failed. A crash after the provider accepted it and
 * before it is marked leaves it 'sending'; the sweep queues it again after 15 minutes. Resend then
 * recognises the Idempotency-Key (the message id) and sends nothing twice; WhatsApp's Cloud API has
 * no idempotency key, so that rare case can deliver a WhatsApp message twice.
 */
export async function sendMessage(
  ctx: MessagingContext,
  id: string,
  now = new Date(),
): Promise<OutboundMessageStatus | null> {
  const message = await claimMessage(ctx.db, id);
  if (!message) return null;
  const channel = await channelCredentials(ctx, message.channel);
  if (!channel?.enabled) {
    await markMessageSkipped(ctx.db, id, t('messaging.reason.channelOff', { channel: channelName(message.channel) }));
    return 'skipped';
  }
  try {
    const { providerMessageId } = await deliver(ctx, message, channel);
    await markMessageSent(ctx.db, id, providerMessageId);
    return 'sent';
  } catch (error) {
    const failure =
      error instanceof ChannelError
        ? error
        : new ChannelError({ retryable: true, message: error instanceof Error ? error.message : String(error) });
    if (failure.retryable && message.attempts < maxSendAttempts) {
      const delay = retryDelaySeconds(message.attempts);
      const reason = t('messaging.reason.retry', { attempt: message.attempts, message: failure.message });
      await requeueMessage(ctx.db, id, reason, new Date(now.getTime() + delay * 1000));
      await ctx.jobs.send(messageJobs.send, { id }, { delaySeconds: delay });
      return 'queued';
    }
    const reason = failure.retryable
      ? t('messaging.reason.gaveUp', { attempts: message.attempts, message: failure.message })
      : t('messaging.reason.failed', { message: failure.message });
    await markMessageFailed(ctx.db, id, reason);
    return 'failed';
  }
}

async function deliver(
  ctx: MessagingContext,
  message: OutboundMessage,
  channel: { settings: Record<string, string>; credentials: WhatsappCredentials | EmailCredentials },
) {
  if (message.channel === 'whatsapp') {
    const credentials = channel.credentials as WhatsappCredentials;
    const config = {
      apiUrl: ctx.env.WHATSAPP_API_URL,
      phoneNumberId: channel.settings.phoneNumberId ?? '',
      token: credentials.token,
    };
    // No inbound messages are recorded yet, so every message is outside WhatsApp's 24-hour window:
    // the approved template when the shop set one, else the text (which Meta may refuse, 131047).
    const base = { to: message.recipient, idempotencyKey: message.id };
    return sendWhatsapp(
      config,
      message.whatsappTemplate ? { ...base, template: message.whatsappTemplate } : { ...base, text: message.body },
    );
  }
  const credentials = channel.credentials as EmailCredentials;
  const { from = '', fromName, replyTo } = channel.settings;
  return sendEmail(
    { apiUrl: ctx.env.EMAIL_API_URL, apiKey: credentials.apiKey },
    {
      from: fromName ? `${fromName} <${from}>` : from,
      to: message.recipient,
      subject: message.subject ?? '',
      text: message.body,
      ...(replyTo ? { replyTo } : {}),
      idempotencyKey: message.id,
    },
  );
}

/** For the 5-minute sweep: queues the send of every due message (quiet hours over, retries, stale claims). */
export async function sendDueMessages(ctx: MessagingContext): Promise<number> {
  const ids = await dueMessageIds(ctx.db, 15, 500);
  for (const id of ids) await ctx.jobs.send(messageJobs.send, { id });
  return ids.length;
}

/** The day counts the scheduler emits recall.due for: those of enabled recall automations. */
export function recallDaysBefore(ctx: Pick<MessagingContext, 'db'>): Promise<number[]> {
  return recallDays(ctx.db);
}

/**
 * A message a user asked for (share buttons): opt-out blocks it (a skipped row with the reason),
 * consent does not (the customer is in front of the user). Keyed like the automations' messages,
 * so a repeated click writes and sends one message. The message row.
 */
export async function queueDirectMessage(
  ctx: ShopContext,
  input: {
    channel: MessageChannelKind;
    contactId: string;
    event: string;
    eventKey: string;
    subject?: string | null;
    body: string;
    createdBy?: string | null;
  },
  now = new Date(),
): Promise<OutboundMessage> {
  const contact = await getContact(ctx.db, input.contactId);
  if (!contact) throw new AppError('not_found', t('messaging.error.contactMissing'));
  const subject: EventSubject = {
    contactId: contact.id,
    name: contact.name,
    mobile: contact.mobile,
    phone: contact.phone,
    email: contact.email,
    whatsappConsent: contact.whatsappConsent,
    emailConsent: contact.emailConsent,
    optedOutAt: contact.optedOutAt ? String(contact.optedOutAt) : null,
    branchId: null,
    facts: {},
  };
  const recipient = recipientOf(input.channel, subject);
  const [channel, profile] = await Promise.all([channelRow(ctx.db, input.channel), shopProfile(ctx.db)]);
  const reason =
    customerSkipReason(input.channel, subject, recipient, false) ??
    (channel?.enabled ? null : t('messaging.reason.channelOff', { channel: channelName(input.channel) }));
  const idempotencyKey = `${input.eventKey}|${input.channel}|${recipient ?? `contact:${contact.id}`}`;
  const notBefore = reason ? null : quietHoursEnd(now, profile.quietHoursStart, profile.quietHoursEnd);
  const row = await insertMessage(ctx.db, {
    idempotencyKey,
    eventKey: input.eventKey,
    event: input.event,
    channel: input.channel,
    contactId: contact.id,
    recipient: recipient ?? '',
    subject: input.channel === 'email' ? (input.subject ?? '') : null,
    body: input.body,
    status: reason ? 'skipped' : 'queued',
    reason,
    notBefore,
    createdBy: input.createdBy ?? ctx.actor.id,
  });
  if (!row) return (await messageByKey(ctx.db, idempotencyKey))!;
  if (row.status === 'queued') await queueMessageSend(ctx, row.id, row.notBefore, now);
  return row;
}

/** Sample values for a template's preview and test send. */
export function previewValues(event: MessageEvent): Record<string, string> {
  return Object.fromEntries(eventVariables[event].map((name) => [name, sampleVariables[name] ?? name]));
}

/**
 * A test send of a template to the user's own address (e-mail: the user's; WhatsApp: the number
 * typed), rendered with sample data: marked as a test, no consent involved.
 */
export async function sendTestMessage(
  ctx: ShopContext,
  template: MessageTemplate,
  input: { phone?: string | null },
): Promise<OutboundMessage> {
  if (!can(ctx.actor, 'messaging.manage')) throw new AppError('forbidden');
  const recipient =
    template.channel === 'email' ? ctx.actor.email.toLowerCase() : whatsappNumber(input.phone ?? null, null);
  if (!recipient) {
    const message = t('messaging.error.testRecipient', { what: t('messaging.reason.noPhone') });
    throw new AppError('validation', message, { phone: message });
  }
  const event = isMessageEvent(template.event) ? template.event : 'invoice.issued';
  const rendered = renderMessage(template, previewValues(event));
  const row = await insertMessage(ctx.db, {
    idempotencyKey: `test:${crypto.randomUUID()}|${template.channel}|${recipient}`,
    event: template.event,
    templateId: template.id,
    channel: template.channel,
    recipient,
    subject: rendered.subject,
    body: rendered.body,
    whatsappTemplate: rendered.whatsappTemplate,
    status: 'queued',
    isTest: true,
    createdBy: ctx.actor.id,
  });
  await recordActivity(ctx.db, actorLabel(ctx.actor), 'messaging.testSent', {
    templateId: template.id,
    channel: template.channel,
  });
  await ctx.jobs.send(messageJobs.send, { id: row!.id });
  return row!;
}
