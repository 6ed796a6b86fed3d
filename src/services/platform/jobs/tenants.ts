import { runPool } from '../../../tenancy/pool';
import { inviteOwner } from '../owners';
import { listDomainsOf } from '../../../tenancy/central-queries';
import { sql } from 'drizzle-orm';
import { platformJobs } from '../../../db/central-schema';
import { decryptSecret, encryptSecret } from '../../../tenancy/crypto';
import { migrateTenant } from '../../../tenancy/lifecycle';
import {
  deleteTenant,
  deletionSteps,
  getTenantRow,
  provisioningSteps,
  runProvisioning,
} from '../../../tenancy/provisioning';
import { latestSchemaVersion, tenantsBehind } from '../tenants';
import type { PlatformContext } from '../context';
import type { PlatformJobContext, PlatformJobHandlers, PlatformJobRow } from './runner';

/** Additional data that binds an owner link sealed in a job's result to that job. */
export const ownerLinkAad = (jobId: string) => `owner-link:${jobId}`;

export interface MigrationOutcome {
  tenantId: string;
  from: number;
  to?: number;
  error?: string;
}

/**
 * Reports a pipeline's steps: "started" before each, "succeeded" after it (from the pipeline's
 * afterStep hook), "failed" with the error for the one that threw.
 */
function stepReporter(progress: PlatformJobContext['progress'], steps: readonly string[], firstIndex: number) {
  let current = steps[firstIndex] ?? null;
  return {
    start: () => (current ? progress(current, 'started') : Promise.resolve()),
    afterStep: async (step: string) => {
      await progress(step, 'succeeded');
      const next = steps[steps.indexOf(step) + 1] ?? null;
      current = next;
      if (next) await progress(next, 'started');
    },
    fail: async (error: unknown) => {
      if (current) await progress(current, 'failed', error instanceof Error ? error.message : String(error));
    },
  };
}

async function runTenantCreate({ platform, job, progress }: PlatformJobContext) {
  const tenantId = job.tenantId!;
  const input = (job.input ?? {}) as { seed?: boolean; ownerEmail?: string | null; ownerName?: string | null };
  const row = await getTenantRow(platform, tenantId);
  if (!row) throw new Error(`Tenant "${tenantId}" does not exist`);
  if (row.status !== 'active' && row.status !== 'provisioning' && row.status !== 'failed') {
    throw new Error(`Tenant "${tenantId}" is ${row.status}`);
  }
  if (row.status !== 'active') {
    // Resumes after the last completed step (a retry after a failure, or a re-delivered message).
    const done = row.provisioningStep
      ? provisioningSteps.indexOf(row.provisioningStep as (typeof provisioningSteps)[number])
      : -1;
    const reporter = stepReporter(progress, provisioningSteps, done + 1);
    await reporter.start();
    try {
      await runProvisioning(platform, row, { seed: input.seed ?? true }, { afterStep: reporter.afterStep });
    } catch (error) {
      await reporter.fail(error);
      throw error;
    }
  }
  const hostnames = await listDomainsOf(platform.central, tenantId);
  const result: Record<string, unknown> = { tenantId, hostnames };
  if (input.ownerEmail) {
    await progress('owner', 'started');
    try {
      const link = await inviteOwner(platform, tenantId, { email: input.ownerEmail, name: input.ownerName });
      if (!link.ok) throw new Error(`owner ${input.ownerEmail} not invited: ${link.reason}`);
      // Shown once on the job page, then removed from the row; sealed at rest meanwhile.
      result.ownerEmail = input.ownerEmail;
      result.ownerLinkSecret = await encryptSecret(platform.encryptionKey, link.token, ownerLinkAad(job.id));
      result.ownerLinkExpiresAt = link.expiresAt.toISOString();
    } catch (error) {
      await progress('owner', 'failed', error instanceof Error ? error.message : String(error));
      throw error;
    }
    await progress('owner', 'succeeded');
  }
  return result;
}

async function runTenantDelete({ platform, job, progress }: PlatformJobContext) {
  const tenantId = job.tenantId!;
  const row = await getTenantRow(platform, tenantId);
  if (!row) return { tenantId, deleted: true }; // a retry after the record was already removed
  const reporter = stepReporter(progress, deletionSteps, 0);
  await reporter.start();
  try {
    await deleteTenant(platform, tenantId, { afterStep: reporter.afterStep });
  } catch (error) {
    await reporter.fail(error);
    throw error;
  }
  return { tenantId, deleted: true };
}

async function runTenantsMigrate({ platform, progress }: PlatformJobContext) {
  const latest = latestSchemaVersion();
  const behind = await tenantsBehind(platform);
  const results: MigrationOutcome[] = [];
  await runPool(behind, 4, async (tenant) => {
    try {
      const migrated = await migrateTenant(platform, tenant.id);
      results.push({ tenantId: tenant.id, from: tenant.schemaVersion, to: migrated.version });
      await progress(tenant.id, 'succeeded', `${tenant.schemaVersion} → ${migrated.version}`);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      results.push({ tenantId: tenant.id, from: tenant.schemaVersion, error: message });
      await progress(tenant.id, 'failed', message);
    }
  });
  results.sort((a, b) => a.tenantId.localeCompare(b.tenantId));
  const failed = results.filter((result) => result.error).length;
  // Failures are in the steps and the result; the job still fails so that Retry (the ones still behind) is offered.
  if (failed > 0)
    throw new Error(
      `${failed} of ${results.length} tenants failed to migrate: ${results.find((r) => r.error)!.tenantId}: ${results.find((r) => r.error)!.error}`,
    );
  return { latest, results };
}

/** tenant.create, tenant.delete, tenants.migrate (the tenants area of the admin panel). */
export const tenantJobHandlers: PlatformJobHandlers = {
  'tenant.create': runTenantCreate,
  'tenant.delete': runTenantDelete,
  'tenants.migrate': runTenantsMigrate,
};

export interface OwnerLinkReveal {
  email: string;
  expiresAt: string;
  /** The one-time token, on the first view of the finished job only; null afterwards. */
  token: string | null;
}

/**
 * The owner's set-password link of a finished tenant.create is shown once: the first view takes the
 * sealed token out of the row (only one concurrent request can) and decrypts it.
 */
export async function revealOwnerLink(ctx: PlatformContext, job: PlatformJobRow): Promise<OwnerLinkReveal | null> {
  const result = job.result ?? {};
  if (job.status !== 'succeeded' || typeof result.ownerEmail !== 'string') return null;
  const view = { email: result.ownerEmail, expiresAt: String(result.ownerLinkExpiresAt ?? ''), token: null };
  if (typeof result.ownerLinkSecret !== 'string') return view;
  const { central, encryptionKey } = ctx.platform;
  const [claimed] = await central
    .update(platformJobs)
    .set({ result: sql`(${platformJobs.result} - 'ownerLinkSecret') || '{"ownerLinkShown": true}'::jsonb` })
    .where(sql`${platformJobs.id} = ${job.id} AND ${platformJobs.result} ->> 'ownerLinkSecret' IS NOT NULL`)
    .returning({ id: platformJobs.id });
  if (!claimed) return view;
  return { ...view, token: await decryptSecret(encryptionKey, result.ownerLinkSecret, ownerLinkAad(job.id)) };
}
