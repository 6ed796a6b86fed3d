import { asc, isNull } from 'drizzle-orm';
import { can } from '../../auth/permissions';
import { branches, labStages, type MessageChannelKind } from '../../db/tenant-schema';
import {
  eventVariables,
  isMessageEvent,
  type MessageEvent,
  messageEvents,
  renderTemplate,
  unknownVariables,
} from '../../domain/message-template';
import { AppError } from '../../errors';
import { type MessageKey, t } from '../../i18n/es-DO';
import { actorLabel, recordActivity } from '../../queries/audit';
import {
  archiveTemplateRow,
  type Automation,
  automationsQuery,
  channelRow,
  channelsQuery,
  insertAutomation,
  insertTemplatesIfAbsent,
  type MessageFilter,
  type MessageLogRow,
  type MessageTemplate,
  messageLogQuery,
  type OutboundMessage,
  quietHoursQuery,
  saveTemplateRow,
  setAutomationEnabledRow,
  setContactMessaging,
  setQuietHours,
  templateById,
  templatesQuery,
  upsertChannel,
} from '../../queries/messaging';
import type {
  AutomationInput,
  EmailChannelInput,
  QuietHoursInput,
  TemplateInput,
  WhatsappChannelInput,
} from '../../schemas/messaging';
import { decryptSecret, encryptionKeyFor, encryptSecret } from '../../tenancy/crypto';
import type { ShopContext } from './context';
import { channelAssociatedData, previewValues, sendTestMessage, type WhatsappCredentials } from './messaging';

export type { MessageLogRow, MessageTemplate, Automation };

function ensureManage(ctx: ShopContext) {
  if (!can(ctx.actor, 'messaging.manage')) throw new AppError('forbidden');
}

/** What the settings page may show of a channel: never a secret, only its `display`. */
export interface ChannelView {
  kind: MessageChannelKind;
  configured: boolean;
  enabled: boolean;
  display: string;
  settings: Record<string, string>;
}

/** The last four characters behind dots: what a page may show of a secret. */
export function maskSecret(secret: string): string {
  return `••••${secret.slice(-4)}`;
}

/** The messaging settings page: channels, templates, automations, lab stages and branches, in one round trip. */
export async function messagingSettings(ctx: ShopContext) {
  ensureManage(ctx);
  const [channelRows, templates, automationRows, stages, branchRows, quiet] = await ctx.db.batch([
    channelsQuery(ctx.db),
    templatesQuery(ctx.db),
    automationsQuery(ctx.db),
    ctx.db
      .select({ id: labStages.id, name: labStages.name })
      .from(labStages)
      .where(isNull(labStages.archivedAt))
      .orderBy(asc(labStages.position)),
    ctx.db.select({ id: branches.id, name: branches.name }).from(branches).orderBy(asc(branches.name)),
    quietHoursQuery(ctx.db),
  ]);
  const channels = (['whatsapp', 'email'] as const).map((kind): ChannelView => {
    const row = channelRows.find((candidate) => candidate.kind === kind);
    return {
      kind,
      configured: !!row,
      enabled: row?.enabled ?? false,
      display: row?.display ?? '',
      settings: row?.settings ?? {},
    };
  });
  const quietHours = { start: quiet[0]?.start ?? null, end: quiet[0]?.end ?? null };
  return { channels, templates, automations: automationRows, stages, branches: branchRows, quietHours };
}

/** The shop's quiet hours (shop time); both null: messages leave at any hour. */
export async function saveQuietHours(ctx: ShopContext, input: QuietHoursInput): Promise<void> {
  ensureManage(ctx);
  await setQuietHours(ctx.db, input.start, input.end);
  await recordActivity(ctx.db, actorLabel(ctx.actor), 'messaging.quietHoursSaved', {
    start: input.start,
    end: input.end,
  });
}

async function sealChannel(ctx: ShopContext, kind: MessageChannelKind, credentials: object): Promise<string> {
  const key = await encryptionKeyFor(ctx.env.ENCRYPTION_KEY);
  return encryptSecret(key, JSON.stringify(credentials), channelAssociatedData(ctx.tenant.id, kind));
}

async function storedCredentials<T>(ctx: ShopContext, kind: MessageChannelKind): Promise<T | null> {
  const row = await channelRow(ctx.db, kind);
  if (!row) return null;
  const key = await encryptionKeyFor(ctx.env.ENCRYPTION_KEY);
  return JSON.parse(await decryptSecret(key, row.sealedCredentials, channelAssociatedData(ctx.tenant.id, kind))) as T;
}

