import { EcfStatusPanel } from './ecf';
import type { BranchRef } from '../auth/session';
import { invoiceStatuses } from '../db/tenant-schema';
import { formatDate } from '../domain/dates';
import { compareDecimals, formatMoney } from '../domain/money';
import {
  invoiceNcfTypes,
  isElectronic,
  ncfTypes,
  paymentForms,
  voidReasons,
  type NcfType,
  type PaymentForm,
} from '../domain/ncf';
import { formatIdentification } from '../domain/tax-id';
import { t, type MessageKey } from '../i18n/es-DO';
import type { Invoice, InvoiceFormOptions, InvoiceSummary } from '../queries/invoices';
import {
  BranchFilter,
  SellerFilter,
  LiveSearchForm,
  ErrorSummary,
  Field,
  Notice,
  ResultsTable,
  SelectField,
  TextAreaField,
  Warning,
} from './components';
import type { FieldErrors } from '../errors';
import { CreditNoteStatusBadge } from './credit-notes';
import { LinesTable } from './document-lines';
import { CustomerPicker } from './pickers';
import { PrescriptionOffer, SalesEditor } from './sales-editor';
import type { SalesEditorState } from '../services/shop/sales-editor';

export const statusLabel = (status: string) => t(`invoices.status.${status}` as MessageKey);

const statusBadge: Record<string, string> = {
  draft: 'badge',
  issued: 'badge badge-issued',
  partially_paid: 'badge badge-warn',
  paid: 'badge badge-paid',
  voided: 'badge badge-voided',
};

export function StatusBadge(props: { status: string }) {
  return <span class={statusBadge[props.status] ?? 'badge'}>{statusLabel(props.status)}</span>;
}

export interface InvoiceListProps {
  rows: InvoiceSummary[];
  nextHref: string | null;
  firstHref: string | null;
  /** Why the filter could not be applied (a bad date): shown in place of the results. */
  problem?: string | null;
}

export function InvoiceResults(props: InvoiceListProps) {
  return (
    <ResultsTable
      id="invoice-results"
      empty={props.problem ?? t('invoices.empty')}
      emptyClass={props.problem ? 'alert alert-error' : undefined}
      columns={[
        { label: t('invoices.field.number') },
        { label: t('invoices.field.date') },
        { label: t('invoices.field.customer') },
        { label: t('sellers.field') },
        { label: t('invoices.field.total'), numeric: true },
        { label: t('invoices.field.balance'), numeric: true },
        { label: t('invoices.field.status') },
      ]}
      rows={props.rows}
      row={(row) => (
        <tr>
          <td style="white-space: nowrap">
            <a href={`/invoices/${row.id}`}>{row.ncf ?? `${row.ncfType} · ${t('invoices.noNcf')}`}</a>
          </td>
          <td style="white-space: nowrap">{row.issuedOn ? formatDate(row.issuedOn) : formatDate(row.createdAt)}</td>
          <td>{row.customerName ?? t('invoices.field.noCustomer')}</td>
          <td>{row.sellerName ?? '—'}</td>
          <td class="number">{formatMoney(row.total, row.currencySymbol)}</td>
          <td class="number">
            {row.status === 'draft' || row.status === 'voided' ? '' : formatMoney(row.balance, row.currencySymbol)}
          </td>
          <td>
            <StatusBadge status={row.status} />
          </td>
        </tr>
      )}
      pager={{
        nextHref: props.nextHref,
        firstHref: props.firstHref,
        nextLabel: t('invoices.next'),
        firstLabel: t('invoices.first'),
      }}
    />
  );
}

export function InvoicesPage(
  props: InvoiceListProps & {
    q: string;
    status: string;
    period: { from?: string; to?: string };
    branches: BranchRef[];
    branch: string;
    sellers: Array<{ id: string; name: string }>;
    seller: string;
    errors?: FieldErrors;
    canManage: boolean;
    notice?: string | null;
  },
) {
  return (
    <>
      <div class="page-head">
        <h1>{t('invoices.title')}</h1>
        {props.canManage ? (
          <a href="/invoices/new" class="button button-primary">
            {t('invoices.new')}
          </a>
        ) : null}
      </div>
      {props.notice ? <Notice>{props.notice}</Notice> : null}
      <ErrorSummary errors={props.errors} />
      <LiveSearchForm
        action="/invoices"
        target="#invoice-results"
        filters={['status', 'from', 'to', 'branch', 'seller']}
      >
        <Field
          name="q"
          type="search"
          label={t('invoices.search')}
          value={props.q}
          inputmode="search"
          attrs={{ autocomplete: 'off' }}
        />
        <SelectField
          name="status"
          label={t('invoices.statusFilter')}
          value={props.status}
          blank={t('invoices.allStatuses')}
          options={invoiceStatuses.map((status) => ({ value: status, label: statusLabel(status) }))}
        />
        <Field
          name="from"
          type="date"
          label={t('invoices.issuedFrom')}
          value={props.period.from}
          errors={props.errors}
        />
        <Field name="to" type="date" label={t('invoices.issuedTo')} value={props.period.to} errors={props.errors} />
        <BranchFilter branches={props.branches} value={props.branch} />
        <SellerFilter sellers={props.sellers} value={props.seller} />
        <button type="submit">{t('invoices.filter')}</button>
      </LiveSearchForm>
      <InvoiceResults {...props} />
    </>
  );
}

