import type { BranchRef } from '../auth/session';
import type { Taxpayer } from '../dgii/lookup';
import { formatDate } from '../domain/dates';
import { recentPeriods } from '../domain/dgii-reports';
import {
  expensePaymentFormCodes,
  expenseTypeCodes,
  isrWithholdingCodes,
  type ExpenseFigures,
} from '../domain/expenses';
import { formatMoney } from '../domain/money';
import { formatTaxId } from '../domain/tax-id';
import type { FieldErrors } from '../errors';
import { t, type MessageKey } from '../i18n/es-DO';
import type { ExpenseDetail, ExpenseRow, ExpenseTotals } from '../queries/expenses';
import type { ExpenseFilterInput } from '../schemas/expenses';
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
import { periodLabel } from './reports';

export type ExpenseFormValues = Record<string, string | undefined>;
export type ExpenseNotice = 'created' | 'saved' | 'paid' | 'voided' | 'attached' | 'detached';

export const typeLabel = (code: string) => t(`expenses.type.${code}` as MessageKey);
export const formLabel = (code: string) => t(`expenses.form.${code}` as MessageKey);
const isrLabel = (code: string) => t(`expenses.isr.${code}` as MessageKey);

export function expenseStatus(row: Pick<ExpenseRow, 'voidedAt' | 'paymentStatus'>): 'voided' | 'paid' | 'pending' {
  return row.voidedAt ? 'voided' : row.paymentStatus;
}

function StatusBadge(props: { row: Pick<ExpenseRow, 'voidedAt' | 'paymentStatus'> }) {
  const status = expenseStatus(props.row);
  return (
    <span class={status === 'pending' ? 'badge badge-warn' : 'badge'}>
      {t(`expenses.status.${status}` as MessageKey)}
    </span>
  );
}

/** The list's own address with its filters (and a cursor). */
export function expensesHref(filter: Partial<ExpenseFilterInput>, cursor?: string | null): string {
  const params = new URLSearchParams();
  if (filter.period) params.set('period', filter.period);
  if (filter.q) params.set('q', filter.q);
  if (filter.type) params.set('type', filter.type);
  if (filter.status) params.set('status', filter.status);
  if (filter.branch) params.set('branch', filter.branch);
  if (cursor) params.set('cursor', cursor);
  const search = params.toString();
  return search ? `/expenses?${search}` : '/expenses';
}

export interface ExpenseListState {
  filter: Partial<ExpenseFilterInput>;
  rows: ExpenseRow[];
  totals: ExpenseTotals;
  next: string | null;
  paged: boolean;
}

/** The results region: table with its totals row, and the pager (the htmx fragment of the list). */
export function ExpenseResults(props: ExpenseListState) {
  return (
    <ResultsTable
      id="expense-results"
      empty={t('expenses.empty')}
      columns={[
        { label: t('expenses.col.date') },
        { label: t('expenses.col.supplier') },
        { label: t('expenses.col.ncf') },
        { label: t('expenses.col.type') },
        { label: t('expenses.col.total'), numeric: true },
        { label: t('expenses.col.itbis'), numeric: true },
        { label: t('expenses.col.advance'), numeric: true },
        { label: t('expenses.col.status') },
      ]}
      rows={props.rows}
      row={(row) => (
        <tr>
          <td>{formatDate(row.issuedOn)}</td>
          <td>
            <a href={`/expenses/${row.id}`}>{row.supplierName}</a>
            <br />
            <span class="hint">{formatTaxId(row.supplierIdNumber)}</span>
          </td>
          <td>{row.ncf}</td>
          <td>{row.expenseType}</td>
          <td class="number">{formatMoney(row.total)}</td>
          <td class="number">{formatMoney(row.itbisBilled)}</td>
          <td class="number">{formatMoney(row.itbisAdvance)}</td>
          <td>
            <StatusBadge row={row} />
          </td>
        </tr>
      )}
      pager={{
        nextHref: props.next ? expensesHref(props.filter, props.next) : null,
        firstHref: props.paged ? expensesHref(props.filter) : null,
        nextLabel: t('expenses.next'),
        firstLabel: t('expenses.first'),
      }}
    >
      {props.rows.length > 0 ? (
        <dl class="invoice-facts card expense-totals">
          <dt>
            {props.totals.count === 1 ? t('expenses.totals.one') : t('expenses.totals', { count: props.totals.count })}
          </dt>
          <dd></dd>
          <dt>{t('expenses.col.total')}</dt>
          <dd>{formatMoney(props.totals.total)}</dd>
          <dt>{t('expenses.col.itbis')}</dt>
          <dd>{formatMoney(props.totals.itbisBilled)}</dd>
          <dt>{t('expenses.col.advance')}</dt>
          <dd>{formatMoney(props.totals.itbisAdvance)}</dd>
        </dl>
      ) : null}
    </ResultsTable>
  );
}

