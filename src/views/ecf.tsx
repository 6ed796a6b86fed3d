import type { EcfState } from '../db/tenant-schema';
import { formatDateTime } from '../domain/dates';
import { type MessageKey, t } from '../i18n/es-DO';
import type { EcfListRow, EcfMessage, EcfRow } from '../queries/ecf';
import type { InvoiceEcf } from '../queries/invoices';
import { Notice } from './components';

const finalGood: ReadonlySet<EcfState> = new Set(['accepted', 'accepted_conditional']);

export function stateLabel(state: EcfState): string {
  return t(`ecfSubmissions.state.${state}` as MessageKey);
}

/** The e-CF state as a badge: plain once DGII accepted it, a warning otherwise. */
export function EcfStateBadge(props: { state: EcfState }) {
  return (
    <span class={finalGood.has(props.state) ? 'badge' : 'badge badge-warn'} data-ecf-state={props.state}>
      {stateLabel(props.state)}
    </span>
  );
}

/** How long something has waited, in words short enough for a phone ("3 h 12 min"). */
export function waitedFor(since: Date, now: Date = new Date()): string {
  const minutes = Math.max(0, Math.floor((now.getTime() - since.getTime()) / 60_000));
  if (minutes < 60) return t('ecfSubmissions.wait.minutes', { minutes });
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return t('ecfSubmissions.wait.hours', { hours, minutes: minutes % 60 });
  return t('ecfSubmissions.wait.days', { days: Math.floor(hours / 24), hours: hours % 24 });
}

function DgiiMessages(props: { messages: readonly EcfMessage[] }) {
  if (!props.messages.length) return <p class="hint">{t('ecfSubmissions.panel.none')}</p>;
  return (
    <ul class="ecf-messages">
      {props.messages.map((message) => (
        <li>
          {message.codigo ? <strong>{message.codigo}: </strong> : null}
          {message.valor}
        </li>
      ))}
    </ul>
  );
}

/** What DGII's rule on the e-NCF means for the shop after a rejection. */
function RejectionNote(props: { sequenceUsed: boolean | null }) {
  return <p>{t(props.sequenceUsed === false ? 'ecfSubmissions.notConsumed' : 'ecfSubmissions.consumed')}</p>;
}

function RetryButton(props: { id: string }) {
  return (
    <form method="post" action={`/ecf/${props.id}/retry`}>
      <button type="submit" class="button">
        {t('ecfSubmissions.retry')}
      </button>
    </form>
  );
}

/** What the panel shows: the e-CF a document query reads with the document (or the row itself). */
type EcfPanelData = Pick<
  InvoiceEcf & EcfRow,
  | 'id'
  | 'state'
  | 'dgiiStatus'
  | 'encf'
  | 'environment'
  | 'securityCode'
  | 'trackId'
  | 'channel'
  | 'lastError'
  | 'messages'
  | 'sequenceUsed'
> & {
  signedAt: Date | string;
} & {
  buyerApproval?: InvoiceEcf['buyerApproval'];
  buyerApprovalReason?: string | null;
  buyerApprovalAt?: Date | string | null;
  deliveryState?: InvoiceEcf['deliveryState'];
  deliveredAt?: Date | string | null;
  deliveryError?: string | null;
};

/**
 * The e-CF of an invoice or credit note, for its page: state, trackId, security code, signature
 * date and DGII's messages; a retry button while it waits.
 */
export function EcfStatusPanel(props: { ecf: EcfPanelData; canRetry?: boolean }) {
  const { ecf } = props;
  const waiting = ecf.state === 'pending' || ecf.state === 'contingency' || ecf.state === 'sent';
  return (
    <section class="card ecf-panel" aria-labelledby={`ecf-${ecf.id}`} id="ecf-status">
      <h2 id={`ecf-${ecf.id}`}>{t('ecfSubmissions.panel.title')}</h2>
      <dl class="invoice-facts">
        <dt>{t('ecfSubmissions.panel.state')}</dt>
        <dd>
          <EcfStateBadge state={ecf.state} />{' '}
          {ecf.dgiiStatus && ecf.dgiiStatus !== stateLabel(ecf.state) ? ecf.dgiiStatus : null}
        </dd>
        <dt>{t('ecfSubmissions.column.encf')}</dt>
        <dd>{ecf.encf}</dd>
        <dt>{t('ecfSubmissions.panel.environment')}</dt>
        <dd>{ecf.environment}</dd>
        <dt>{t('ecfSubmissions.panel.securityCode')}</dt>
        <dd>
          <code>{ecf.securityCode}</code>
        </dd>
        <dt>{t('ecfSubmissions.panel.signedAt')}</dt>
        <dd>{formatDateTime(ecf.signedAt)}</dd>
        {ecf.trackId ? (
          <>
            <dt>{t('ecfSubmissions.panel.trackId')}</dt>
            <dd>
              <code>{ecf.trackId}</code>
            </dd>
          </>
        ) : null}
      </dl>
      {ecf.channel === 'rfce' ? <p class="hint">{t('ecfSubmissions.panel.channel.rfce')}</p> : null}
      {ecf.state === 'contingency' ? <Notice>{t('ecfSubmissions.contingencyNote')}</Notice> : null}
      {ecf.lastError && waiting ? (
        <p class="hint">{t('ecfSubmissions.lastError', { message: ecf.lastError })}</p>
      ) : null}
      <h3>{t('ecfSubmissions.panel.messages')}</h3>
      <DgiiMessages messages={ecf.messages} />
      {ecf.state === 'rejected' ? <RejectionNote sequenceUsed={ecf.sequenceUsed} /> : null}
      <BuyerSide ecf={ecf} />
      {waiting && props.canRetry ? <RetryButton id={ecf.id} /> : null}
    </section>
  );
}

