import { EcfStatusPanel } from './ecf';
import { formatDate } from '../domain/dates';
import { compareDecimals, formatDecimal, formatMoney } from '../domain/money';
import { ncfTypes } from '../domain/ncf';
import { formatIdentification } from '../domain/tax-id';
import { t, type MessageKey } from '../i18n/es-DO';
import type { CreditableInvoice, CreditNote, CreditNoteSummary } from '../queries/credit-notes';
import { ErrorSummary, Field, LiveSearchForm, Notice, ResultsTable, TextAreaField } from './components';
import type { FieldErrors } from '../errors';
import { FixLink } from './pages';
import type { ErrorLink } from '../errors';

export interface CreditNotesListProps {
  rows: CreditNoteSummary[];
  nextHref: string | null;
  firstHref: string | null;
}

export function CreditNoteResults(props: CreditNotesListProps) {
  return (
    <ResultsTable
      id="credit-note-results"
      empty={t('creditNotes.empty')}
      columns={[
        { label: t('creditNotes.field.ncf') },
        { label: t('creditNotes.field.issuedOn') },
        { label: t('creditNotes.field.modifiedNcf') },
        { label: t('creditNotes.field.customer') },
        { label: t('creditNotes.field.reason') },
        { label: t('creditNotes.field.total'), numeric: true },
      ]}
      rows={props.rows}
      row={(row) => (
        <tr>
          <td style="white-space: nowrap">
            <a href={`/credit-notes/${row.id}`}>{row.ncf}</a>
          </td>
          <td>{formatDate(row.issuedOn)}</td>
          <td>
            <a href={`/invoices/${row.originalId}`}>{row.modifiedNcf}</a>
          </td>
          <td>{row.buyerName ?? '—'}</td>
          <td>{row.creditReason}</td>
          <td class="number">{formatMoney(row.total, row.currencySymbol)}</td>
        </tr>
      )}
      pager={{
        nextHref: props.nextHref,
        firstHref: props.firstHref,
        nextLabel: t('creditNotes.next'),
        firstLabel: t('creditNotes.first'),
      }}
    />
  );
}

export function CreditNotesPage(props: CreditNotesListProps & { q?: string }) {
  return (
    <>
      <div class="page-head">
        <h1>{t('creditNotes.title')}</h1>
      </div>
      <p class="lead">{t('creditNotes.lead')}</p>
      <LiveSearchForm action="/credit-notes" target="#credit-note-results">
        <Field
          name="q"
          type="search"
          label={t('creditNotes.search')}
          value={props.q ?? ''}
          inputmode="search"
          attrs={{ autocomplete: 'off' }}
        />
        <button type="submit">{t('creditNotes.filter')}</button>
      </LiveSearchForm>
      <CreditNoteResults {...props} />
    </>
  );
}

export interface CreditNoteFormValues {
  reason?: string;
  /** Line id -> quantity typed. */
  quantities: Record<string, string>;
  /** Line ids whose goods go back to stock. */
  returns: string[];
}