/** What the draft form shows: the submitted (or stored) header as text plus the line rows. */
export interface InvoiceFormValues {
  customerId?: string | null;
  customerSearch?: string | null;
  productSearch?: string | null;
  branchId?: string | null;
  ncfType?: string | null;
  sequenceId?: string | null;
  currencyCode?: string | null;
  dueOn?: string | null;
  prescriptionId?: string | null;
  notes?: string | null;
  sellerId?: string | null;
}

export function InvoiceForm(props: {
  action: string;
  title: string;
  values: InvoiceFormValues;
  /** The lines part: rows, their prices and totals (the taxes offered come from `options`). */
  editor: Omit<SalesEditorState, 'taxes' | 'symbol'>;
  errors?: FieldErrors;
  message?: string | null;
  options: InvoiceFormOptions;
  branches: BranchRef[];
  cancelHref: string;
}) {
  const { values, errors, options } = props;
  const ncfType = values.ncfType ?? 'B02';
  return (
    <section class="card invoice-form" aria-labelledby="invoice-form-title" id="invoice-form">
      <h1 id="invoice-form-title">{props.title}</h1>
      <ErrorSummary errors={errors} message={props.message} />
      <form method="post" action={props.action} novalidate>
        <div class="form-grid">
          <CustomerPicker
            form="invoices"
            search={values.customerSearch}
            chosenId={values.customerId}
            customers={options.customers}
            label={t('invoices.field.customer')}
            blank={t('invoices.field.noCustomer')}
            errors={errors}
          />
          <SelectField
            name="ncfType"
            label={t('invoices.field.ncfType')}
            value={ncfType}
            errors={errors}
            required
            options={invoiceNcfTypes.map((type) => ({
              value: type,
              label: `${type} · ${ncfTypes[type as NcfType].name}`,
            }))}
          />
          <SelectField
            name="sequenceId"
            label={t('invoices.field.sequence')}
            value={values.sequenceId}
            errors={errors}
            blank={t('invoices.field.sequenceDefault')}
            options={options.sequences.map((sequence) => ({
              value: sequence.id,
              label: `${sequence.docType} · ${sequence.description ?? sequence.prefix}${sequence.branchName ? ` (${sequence.branchName})` : ''}`,
            }))}
          />
          <SelectField
            name="branchId"
            label={t('invoices.field.branch')}
            value={values.branchId}
            errors={errors}
            required
            options={props.branches.map((branch) => ({ value: branch.id, label: branch.name }))}
          />
          <SelectField
            name="currencyCode"
            label={t('invoices.field.currency')}
            value={values.currencyCode ?? 'DOP'}
            errors={errors}
            required
            options={options.currencies.map((currency) => ({
              value: currency.code,
              label: `${currency.code} · ${currency.name}`,
            }))}
          />
          <Field name="dueOn" type="date" label={t('invoices.field.dueOn')} value={values.dueOn} errors={errors} />
          <SelectField
            name="prescriptionId"
            label={t('invoices.field.prescription')}
            value={values.prescriptionId}
            errors={errors}
            blank={t('invoices.field.noPrescription')}
            options={options.prescriptions.map((rx) => ({ value: rx.id, label: formatDate(rx.examinedOn) }))}
          />
          {options.sellers.length ? (
            <SelectField
              name="sellerId"
              label={t('sellers.field')}
              value={values.sellerId}
              errors={errors}
              required
              options={options.sellers.map((seller) => ({ value: seller.id, label: seller.name }))}
            />
          ) : null}
        </div>
        <PrescriptionOffer rx={options.latestRx} attachedId={values.prescriptionId} quoteLink />
        <TextAreaField name="notes" label={t('invoices.field.notes')} value={values.notes} errors={errors} rows={2} />
        <SalesEditor
          form="invoices"
          search={values.productSearch}
          products={options.products}
          state={{
            ...props.editor,
            taxes: options.taxes,
            symbol:
              options.currencies.find((currency) => currency.code === (values.currencyCode || 'DOP'))?.symbol ?? 'RD$',
          }}
        />
        <div class="actions">
          <button type="submit" name="_action" value="save" class="button-primary">
            {t('invoices.save')}
          </button>
          <a href={props.cancelHref} class="button">
            {t('invoices.cancel')}
          </a>
        </div>
      </form>
    </section>
  );
}

