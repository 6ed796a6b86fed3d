import type { TypedResponse } from 'hono';
import { createRoute, z } from '@hono/zod-openapi';
import { requirePermission } from '../http/session';
import { shopContext } from '../http/shop';
import { export606 } from '../services/shop/expenses';
import { exportDgiiReport } from '../services/shop/reports';
import { createApiApp } from './app';
import { problemResponses } from './openapi';

/** `/api/v1` resources: reports. */
export const reportsApi = createApiApp();

// The period is checked by requirePeriod (format and "not in the future", with the catalogue's messages).
const periodQuery = z.object({
  period: z
    .string()
    .max(20)
    .optional()
    .openapi({ description: 'Fiscal month YYYYMM, not after the current month', example: '202503' }),
});

const textFile = (description: string) => ({
  description,
  content: { 'text/plain': { schema: z.string().openapi({ description: 'Pipe-delimited lines, CRLF line endings' }) } },
});

for (const report of ['607', '608'] as const) {
  reportsApi.openapi(
    createRoute({
      method: 'get',
      path: `/reports/dgii/${report}`,
      operationId: `getDgii${report}Report`,
      summary:
        report === '607'
          ? 'DGII 607 (sales) TXT of a month: invoices and credit notes issued in it; consumer invoices under RD$250,000 are not lines of the file (their totals go in the Oficina Virtual when sending it)'
          : 'DGII 608 (voided numbers) TXT of a month: NCF, date of the voided receipt (its issue date) and reason code of every document voided in it',
      tags: ['Reports'],
      middleware: [requirePermission('reports.dgii')] as const,
      request: { query: periodQuery },
      responses: {
        200: textFile(`The ${report} file (DGII_F_${report}_<RNC>_<YYYYMM>.TXT)`),
        ...problemResponses(401, 403, 422),
      },
    }),
    async (c) => {
      const file = await exportDgiiReport(shopContext(c), report, c.req.valid('query').period);
      // Streamed a page at a time: the typed helpers (c.text) only take a whole string.
      return new Response(file.body, {
        headers: {
          'Content-Type': 'text/plain; charset=utf-8',
          'Content-Disposition': `attachment; filename="${file.fileName}"`,
          'Cache-Control': 'no-store',
        },
      }) as unknown as TypedResponse<string, 200, 'text'>;
    },
  );
}

reportsApi.openapi(
  createRoute({
    method: 'get',
    path: '/reports/dgii/606',
    operationId: 'getDgii606Report',
    summary:
      'DGII 606 (purchases and expenses) TXT of a month: every expense whose supplier document is dated in it, not voided; 23 fields per line',
    tags: ['Reports'],
    middleware: [requirePermission('reports.dgii')] as const,
    request: { query: periodQuery },
    responses: {
      200: textFile('The 606 file (DGII_F_606_<RNC>_<YYYYMM>.TXT)'),
      ...problemResponses(401, 403, 422),
    },
  }),
  async (c) => {
    const file = await export606(shopContext(c), c.req.valid('query').period);
    return new Response(file.body, {
      headers: {
        'Content-Type': 'text/plain; charset=utf-8',
        'Content-Disposition': `attachment; filename="${file.fileName}"`,
        'Cache-Control': 'no-store',
      },
    }) as unknown as TypedResponse<string, 200, 'text'>;
  },
);
