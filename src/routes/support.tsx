import { factory } from '../http/factory';
import { clientAddress } from '../http/forms';
import { clearSessionCookie, publicRoute, requirePermission, setSessionCookie } from '../http/session';
import { shopContext } from '../http/shop';
import { originLike } from '../services/platform/impersonation';
import { enterSupportSession, leaveSupportSession } from '../services/shop/support';

/** Shop routes of support access: entering with an impersonation token, leaving it. */
export const supportRoutes = factory.createApp();

/**
 * Consumes a support token issued by the admin panel for THIS shop and signs the browser in as the
 * shop's first active owner, marked as a support session. Any refusal is the same neutral 404.
 */
supportRoutes.get('/support/enter', publicRoute, async (c) => {
  c.header('Cache-Control', 'no-store');
  const session = await enterSupportSession({ db: c.var.db, tenant: c.var.tenant, env: c.env }, c.req.query('token'), {
    userAgent: c.req.header('user-agent'),
    ipAddress: clientAddress(c.req),
  });
  setSessionCookie(c, session.token, session.expiresAt);
  return c.redirect('/', 303);
});

/**
 * Ends a support session and sends the admin back to the tenant's page in the panel. Any signed-in
 * role may post here (the banner shows for whoever support signed in as); a normal session is 409.
 */
supportRoutes.post('/support/leave', requirePermission('dashboard.view'), async (c) => {
  const { centralHost } = await leaveSupportSession(shopContext(c));
  clearSessionCookie(c);
  return c.redirect(`${originLike(c.req.url, centralHost)}/admin/tenants/${encodeURIComponent(c.var.tenant.id)}`, 303);
});
