import type { Context } from 'hono';
import { requireAdmin } from '../../http/admin-session';
import type { AdminEnv } from '../../http/env';
import { factory } from '../../http/factory';
import { idParam } from '../../http/ids';
import { platformContext } from '../../http/platform';
import { t } from '../../i18n/es-DO';
import { getJob, type PlatformJobRow, retryJob } from '../../services/platform/jobs/runner';
import { revealOwnerLink } from '../../services/platform/jobs/tenants';
import { getTenantRow } from '../../tenancy/provisioning';
import { JobPage, JobProgress, type OwnerLinkView } from '../../views/admin-jobs';
import { shopUrl } from './tenants';

/** Admin panel (central domain): the generic page of a platform job, polled live. */
export const adminJobsRoutes = factory.createApp();

/** The owner link of a finished tenant.create, as the job page shows it (the URL on its first view only). */
async function ownerLinkView(c: Context<AdminEnv>, job: PlatformJobRow): Promise<OwnerLinkView | null> {
  const link = await revealOwnerLink(platformContext(c), job);
  if (!link) return null;
  const hostnames = Array.isArray(job.result?.hostnames) ? (job.result.hostnames as string[]) : [];
  const url = link.token ? `${shopUrl(c, hostnames[0] ?? job.tenantId ?? '')}/set-password/${link.token}` : null;
  return { email: link.email, expiresAt: link.expiresAt, url };
}

adminJobsRoutes.get('/jobs/:id', requireAdmin, async (c) => {
  const job = await getJob(platformContext(c), idParam(c));
  const tenant = job.tenantId ? await getTenantRow(c.var.platform, job.tenantId) : null;
  const hostnames = Array.isArray(job.result?.hostnames) ? (job.result.hostnames as string[]) : [];
  const props = {
    job,
    tenantExists: Boolean(tenant),
    shopUrl: tenant?.status === 'active' && hostnames[0] ? shopUrl(c, hostnames[0]) : null,
    ownerLink: await ownerLinkView(c, job),
  };
  c.header('Cache-Control', 'no-store');
  if (c.req.query('fragment') === '1') return c.html(<JobProgress {...props} />);
  return c.render(<JobPage {...props} />, {
    title: t('adminTenants.jobs.title'),
    current: job.tenantId ? '/admin/tenants' : '/admin',
  });
});

adminJobsRoutes.post('/jobs/:id/retry', requireAdmin, async (c) => {
  const job = await retryJob(platformContext(c), idParam(c));
  return c.redirect(`/admin/jobs/${job.id}`, 303);
});
