import { and, eq, isNull, or, sql, type SQL } from 'drizzle-orm';
import type { TenantDb } from '../db/client';
import { sqlState } from '../db/raised';
import { endpointTakes } from './webhooks';
import {
  automations,
  company,
  contacts,
  type MessageChannelKind,
  messageChannels,
  messageTemplates,
  type OutboundMessageStatus,
  outboundMessages,
  shopEvents,
} from '../db/tenant-schema';

export type ShopEvent = typeof shopEvents.$inferSelect;
export type MessageChannelRow = typeof messageChannels.$inferSelect;
export type MessageTemplate = typeof messageTemplates.$inferSelect;
export type Automation = typeof automations.$inferSelect;
export type OutboundMessage = typeof outboundMessages.$inferSelect;
export type OutboundMessageInsert = typeof outboundMessages.$inferInsert;

export interface EventInput {
  type: string;
  key: string;
  subjectId?: string | null;
  payload?: Record<string, unknown>;
}

/** The outbox row of an event, unexecuted, for the change's own batch: the same key twice is one event. */
export function shopEventInsert(db: TenantDb, event: EventInput) {
  return db
    .insert(shopEvents)
    .values({ type: event.type, key: event.key, subjectId: event.subjectId ?? null, payload: event.payload ?? {} })
    .onConflictDoNothing({ target: shopEvents.key });
}

/** The same as raw SQL, for statements that build their event from another row (`SELECT ... FROM`). */
export function shopEventInsertFrom(type: string, key: SQL, subjectId: SQL, from: SQL): SQL {
  return sql`INSERT INTO shop_events (type, key, subject_id) SELECT ${type}, ${key}, ${subjectId} ${from}
    ON CONFLICT (key) DO NOTHING`;
}

/**
 * The next `limit` events not dispatched yet, oldest first, in one statement that also marks those
 * nothing listens to as dispatched (no enabled automation of their type, no enabled webhook endpoint
 * that takes them): a shop without automations or webhooks pays one statement per dispatch job, not
 * three per event. `events` are the rest, each for dispatchEvents to claim; `taken` counts the whole
 * page, so a full page means more may wait. Marking twice is harmless: only pending rows change.
 */
export async function takePendingEvents(db: TenantDb, limit: number): Promise<{ events: ShopEvent[]; taken: number }> {
  const result = await db.execute<{
    id: string;
    type: string;
    key: string;
    subjectId: string | null;
    payload: Record<string, unknown>;
    occurredAt: string;
    dispatchedAt: string | null;
    heard: boolean;
  }>(sql`
    WITH page AS (
      SELECT e.*,
             EXISTS (SELECT 1 FROM automations a WHERE a.enabled AND a.event = e.type)
             OR EXISTS (SELECT 1 FROM webhook_endpoints w WHERE ${endpointTakes(sql`w`, sql`e.type`)}) AS heard
        FROM shop_events e
       WHERE e.dispatched_at IS NULL
       ORDER BY e.occurred_at, e.id
       LIMIT ${limit}),
    unheard AS (
      UPDATE shop_events s SET dispatched_at = now()
       WHERE s.id IN (SELECT id FROM page WHERE NOT heard) AND s.dispatched_at IS NULL)
    SELECT id, type, key, subject_id AS "subjectId", payload, occurred_at AS "occurredAt",
           dispatched_at AS "dispatchedAt", heard
      FROM page ORDER BY occurred_at, id`);
  const events = result.rows
    .filter((row) => row.heard)
    .map(({ heard: _, occurredAt, dispatchedAt, ...row }) => ({
      ...row,
      occurredAt: new Date(occurredAt),
      dispatchedAt: dispatchedAt ? new Date(dispatchedAt) : null,
    }));
  return { events, taken: result.rows.length };
}

