import { formatDate, formatDateTime } from '../domain/dates';
import { formatMoney } from '../domain/money';
import { formatTaxId } from '../domain/tax-id';
import type { FieldErrors } from '../errors';
import { type MessageKey, t } from '../i18n/es-DO';
import type { ReceivedEcfDocument, ReceivedEcfListRow } from '../services/shop/received-ecf';
import { ErrorSummary, Field, LiveSearchForm, Notice, ResultsTable, SelectField, TextAreaField } from './components';

export const inboxPath = '/ecf/recibidos';

const approvalLabel = (approval: string) => t(`ecfInbox.approval.${approval}` as MessageKey);
const badgeClass = (approval: string) => (approval === 'pending' ? 'badge badge-warn' : 'badge');
const sendLabel = (state: string | null) => (state ? t(`ecfInbox.send.state.${state}` as MessageKey) : '—');
const symbolOf = (currency: string) => (currency === 'DOP' ? 'RD$' : currency);

export interface InboxListProps {
  rows: ReceivedEcfListRow[];
  nextHref: string | null;
  firstHref: string | null;
}

export function InboxResults(props: InboxListProps) {
  return (
    <ResultsTable
      id="inbox-results"
      empty={t('ecfInbox.empty')}
      columns={[
        { label: t('ecfInbox.column.receivedAt') },
        { label: t('ecfInbox.column.issuer') },
        { label: t('ecfInbox.column.encf') },
        { label: t('ecfInbox.column.issuedOn') },
        { label: t('ecfInbox.column.total'), numeric: true },
        { label: t('ecfInbox.column.approval') },
      ]}
      rows={props.rows}
      row={(row) => (
        <tr>
          <td>{formatDateTime(row.createdAt)}</td>
          <td>
            {row.issuerName}
            <br />
            <small>{formatTaxId(row.issuerRnc)}</small>
          </td>
          <td>
            <a href={`${inboxPath}/${row.id}`}>{row.encf}</a>
          </td>
          <td>{formatDate(row.issuedOn)}</td>
          <td class="number">{formatMoney(row.total, symbolOf(row.currency))}</td>
          <td>
            <span class={badgeClass(row.approval)}>{approvalLabel(row.approval)}</span>
          </td>
        </tr>
      )}
      pager={{
        nextHref: props.nextHref,
        firstHref: props.firstHref,
        nextLabel: t('ecfInbox.next'),
        firstLabel: t('ecfInbox.first'),
      }}
    />
  );
}

export function InboxPage(props: InboxListProps & { q: string; approval: string }) {
  return (
    <>
      <div class="page-head">
        <h1>{t('ecfInbox.title')}</h1>
      </div>
      <p class="lead">{t('ecfInbox.lead')}</p>
      <LiveSearchForm action={inboxPath} target="#inbox-results" filters={['approval']}>
        <Field
          name="q"
          type="search"
          label={t('ecfInbox.search')}
          value={props.q}
          inputmode="search"
          attrs={{ autocomplete: 'off' }}
        />
        <SelectField
          name="approval"
          label={t('ecfInbox.approvalFilter')}
          value={props.approval}
          blank={t('ecfInbox.allApprovals')}
          options={(['pending', 'approved', 'rejected'] as const).map((value) => ({
            value,
            label: approvalLabel(value),
          }))}
        />
        <button type="submit">{t('ecfInbox.filter')}</button>
      </LiveSearchForm>
      <InboxResults {...props} />
    </>
  );
}

export interface InboxDocumentProps {
  document: ReceivedEcfDocument;
  canApprove: boolean;
  approvable: boolean;
  /** May record the e-CF as an expense (expenses.manage). */
  canRecordExpense?: boolean;
  notice?: string | null;
  values?: { decision?: string; reason?: string };
  errors?: FieldErrors;
  message?: string | null;
}