function Actions(props: { invoice: Invoice; canManage: boolean; canPay: boolean; canCredit: boolean }) {
  const { invoice } = props;
  const id = invoice.id;
  if (invoice.status === 'draft') {
    if (!props.canManage) return null;
    return (
      <div class="actions invoice-actions">
        <form method="get" action={`/invoices/${id}/issue`}>
          <button type="submit" class="button-primary">
            {t('invoices.issue')}
          </button>
        </form>
        <a class="button" href={`/invoices/${id}/edit`}>
          {t('invoices.edit')}
        </a>
        <form method="post" action={`/invoices/${id}/delete`} hx-boost="false">
          <button type="submit" class="button-danger" title={t('invoices.deleteConfirm')}>
            {t('invoices.delete')}
          </button>
        </form>
      </div>
    );
  }
  const open = invoice.payable && compareDecimals(invoice.balance, '0') > 0;
  return (
    <div class="actions invoice-actions">
      {open && props.canPay ? (
        <a class="button button-primary" href={`/invoices/${id}/payments/new`}>
          {t('invoices.pay')}
        </a>
      ) : null}
      {invoice.creditable && props.canCredit ? (
        <a class="button" href={`/invoices/${id}/credit-notes/new`}>
          {t('invoices.creditNote')}
        </a>
      ) : null}
      <a class="button" href={`/invoices/${id}/print?format=a4`} hx-boost="false">
        {t('invoices.printA4')}
      </a>
      <a class="button" href={`/invoices/${id}/print?format=80mm`} hx-boost="false">
        {t('invoices.print80')}
      </a>
      <a class="button" href={`/invoices/${id}/pdf`} hx-boost="false">
        {t('invoices.pdf')}
      </a>
      {invoice.status !== 'voided' ? (
        <a class="button" href={`/lab-orders/new?invoiceId=${id}`}>
          {t('lab.fromInvoice')}
        </a>
      ) : null}
      {props.canManage && invoice.status !== 'voided' ? (
        <form method="post" action={`/invoices/${id}/share-links`} hx-boost="false">
          <button type="submit">{t('invoices.share')}</button>
        </form>
      ) : null}
    </div>
  );
}

