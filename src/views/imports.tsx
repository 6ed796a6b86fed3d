import { formatDateTime } from '../domain/dates';
import { importEntities, type ImportEntity, type ImportField, type ImportPreview } from '../domain/imports';
import type { FieldErrors } from '../errors';
import { t, type MessageKey } from '../i18n/es-DO';
import type { ImportRun } from '../queries/imports';
import { ErrorSummary, Notice, ResultsTable, SelectField, Warning } from './components';

export const entityLabel = (entity: string) => t(`imports.entity.${entity}` as MessageKey);
const statusLabel = (status: string) => t(`imports.status.${status}` as MessageKey);

/** The upload form: what to import and the file (multipart, read as a stream with a byte limit). */
export function ImportUploadForm(props: {
  entity: ImportEntity | null;
  errors?: FieldErrors;
  message?: string | null;
}) {
  return (
    <section class="card" aria-labelledby="import-upload-title">
      <h2 id="import-upload-title">{t('imports.new')}</h2>
      <ErrorSummary errors={props.errors} message={props.message} />
      <form method="post" action="/imports" enctype="multipart/form-data" hx-boost="false" novalidate>
        <div class="form-grid">
          <SelectField
            name="entity"
            label={t('imports.field.entity')}
            value={props.entity ?? 'contacts'}
            options={importEntities.map((entity) => ({ value: entity, label: entityLabel(entity) }))}
            errors={props.errors}
            required
          />
          <div class={`field${props.errors?.file ? ' has-error' : ''}`}>
            <label for="import-file">{t('imports.field.file')}</label>
            <input
              id="import-file"
              name="file"
              type="file"
              accept=".csv,.txt,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
              required
              aria-invalid={props.errors?.file ? 'true' : undefined}
              aria-describedby={props.errors?.file ? 'import-file-error' : undefined}
            />
            {props.errors?.file ? (
              <p class="field-error" id="import-file-error">
                {props.errors.file}
              </p>
            ) : null}
          </div>
        </div>
        <ul class="hint">
          {importEntities.map((entity) => (
            <li>
              <strong>{entityLabel(entity)}:</strong> {t(`imports.entityHelp.${entity}` as MessageKey)}
            </li>
          ))}
        </ul>
        <button type="submit" class="button-primary">
          {t('imports.upload')}
        </button>
      </form>
    </section>
  );
}

function RunRows(props: { runs: ImportRun[] }) {
  return (
    <ResultsTable
      empty={t('imports.list.empty')}
      columns={[
        { label: t('imports.list.date') },
        { label: t('imports.list.entity') },
        { label: t('imports.list.file') },
        { label: t('imports.list.status') },
        { label: t('imports.list.rows'), numeric: true },
        { label: t('imports.list.inserted'), numeric: true },
      ]}
      rows={props.runs}
      row={(run) => (
        <tr>
          <td style="white-space: nowrap">{formatDateTime(run.createdAt)}</td>
          <td>{entityLabel(run.entity)}</td>
          <td>
            <a href={`/imports/${run.id}`}>{run.fileName}</a>
          </td>
          <td>
            <span class={`badge${run.status === 'failed' ? ' badge-warn' : ''}`}>{statusLabel(run.status)}</span>
          </td>
          <td class="number">{String(run.totalRows ?? '')}</td>
          <td class="number">{run.status === 'done' ? String(run.inserted) : ''}</td>
        </tr>
      )}
    />
  );
}

export function ImportsPage(props: {
  runs: ImportRun[];
  olderHref: string | null;
  entity: ImportEntity | null;
  errors?: FieldErrors;
  message?: string | null;
}) {
  return (
    <>
      <h1>{t('imports.title')}</h1>
      <p class="lead">{t('imports.lead')}</p>
      <ImportUploadForm entity={props.entity} errors={props.errors} message={props.message} />
      <section aria-label={t('imports.title')}>
        <RunRows runs={props.runs} />
        {props.olderHref ? (
          <nav class="pager" aria-label={t('nav.pagination')}>
            <a class="button" href={props.olderHref}>
              {t('imports.list.older')}
            </a>
          </nav>
        ) : null}
      </section>
    </>
  );
}

