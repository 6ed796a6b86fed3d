import { shopToday } from '../domain/dates';
import type { Bindings } from '../env';
import { dailyRunPayload, runDailySchedule, scheduleJobs } from '../services/shop/schedule';
import { queueDueWebhookDeliveries } from '../services/shop/webhooks';
import type { TenantContext } from '../tenancy/context';
import { sendToShops } from '../tenancy/jobs';
import { listTenants } from '../tenancy/lifecycle';
import { createPlatform } from '../tenancy/platform';

type ScheduleJobHandler = (context: TenantContext, payload: unknown, env: Bindings) => Promise<void>;

/**
 * What the 5-minute sweep runs in each shop, in this order: its e-CF due (sends in contingency,
 * polls, lost messages), its events and messages due, its webhook retries due. One `shop.sweep`
 * message per shop runs them all (src/jobs/index.ts); each is also a job of its own.
 */
export const shopSweepJobs = ['ecf.sweep', 'messages.sweep', 'webhooks.sweep'] as const;
export const shopSweepJob = 'shop.sweep';

/** Scheduled per-shop work; a repeated message finds its run claimed (daily) or nothing due (sweep). */
export const shopScheduleJobHandlers: Record<string, ScheduleJobHandler> = {
  [scheduleJobs.daily]: async (context, payload) => {
    await runDailySchedule(context, dailyRunPayload.parse(payload).period);
  },
  'webhooks.sweep': async (context) => {
    await queueDueWebhookDeliveries(context);
  },
};

async function activeShopIds(env: Bindings): Promise<string[]> {
  const platform = await createPlatform(env);
  return (await listTenants(platform)).filter((tenant) => tenant.status === 'active').map((tenant) => tenant.id);
}

/**
 * The daily Cron Trigger: one 'shop.daily' message per active shop for the shop-local date of the
 * trigger, so each shop runs (and on failure retries) alone. Returns the shops queued.
 */
export async function queueDailyRuns(env: Bindings, scheduledTime: number): Promise<string[]> {
  const period = shopToday(new Date(scheduledTime));
  const shops = await activeShopIds(env);
  await sendToShops(env.JOBS, shops, scheduleJobs.daily, { period });
  return shops;
}

/** The 5-minute Cron Trigger: one `shop.sweep` message per active shop, sent in batches. Returns how many. */
export async function queueShopSweeps(env: Bindings): Promise<number> {
  const shops = await activeShopIds(env);
  await sendToShops(env.JOBS, shops, shopSweepJob, {});
  return shops.length;
}
