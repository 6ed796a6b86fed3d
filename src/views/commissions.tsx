import { PrintDocument, PrintToolbar } from './print-document';
import { formatDate, formatDateTime } from '../domain/dates';
import { formatMoney } from '../domain/money';
import { productCategories } from '../db/tenant-schema';
import type { FieldErrors } from '../errors';
import { t, type MessageKey } from '../i18n/es-DO';
import type { CommissionRuleRow } from '../queries/commissions';
import type { CommissionReport, CommissionSeller } from '../services/shop/commissions';
import { ErrorSummary, Field, Notice, SelectField, Warning } from './components';

const money = (value: string) => formatMoney(value);
const categoryLabel = (category: string | null) =>
  category ? t(`products.category.${category}` as MessageKey) : t('commissions.rules.anyCategory');

function SellerTable(props: { sellers: CommissionSeller[]; report: CommissionReport; linked: boolean }) {
  return (
    <table class="commission-sellers">
      <caption class="visually-hidden">{t('commissions.title')}</caption>
      <thead>
        <tr>
          <th scope="col">{t('commissions.seller')}</th>
          <th scope="col" class="number">
            {t('commissions.documents')}
          </th>
          <th scope="col" class="number">
            {t('commissions.base')}
          </th>
          <th scope="col" class="number">
            {t('commissions.amount')}
          </th>
        </tr>
      </thead>
      <tbody>
        {props.sellers.map((seller) => (
          <tr>
            <th scope="row">
              {props.linked ? <a href={`#seller-${seller.sellerId}`}>{seller.sellerName}</a> : seller.sellerName}
            </th>
            <td class="number">{seller.documents.length}</td>
            <td class="number">{money(seller.base)}</td>
            <td class="number">
              <strong>{money(seller.amount)}</strong>
            </td>
          </tr>
        ))}
      </tbody>
      <tfoot>
        <tr>
          <th scope="row">{t('commissions.total')}</th>
          <td class="number">{props.sellers.reduce((count, seller) => count + seller.documents.length, 0)}</td>
          <td class="number">{money(props.report.base)}</td>
          <td class="number">
            <strong>{money(props.report.amount)}</strong>
          </td>
        </tr>
      </tfoot>
    </table>
  );
}

function SellerDetail(props: { seller: CommissionSeller; links: boolean }) {
  const { seller } = props;
  return (
    <section class="card" id={`seller-${seller.sellerId}`} aria-labelledby={`seller-${seller.sellerId}-title`}>
      <h2 id={`seller-${seller.sellerId}-title`}>{t('commissions.detail', { name: seller.sellerName })}</h2>
      <div class="table-scroll">
        <table>
          <thead>
            <tr>
              <th scope="col">{t('commissions.document')}</th>
              <th scope="col">{t('commissions.issuedOn')}</th>
              <th scope="col">{t('commissions.countsOn')}</th>
              <th scope="col">{t('commissions.customer')}</th>
              <th scope="col" class="number">
                {t('commissions.base')}
              </th>
              <th scope="col" class="number">
                {t('commissions.amount')}
              </th>
            </tr>
          </thead>
          <tbody>
            {seller.documents.map((doc) => {
              const label = `${t(`commissions.kind.${doc.kind}`)} ${doc.ncf ?? ''}`.trim();
              const href = doc.kind === 'invoice' ? `/invoices/${doc.id}` : `/credit-notes/${doc.id}`;
              return (
                <tr>
                  <td>{props.links ? <a href={href}>{label}</a> : label}</td>
                  <td>{formatDate(doc.issuedOn)}</td>
                  <td>{doc.countsOn ? formatDate(doc.countsOn) : '—'}</td>
                  <td>{doc.customerName ?? '—'}</td>
                  <td class="number">{money(doc.base)}</td>
                  <td class="number">{money(doc.amount)}</td>
                </tr>
              );
            })}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row" colspan={4}>
                {t('commissions.total')}
              </th>
              <td class="number">{money(seller.base)}</td>
              <td class="number">
                <strong>{money(seller.amount)}</strong>
              </td>
            </tr>
          </tfoot>
        </table>
      </div>
    </section>
  );
}

/** Whether the month is closed (when, by whom) or still open, as the screen and the print say it. */
function closeStatus(report: { close: { closedAt: string | Date; closedByName: string | null } | null }): string {
  return report.close
    ? t('commissions.closedOn', {
        date: formatDateTime(report.close.closedAt),
        name: report.close.closedByName ?? '—',
      })
    : t('commissions.open');
}

