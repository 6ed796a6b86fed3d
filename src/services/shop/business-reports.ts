import { type SQL, sql } from 'drizzle-orm';
import { can } from '../../auth/permissions';
import type { TenantDb } from '../../db/client';
import {
  backgroundExportRows,
  type ColumnKind,
  exportFileName,
  monthOf,
  reportChunkSize,
  type ReportRow,
  reportScreenRows,
} from '../../domain/business-reports';
import { shopToday } from '../../domain/dates';
import { paymentForms } from '../../domain/ncf';
import { AppError } from '../../errors';
import { type MessageKey, t } from '../../i18n/es-DO';
import { listScope } from '../../queries/branch-scope';
import * as statements from '../../queries/business-reports';
import {
  type ColumnTotal,
  type ReportScope,
  type ReportStatement,
  reportChunkQuery,
  reportChunks,
  reportHeadQuery,
  reportTotalsQuery,
} from '../../queries/business-reports';
import {
  claimReportExport,
  finishReportExport,
  getReportExport,
  insertReportExport,
  recentReportExportsQuery,
  type ReportExport,
  reportExportProgress,
  sellerOptionsQuery,
} from '../../queries/report-exports';
import { type ReportFormat, reportFiltersQuery } from '../../schemas/business-reports';
import type { TenantContext } from '../../tenancy/context';
import type { ShopContext } from './context';
import { contentTypes, type FileColumn, reportFileStream, uploadStream } from './report-files';

export type ReportGroup = 'sales' | 'receivables' | 'inventory' | 'clinical' | 'expenses';
export type ReportFilter = 'range' | 'branch' | 'seller' | 'category';

export interface ReportColumn extends FileColumn {
  /** Totalled in the totals row (summed, or an aggregate of its own); not totalled without. */
  total?: ColumnTotal;
  /** Where a cell links to (a customer's statement), from the row's extra fields. */
  link?: (row: ReportRow) => string | null;
}

/** One business report: what it is called, how it is filtered, its columns and its one statement. */
export interface BusinessReport {
  key: string;
  group: ReportGroup;
  title: MessageKey;
  description: MessageKey;
  /** File names: `ventas-por-dia_2025-01-01_2025-01-31.xlsx`. */
  slug: string;
  filters: readonly ReportFilter[];
  columns: readonly ReportColumn[];
  statement: ReportStatement;
}

const column = (
  key: string,
  header: MessageKey,
  kind: ColumnKind,
  extra: Omit<ReportColumn, 'key' | 'header' | 'kind'> = {},
): ReportColumn => ({ key, header: t(header), kind, ...extra });

const categoryName = (value: string) =>
  value === 'none' ? t('businessReports.noProduct') : t(`products.category.${value}` as MessageKey);
/** A totals cell that is a ratio of two column sums (a share's total is 100 %), half-up to 4 places. */
const ratio = (numerator: string, denominator: string) => (r: SQL) => {
  const sum = (key: string) => sql`sum((${r}.${sql.identifier(key)})::numeric)`;
  return sql`coalesce(round(${sum(numerator)} / nullif(${sum(denominator)}, 0), 4), 0)`;
};

const documentColumns = [
  column('invoices', 'businessReports.col.invoices', 'integer', { total: 'sum' }),
  column('credit_notes', 'businessReports.col.creditNotes', 'integer', { total: 'sum' }),
  column('net', 'businessReports.col.net', 'money', { total: 'sum' }),
  column('itbis', 'businessReports.col.itbis', 'money', { total: 'sum' }),
  column('total', 'businessReports.col.total', 'money', { total: 'sum' }),
];
const shareOf = (key: string) => column('share', 'businessReports.col.share', 'percent', { total: ratio(key, key) });
const dash = (fallback: MessageKey) => (value: string) => value || t(fallback);

const salesFilters = ['range', 'branch', 'seller'] as const;

