import type { Child } from 'hono/jsx';
import { formatDate, formatDateTime } from '../domain/dates';
import { formatMoney } from '../domain/money';
import type { PrintModel } from '../documents/model';
import type { FieldErrors } from '../errors';
import { t, type MessageKey } from '../i18n/es-DO';
import type { CashClose, CashCloseListRow } from '../queries/cash-closes';
import type { CashCloseForm, CountLine } from '../services/shop/cash-closes';
import { ErrorSummary, Field, Notice, ResultsTable, SelectField, TextAreaField } from './components';
import { methodName } from './payments';

const kindLabel = (kind: string) => t(`cashCloses.kind.${kind}` as MessageKey);

function Difference(props: { value: string | null; symbol: string }) {
  if (props.value === null) return <>—</>;
  const negative = props.value.startsWith('-');
  const zero = /^-?0\.00$/.test(props.value);
  return (
    <span class={zero ? 'cash-even' : negative ? 'cash-short' : 'cash-over'}>
      {!negative && !zero ? '+' : ''}
      {formatMoney(props.value, props.symbol)}
    </span>
  );
}

/** The differences of the count as the server computed them (htmx swaps each one out of band). */
export function CountDifferences(props: { lines: CountLine[]; oob?: boolean }) {
  return (
    <>
      {props.lines.map((line) => (
        <output id={`diff-${line.key}`} for={`field-${line.key}`} hx-swap-oob={props.oob ? 'true' : undefined}>
          <Difference value={line.difference} symbol={line.currencySymbol} />
        </output>
      ))}
    </>
  );
}

/** The count's status line, announced when the differences change. */
export function CountStatus(props: { form: CashCloseForm }) {
  const uneven = props.form.lines.filter((line) => line.difference !== null && !/^-?0\.00$/.test(line.difference));
  return (
    <p id="count-status" class="hint" aria-live="polite">
      {props.form.lines.map((line) =>
        line.difference === null ? null : (
          <span class="count-status-line">
            {methodName(line.method)} ({line.currencyCode}):{' '}
            <Difference value={line.difference} symbol={line.currencySymbol} />{' '}
          </span>
        ),
      )}
      {uneven.length ? <strong> {t('cashCloses.field.noteHint')}</strong> : null}
    </p>
  );
}

export function NewCashClosePage(props: {
  form: CashCloseForm;
  note?: string;
  errors?: FieldErrors;
  message?: string | null;
}) {
  const { form } = props;
  const errors = { ...form.errors, ...props.errors };
  const pending = form.lines.some((line) => line.movements > 0);
  return (
    <>
      <div class="page-head">
        <h1>{t('cashCloses.new.title')}</h1>
        <a href="/cash-closes">{t('cashCloses.title')}</a>
      </div>
      <p class="lead">{t('cashCloses.new.lead', { branch: form.branch.name })}</p>
      <ErrorSummary errors={errors} message={props.message} />
      {pending ? null : <Notice>{t('cashCloses.new.nothing')}</Notice>}
      <form
        method="post"
        action="/cash-closes"
        class="cash-count"
        hx-post="/cash-closes/preview"
        hx-trigger="input delay:400ms"
        hx-target="#count-status"
        hx-swap="outerHTML"
      >
        <input type="hidden" name="through" value={form.through} />
        <input type="hidden" name="branchId" value={form.branch.id} />
        <p class="hint">{t('cashCloses.new.through', { time: formatDateTime(form.through) })}</p>
        <CashLinesTable
          lines={form.lines}
          rowHead={(line) => <input type="hidden" name="lines" value={`${line.method}:${line.currencyCode}`} />}
          columns={[
            {
              label: 'cashCloses.field.expected',
              numeric: true,
              cell: (line) => formatMoney(line.expected, line.currencySymbol),
            },
            {
              label: 'cashCloses.field.counted',
              cell: (line) => (
                <Field
                  name={line.key}
                  label={t('cashCloses.field.countedIn', {
                    method: methodName(line.method),
                    currency: line.currencyCode,
                  })}
                  value={line.counted}
                  inputmode="decimal"
                  errors={errors}
                  required
                  attrs={{ autocomplete: 'off', class: 'count-input' }}
                />
              ),
            },
            {
              label: 'cashCloses.field.difference',
              numeric: true,
              cell: (line) => <CountDifferences lines={[line]} />,
            },
          ]}
        />
        <CountStatus form={form} />
        <TextAreaField
          name="note"
          label={t('cashCloses.field.note')}
          value={props.note ?? ''}
          errors={errors}
          hint={t('cashCloses.field.noteHint')}
        />
        <div class="actions">
          <button type="submit" formaction="/cash-closes/new" class="secondary">
            {t('cashCloses.calculate')}
          </button>
          <button type="submit">{t('cashCloses.close')}</button>
        </div>
      </form>
    </>
  );
}

export interface CashClosesListProps {
  rows: CashCloseListRow[];
  nextHref: string | null;
  firstHref: string | null;
}

