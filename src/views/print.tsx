import { PrintDocument, PrintToolbar } from './print-document';
import { renderSVG } from 'uqr';
import type { PrintModel, PrintStamp } from '../documents/model';
import { t } from '../i18n/es-DO';

export type PrintFormat = 'a4' | '80mm';

/** `?format=80mm` for receipt printers; anything else prints A4. */
export function printFormat(value: string | undefined): PrintFormat {
  return value === '80mm' ? '80mm' : 'a4';
}

interface PrintPageProps {
  model: PrintModel;
  format: PrintFormat;
  /** The page itself, without `?format=`; the format switch links to it. */
  path: string;
  /** Back to the document's screen; none on a customer's shared copy. */
  backHref?: string;
  pdfHref?: string | null;
}

function Rows(props: { rows: PrintModel['meta']; class: string }) {
  return (
    <dl class={props.class}>
      {props.rows.map((row) => (
        <div class={row.strong ? 'strong' : undefined}>
          <dt>{row.label}</dt>
          <dd>{row.value}</dd>
        </div>
      ))}
    </dl>
  );
}

/** A standalone printable document (no app shell): A4 or an 80 mm receipt. */
export function PrintPage(props: PrintPageProps) {
  const { model, format } = props;
  const company = model.company;
  return (
    <PrintDocument title={`${model.title} ${model.meta[0]?.value ?? ''}`.trim()} bodyClass={`print print-${format}`}>
      <PrintToolbar label={t('documents.print')}>
        {props.backHref ? <a href={props.backHref}>← {t('documents.back')}</a> : null}
        <a href={`${props.path}?format=a4`} aria-current={format === 'a4' ? 'page' : undefined}>
          {t('documents.formatA4')}
        </a>
        <a href={`${props.path}?format=80mm`} aria-current={format === '80mm' ? 'page' : undefined}>
          {t('documents.format80')}
        </a>
        {props.pdfHref ? <a href={props.pdfHref}>{t('documents.downloadPdf')}</a> : null}
      </PrintToolbar>
      <main class="sheet">
        {model.mark ? (
          <p class="print-mark" role="note">
            {model.mark}
          </p>
        ) : null}
        <header class="doc-header">
          <div class="doc-company">
            {company.logoKey ? <img class="doc-logo" src="/company/logo" alt={company.name} /> : null}
            <div>
              <p class="company-name">{company.name}</p>
              {company.rnc ? (
                <p>
                  {t('documents.rnc')}: {company.rnc}
                </p>
              ) : null}
              {company.address ? <p>{company.address}</p> : null}
              {company.phones ? (
                <p>
                  {t('documents.phones')}: {company.phones}
                </p>
              ) : null}
              {company.email ? <p>{company.email}</p> : null}
            </div>
          </div>
          <div class="doc-title">
            <h1>{model.title}</h1>
            <Rows rows={model.meta} class="doc-meta" />
          </div>
        </header>
        <Rows rows={model.party} class="doc-party" />
        {model.lines ? (
          <table class="doc-lines">
            <thead>
              <tr>
                <th scope="col" class="num">
                  {t('documents.quantity')}
                </th>
                <th scope="col">{t('documents.description')}</th>
                <th scope="col" class="num">
                  {t('documents.unitPrice')}
                </th>
                <th scope="col" class="num">
                  {t('documents.discount')}
                </th>
                <th scope="col" class="num">
                  {t('documents.amount')}
                </th>
                <th scope="col" class="exempt">
                  <span class="visually-hidden">{t('documents.exemptLegend')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {model.lines.map((line) => (
                <tr>
                  <td class="num">{line.quantity}</td>
                  <td class="description">{line.description}</td>
                  <td class="num">{line.unitPrice}</td>
                  <td class="num">{line.discount}</td>
                  <td class="num">{line.amount}</td>
                  <td class="exempt">{line.exempt ? t('documents.exemptMark') : ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
        <Rows rows={model.totals} class="doc-totals" />
        {model.stamp ? <EcfStamp stamp={model.stamp} /> : null}
        {model.notes.length ? (
          <section class="doc-notes">
            {model.notes.map((note) => (
              <p>{note}</p>
            ))}
          </section>
        ) : null}
        {model.footer ? <footer class="doc-footer">{model.footer}</footer> : null}
      </main>
    </PrintDocument>
  );
}

/** DGII's printed representation of an e-CF: the QR to its `consultatimbre` page, the security code, the signature date and the legend while DGII has not received it. */
function EcfStamp(props: { stamp: PrintStamp }) {
  const { stamp } = props;
  return (
    <section class="doc-ecf">
      <a href={stamp.qrUrl} class="doc-ecf-qr">
        <img src={`data:image/svg+xml;base64,${btoa(renderSVG(stamp.qrUrl))}`} alt={t('documents.ecf.qrAlt')} />
      </a>
      <dl>
        <div>
          <dt>{t('documents.ecf.securityCode')}</dt>
          <dd>
            <strong>{stamp.securityCode}</strong>
          </dd>
        </div>
        <div>
          <dt>{t('documents.ecf.signedAt')}</dt>
          <dd>{stamp.signedAt}</dd>
        </div>
      </dl>
      {stamp.legend ? (
        <p class="doc-ecf-legend" role="note">
          <strong>{stamp.legend}</strong>
        </p>
      ) : null}
    </section>
  );
}