export function ExpensesPage(
  props: ExpenseListState & { latest: string; branches: BranchRef[]; canManage: boolean; errors?: FieldErrors },
) {
  const periods = recentPeriods(props.latest, 24);
  // An older month in the address is offered too, so the filter shows what is listed.
  if (props.filter.period && !periods.includes(props.filter.period)) periods.push(props.filter.period);
  return (
    <>
      <div class="page-head">
        <h1>{t('expenses.title')}</h1>
        {props.canManage ? (
          <a class="button button-primary" href="/expenses/new">
            {t('expenses.new')}
          </a>
        ) : null}
      </div>
      <p class="lead">{t('expenses.lead')}</p>
      <ErrorSummary errors={props.errors} />
      <LiveSearchForm action="/expenses" target="#expense-results" filters={['period', 'type', 'status', 'branch']}>
        <Field name="q" type="search" label={t('expenses.filter.q')} value={props.filter.q ?? ''} autocomplete="off" />
        <SelectField
          name="period"
          label={t('expenses.filter.period')}
          value={props.filter.period ?? ''}
          blank={t('expenses.filter.allPeriods')}
          errors={props.errors}
          options={periods.map((period) => ({ value: period, label: periodLabel(period) }))}
        />
        <SelectField
          name="type"
          label={t('expenses.filter.type')}
          value={props.filter.type ?? ''}
          blank={t('expenses.filter.allTypes')}
          options={expenseTypeCodes.map((code) => ({ value: code, label: typeLabel(code) }))}
          attrs={{ style: 'width: 100%; max-width: 100%; box-sizing: border-box' }}
        />
        <SelectField
          name="status"
          label={t('expenses.filter.status')}
          value={props.filter.status ?? ''}
          blank={t('expenses.filter.allStatuses')}
          options={(['pending', 'paid', 'voided'] as const).map((status) => ({
            value: status,
            label: t(`expenses.status.${status}`),
          }))}
        />
        <BranchFilter branches={props.branches} value={props.filter.branch} />
        <noscript>
          <button type="submit" class="button">
            {t('expenses.filter.apply')}
          </button>
        </noscript>
      </LiveSearchForm>
      <ExpenseResults {...props} />
    </>
  );
}

/** What the registry says about the supplier's number, under the field (the htmx lookup's target). */
export function SupplierRegistry(props: {
  taxpayer?: Taxpayer | null;
  message?: string | null;
  tone?: 'info' | 'warn';
  refused?: string | null;
}) {
  const { taxpayer } = props;
  return (
    <div id="supplier-registry" class="registry-result" aria-live="polite">
      {taxpayer ? (
        <p class={taxpayer.status && taxpayer.status !== 'ACTIVO' ? 'hint registry-warn' : 'hint'}>
          <strong>{t('dgii.found', { name: taxpayer.name })}</strong>
          {taxpayer.status ? (
            <>
              {' '}
              <span class={taxpayer.status === 'ACTIVO' ? 'badge' : 'badge badge-warn'}>{taxpayer.status}</span>
            </>
          ) : null}
        </p>
      ) : props.message ? (
        <p class={props.tone === 'warn' ? 'error-text' : 'hint'}>{props.message}</p>
      ) : null}
      {props.refused ? <p class="error-text">{props.refused}</p> : null}
    </div>
  );
}

/** The supplier's name field; the registry lookup replaces it out of band with the registry's name. */
export function SupplierNameField(props: { value?: string; errors?: FieldErrors; oob?: boolean }) {
  return (
    <div id="supplier-name-field" hx-swap-oob={props.oob ? 'true' : undefined}>
      <Field
        name="supplierName"
        label={t('expenses.field.supplierName')}
        value={props.value}
        errors={props.errors}
        autocomplete="off"
        hint={t('expenses.field.supplierName.hint')}
      />
    </div>
  );
}