export function CashCloseResults(props: CashClosesListProps) {
  return (
    <ResultsTable
      id="cash-close-results"
      empty={t('cashCloses.empty')}
      columns={[
        { label: t('cashCloses.field.number') },
        { label: t('cashCloses.field.businessDate') },
        { label: t('cashCloses.field.kind') },
        { label: t('cashCloses.field.branch') },
        { label: t('cashCloses.field.cashier') },
        { label: t('cashCloses.field.expected'), numeric: true },
        { label: t('cashCloses.field.counted'), numeric: true },
        { label: t('cashCloses.field.difference'), numeric: true },
      ]}
      rows={props.rows}
      row={(row) => (
        <tr>
          <td style="white-space: nowrap">
            <a href={`/cash-closes/${row.id}`}>{row.number}</a>
          </td>
          <td>{formatDate(row.businessDate)}</td>
          <td>{kindLabel(row.kind)}</td>
          <td>{row.branchName}</td>
          <td>{row.cashierName ?? '—'}</td>
          {(['expected', 'counted', 'difference'] as const).map((field) => (
            <td class="number">
              {row.totals.map((total) => (
                <div>
                  {field === 'difference' ? (
                    <Difference value={total.difference} symbol={total.currencySymbol} />
                  ) : (
                    formatMoney(total[field], total.currencySymbol)
                  )}
                </div>
              ))}
            </td>
          ))}
        </tr>
      )}
      pager={{
        nextHref: props.nextHref,
        firstHref: props.firstHref,
        nextLabel: t('cashCloses.older'),
        firstLabel: t('cashCloses.newest'),
      }}
    />
  );
}

export function CashClosesPage(
  props: CashClosesListProps & {
    filter: { branchId?: string; cashierId?: string; from?: string; to?: string };
    branches: Array<{ id: string; name: string }>;
    cashiers: Array<{ id: string; name: string }>;
    branchClose: { branchId: string | null; today: string; errors?: FieldErrors; message?: string | null } | null;
  },
) {
  return (
    <>
      <div class="page-head">
        <h1>{t('cashCloses.title')}</h1>
        <a class="button" href="/cash-closes/new">
          {t('cashCloses.new')}
        </a>
      </div>
      <p class="lead">{t('cashCloses.lead')}</p>
      <form class="toolbar" method="get" action="/cash-closes" role="search">
        <SelectField
          name="branchId"
          label={t('cashCloses.field.branch')}
          value={props.filter.branchId ?? ''}
          blank={t('cashCloses.all')}
          options={props.branches.map((branch) => ({ value: branch.id, label: branch.name }))}
        />
        {props.cashiers.length ? (
          <SelectField
            name="cashierId"
            label={t('cashCloses.field.cashier')}
            value={props.filter.cashierId ?? ''}
            blank={t('cashCloses.all')}
            options={props.cashiers.map((cashier) => ({ value: cashier.id, label: cashier.name }))}
          />
        ) : null}
        <Field name="from" type="date" label={t('cashCloses.field.from')} value={props.filter.from ?? ''} />
        <Field name="to" type="date" label={t('cashCloses.field.to')} value={props.filter.to ?? ''} />
        <button type="submit">{t('cashCloses.filter')}</button>
      </form>
      <CashCloseResults {...props} />
      {props.branchClose ? (
        <section class="card cash-branch-close" aria-labelledby="branch-close-title">
          <h2 id="branch-close-title">{t('cashCloses.closeBranch')}</h2>
          <p class="hint">{t('cashCloses.closeBranch.lead')}</p>
          <ErrorSummary errors={props.branchClose.errors} message={props.branchClose.message} />
          <form method="post" action="/cash-closes/branch">
            <SelectField
              name="branchId"
              label={t('cashCloses.field.branch')}
              value={props.branchClose.branchId ?? ''}
              options={props.branches.map((branch) => ({ value: branch.id, label: branch.name }))}
              errors={props.branchClose.errors}
            />
            <Field
              name="businessDate"
              type="date"
              label={t('cashCloses.field.businessDate')}
              value={props.branchClose.today}
              errors={props.branchClose.errors}
            />
            <TextAreaField name="note" label={t('cashCloses.field.note')} errors={props.branchClose.errors} rows={2} />
            <button type="submit">{t('cashCloses.closeBranch')}</button>
          </form>
        </section>
      ) : null}
    </>
  );
}

/** A column of a lines table after the method: its heading (also each cell's label on a phone) and its cell. */
interface LineColumn<L> {
  label: MessageKey;
  numeric?: boolean;
  cell: (line: L) => Child;
}