export function InboxDocumentPage(props: InboxDocumentProps) {
  const { row, view } = props.document;
  const money = (value: string | null) => formatMoney(value, symbolOf(view.currency));
  const base = `${inboxPath}/${row.id}`;
  return (
    <>
      <div class="page-head">
        <h1>{t('ecfInbox.detail.title', { encf: row.encf })}</h1>
        <div class="actions">
          <a class="button" href={`${base}/xml`} hx-boost="false">
            {t('ecfInbox.download')}
          </a>
          <a class="button" href={`${base}/print`} hx-boost="false">
            {t('ecfInbox.print')}
          </a>
          {!props.document.expenseId && props.canRecordExpense ? (
            <a class="button button-primary" href={`/expenses/new?receivedEcfId=${row.id}`}>
              {t('expenses.ecf.register')}
            </a>
          ) : null}
        </div>
      </div>
      {props.document.expenseId ? (
        <p>
          <span class="badge">{t('expenses.ecf.registered')}</span>{' '}
          <a href={`/expenses/${props.document.expenseId}`}>{t('expenses.ecf.open')}</a>
        </p>
      ) : null}
      {props.notice ? <Notice>{props.notice}</Notice> : null}
      <dl class="invoice-facts">
        <dt>{t('ecfInbox.detail.issuer')}</dt>
        <dd>
          {view.issuer.name} · {formatTaxId(row.issuerRnc)}
        </dd>

        <dt>{t('ecfInbox.detail.buyer')}</dt>
        <dd>
          {view.buyer.name ?? '—'} · {view.buyer.rnc ? formatTaxId(view.buyer.rnc) : '—'}
        </dd>

        <dt>{t('ecfInbox.column.type')}</dt>
        <dd>{row.ecfType}</dd>

        <dt>{t('ecfInbox.column.issuedOn')}</dt>
        <dd>{formatDate(row.issuedOn)}</dd>

        {view.modifiedEncf ? (
          <>
            <dt>{t('ecfInbox.detail.modified')}</dt>
            <dd>{view.modifiedEncf}</dd>
          </>
        ) : null}

        <dt>{t('ecfInbox.detail.securityCode')}</dt>
        <dd>{row.securityCode}</dd>

        <dt>{t('ecfInbox.detail.signedAt')}</dt>
        <dd>{formatDateTime(row.signedAt)}</dd>

        <dt>{t('ecfInbox.column.receivedAt')}</dt>
        <dd>{formatDateTime(row.createdAt)}</dd>
      </dl>
      <h2>{t('ecfInbox.detail.lines')}</h2>
      <ResultsTable
        empty="—"
        columns={[
          { label: t('ecfInbox.line.number') },
          { label: t('ecfInbox.line.name') },
          { label: t('ecfInbox.line.quantity'), numeric: true },
          { label: t('ecfInbox.line.unitPrice'), numeric: true },
          { label: t('ecfInbox.line.discount'), numeric: true },
          { label: t('ecfInbox.line.tax') },
          { label: t('ecfInbox.line.amount'), numeric: true },
        ]}
        rows={view.lines}
        row={(line) => (
          <tr>
            <td>{line.number}</td>
            <td>
              {line.name}
              {line.description ? (
                <>
                  <br />
                  <small>{line.description}</small>
                </>
              ) : null}
            </td>
            <td class="number">{line.quantity}</td>
            <td class="number">{money(line.unitPrice)}</td>
            <td class="number">{line.discount ? money(line.discount) : ''}</td>
            <td>{line.billing ? t(`ecfInbox.billing.${line.billing}` as MessageKey) : ''}</td>
            <td class="number">{money(line.amount)}</td>
          </tr>
        )}
      />
      <table class="totals-table">
        <tbody>
          {(['taxable', 'exempt', 'itbis', 'total'] as const).map((key) =>
            view.totals[key] ? (
              <tr class={key === 'total' ? 'grand-total' : undefined}>
                <th scope="row">{t(`ecfInbox.totals.${key}`)}</th>
                <td class="number">{money(view.totals[key])}</td>
              </tr>
            ) : null,
          )}
        </tbody>
      </table>
      <Decision {...props} />
    </>
  );
}

function Decision(props: InboxDocumentProps) {
  const { row } = props.document;
  if (row.approval !== 'pending')
    return (
      <section class="card" aria-labelledby="decision-title">
        <h2 id="decision-title">{t('ecfInbox.decision.title')}</h2>
        <ErrorSummary errors={props.errors} message={props.message} />
        <p>
          <span class={badgeClass(row.approval)}>{approvalLabel(row.approval)}</span>{' '}
          {row.approvedAt
            ? t('ecfInbox.decision.decidedOn', {
                approval: approvalLabel(row.approval),
                date: formatDateTime(row.approvedAt),
              })
            : null}
        </p>
        {row.approvalReason ? <p>{row.approvalReason}</p> : null}
        <h3>{t('ecfInbox.send.title')}</h3>
        <dl class="invoice-facts">
          <dt>{t('ecfInbox.send.dgii')}</dt>
          <dd>{sendLabel(row.approvalDgiiState)}</dd>

          <dt>{t('ecfInbox.send.issuer')}</dt>
          <dd>{sendLabel(row.approvalIssuerState)}</dd>
        </dl>
        {row.approvalError ? <p class="hint">{row.approvalError}</p> : null}
      </section>
    );
  if (!props.approvable)
    return (
      <section class="card">
        <h2>{t('ecfInbox.decision.title')}</h2>
        <p>{t('ecfInbox.decision.notApprovable')}</p>
      </section>
    );
  if (!props.canApprove) return null;
  return (
    <section class="card" aria-labelledby="decision-title">
      <h2 id="decision-title">{t('ecfInbox.decision.title')}</h2>
      <p class="hint">{t('ecfInbox.decision.lead')}</p>
      <ErrorSummary errors={props.errors} message={props.message} />
      <form method="post" action={`${inboxPath}/${row.id}/decision`}>
        <TextAreaField
          name="reason"
          label={t('ecfInbox.decision.reason')}
          value={props.values?.reason}
          errors={props.errors}
          hint={t('ecfInbox.decision.reasonHint')}
        />
        <div class="actions">
          <button type="submit" name="decision" value="approved">
            {t('ecfInbox.decision.approve')}
          </button>
          <button type="submit" name="decision" value="rejected" class="button-danger">
            {t('ecfInbox.decision.reject')}
          </button>
        </div>
      </form>
    </section>
  );
}
