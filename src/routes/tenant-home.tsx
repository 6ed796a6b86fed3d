import { requirePermission } from '../http/session';
import { factory } from '../http/factory';
import { t } from '../i18n/es-DO';

export const tenantHome = factory.createApp();

tenantHome.get('/', requirePermission('dashboard.view'), (c) => {
  const user = c.var.session;
  return c.render(
    <section class="card">
      <h1>{t('dashboard.hello', { name: user.name })}</h1>
      <p>{t('dashboard.lead', { branch: user.branch?.name ?? '—' })}</p>
    </section>,
    { title: t('dashboard.title'), current: '/' },
  );
});
