import { createCentralApp, createTenantApp } from './app';
import { readConfig } from './config';
import type { Bindings } from './env';
import { AppError } from './errors';
import { errorResponse } from './http/error-page';
import { jobHandlers } from './jobs';
import { matchHost, requestHost } from './tenancy/host';
import type { JobMessage } from './tenancy/jobs';
import { consumeJobs } from './tenancy/queue';
import { platformJobHandlers } from './services/platform/jobs';
import { consumePlatformJobs, isPlatformJobMessage, type PlatformJobMessage } from './services/platform/jobs/runner';
import { queueDailyRuns, queueShopSweeps } from './jobs/shop-schedule';
import { runScheduledBackups } from './scheduled';

/** wrangler.toml's second cron: one sweep job per active shop (e-CF, messages, webhooks). */
const ecfSweepCron = '*/5 * * * *';
/** wrangler.toml's third cron, 07:00 in Santo Domingo: one shop.daily run per active shop. */
const shopDailyCron = '0 11 * * *';

const centralApp = createCentralApp();
const tenantApp = createTenantApp();

export default {
  /** The host decides everything: a central domain, a shop's subdomain or custom domain, or nothing. */
  fetch(request, env, ctx) {
    const match = matchHost(requestHost(request), readConfig(env).centralDomains);
    switch (match.kind) {
      case 'central':
        return centralApp.fetch(request, env, ctx);
      case 'tenant':
        return tenantApp.fetch(request, env, ctx);
      case 'invalid':
        return errorResponse(new AppError('bad_host'), request);
      case 'unknown':
        return errorResponse(new AppError('not_found'), request);
    }
  },

  /** One queue: a shop's jobs (stamped with its tenant id) and the admin panel's platform jobs. */
  async queue(batch, env) {
    const platform = batch.messages.filter((message) => isPlatformJobMessage(message.body));
    const shops = batch.messages.filter((message) => !isPlatformJobMessage(message.body)) as Message<JobMessage>[];
    await consumePlatformJobs(platform, env, platformJobHandlers);
    await consumeJobs(shops, env, jobHandlers);
  },

  /** Cron Triggers (wrangler.toml): the daily backup of every active shop, per-shop sweeps, per-shop daily work. */
  async scheduled(controller, env, ctx) {
    if (controller.cron === ecfSweepCron) {
      ctx.waitUntil(queueShopSweeps(env));
    } else if (controller.cron === shopDailyCron) ctx.waitUntil(queueDailyRuns(env, controller.scheduledTime));
    else ctx.waitUntil(runScheduledBackups(env, controller.scheduledTime));
  },
} satisfies ExportedHandler<Bindings, JobMessage | PlatformJobMessage>;
