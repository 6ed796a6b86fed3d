import type { BranchRef } from '../auth/session';
import { formatDate } from '../domain/dates';
import { formatMoney } from '../domain/money';
import { t, type MessageKey } from '../i18n/es-DO';
import type { Quotation, QuotationFormContext, QuotationSummary } from '../queries/quotations';
import { quotationStatuses } from '../db/tenant-schema';
import {
  BranchFilter,
  SellerFilter,
  ErrorSummary,
  Field,
  LiveSearchForm,
  Notice,
  ResultsTable,
  SelectField,
  TextAreaField,
} from './components';
import type { FieldErrors } from '../errors';
import { LinesTable } from './document-lines';
import { PrescriptionOffer, SalesEditor } from './sales-editor';
import type { SalesEditorState } from '../services/shop/sales-editor';
import { CustomerPicker } from './pickers';
import { ShareButton } from './share-links';

export const statusLabel = (status: string) => t(`quotations.status.${status}` as MessageKey);

function StatusBadge(props: { status: string }) {
  return <span class={`badge quotation-status quotation-status-${props.status}`}>{statusLabel(props.status)}</span>;
}

export interface QuotationListProps {
  rows: QuotationSummary[];
  nextHref: string | null;
  firstHref: string | null;
}

export function QuotationResults(props: QuotationListProps) {
  return (
    <ResultsTable
      id="quotation-results"
      empty={t('quotations.empty')}
      columns={[
        { label: t('quotations.field.number') },
        { label: t('quotations.field.quotedOn') },
        { label: t('quotations.field.customer') },
        { label: t('quotations.field.branch') },
        { label: t('sellers.field') },
        { label: t('quotations.field.status') },
        { label: t('quotations.field.total'), numeric: true },
      ]}
      rows={props.rows}
      row={(row) => (
        <tr>
          <td style="white-space: nowrap">
            <a href={`/quotations/${row.id}`}>{row.number}</a>
          </td>
          <td>{formatDate(row.quotedOn)}</td>
          <td>{row.customerName ?? '—'}</td>
          <td>{row.branchName}</td>
          <td>{row.sellerName ?? '—'}</td>
          <td>
            <StatusBadge status={row.status} />
          </td>
          <td class="number">{formatMoney(row.total, row.currencySymbol)}</td>
        </tr>
      )}
      pager={{
        nextHref: props.nextHref,
        firstHref: props.firstHref,
        nextLabel: t('quotations.next'),
        firstLabel: t('quotations.first'),
      }}
    />
  );
}

export function QuotationsPage(
  props: QuotationListProps & {
    q: string;
    status: string;
    branches: BranchRef[];
    branch: string;
    sellers: Array<{ id: string; name: string }>;
    seller: string;
    canManage: boolean;
  },
) {
  return (
    <>
      <div class="page-head">
        <h1>{t('quotations.title')}</h1>
        {props.canManage ? (
          <div class="actions">
            <a href="/quotations/new" class="button button-primary">
              {t('quotations.new')}
            </a>
          </div>
        ) : null}
      </div>
      <LiveSearchForm action="/quotations" target="#quotation-results" filters={['status', 'branch', 'seller']}>
        <Field
          name="q"
          type="search"
          label={t('quotations.search')}
          value={props.q}
          inputmode="search"
          attrs={{ autocomplete: 'off' }}
        />
        <SelectField
          name="status"
          label={t('quotations.statusFilter')}
          value={props.status}
          blank={t('quotations.allStatuses')}
          options={[
            { value: 'open', label: t('quotations.openFilter') },
            ...quotationStatuses.map((status) => ({ value: status, label: statusLabel(status) })),
          ]}
        />
        <BranchFilter branches={props.branches} value={props.branch} />
        <SellerFilter sellers={props.sellers} value={props.seller} />
        <button type="submit">{t('quotations.filter')}</button>
      </LiveSearchForm>
      <QuotationResults {...props} />
    </>
  );
}

