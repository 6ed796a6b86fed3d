import { z } from 'zod';
import { auditLog } from '../db/tenant-schema';
import type { Bindings } from '../env';
import type { TenantContext } from '../tenancy/context';
import { businessReportJobHandlers } from './business-reports';
import { ecfJobHandlers } from './ecf';
import { ecfExchangeJobHandlers } from './ecf-exchange';
import { importJobHandlers } from './imports';
import { messagingJobHandlers } from './messaging';
import { shopScheduleJobHandlers, shopSweepJob, shopSweepJobs } from './shop-schedule';
import { webhookJobHandlers } from './webhooks';

export type JobHandler = (context: TenantContext, payload: unknown, env: Bindings) => Promise<void>;

const auditPayload = z.object({
  action: z.string().min(1).max(200),
  actor: z.string().max(200).nullable().default(null),
  details: z.record(z.string(), z.unknown()).default({}),
});

/** Background jobs by name. Each runs with the context of the tenant stamped on its message. */
export const jobHandlers: Record<string, JobHandler> = {
  /**
   * The 5-minute sweep of one shop: every sweep in turn; one failing does not stop the others, and
   * the message is retried after all ran (each sweep only queues what is still due).
   */
  [shopSweepJob]: async (context, payload, env) => {
    const failures: unknown[] = [];
    for (const job of shopSweepJobs) {
      try {
        await jobHandlers[job]!(context, payload, env);
      } catch (error) {
        failures.push(error);
      }
    }
    if (failures.length) throw new AggregateError(failures, `${failures.length} of the shop's sweeps failed`);
  },
  'audit.record': async ({ db }, payload) => {
    const entry = auditPayload.parse(payload);
    await db.insert(auditLog).values(entry);
  },
  ...ecfJobHandlers,
  ...ecfExchangeJobHandlers,
  ...messagingJobHandlers,
  ...webhookJobHandlers,
  ...shopScheduleJobHandlers,
  ...businessReportJobHandlers,
  ...importJobHandlers,
};
