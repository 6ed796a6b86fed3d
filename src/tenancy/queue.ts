import type { Bindings } from '../env';
import { JOB_APPLICATION_NAME } from '../db/client';
import { lookupDeps, openTenantContext, type TenantContext } from './context';
import type { JobMessage } from './jobs';
import { resolveTenantById } from './lookup';

export type JobHandlers = Record<string, (context: TenantContext, payload: unknown, env: Bindings) => Promise<void>>;

/**
 * Runs each message against the tenant whose id the producer stamped on it. A message is acked only
 * after its job succeeded; failures are retried (and end in the dead-letter queue). Messages of a
 * tenant that no longer exists are dropped; those of a suspended tenant wait.
 */
export async function consumeJobs(
  messages: readonly Message<JobMessage>[],
  env: Bindings,
  handlers: JobHandlers,
): Promise<void> {
  if (messages.length === 0) return;
  const deps = lookupDeps(env);
  // The messages of a batch run side by side: most of a job's time is waiting (DGII, the database).
  await Promise.all(messages.map((message) => consumeJob(message, env, handlers, deps)));
}

async function consumeJob(
  message: Message<JobMessage>,
  env: Bindings,
  handlers: JobHandlers,
  deps: ReturnType<typeof lookupDeps>,
): Promise<void> {
  const { tenantId, job, payload, requestId } = message.body;
  try {
    const tenant = await resolveTenantById(deps, tenantId);
    if (!tenant || tenant.status === 'deleting' || tenant.status === 'failed') {
      log('warn', 'job dropped: tenant is gone', { tenantId, job, id: message.id });
      message.ack();
      return;
    }
    if (tenant.status !== 'active') {
      message.retry({ delaySeconds: 60 });
      return;
    }
    const handler = handlers[job];
    if (!handler) throw new Error(`Unknown job "${job}"`);
    await handler(await openTenantContext(env, tenant, requestId, JOB_APPLICATION_NAME), payload, env);
    message.ack();
  } catch (error) {
    log('error', 'job failed', { tenantId, job, id: message.id, attempts: message.attempts, error: String(error) });
    message.retry();
  }
}

function log(level: 'warn' | 'error', message: string, fields: Record<string, unknown>): void {
  console[level](JSON.stringify({ level, message, ...fields }));
}