/** Every business report, in the order of the index. */
export const businessReports: readonly BusinessReport[] = [
  {
    key: 'sales-by-day',
    group: 'sales',
    title: 'businessReports.salesByDay.title',
    description: 'businessReports.salesByDay.description',
    slug: 'ventas-por-dia',
    filters: salesFilters,
    columns: [column('day', 'businessReports.col.day', 'date'), ...documentColumns],
    statement: statements.salesByDay,
  },
  {
    key: 'sales-by-month',
    group: 'sales',
    title: 'businessReports.salesByMonth.title',
    description: 'businessReports.salesByMonth.description',
    slug: 'ventas-por-mes',
    filters: salesFilters,
    columns: [column('month', 'businessReports.col.month', 'text'), ...documentColumns],
    statement: statements.salesByMonth,
  },
  {
    key: 'sales-by-product',
    group: 'sales',
    title: 'businessReports.salesByProduct.title',
    description: 'businessReports.salesByProduct.description',
    slug: 'ventas-por-producto',
    filters: ['range', 'branch', 'seller', 'category'],
    columns: [
      column('sku', 'businessReports.col.sku', 'text'),
      column('product', 'businessReports.col.product', 'text'),
      column('category', 'businessReports.col.category', 'text', { label: categoryName }),
      column('quantity', 'businessReports.col.quantity', 'quantity', { total: 'sum' }),
      column('net', 'businessReports.col.net', 'money', { total: 'sum' }),
    ],
    statement: statements.salesByProduct,
  },
  {
    key: 'sales-by-category',
    group: 'sales',
    title: 'businessReports.salesByCategory.title',
    description: 'businessReports.salesByCategory.description',
    slug: 'ventas-por-categoria',
    filters: ['range', 'branch', 'seller', 'category'],
    columns: [
      column('category', 'businessReports.col.category', 'text', { label: categoryName }),
      column('quantity', 'businessReports.col.quantity', 'quantity', { total: 'sum' }),
      column('net', 'businessReports.col.net', 'money', { total: 'sum' }),
      shareOf('net'),
    ],
    statement: statements.salesByCategory,
  },
  {
    key: 'sales-by-customer',
    group: 'sales',
    title: 'businessReports.salesByCustomer.title',
    description: 'businessReports.salesByCustomer.description',
    slug: 'ventas-por-cliente',
    filters: salesFilters,
    columns: [
      column('customer', 'businessReports.col.customer', 'text', { label: dash('businessReports.finalConsumer') }),
      column('id_number', 'businessReports.col.idNumber', 'text'),
      ...documentColumns,
    ],
    statement: statements.salesByCustomer,
  },
  {
    key: 'sales-by-seller',
    group: 'sales',
    title: 'businessReports.salesBySeller.title',
    description: 'businessReports.salesBySeller.description',
    slug: 'ventas-por-vendedor',
    filters: ['range', 'branch'],
    columns: [
      column('seller', 'businessReports.col.seller', 'text', { label: dash('businessReports.noSeller') }),
      ...documentColumns,
      shareOf('net'),
    ],
    statement: statements.salesBySeller,
  },
  {
    key: 'sales-by-branch',
    group: 'sales',
    title: 'businessReports.salesByBranch.title',
    description: 'businessReports.salesByBranch.description',
    slug: 'ventas-por-sucursal',
    filters: ['range', 'seller'],
    columns: [column('branch', 'businessReports.col.branch', 'text'), ...documentColumns, shareOf('net')],
    statement: statements.salesByBranch,
  },
  {
    key: 'payments-by-method',
    group: 'sales',
    title: 'businessReports.paymentsByMethod.title',
    description: 'businessReports.paymentsByMethod.description',
    slug: 'cobros-por-forma-de-pago',
    filters: salesFilters,
    columns: [
      column('method', 'businessReports.col.method', 'text', {
        label: (value) => `${value} - ${paymentForms[value as keyof typeof paymentForms] ?? value}`,
      }),
      column('payments', 'businessReports.col.payments', 'integer', { total: 'sum' }),
      column('amount', 'businessReports.col.amount', 'money', { total: 'sum' }),
      shareOf('amount'),
    ],
    statement: statements.paymentsByMethod,
  },
  {
    key: 'quotations',
    group: 'sales',
    title: 'businessReports.quotations.title',
    description: 'businessReports.quotations.description',
    slug: 'cotizaciones-convertidas-perdidas',
    filters: salesFilters,
    columns: [
      column('seller', 'businessReports.col.seller', 'text', { label: dash('businessReports.noSeller') }),
      column('quotations', 'businessReports.col.quotations', 'integer', { total: 'sum' }),
      column('converted', 'businessReports.col.converted', 'integer', { total: 'sum' }),
      column('cancelled', 'businessReports.col.cancelled', 'integer', { total: 'sum' }),
      column('expired', 'businessReports.col.expired', 'integer', { total: 'sum' }),
      column('open', 'businessReports.col.open', 'integer', { total: 'sum' }),
      column('conversion', 'businessReports.col.conversion', 'percent', {
        total: (r) =>
          sql`coalesce(round(sum((${r}.converted)::numeric) / nullif(sum((${r}.converted)::numeric + (${r}.cancelled)::numeric + (${r}.expired)::numeric), 0), 4), 0)`,
      }),
      column('converted_amount', 'businessReports.col.convertedAmount', 'money', { total: 'sum' }),
      column('lost_amount', 'businessReports.col.lostAmount', 'money', { total: 'sum' }),
    ],
    statement: statements.quotationOutcomes,
  },
  {
    key: 'receivables-ageing',
    group: 'receivables',
    title: 'businessReports.ageing.title',
    description: 'businessReports.ageing.description',
    slug: 'antiguedad-de-saldos',
    filters: ['branch'],
    columns: [
      column('customer', 'businessReports.col.customer', 'text', {
        label: dash('businessReports.finalConsumer'),
        link: (row) => (row.customer_id ? `/contacts/${row.customer_id}/statement` : null),
      }),
      column('id_number', 'businessReports.col.idNumber', 'text'),
      column('invoices', 'businessReports.col.openInvoices', 'integer', { total: 'sum' }),
      column('current', 'businessReports.col.current', 'money', { total: 'sum' }),
      column('days1to30', 'businessReports.col.days1to30', 'money', { total: 'sum' }),
      column('days31to60', 'businessReports.col.days31to60', 'money', { total: 'sum' }),
      column('days61to90', 'businessReports.col.days61to90', 'money', { total: 'sum' }),
      column('over90', 'businessReports.col.over90', 'money', { total: 'sum' }),
      column('total', 'businessReports.col.balance', 'money', { total: 'sum' }),
    ],
    statement: statements.receivablesAgeing,
  },
  {
    key: 'stock-levels',
    group: 'inventory',
    title: 'businessReports.stockLevels.title',
    description: 'businessReports.stockLevels.description',
    slug: 'existencias',
    filters: ['branch', 'category'],
    columns: stockColumns(),
    statement: statements.stockOnHand,
  },
  {
    key: 'stock-low',
    group: 'inventory',
    title: 'businessReports.stockLow.title',
    description: 'businessReports.stockLow.description',
    slug: 'existencias-bajas',
    filters: ['branch', 'category'],
    columns: stockColumns(),
    statement: statements.stockLow,
  },
  {
    key: 'stock-movements',
    group: 'inventory',
    title: 'businessReports.stockMovements.title',
    description: 'businessReports.stockMovements.description',
    slug: 'movimientos-de-inventario',
    filters: ['range', 'branch', 'category'],
    columns: [
      column('day', 'businessReports.col.day', 'date'),
      column('sku', 'businessReports.col.sku', 'text'),
      column('product', 'businessReports.col.product', 'text'),
      column('branch', 'businessReports.col.branch', 'text'),
      column('kind', 'businessReports.col.movement', 'text', {
        label: (value) => t(`businessReports.movement.${value}` as MessageKey),
      }),
      column('quantity', 'businessReports.col.quantity', 'integer', { total: 'sum' }),
      column('balance_after', 'businessReports.col.balanceAfter', 'integer'),
      column('value', 'businessReports.col.valueAtCost', 'money', { total: 'sum' }),
      column('note', 'businessReports.col.note', 'text'),
    ],
    statement: statements.stockMovements,
  },
  {
    key: 'prescriptions-by-optometrist',
    group: 'clinical',
    title: 'businessReports.prescriptions.title',
    description: 'businessReports.prescriptions.description',
    slug: 'recetas-por-optometrista',
    filters: ['range', 'branch'],
    columns: [
      column('optometrist', 'businessReports.col.optometrist', 'text', {
        label: dash('businessReports.noOptometrist'),
      }),
      column('prescriptions', 'businessReports.col.prescriptions', 'integer', { total: 'sum' }),
      column('patients', 'businessReports.col.patients', 'integer'),
      column('first_exam', 'businessReports.col.firstExam', 'date'),
      column('last_exam', 'businessReports.col.lastExam', 'date'),
    ],
    statement: statements.prescriptionsByOptometrist,
  },
  {
    key: 'expenses-by-type',
    group: 'expenses',
    title: 'businessReports.expenses.title',
    description: 'businessReports.expenses.description',
    slug: 'gastos-por-tipo',
    filters: ['range', 'branch'],
    columns: [
      column('expense_type', 'businessReports.col.expenseType', 'text', {
        label: (value) => `${value} - ${t(`businessReports.expenseType.${value}` as MessageKey)}`,
      }),
      column('expenses', 'businessReports.col.expenses', 'integer', { total: 'sum' }),
      column('amount', 'businessReports.col.amountBeforeTax', 'money', { total: 'sum' }),
      column('itbis', 'businessReports.col.itbisPaid', 'money', { total: 'sum' }),
      column('other_taxes', 'businessReports.col.otherTaxes', 'money', { total: 'sum' }),
      column('total', 'businessReports.col.total', 'money', { total: 'sum' }),
      shareOf('amount'),
    ],
    statement: statements.expensesByType,
  },
];

