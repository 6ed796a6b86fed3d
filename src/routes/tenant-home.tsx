import { requirePermission } from '../http/session';
import { factory } from '../http/factory';
import { shopContext } from '../http/shop';
import { t } from '../i18n/es-DO';
import { dismissSetup, getDashboard } from '../services/shop/dashboard';
import { DashboardPage } from '../views/dashboard';

export const tenantHome = factory.createApp();

tenantHome.get('/', requirePermission('dashboard.view'), async (c) => {
  const dashboard = await getDashboard(shopContext(c), c.req.query('branch'));
  return c.render(<DashboardPage name={c.var.session.name} dashboard={dashboard} />, {
    title: t('dashboard.title'),
    current: '/',
  });
});

tenantHome.post('/setup/dismiss', requirePermission('dashboard.setup.dismiss'), async (c) => {
  await dismissSetup(shopContext(c));
  return c.redirect('/', 303);
});
