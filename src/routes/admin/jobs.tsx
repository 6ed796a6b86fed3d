import type { Context } from 'hono';
import { sql } from 'drizzle-orm';
import { recordAdminAudit } from '../../services/platform/audit';
import { ownerLinkAad } from '../../services/platform/jobs/tenants';
import { getPlatformJob, retryPlatformJob, type PlatformJobRow } from '../../services/platform/jobs/runner';
import { requireAdmin } from '../../http/admin-session';
import { platformJobs } from '../../db/central-schema';
import type { AdminEnv } from '../../http/env';
import { AppError } from '../../errors';
import { factory } from '../../http/factory';
import { t } from '../../i18n/es-DO';
import { decryptSecret } from '../../tenancy/crypto';
import { getTenantRow } from '../../tenancy/provisioning';
import { JobPage, JobProgress, type OwnerLinkView } from '../../views/admin-jobs';
import { shopUrl } from './tenants';

/** Admin panel (central domain): the generic page of a platform job, polled live. */
export const adminJobsRoutes = factory.createApp();

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

async function loadJob(c: Context<AdminEnv>): Promise<PlatformJobRow> {
  const id = c.req.param('id') ?? '';
  if (!uuidPattern.test(id)) throw new AppError('not_found');
  const job = await getPlatformJob(c.var.platform, id);
  if (!job) throw new AppError('not_found');
  return job;
}

/**
 * The owner's set-password link is shown once: the first view of the finished job takes the sealed
 * token out of the row (only one concurrent request can), decrypts it and shows it.
 */
async function revealOwnerLink(c: Context<AdminEnv>, job: PlatformJobRow): Promise<OwnerLinkView | null> {
  const result = job.result ?? {};
  if (job.status !== 'succeeded' || typeof result.ownerEmail !== 'string') return null;
  const view = { email: result.ownerEmail, expiresAt: String(result.ownerLinkExpiresAt ?? ''), url: null };
  if (typeof result.ownerLinkSecret !== 'string') return view;
  const [claimed] = await c.var.platform.central
    .update(platformJobs)
    .set({ result: sql`(${platformJobs.result} - 'ownerLinkSecret') || '{"ownerLinkShown": true}'::jsonb` })
    .where(sql`${platformJobs.id} = ${job.id} AND ${platformJobs.result} ->> 'ownerLinkSecret' IS NOT NULL`)
    .returning({ id: platformJobs.id });
  if (!claimed) return view;
  const token = await decryptSecret(c.var.platform.encryptionKey, result.ownerLinkSecret, ownerLinkAad(job.id));
  const hostnames = Array.isArray(result.hostnames) ? (result.hostnames as string[]) : [];
  return { ...view, url: `${shopUrl(c, hostnames[0] ?? job.tenantId ?? '')}/set-password/${token}` };
}

adminJobsRoutes.get('/jobs/:id', requireAdmin, async (c) => {
  const job = await loadJob(c);
  const tenant = job.tenantId ? await getTenantRow(c.var.platform, job.tenantId) : null;
  const hostnames = Array.isArray(job.result?.hostnames) ? (job.result.hostnames as string[]) : [];
  const props = {
    job,
    tenantExists: Boolean(tenant),
    shopUrl: tenant?.status === 'active' && hostnames[0] ? shopUrl(c, hostnames[0]) : null,
    ownerLink: await revealOwnerLink(c, job),
  };
  c.header('Cache-Control', 'no-store');
  if (c.req.query('fragment') === '1') return c.html(<JobProgress {...props} />);
  return c.render(<JobPage {...props} />, {
    title: t('adminTenants.jobs.title'),
    current: job.tenantId ? '/admin/tenants' : '/admin',
  });
});

adminJobsRoutes.post('/jobs/:id/retry', requireAdmin, async (c) => {
  const job = await loadJob(c);
  const retried = await retryPlatformJob(c.var.platform, c.env.JOBS, job.id);
  if (!retried) throw new AppError('conflict', t('adminTenants.jobs.notRetryable'));
  await recordAdminAudit(c.var.platform.central, {
    admin: c.var.admin,
    action: 'job.retry',
    tenantId: job.tenantId,
    details: { jobId: job.id, kind: job.kind },
  });
  return c.redirect(`/admin/jobs/${job.id}`, 303);
});
