/**
 * Platform jobs: the admin panel's long operations run from the Queue, never in the request. The
 * `platform_jobs` row is created first (the panel shows it at once), the message carries only its
 * id, and the consumer records each step on the row as it goes, so the panel can poll it live.
 */
import { eq, sql } from 'drizzle-orm';
import { platformJobs, type PlatformJobKind, type PlatformJobStep } from '../../../db/central-schema';
import type { Bindings } from '../../../env';
import { AppError } from '../../../errors';
import { t } from '../../../i18n/es-DO';
import { createPlatform, type Platform } from '../../../tenancy/platform';
import { recordPlatformAudit } from '../audit';
import { assertActor, type PlatformContext } from '../context';

export type PlatformJobRow = typeof platformJobs.$inferSelect;

/** What a platform message carries: only the id of the job row. */
export interface PlatformJobMessage {
  platformJobId: string;
}

export function isPlatformJobMessage(body: unknown): body is PlatformJobMessage {
  return typeof body === 'object' && body !== null && typeof (body as PlatformJobMessage).platformJobId === 'string';
}

export interface PlatformJobContext {
  platform: Platform;
  env: Bindings;
  job: PlatformJobRow;
  /** Appends a step to the job's live progress. */
  progress(step: string, outcome: PlatformJobStep['outcome'], message?: string | null): Promise<void>;
}

/** Returns what the panel shows when the job is done (stored in `result`); throws to fail the job. */
// biome-ignore lint/suspicious/noConfusingVoidType: a handler with nothing to report is an async function without a return.
export type PlatformJobHandler = (context: PlatformJobContext) => Promise<Record<string, unknown> | void>;

export type PlatformJobHandlers = Partial<Record<PlatformJobKind, PlatformJobHandler>>;

/** Creates the job row and sends its message. */
export async function enqueuePlatformJob(
  platform: Platform,
  queue: Queue,
  values: {
    kind: PlatformJobKind;
    tenantId?: string | null;
    input?: Record<string, unknown> | null;
    createdBy?: string | null;
  },
): Promise<PlatformJobRow> {
  const [job] = await platform.central
    .insert(platformJobs)
    .values({
      kind: values.kind,
      tenantId: values.tenantId ?? null,
      input: values.input ?? null,
      createdBy: values.createdBy ?? null,
    })
    .returning();
  await queue.send({ platformJobId: job!.id } satisfies PlatformJobMessage);
  return job!;
}

/** Sends a failed job again (the panel's Retry button): its handler resumes where the work stopped. */
export async function retryPlatformJob(
  platform: Platform,
  queue: Queue,
  jobId: string,
): Promise<PlatformJobRow | null> {
  const [job] = await platform.central
    .update(platformJobs)
    .set({ status: 'queued', error: null, finishedAt: null, updatedAt: sql`now()` })
    .where(sql`${platformJobs.id} = ${jobId} AND ${platformJobs.status} = 'failed'`)
    .returning();
  if (!job) return null;
  await queue.send({ platformJobId: job.id } satisfies PlatformJobMessage);
  return job;
}

export async function getPlatformJob(platform: Platform, jobId: string): Promise<PlatformJobRow | null> {
  const [job] = await platform.central.select().from(platformJobs).where(eq(platformJobs.id, jobId));
  return job ?? null;
}

/**
 * Runs platform job messages. A job that fails is marked failed with its error and acked: the
 * admin decides to retry (the handlers are resumable), rather than the queue retrying blindly.
 */
export async function consumePlatformJobs(
  messages: readonly Message<unknown>[],
  env: Bindings,
  handlers: PlatformJobHandlers,
): Promise<void> {
  if (messages.length === 0) return;
  const platform = await createPlatform(env);
  for (const message of messages) {
    const { platformJobId } = message.body as PlatformJobMessage;
    const [job] = await platform.central
      .update(platformJobs)
      .set({ status: 'running', updatedAt: sql`now()` })
      .where(sql`${platformJobs.id} = ${platformJobId} AND ${platformJobs.status} = 'queued'`)
      .returning();
    if (!job) {
      message.ack(); // unknown, already running elsewhere, or finished
      continue;
    }
    const progress: PlatformJobContext['progress'] = async (step, outcome, text = null) => {
      const entry: PlatformJobStep = { step, outcome, message: text, at: new Date().toISOString() };
      await platform.central
        .update(platformJobs)
        .set({ steps: sql`${platformJobs.steps} || ${JSON.stringify([entry])}::jsonb`, updatedAt: sql`now()` })
        .where(eq(platformJobs.id, job.id));
    };
    try {
      const handler = handlers[job.kind];
      if (!handler) throw new Error(`Unknown platform job "${job.kind}"`);
      const result = await handler({ platform, env, job, progress });
      await platform.central
        .update(platformJobs)
        .set({ status: 'succeeded', result: result ?? null, finishedAt: sql`now()`, updatedAt: sql`now()` })
        .where(eq(platformJobs.id, job.id));
    } catch (error) {
      const text = error instanceof Error ? error.message : String(error);
      console.error(
        JSON.stringify({ level: 'error', message: 'platform job failed', job: job.id, kind: job.kind, error: text }),
      );
      await platform.central
        .update(platformJobs)
        .set({ status: 'failed', error: text.slice(0, 2000), finishedAt: sql`now()`, updatedAt: sql`now()` })
        .where(eq(platformJobs.id, job.id));
    }
    message.ack();
  }
}

/** A platform job by id, or a 404. */
export async function getJob(ctx: PlatformContext, jobId: string): Promise<PlatformJobRow> {
  const job = await getPlatformJob(ctx.platform, jobId);
  if (!job) throw new AppError('not_found');
  return job;
}

/** Retries a failed job (a conflict for any other): its handler resumes where the work stopped. */
export async function retryJob(ctx: PlatformContext, jobId: string): Promise<PlatformJobRow> {
  assertActor(ctx);
  const job = await getJob(ctx, jobId);
  const retried = await retryPlatformJob(ctx.platform, ctx.env.JOBS, job.id);
  if (!retried) throw new AppError('conflict', t('adminTenants.jobs.notRetryable'));
  await recordPlatformAudit(ctx, {
    action: 'job.retry',
    tenantId: job.tenantId,
    details: { jobId: job.id, kind: job.kind },
  });
  return retried;
}