/** What the buyer did with it: the e-CF sent to its receiver endpoint (ARECF) and its commercial answer (ACECF). */
function BuyerSide(props: { ecf: EcfPanelData }) {
  const { deliveryState, deliveredAt, deliveryError, buyerApproval, buyerApprovalReason, buyerApprovalAt } = props.ecf;
  if (!deliveryState && !buyerApproval) return null;
  return (
    <>
      <h3>{t('ecfSubmissions.panel.buyer')}</h3>
      <dl class="invoice-facts" data-ecf-buyer>
        {deliveryState ? (
          <>
            <dt>{t('ecfSubmissions.panel.delivery')}</dt>
            <dd data-delivery-state={deliveryState}>
              {t(`ecfSubmissions.delivery.${deliveryState}` as MessageKey)}
              {deliveredAt ? ` · ${formatDateTime(deliveredAt)}` : null}
              {deliveryError && deliveryState !== 'delivered' ? <p class="hint">{deliveryError}</p> : null}
            </dd>
          </>
        ) : null}
        {buyerApproval ? (
          <>
            <dt>{t('ecfSubmissions.panel.buyerApproval')}</dt>
            <dd data-buyer-approval={buyerApproval}>
              {t(`ecfSubmissions.buyerApproval.${buyerApproval}` as MessageKey)}
              {buyerApprovalAt ? ` · ${formatDateTime(buyerApprovalAt)}` : null}
              {buyerApprovalReason ? <p class="hint">{buyerApprovalReason}</p> : null}
            </dd>
          </>
        ) : null}
      </dl>
    </>
  );
}

function documentHref(row: EcfListRow): string {
  return row.kind === 'credit_note' ? `/credit-notes/${row.invoiceId}` : `/invoices/${row.invoiceId}`;
}

function EcfCard(props: { row: EcfListRow; now: Date; canRetry: boolean }) {
  const { row } = props;
  const rejected = row.state === 'rejected';
  return (
    <article class="card ecf-item" data-encf={row.encf}>
      <p>
        <a href={documentHref(row)}>
          {t(row.kind === 'credit_note' ? 'ecfSubmissions.creditNote' : 'ecfSubmissions.invoice')} {row.encf}
        </a>{' '}
        <EcfStateBadge state={row.state} />
      </p>
      {row.buyerName ? <p class="hint">{row.buyerName}</p> : null}
      {rejected ? (
        <>
          <DgiiMessages messages={row.messages} />
          <RejectionNote sequenceUsed={row.sequenceUsed} />
        </>
      ) : (
        <>
          <p>
            {t('ecfSubmissions.column.waited')}: {waitedFor(row.createdAt, props.now)} ·{' '}
            {t('ecfSubmissions.column.attempts')}: {row.attempts}
          </p>
          {row.state === 'contingency' ? (
            <p class="hint">{t('ecfSubmissions.nextAttempt', { time: formatDateTime(row.nextAttemptAt) })}</p>
          ) : null}
          {row.lastError ? <p class="hint">{t('ecfSubmissions.lastError', { message: row.lastError })}</p> : null}
          {props.canRetry && row.state !== 'sending' ? <RetryButton id={row.id} /> : null}
        </>
      )}
    </article>
  );
}

/** /ecf: what waits for DGII (oldest first, with how long) and what DGII rejected, as cards that fit a phone. */
export function EcfPendingPage(props: { rows: readonly EcfListRow[]; canRetry: boolean; notice?: string | null }) {
  const now = new Date();
  const waiting = props.rows.filter((row) => row.state !== 'rejected');
  const rejected = props.rows.filter((row) => row.state === 'rejected');
  return (
    <>
      <h1>{t('ecfSubmissions.title')}</h1>
      <p>{t('ecfSubmissions.lead')}</p>
      <p>
        <a href="/ecf/cancellations">{t('ecfCancellations.nav')}</a> ·{' '}
        <a href="/ecf/fallback">{t('ecfFallback.nav')}</a>
      </p>
      {props.notice ? <Notice>{props.notice}</Notice> : null}
      {props.rows.length === 0 ? <p class="empty card">{t('ecfSubmissions.empty')}</p> : null}
      {waiting.length ? (
        <section aria-labelledby="ecf-waiting">
          <h2 id="ecf-waiting">{t('ecfSubmissions.waiting')}</h2>
          <div class="ecf-list">
            {waiting.map((row) => (
              <EcfCard row={row} now={now} canRetry={props.canRetry} />
            ))}
          </div>
        </section>
      ) : null}
      {rejected.length ? (
        <section aria-labelledby="ecf-rejected">
          <h2 id="ecf-rejected">{t('ecfSubmissions.rejectedHeading')}</h2>
          <div class="ecf-list">
            {rejected.map((row) => (
              <EcfCard row={row} now={now} canRetry={false} />
            ))}
          </div>
        </section>
      ) : null}
    </>
  );
}
