import type { Child } from 'hono/jsx';
import type { BranchRef } from '../auth/session';
import { formatDate } from '../domain/dates';
import { formatMoney } from '../domain/money';
import { paymentForms } from '../domain/ncf';
import type { FieldErrors } from '../errors';
import { t, type MessageKey } from '../i18n/es-DO';
import type {
  CreditSource,
  CurrencyAgeing,
  OpenInvoice,
  ReceivablesAgeing,
  ReceivablesRow,
  Refund,
  StatementCurrency,
  StatementMovement,
} from '../queries/receivables';
import { ErrorSummary, Field, LiveSearchForm, Notice, ResultsTable, SelectField } from './components';

/** How an amount of `currency` prints: RD$ for pesos, the code for the rest (US$ 1.00 would need the currencies table). */
export const currencyMoney = (value: string, currency: string) =>
  formatMoney(value, currency === 'DOP' ? 'RD$' : currency);

const rd = (value: string) => formatMoney(value);

export interface ReceivablesFilterValues {
  q: string;
  branchId: string;
  sort: 'total' | 'oldest';
}

export interface ReceivablesListProps {
  rows: ReceivablesRow[];
  filter: ReceivablesFilterValues;
  page: number;
  nextHref: string | null;
  firstHref: string | null;
}

/** The ageing buckets, in the order the list's columns, its totals and a statement show them. */
const ageingKeys = ['current', 'days31to60', 'days61to90', 'over90', 'total'] as const;
type AgeingAmounts = Record<(typeof ageingKeys)[number], string>;

/** One bucket's amount; the total in bold. */
function ageingAmount(ageing: AgeingAmounts, key: (typeof ageingKeys)[number], money: (value: string) => string) {
  return key === 'total' ? <strong>{money(ageing.total)}</strong> : money(ageing[key]);
}

export function ReceivablesResults(props: ReceivablesListProps) {
  return (
    <ResultsTable
      id="receivables-results"
      empty={t('receivables.empty')}
      caption={t('receivables.title')}
      columns={[
        { label: t('receivables.customer') },
        ...ageingKeys.map((key) => ({ label: t(`receivables.${key}`), numeric: true })),
        { label: t('receivables.credit'), numeric: true },
        { label: t('receivables.oldest') },
      ]}
      rows={props.rows}
      row={(row) => (
        <tr>
          <th scope="row">
            {row.customerId ? (
              <a href={`/contacts/${row.customerId}/statement`}>{row.name}</a>
            ) : (
              t('receivables.noCustomer')
            )}
          </th>
          {ageingKeys.map((key) => (
            <td class="number">{ageingAmount(row, key, rd)}</td>
          ))}
          <td class="number">{row.credit === '0.00' ? '—' : rd(`-${row.credit}`)}</td>
          <td>{formatDate(row.oldest)}</td>
        </tr>
      )}
      pager={{
        nextHref: props.nextHref,
        firstHref: props.firstHref,
        nextLabel: t('receivables.more'),
        firstLabel: t('payments.first'),
      }}
    />
  );
}

function AgeingFigures(props: { ageing: AgeingAmounts; money: (value: string) => string }) {
  return (
    <dl class="payments-figures receivables-ageing">
      {ageingKeys.map((key) => (
        <div>
          <dt>{t(`receivables.${key}`)}</dt>
          <dd>{ageingAmount(props.ageing, key, props.money)}</dd>
        </div>
      ))}
    </dl>
  );
}

export function ReceivablesPage(
  props: ReceivablesListProps & {
    ageing: ReceivablesAgeing;
    asOf: string;
    branches: BranchRef[];
    errors?: FieldErrors;
  },
) {
  return (
    <>
      <div class="page-head">
        <h1>{t('receivables.title')}</h1>
      </div>
      <p class="lead">{t('receivables.lead', { date: formatDate(props.asOf) })}</p>
      <p>{t('receivables.dopNote')}</p>
      <ErrorSummary errors={props.errors} />
      <LiveSearchForm action="/receivables" target="#receivables-results" filters={['branchId', 'sort']}>
        <Field
          name="q"
          type="search"
          label={t('receivables.search')}
          value={props.filter.q}
          inputmode="search"
          attrs={{ autocomplete: 'off' }}
        />
        {props.branches.length > 1 ? (
          <SelectField
            name="branchId"
            label={t('receivables.branch')}
            value={props.filter.branchId}
            blank={t('receivables.branch.all')}
            options={props.branches.map((branch) => ({ value: branch.id, label: branch.name }))}
            errors={props.errors}
          />
        ) : null}
        <SelectField
          name="sort"
          label={t('receivables.sort')}
          value={props.filter.sort}
          options={[
            { value: 'total', label: t('receivables.sort.total') },
            { value: 'oldest', label: t('receivables.sort.oldest') },
          ]}
        />
        <button type="submit">{t('receivables.show')}</button>
      </LiveSearchForm>
      <section aria-labelledby="receivables-totals">
        <h2 id="receivables-totals">{t('receivables.totals')}</h2>
        <AgeingFigures ageing={props.ageing} money={rd} />
        <p>{t('receivables.totalsNote', { customers: props.ageing.customers })}</p>
      </section>
      <ReceivablesResults {...props} />
    </>
  );
}