function stockColumns(): ReportColumn[] {
  return [
    column('sku', 'businessReports.col.sku', 'text'),
    column('product', 'businessReports.col.product', 'text'),
    column('category', 'businessReports.col.category', 'text', { label: categoryName }),
    column('branch', 'businessReports.col.branch', 'text'),
    column('quantity', 'businessReports.col.quantity', 'integer', { total: 'sum' }),
    column('cost', 'businessReports.col.unitCost', 'money'),
    column('value', 'businessReports.col.valueAtCost', 'money', { total: 'sum' }),
  ];
}

export const reportGroups: readonly ReportGroup[] = ['sales', 'receivables', 'inventory', 'clinical', 'expenses'];

/** The report of a key, or a 404. */
export function reportByKey(key: string): BusinessReport {
  const report = businessReports.find((candidate) => candidate.key === key);
  if (!report) throw new AppError('not_found');
  return report;
}

function requireReports(ctx: Pick<ShopContext, 'actor'>): void {
  if (!can(ctx.actor, 'reports.view')) throw new AppError('forbidden');
}

/** The filters as the user sent them (what the form shows back) and as the statement reads them. */
export interface ResolvedFilters {
  from: string;
  to: string;
  branch: string | null;
  seller: string | null;
  category: string | null;
}

/** What a background export keeps of a request: the filters and the branches the user could see then. */
interface StoredFilters extends ResolvedFilters {
  branchIds: string[] | null;
  today: string;
}