/** Enabled automations of an event with their template. */
export async function automationsFor(db: TenantDb, event: string) {
  return db
    .select({ automation: automations, template: messageTemplates })
    .from(automations)
    .innerJoin(messageTemplates, eq(messageTemplates.id, automations.templateId))
    .where(and(eq(automations.event, event), eq(automations.enabled, true)))
    .orderBy(automations.createdAt, automations.id);
}

/** Who an event is about and the facts its templates may show (names as the SQL gives them). */
export interface EventSubject {
  contactId: string | null;
  name: string | null;
  mobile: string | null;
  phone: string | null;
  email: string | null;
  whatsappConsent: boolean;
  emailConsent: boolean;
  optedOutAt: string | null;
  branchId: string | null;
  facts: Record<string, string | null>;
}

const contactColumns = sql`c.id AS "contactId", c.name, c.mobile, c.phone, c.email,
  coalesce(c.whatsapp_consent, false) AS "whatsappConsent", coalesce(c.email_consent, false) AS "emailConsent",
  c.opted_out_at::text AS "optedOutAt"`;

/** The subject of a customer event, or null when the event has none (or it is gone). */
export async function eventSubject(db: TenantDb, event: ShopEvent): Promise<EventSubject | null> {
  if (!event.subjectId) return null;
  const id = event.subjectId;
  let query: SQL;
  switch (event.type) {
    case 'invoice.issued':
      query = sql`SELECT ${contactColumns}, i.branch_id AS "branchId",
          jsonb_build_object('factura.numero', i.ncf, 'factura.total', i.total::text, 'moneda', i.currency_code) AS facts
        FROM invoices i LEFT JOIN contacts c ON c.id = i.customer_id WHERE i.id = ${id}::uuid`;
      break;
    case 'payment.received':
      query = sql`SELECT ${contactColumns}, p.branch_id AS "branchId",
          jsonb_build_object('pago.numero', p.number, 'pago.monto', p.amount::text, 'factura.numero', i.ncf,
            'factura.pendiente', (i.total - i.paid_total - i.credited_total)::text, 'moneda', i.currency_code) AS facts
        FROM payments p JOIN invoices i ON i.id = p.invoice_id LEFT JOIN contacts c ON c.id = i.customer_id
       WHERE p.id = ${id}::uuid`;
      break;
    case 'quotation.shared':
      query = sql`SELECT ${contactColumns}, q.branch_id AS "branchId",
          jsonb_build_object('cotizacion.numero', q.number, 'cotizacion.total', q.total::text, 'moneda', q.currency_code) AS facts
        FROM quotations q LEFT JOIN contacts c ON c.id = q.customer_id WHERE q.id = ${id}::uuid`;
      break;
    case 'lab_order.stage_entered':
    case 'lab_order.overdue': {
      const stageId = typeof event.payload.stageId === 'string' ? event.payload.stageId : null;
      query = sql`SELECT ${contactColumns}, o.branch_id AS "branchId",
          jsonb_build_object('orden.numero', 'LAB-' || lpad(o.number::text, 6, '0'), 'orden.etapa', s.name,
            'orden.prometida', o.promised_on::text, 'stageId', s.id::text) AS facts
        FROM lab_orders o JOIN contacts c ON c.id = o.customer_id
        JOIN lab_stages s ON s.id = coalesce(${stageId}::uuid, o.stage_id)
       WHERE o.id = ${id}::uuid`;
      break;
    }
    case 'recall.due':
      query = sql`SELECT ${contactColumns}, p.branch_id AS "branchId", '{}'::jsonb AS facts
        FROM prescriptions p JOIN contacts c ON c.id = p.patient_id WHERE p.id = ${id}::uuid`;
      break;
    default:
      return null;
  }
  const result = await db.execute<EventSubject & Record<string, unknown>>(query);
  return result.rows[0] ?? null;
}

/** The shop's active owners: recipients of the events about the shop itself. */
export async function ownerRecipients(db: TenantDb) {
  const result = await db.execute<{ id: string; name: string; email: string }>(
    sql`SELECT id, name, email FROM users WHERE role = 'owner' AND status = 'active' ORDER BY created_at, id`,
  );
  return result.rows;
}

