/**
 * The shop's daily scheduled work ('shop.daily', one queue message per active shop from the daily
 * Cron Trigger): claims the run of the period (the shop-local date) so repeated or simultaneous
 * deliveries run it once, then writes the day's events into the outbox in one transaction - recall
 * reminders, overdue lab orders, NCF ranges running out or expiring, the e-CF certificate expiring
 * - and asks the dispatcher to send them. Every event has its own key, so even a re-run after a
 * failure adds only what is missing. A failure marks the run failed and throws: the queue retries
 * this shop alone, and the retry may claim the failed run again.
 */
import { z } from 'zod';
import { recallDayCounts } from '../../domain/recalls';
import {
  certificateEventsQuery,
  claimScheduledRun,
  finishScheduledRunQuery,
  fiscalRangeEventsQuery,
  overdueLabOrderEventsQuery,
  recallEventsQuery,
} from '../../queries/schedule';
import type { ShopContext } from './context';
import { queueEventDispatch } from './events';
import { recallDaysBefore } from './messaging';

export const scheduleJobs = { daily: 'shop.daily' } as const;

export const dailyRunPayload = z.object({ period: z.string().regex(/^\d{4}-\d{2}-\d{2}$/) });

/** A NCF range is low when this many numbers are left, or 10% of it if that is more. */
export const fiscalLowCount = 50;
/** A NCF range's DGII expiry is announced this many days ahead. */
export const fiscalExpiryDays = 30;

export interface DailyRunResult {
  ran: boolean;
  recalls: number;
  overdueLabOrders: number;
  fiscalRanges: number;
  certificate: number;
}

type ScheduleContext = Pick<ShopContext, 'db' | 'jobs'>;

/** One shop's daily run for `period` (YYYY-MM-DD, shop-local); `ran: false` when another delivery already has it. */
export async function runDailySchedule(ctx: ScheduleContext, period: string): Promise<DailyRunResult> {
  const job = scheduleJobs.daily;
  const none: DailyRunResult = { ran: false, recalls: 0, overdueLabOrders: 0, fiscalRanges: 0, certificate: 0 };
  if (!(await claimScheduledRun(ctx.db, job, period))) return none;
  try {
    const days = recallDayCounts(await recallDaysBefore(ctx));
    const [recalls, overdue, fiscal, certificate] = await ctx.db.batch([
      recallEventsQuery(ctx.db, period, days),
      overdueLabOrderEventsQuery(ctx.db, period),
      fiscalRangeEventsQuery(ctx.db, period, fiscalLowCount, fiscalExpiryDays),
      certificateEventsQuery(ctx.db, period),
    ]);
    const result: DailyRunResult = {
      ran: true,
      recalls: recalls.rows[0]?.count ?? 0,
      overdueLabOrders: overdue.rows[0]?.count ?? 0,
      fiscalRanges: fiscal.rows[0]?.count ?? 0,
      certificate: certificate.rows[0]?.count ?? 0,
    };
    await finishScheduledRunQuery(ctx.db, job, period, 'done', { ...result, recallDays: days });
    if (result.recalls + result.overdueLabOrders + result.fiscalRanges + result.certificate > 0)
      await queueEventDispatch(ctx);
    return result;
  } catch (error) {
    await finishScheduledRunQuery(ctx.db, job, period, 'failed', { error: String(error).slice(0, 500) }).catch(
      () => undefined,
    );
    throw error;
  }
}