export function NewCreditNotePage(props: {
  invoice: CreditableInvoice;
  values: CreditNoteFormValues;
  errors?: FieldErrors;
  message?: string | null;
  fix?: ErrorLink | null;
  refundsItbis: boolean;
}) {
  const { invoice, values, errors } = props;
  const money = (value: string) => formatMoney(value, invoice.currencySymbol);
  const type = invoice.creditNoteType;
  const open =
    invoice.lines.some((line) => compareDecimals(line.remaining, '0') > 0) &&
    compareDecimals(invoice.creditable, '0') > 0;
  return (
    <section class="card" aria-labelledby="credit-title">
      <h1 id="credit-title">{t('creditNotes.new.title', { ncf: invoice.ncf ?? '—' })}</h1>
      <p class="lead">{t('creditNotes.new.lead', { type: `${type} (${ncfTypes[type].name})` })}</p>
      <dl class="payments-figures">
        <div>
          <dt>{t('creditNotes.field.customer')}</dt>
          <dd>{invoice.buyerName ?? '—'}</dd>
        </div>
        <div>
          <dt>{t('creditNotes.field.buyerId')}</dt>
          <dd>{formatIdentification(invoice.buyerIdType, invoice.buyerIdNumber) || '—'}</dd>
        </div>
        <div>
          <dt>{t('creditNotes.invoice.total')}</dt>
          <dd>{money(invoice.total)}</dd>
        </div>
        <div>
          <dt>{t('creditNotes.invoice.credited')}</dt>
          <dd>{money(invoice.creditedTotal)}</dd>
        </div>
        <div>
          <dt>{t('creditNotes.invoice.creditable')}</dt>
          <dd>
            <strong>{money(invoice.creditable)}</strong>
          </dd>
        </div>
      </dl>
      <Notice>
        {props.refundsItbis
          ? t('creditNotes.new.itbis')
          : t('creditNotes.new.noItbis', { date: formatDate(invoice.issuedOn) })}
      </Notice>
      <ErrorSummary errors={errors} message={props.message ?? errors?.lines ?? null} />
      <FixLink fix={props.fix} />
      {!open ? (
        <p class="empty">{t('creditNotes.new.nothingLeft')}</p>
      ) : (
        <form method="post" action={`/invoices/${invoice.id}/credit-notes`} hx-boost="false" novalidate>
          <table class="credit-lines">
            <thead>
              <tr>
                <th scope="col">{t('creditNotes.field.description')}</th>
                <th scope="col" class="number">
                  {t('creditNotes.field.invoiced')}
                </th>
                <th scope="col" class="number">
                  {t('creditNotes.field.remaining')}
                </th>
                <th scope="col" class="number">
                  {t('creditNotes.field.unitPrice')}
                </th>
                <th scope="col" class="number">
                  {t('creditNotes.field.rate')}
                </th>
                <th scope="col">{t('creditNotes.field.quantity')}</th>
                <th scope="col">{t('creditNotes.field.returnToStock')}</th>
              </tr>
            </thead>
            <tbody>
              {invoice.lines.map((line) => {
                const error = errors?.[`lines.${line.id}.quantity`] ?? errors?.[`lines.${line.id}.returnToStock`];
                const left = compareDecimals(line.remaining, '0') > 0;
                return (
                  <tr>
                    <td>{line.description}</td>
                    <td class="number">{formatDecimal(line.quantity)}</td>
                    <td class="number">{formatDecimal(line.remaining)}</td>
                    <td class="number">{money(line.unitPrice)}</td>
                    <td class="number">
                      {line.exempt ? t('creditNotes.exemptMark') : `${formatDecimal(line.taxRate, 0)}%`}
                    </td>
                    <td>
                      {left ? (
                        <>
                          <input
                            type="text"
                            inputmode="decimal"
                            name={`qty_${line.id}`}
                            id={`qty-${line.id}`}
                            value={values.quantities[line.id] ?? ''}
                            placeholder="0"
                            aria-label={t('creditNotes.field.quantityOf', { description: line.description })}
                            aria-invalid={error ? 'true' : undefined}
                            aria-describedby={error ? `qty-${line.id}-error` : undefined}
                            autocomplete="off"
                          />
                          {error ? (
                            <p class="error-text" id={`qty-${line.id}-error`}>
                              {error}
                            </p>
                          ) : null}
                        </>
                      ) : (
                        '—'
                      )}
                    </td>
                    <td>
                      {left && line.trackStock ? (
                        <input
                          type="checkbox"
                          name={`ret_${line.id}`}
                          value="1"
                          checked={values.returns.includes(line.id)}
                          aria-label={t('creditNotes.field.returnOf', { description: line.description })}
                        />
                      ) : null}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          <TextAreaField
            name="reason"
            label={`${t('creditNotes.field.reason')} *`}
            value={values.reason}
            errors={errors}
            rows={2}
          />
          <div class="actions">
            <button type="submit" class="button-primary">
              {t('creditNotes.new.submit')}
            </button>
            <button type="submit" name="full" value="1" title={t('creditNotes.new.fullHint')}>
              {t('creditNotes.new.full')}
            </button>
            <a href={`/invoices/${invoice.id}`} class="button">
              {t('creditNotes.back.invoice')}
            </a>
          </div>
        </form>
      )}
    </section>
  );
}

/** A credit note is issued or voided; it is never paid, so it does not share the invoice's labels. */
export const creditNoteStatusLabel = (status: string) => t(`creditNotes.status.${status}` as MessageKey);

export function CreditNoteStatusBadge(props: { status: string }) {
  return (
    <span
      class={
        props.status === 'voided' ? 'badge badge-voided' : props.status === 'draft' ? 'badge' : 'badge badge-issued'
      }
    >
      {creditNoteStatusLabel(props.status)}
    </span>
  );
}

export function CreditNotePage(props: { note: CreditNote; notice: boolean; canRetry?: boolean }) {
  const { note } = props;
  const money = (value: string) => formatMoney(value, note.currencySymbol);
  return (
    <>
      <div class="page-head">
        <h1>
          {t('creditNotes.detail.title', { ncf: note.ncf })} <CreditNoteStatusBadge status={note.status} />
        </h1>
        <div class="actions">
          <a class="button" href={`/credit-notes/${note.id}/print?format=a4`} hx-boost="false">
            {t('creditNotes.print.a4')}
          </a>
          <a class="button" href={`/credit-notes/${note.id}/print?format=80mm`} hx-boost="false">
            {t('creditNotes.print.80mm')}
          </a>
        </div>
      </div>
      {props.notice ? <Notice>{t('creditNotes.notice.created')}</Notice> : null}
      {props.note.ecf ? <EcfStatusPanel ecf={props.note.ecf} canRetry={props.canRetry} /> : null}
      <section class="card">
        <dl class="payments-figures">
          <div>
            <dt>{t('creditNotes.field.ncf')}</dt>
            <dd>
              <strong>{note.ncf}</strong>
            </dd>
          </div>
          <div>
            <dt>{t('creditNotes.field.type')}</dt>
            <dd>
              {note.ncfType} · {ncfTypes[note.ncfType as keyof typeof ncfTypes]?.name ?? ''}
            </dd>
          </div>
          <div>
            <dt>{t('creditNotes.field.issuedOn')}</dt>
            <dd>{formatDate(note.issuedOn)}</dd>
          </div>
          <div>
            <dt>{t('creditNotes.field.modifiedNcf')}</dt>
            <dd>
              <a href={`/invoices/${note.originalId}`}>{note.modifiedNcf}</a>
            </dd>
          </div>
          <div>
            <dt>{t('creditNotes.field.customer')}</dt>
            <dd>{note.buyerName ?? '—'}</dd>
          </div>
          <div>
            <dt>{t('creditNotes.field.buyerId')}</dt>
            <dd>{formatIdentification(note.buyerIdType, note.buyerIdNumber) || '—'}</dd>
          </div>
          <div>
            <dt>{t('creditNotes.field.branch')}</dt>
            <dd>{note.branchName}</dd>
          </div>
          {note.sellerName ? (
            <div>
              <dt>{t('sellers.field')}</dt>
              <dd>{note.sellerName}</dd>
            </div>
          ) : null}
          <div>
            <dt>{t('creditNotes.field.refundsItbis')}</dt>
            <dd>{note.refundsItbis ? t('creditNotes.yes') : t('creditNotes.no')}</dd>
          </div>
          <div>
            <dt>{t('creditNotes.field.reason')}</dt>
            <dd>{note.creditReason}</dd>
          </div>
        </dl>
        <table>
          <thead>
            <tr>
              <th scope="col">{t('creditNotes.field.description')}</th>
              <th scope="col" class="number">
                {t('creditNotes.field.quantity')}
              </th>
              <th scope="col" class="number">
                {t('creditNotes.field.unitPrice')}
              </th>
              <th scope="col" class="number">
                {t('creditNotes.field.discount')}
              </th>
              <th scope="col" class="number">
                {t('creditNotes.field.rate')}
              </th>
              <th scope="col" class="number">
                {t('creditNotes.field.amount')}
              </th>
              <th scope="col">{t('creditNotes.field.returnToStock')}</th>
            </tr>
          </thead>
          <tbody>
            {note.lines.map((line) => (
              <tr>
                <td>{line.description}</td>
                <td class="number">{formatDecimal(line.quantity)}</td>
                <td class="number">{money(line.unitPrice)}</td>
                <td class="number">{money(line.discount)}</td>
                <td class="number">
                  {line.exempt ? t('creditNotes.exemptMark') : `${formatDecimal(line.taxRate, 0)}%`}
                </td>
                <td class="number">{money(line.amount)}</td>
                <td>{line.returnToStock ? t('creditNotes.yes') : t('creditNotes.no')}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <table class="credit-totals">
          <tbody>
            <tr>
              <th scope="row">{t('creditNotes.totals.gross')}</th>
              <td>{money(note.grossTotal)}</td>
            </tr>
            <tr>
              <th scope="row">{t('creditNotes.totals.discount')}</th>
              <td>{money(note.discountTotal)}</td>
            </tr>
            <tr>
              <th scope="row">{t('creditNotes.totals.taxable')}</th>
              <td>{money(note.taxableTotal)}</td>
            </tr>
            <tr>
              <th scope="row">{t('creditNotes.totals.exempt')}</th>
              <td>{money(note.exemptTotal)}</td>
            </tr>
            {note.taxBreakdown.map((entry) => (
              <tr>
                <th scope="row">
                  {t('creditNotes.totals.itbis')} {formatDecimal(entry.rate, 0)}%
                </th>
                <td>{money(entry.itbis)}</td>
              </tr>
            ))}
            <tr class="total">
              <th scope="row">{t('creditNotes.totals.total')}</th>
              <td>{money(note.total)}</td>
            </tr>
          </tbody>
        </table>
      </section>
      <p class="actions">
        <a href={`/invoices/${note.originalId}`}>{t('creditNotes.back.invoice')}</a>
        <a href="/credit-notes">{t('creditNotes.title')}</a>
      </p>
    </>
  );
}