export function CommissionsPage(props: { report: CommissionReport; notice?: string | null; error?: string | null }) {
  const { report } = props;
  const query = `period=${encodeURIComponent(report.period)}`;
  return (
    <>
      <div class="page-head">
        <h1>{t('commissions.title')}</h1>
        <div class="actions">
          <a class="button" href="/commissions/rules">
            {t('commissions.rulesLink')}
          </a>
        </div>
      </div>
      <p class="lead">{t('commissions.lead')}</p>
      {props.notice ? <Notice>{props.notice}</Notice> : null}
      {props.error ? <Warning>{props.error}</Warning> : null}
      <form method="get" action="/commissions" class="toolbar" hx-boost="false">
        <SelectField
          name="period"
          label={t('commissions.period')}
          value={report.period}
          options={[...new Set([report.period, ...report.periods])].map((period) => ({ value: period, label: period }))}
        />
        <button type="submit">{t('commissions.show')}</button>
      </form>
      <section class="card" aria-labelledby="commissions-status">
        <p id="commissions-status">{closeStatus(report)}</p>
        <div class="actions">
          <a class="button" href={`/commissions/print?${query}`}>
            {t('commissions.print')}
          </a>
          <a class="button" href={`/commissions.csv?${query}`} download>
            {t('commissions.csv')}
          </a>
          {report.close ? null : (
            <form
              method="post"
              action={`/commissions/close?${query}`}
              hx-boost="false"
              data-confirm={t('commissions.closeConfirm', { period: report.period })}
            >
              <button type="submit" class="button-primary">
                {t('commissions.close')}
              </button>
            </form>
          )}
        </div>
      </section>
      {report.sellers.length ? (
        <>
          <div class="table-scroll">
            <SellerTable sellers={report.sellers} report={report} linked />
          </div>
          {report.sellers.map((seller) => (
            <SellerDetail seller={seller} links />
          ))}
        </>
      ) : (
        <p class="empty card">{t('commissions.empty')}</p>
      )}
    </>
  );
}

/** The report on paper: the same tables without the page's controls. */
export function CommissionsPrintPage(props: { report: CommissionReport; shopName: string }) {
  const { report } = props;
  return (
    <PrintDocument title={`${t('commissions.title')} ${report.period}`} bodyClass="print print-a4">
      <PrintToolbar label={t('documents.print')}>
        <a href={`/commissions?period=${encodeURIComponent(report.period)}`}>← {t('documents.back')}</a>
      </PrintToolbar>
      <main class="sheet">
        <p class="company-name">{props.shopName}</p>
        <h1>
          {t('commissions.title')} · {report.period}
        </h1>
        <p>{closeStatus(report)}</p>
        {report.sellers.length ? (
          <>
            <SellerTable sellers={report.sellers} report={report} linked={false} />
            {report.sellers.map((seller) => (
              <SellerDetail seller={seller} links={false} />
            ))}
          </>
        ) : (
          <p>{t('commissions.empty')}</p>
        )}
      </main>
    </PrintDocument>
  );
}

export interface RuleFormValues {
  sellerId?: string | null;
  category?: string | null;
  rate?: string | null;
}

export function CommissionRulesPage(props: {
  rules: CommissionRuleRow[];
  sellers: Array<{ id: string; name: string }>;
  values: RuleFormValues;
  errors?: FieldErrors;
  notice?: string | null;
}) {
  const { values, errors } = props;
  return (
    <>
      <div class="page-head">
        <h1>{t('commissions.rules.title')}</h1>
        <div class="actions">
          <a class="button" href="/commissions">
            {t('commissions.rules.back')}
          </a>
        </div>
      </div>
      <p class="lead">{t('commissions.rules.lead')}</p>
      {props.notice ? <Notice>{props.notice}</Notice> : null}
      {props.rules.length ? (
        <div class="table-scroll">
          <table>
            <thead>
              <tr>
                <th scope="col">{t('commissions.seller')}</th>
                <th scope="col">{t('commissions.rules.category')}</th>
                <th scope="col" class="number">
                  {t('commissions.rules.rate')}
                </th>
                <th scope="col">{t('commissions.rules.updated')}</th>
                <th scope="col">
                  <span class="visually-hidden">{t('commissions.rules.retire')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {props.rules.map((rule) => (
                <tr id={`rule-${rule.id}`}>
                  <td>{rule.sellerName ?? t('commissions.rules.anySeller')}</td>
                  <td>{categoryLabel(rule.category)}</td>
                  <td class="number">{rule.rate} %</td>
                  <td>{formatDateTime(rule.updatedAt)}</td>
                  <td>
                    <form
                      method="post"
                      action={`/commissions/rules/${rule.id}/retire`}
                      hx-boost="false"
                      data-confirm={t('commissions.rules.retireConfirm')}
                    >
                      <button type="submit" class="link-button">
                        {t('commissions.rules.retire')}
                      </button>
                    </form>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p class="empty card">{t('commissions.rules.empty')}</p>
      )}
      <section class="card" aria-labelledby="rule-form-title">
        <h2 id="rule-form-title">{t('commissions.rules.add')}</h2>
        <ErrorSummary errors={errors} />
        <form method="post" action="/commissions/rules" hx-boost="false" novalidate>
          <div class="form-grid">
            <SelectField
              name="sellerId"
              label={t('commissions.seller')}
              value={values.sellerId}
              errors={errors}
              blank={t('commissions.rules.anySeller')}
              options={props.sellers.map((seller) => ({ value: seller.id, label: seller.name }))}
            />
            <SelectField
              name="category"
              label={t('commissions.rules.category')}
              value={values.category}
              errors={errors}
              blank={t('commissions.rules.anyCategory')}
              options={productCategories.map((category) => ({ value: category, label: categoryLabel(category) }))}
            />
            <Field
              name="rate"
              label={t('commissions.rules.rate')}
              value={values.rate}
              errors={errors}
              required
              inputmode="decimal"
              attrs={{ maxlength: '6' }}
            />
          </div>
          <div class="actions">
            <button type="submit" class="button-primary">
              {t('commissions.rules.add')}
            </button>
          </div>
        </form>
      </section>
    </>
  );
}
