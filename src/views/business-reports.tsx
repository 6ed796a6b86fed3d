import { PrintDocument, PrintToolbar } from './print-document';
import type { BranchRef } from '../auth/session';
import { backgroundExportRows, type ColumnKind, type ReportRow } from '../domain/business-reports';
import { formatDate, formatDateTime } from '../domain/dates';
import { formatDecimal, formatMoney, fromUnits, roundHalfUp, toUnits } from '../domain/money';
import { productCategories } from '../db/tenant-schema';
import type { FieldErrors } from '../errors';
import { type MessageKey, t } from '../i18n/es-DO';
import type { ReportExport } from '../queries/report-exports';
import { displayValue } from '../services/shop/report-files';
import type { BusinessReport, ReportColumn, ReportGroup, ReportView } from '../services/shop/business-reports';
import { ErrorSummary, Field, SelectField } from './components';

/** A value of `kind` as people read it: RD$ amounts, dd/mm/aaaa dates, percentages with one decimal. */
export function formatCell(kind: ColumnKind, value: string | number | null): string {
  if (value === null || value === '') return kind === 'text' ? '' : '—';
  const text = String(value);
  switch (kind) {
    case 'money':
      return formatMoney(text);
    case 'date':
      return formatDate(text);
    case 'quantity':
      return formatDecimal(text, 0);
    case 'integer':
      return formatDecimal(text, 0);
    case 'percent':
      return `${formatDecimal(roundHalfUp(fromUnits(toUnits(text, 4), 2), 1), 1)} %`;
    default:
      return text;
  }
}

const numeric = (kind: ColumnKind) => kind !== 'text';

/** The report's address with its filters (and a suffix such as `.xlsx` or `/print`). */
export function reportHref(report: BusinessReport, filters: Record<string, string | null>, suffix = ''): string {
  const query = new URLSearchParams(
    Object.entries(filters).filter((entry): entry is [string, string] => Boolean(entry[1])),
  ).toString();
  return `/reports/${report.key}${suffix}${query ? `?${query}` : ''}`;
}

