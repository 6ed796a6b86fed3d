import { can } from '../auth/permissions';
import { factory } from '../http/factory';
import { idParam } from '../http/ids';
import { requirePermission } from '../http/session';
import { shopContext } from '../http/shop';
import { t } from '../i18n/es-DO';
import { listUnfinishedEcfDocuments, retryEcf } from '../services/shop/ecf';
import { EcfPendingPage } from '../views/ecf';

/** Shop screens: e-CF waiting for DGII or rejected by it (/ecf), and "Reintentar ahora". */
export const ecfRoutes = factory.createApp();

ecfRoutes.get('/ecf', requirePermission('invoices.view'), async (c) => {
  const rows = await listUnfinishedEcfDocuments(shopContext(c));
  const retried = c.req.query('retried');
  return c.render(
    <EcfPendingPage
      rows={rows}
      canRetry={can(c.var.session.role, 'invoices.manage')}
      notice={retried ? t('ecfSubmissions.retried', { encf: retried }) : null}
    />,
    { title: t('ecfSubmissions.title'), current: '/ecf' },
  );
});

ecfRoutes.post('/ecf/:id/retry', requirePermission('invoices.manage'), async (c) => {
  const row = await retryEcf(shopContext(c), idParam(c));
  return c.redirect(`${documentPage(c.req.header('referer')) ?? '/ecf'}?retried=${encodeURIComponent(row.encf)}`, 303);
});

/** Back to the invoice or credit note the retry came from (its panel), else to the list. */
function documentPage(referer: string | undefined): string | null {
  if (!referer || !URL.canParse(referer)) return null;
  const path = new URL(referer).pathname;
  return /^\/(invoices|credit-notes)\/[0-9a-f-]{36}$/i.test(path) ? path : null;
}
