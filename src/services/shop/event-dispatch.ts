import { claimEventWithMessages, takePendingEvents } from '../../queries/messaging';
import { eventJobs, queueEventDispatch } from './events';
import { type MessagingContext, plannedMessages, queueMessageSend } from './messaging';
import { queueWebhookDeliveries } from './webhooks';

export { eventJobs };

/** Events handled per dispatch job; a full batch queues the next job. */
const dispatchBatch = 50;

/**
 * The 'events.dispatch' job: events nothing listens to are marked dispatched as they are read
 * (takePendingEvents, one statement). For each of the others it queues its webhook deliveries (keyed by
 * endpoint and event: a repeat adds none), then marks it dispatched and writes its messages in one
 * statement (claimEventWithMessages): a second delivery of this job, or one running at the same
 * time, claims nothing and writes nothing. Only the messages this run wrote are queued for sending.
 */
export async function dispatchEvents(ctx: MessagingContext): Promise<{ events: number; messages: number }> {
  const { events, taken } = await takePendingEvents(ctx.db, dispatchBatch);
  let handled = 0;
  let messages = 0;
  for (const [index, event] of events.entries()) {
    await queueWebhookDeliveries(ctx, event);
    const rows = await plannedMessages(ctx, event);
    const { claimed, inserted } = await claimEventWithMessages(ctx.db, event.id, rows);
    // Another dispatcher has this event (every write queues a dispatch, so a burst of writes runs
    // many at once over the same list): leave the rest to it, and look again a little later in
    // case it read a shorter list than this one.
    if (!claimed) {
      if (index < events.length - 1) await ctx.jobs.send(eventJobs.dispatch, {}, { delaySeconds: 5 });
      break;
    }
    handled += 1;
    for (const message of inserted) {
      if (message.status !== 'queued') continue;
      messages += 1;
      await queueMessageSend(ctx, message.id, message.notBefore);
    }
  }
  if (taken === dispatchBatch) await queueEventDispatch(ctx);
  return { events: handled, messages };
}
