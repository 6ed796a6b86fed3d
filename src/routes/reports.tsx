import type { Context } from 'hono';
import { requirePermission } from '../http/session';
import { can } from '../auth/permissions';
import { checkPeriod, previousPeriod } from '../domain/dgii-reports';
import { shopToday } from '../domain/dates';
import type { SignedInEnv } from '../http/env';
import { factory } from '../http/factory';
import { t } from '../i18n/es-DO';
import { shopContext } from '../http/shop';
import { export606 } from '../services/shop/expenses';
import { exportDgiiReport, previewDgiiReports, type DgiiReportFile } from '../services/shop/reports';
import { DgiiReport, DgiiReportPage, type DgiiReportState } from '../views/reports';
import { wantsFragment } from '../http/fragments';

/** Shop screens: reports. */
export const reportsRoutes = factory.createApp();

function renderDgii(c: Context<SignedInEnv>, state: DgiiReportState, status: 200 | 422) {
  if (wantsFragment(c.req.raw)) return c.html(<DgiiReport {...state} />, status);
  c.status(status);
  return c.render(<DgiiReportPage {...state} />, { title: t('expenses.dgii.title'), current: '/reports/dgii' });
}

/** Month chooser and preview; the period defaults to the previous month. One query for both reports. */
reportsRoutes.get('/reports/dgii', requirePermission('reports.dgii'), async (c) => {
  const today = shopToday();
  const latest = today.slice(0, 7).replace('-', '');
  const requested = c.req.query('period');
  const base = { latest, canConfigureCompany: can(c.var.session, 'company.manage') };
  const checked = checkPeriod(requested ?? previousPeriod(today), today);
  if (!checked.ok) {
    const message = t(checked.error === 'future' ? 'reports.validation.future' : 'reports.validation.period');
    return renderDgii(c, { ...base, period: requested ?? '', preview: null, errors: { period: message } }, 422);
  }
  const preview = await previewDgiiReports(shopContext(c), checked.period);
  if (!preview.rnc)
    return renderDgii(c, { ...base, period: checked.period, preview, message: t('reports.validation.noRnc') }, 422);
  return renderDgii(c, { ...base, period: checked.period, preview }, 200);
});

async function download(c: Context<SignedInEnv>, report: '606' | '607' | '608') {
  const file: DgiiReportFile =
    report === '606'
      ? await export606(shopContext(c), c.req.query('period'))
      : await exportDgiiReport(shopContext(c), report, c.req.query('period'));
  return c.body(file.body, 200, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Disposition': `attachment; filename="${file.fileName}"`,
    'Cache-Control': 'no-store',
  });
}

reportsRoutes.get('/reports/dgii/606.txt', requirePermission('reports.dgii'), (c) => download(c, '606'));
reportsRoutes.get('/reports/dgii/607.txt', requirePermission('reports.dgii'), (c) => download(c, '607'));
reportsRoutes.get('/reports/dgii/608.txt', requirePermission('reports.dgii'), (c) => download(c, '608'));