/**
 * A request's filters, checked (422 with a message per field, nothing read) and completed: the
 * range defaults to the current month; a filter the report does not declare is ignored.
 */
export function resolveFilters(report: BusinessReport, query: Record<string, string | undefined>, today = shopToday()) {
  const parsed = reportFiltersQuery.safeParse(query);
  if (!parsed.success) {
    const errors: Record<string, string> = {};
    for (const issue of parsed.error.issues) errors[String(issue.path[0] ?? 'from')] ??= issue.message;
    throw new AppError('validation', t('businessReports.validation.summary'), errors);
  }
  const uses = (filter: ReportFilter) => report.filters.includes(filter);
  const month = monthOf(today);
  const from = parsed.data.from ?? (parsed.data.to ? `${parsed.data.to.slice(0, 7)}-01` : month.from);
  const to = parsed.data.to ?? (parsed.data.from ? monthOf(parsed.data.from).to : month.to);
  if (to < from) {
    const message = t('businessReports.validation.order');
    throw new AppError('validation', t('businessReports.validation.summary'), { to: message });
  }
  return {
    from,
    to,
    branch: uses('branch') ? parsed.data.branch : null,
    seller: uses('seller') ? parsed.data.seller : null,
    category: uses('category') ? parsed.data.category : null,
  } satisfies ResolvedFilters;
}

function scopeOf(filters: ResolvedFilters, branchIds: string[] | null, today: string): ReportScope {
  return { from: filters.from, to: filters.to, branchIds, sellerId: filters.seller, category: filters.category, today };
}

const totalsSpec = (report: BusinessReport) =>
  report.columns.flatMap((c) => (c.total ? [{ key: c.key, total: c.total }] : []));