export const previewPageSize = 50;

/** Every problem row, errors first, then the rows that already exist; a page of 50 at a time. */
function PreviewTable(props: { runId: string; preview: ImportPreview; page: number }) {
  const lines = [
    ...props.preview.issues.map((issue) => ({ ...issue, skipped: false })),
    ...props.preview.skippedRows.map((skip) => ({
      row: skip.row,
      column: '',
      value: skip.key,
      message: t('imports.preview.skipped'),
      skipped: true,
    })),
  ];
  const pages = Math.max(1, Math.ceil(lines.length / previewPageSize));
  const page = Math.min(Math.max(props.page, 1), pages);
  const shown = lines.slice((page - 1) * previewPageSize, page * previewPageSize);
  const href = (to: number) => `/imports/${props.runId}?page=${to}#preview`;
  return (
    <>
      <ResultsTable
        empty={t('imports.preview.nothing')}
        columns={[
          { label: t('imports.preview.row'), numeric: true },
          { label: t('imports.preview.column') },
          { label: t('imports.preview.message') },
        ]}
        rows={shown}
        row={(line) => (
          <tr class={line.skipped ? 'muted' : 'row-error'}>
            <td class="number">{String(line.row)}</td>
            <td>{line.column}</td>
            <td>
              {line.message}
              {line.value ? (
                <>
                  <br />
                  <span class="hint">
                    {t('imports.preview.value')}: <code>{line.value}</code>
                  </span>
                </>
              ) : null}
            </td>
          </tr>
        )}
      />
      {pages > 1 ? (
        <nav class="pager" aria-label={t('nav.pagination')}>
          {page > 1 ? (
            <a class="button" href={href(page - 1)}>
              {t('imports.preview.previous')}
            </a>
          ) : null}
          <span>{t('imports.preview.pageOf', { page, pages })}</span>
          {page < pages ? (
            <a class="button" href={href(page + 1)}>
              {t('imports.preview.next')}
            </a>
          ) : null}
        </nav>
      ) : null}
    </>
  );
}

export function ImportMappingPage(props: {
  run: ImportRun;
  headers: string[];
  fields: ImportField[];
  mapping: Record<string, string>;
  fieldLabel: (name: string) => string;
  preview: ImportPreview | null;
  page: number;
  errors?: FieldErrors;
  message?: string | null;
}) {
  const { run, preview } = props;
  const options = props.headers.filter((header) => header !== '').map((header) => ({ value: header, label: header }));
  return (
    <>
      <p>
        <a href="/imports">{t('imports.title')}</a>
      </p>
      <h1>{t('imports.newFor', { entity: entityLabel(run.entity) })}</h1>
      <section class="card" aria-labelledby="mapping-title">
        <h2 id="mapping-title">{t('imports.mapping.title', { file: run.fileName })}</h2>
        <p class="hint">{t('imports.mapping.lead')}</p>
        <ErrorSummary errors={props.errors} message={props.message} />
        <form method="post" action={`/imports/${run.id}/preview`} hx-boost="false" novalidate>
          <div class="form-grid">
            {props.fields.map((target) => (
              <SelectField
                name={`map.${target.name}`}
                label={props.fieldLabel(target.name)}
                value={props.mapping[target.name] ?? ''}
                blank={t('imports.mapping.none')}
                options={options}
                errors={props.errors ? prefixed(props.errors) : undefined}
                required={target.required}
              />
            ))}
          </div>
          <button type="submit" class="button-primary">
            {t('imports.mapping.submit')}
          </button>
        </form>
      </section>
      {preview ? (
        <section class="card" id="preview" aria-labelledby="preview-title">
          <h2 id="preview-title">{t('imports.preview.title')}</h2>
          <p data-testid="import-summary">
            {t('imports.preview.summary', {
              total: preview.total,
              ready: preview.ready,
              skipped: preview.skipped,
              errors: preview.errorRows,
            })}
          </p>
          {preview.errorRows > 0 ? (
            <Warning>
              {t('imports.preview.fixFile')}{' '}
              <a href={`/imports/${run.id}/errors.csv`} download>
                {t('imports.errors.download')}
              </a>
            </Warning>
          ) : (
            <Notice>{t('imports.preview.ready')}</Notice>
          )}
          <PreviewTable runId={run.id} preview={preview} page={props.page} />
          {preview.errorRows === 0 ? (
            <form method="post" action={`/imports/${run.id}/run`} hx-boost="false">
              <button type="submit" class="button-primary">
                {t('imports.run', { count: preview.ready })}
              </button>
            </form>
          ) : (
            <p>
              <a class="button" href={`/imports?entity=${run.entity}`}>
                {t('imports.uploadAgain')}
              </a>
            </p>
          )}
        </section>
      ) : null}
    </>
  );
}

