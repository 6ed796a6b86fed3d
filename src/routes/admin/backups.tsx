import type { Context } from 'hono';
import { AppError, type FieldErrors } from '../../errors';
import { requireAdmin } from '../../http/admin-session';
import type { AdminEnv } from '../../http/env';
import { factory } from '../../http/factory';
import { platformContext, tenantIdParam } from '../../http/platform';
import { t } from '../../i18n/es-DO';
import {
  createBackup,
  downloadBackup,
  getBackup,
  getBackupTenant,
  listTenantBackups,
  restoreTenantBackup,
} from '../../services/platform/backups';
import type { TenantRow } from '../../tenancy/provisioning';
import { BackupList, RestoreForm, type RestoreValues } from '../../views/admin-backups';

/** Admin panel (central domain): a tenant's backups, taking one, downloading one, restoring one. */
export const adminBackupsRoutes = factory.createApp();

adminBackupsRoutes.get('/tenants/:id/backups', requireAdmin, async (c) => {
  const ctx = platformContext(c);
  const tenant = await getBackupTenant(ctx, tenantIdParam(c));
  const backups = await listTenantBackups(ctx, tenant.id);
  return c.render(<BackupList tenant={tenant} backups={backups} />, {
    title: t('backups.title', { tenant: tenant.name }),
    current: '/admin/tenants',
  });
});

adminBackupsRoutes.post('/tenants/:id/backups', requireAdmin, async (c) => {
  const job = await createBackup(platformContext(c), tenantIdParam(c));
  return c.redirect(`/admin/jobs/${job.id}`, 303);
});

adminBackupsRoutes.get('/tenants/:id/backups/:stamp/download', requireAdmin, async (c) => {
  const ctx = platformContext(c);
  const tenant = await getBackupTenant(ctx, tenantIdParam(c));
  const stamp = c.req.param('stamp');
  const object = await downloadBackup(ctx, tenant.id, stamp);
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
  backup: { stamp: string; createdAt: Date },
  values: RestoreValues,
  errors?: FieldErrors,
  status: 200 | 422 = 200,
) {
  c.status(status);
  return c.render(
    <RestoreForm tenant={tenant} stamp={backup.stamp} createdAt={backup.createdAt} values={values} errors={errors} />,
    { title: t('backups.restoreTitle', { date: backup.stamp }), current: '/admin/tenants' },
  );
}

adminBackupsRoutes.get('/tenants/:id/backups/:stamp/restore', requireAdmin, async (c) => {
  const ctx = platformContext(c);
  const tenant = await getBackupTenant(ctx, tenantIdParam(c));
  const backup = await getBackup(ctx, tenant.id, c.req.param('stamp'));
  return renderRestore(c, tenant, backup, { mode: 'copy' });
});

adminBackupsRoutes.post('/tenants/:id/backups/:stamp/restore', requireAdmin, async (c) => {
  const ctx = platformContext(c);
  const tenant = await getBackupTenant(ctx, tenantIdParam(c));
  const backup = await getBackup(ctx, tenant.id, c.req.param('stamp'));
  const form = await c.req.parseBody();
  const text = (name: string) => (typeof form[name] === 'string' ? (form[name] as string).trim() : '');
  const values: RestoreValues = {
    mode: text('mode'),
    newTenant: text('newTenant').toLowerCase(),
    confirm: text('confirm'),
  };
  try {
    const job = await restoreTenantBackup(ctx, tenant.id, backup.stamp, values);
    return c.redirect(`/admin/jobs/${job.id}`, 303);
  } catch (error) {
    if (error instanceof AppError && error.code === 'validation' && error.fields)
      return renderRestore(c, tenant, backup, values, error.fields, 422);
    throw error;
  }
});