export interface ReportView {
  report: BusinessReport;
  filters: ResolvedFilters;
  /** The first rows (up to the screen limit) in report order. */
  rows: ReportRow[];
  totals: ReportRow;
  rowCount: number;
  sellers: Array<{ id: string; name: string }>;
}

/**
 * A report for the screen and the print: its first rows, its totals and row count, and the
 * filter's seller list, in one round trip whatever the report's size.
 */
export async function showReport(
  ctx: ShopContext,
  key: string,
  query: Record<string, string | undefined>,
  limit = reportScreenRows,
): Promise<ReportView> {
  const { report, filters, statement } = prepare(ctx, key, query);
  const [head, sellers] = await ctx.db.batch([
    reportHeadQuery(ctx.db, statement, limit, totalsSpec(report)),
    sellerOptionsQuery(ctx.db),
  ]);
  const { rows, totals } = head.rows[0]!;
  return { report, filters, rows, totals, rowCount: Number(totals._rows), sellers };
}

export interface ReportPage {
  report: BusinessReport;
  filters: ResolvedFilters;
  /** Up to `limit` rows after `after`, in report order, each with its key (`_k`). */
  rows: Array<ReportRow & { _k: string }>;
  /** The key of the last row when more rows follow. */
  nextAfter: string | null;
  totals: ReportRow;
  rowCount: number;
}

/**
 * A page of a report for the API: the rows after a key, with the whole report's totals and row
 * count, in one round trip (the same statement as the screen and the files).
 */
export async function reportPage(
  ctx: ShopContext,
  key: string,
  query: Record<string, string | undefined>,
  after: string | null,
  limit: number,
): Promise<ReportPage> {
  const { report, filters, statement } = prepare(ctx, key, query);
  const [page, totals] = await ctx.db.batch([
    reportChunkQuery(ctx.db, statement, after, limit + 1),
    reportTotalsQuery(ctx.db, statement, totalsSpec(report)),
  ]);
  const rows = page.rows.slice(0, limit);
  const totalsRow = totals.rows[0] as ReportRow;
  return {
    report,
    filters,
    rows,
    nextAfter: page.rows.length > limit ? rows.at(-1)!._k : null,
    totals: totalsRow,
    rowCount: Number(totalsRow._rows),
  };
}

export type ReportExportOutcome =
  | { kind: 'file'; fileName: string; contentType: string; body: ReadableStream<Uint8Array> }
  | { kind: 'large'; report: BusinessReport; filters: ResolvedFilters; rowCount: number };

function reportFile(
  db: TenantDb,
  report: BusinessReport,
  format: ReportFormat,
  statement: SQL,
  totals: ReportRow,
  onChunk?: (rows: number) => Promise<void>,
): ReadableStream<Uint8Array> {
  async function* chunks(): AsyncGenerator<ReportRow[]> {
    let done = 0;
    for await (const chunk of reportChunks(db, statement, reportChunkSize)) {
      yield chunk;
      done += chunk.length;
      await onChunk?.(done);
    }
  }
  return reportFileStream(format, t(report.title), report.columns, chunks(), {
    label: t('businessReports.totals'),
    row: totals,
  });
}

/** A request's report, filters and statement, checked (screen, API page and files alike). */
function prepare(ctx: ShopContext, key: string, query: Record<string, string | undefined>) {
  requireReports(ctx);
  const report = reportByKey(key);
  const today = shopToday();
  const filters = resolveFilters(report, query, today);
  const branchIds = listScope(ctx.actor, filters.branch);
  const statement = report.statement(scopeOf(filters, branchIds, today));
  const ranged = report.filters.includes('range');
  const fileName = (format: ReportFormat) =>
    exportFileName(report.slug, ranged ? filters.from : null, ranged ? filters.to : null, format);
  return { report, filters, branchIds, today, statement, fileName };
}

/**
 * An export of a report: up to `backgroundExportRows` rows streamed in the response (read a chunk
 * at a time as the client downloads); above it, `large`: the caller offers the background export.
 */