/** Saves the WhatsApp channel; a blank token or app secret keeps the stored one (the page never shows them). */
export async function saveWhatsappChannel(ctx: ShopContext, input: WhatsappChannelInput): Promise<ChannelView> {
  ensureManage(ctx);
  const stored = await storedCredentials<WhatsappCredentials>(ctx, 'whatsapp');
  const token = input.token ?? stored?.token;
  if (!token) {
    const message = t('messaging.error.tokenRequired');
    throw new AppError('validation', message, { token: message });
  }
  const appSecret = input.appSecret ?? stored?.appSecret ?? null;
  const verifyToken = input.verifyToken ?? stored?.verifyToken ?? null;
  const display = `${input.phoneNumberId} · ${maskSecret(token)}`;
  const settings = { phoneNumberId: input.phoneNumberId, language: input.language };
  await upsertChannel(ctx.db, {
    kind: 'whatsapp',
    enabled: input.enabled,
    sealedCredentials: await sealChannel(ctx, 'whatsapp', { token, appSecret, verifyToken }),
    display,
    settings,
    updatedBy: ctx.actor.id,
  });
  await recordActivity(ctx.db, actorLabel(ctx.actor), 'messaging.channelSaved', {
    channel: 'whatsapp',
    enabled: input.enabled,
  });
  return { kind: 'whatsapp', configured: true, enabled: input.enabled, display, settings };
}

/** Saves the e-mail channel; a blank API key keeps the stored one. */
export async function saveEmailChannel(ctx: ShopContext, input: EmailChannelInput): Promise<ChannelView> {
  ensureManage(ctx);
  const stored = await storedCredentials<{ apiKey: string }>(ctx, 'email');
  const apiKey = input.apiKey ?? stored?.apiKey;
  if (!apiKey) {
    const message = t('messaging.error.apiKeyRequired');
    throw new AppError('validation', message, { apiKey: message });
  }
  const display = `${input.from} · ${maskSecret(apiKey)}`;
  const settings: Record<string, string> = { from: input.from };
  if (input.fromName) settings.fromName = input.fromName;
  if (input.replyTo) settings.replyTo = input.replyTo;
  await upsertChannel(ctx.db, {
    kind: 'email',
    enabled: input.enabled,
    sealedCredentials: await sealChannel(ctx, 'email', { apiKey }),
    display,
    settings,
    updatedBy: ctx.actor.id,
  });
  await recordActivity(ctx.db, actorLabel(ctx.actor), 'messaging.channelSaved', {
    channel: 'email',
    enabled: input.enabled,
  });
  return { kind: 'email', configured: true, enabled: input.enabled, display, settings };
}

/** Unknown variables in the subject, body or WhatsApp parameters: a 422 naming them. */
function checkTemplateVariables(input: TemplateInput) {
  const fields: Record<string, string> = {};
  for (const [field, text] of [
    ['subject', input.subject ?? ''],
    ['body', input.body],
    ['whatsappParameters', input.whatsappParameters.map((name) => `{{${name}}}`).join(' ')],
  ] as const) {
    const unknown = unknownVariables(input.event, text);
    if (unknown.length) fields[field] = t('messaging.error.unknownVariables', { names: unknown.join(', ') });
  }
  const first = Object.values(fields)[0];
  if (first) throw new AppError('validation', first, fields);
}

/** A template rendered with sample data (the editor's preview); unknown variables are a 422. */
export function previewTemplate(input: TemplateInput): { subject: string | null; body: string } {
  checkTemplateVariables(input);
  const values = previewValues(input.event);
  return {
    subject: input.channel === 'email' ? renderTemplate(input.subject ?? '', values) : null,
    body: renderTemplate(input.body, values),
  };
}

export async function getTemplate(ctx: ShopContext, id: string): Promise<MessageTemplate> {
  ensureManage(ctx);
  const template = await templateById(ctx.db, id);
  if (!template) throw new AppError('not_found');
  return template;
}

/** Creates (id null) or changes a template. */
export async function saveTemplate(
  ctx: ShopContext,
  id: string | null,
  input: TemplateInput,
): Promise<MessageTemplate> {
  ensureManage(ctx);
  checkTemplateVariables(input);
  const result = await saveTemplateRow(ctx.db, id, {
    event: input.event,
    channel: input.channel,
    name: input.name,
    subject: input.channel === 'email' ? (input.subject ?? null) : null,
    body: input.body,
    whatsappTemplate: input.channel === 'whatsapp' ? input.whatsappTemplate : null,
    whatsappLanguage: input.whatsappLanguage,
    whatsappParameters: input.channel === 'whatsapp' ? input.whatsappParameters : [],
  });
  if (!result.ok) {
    if (result.reason === 'missing') throw new AppError('not_found');
    const message = t('messaging.error.templateName');
    throw new AppError('validation', message, { name: message });
  }
  await recordActivity(ctx.db, actorLabel(ctx.actor), 'messaging.templateSaved', {
    templateId: result.template.id,
    event: input.event,
    channel: input.channel,
  });
  return result.template;
}

