import type { TenantDb } from '../../db/client';
import { type EventInput, type ShopEvent, shopEventInsert } from '../../queries/messaging';
import type { ShopContext } from './context';

export type { EventInput, ShopEvent };

export const eventJobs = { dispatch: 'events.dispatch' } as const;

/**
 * An event's outbox row as an UNEXECUTED insert, to put in the same `ctx.db.batch` as the change
 * it records: it commits or rolls back with the change. The same key twice is one event.
 */
export function eventInsert(db: TenantDb, event: EventInput) {
  return shopEventInsert(db, event);
}

/**
 * After the change committed: asks the queue to dispatch (dispatchEvents in event-dispatch.ts; the
 * 5-minute sweep catches a lost job). This module stays free of the messaging code so that any
 * service may emit events without an import cycle.
 */
export async function queueEventDispatch(ctx: Pick<ShopContext, 'jobs'>): Promise<void> {
  await ctx.jobs.send(eventJobs.dispatch, {});
}
