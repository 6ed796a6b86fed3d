import {
  adminByEmail,
  consumeImpersonationToken,
  endSupportSession,
  supportSessionMinutes,
  firstActiveOwner,
  impersonationSigningKey,
  originLike,
  verifyImpersonationToken,
} from '../services/platform/impersonation';
import { supportActor } from '../queries/audit';
import { recordAdminAudit } from '../services/platform/audit';
import { clearSessionCookie, publicRoute, requirePermission, setSessionCookie } from '../http/session';
import { createSession } from '../auth/session';
import { auditLog } from '../db/tenant-schema';
import { AppError } from '../errors';
import { factory } from '../http/factory';
import { clientAddress } from '../http/forms';
import { t } from '../i18n/es-DO';
import { createPlatform } from '../tenancy/platform';

/** Shop routes of support access: entering with an impersonation token, leaving it. */
export const supportRoutes = factory.createApp();

/**
 * Consumes a support token issued by the admin panel for THIS shop and signs the browser in as the
 * shop's first active owner, marked as a support session. Any refusal is the same neutral 404.
 */
supportRoutes.get('/support/enter', publicRoute, async (c) => {
  c.header('Cache-Control', 'no-store');
  const refused = () => new AppError('not_found', t('support.error.invalidToken'));
  const token = c.req.query('token');
  if (!token) throw refused();
  const tenantId = c.var.tenant.id;
  const payload = await verifyImpersonationToken(await impersonationSigningKey(c.env.ENCRYPTION_KEY), token, tenantId);
  if (!payload) throw refused();
  const platform = await createPlatform(c.env);
  const admin = await consumeImpersonationToken(platform.central, payload);
  if (!admin) throw refused();
  const owner = await firstActiveOwner(c.var.db);
  if (!owner) throw refused();

  const session = await createSession(c.var.db, {
    userId: owner.id,
    impersonatedBy: admin.email,
    lifetimeMinutes: supportSessionMinutes,
    userAgent: c.req.header('user-agent'),
    ipAddress: clientAddress(c.req),
  });
  await c.var.db.insert(auditLog).values({
    action: 'support.session.start',
    actor: supportActor(admin.email),
    details: { adminEmail: admin.email, userId: owner.id, userEmail: owner.email },
  });
  await recordAdminAudit(platform.central, {
    admin,
    action: 'tenant.impersonate.enter',
    tenantId,
    details: { userId: owner.id, userEmail: owner.email },
  });
  setSessionCookie(c, session.token, session.expiresAt);
  return c.redirect('/', 303);
});

/**
 * Ends a support session and sends the admin back to the tenant's page in the panel. Any signed-in
 * role may post here (the banner shows for whoever support signed in as); a normal session is 409.
 */
supportRoutes.post('/support/leave', requirePermission('dashboard.view'), async (c) => {
  const session = c.var.session;
  const adminEmail = session.impersonatedBy;
  if (!adminEmail || session.apiScope) throw new AppError('conflict', t('support.error.notSupportSession'));
  const tenantId = c.var.tenant.id;
  await endSupportSession(c.var.db, session.sessionHash);
  clearSessionCookie(c);
  await c.var.db.insert(auditLog).values({
    action: 'support.session.end',
    actor: supportActor(adminEmail),
    details: { adminEmail, userId: session.id, userEmail: session.email },
  });
  const platform = await createPlatform(c.env);
  const admin = await adminByEmail(platform.central, adminEmail);
  await recordAdminAudit(platform.central, {
    admin,
    action: 'tenant.impersonate.leave',
    tenantId,
    details: { adminEmail, userId: session.id, userEmail: session.email },
  });
  const centralHost = platform.config.centralDomains[0]!;
  return c.redirect(`${originLike(c.req.url, centralHost)}/admin/tenants/${encodeURIComponent(tenantId)}`, 303);
});