/** The quiet hours as the settings page shows them (HH:MM, shop time), unexecuted for a batch. */
export function quietHoursQuery(db: TenantDb) {
  return db
    .select({
      start: sql<string | null>`to_char(${company.quietHoursStart}, 'HH24:MI')`,
      end: sql<string | null>`to_char(${company.quietHoursEnd}, 'HH24:MI')`,
    })
    .from(company)
    .where(eq(company.id, 1));
}

/** Sets both ends of the quiet hours, or clears them (both null). */
export async function setQuietHours(db: TenantDb, start: string | null, end: string | null): Promise<void> {
  await db
    .update(company)
    .set({ quietHoursStart: start, quietHoursEnd: end, updatedAt: sql`now()` })
    .where(eq(company.id, 1));
}

/** The shop's name, phones and quiet hours. */
export async function shopProfile(db: TenantDb) {
  const result = await db.execute<{
    name: string;
    phones: string | null;
    quietHoursStart: string | null;
    quietHoursEnd: string | null;
  }>(sql`SELECT name, phones, quiet_hours_start::text AS "quietHoursStart", quiet_hours_end::text AS "quietHoursEnd"
           FROM company WHERE id = 1`);
  return result.rows[0] ?? { name: '', phones: null, quietHoursStart: null, quietHoursEnd: null };
}

const insertColumns = [
  'idempotency_key',
  'event_key',
  'event',
  'automation_id',
  'template_id',
  'channel',
  'contact_id',
  'recipient',
  'subject',
  'body',
  'status',
  'reason',
  'not_before',
  'is_test',
  'whatsapp_template',
  'created_by',
] as const;

function messageValues(row: OutboundMessageInsert): SQL {
  return sql`(${row.idempotencyKey}, ${row.eventKey ?? null}, ${row.event}, ${row.automationId ?? null}::uuid,
    ${row.templateId ?? null}::uuid, ${row.channel}, ${row.contactId ?? null}::uuid, ${row.recipient}, ${row.subject ?? null},
    ${row.body}, ${row.status ?? 'queued'}, ${row.reason ?? null}, ${row.notBefore?.toISOString() ?? null}::timestamptz,
    ${row.isTest ?? false}::boolean, ${row.whatsappTemplate ? JSON.stringify(row.whatsappTemplate) : null}::jsonb, ${row.createdBy ?? null}::uuid)`;
}

export interface InsertedMessage {
  id: string;
  status: OutboundMessageStatus;
  notBefore: string | null;
}

/**
 * Marks an event dispatched and writes its messages in ONE statement: the event row is claimed
 * (FOR UPDATE SKIP LOCKED, still undispatched) and the messages are inserted only when this
 * statement claimed it, so a dispatcher running twice, or two at once, writes them once. A message
 * whose idempotency key exists already is not written again. The new rows.
 */
export async function claimEventWithMessages(
  db: TenantDb,
  eventId: string,
  rows: OutboundMessageInsert[],
): Promise<{ claimed: boolean; inserted: InsertedMessage[] }> {
  const claim = sql`UPDATE shop_events SET dispatched_at = now()
     WHERE id = (SELECT id FROM shop_events WHERE id = ${eventId}::uuid AND dispatched_at IS NULL FOR UPDATE SKIP LOCKED)
     RETURNING id`;
  if (rows.length === 0) {
    const result = await db.execute<{ id: string }>(claim);
    return { claimed: result.rows.length > 0, inserted: [] };
  }
  const result = await db.execute<{
    claimed: boolean;
    id: string | null;
    status: OutboundMessageStatus;
    notBefore: string | null;
  }>(sql`
    WITH claimed AS (${claim}),
    inserted AS (
      INSERT INTO outbound_messages (${sql.raw(insertColumns.join(', '))})
      SELECT v.* FROM (VALUES ${sql.join(rows.map(messageValues), sql`, `)}) AS v
       WHERE EXISTS (SELECT 1 FROM claimed)
      ON CONFLICT (idempotency_key) DO NOTHING
      RETURNING id, status, not_before)
    SELECT EXISTS (SELECT 1 FROM claimed) AS claimed, i.id, i.status, i.not_before::text AS "notBefore"
      FROM (SELECT 1) one LEFT JOIN inserted i ON true`);
  const claimed = result.rows[0]?.claimed ?? false;
  const inserted = result.rows.filter((row) => row.id !== null) as InsertedMessage[];
  return { claimed, inserted };
}

