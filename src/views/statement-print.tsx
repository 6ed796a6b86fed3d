import { PrintDocument, PrintToolbar } from './print-document';
import { formatDate } from '../domain/dates';
import { formatIdentification } from '../domain/tax-id';
import { t } from '../i18n/es-DO';
import type { CompanyInfo } from '../queries/invoices';
import { StatementBody, type StatementData } from './receivables';

/** A customer statement as a standalone A4 sheet, with the print shell's stylesheet and toolbar. */
export function StatementPrintPage(props: {
  company: CompanyInfo;
  contact: { id: string; name: string; idType: string | null; idNumber: string | null; address: string | null };
  statement: StatementData;
  limit: number;
}) {
  const { company, contact, statement } = props;
  const query = `from=${statement.from}&to=${statement.to}`;
  return (
    <PrintDocument title={`${t('statement.title')} ${contact.name}`} bodyClass="print print-a4">
      <PrintToolbar label={t('documents.print')}>
        <a href={`/contacts/${contact.id}/statement?${query}`}>← {t('documents.back')}</a>
        <a href={`/contacts/${contact.id}/statement.pdf?${query}`}>{t('documents.downloadPdf')}</a>
      </PrintToolbar>
      <main class="sheet">
        <header class="doc-header">
          <div class="doc-company">
            <div>
              <p class="company-name">{company.name}</p>
              {company.rnc ? <p>{`${t('documents.rnc')}: ${company.rnc}`}</p> : null}
              {company.address ? <p>{company.address}</p> : null}
              {company.phones ? <p>{`${t('documents.phones')}: ${company.phones}`}</p> : null}
            </div>
          </div>
          <div class="doc-title">
            <h1>{t('statement.title')}</h1>
            <p>{t('statement.period', { from: formatDate(statement.from), to: formatDate(statement.to) })}</p>
          </div>
        </header>
        <dl class="doc-party">
          <div>
            <dt>{t('receivables.customer')}</dt>
            <dd>{contact.name}</dd>
          </div>
          {contact.idNumber ? (
            <div>
              <dt>{t('documents.buyerId')}</dt>
              <dd>{formatIdentification(contact.idType, contact.idNumber)}</dd>
            </div>
          ) : null}
          {contact.address ? (
            <div>
              <dt>{t('statement.address')}</dt>
              <dd>{contact.address}</dd>
            </div>
          ) : null}
        </dl>
        <StatementBody statement={statement} limit={props.limit} />
      </main>
    </PrintDocument>
  );
}