/** What the form shows, as typed. */
export interface QuotationFormValues {
  customerId?: string | null;
  customerSearch?: string;
  productSearch?: string;
  branchId?: string | null;
  prescriptionId?: string | null;
  currencyCode?: string | null;
  validUntil?: string | null;
  notes?: string | null;
  sellerId?: string | null;
}

export function QuotationForm(props: {
  action: string;
  values: QuotationFormValues;
  /** The lines part: rows, their prices and totals (the taxes offered come from `context`). */
  editor: Omit<SalesEditorState, 'taxes' | 'symbol'>;
  context: QuotationFormContext;
  branches: BranchRef[];
  errors?: FieldErrors;
  message?: string | null;
  submitLabel: string;
  cancelHref: string;
}) {
  const { values, errors, context } = props;
  return (
    <form method="post" action={props.action} hx-boost="false" novalidate class="card quotation-form">
      <ErrorSummary errors={errors} message={props.message} />
      <fieldset>
        <legend>{t('quotations.field.customer')}</legend>
        <div class="form-grid">
          <CustomerPicker
            form="quotations"
            search={values.customerSearch}
            chosenId={values.customerId}
            customers={[
              ...(context.customer ? [context.customer] : []),
              ...context.customers.filter((match) => match.id !== context.customer?.id),
            ]}
            label={t('quotations.field.customer')}
            blank={t('quotations.noCustomer')}
            errors={errors}
          />
          <SelectField
            name="prescriptionId"
            label={t('quotations.field.prescription')}
            value={values.prescriptionId}
            errors={errors}
            blank={t('quotations.noPrescription')}
            options={context.prescriptions.map((rx) => ({
              value: rx.id,
              label: t('quotations.prescriptionOf', { date: formatDate(rx.examinedOn) }),
            }))}
          />
        </div>
        <PrescriptionOffer rx={context.latestRx} attachedId={values.prescriptionId} quoteLink={false} />
      </fieldset>
      <div class="form-grid">
        <SelectField
          name="branchId"
          label={t('quotations.field.branch')}
          value={values.branchId}
          errors={errors}
          required
          options={props.branches.map((branch) => ({ value: branch.id, label: branch.name }))}
        />
        <SelectField
          name="currencyCode"
          label={t('quotations.field.currency')}
          value={values.currencyCode ?? 'DOP'}
          errors={errors}
          required
          options={context.currencies.map((currency) => ({
            value: currency.code,
            label: `${currency.code} — ${currency.name}`,
          }))}
        />
        <Field
          name="validUntil"
          type="date"
          label={t('quotations.field.validUntil')}
          value={values.validUntil}
          errors={errors}
          hint={t('quotations.hint.validUntil')}
        />
        {context.sellers.length ? (
          <SelectField
            name="sellerId"
            label={t('sellers.field')}
            value={values.sellerId}
            errors={errors}
            required
            options={context.sellers.map((seller) => ({ value: seller.id, label: seller.name }))}
          />
        ) : null}
      </div>
      <SalesEditor
        form="quotations"
        search={values.productSearch}
        products={context.products}
        state={{
          ...props.editor,
          taxes: context.taxes,
          symbol:
            context.currencies.find((currency) => currency.code === (values.currencyCode || 'DOP'))?.symbol ?? 'RD$',
        }}
      />
      <TextAreaField name="notes" label={t('quotations.field.notes')} value={values.notes} errors={errors} rows={2} />
      <div class="actions">
        <button type="submit" name="_action" value="save" class="button-primary">
          {props.submitLabel}
        </button>
        <a href={props.cancelHref} class="button">
          {t('quotations.back')}
        </a>
      </div>
    </form>
  );
}

export function QuotationFormPage(props: Parameters<typeof QuotationForm>[0] & { title: string }) {
  return (
    <>
      <h1>{props.title}</h1>
      <QuotationForm {...props} />
    </>
  );
}