/** Writes one message (a direct or test send); null when its idempotency key exists already. */
export async function insertMessage(db: TenantDb, row: OutboundMessageInsert): Promise<OutboundMessage | null> {
  const [inserted] = await db
    .insert(outboundMessages)
    .values(row)
    .onConflictDoNothing({ target: outboundMessages.idempotencyKey })
    .returning();
  return inserted ?? null;
}

export async function messageByKey(db: TenantDb, idempotencyKey: string) {
  const [found] = await db.select().from(outboundMessages).where(eq(outboundMessages.idempotencyKey, idempotencyKey));
  return found ?? null;
}

/**
 * Claims a queued message for sending (queued -> sending, one more attempt) in one UPDATE; null
 * when another delivery has it, it is done, or its quiet hours have not ended.
 */
export async function claimMessage(db: TenantDb, id: string): Promise<OutboundMessage | null> {
  const [claimed] = await db
    .update(outboundMessages)
    .set({ status: 'sending', attempts: sql`${outboundMessages.attempts} + 1`, updatedAt: sql`now()` })
    .where(
      and(
        eq(outboundMessages.id, id),
        eq(outboundMessages.status, 'queued'),
        or(isNull(outboundMessages.notBefore), sql`${outboundMessages.notBefore} <= now()`),
      ),
    )
    .returning();
  return claimed ?? null;
}

export async function markMessageSent(db: TenantDb, id: string, providerMessageId: string) {
  await db
    .update(outboundMessages)
    .set({ status: 'sent', providerMessageId, sentAt: sql`now()`, reason: null, updatedAt: sql`now()` })
    .where(and(eq(outboundMessages.id, id), eq(outboundMessages.status, 'sending')));
}

/** Back to the queue after a retryable failure, not before `notBefore`. */
export async function requeueMessage(db: TenantDb, id: string, reason: string, notBefore: Date) {
  await db
    .update(outboundMessages)
    .set({ status: 'queued', reason, notBefore, updatedAt: sql`now()` })
    .where(and(eq(outboundMessages.id, id), eq(outboundMessages.status, 'sending')));
}

export async function markMessageFailed(db: TenantDb, id: string, reason: string) {
  await db
    .update(outboundMessages)
    .set({ status: 'failed', reason, failedAt: sql`now()`, updatedAt: sql`now()` })
    .where(and(eq(outboundMessages.id, id), eq(outboundMessages.status, 'sending')));
}

/** Marks a message skipped before any send (its channel or recipient became unusable). */
export async function markMessageSkipped(db: TenantDb, id: string, reason: string) {
  await db
    .update(outboundMessages)
    .set({ status: 'skipped', reason, updatedAt: sql`now()` })
    .where(and(eq(outboundMessages.id, id), eq(outboundMessages.status, 'sending')));
}

/**
 * For the sweep: messages left 'sending' for `staleMinutes` (a consumer died between claim and
 * mark) go back to the queue, then the ids of queued messages that are due.
 */
export async function dueMessageIds(db: TenantDb, staleMinutes: number, limit: number): Promise<string[]> {
  const [, due] = await db.batch([
    db.execute(sql`UPDATE outbound_messages SET status = 'queued', updated_at = now()
       WHERE status = 'sending' AND updated_at < now() - make_interval(mins => ${staleMinutes})`),
    db.execute<{ id: string }>(sql`SELECT id FROM outbound_messages
       WHERE status = 'queued' AND (not_before IS NULL OR not_before <= now())
       ORDER BY created_at, id LIMIT ${limit}`),
  ]);
  return due.rows.map((row) => row.id);
}