/** `map.<field>` is the form's name of a field's select: its error is keyed the same way. */
function prefixed(errors: FieldErrors): FieldErrors {
  return Object.fromEntries(Object.entries(errors).map(([field, message]) => [`map.${field}`, message]));
}

/** Where the imported rows are seen once the import is done. */
const resultHref: Record<ImportEntity, string> = {
  contacts: '/contacts',
  products: '/products',
  prescriptions: '/prescriptions',
  invoices: '/receivables',
};

/** Progress of a queued or running import; htmx polls it every second until it ends (the link reloads without JS). */
export function ImportProgress(props: { run: ImportRun }) {
  const { run } = props;
  const active = run.status === 'queued' || run.status === 'running';
  const total = run.totalRows ?? 0;
  const done = run.status === 'done' ? total : run.processedRows;
  return (
    <div
      id="import-progress"
      aria-live="polite"
      {...(active ? { 'hx-get': `/imports/${run.id}/progress`, 'hx-trigger': 'every 1s', 'hx-swap': 'outerHTML' } : {})}
    >
      <p>
        <span class={`badge${run.status === 'failed' ? ' badge-warn' : ''}`} data-status={run.status}>
          {statusLabel(run.status)}
        </span>{' '}
        {t('imports.progress', { done, total })}
      </p>
      <progress max={String(Math.max(total, 1))} value={String(done)} style="width: 100%">
        {t('imports.progress', { done, total })}
      </progress>
      {active ? (
        <p>
          <a href={`/imports/${run.id}`}>{t('imports.progress.refresh')}</a>
        </p>
      ) : null}
      {run.status === 'done' ? (
        <>
          <Notice>{t('imports.done', { inserted: run.inserted, skipped: run.skipped })}</Notice>
          <p>
            <a class="button" href={resultHref[run.entity]}>
              {t(`imports.viewResult.${run.entity}` as MessageKey)}
            </a>
          </p>
        </>
      ) : null}
      {run.status === 'failed' ? (
        <Warning>
          {t('imports.failedRun', { error: run.error ?? '' })}{' '}
          {run.errorReportKey ? (
            <a href={`/imports/${run.id}/errors.csv`} download>
              {t('imports.errors.download')}
            </a>
          ) : null}
        </Warning>
      ) : null}
    </div>
  );
}

export function ImportRunPage(props: { run: ImportRun }) {
  return (
    <>
      <p>
        <a href="/imports">{t('imports.title')}</a>
      </p>
      <h1>{t('imports.newFor', { entity: entityLabel(props.run.entity) })}</h1>
      <section class="card">
        <h2>{props.run.fileName}</h2>
        <ImportProgress run={props.run} />
      </section>
    </>
  );
}
