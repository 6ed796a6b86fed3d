import { formatDate } from '../domain/dates';
import { formatMoney } from '../domain/money';
import { paymentForms } from '../domain/ncf';
import { t, type MessageKey } from '../i18n/es-DO';
import type { PayableInvoice, Payment, PaymentListRow } from '../queries/payments';
import type { BranchRef } from '../auth/session';
import {
  BranchFilter,
  ErrorSummary,
  Field,
  LiveSearchForm,
  Notice,
  ResultsTable,
  SelectField,
  TextAreaField,
} from './components';
import type { FieldErrors } from '../errors';
import { statusLabel as invoiceStatusLabel } from './invoices';
import { FixLink } from './pages';
import type { ErrorLink } from '../errors';
import { ShareButton } from './share-links';

export const methodName = (method: string) => paymentForms[method as keyof typeof paymentForms] ?? method;
const paymentStatusLabel = (status: string) => t(`payments.status.${status}` as MessageKey);
const methodOptions = Object.entries(paymentForms).map(([value, label]) => ({ value, label: `${value} · ${label}` }));

export interface PaymentFormValues {
  receivedOn?: string;
  method?: string;
  amount?: string;
  reference?: string;
  notes?: string;
}

export interface PaymentsListProps {
  rows: PaymentListRow[];
  nextHref: string | null;
  firstHref: string | null;
}

export function PaymentResults(props: PaymentsListProps) {
  return (
    <ResultsTable
      id="payment-results"
      empty={t('payments.empty')}
      columns={[
        { label: t('payments.field.number') },
        { label: t('payments.field.receivedOn') },
        { label: t('payments.field.invoice') },
        { label: t('payments.field.customer') },
        { label: t('payments.field.method') },
        { label: t('payments.field.amount'), numeric: true },
        { label: t('payments.field.status') },
      ]}
      rows={props.rows}
      row={(row) => (
        <tr>
          <td style="white-space: nowrap">
            <a href={`/payments/${row.id}`}>{row.number}</a>
          </td>
          <td>{formatDate(row.receivedOn)}</td>
          <td>
            <a href={`/invoices/${row.invoiceId}`}>{row.invoiceNcf ?? '—'}</a>
          </td>
          <td>{row.customerName ?? '—'}</td>
          <td>{methodName(row.method)}</td>
          <td class="number">
            {row.status === 'voided' ? (
              <s>{formatMoney(row.amount, row.currencySymbol)}</s>
            ) : (
              formatMoney(row.amount, row.currencySymbol)
            )}
          </td>
          <td>
            {row.status === 'voided' ? (
              <span class="badge badge-warn">{paymentStatusLabel(row.status)}</span>
            ) : (
              <span class="badge">{paymentStatusLabel(row.status)}</span>
            )}
          </td>
        </tr>
      )}
      pager={{
        nextHref: props.nextHref,
        firstHref: props.firstHref,
        nextLabel: t('payments.next'),
        firstLabel: t('payments.first'),
      }}
    />
  );
}

export function PaymentsPage(
  props: PaymentsListProps & {
    q?: string;
    period?: { from?: string; to?: string; method?: string };
    branches?: BranchRef[];
    branch?: string;
  },
) {
  const period = props.period ?? {};
  const filtered = Boolean(period.from || period.to || period.method);
  return (
    <>
      <div class="page-head">
        <h1>{t('payments.title')}</h1>
      </div>
      <p class="lead">{t('payments.lead')}</p>
      {filtered ? (
        <p class="lead" data-filter="period">
          {t('payments.filter.period', {
            from: formatDate(period.from),
            to: formatDate(period.to),
            method: period.method ? methodName(period.method) : t('payments.filter.anyMethod'),
          })}{' '}
          <a href="/payments">{t('payments.filter.clear')}</a>
        </p>
      ) : null}
      <LiveSearchForm action="/payments" target="#payment-results" filters={['branch']}>
        {filtered
          ? (['from', 'to', 'method'] as const).map((name) =>
              period[name] ? <input type="hidden" name={name} value={period[name]} /> : null,
            )
          : null}
        <Field
          name="q"
          type="search"
          label={t('payments.search')}
          value={props.q ?? ''}
          inputmode="search"
          attrs={{ autocomplete: 'off' }}
        />
        <BranchFilter branches={props.branches ?? []} value={props.branch} />
        <button type="submit">{t('payments.filter')}</button>
      </LiveSearchForm>
      <PaymentResults {...props} />
    </>
  );
}