/** The index of reports by group, the DGII page beside them, and the latest background exports. */
export function ReportIndexPage(props: {
  groups: Array<{ group: ReportGroup; reports: readonly BusinessReport[] }>;
  exports: Array<{
    id: string;
    title: string;
    format: string;
    status: string;
    rowsDone: number;
    rowsTotal: number | null;
    createdAt: Date;
    requestedBy: string | null;
  }>;
  canDgii: boolean;
}) {
  return (
    <section class="business-reports">
      <h1>{t('businessReports.index.title')}</h1>
      <p class="lead">{t('businessReports.index.lead')}</p>
      <div class="report-groups">
        {props.groups.map(({ group, reports }) => (
          <section class="report-group" aria-labelledby={`group-${group}`}>
            <h2 id={`group-${group}`}>{t(`businessReports.group.${group}` as MessageKey)}</h2>
            <ul>
              {reports.map((report) => (
                <li>
                  <a href={`/reports/${report.key}`}>{t(report.title)}</a>
                  <p class="hint">{t(report.description)}</p>
                </li>
              ))}
              {group === 'sales' && props.canDgii ? (
                <li>
                  <a href="/reports/dgii">{t('businessReports.index.dgii')}</a>
                </li>
              ) : null}
            </ul>
          </section>
        ))}
      </div>
      <h2>{t('businessReports.index.exports')}</h2>
      {props.exports.length === 0 ? (
        <p class="muted">{t('businessReports.index.noExports')}</p>
      ) : (
        <div class="table-scroll">
          <table>
            <thead>
              <tr>
                <th scope="col">{t('businessReports.export.file')}</th>
                <th scope="col">{t('businessReports.export.status')}</th>
                <th scope="col" class="number">
                  {t('businessReports.export.rows')}
                </th>
                <th scope="col">{t('businessReports.export.requested')}</th>
                <th scope="col">{t('businessReports.export.by')}</th>
              </tr>
            </thead>
            <tbody>
              {props.exports.map((row) => (
                <tr>
                  <td>
                    <a href={`/reports/exports/${row.id}`}>{`${row.title} (.${row.format})`}</a>
                  </td>
                  <td>{t(`businessReports.export.status.${row.status}` as MessageKey)}</td>
                  <td class="number">{`${row.rowsDone} / ${row.rowsTotal ?? '—'}`}</td>
                  <td>{formatDateTime(row.createdAt)}</td>
                  <td>{row.requestedBy ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

export interface ReportPageState {
  view: ReportView | null;
  report: BusinessReport;
  /** The filters as submitted (shown back in the form, also when invalid). */
  submitted: Record<string, string | null>;
  errors?: FieldErrors;
  branches: BranchRef[];
  today: string;
}

function Filters(props: ReportPageState) {
  const { report, submitted } = props;
  const uses = (filter: string) => (report.filters as readonly string[]).includes(filter);
  const sellers = props.view?.sellers ?? [];
  return (
    <form
      method="get"
      action={`/reports/${report.key}`}
      class="toolbar report-filters"
      hx-get={`/reports/${report.key}`}
      hx-target="#business-report"
      hx-swap="outerHTML"
      hx-push-url="true"
      aria-label={t('businessReports.filter.legend')}
    >
      {uses('range') ? (
        <>
          <Field
            name="from"
            type="date"
            label={t('businessReports.filter.from')}
            value={submitted.from}
            errors={props.errors}
          />
          <Field
            name="to"
            type="date"
            label={t('businessReports.filter.to')}
            value={submitted.to}
            errors={props.errors}
          />
        </>
      ) : null}
      {uses('branch') && props.branches.length > 1 ? (
        <SelectField
          name="branch"
          label={t('businessReports.filter.branch')}
          value={submitted.branch}
          errors={props.errors}
          blank={t('businessReports.filter.allBranches')}
          options={props.branches.map((branch) => ({ value: branch.id, label: branch.name }))}
        />
      ) : null}
      {uses('seller') ? (
        <SelectField
          name="seller"
          label={t('businessReports.filter.seller')}
          value={submitted.seller}
          errors={props.errors}
          blank={t('businessReports.filter.allSellers')}
          options={sellers.map((seller) => ({ value: seller.id, label: seller.name }))}
        />
      ) : null}
      {uses('category') ? (
        <SelectField
          name="category"
          label={t('businessReports.filter.category')}
          value={submitted.category}
          errors={props.errors}
          blank={t('businessReports.filter.allCategories')}
          options={productCategories.map((category) => ({
            value: category,
            label: t(`products.category.${category}` as MessageKey),
          }))}
        />
      ) : null}
      <button type="submit" class="button-primary">
        {t('businessReports.filter.show')}
      </button>
    </form>
  );
}

function Cell(props: { column: ReportColumn; row: ReportRow }) {
  const { column, row } = props;
  const text = formatCell(column.kind, displayValue(column, row));
  const href = column.link?.(row) ?? null;
  return <td class={numeric(column.kind) ? 'number' : undefined}>{href ? <a href={href}>{text}</a> : text}</td>;
}

/** The report's table: header, the rows given, and the totals of every row of the report. */
export function ReportTable(props: { view: ReportView }) {
  const { report, rows, totals } = props.view;
  return (
    <div class="table-scroll">
      <table class="report-table">
        <thead>
          <tr>
            {report.columns.map((column) => (
              <th scope="col" class={numeric(column.kind) ? 'number' : undefined}>
                {column.header}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr>
              {report.columns.map((column) => (
                <Cell column={column} row={row} />
              ))}
            </tr>
          ))}
        </tbody>
        {rows.length > 0 ? (
          <tfoot>
            <tr>
              {report.columns.map((column, index) =>
                index === 0 ? (
                  <th scope="row">{t('businessReports.totals')}</th>
                ) : (
                  <td class={numeric(column.kind) ? 'number' : undefined}>
                    {column.total ? formatCell(column.kind, totals[column.key] ?? null) : ''}
                  </td>
                ),
              )}
            </tr>
          </tfoot>
        ) : null}
      </table>
    </div>
  );
}

function subtitle(view: ReportView, today: string): string {
  if (view.report.filters.includes('range'))
    return t('businessReports.period', { from: formatDate(view.filters.from), to: formatDate(view.filters.to) });
  return t('businessReports.asOfToday', { today: formatDate(today) });
}

/** A report too large for the response: one POST per format queues its background export. */
function BackgroundExportButtons(props: { report: BusinessReport; filters: Record<string, string | null> }) {
  return (
    <form method="post" action={`/reports/${props.report.key}/exports`} class="report-export-form">
      {Object.entries(props.filters).map(([name, value]) =>
        value ? <input type="hidden" name={name} value={value} /> : null,
      )}
      <button type="submit" class="button" name="format" value="xlsx">
        {t('businessReports.exportXlsxBackground')}
      </button>
      <button type="submit" class="button" name="format" value="csv">
        {t('businessReports.exportCsvBackground')}
      </button>
    </form>
  );
}

/** The filters, the actions and the table: the page body and the htmx fragment. */
export function BusinessReportBody(props: ReportPageState) {
  const { view, report } = props;
  const filters = view
    ? {
        from: view.filters.from,
        to: view.filters.to,
        branch: view.filters.branch,
        seller: view.filters.seller,
        category: view.filters.category,
      }
    : props.submitted;
  return (
    <section id="business-report" aria-live="polite">
      <ErrorSummary errors={props.errors} message={props.errors ? t('businessReports.validation.summary') : null} />
      <Filters {...props} />
      {view ? (
        <>
          <div class="report-actions" role="group" aria-label={t('businessReports.actions')}>
            <p class="muted">
              {subtitle(view, props.today)} · {t('businessReports.rowCount', { count: view.rowCount })}
            </p>
            <a class="button" href={reportHref(report, filters, '/print')} target="_blank" rel="noopener">
              {t('businessReports.print')}
            </a>
            {view.rowCount > backgroundExportRows ? (
              <BackgroundExportButtons report={report} filters={filters} />
            ) : (
              <>
                <a class="button" href={reportHref(report, filters, '.xlsx')} hx-boost="false" download>
                  {t('businessReports.exportXlsx')}
                </a>
                <a class="button" href={reportHref(report, filters, '.csv')} hx-boost="false" download>
                  {t('businessReports.exportCsv')}
                </a>
              </>
            )}
          </div>
          {view.rowCount > view.rows.length ? (
            <p class="notice" role="status">
              {t('businessReports.truncated', { shown: view.rows.length, count: view.rowCount })}
            </p>
          ) : null}
          {view.rowCount === 0 ? <p class="muted">{t('businessReports.empty')}</p> : <ReportTable view={view} />}
          {report.group === 'sales' && report.key !== 'quotations' ? (
            <p class="hint">{t('businessReports.salesNote')}</p>
          ) : null}
        </>
      ) : null}
    </section>
  );
}

export function BusinessReportPage(props: ReportPageState) {
  return (
    <>
      <p class="breadcrumb">
        <a href="/reports">← {t('businessReports.back')}</a>
      </p>
      <h1>{t(props.report.title)}</h1>
      <p class="lead">{t(props.report.description)}</p>
      <BusinessReportBody {...props} />
    </>
  );
}

/** A report as a standalone A4 sheet (landscape: reports are wide), with the print shell's toolbar. */
export function BusinessReportPrintPage(props: { view: ReportView; shopName: string; today: string; printedAt: Date }) {
  const { view } = props;
  const filters = {
    from: view.filters.from,
    to: view.filters.to,
    branch: view.filters.branch,
    seller: view.filters.seller,
    category: view.filters.category,
  };
  return (
    <PrintDocument
      title={`${t(view.report.title)} · ${props.shopName}`}
      stylesheets={['reports.css']}
      bodyClass="print print-a4 print-report"
    >
      <PrintToolbar label={t('documents.print')}>
        <a href={reportHref(view.report, filters)}>← {t('documents.back')}</a>
      </PrintToolbar>
      <main class="sheet">
        <header class="report-print-header">
          <p class="company-name">{props.shopName}</p>
          <h1>{t(view.report.title)}</h1>
          <p>{subtitle(view, props.today)}</p>
          <p class="muted">{t('businessReports.printedOn', { date: formatDateTime(props.printedAt) })}</p>
        </header>
        {view.rowCount > view.rows.length ? (
          <p class="notice">{t('businessReports.truncated', { shown: view.rows.length, count: view.rowCount })}</p>
        ) : null}
        {view.rowCount === 0 ? <p>{t('businessReports.empty')}</p> : <ReportTable view={view} />}
      </main>
    </PrintDocument>
  );
}

/** A background export's state; while it runs htmx polls it, and without JavaScript the page refreshes itself. */
export function ReportExportProgress(props: { row: ReportExport & { title: string } }) {
  const { row } = props;
  const active = row.status === 'queued' || row.status === 'running';
  const total = row.rowsTotal ?? 0;
  return (
    <section
      id="report-export"
      aria-live="polite"
      hx-get={active ? `/reports/exports/${row.id}` : undefined}
      hx-trigger={active ? 'every 2s' : undefined}
      hx-swap="outerHTML"
    >
      {row.status === 'queued' ? <p>{t('businessReports.export.queued')}</p> : null}
      {row.status === 'running' ? <p>{t('businessReports.export.running', { done: row.rowsDone, total })}</p> : null}
      {active ? (
        <progress max={total || 1} value={row.rowsDone} aria-label={t('businessReports.export.progress')}>
          {`${row.rowsDone} / ${total}`}
        </progress>
      ) : null}
      {row.status === 'done' ? (
        <>
          <p>{t('businessReports.export.done', { rows: row.rowsDone })}</p>
          <p>
            <a class="button button-primary" href={`/reports/exports/${row.id}/download`} hx-boost="false" download>
              {t('businessReports.export.download', { file: row.fileName ?? '' })}
            </a>
          </p>
        </>
      ) : null}
      {row.status === 'failed' ? <p class="error-text">{t('businessReports.export.failed')}</p> : null}
    </section>
  );
}

export function ReportExportPage(props: { row: ReportExport & { title: string } }) {
  const active = props.row.status === 'queued' || props.row.status === 'running';
  return (
    <>
      {active ? (
        <noscript>
          <meta http-equiv="refresh" content="3" />
          <p class="hint">{t('businessReports.export.noScript')}</p>
        </noscript>
      ) : null}
      <p class="breadcrumb">
        <a href={`/reports/${props.row.report}`}>← {t('businessReports.export.backToReport')}</a>
      </p>
      <h1>{t('businessReports.export.title', { report: props.row.title })}</h1>
      <ReportExportProgress row={props.row} />
    </>
  );
}

/** A report too large to stream in the response: the button that queues its export (a POST with the filters). */
export function LargeExportPage(props: {
  report: BusinessReport;
  filters: { from: string; to: string; branch: string | null; seller: string | null; category: string | null };
  rowCount: number;
  format: 'xlsx' | 'csv';
}) {
  const { report, filters } = props;
  return (
    <>
      <p class="breadcrumb">
        <a href={reportHref(report, filters)}>← {t('businessReports.export.backToReport')}</a>
      </p>
      <h1>{t(report.title)}</h1>
      <p>{t('businessReports.export.large', { count: props.rowCount })}</p>
      <form method="post" action={`/reports/${report.key}/exports`}>
        {Object.entries(filters).map(([name, value]) =>
          value ? <input type="hidden" name={name} value={value} /> : null,
        )}
        <input type="hidden" name="format" value={props.format} />
        <button type="submit" class="button-primary">
          {t('businessReports.export.start', { format: props.format === 'xlsx' ? '.xlsx' : 'CSV' })}
        </button>
      </form>
    </>
  );
}