const amountFields = [
  'servicesAmount',
  'goodsAmount',
  'itbisBilled',
  'itbisProportional',
  'itbisToCost',
  'itbisWithheld',
  'itbisPerceived',
] as const;
const otherTaxFields = ['isrWithheld', 'isrPerceived', 'iscAmount', 'otherTaxes', 'legalTip'] as const;

export interface ExpenseFormProps {
  action: string;
  values: ExpenseFormValues;
  errors?: FieldErrors;
  branches: BranchRef[];
  editing: boolean;
  cancelHref: string;
  taxpayer?: Taxpayer | null;
  /** The e-NCF of the received e-CF the form was prefilled from. */
  fromEcf?: string | null;
}

export function ExpenseFormPage(props: ExpenseFormProps) {
  const v = props.values;
  const errors = props.errors;
  const lookup = {
    'hx-get': '/expenses/supplier',
    'hx-target': '#supplier-registry',
    'hx-swap': 'outerHTML',
    'hx-include': '#field-supplierIdNumber, #field-supplierName, #field-ncf',
    'hx-sync': 'closest form:replace',
  };
  const money = (name: string) => (
    <Field
      name={name}
      label={t(`expenses.field.${name}` as MessageKey)}
      value={v[name] ?? ''}
      errors={errors}
      inputmode="decimal"
      autocomplete="off"
    />
  );
  return (
    <>
      <p>
        <a href={props.cancelHref}>← {t('expenses.cancel')}</a>
      </p>
      <h1>{props.editing ? t('expenses.edit') : t('expenses.new')}</h1>
      {props.fromEcf ? <Notice>{t('expenses.fromEcf.prefilled', { encf: props.fromEcf })}</Notice> : null}
      <ErrorSummary errors={errors} />
      <form method="post" action={props.action} class="card form" novalidate hx-boost="false" id="expense-form">
        {v.receivedEcfId ? <input type="hidden" name="receivedEcfId" value={v.receivedEcfId} /> : null}
        {errors?.receivedEcfId ? <p class="error-text">{errors.receivedEcfId}</p> : null}
        <fieldset>
          <legend>{t('expenses.section.supplier')}</legend>
          <div class="form-grid">
            <div>
              <Field
                name="supplierIdNumber"
                label={t('expenses.field.supplierIdNumber')}
                value={v.supplierIdNumber}
                errors={errors}
                required
                inputmode="numeric"
                autocomplete="off"
                hint={t('expenses.field.supplierIdNumber.hint')}
                attrs={{ ...lookup, 'hx-trigger': 'keyup changed delay:400ms, change', spellcheck: 'false' }}
              />
              <SupplierRegistry taxpayer={props.taxpayer} />
            </div>
            <SupplierNameField value={v.supplierName} errors={errors} />
            <Field
              name="ncf"
              label={t('expenses.field.ncf')}
              value={v.ncf}
              errors={errors}
              required
              autocomplete="off"
              hint={t('expenses.field.ncf.hint')}
              attrs={{ ...lookup, 'hx-trigger': 'change', spellcheck: 'false', autocapitalize: 'characters' }}
            />
            <Field
              name="modifiedNcf"
              label={t('expenses.field.modifiedNcf')}
              value={v.modifiedNcf}
              errors={errors}
              autocomplete="off"
              hint={t('expenses.field.modifiedNcf.hint')}
              attrs={{ spellcheck: 'false', autocapitalize: 'characters' }}
            />
            <SelectField
              name="expenseType"
              label={t('expenses.field.expenseType')}
              value={v.expenseType}
              errors={errors}
              required
              blank={v.expenseType ? undefined : t('expenses.choose')}
              options={expenseTypeCodes.map((code) => ({ value: code, label: typeLabel(code) }))}
              attrs={{ style: 'width: 100%; max-width: 100%; box-sizing: border-box' }}
            />
            <Field
              name="issuedOn"
              type="date"
              label={t('expenses.field.issuedOn')}
              value={v.issuedOn}
              errors={errors}
              required
            />
            {props.branches.length > 1 ? (
              <SelectField
                name="branchId"
                label={t('expenses.field.branchId')}
                value={v.branchId}
                errors={errors}
                options={props.branches.map((branch) => ({ value: branch.id, label: branch.name }))}
              />
            ) : (
              <input type="hidden" name="branchId" value={v.branchId ?? props.branches[0]?.id ?? ''} />
            )}
          </div>
        </fieldset>
        <fieldset>
          <legend>{t('expenses.section.amounts')}</legend>
          <div class="form-grid">{amountFields.map(money)}</div>
        </fieldset>
        <fieldset>
          <legend>{t('expenses.section.taxes')}</legend>
          <div class="form-grid">
            <SelectField
              name="isrWithholdingType"
              label={t('expenses.field.isrWithholdingType')}
              value={v.isrWithholdingType ?? ''}
              errors={errors}
              blank={t('expenses.none')}
              options={isrWithholdingCodes.map((code) => ({ value: code, label: isrLabel(code) }))}
            />
            {otherTaxFields.map(money)}
          </div>
        </fieldset>
        <fieldset>
          <legend>{t('expenses.section.payment')}</legend>
          <div class="form-grid">
            <Field
              name="paidOn"
              type="date"
              label={t('expenses.field.paidOn')}
              value={v.paidOn}
              errors={errors}
              hint={t('expenses.field.paidOn.hint')}
            />
            <SelectField
              name="paymentForm"
              label={t('expenses.field.paymentForm')}
              value={v.paymentForm ?? '04'}
              errors={errors}
              options={expensePaymentFormCodes.map((code) => ({ value: code, label: formLabel(code) }))}
            />
          </div>
          <TextAreaField name="notes" label={t('expenses.field.notes')} value={v.notes} errors={errors} />
        </fieldset>
        <div class="actions">
          <button type="submit" class="button-primary">
            {t('expenses.save')}
          </button>
          <a href={props.cancelHref}>{t('expenses.cancel')}</a>
        </div>
      </form>
    </>
  );
}

