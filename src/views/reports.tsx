import { recentPeriods, reportFileName, type Period } from '../domain/dgii-reports';
import { netItbis } from '../domain/expenses';
import { formatMoney } from '../domain/money';
import { t, type MessageKey } from '../i18n/es-DO';
import type { DgiiPreview } from '../queries/reports';
import { ErrorSummary, SelectField } from './components';
import type { FieldErrors } from '../errors';

/** `202503` -> `marzo de 2025 (202503)`. */
export function periodLabel(period: Period): string {
  return t('reports.dgii.monthOption', {
    month: t(`reports.month.${period.slice(4, 6)}` as MessageKey),
    year: period.slice(0, 4),
    period,
  });
}

export interface DgiiReportState {
  /** The months offered, newest first, ending with the current one. */
  latest: Period;
  /** The chosen period as submitted (may be invalid). */
  period: string;
  preview: DgiiPreview | null;
  errors?: FieldErrors;
  /** Shown instead of the preview (e.g. no company RNC). */
  message?: string | null;
  canConfigureCompany: boolean;
}

/** The month chooser, the preview and the download buttons: the page body and the htmx fragment. */
export function DgiiReport(props: DgiiReportState) {
  const periods = recentPeriods(props.latest, 36);
  // An older valid month typed into the address is offered too, so the choice shows what is previewed.
  if (/^20\d{2}(0[1-9]|1[0-2])$/.test(props.period) && props.period <= props.latest && !periods.includes(props.period))
    periods.push(props.period);
  return (
    <section id="dgii-report">
      <ErrorSummary errors={props.errors} message={props.message} />
      {props.message && props.canConfigureCompany ? (
        <p>
          <a href="/company">{t('reports.dgii.configureCompany')}</a>
        </p>
      ) : null}
      <form
        method="get"
        action="/reports/dgii"
        class="toolbar"
        hx-get="/reports/dgii"
        hx-target="#dgii-report"
        hx-swap="outerHTML"
        hx-push-url="true"
      >
        <SelectField
          name="period"
          label={t('reports.dgii.period')}
          value={props.period}
          hint={t('reports.dgii.periodHint')}
          errors={props.errors}
          options={periods.map((period) => ({ value: period, label: periodLabel(period) }))}
          blank={periods.includes(props.period) ? undefined : ''}
        />
        <button type="submit" class="button-primary">
          {t('reports.dgii.show')}
        </button>
      </form>
      {props.preview ? <DgiiPreviewPanel preview={props.preview} /> : null}
    </section>
  );
}

function StatRow(props: { label: string; value: string | number }) {
  return (
    <tr>
      <th scope="row">{props.label}</th>
      <td class="number">{props.value}</td>
    </tr>
  );
}