const kindLabel = (kind: StatementMovement['kind']) => t(`statement.kind.${kind}` as MessageKey);

/** What a statement line says beside its document: the invoice a payment pays, an application's target. */
function lineDetail(line: StatementMovement): string {
  if (!line.detail) return kindLabel(line.kind);
  return `${kindLabel(line.kind)} · ${line.detail}`;
}

export interface StatementData {
  from: string;
  to: string;
  asOf: string;
  currencies: StatementCurrency[];
  lines: StatementMovement[];
  truncated: boolean;
  ageing: CurrencyAgeing[];
  credit: CreditSource[];
}

/** A statement's opening or closing balance line. */
function BalanceRow(props: { kind: 'opening' | 'closing'; on: string; amount: Child }) {
  return (
    <tr class={`statement-${props.kind}`}>
      <td>{formatDate(props.on)}</td>
      <td />
      <th scope="row">{t(`statement.${props.kind}`)}</th>
      <td class="number num" />
      <td class="number num" />
      <td class="number num">{props.amount}</td>
    </tr>
  );
}

/** The statement itself, one section per currency: shared by the page and the print view. */
export function StatementBody(props: { statement: StatementData; limit: number }) {
  const { statement } = props;
  if (statement.currencies.length === 0) return <p class="empty card">{t('statement.none')}</p>;
  return (
    <>
      {statement.truncated ? <Notice>{t('statement.truncated', { limit: props.limit })}</Notice> : null}
      {statement.currencies.length > 1 ? <p>{t('statement.perCurrency')}</p> : null}
      {statement.currencies.map((currency) => {
        const money = (value: string) => currencyMoney(value, currency.currencyCode);
        const lines = statement.lines.filter((line) => line.currencyCode === currency.currencyCode);
        const ageing = statement.ageing.find((row) => row.currencyCode === currency.currencyCode);
        return (
          <section class="statement-currency" aria-label={t('statement.currency', { currency: currency.currencyCode })}>
            {statement.currencies.length > 1 ? (
              <h2>{t('statement.currency', { currency: currency.currencyCode })}</h2>
            ) : null}
            <table class="doc-lines statement-lines">
              <thead>
                <tr>
                  <th scope="col">{t('statement.date')}</th>
                  <th scope="col">{t('statement.document')}</th>
                  <th scope="col">{t('statement.description')}</th>
                  <th scope="col" class="number num">
                    {t('statement.charge')}
                  </th>
                  <th scope="col" class="number num">
                    {t('statement.creditColumn')}
                  </th>
                  <th scope="col" class="number num">
                    {t('statement.balance')}
                  </th>
                </tr>
              </thead>
              <tbody>
                <BalanceRow kind="opening" on={statement.from} amount={money(currency.opening)} />
                {lines.map((line) => (
                  <tr>
                    <td>{formatDate(line.on)}</td>
                    <td>{line.document ?? '—'}</td>
                    <td>{lineDetail(line)}</td>
                    <td class="number num">{line.charge === '0.00' ? '' : money(line.charge)}</td>
                    <td class="number num">{line.credit === '0.00' ? '' : money(line.credit)}</td>
                    <td class="number num">{money(line.balance)}</td>
                  </tr>
                ))}
                <BalanceRow kind="closing" on={statement.to} amount={<strong>{money(currency.closing)}</strong>} />
              </tbody>
            </table>
            {ageing ? (
              <>
                <h3>{`${t('statement.ageing')} (${formatDate(statement.asOf)})`}</h3>
                <AgeingFigures ageing={ageing} money={money} />
              </>
            ) : null}
          </section>
        );
      })}
      {statement.credit.length ? (
        <section aria-labelledby="statement-credit">
          <h2 id="statement-credit">{t('statement.credit')}</h2>
          <ul>
            {statement.credit.map((source) => (
              <li>{`${source.ncf ?? '—'}: ${currencyMoney(source.available, source.currencyCode)}`}</li>
            ))}
          </ul>
        </section>
      ) : null}
    </>
  );
}