function Fact(props: { label: string; value: string | null | undefined }) {
  return (
    <>
      <dt>{props.label}</dt>
      <dd>{props.value ?? '—'}</dd>
    </>
  );
}

export function ExpensePage(props: {
  expense: ExpenseDetail;
  figures: ExpenseFigures;
  canManage: boolean;
  notice?: ExpenseNotice | null;
  errors?: FieldErrors;
  message?: string | null;
  today: string;
}) {
  const e = props.expense;
  const status = expenseStatus(e);
  const money = (name: keyof ExpenseDetail) => (
    <Fact label={t(`expenses.field.${name}` as MessageKey)} value={formatMoney(e[name] as string)} />
  );
  return (
    <>
      <p>
        <a href="/expenses">← {t('expenses.title')}</a>
      </p>
      <div class="page-head">
        <h1>
          {t('expenses.expense')} {e.ncf} <StatusBadge row={e} />
        </h1>
        {props.canManage && status !== 'voided' ? (
          <a class="button" href={`/expenses/${e.id}/edit`}>
            {t('expenses.edit')}
          </a>
        ) : null}
      </div>
      {props.notice ? <Notice>{t(`expenses.notice.${props.notice}`)}</Notice> : null}
      <ErrorSummary errors={props.errors} message={props.message} />
      {e.receivedEcfId ? (
        <p>
          <a href={`/ecf/recibidos/${e.receivedEcfId}`}>{t('expenses.fromEcf', { encf: e.receivedEcfEncf ?? '' })}</a>
        </p>
      ) : null}
      <div class="card">
        <dl class="invoice-facts">
          <Fact label={t('expenses.col.supplier')} value={`${e.supplierName} · ${formatTaxId(e.supplierIdNumber)}`} />
          <Fact label={t('expenses.field.ncf')} value={e.ncf} />
          {e.modifiedNcf ? <Fact label={t('expenses.field.modifiedNcf')} value={e.modifiedNcf} /> : null}
          <Fact label={t('expenses.field.expenseType')} value={typeLabel(e.expenseType)} />
          <Fact label={t('expenses.field.branchId')} value={e.branchName} />
          <Fact label={t('expenses.field.issuedOn')} value={formatDate(e.issuedOn)} />
          <Fact label={t('expenses.field.paidOn')} value={e.paidOn ? formatDate(e.paidOn) : null} />
          <Fact label={t('expenses.field.paymentForm')} value={formLabel(e.paymentForm)} />
          {money('servicesAmount')}
          {money('goodsAmount')}
          {money('total')}
          {money('itbisBilled')}
          {money('itbisProportional')}
          {money('itbisToCost')}
          {money('itbisAdvance')}
          {money('itbisWithheld')}
          {money('itbisPerceived')}
          {e.isrWithholdingType ? (
            <Fact label={t('expenses.field.isrWithholdingType')} value={isrLabel(e.isrWithholdingType)} />
          ) : null}
          {money('isrWithheld')}
          {money('isrPerceived')}
          {money('iscAmount')}
          {money('otherTaxes')}
          {money('legalTip')}
          <Fact label={t('expenses.field.invoiceTotal')} value={formatMoney(props.figures.invoiceTotal)} />
          <Fact label={t('expenses.field.payable')} value={formatMoney(props.figures.payable)} />
          {e.notes ? <Fact label={t('expenses.field.notes')} value={e.notes} /> : null}
          {e.createdByName ? <Fact label="" value={t('expenses.detail.createdBy', { name: e.createdByName })} /> : null}
        </dl>
      </div>
      {props.canManage && status === 'pending' ? (
        <form method="post" action={`/expenses/${e.id}/pay`} class="card form" novalidate hx-boost="false">
          <h2>{t('expenses.pay.title')}</h2>
          <div class="form-grid">
            <Field
              name="paidOn"
              type="date"
              label={t('expenses.field.paidOn')}
              value={props.today}
              errors={props.errors}
              required
            />
            <SelectField
              name="paymentForm"
              label={t('expenses.field.paymentForm')}
              value="02"
              errors={props.errors}
              options={expensePaymentFormCodes
                .filter((code) => code !== '04')
                .map((code) => ({ value: code, label: formLabel(code) }))}
            />
          </div>
          <div class="actions">
            <button type="submit" class="button-primary">
              {t('expenses.pay.submit')}
            </button>
          </div>
        </form>
      ) : null}
      <section class="card">
        <h2>{t('expenses.attachments')}</h2>
        {e.attachments.length === 0 ? (
          <p class="hint">{t('expenses.attachments.empty')}</p>
        ) : (
          <ul class="attachment-list">
            {e.attachments.map((file) => (
              <li>
                <a href={`/expenses/${e.id}/attachments/${file.id}`} hx-boost="false">
                  {file.fileName}
                </a>{' '}
                <span class="hint">({Math.max(1, Math.round(file.byteSize / 1024))} KB)</span>
                {props.canManage && status !== 'voided' ? (
                  <form
                    method="post"
                    action={`/expenses/${e.id}/attachments/${file.id}/delete`}
                    hx-boost="false"
                    data-confirm={t('expenses.attachments.deleteConfirm', { name: file.fileName })}
                  >
                    <button
                      type="submit"
                      class="link-button"
                      aria-label={t('expenses.attachments.deleteLabel', { name: file.fileName })}
                    >
                      {t('expenses.attachments.delete')}
                    </button>
                  </form>
                ) : null}
              </li>
            ))}
          </ul>
        )}
        {props.canManage && status !== 'voided' ? (
          <form
            method="post"
            action={`/expenses/${e.id}/attachments`}
            enctype="multipart/form-data"
            class="form"
            hx-boost="false"
          >
            <Field
              name="attachment"
              type="file"
              label={t('expenses.field.attachment')}
              errors={props.errors}
              attrs={{ accept: 'application/pdf,image/jpeg,image/png,image/webp' }}
            />
            <div class="actions">
              <button type="submit" class="button">
                {t('expenses.attachments.upload')}
              </button>
            </div>
          </form>
        ) : null}
      </section>
      {props.canManage && status !== 'voided' ? (
        <form method="post" action={`/expenses/${e.id}/void`} class="card form" hx-boost="false">
          <h2>{t('expenses.void.title')}</h2>
          <p class="hint">{t('expenses.void.hint')}</p>
          <div class="actions">
            <button type="submit" class="button button-danger">
              {t('expenses.void.submit')}
            </button>
          </div>
        </form>
      ) : null}
    </>
  );
}