export async function archiveTemplate(ctx: ShopContext, id: string): Promise<void> {
  ensureManage(ctx);
  if (!(await archiveTemplateRow(ctx.db, id))) throw new AppError('not_found');
  await recordActivity(ctx.db, actorLabel(ctx.actor), 'messaging.templateArchived', { templateId: id });
}

/** The Spanish default of an event's template on a channel (from the catalogue). */
export function defaultTemplate(event: MessageEvent, channel: MessageChannelKind) {
  const name = t('messaging.default.name', {
    event: t(`messaging.event.${event}` as MessageKey),
    channel: t(`messaging.channel.${channel}` as MessageKey),
  });
  return {
    event,
    channel,
    name,
    subject: channel === 'email' ? t(`messaging.default.${event}.subject` as MessageKey) : null,
    body: t(`messaging.default.${event}.body` as MessageKey),
  };
}

/**
 * Writes the Spanish default templates a shop lacks (one per event and channel, by name); a shop
 * starts with none and its owner adds them with one button. How many were written.
 */
export async function createDefaultTemplates(ctx: ShopContext): Promise<number> {
  ensureManage(ctx);
  const rows = messageEvents.flatMap((event) =>
    (['whatsapp', 'email'] as const).map((channel) => defaultTemplate(event, channel)),
  );
  const count = await insertTemplatesIfAbsent(ctx.db, rows);
  await recordActivity(ctx.db, actorLabel(ctx.actor), 'messaging.defaultsCreated', { count });
  return count;
}

export async function createAutomation(ctx: ShopContext, input: AutomationInput): Promise<Automation> {
  ensureManage(ctx);
  const template = await templateById(ctx.db, input.templateId);
  if (!template) {
    const message = t('messaging.error.templateMissing');
    throw new AppError('validation', message, { templateId: message });
  }
  if (template.channel !== input.channel) {
    const message = t('messaging.error.templateChannel');
    throw new AppError('validation', message, { templateId: message });
  }
  if (template.event !== input.event) {
    const message = t('messaging.error.templateEvent');
    throw new AppError('validation', message, { templateId: message });
  }
  const condition: Record<string, unknown> = {};
  if (input.stageId && input.event.startsWith('lab_order.')) condition.stageId = input.stageId;
  if (input.branchId) condition.branchId = input.branchId;
  if (input.daysBefore !== null && input.event === 'recall.due') condition.daysBefore = input.daysBefore;
  const automation = await insertAutomation(ctx.db, {
    name: input.name,
    event: input.event,
    condition,
    templateId: template.id,
    channel: input.channel,
    createdBy: ctx.actor.id,
  });
  await recordActivity(ctx.db, actorLabel(ctx.actor), 'messaging.automationSaved', {
    automationId: automation.id,
    event: input.event,
  });
  return automation;
}

export async function setAutomationEnabled(ctx: ShopContext, id: string, enabled: boolean): Promise<Automation> {
  ensureManage(ctx);
  const automation = await setAutomationEnabledRow(ctx.db, id, enabled);
  if (!automation) throw new AppError('not_found');
  await recordActivity(ctx.db, actorLabel(ctx.actor), 'messaging.automationToggled', { automationId: id, enabled });
  return automation;
}

/** A test send of a stored template (sample data, to the user's own address). */
export async function testTemplate(
  ctx: ShopContext,
  id: string,
  input: { phone?: string | null },
): Promise<OutboundMessage> {
  const template = await getTemplate(ctx, id);
  return sendTestMessage(ctx, template, input);
}

/** The message log, newest first, one round trip. */
export async function listMessages(
  ctx: ShopContext,
  filter: Omit<MessageFilter, 'limit'> & { limit?: number },
): Promise<{ rows: MessageLogRow[]; next: { createdAt: string; id: string } | null }> {
  ensureManage(ctx);
  const limit = filter.limit ?? 50;
  const result = await messageLogQuery(ctx.db, { ...filter, limit });
  const rows = result.rows.slice(0, limit);
  const last = rows.at(-1);
  return { rows, next: result.rows.length > limit && last ? { createdAt: last.createdAt, id: last.id } : null };
}

/**
 * A contact's consent per channel and opt-out, recorded in the activity log (who and when). An
 * opt-out stops every automated and direct message until it is lifted.
 */
export async function setContactConsent(
  ctx: ShopContext,
  contactId: string,
  values: { whatsappConsent?: boolean; emailConsent?: boolean; optedOut?: boolean },
) {
  if (!can(ctx.actor, 'contacts.manage')) throw new AppError('forbidden');
  const row = await setContactMessaging(ctx.db, contactId, values);
  if (!row) throw new AppError('not_found');
  const action =
    values.optedOut === true
      ? 'contact.optedOut'
      : values.optedOut === false
        ? 'contact.optedIn'
        : 'contact.consentChanged';
  await recordActivity(ctx.db, actorLabel(ctx.actor), action, { contactId, ...values });
  return row;
}

export { eventVariables, isMessageEvent };
