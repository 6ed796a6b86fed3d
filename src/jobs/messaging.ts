import { z } from 'zod';
import { dispatchEvents, eventJobs } from '../services/shop/event-dispatch';
import { messageJobs, sendDueMessages, sendMessage } from '../services/shop/messaging';
import type { Bindings } from '../env';
import type { TenantContext } from '../tenancy/context';

type JobHandler = (context: TenantContext, payload: unknown, env: Bindings) => Promise<void>;

const messagePayload = z.object({ id: z.uuid() });

/** The events outbox and message sending; each job is safe to run twice (rows are claimed in one UPDATE). */
export const messagingJobHandlers: Record<string, JobHandler> = {
  [eventJobs.dispatch]: async (context, _payload, env) => {
    await dispatchEvents({ ...context, env });
  },
  [messageJobs.send]: async (context, payload, env) => {
    await sendMessage({ ...context, env }, messagePayload.parse(payload).id);
  },
  'messages.sweep': async (context, _payload, env) => {
    await dispatchEvents({ ...context, env });
    await sendDueMessages({ ...context, env });
  },
};