function DgiiPreviewPanel(props: { preview: DgiiPreview }) {
  const { preview } = props;
  const { sales, purchases } = preview;
  const query = `?period=${preview.period}`;
  return (
    <div class="dgii-preview" aria-live="polite">
      <h2>{t('reports.dgii.previewTitle', { period: periodLabel(preview.period) })}</h2>
      <table>
        <thead>
          <tr>
            <th scope="col">{t('reports.dgii.sales')}</th>
            <th scope="col" class="number"></th>
          </tr>
        </thead>
        <tbody>
          <StatRow label={t('reports.dgii.lineCount')} value={sales.lineCount} />
          <StatRow label={t('reports.dgii.listedInvoices')} value={sales.listedInvoices} />
          <StatRow label={t('reports.dgii.summarisedInvoices')} value={sales.summarisedInvoices} />
          <StatRow label={t('reports.dgii.creditNotes')} value={sales.creditNotes} />
          <StatRow label={t('reports.dgii.invoiceAmount')} value={formatMoney(sales.invoiceAmount)} />
          <StatRow label={t('reports.dgii.invoiceItbis')} value={formatMoney(sales.invoiceItbis)} />
          <StatRow label={t('reports.dgii.creditNoteAmount')} value={formatMoney(sales.creditNoteAmount)} />
          <StatRow label={t('reports.dgii.creditNoteItbis')} value={formatMoney(sales.creditNoteItbis)} />
        </tbody>
        <thead>
          <tr>
            <th scope="col">{t('reports.dgii.consumer')}</th>
            <th scope="col" class="number"></th>
          </tr>
        </thead>
        <tbody>
          <StatRow label={t('reports.dgii.consumerAmount')} value={formatMoney(sales.consumer.amount)} />
          <StatRow label={t('reports.dgii.consumerItbis')} value={formatMoney(sales.consumer.itbis)} />
          <StatRow label={t('reports.dgii.consumerCash')} value={formatMoney(sales.consumer.cash)} />
          <StatRow label={t('reports.dgii.consumerTransfer')} value={formatMoney(sales.consumer.transfer)} />
          <StatRow label={t('reports.dgii.consumerCard')} value={formatMoney(sales.consumer.card)} />
          <StatRow label={t('reports.dgii.consumerCredit')} value={formatMoney(sales.consumer.credit)} />
          <StatRow label={t('reports.dgii.consumerGift')} value={formatMoney(sales.consumer.gift)} />
          <StatRow label={t('reports.dgii.consumerBarter')} value={formatMoney(sales.consumer.barter)} />
          <StatRow label={t('reports.dgii.consumerOther')} value={formatMoney(sales.consumer.other)} />
        </tbody>
        <thead>
          <tr>
            <th scope="col">{t('reports.dgii.voided')}</th>
            <th scope="col" class="number"></th>
          </tr>
        </thead>
        <tbody>
          <StatRow label={t('reports.dgii.voidedCount')} value={preview.voidedCount} />
        </tbody>
        <thead>
          <tr>
            <th scope="col">{t('expenses.606.section')}</th>
            <th scope="col" class="number"></th>
          </tr>
        </thead>
        <tbody>
          <StatRow label={t('expenses.606.lineCount')} value={purchases.lineCount} />
          <StatRow label={t('expenses.606.creditNotes')} value={purchases.creditNotes} />
          <StatRow label={t('expenses.606.total')} value={formatMoney(purchases.total)} />
          <StatRow label={t('expenses.606.itbisBilled')} value={formatMoney(purchases.itbisBilled)} />
          <StatRow label={t('expenses.606.itbisWithheld')} value={formatMoney(purchases.itbisWithheld)} />
          <StatRow label={t('expenses.606.itbisAdvance')} value={formatMoney(purchases.itbisAdvance)} />
          <StatRow label={t('expenses.606.isrWithheld')} value={formatMoney(purchases.isrWithheld)} />
        </tbody>
      </table>
      <p class="hint">{t('expenses.606.note')}</p>
      <p class="hint">{t('reports.dgii.summaryNote')}</p>
      <p class="hint">{t('reports.dgii.amountsNote')}</p>
      <NetItbisPanel preview={preview} />
      {preview.rnc ? (
        <div class="actions">
          {/* Plain downloads: hx-boost would try to swap a text file into the page. */}
          <a
            class="button button-primary"
            href={`/reports/dgii/607.txt${query}`}
            download={reportFileName('607', preview.rnc, preview.period)}
            hx-boost="false"
          >
            {t('reports.dgii.download607', { file: reportFileName('607', preview.rnc, preview.period) })}
          </a>
          <a
            class="button"
            href={`/reports/dgii/606.txt${query}`}
            download={reportFileName('606', preview.rnc, preview.period)}
            hx-boost="false"
          >
            {t('expenses.606.download', { file: reportFileName('606', preview.rnc, preview.period) })}
          </a>
          <a
            class="button"
            href={`/reports/dgii/608.txt${query}`}
            download={reportFileName('608', preview.rnc, preview.period)}
            hx-boost="false"
          >
            {t('reports.dgii.download608', { file: reportFileName('608', preview.rnc, preview.period) })}
          </a>
        </div>
      ) : null}
    </div>
  );
}

/**
 * The month's net ITBIS for the IT-1, each figure named with the report and field it comes from:
 * ITBIS charged in the 607 (invoices less credit notes) minus the 606's ITBIS por adelantar minus
 * what customers withheld (OptiFlow's 607 records none).
 */
function NetItbisPanel(props: { preview: DgiiPreview }) {
  const { sales, purchases } = props.preview;
  const withheldByCustomers = '0.00';
  const net = netItbis({
    salesItbis: sales.invoiceItbis,
    creditNoteItbis: sales.creditNoteItbis,
    purchasesAdvance: purchases.itbisAdvance,
    withheldByCustomers,
  });
  const minus = (value: string) => formatMoney(value === '0.00' ? value : `-${value}`.replace('--', ''));
  return (
    <section class="net-itbis" aria-labelledby="net-itbis-title">
      <h2 id="net-itbis-title">{t('expenses.net.title')}</h2>
      <table>
        <tbody>
          <StatRow label={t('expenses.net.charged')} value={formatMoney(sales.invoiceItbis)} />
          <StatRow label={t('expenses.net.creditNotes')} value={minus(sales.creditNoteItbis)} />
          <StatRow label={t('expenses.net.chargedNet')} value={formatMoney(net.charged)} />
          <StatRow label={t('expenses.net.advance')} value={minus(purchases.itbisAdvance)} />
          <StatRow label={t('expenses.net.withheld')} value={minus(withheldByCustomers)} />
        </tbody>
        <tfoot>
          <tr>
            <th scope="row">
              <strong>
                {t(
                  `expenses.net.${net.outcome === 'payable' ? 'payable' : net.outcome === 'credit' ? 'credit' : 'zero'}`,
                )}
              </strong>
            </th>
            <td class="number">
              <strong data-net-itbis={net.net}>{formatMoney(net.amount)}</strong>
            </td>
          </tr>
        </tfoot>
      </table>
      <p class="hint">{t('expenses.net.withheldSuppliers', { amount: formatMoney(purchases.itbisWithheld) })}</p>
      <p class="hint">{t('expenses.net.note')}</p>
    </section>
  );
}

/** The whole page content: title, lead and the report section. */
export function DgiiReportPage(props: DgiiReportState) {
  return (
    <>
      <div class="page-head">
        <h1>{t('expenses.dgii.title')}</h1>
      </div>
      <p class="lead">{t('expenses.dgii.lead')}</p>
      <DgiiReport {...props} />
    </>
  );
}