export function QuotationPage(props: {
  quotation: Quotation;
  canManage: boolean;
  canConvert: boolean;
  notice?: string | null;
}) {
  const { quotation } = props;
  const open = quotation.status === 'draft' || quotation.status === 'sent';
  return (
    <>
      <div class="page-head">
        <h1>
          {t('quotations.detailTitle', { number: quotation.number })} <StatusBadge status={quotation.status} />
        </h1>
        <div class="actions">
          <a class="button" href={`/quotations/${quotation.id}/print?format=a4`} hx-boost="false">
            {t('quotations.printA4')}
          </a>
          <a class="button" href={`/quotations/${quotation.id}/print?format=80mm`} hx-boost="false">
            {t('quotations.print80')}
          </a>
          {quotation.status !== 'cancelled' ? <ShareButton kind="quotation" id={quotation.id} /> : null}
          {quotation.status !== 'cancelled' ? (
            <a class="button" href={`/lab-orders/new?quotationId=${quotation.id}`}>
              {t('lab.fromInvoice')}
            </a>
          ) : null}
        </div>
      </div>
      {props.notice ? <Notice>{props.notice}</Notice> : null}
      {quotation.convertedInvoiceId ? (
        <div class="alert alert-info" role="status">
          {t('quotations.convertedTo')}{' '}
          <a href={`/invoices/${quotation.convertedInvoiceId}`}>
            {quotation.convertedInvoiceNumber ?? t('quotations.openInvoice')}
          </a>
        </div>
      ) : null}
      <dl class="card quotation-header">
        <dt>{t('quotations.field.customer')}</dt>
        <dd>
          {quotation.customerId ? (
            <a href={`/contacts/${quotation.customerId}`}>{quotation.customerName}</a>
          ) : (
            t('quotations.noCustomer')
          )}
        </dd>
        <dt>{t('quotations.field.quotedOn')}</dt>
        <dd>{formatDate(quotation.quotedOn)}</dd>
        <dt>{t('quotations.field.validUntil')}</dt>
        <dd>{formatDate(quotation.validUntil)}</dd>
        <dt>{t('quotations.field.branch')}</dt>
        <dd>{quotation.branchName}</dd>
        <dt>{t('quotations.field.currency')}</dt>
        <dd>{quotation.currencyCode}</dd>
        {quotation.prescriptionId ? (
          <>
            <dt>{t('quotations.field.prescription')}</dt>
            <dd>
              <a href={`/prescriptions/${quotation.prescriptionId}`}>
                {t('quotations.prescriptionOf', { date: formatDate(quotation.prescriptionExaminedOn) })}
              </a>
            </dd>
          </>
        ) : null}
        {quotation.sellerName ? (
          <>
            <dt>{t('sellers.field')}</dt>
            <dd>{quotation.sellerName}</dd>
          </>
        ) : null}
        {quotation.createdByName ? (
          <>
            <dt>{t('quotations.field.createdBy')}</dt>
            <dd>{quotation.createdByName}</dd>
          </>
        ) : null}
      </dl>
      <LinesTable lines={quotation.lines} totals={quotation} symbol={quotation.currencySymbol} />
      {quotation.notes ? (
        <section class="card">
          <h2>{t('quotations.field.notes')}</h2>
          <p style="white-space: pre-line">{quotation.notes}</p>
        </section>
      ) : null}
      {props.canManage && open ? (
        <div class="actions quotation-actions">
          <a class="button" href={`/quotations/${quotation.id}/edit`}>
            {t('quotations.edit')}
          </a>
          {quotation.status === 'draft' ? (
            <form method="post" action={`/quotations/${quotation.id}/send`} hx-boost="false">
              <button type="submit">{t('quotations.send')}</button>
            </form>
          ) : null}
          {props.canConvert ? (
            <form method="post" action={`/quotations/${quotation.id}/convert`} hx-boost="false">
              <button type="submit" class="button-primary" title={t('quotations.convertHint')}>
                {t('quotations.convert')}
              </button>
            </form>
          ) : null}
          <form method="post" action={`/quotations/${quotation.id}/cancel`} hx-boost="false">
            <button type="submit" class="button-danger">
              {t('quotations.cancel')}
            </button>
          </form>
        </div>
      ) : null}
      <p>
        <a href="/quotations">{t('quotations.back')}</a>
      </p>
    </>
  );
}