export function StatementPage(props: {
  contact: { id: string; name: string };
  statement: StatementData;
  limit: number;
  errors?: FieldErrors;
  canManage: boolean;
}) {
  const { contact, statement } = props;
  const query = `from=${statement.from}&to=${statement.to}`;
  return (
    <>
      <div class="page-head">
        <h1>{t('statement.heading', { name: contact.name })}</h1>
      </div>
      <p class="lead">{t('statement.period', { from: formatDate(statement.from), to: formatDate(statement.to) })}</p>
      <ErrorSummary errors={props.errors} />
      <form class="toolbar" method="get" action={`/contacts/${contact.id}/statement`}>
        <Field name="from" type="date" label={t('statement.from')} value={statement.from} errors={props.errors} />
        <Field name="to" type="date" label={t('statement.to')} value={statement.to} errors={props.errors} />
        <button type="submit">{t('statement.show')}</button>
      </form>
      <p class="actions">
        <a class="button" href={`/contacts/${contact.id}/statement/print?${query}`} hx-boost="false">
          {t('statement.print')}
        </a>
        <a class="button" href={`/contacts/${contact.id}/statement.pdf?${query}`} hx-boost="false">
          {t('statement.pdf')}
        </a>
        <a class="button" href={`/contacts/${contact.id}/credit`}>
          {t('credit.title')}
        </a>
      </p>
      <StatementBody statement={statement} limit={props.limit} />
    </>
  );
}

export interface RefundFormValues {
  invoiceId?: string;
  branchId?: string;
  method?: string;
  amount?: string;
  refundedOn?: string;
  reference?: string;
}

export interface ApplyFormValues {
  sourceInvoiceId?: string;
  targetInvoiceId?: string;
  amount?: string;
  appliedOn?: string;
}

const methodOptions = Object.entries(paymentForms)
  .filter(([value]) => value !== '4' && value !== '7')
  .map(([value, label]) => ({ value, label: `${value} · ${label}` }));

