import { requirePermission } from '../auth/middleware';
import { factory } from '../factory';
import { t } from '../i18n/es-DO';
import { AppShell } from '../views/layout';

export const tenantHome = factory.createApp();

tenantHome.get('/', requirePermission('dashboard.view'), (c) => {
  const user = c.var.session;
  return c.html(
    <AppShell title={t('dashboard.title')} user={user} current="/">
      <section class="card">
        <h1>{t('dashboard.hello', { name: user.name })}</h1>
        <p>{t('dashboard.lead', { branch: user.branch?.name ?? '—' })}</p>
      </section>
    </AppShell>,
  );
});
