import { shopToday } from '../domain/dates';
import type { Bindings } from '../env';
import { dailyRunPayload, runDailySchedule, scheduleJobs } from '../services/shop/schedule';
import { queueDueWebhookDeliveries } from '../services/shop/webhooks';
import type { TenantContext } from '../tenancy/context';
import { TenantJobs } from '../tenancy/jobs';
import { listTenants } from '../tenancy/lifecycle';
import { createPlatform } from '../tenancy/platform';

type ScheduleJobHandler = (context: TenantContext, payload: unknown, env: Bindings) => Promise<void>;

/** The 5-minute sweep's jobs per shop: messages due (H3's handler) and webhook retries due. */
export const shopSweepJobs = ['messages.sweep', 'webhooks.sweep'] as const;

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
  for (const id of shops) await new TenantJobs(env.JOBS, id).send(scheduleJobs.daily, { period });
  return shops;
}

/** The 5-minute Cron Trigger's share: each active shop's message and webhook sweeps. */
export async function queueShopSweeps(env: Bindings): Promise<number> {
  const shops = await activeShopIds(env);
  for (const id of shops) for (const job of shopSweepJobs) await new TenantJobs(env.JOBS, id).send(job, {});
  return shops.length;
}
