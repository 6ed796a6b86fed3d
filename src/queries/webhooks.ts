import { and, desc, eq, lte, or, type SQL, sql } from 'drizzle-orm';
import type { TenantDb } from '../db/client';
import { webhookDeliveries, webhookEndpoints } from '../db/tenant-schema';

export type WebhookEndpointRow = typeof webhookEndpoints.$inferSelect;
export type WebhookDeliveryRow = typeof webhookDeliveries.$inferSelect;

/** What the settings page shows of an endpoint (never its sealed secret). */
export type WebhookEndpoint = Omit<WebhookEndpointRow, 'sealedSecret'>;

const endpointColumns = {
  id: webhookEndpoints.id,
  url: webhookEndpoints.url,
  description: webhookEndpoints.description,
  events: webhookEndpoints.events,
  enabled: webhookEndpoints.enabled,
  createdBy: webhookEndpoints.createdBy,
  createdAt: webhookEndpoints.createdAt,
  updatedAt: webhookEndpoints.updatedAt,
};

/** A delivery that started this long ago and never finished (the Worker died mid-request) may be claimed again. */
const stuckDeliveryAfter = sql`interval '5 minutes'`;

export function insertWebhookEndpoint(
  db: TenantDb,
  values: Pick<WebhookEndpointRow, 'id' | 'url' | 'description' | 'events' | 'sealedSecret' | 'createdBy'>,
) {
  return db.insert(webhookEndpoints).values(values).returning(endpointColumns);
}

export function webhookEndpointsQuery(db: TenantDb) {
  return db.select(endpointColumns).from(webhookEndpoints).orderBy(desc(webhookEndpoints.createdAt));
}

export function webhookEndpointQuery(db: TenantDb, id: string) {
  return db.select(endpointColumns).from(webhookEndpoints).where(eq(webhookEndpoints.id, id));
}

export async function getWebhookEndpointRow(db: TenantDb, id: string): Promise<WebhookEndpointRow | null> {
  const [row] = await db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, id));
  return row ?? null;
}

/** The endpoint's latest deliveries, newest first. */
export function webhookDeliveriesQuery(db: TenantDb, endpointId: string, limit = 50) {
  return db
    .select()
    .from(webhookDeliveries)
    .where(eq(webhookDeliveries.endpointId, endpointId))
    .orderBy(desc(webhookDeliveries.createdAt), desc(webhookDeliveries.id))
    .limit(limit);
}

/** Unexecuted, for the change's own batch with its activity entry. */
export function updateWebhookEndpoint(
  db: TenantDb,
  id: string,
  values: Partial<Pick<WebhookEndpointRow, 'enabled' | 'sealedSecret'>>,
) {
  return db
    .update(webhookEndpoints)
    .set({ ...values, updatedAt: sql`now()` })
    .where(eq(webhookEndpoints.id, id))
    .returning(endpointColumns);
}

export interface WebhookEventInput {
  type: string;
  key: string;
  payload: Record<string, unknown>;
}

/**
 * Whether the webhook endpoint row `endpoint` (a table alias) takes events of type `eventType`: it
 * is enabled and lists the type, or lists none (every event). The one definition of a listening
 * endpoint, for the deliveries written and for the dispatcher's "does anything listen".
 */
export function endpointTakes(endpoint: SQL, eventType: SQL): SQL {
  return sql`${endpoint}.enabled AND (cardinality(${endpoint}.events) = 0 OR ${eventType} = ANY (${endpoint}.events))`;
}

/**
 * One pending delivery per enabled endpoint that takes the event (its list is empty or names the
 * type), once: a delivery already made for (endpoint, event key) is left alone. Returns the new ids.
 */
export async function insertWebhookDeliveries(
  db: TenantDb,
  event: WebhookEventInput,
  onlyEndpointId?: string,
): Promise<string[]> {
  const result = await db.execute<{ id: string }>(sql`
    INSERT INTO webhook_deliveries (endpoint_id, event_key, event, payload, next_attempt_at)
    SELECT e.id, ${event.key}, ${event.type}, ${JSON.stringify(event.payload)}::jsonb, now()
    FROM webhook_endpoints e
    WHERE ${endpointTakes(sql`e`, sql`${event.type}`)}
      ${onlyEndpointId ? sql`AND e.id = ${onlyEndpointId}` : sql``}
    ON CONFLICT (endpoint_id, event_key) DO NOTHING
    RETURNING id`);
  return result.rows.map((row) => row.id);
}