/** The invoice figures a cashier needs beside the form: NCF, total, paid, credited, balance. */
export function InvoiceFigures(props: { invoice: PayableInvoice }) {
  const { invoice } = props;
  const money = (value: string) => formatMoney(value, invoice.currencySymbol);
  return (
    <dl class="payments-figures">
      <div>
        <dt>{t('payments.field.invoice')}</dt>
        <dd>
          <a href={`/invoices/${invoice.id}`}>{invoice.ncf ?? '—'}</a>
        </dd>
      </div>
      <div>
        <dt>{t('payments.field.customer')}</dt>
        <dd>{invoice.buyerName ?? '—'}</dd>
      </div>
      <div>
        <dt>{t('payments.invoice.status')}</dt>
        <dd>{invoiceStatusLabel(invoice.status)}</dd>
      </div>
      <div>
        <dt>{t('payments.invoice.total')}</dt>
        <dd>{money(invoice.total)}</dd>
      </div>
      <div>
        <dt>{t('payments.invoice.paid')}</dt>
        <dd>{money(invoice.paidTotal)}</dd>
      </div>
      <div>
        <dt>{t('payments.invoice.credited')}</dt>
        <dd>{money(invoice.creditedTotal)}</dd>
      </div>
      <div>
        <dt>{t('payments.invoice.balance')}</dt>
        <dd>
          <strong>{money(invoice.balance)}</strong>
        </dd>
      </div>
    </dl>
  );
}

function PaymentFields(props: {
  values: PaymentFormValues;
  errors?: FieldErrors;
  currencyCode: string;
  today: string;
}) {
  const { values, errors } = props;
  return (
    <div class="form-grid">
      <Field
        name="amount"
        label={t('payments.field.amount')}
        value={values.amount}
        errors={errors}
        required
        inputmode="decimal"
        hint={t('payments.hint.amount', { currency: props.currencyCode })}
        attrs={{ autocomplete: 'off' }}
      />
      <SelectField
        name="method"
        label={t('payments.field.method')}
        value={values.method ?? '1'}
        errors={errors}
        required
        options={methodOptions}
      />
      <Field
        name="receivedOn"
        type="date"
        label={t('payments.field.receivedOn')}
        value={values.receivedOn}
        errors={errors}
        required
        hint={t('payments.hint.receivedOn')}
        attrs={{ max: props.today }}
      />
      <Field
        name="reference"
        label={t('payments.field.reference')}
        value={values.reference}
        errors={errors}
        hint={t('payments.hint.reference')}
        attrs={{ maxlength: '100', autocomplete: 'off' }}
      />
      <TextAreaField name="notes" label={t('payments.field.notes')} value={values.notes} errors={errors} rows={2} />
    </div>
  );
}

export function NewPaymentPage(props: {
  invoice: PayableInvoice;
  values: PaymentFormValues;
  errors?: FieldErrors;
  message?: string | null;
  fix?: ErrorLink | null;
  today: string;
}) {
  const { invoice } = props;
  return (
    <section class="card" aria-labelledby="payment-title">
      <h1 id="payment-title">{t('payments.new.title')}</h1>
      <p class="lead">{t('payments.new.lead', { ncf: invoice.ncf ?? '—' })}</p>
      <InvoiceFigures invoice={invoice} />
      <ErrorSummary errors={props.errors} message={props.message} />
      <FixLink fix={props.fix} />
      <form method="post" action={`/invoices/${invoice.id}/payments`} hx-boost="false" novalidate>
        <PaymentFields
          values={props.values}
          errors={props.errors}
          currencyCode={invoice.currencyCode}
          today={props.today}
        />
        <div class="actions">
          <button type="submit" class="button-primary">
            {t('payments.new.submit')}
          </button>
          <a href={`/invoices/${invoice.id}`} class="button">
            {t('payments.back.invoice')}
          </a>
        </div>
      </form>
    </section>
  );
}

export type PaymentNotice = 'created' | 'saved' | 'voided';

