import type { Context } from 'hono';
import { can } from '../auth/permissions';
import { shopToday } from '../domain/dates';
import { AppError } from '../errors';
import type { SignedInEnv } from '../http/env';
import { factory } from '../http/factory';
import { wantsFragment } from '../http/fragments';
import { requirePermission } from '../http/session';
import { shopContext } from '../http/shop';
import { t } from '../i18n/es-DO';
import { reportFormat } from '../schemas/business-reports';
import {
  exportReport,
  queueReportExport,
  reportByKey,
  reportExportFile,
  reportExportStatus,
  reportIndex,
  showReport,
} from '../services/shop/business-reports';
import {
  BusinessReportBody,
  BusinessReportPage,
  BusinessReportPrintPage,
  LargeExportPage,
  ReportExportPage,
  ReportIndexPage,
  ReportExportProgress,
  type ReportPageState,
} from '../views/business-reports';

/** Shop screens: the business reports (index, report, print, exports) at /reports. */
export const businessReportsRoutes = factory.createApp();

const filterNames = ['from', 'to', 'branch', 'seller', 'category'] as const;

function submittedFilters(c: Context<SignedInEnv>): Record<string, string | null> {
  return Object.fromEntries(filterNames.map((name) => [name, c.req.query(name) ?? null]));
}

function filterQuery(c: Context<SignedInEnv>): Record<string, string | undefined> {
  return Object.fromEntries(filterNames.map((name) => [name, c.req.query(name)]));
}

function renderReport(c: Context<SignedInEnv>, state: ReportPageState, status: 200 | 422) {
  if (wantsFragment(c.req.raw)) return c.html(<BusinessReportBody {...state} />, status);
  c.status(status);
  return c.render(<BusinessReportPage {...state} />, { title: t(state.report.title), current: '/reports' });
}

businessReportsRoutes.get('/reports', requirePermission('reports.view'), async (c) => {
  const index = await reportIndex(shopContext(c));
  return c.render(<ReportIndexPage {...index} canDgii={can(c.var.session, 'reports.dgii')} />, {
    title: t('businessReports.index.title'),
    current: '/reports',
  });
});

businessReportsRoutes.get('/reports/exports/:id', requirePermission('reports.view'), async (c) => {
  const row = await reportExportStatus(shopContext(c), c.req.param('id'));
  if (wantsFragment(c.req.raw)) return c.html(<ReportExportProgress row={row} />);
  return c.render(<ReportExportPage row={row} />, {
    title: t('businessReports.export.title', { report: row.title }),
    current: '/reports',
  });
});

businessReportsRoutes.get('/reports/exports/:id/download', requirePermission('reports.view'), async (c) => {
  const file = await reportExportFile(shopContext(c), c.req.param('id'));
  return c.body(file.body, 200, {
    'Content-Type': file.contentType,
    'Content-Length': String(file.size),
    'Content-Disposition': `attachment; filename="${file.fileName}"`,
    'Cache-Control': 'no-store',
  });
});

/** A large report's export, asked for with the button of the export page: recorded and queued. */
businessReportsRoutes.post('/reports/:key/exports', requirePermission('reports.view'), async (c) => {
  const form = await c.req.parseBody();
  const format = reportFormat.safeParse(form.format);
  if (!format.success) {
    const message = t('businessReports.validation.format');
    throw new AppError('validation', message, { format: message });
  }
  const query = Object.fromEntries(
    filterNames.map((name) => [name, typeof form[name] === 'string' ? (form[name] as string) : undefined]),
  );
  const id = await queueReportExport(shopContext(c), c.req.param('key'), format.data, query);
  return c.redirect(`/reports/exports/${id}`, 303);
});

/**
 * `.xlsx` / `.csv`: streamed in the response up to the background threshold; above it, a page that
 * offers the background export (a POST: asking for a file never writes by itself).
 */
businessReportsRoutes.get('/reports/:file{[a-z0-9-]+\\.(?:xlsx|csv)}', requirePermission('reports.view'), async (c) => {
  const file = c.req.param('file');
  const dot = file.lastIndexOf('.');
  const format = file.slice(dot + 1) as 'xlsx' | 'csv';
  const outcome = await exportReport(shopContext(c), file.slice(0, dot), format, filterQuery(c));
  if (outcome.kind === 'large')
    return c.render(<LargeExportPage {...outcome} format={format} />, {
      title: t(outcome.report.title),
      current: '/reports',
    });
  return c.body(outcome.body, 200, {
    'Content-Type': outcome.contentType,
    'Content-Disposition': `attachment; filename="${outcome.fileName}"`,
    'Cache-Control': 'no-store',
  });
});

businessReportsRoutes.get('/reports/:key/print', requirePermission('reports.view'), async (c) => {
  const view = await showReport(shopContext(c), c.req.param('key'), filterQuery(c));
  return c.html(
    <BusinessReportPrintPage
      view={view}
      shopName={c.var.session.shopName}
      today={shopToday()}
      printedAt={new Date()}
    />,
  );
});

businessReportsRoutes.get('/reports/:key', requirePermission('reports.view'), async (c) => {
  const report = reportByKey(c.req.param('key'));
  const base = { report, submitted: submittedFilters(c), branches: c.var.session.branches, today: shopToday() };
  try {
    const view = await showReport(shopContext(c), report.key, filterQuery(c));
    return renderReport(c, { ...base, view }, 200);
  } catch (error) {
    if (!(error instanceof AppError) || error.code !== 'validation' || !error.fields) throw error;
    return renderReport(c, { ...base, view: null, errors: error.fields }, 422);
  }
});