/**
 * Takes one delivery for sending, atomically: a pending one that is due (or one abandoned
 * mid-send) becomes `delivering` with one more attempt, so of any number of concurrent queue
 * deliveries exactly one gets it. The endpoint's URL and sealed secret come with it.
 */
export async function claimWebhookDelivery(
  db: TenantDb,
  id: string,
): Promise<{ delivery: WebhookDeliveryRow; endpoint: WebhookEndpointRow } | null> {
  const [delivery] = await db
    .update(webhookDeliveries)
    .set({ status: 'delivering', attempts: sql`${webhookDeliveries.attempts} + 1`, updatedAt: sql`now()` })
    .where(
      and(
        eq(webhookDeliveries.id, id),
        or(
          and(eq(webhookDeliveries.status, 'pending'), lte(webhookDeliveries.nextAttemptAt, sql`now()`)),
          and(
            eq(webhookDeliveries.status, 'delivering'),
            lte(webhookDeliveries.updatedAt, sql`now() - ${stuckDeliveryAfter}`),
          ),
        ),
      ),
    )
    .returning();
  if (!delivery) return null;
  const endpoint = await getWebhookEndpointRow(db, delivery.endpointId);
  return endpoint ? { delivery, endpoint } : null;
}

/** The end of one claimed attempt; only by the claim that holds it (same attempt number). */
export async function finishWebhookDelivery(
  db: TenantDb,
  delivery: Pick<WebhookDeliveryRow, 'id' | 'attempts'>,
  values: {
    status: 'delivered' | 'pending' | 'failed';
    responseStatus: number | null;
    responseExcerpt: string | null;
    nextAttemptAt?: Date | null;
  },
): Promise<WebhookDeliveryRow | null> {
  const [row] = await db
    .update(webhookDeliveries)
    .set({
      status: values.status,
      responseStatus: values.responseStatus,
      responseExcerpt: values.responseExcerpt,
      nextAttemptAt: values.nextAttemptAt ?? null,
      deliveredAt: values.status === 'delivered' ? sql`now()` : null,
      updatedAt: sql`now()`,
    })
    .where(
      and(
        eq(webhookDeliveries.id, delivery.id),
        eq(webhookDeliveries.status, 'delivering'),
        eq(webhookDeliveries.attempts, delivery.attempts),
      ),
    )
    .returning();
  return row ?? null;
}

/** Deliveries whose next try is due (or that were abandoned mid-send), oldest first. */
export async function dueWebhookDeliveries(db: TenantDb, limit: number): Promise<string[]> {
  const rows = await db
    .select({ id: webhookDeliveries.id })
    .from(webhookDeliveries)
    .where(
      or(
        and(eq(webhookDeliveries.status, 'pending'), lte(webhookDeliveries.nextAttemptAt, sql`now()`)),
        and(
          eq(webhookDeliveries.status, 'delivering'),
          lte(webhookDeliveries.updatedAt, sql`now() - ${stuckDeliveryAfter}`),
        ),
      ),
    )
    .orderBy(webhookDeliveries.nextAttemptAt)
    .limit(limit);
  return rows.map((row) => row.id);
}

/** "Reenviar": a finished delivery (delivered or failed) of this endpoint becomes due now with a fresh attempt count (unexecuted). */
export function resetWebhookDelivery(db: TenantDb, endpointId: string, id: string) {
  return db
    .update(webhookDeliveries)
    .set({ status: 'pending', attempts: 0, nextAttemptAt: sql`now()`, deliveredAt: null, updatedAt: sql`now()` })
    .where(
      and(
        eq(webhookDeliveries.id, id),
        eq(webhookDeliveries.endpointId, endpointId),
        or(eq(webhookDeliveries.status, 'delivered'), eq(webhookDeliveries.status, 'failed')),
      ),
    )
    .returning();
}
