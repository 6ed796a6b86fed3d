import { createRoute, z } from '@hono/zod-openapi';
import { reportRowCursor } from '../http/cursors';
import { requirePermission } from '../http/session';
import { shopContext } from '../http/shop';
import { t } from '../i18n/es-DO';
import { type BusinessReport, businessReports, reportPage } from '../services/shop/business-reports';
import { createApiApp } from './app';
import { jsonResponse, pageOf, pageQuery, problemResponses } from './openapi';

/** `/api/v1` resources: the business reports (the same reports, filters and figures as /reports). */
export const businessReportsApi = createApiApp();

const tags = ['Business reports'];

const columnOut = z.object({
  key: z.string(),
  header: z.string(),
  kind: z.enum(['text', 'date', 'money', 'quantity', 'integer', 'percent']),
  totalled: z.boolean(),
});

const reportOut = z.object({
  key: z.string(),
  group: z.enum(['sales', 'receivables', 'inventory', 'clinical', 'expenses']),
  title: z.string(),
  description: z.string(),
  filters: z.array(z.enum(['range', 'branch', 'seller', 'category'])),
  columns: z.array(columnOut),
});

/** A cell as SQL gave it: decimals (money, quantities, percents as fractions) are exact strings. */
const cell = z.union([z.string(), z.number(), z.null()]);

function describe(report: BusinessReport): z.infer<typeof reportOut> {
  return {
    key: report.key,
    group: report.group,
    title: t(report.title),
    description: t(report.description),
    filters: [...report.filters],
    columns: report.columns.map((column) => ({
      key: column.key,
      header: column.header,
      kind: column.kind,
      totalled: column.total !== undefined,
    })),
  };
}

const filterText = (description: string) => z.string().max(40).optional().openapi({ description });

businessReportsApi.openapi(
  createRoute({
    method: 'get',
    path: '/business-reports',
    operationId: 'listBusinessReports',
    summary: 'The business reports: key, group, title, the filters each takes and its columns',
    tags,
    middleware: [requirePermission('reports.view')] as const,
    responses: {
      200: jsonResponse(z.object({ data: z.array(reportOut) }), 'Every report'),
      ...problemResponses(401, 403),
    },
  }),
  (c) => c.json({ data: businessReports.map(describe) }, 200),
);

businessReportsApi.openapi(
  createRoute({
    method: 'get',
    path: '/business-reports/{key}',
    operationId: 'getBusinessReport',
    summary:
      'A page of a report’s rows (cursor pagination, in the report’s order) with the totals and row count of the whole report, for the filters given (default: this month, every branch the token user sees)',
    tags,
    middleware: [requirePermission('reports.view')] as const,
    request: {
      params: z.object({ key: z.string().max(60) }),
      query: pageQuery.extend({
        from: filterText('First day (YYYY-MM-DD) of a report with a date range'),
        to: filterText('Last day (YYYY-MM-DD), at most a year after `from`'),
        branch: filterText('A branch id the token user sees'),
        seller: filterText('A seller (user) id, for reports by seller'),
        category: filterText('A product category, for inventory reports'),
      }),
    },
    responses: {
      200: jsonResponse(
        pageOf(z.record(z.string(), cell)).extend({
          report: reportOut,
          filters: z.object({
            from: z.string(),
            to: z.string(),
            branch: z.string().nullable(),
            seller: z.string().nullable(),
            category: z.string().nullable(),
          }),
          totals: z.record(z.string(), cell),
          rowCount: z.number(),
        }),
        'The rows (one value per column key), the totals of the totalled columns and the row count',
      ),
      ...problemResponses(401, 403, 404, 422),
    },
  }),
  async (c) => {
    const { limit, cursor, ...filters } = c.req.valid('query');
    const after = reportRowCursor.decode(cursor)?.key ?? null;
    const page = await reportPage(shopContext(c), c.req.valid('param').key, filters, after, limit);
    const keys = page.report.columns.map((column) => column.key);
    const totalled = page.report.columns.filter((column) => column.total !== undefined).map((column) => column.key);
    return c.json(
      {
        report: describe(page.report),
        filters: page.filters,
        data: page.rows.map((row) => Object.fromEntries(keys.map((key) => [key, row[key] ?? null]))),
        nextCursor: page.nextAfter === null ? null : reportRowCursor.encode({ key: page.nextAfter }),
        totals: Object.fromEntries(totalled.map((key) => [key, page.totals[key] ?? null])),
        rowCount: page.rowCount,
      },
      200,
    );
  },
);
