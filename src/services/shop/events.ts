import type { TenantDb } from '../../db/client';
import {
  claimEventWithMessages,
  type EventInput,
  pendingEvents,
  type ShopEvent,
  shopEventInsert,
} from '../../queries/messaging';
import type { ShopContext } from './context';
import { type MessagingContext, plannedMessages, queueMessageSend } from './messaging';
import { queueWebhookDeliveries } from './webhooks';

export type { EventInput, ShopEvent };

export const eventJobs = { dispatch: 'events.dispatch' } as const;

/** Events handled per dispatch job; a full batch queues the next job. */
const dispatchBatch = 50;

/**
 * An event's outbox row as an UNEXECUTED insert, to put in the same `ctx.db.batch` as the change
 * it records: it commits or rolls back with the change. The same key twice is one event.
 */
export function eventInsert(db: TenantDb, event: EventInput) {
  return shopEventInsert(db, event);
}

/** After the change committed: asks the queue to dispatch (the 5-minute sweep catches a lost job). */
export async function queueEventDispatch(ctx: Pick<ShopContext, 'jobs'>): Promise<void> {
  await ctx.jobs.send(eventJobs.dispatch, {});
}

/**
 * The 'events.dispatch' job: for each undispatched event, queues its webhook deliveries (keyed by
 * endpoint and event: a repeat adds none), then marks it dispatched and writes its messages in one
 * statement (claimEventWithMessages): a second delivery of this job, or one running at the same
 * time, claims nothing and writes nothing. Only the messages this run wrote are queued for sending.
 */
export async function dispatchEvents(ctx: MessagingContext): Promise<{ events: number; messages: number }> {
  const events = await pendingEvents(ctx.db, dispatchBatch);
  let handled = 0;
  let messages = 0;
  for (const event of events) {
    await queueWebhookDeliveries(ctx, event);
    const rows = await plannedMessages(ctx, event);
    const { claimed, inserted } = await claimEventWithMessages(ctx.db, event.id, rows);
    if (!claimed) continue;
    handled += 1;
    for (const message of inserted) {
      if (message.status !== 'queued') continue;
      messages += 1;
      await queueMessageSend(ctx, message.id, message.notBefore);
    }
  }
  if (events.length === dispatchBatch) await queueEventDispatch(ctx);
  return { events: handled, messages };
}
