import type { Context } from 'hono';
import { recordAdminAudit } from '../../services/platform/audit';
import { backupKey, isBackupStamp, listBackups, stampDate } from '../../services/platform/backups';
import { enqueuePlatformJob } from '../../services/platform/jobs/runner';
import { requireAdmin } from '../../http/admin-session';
import type { AdminEnv } from '../../http/env';
import { AppError } from '../../errors';
import { factory } from '../../http/factory';
import { t } from '../../i18n/es-DO';
import { isValidLabel } from '../../tenancy/host';
import { getTenantRow, validateTenantId, type TenantRow } from '../../tenancy/provisioning';
import { BackupList, RestoreForm, type RestoreValues } from '../../views/admin-backups';
import type { FieldErrors } from '../../errors';

/** Admin panel (central domain): a tenant's backups, taking one, downloading one, restoring one. */
export const adminBackupsRoutes = factory.createApp();

/** The tenant of the URL (404 if unknown) - backups of deleted tenants are only reachable from the CLI. */
async function tenantOf(c: Context<AdminEnv>): Promise<TenantRow> {
  const id = c.req.param('id') ?? '';
  const row = isValidLabel(id) ? await getTenantRow(c.var.platform, id) : null;
  if (!row) throw new AppError('not_found');
  return row;
}

/** The backup named by `:stamp`, which must exist in R2 under the tenant's prefix. */
async function backupOf(c: Context<AdminEnv>, tenantId: string): Promise<{ stamp: string; key: string }> {
  const stamp = c.req.param('stamp') ?? '';
  if (!isBackupStamp(stamp)) throw new AppError('not_found');
  const key = backupKey(tenantId, stamp);
  if (!(await c.var.platform.files.head(key))) throw new AppError('not_found');
  return { stamp, key };
}

adminBackupsRoutes.get('/tenants/:id/backups', requireAdmin, async (c) => {
  const tenant = await tenantOf(c);
  const backups = await listBackups(c.var.platform, tenant.id);
  return c.render(<BackupList tenant={tenant} backups={backups} />, {
    title: t('backups.title', { tenant: tenant.name }),
    current: '/admin/tenants',
  });
});

adminBackupsRoutes.post('/tenants/:id/backups', requireAdmin, async (c) => {
  const tenant = await tenantOf(c);
  if (tenant.status !== 'active' && tenant.status !== 'suspended') throw new AppError('conflict');
  const job = await enqueuePlatformJob(c.var.platform, c.env.JOBS, {
    kind: 'tenant.backup',
    tenantId: tenant.id,
    createdBy: c.var.admin.id,
  });
  await recordAdminAudit(c.var.platform.central, {
    admin: c.var.admin,
    action: 'tenant.backup',
    tenantId: tenant.id,
    details: { jobId: job.id },
  });
  return c.redirect(`/admin/jobs/${job.id}`, 303);
});

adminBackupsRoutes.get('/tenants/:id/backups/:stamp/download', requireAdmin, async (c) => {
  const tenant = await tenantOf(c);
  const { stamp, key } = await backupOf(c, tenant.id);
  const object = await c.var.platform.files.get(key);
  if (!object) throw new AppError('not_found');
  await recordAdminAudit(c.var.platform.central, {
    admin: c.var.admin,
    action: 'tenant.backup.download',
    tenantId: tenant.id,
    details: { key },
  });
  return new Response(object.body, {
    headers: {
      'Content-Type': 'application/gzip',
      'Content-Length': String(object.size),
      'Content-Disposition': `attachment; filename="optiflow-${tenant.id}-${stamp}.json.gz"`,
      'Cache-Control': 'no-store',
    },
  });
});

function renderRestore(
  c: Context<AdminEnv>,
  tenant: TenantRow,
  stamp: string,
  values: RestoreValues,
  errors?: FieldErrors,
  status: 200 | 422 = 200,
) {
  c.status(status);
  return c.render(
    <RestoreForm tenant={tenant} stamp={stamp} createdAt={stampDate(stamp)} values={values} errors={errors} />,
    { title: t('backups.restoreTitle', { date: stamp }), current: '/admin/tenants' },
  );
}

adminBackupsRoutes.get('/tenants/:id/backups/:stamp/restore', requireAdmin, async (c) => {
  const tenant = await tenantOf(c);
  const { stamp } = await backupOf(c, tenant.id);
  return renderRestore(c, tenant, stamp, { mode: 'copy' });
});

adminBackupsRoutes.post('/tenants/:id/backups/:stamp/restore', requireAdmin, async (c) => {
  const tenant = await tenantOf(c);
  const { stamp, key } = await backupOf(c, tenant.id);
  const form = await c.req.parseBody();
  const text = (name: string) => (typeof form[name] === 'string' ? (form[name] as string).trim() : '');
  const values: RestoreValues = {
    mode: text('mode'),
    newTenant: text('newTenant').toLowerCase(),
    confirm: text('confirm'),
  };
  const errors: FieldErrors = {};
  let into = tenant.id;
  if (values.mode === 'copy') {
    try {
      into = validateTenantId(c.var.platform, values.newTenant ?? '');
      if (await getTenantRow(c.var.platform, into)) errors.newTenant = t('backups.error.tenantExists');
    } catch {
      errors.newTenant = t('backups.error.newTenant');
    }
  } else if (values.mode === 'same') {
    if (values.confirm !== tenant.id) errors.confirm = t('backups.error.confirm');
  } else {
    errors.mode = t('backups.error.mode');
  }
  if (Object.keys(errors).length > 0) return renderRestore(c, tenant, stamp, values, errors, 422);
  const job = await enqueuePlatformJob(c.var.platform, c.env.JOBS, {
    kind: 'tenant.restore',
    tenantId: into,
    input: { backupKey: key, into, from: tenant.id, mode: values.mode },
    createdBy: c.var.admin.id,
  });
  await recordAdminAudit(c.var.platform.central, {
    admin: c.var.admin,
    action: 'tenant.restore',
    tenantId: into,
    details: { jobId: job.id, backupKey: key, from: tenant.id, mode: values.mode },
  });
  return c.redirect(`/admin/jobs/${job.id}`, 303);
});