export async function exportReport(
  ctx: ShopContext,
  key: string,
  format: ReportFormat,
  query: Record<string, string | undefined>,
): Promise<ReportExportOutcome> {
  const { report, filters, statement, fileName } = prepare(ctx, key, query);
  const totals = (await reportTotalsQuery(ctx.db, statement, totalsSpec(report))).rows[0] as ReportRow;
  const rowCount = Number(totals._rows);
  if (rowCount > backgroundExportRows) return { kind: 'large', report, filters, rowCount };
  const body = reportFile(ctx.db, report, format, statement, totals);
  return { kind: 'file', fileName: fileName(format), contentType: contentTypes[format], body };
}

/**
 * Records a background export of a report (the filters and the branches the user may see now) and
 * hands it to the queue (`reports.export`): no request waits for a large file. Returns its id.
 */
export async function queueReportExport(
  ctx: ShopContext,
  key: string,
  format: ReportFormat,
  query: Record<string, string | undefined>,
): Promise<string> {
  const { report, filters, branchIds, today, statement, fileName } = prepare(ctx, key, query);
  const totals = (await reportTotalsQuery(ctx.db, statement, totalsSpec(report))).rows[0] as ReportRow;
  const stored: StoredFilters = { ...filters, branchIds, today };
  const row = await insertReportExport(ctx.db, {
    report: report.key,
    format,
    filters: { ...stored },
    rowsTotal: Number(totals._rows),
    fileName: fileName(format),
    requestedBy: ctx.actor.id,
  });
  await ctx.jobs.send(reportExportJob, { id: row.id });
  return row.id;
}

export const reportExportJob = 'reports.export';

/**
 * The queue job of a background export: claims it (a repeated message for a running or finished
 * export does nothing), writes the file to R2 with a multipart upload a chunk of rows at a time,
 * recording rows done after each chunk, and marks it done (or failed, with the reason).
 */
export async function runReportExport(context: TenantContext, id: string): Promise<void> {
  const claimed = await claimReportExport(context.db, id);
  if (!claimed) return;
  try {
    const report = reportByKey(claimed.report);
    const stored = claimed.filters as unknown as StoredFilters;
    const statement = report.statement(scopeOf(stored, stored.branchIds, stored.today));
    const totals = (await reportTotalsQuery(context.db, statement, totalsSpec(report))).rows[0] as ReportRow;
    let rowsDone = 0;
    const body = reportFile(context.db, report, claimed.format, statement, totals, async (done) => {
      rowsDone = done;
      await reportExportProgress(context.db, id, done);
    });
    const fileKey = `reports/${id}/${claimed.fileName ?? `${report.slug}.${claimed.format}`}`;
    const byteSize = await uploadStream(context.files, fileKey, body, contentTypes[claimed.format]);
    await finishReportExport(context.db, id, { fileKey, byteSize, rowsDone });
  } catch (error) {
    await finishReportExport(context.db, id, { error: error instanceof Error ? error.message : String(error) });
    throw error;
  }
}

/** A background export of this shop, or a 404 (another shop's id is simply not in this database). */
export async function reportExportStatus(ctx: ShopContext, id: string): Promise<ReportExport & { title: string }> {
  requireReports(ctx);
  const row = /^[0-9a-f-]{36}$/i.test(id) ? await getReportExport(ctx.db, id) : null;
  if (!row) throw new AppError('not_found');
  const report = businessReports.find((candidate) => candidate.key === row.report);
  return { ...row, title: report ? t(report.title) : row.report };
}

/** The finished file of a background export, from the shop's R2 prefix; 404 when not (yet) there. */
export async function reportExportFile(ctx: ShopContext, id: string) {
  const row = await reportExportStatus(ctx, id);
  if (row.status !== 'done' || !row.fileKey) throw new AppError('not_found');
  const object = await ctx.files.get(row.fileKey);
  if (!object) throw new AppError('not_found');
  return {
    fileName: row.fileName ?? 'reporte',
    contentType: contentTypes[row.format],
    body: object.body,
    size: object.size,
  };
}

/** The report index: the reports by group and the latest exports. */
export async function reportIndex(ctx: ShopContext) {
  requireReports(ctx);
  const exports = await recentReportExportsQuery(ctx.db, 10);
  const titles = new Map(businessReports.map((report) => [report.key, t(report.title)]));
  return {
    groups: reportGroups.map((group) => ({
      group,
      reports: businessReports.filter((report) => report.group === group),
    })),
    exports: exports.map((row) => ({ ...row, title: titles.get(row.report) ?? row.report })),
  };
}