export function InvoiceDetailPage(props: {
  invoice: Invoice;
  notice?: string | null;
  /** Said before issuing, e.g. the buyer is not active in the DGII registry. */
  warning?: string | null;
  canManage: boolean;
  canPay: boolean;
  canCredit: boolean;
  canVoid: boolean;
  voidErrors?: FieldErrors;
  voidMessage?: string | null;
  voidValues?: { reason?: string; note?: string };
  /** The e-CF of an issued E-series document: where it stands with DGII. */
}) {
  const { invoice } = props;
  const symbol = invoice.currencySymbol;
  const money = (value: string) => formatMoney(value, symbol);
  const foreign = invoice.currencyCode !== 'DOP';
  const title = invoice.ncf ? t('invoices.detailTitle', { ncf: invoice.ncf }) : t('invoices.draftTitle');
  // The same conditions void_invoice checks: issued, with no active payment and no credit note.
  const canVoidNow =
    props.canVoid &&
    invoice.status === 'issued' &&
    !invoice.payments.some((payment) => payment.status === 'active') &&
    !invoice.creditNotes.some((note) => note.status !== 'voided');
  return (
    <>
      <div class="page-head">
        <h1>
          {title} <StatusBadge status={invoice.status} />
        </h1>
        <a class="button" href="/invoices">
          {t('invoices.title')}
        </a>
      </div>
      {props.notice ? <Notice>{props.notice}</Notice> : null}
      {props.warning ? <Warning>{props.warning}</Warning> : null}
      <Actions invoice={invoice} canManage={props.canManage} canPay={props.canPay} canCredit={props.canCredit} />
      {props.invoice.ecf ? <EcfStatusPanel ecf={props.invoice.ecf} canRetry={props.canManage} /> : null}
      <section class="card">
        <dl class="invoice-facts">
          <dt>{t('invoices.field.ncfType')}</dt>
          <dd>
            {invoice.ncfType} · {ncfTypes[invoice.ncfType as NcfType]?.name ?? ''}
          </dd>
          <dt>{t('invoices.field.number')}</dt>
          <dd>{invoice.ncf ?? t('invoices.noNcf')}</dd>
          {invoice.ncfValidUntil ? (
            <>
              <dt>{t('invoices.field.ncfValidUntil')}</dt>
              <dd>{formatDate(invoice.ncfValidUntil)}</dd>
            </>
          ) : null}
          <dt>{t('invoices.field.issuedOn')}</dt>
          <dd>{formatDate(invoice.issuedOn)}</dd>
          {invoice.dueOn ? (
            <>
              <dt>{t('invoices.field.dueOn')}</dt>
              <dd>{formatDate(invoice.dueOn)}</dd>
            </>
          ) : null}
          <dt>{t('invoices.field.customer')}</dt>
          <dd>
            {invoice.customerId ? (
              <a href={`/contacts/${invoice.customerId}`}>{invoice.buyerName ?? invoice.customerName}</a>
            ) : (
              t('invoices.field.noCustomer')
            )}
          </dd>
          <dt>{t('invoices.field.buyerId')}</dt>
          <dd>
            {(invoice.status === 'draft'
              ? formatIdentification(invoice.customerIdType, invoice.customerIdNumber)
              : formatIdentification(invoice.buyerIdType, invoice.buyerIdNumber)) || '—'}
          </dd>
          <dt>{t('invoices.field.branch')}</dt>
          <dd>{invoice.branchName}</dd>
          {invoice.prescriptionId ? (
            <>
              <dt>{t('invoices.field.prescription')}</dt>
              <dd>
                <a href={`/prescriptions/${invoice.prescriptionId}`}>{formatDate(invoice.prescriptionDate)}</a>
              </dd>
            </>
          ) : null}
          <dt>{t('invoices.field.currency')}</dt>
          <dd>{invoice.currencyCode}</dd>
          {foreign && invoice.status !== 'draft' ? (
            <>
              <dt>{t('invoices.field.exchangeRate')}</dt>
              <dd>{invoice.exchangeRate}</dd>
              <dt>{t('invoices.field.totalDop')}</dt>
              <dd>{formatMoney(invoice.totalDop)}</dd>
            </>
          ) : null}
          {invoice.status !== 'draft' ? (
            <>
              <dt>{t('invoices.field.paid')}</dt>
              <dd>{money(invoice.paidTotal)}</dd>
              <dt>{t('invoices.field.credited')}</dt>
              <dd>{money(invoice.creditedTotal)}</dd>
              <dt>{t('invoices.field.balance')}</dt>
              <dd>
                <strong>{money(invoice.balance)}</strong>
              </dd>
            </>
          ) : null}
          {invoice.sellerName ? (
            <>
              <dt>{t('sellers.field')}</dt>
              <dd>{invoice.sellerName}</dd>
            </>
          ) : null}
          {invoice.voidReason ? (
            <>
              <dt>{t('invoices.field.voidReason')}</dt>
              <dd>
                {invoice.voidReason} · {voidReasons[invoice.voidReason as keyof typeof voidReasons] ?? ''}
                {invoice.voidNote ? ` — ${invoice.voidNote}` : ''}
              </dd>
            </>
          ) : null}
          {invoice.notes ? (
            <>
              <dt>{t('invoices.field.notes')}</dt>
              <dd>{invoice.notes}</dd>
            </>
          ) : null}
        </dl>
      </section>
      <section class="card">
        <LinesTable lines={invoice.lines} totals={invoice} symbol={symbol} caption={t('invoices.lines.title')} />
      </section>
      {invoice.status !== 'draft' ? (
        <div class="invoice-related">
          <section class="card" aria-labelledby="payments-title">
            <h2 id="payments-title">{t('invoices.payments')}</h2>
            {invoice.payments.length === 0 ? (
              <p class="empty">{t('invoices.noPayments')}</p>
            ) : (
              <table>
                <thead>
                  <tr>
                    <th scope="col">{t('invoices.payment.number')}</th>
                    <th scope="col">{t('invoices.payment.date')}</th>
                    <th scope="col">{t('invoices.payment.method')}</th>
                    <th scope="col" class="number">
                      {t('invoices.payment.amount')}
                    </th>
                    <th scope="col">{t('invoices.payment.status')}</th>
                  </tr>
                </thead>
                <tbody>
                  {invoice.payments.map((payment) => (
                    <tr>
                      <td>
                        <a href={`/payments/${payment.id}`}>{payment.number}</a>
                      </td>
                      <td>{formatDate(payment.receivedOn)}</td>
                      <td>{paymentForms[payment.method as PaymentForm] ?? payment.method}</td>
                      <td class="number">{money(payment.amount)}</td>
                      <td>
                        {payment.status === 'voided' ? t('invoices.payment.voided') : t('invoices.payment.active')}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </section>
          <section class="card" aria-labelledby="credit-notes-title">
            <h2 id="credit-notes-title">{t('invoices.creditNotes')}</h2>
            {invoice.creditNotes.length === 0 ? (
              <p class="empty">{t('invoices.noCreditNotes')}</p>
            ) : (
              <table>
                <thead>
                  <tr>
                    <th scope="col">{t('invoices.field.number')}</th>
                    <th scope="col">{t('invoices.field.date')}</th>
                    <th scope="col" class="number">
                      {t('invoices.field.total')}
                    </th>
                    <th scope="col">{t('invoices.field.status')}</th>
                  </tr>
                </thead>
                <tbody>
                  {invoice.creditNotes.map((note) => (
                    <tr>
                      <td>
                        <a href={`/credit-notes/${note.id}`}>{note.ncf ?? t('invoices.noNcf')}</a>
                      </td>
                      <td>{formatDate(note.issuedOn)}</td>
                      <td class="number">{money(note.total)}</td>
                      <td>
                        <CreditNoteStatusBadge status={note.status} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </section>
        </div>
      ) : null}
      {canVoidNow ? (
        <section class="card void-card" aria-labelledby="void-title" id="void-form">
          <h2 id="void-title">{t('invoices.voidTitle')}</h2>
          <p class="hint">{t('invoices.voidHint')}</p>
          <ErrorSummary errors={props.voidErrors} message={props.voidMessage} />
          <form method="post" action={`/invoices/${invoice.id}/void`} hx-boost="false" novalidate>
            <div class="form-grid">
              <SelectField
                name="reason"
                label={t('invoices.field.voidReason')}
                value={props.voidValues?.reason}
                errors={props.voidErrors}
                required
                blank=""
                options={Object.entries(voidReasons).map(([code, label]) => ({
                  value: code,
                  label: `${code} · ${label}`,
                }))}
              />
              <Field
                name="note"
                label={t('invoices.field.voidNote')}
                value={props.voidValues?.note}
                errors={props.voidErrors}
                attrs={{ maxlength: '300' }}
              />
            </div>
            <div class="actions">
              <button type="submit" class="button-danger">
                {t('invoices.void')}
              </button>
            </div>
          </form>
        </section>
      ) : null}
    </>
  );
}

/**
 * The last look before a draft takes its NCF: type, customer and their id, total. Its form posts to
 * the issue action with a key made for this page, so a double click issues once.
 */
export function IssueConfirmPage(props: { invoice: Invoice; issueKey: string }) {
  const { invoice } = props;
  const type = ncfTypes[invoice.ncfType as NcfType]?.name ?? '';
  const buyerId = formatIdentification(invoice.customerIdType, invoice.customerIdNumber);
  return (
    <section class="card issue-confirm" aria-labelledby="issue-confirm-title">
      <h1 id="issue-confirm-title">{t('salesEditor.confirm.title')}</h1>
      <p>{t('salesEditor.confirm.intro')}</p>
      <dl class="invoice-facts">
        <dt>{t('salesEditor.confirm.type')}</dt>
        <dd>
          <strong>{invoice.ncfType}</strong> · {type}
          {isElectronic(invoice.ncfType) ? ` · ${t('salesEditor.confirm.electronic')}` : ''}
        </dd>
        <dt>{t('salesEditor.confirm.customer')}</dt>
        <dd>{invoice.customerName ?? t('invoices.field.noCustomer')}</dd>
        <dt>{t('salesEditor.confirm.buyerId')}</dt>
        <dd>{buyerId || '—'}</dd>
        <dt>{t('salesEditor.confirm.total')}</dt>
        <dd>
          <strong class="issue-confirm-total">
            {formatMoney(invoice.total, invoice.currencySymbol)} {invoice.currencyCode}
          </strong>{' '}
          ({t('salesEditor.confirm.lines', { count: invoice.lines.length })})
        </dd>
      </dl>
      <form method="post" action={`/invoices/${invoice.id}/issue`}>
        <input type="hidden" name="issueKey" value={props.issueKey} />
        <div class="actions">
          <button type="submit" class="button-primary" autofocus>
            {t('salesEditor.confirm.submit')}
          </button>
          <a class="button" href={`/invoices/${invoice.id}`}>
            {t('salesEditor.confirm.back')}
          </a>
        </div>
      </form>
    </section>
  );
}