/** One row per method and currency: the count form's lines and a close's alike. */
function CashLinesTable<L extends { method: string; currencyCode: string }>(props: {
  lines: L[];
  columns: Array<LineColumn<L>>;
  rowHead?: (line: L) => Child;
}) {
  return (
    <div class="cash-scroll" role="region" aria-label={t('cashCloses.field.totals')} tabindex={0}>
      <table class="cash-lines">
        <thead>
          <tr>
            <th scope="col">{t('cashCloses.field.method')}</th>
            {props.columns.map((column) => (
              <th scope="col" class={column.numeric ? 'number' : undefined}>
                {t(column.label)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {props.lines.map((line) => (
            <tr>
              <th scope="row">
                {methodName(line.method)} <span class="muted">({line.currencyCode})</span>
                {props.rowHead?.(line)}
              </th>
              {props.columns.map((column) => (
                <td class={column.numeric ? 'number' : undefined} data-label={t(column.label)}>
                  {column.cell(line)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

type CloseLine = CashClose['lines'][number];

/** The figures of a closed close. */
const closeColumns: Array<LineColumn<CloseLine>> = [
  { label: 'cashCloses.field.movements', numeric: true, cell: (line) => line.movements },
  {
    label: 'cashCloses.field.expected',
    numeric: true,
    cell: (line) => formatMoney(line.expected, line.currencySymbol),
  },
  { label: 'cashCloses.field.counted', numeric: true, cell: (line) => formatMoney(line.counted, line.currencySymbol) },
  {
    label: 'cashCloses.field.difference',
    numeric: true,
    cell: (line) => <Difference value={line.difference} symbol={line.currencySymbol} />,
  },
];

/** What the close page lists about a close, in order; the absent ones left out. */
function closeDetails(close: CashClose): Array<[MessageKey, Child]> {
  const details: Array<[MessageKey, Child] | null> = [
    ['cashCloses.field.kind', kindLabel(close.kind)],
    ['cashCloses.field.branch', close.branchName],
    close.cashierName ? ['cashCloses.field.cashier', close.cashierName] : null,
    ['cashCloses.field.businessDate', formatDate(close.businessDate)],
    ['cashCloses.field.closedAt', formatDateTime(close.closedAt)],
    ['cashCloses.field.closedBy', close.closedByName],
    close.note ? ['cashCloses.field.note', close.note] : null,
    close.branchClose
      ? [
          'cashCloses.kind.branch',
          <a href={`/cash-closes/${close.branchClose.id}`}>
            {t('cashCloses.detail.branchClose', { number: close.branchClose.number })}
          </a>,
        ]
      : null,
  ];
  return details.filter((detail) => detail !== null);
}

export function CashClosePage(props: { close: CashClose; notice: boolean }) {
  const { close } = props;
  return (
    <>
      <div class="page-head">
        <h1>{t('cashCloses.detail.title', { number: close.number })}</h1>
        <div class="actions">
          <a class="button" href={`/cash-closes/${close.id}/print?format=a4`} hx-boost="false">
            {t('cashCloses.print.a4')}
          </a>
          <a class="button secondary" href={`/cash-closes/${close.id}/print?format=80mm`} hx-boost="false">
            {t('cashCloses.print.80mm')}
          </a>
        </div>
      </div>
      {props.notice ? <Notice>{t('cashCloses.detail.closed')}</Notice> : null}
      <dl class="cash-details card">
        {closeDetails(close).map(([label, value]) => (
          <div>
            <dt>{t(label)}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      <CashLinesTable lines={close.lines} columns={closeColumns} />
      {close.members.length ? (
        <section aria-labelledby="members-title">
          <h2 id="members-title">{t('cashCloses.detail.members')}</h2>
          <ul>
            {close.members.map((member) => (
              <li>
                <a href={`/cash-closes/${member.id}`}>{member.number}</a> · {member.cashierName ?? '—'}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </>
  );
}

/** A close as the print shell prints it (A4 or 80 mm). */
export function cashClosePrintModel(close: CashClose): PrintModel {
  const totals: PrintModel['totals'] = [];
  for (const line of close.lines) {
    const name = t('cashCloses.print.line', { method: methodName(line.method), currency: line.currencyCode });
    for (const field of ['expected', 'counted', 'difference'] as const) {
      totals.push({
        label: `${name} · ${t(`cashCloses.field.${field}`)}`,
        value: formatMoney(line[field], line.currencySymbol),
        ...(field === 'difference' ? { strong: true } : {}),
      });
    }
  }
  const meta: PrintModel['meta'] = [
    { label: t('cashCloses.field.number'), value: close.number },
    { label: t('cashCloses.field.kind'), value: kindLabel(close.kind) },
    { label: t('cashCloses.field.businessDate'), value: formatDate(close.businessDate) },
    { label: t('cashCloses.field.closedAt'), value: formatDateTime(close.closedAt) },
  ];
  const party: PrintModel['party'] = [{ label: t('cashCloses.field.branch'), value: close.branchName }];
  if (close.cashierName) party.push({ label: t('cashCloses.field.cashier'), value: close.cashierName });
  party.push({ label: t('cashCloses.field.closedBy'), value: close.closedByName });
  const notes = [
    ...(close.note ? [`${t('cashCloses.field.note')}: ${close.note}`] : []),
    ...close.members.map((member) => `${member.number} · ${member.cashierName ?? ''}`),
    t('cashCloses.print.signature'),
  ];
  return {
    title: t('cashCloses.print.title'),
    company: close.company,
    mark: null,
    meta,
    party,
    lines: null,
    totals,
    notes,
    footer: null,
    stamp: null,
  };
}
