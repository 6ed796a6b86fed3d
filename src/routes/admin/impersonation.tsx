import { tenantDb } from '../../db/client';
import {
  impersonationSigningKey,
  firstActiveOwner,
  issueImpersonationToken,
  originLike,
  tenantPrimaryHost,
} from '../../services/platform/impersonation';
import { recordAdminAudit } from '../../services/platform/audit';
import { requireAdmin } from '../../http/admin-session';
import { AppError } from '../../errors';
import { factory } from '../../http/factory';
import { t } from '../../i18n/es-DO';
import { isValidLabel } from '../../tenancy/host';
import { tenantConnection } from '../../tenancy/lifecycle';
import { getTenantRow } from '../../tenancy/provisioning';

/** Admin panel (central domain): impersonation. */
export const adminImpersonationRoutes = factory.createApp();

/**
 * Opens the shop as its owner: a single-use token valid 60 seconds, handed to the admin's browser
 * through a redirect to the shop's own host, where /support/enter consumes it.
 */
adminImpersonationRoutes.post('/tenants/:id/impersonate', requireAdmin, async (c) => {
  const tenantId = c.req.param('id');
  const platform = c.var.platform;
  const admin = c.var.admin;
  const row = isValidLabel(tenantId) ? await getTenantRow(platform, tenantId) : null;
  if (!row) throw new AppError('not_found');
  if (row.status !== 'active') throw new AppError('conflict', t('support.error.notActive', { status: row.status }));
  const host = await tenantPrimaryHost(platform.central, tenantId, platform.config.centralDomains);
  if (!host) throw new AppError('conflict', t('support.error.noDomain'));
  const { connectionString } = await tenantConnection(platform, tenantId);
  const owner = await firstActiveOwner(tenantDb(connectionString));
  if (!owner)
    throw new AppError('conflict', t('support.error.noOwner'), null, {
      href: `/admin/tenants/${tenantId}#tenant-owner`,
      label: t('adminTenants.owner.invite'),
    });

  const key = await impersonationSigningKey(c.env.ENCRYPTION_KEY);
  const { token, expiresAt } = await issueImpersonationToken(platform.central, key, { adminId: admin.id, tenantId });
  await recordAdminAudit(platform.central, {
    admin,
    action: 'tenant.impersonate',
    tenantId,
    details: { ownerEmail: owner.email, host, expiresAt: expiresAt.toISOString() },
  });
  c.header('Cache-Control', 'no-store');
  return c.redirect(`${originLike(c.req.url, host)}/support/enter?token=${encodeURIComponent(token)}`, 303);
});