export async function channelRow(db: TenantDb, kind: MessageChannelKind) {
  const [found] = await db.select().from(messageChannels).where(eq(messageChannels.kind, kind));
  return found ?? null;
}

export function channelsQuery(db: TenantDb) {
  return db.select().from(messageChannels).orderBy(messageChannels.kind);
}

export async function upsertChannel(db: TenantDb, row: typeof messageChannels.$inferInsert) {
  await db
    .insert(messageChannels)
    .values(row)
    .onConflictDoUpdate({
      target: messageChannels.kind,
      set: {
        enabled: row.enabled,
        sealedCredentials: row.sealedCredentials,
        display: row.display,
        settings: row.settings,
        updatedBy: row.updatedBy,
        updatedAt: sql`now()`,
      },
    });
}

export function templatesQuery(db: TenantDb) {
  return db
    .select()
    .from(messageTemplates)
    .where(isNull(messageTemplates.archivedAt))
    .orderBy(messageTemplates.event, messageTemplates.channel, messageTemplates.name);
}

export async function templateById(db: TenantDb, id: string) {
  const [found] = await db
    .select()
    .from(messageTemplates)
    .where(and(eq(messageTemplates.id, id), isNull(messageTemplates.archivedAt)));
  return found ?? null;
}

export function automationsQuery(db: TenantDb) {
  return db
    .select({ automation: automations, templateName: messageTemplates.name })
    .from(automations)
    .innerJoin(messageTemplates, eq(messageTemplates.id, automations.templateId))
    .orderBy(automations.event, automations.createdAt);
}

/** The day counts of enabled recall automations ({ daysBefore } in their condition), ascending. */
export async function recallDays(db: TenantDb): Promise<number[]> {
  const result = await db.execute<{ days: number }>(sql`
    SELECT DISTINCT (condition->>'daysBefore')::int AS days FROM automations
     WHERE event = 'recall.due' AND enabled AND condition->>'daysBefore' ~ '^[0-9]{1,3}$'
     ORDER BY 1`);
  return result.rows.map((row) => Number(row.days));
}

export interface MessageFilter {
  status?: OutboundMessageStatus | null;
  channel?: MessageChannelKind | null;
  contactId?: string | null;
  automationId?: string | null;
  before?: { createdAt: string; id: string } | null;
  limit: number;
}

/** The message log, newest first, with the contact's name and the automation's. */
export function messageLogQuery(db: TenantDb, filter: MessageFilter) {
  const conditions: SQL[] = [];
  if (filter.status) conditions.push(sql`m.status = ${filter.status}`);
  if (filter.channel) conditions.push(sql`m.channel = ${filter.channel}`);
  if (filter.contactId) conditions.push(sql`m.contact_id = ${filter.contactId}::uuid`);
  if (filter.automationId) conditions.push(sql`m.automation_id = ${filter.automationId}::uuid`);
  if (filter.before)
    conditions.push(sql`(m.created_at, m.id) < (${filter.before.createdAt}::timestamptz, ${filter.before.id}::uuid)`);
  const where = conditions.length ? sql`WHERE ${sql.join(conditions, sql` AND `)}` : sql``;
  return db.execute<MessageLogRow & Record<string, unknown>>(sql`
    SELECT m.id, m.status, m.channel, m.recipient, m.event, m.reason, m.subject, m.body, m.attempts, m.is_test AS "isTest",
           m.contact_id AS "contactId", c.name AS "contactName", m.automation_id AS "automationId", a.name AS "automationName",
           m.created_at::text AS "createdAt", m.sent_at::text AS "sentAt", m.delivered_at::text AS "deliveredAt",
           m.read_at::text AS "readAt", m.failed_at::text AS "failedAt", m.not_before::text AS "notBefore"
      FROM outbound_messages m
      LEFT JOIN contacts c ON c.id = m.contact_id
      LEFT JOIN automations a ON a.id = m.automation_id
      ${where}
     ORDER BY m.created_at DESC, m.id DESC
     LIMIT ${filter.limit + 1}`);
}