export function CreditPage(props: {
  contact: { id: string; name: string };
  sources: CreditSource[];
  targets: OpenInvoice[];
  refunds: Refund[];
  branches: BranchRef[];
  defaultBranchId: string | null;
  today: string;
  canManage: boolean;
  canVoid: boolean;
  notice?: string | null;
  refund?: { values: RefundFormValues; errors?: FieldErrors; message?: string | null };
  apply?: { values: ApplyFormValues; errors?: FieldErrors; message?: string | null };
}) {
  const { contact, sources } = props;
  const sourceOptions = sources.map((source) => ({
    value: source.invoiceId,
    label: `${source.ncf ?? '—'} · ${currencyMoney(source.available, source.currencyCode)}`,
  }));
  const refund = props.refund?.values ?? {
    invoiceId: sources[0]?.invoiceId,
    branchId: props.defaultBranchId ?? undefined,
    method: '1',
    refundedOn: props.today,
  };
  const apply = props.apply?.values ?? { sourceInvoiceId: sources[0]?.invoiceId, appliedOn: props.today };
  return (
    <>
      <div class="page-head">
        <h1>{`${t('credit.title')}: ${contact.name}`}</h1>
      </div>
      <p class="lead">{t('credit.lead')}</p>
      <p>
        <a href={`/contacts/${contact.id}/statement`}>{t('receivables.statement')}</a>
      </p>
      {props.notice ? <Notice>{props.notice}</Notice> : null}
      {sources.length === 0 ? (
        <p class="empty card">{t('credit.none')}</p>
      ) : (
        <ResultsTable
          empty={t('credit.none')}
          columns={[{ label: t('credit.source') }, { label: t('credit.available'), numeric: true }]}
          rows={sources}
          row={(source) => (
            <tr>
              <td>
                <a href={`/invoices/${source.invoiceId}`}>{source.ncf ?? '—'}</a>
              </td>
              <td class="number">{currencyMoney(source.available, source.currencyCode)}</td>
            </tr>
          )}
        />
      )}
      {props.canManage && sources.length ? (
        <div class="credit-forms">
          <section aria-labelledby="credit-refund">
            <h2 id="credit-refund">{t('credit.refund')}</h2>
            <form method="post" action={`/contacts/${contact.id}/credit/refunds`} class="card">
              <ErrorSummary errors={props.refund?.errors} message={props.refund?.message} />
              <SelectField
                name="invoiceId"
                label={t('credit.source')}
                value={refund.invoiceId}
                options={sourceOptions}
                errors={props.refund?.errors}
                required
              />
              <Field
                name="amount"
                label={t('credit.amount')}
                value={refund.amount}
                inputmode="decimal"
                errors={props.refund?.errors}
                required
              />
              <SelectField
                name="method"
                label={t('credit.method')}
                value={refund.method}
                options={methodOptions}
                errors={props.refund?.errors}
              />
              <SelectField
                name="branchId"
                label={t('receivables.branch')}
                value={refund.branchId}
                options={props.branches.map((branch) => ({ value: branch.id, label: branch.name }))}
                errors={props.refund?.errors}
              />
              <Field
                name="refundedOn"
                type="date"
                label={t('credit.date')}
                value={refund.refundedOn}
                errors={props.refund?.errors}
              />
              <Field
                name="reference"
                label={t('credit.reference')}
                value={refund.reference}
                errors={props.refund?.errors}
              />
              <button type="submit">{t('credit.refund')}</button>
            </form>
          </section>
          <section aria-labelledby="credit-apply">
            <h2 id="credit-apply">{t('credit.apply')}</h2>
            {props.targets.length === 0 ? (
              <p class="empty card">{t('credit.noTargets')}</p>
            ) : (
              <form method="post" action={`/contacts/${contact.id}/credit/applications`} class="card">
                <ErrorSummary errors={props.apply?.errors} message={props.apply?.message} />
                <SelectField
                  name="sourceInvoiceId"
                  label={t('credit.source')}
                  value={apply.sourceInvoiceId}
                  options={sourceOptions}
                  errors={props.apply?.errors}
                  required
                />
                <SelectField
                  name="targetInvoiceId"
                  label={t('credit.target')}
                  value={apply.targetInvoiceId}
                  options={props.targets.map((target) => ({
                    value: target.invoiceId,
                    label: `${target.ncf ?? '—'} · ${currencyMoney(target.balance, target.currencyCode)}`,
                  }))}
                  errors={props.apply?.errors}
                  required
                />
                <Field
                  name="amount"
                  label={t('credit.amount')}
                  value={apply.amount}
                  inputmode="decimal"
                  errors={props.apply?.errors}
                  required
                />
                <Field
                  name="appliedOn"
                  type="date"
                  label={t('credit.date')}
                  value={apply.appliedOn}
                  errors={props.apply?.errors}
                />
                <button type="submit">{t('credit.apply')}</button>
              </form>
            )}
          </section>
        </div>
      ) : null}
      {props.refunds.length ? (
        <section aria-labelledby="credit-refunds">
          <h2 id="credit-refunds">{t('credit.refunds')}</h2>
          <ResultsTable
            empty=""
            columns={[
              { label: t('credit.date') },
              { label: t('credit.method') },
              { label: t('credit.amount'), numeric: true },
              { label: t('payments.field.status') },
              { label: '' },
            ]}
            rows={props.refunds}
            row={(row) => (
              <tr>
                <td>{formatDate(row.refundedOn)}</td>
                <td>{paymentForms[row.method as keyof typeof paymentForms] ?? row.method}</td>
                <td class="number">
                  {row.status === 'voided' ? (
                    <s>{currencyMoney(row.amount, row.currencyCode)}</s>
                  ) : (
                    currencyMoney(row.amount, row.currencyCode)
                  )}
                </td>
                <td>{t(`credit.status.${row.status}` as MessageKey)}</td>
                <td>
                  {props.canVoid && row.status === 'active' && !row.cashCloseId ? (
                    <form method="post" action={`/refunds/${row.id}/void`} class="inline-form">
                      <input type="hidden" name="reason" value={t('credit.voidRefund')} />
                      <button type="submit" class="button-secondary">
                        {t('credit.voidRefund')}
                      </button>
                    </form>
                  ) : null}
                </td>
              </tr>
            )}
          />
        </section>
      ) : null}
    </>
  );
}
