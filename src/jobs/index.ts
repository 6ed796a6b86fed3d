import { z } from 'zod';
import { auditLog } from '../db/tenant-schema';
import type { Bindings } from '../env';
import type { TenantContext } from '../tenancy/context';
import { businessReportJobHandlers } from './business-reports';
import { ecfJobHandlers } from './ecf';
import { ecfExchangeJobHandlers } from './ecf-exchange';
import { importJobHandlers } from './imports';
import { messagingJobHandlers } from './messaging';
import { shopScheduleJobHandlers } from './shop-schedule';
import { webhookJobHandlers } from './webhooks';

export type JobHandler = (context: TenantContext, payload: unknown, env: Bindings) => Promise<void>;

const auditPayload = z.object({
  action: z.string().min(1).max(200),
  actor: z.string().max(200).nullable().default(null),
  details: z.record(z.string(), z.unknown()).default({}),
});

/** Background jobs by name. Each runs with the context of the tenant stamped on its message. */
export const jobHandlers: Record<string, JobHandler> = {
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