export interface MessageLogRow {
  id: string;
  status: OutboundMessageStatus;
  channel: MessageChannelKind;
  recipient: string;
  event: string;
  reason: string | null;
  subject: string | null;
  body: string;
  attempts: number;
  isTest: boolean;
  contactId: string | null;
  contactName: string | null;
  automationId: string | null;
  automationName: string | null;
  createdAt: string;
  sentAt: string | null;
  deliveredAt: string | null;
  readAt: string | null;
  failedAt: string | null;
  notBefore: string | null;
}

export type TemplateWrite = { ok: true; template: MessageTemplate } | { ok: false; reason: 'duplicate' | 'missing' };

/** Inserts or updates a template; 'duplicate' when its channel has another with that name. */
export async function saveTemplateRow(
  db: TenantDb,
  id: string | null,
  values: Omit<typeof messageTemplates.$inferInsert, 'id' | 'createdAt' | 'updatedAt' | 'archivedAt'>,
): Promise<TemplateWrite> {
  try {
    const [row] = id
      ? await db
          .update(messageTemplates)
          .set({ ...values, updatedAt: sql`now()` })
          .where(and(eq(messageTemplates.id, id), isNull(messageTemplates.archivedAt)))
          .returning()
      : await db.insert(messageTemplates).values(values).returning();
    return row ? { ok: true, template: row } : { ok: false, reason: 'missing' };
  } catch (error) {
    if (sqlState(error) === '23505') return { ok: false, reason: 'duplicate' };
    throw error;
  }
}

/** Inserts templates whose (channel, name) is free; how many were written. */
export async function insertTemplatesIfAbsent(
  db: TenantDb,
  rows: Array<typeof messageTemplates.$inferInsert>,
): Promise<number> {
  if (rows.length === 0) return 0;
  const inserted = await db
    .insert(messageTemplates)
    .values(rows)
    .onConflictDoNothing()
    .returning({ id: messageTemplates.id });
  return inserted.length;
}

export async function archiveTemplateRow(db: TenantDb, id: string) {
  const [row] = await db
    .update(messageTemplates)
    .set({ archivedAt: sql`now()`, updatedAt: sql`now()` })
    .where(and(eq(messageTemplates.id, id), isNull(messageTemplates.archivedAt)))
    .returning({ id: messageTemplates.id });
  return row ?? null;
}

export async function insertAutomation(db: TenantDb, values: typeof automations.$inferInsert) {
  const [row] = await db.insert(automations).values(values).returning();
  return row!;
}

export async function setAutomationEnabledRow(db: TenantDb, id: string, enabled: boolean) {
  const [row] = await db
    .update(automations)
    .set({ enabled, updatedAt: sql`now()` })
    .where(eq(automations.id, id))
    .returning();
  return row ?? null;
}

/** Contacts' consent and opt-out (the contact form and the opt-out action). */
export async function setContactMessaging(
  db: TenantDb,
  id: string,
  values: { whatsappConsent?: boolean; emailConsent?: boolean; optedOut?: boolean },
) {
  const set: Record<string, unknown> = { updatedAt: sql`now()` };
  if (values.whatsappConsent !== undefined) set.whatsappConsent = values.whatsappConsent;
  if (values.emailConsent !== undefined) set.emailConsent = values.emailConsent;
  if (values.optedOut !== undefined)
    set.optedOutAt = values.optedOut ? sql`coalesce(${contacts.optedOutAt}, now())` : null;
  const [row] = await db
    .update(contacts)
    .set(set)
    .where(eq(contacts.id, id))
    .returning({ id: contacts.id, optedOutAt: contacts.optedOutAt });
  return row ?? null;
}
