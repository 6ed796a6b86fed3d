import { requireAdmin } from '../../http/admin-session';
import { factory } from '../../http/factory';
import { platformContext, tenantIdParam } from '../../http/platform';
import { originLike, startSupportSession } from '../../services/platform/impersonation';

/** Admin panel (central domain): impersonation. */
export const adminImpersonationRoutes = factory.createApp();

/**
 * Opens the shop as its owner: a single-use token valid 60 seconds, handed to the admin's browser
 * through a redirect to the shop's own host, where /support/enter consumes it.
 */
adminImpersonationRoutes.post('/tenants/:id/impersonate', requireAdmin, async (c) => {
  const { token, host } = await startSupportSession(platformContext(c), tenantIdParam(c));
  c.header('Cache-Control', 'no-store');
  return c.redirect(`${originLike(c.req.url, host)}/support/enter?token=${encodeURIComponent(token)}`, 303);
});