export function PaymentPage(props: {
  payment: Payment;
  notice: PaymentNotice | null;
  canEdit: boolean;
  canVoid: boolean;
  today: string;
  values?: PaymentFormValues;
  errors?: FieldErrors;
  message?: string | null;
  voidErrors?: FieldErrors;
  voidMessage?: string | null;
  voidReason?: string;
}) {
  const { payment } = props;
  const invoice = payment.invoice;
  const editable = payment.status === 'active' && invoice.status !== 'voided';
  const values: PaymentFormValues = props.values ?? {
    receivedOn: payment.receivedOn,
    method: payment.method,
    amount: payment.amount,
    reference: payment.reference ?? '',
    notes: payment.notes ?? '',
  };
  return (
    <>
      <div class="page-head">
        <h1>{t('payments.detail.title', { number: payment.number })}</h1>
        <div class="actions">
          <a class="button" href={`/payments/${payment.id}/print?format=80mm`} hx-boost="false">
            {t('payments.print.80mm')}
          </a>
          <a class="button" href={`/payments/${payment.id}/print?format=a4`} hx-boost="false">
            {t('payments.print.a4')}
          </a>
          {payment.status === 'active' ? <ShareButton kind="payment" id={payment.id} /> : null}
        </div>
      </div>
      {props.notice ? <Notice>{t(`payments.notice.${props.notice}` as MessageKey)}</Notice> : null}
      {!editable ? <ErrorSummary message={props.message ?? props.voidMessage} /> : null}
      <section class="card" aria-labelledby="receipt-title">
        <h2 id="receipt-title" class="payments-subtitle">
          {payment.number}{' '}
          {payment.status === 'voided' ? (
            <span class="badge badge-warn">{paymentStatusLabel(payment.status)}</span>
          ) : (
            <span class="badge">{paymentStatusLabel(payment.status)}</span>
          )}
        </h2>
        <dl class="payments-figures">
          <div>
            <dt>{t('payments.field.amount')}</dt>
            <dd>
              <strong>{formatMoney(payment.amount, invoice.currencySymbol)}</strong>
            </dd>
          </div>
          <div>
            <dt>{t('payments.field.receivedOn')}</dt>
            <dd>{formatDate(payment.receivedOn)}</dd>
          </div>
          <div>
            <dt>{t('payments.field.method')}</dt>
            <dd>{methodName(payment.method)}</dd>
          </div>
          <div>
            <dt>{t('payments.field.reference')}</dt>
            <dd>{payment.reference ?? '—'}</dd>
          </div>
          <div>
            <dt>{t('payments.field.branch')}</dt>
            <dd>{payment.branchName}</dd>
          </div>
          <div>
            <dt>{t('payments.field.createdBy')}</dt>
            <dd>{payment.createdByName ?? '—'}</dd>
          </div>
          {payment.notes ? (
            <div>
              <dt>{t('payments.field.notes')}</dt>
              <dd>{payment.notes}</dd>
            </div>
          ) : null}
          {payment.status === 'voided' ? (
            <div>
              <dt>{t('payments.field.voidReason')}</dt>
              <dd>{payment.voidReason ?? '—'}</dd>
            </div>
          ) : null}
        </dl>
        <h2 class="payments-subtitle">{t('payments.invoice.status')}</h2>
        <InvoiceFigures invoice={invoice} />
      </section>
      {editable && props.canEdit ? (
        <section class="card payments-section" aria-labelledby="edit-title">
          <h2 id="edit-title">{t('payments.edit.title')}</h2>
          <ErrorSummary errors={props.errors} message={props.message} />
          <form method="post" action={`/payments/${payment.id}`} hx-boost="false" novalidate>
            <PaymentFields
              values={values}
              errors={props.errors}
              currencyCode={invoice.currencyCode}
              today={props.today}
            />
            <div class="actions">
              <button type="submit" class="button-primary">
                {t('payments.edit.submit')}
              </button>
            </div>
          </form>
        </section>
      ) : null}
      {editable && props.canVoid ? (
        <section class="card payments-section" aria-labelledby="void-title">
          <h2 id="void-title">{t('payments.void.title')}</h2>
          <p class="lead">{t('payments.void.lead')}</p>
          <ErrorSummary errors={props.voidErrors} message={props.voidMessage} />
          <form method="post" action={`/payments/${payment.id}/void`} hx-boost="false" novalidate>
            <Field
              name="reason"
              label={t('payments.field.voidReason')}
              value={props.voidReason}
              errors={props.voidErrors}
              required
              attrs={{ maxlength: '300' }}
            />
            <div class="actions">
              <button type="submit" class="button-danger">
                {t('payments.void.submit')}
              </button>
            </div>
          </form>
        </section>
      ) : null}
      <p class="actions">
        <a href={`/invoices/${invoice.id}`}>{t('payments.back.invoice')}</a>
        <a href="/payments">{t('payments.back.list')}</a>
      </p>
    </>
  );
}
