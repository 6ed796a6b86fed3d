import { can } from '../auth/permissions';
import type { SessionUser } from '../auth/session';
import { formatDate } from '../domain/dates';
import { formatMoney } from '../domain/money';
import { paymentForms } from '../domain/ncf';
import { whatsappLink } from '../domain/whatsapp';
import { t, type MessageKey } from '../i18n/es-DO';
import type { PatientPage as PatientPageData } from '../services/shop/patients';
import { patientIdentification, rxSummary, RxTable } from './prescriptions';

const money = (value: string, currency: string) => formatMoney(value, currency === 'DOP' ? 'RD$' : currency);
const status = (area: 'invoices' | 'quotations', value: string) => t(`${area}.status.${value}` as MessageKey);
const method = (code: string) => paymentForms[code as keyof typeof paymentForms] ?? code;
const search = (path: string, name: string) => `${path}?q=${encodeURIComponent(name)}`;

function Section(props: { id: string; title: string; more: string | null; children: unknown }) {
  return (
    <section class="card patient-section" aria-labelledby={props.id}>
      <div class="page-head">
        <h2 id={props.id}>{props.title}</h2>
        {props.more ? <a href={props.more}>{t('patients.seeAll')}</a> : null}
      </div>
      {props.children}
    </section>
  );
}

function Table(props: { empty: string; columns: Array<[string, boolean?]>; rows: unknown[]; children: unknown }) {
  if (!props.rows.length) return <p class="empty">{props.empty}</p>;
  return (
    <div class="rx-scroll">
      <table>
        <thead>
          <tr>
            {props.columns.map(([label, numeric]) => (
              <th scope="col" class={numeric ? 'number' : undefined}>
                {label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{props.children}</tbody>
      </table>
    </div>
  );
}

export const patientTitle = (page: PatientPageData) => page.patient.name;

/** A customer's page: who they are, their latest Rx against the previous one, their documents and balances. */
export function PatientPage(props: { user: SessionUser; page: PatientPageData }) {
  const { page, user } = props;
  const { patient } = page;
  const wa = whatsappLink(patient.mobile) ?? whatsappLink(patient.phone);
  const [latest, previous] = page.prescriptions.rows;
  const canPay = can(user, 'payments.manage');
  return (
    <>
      <p>
        <a href="/contacts">← {t('patients.back')}</a>
      </p>
      <div class="page-head">
        <h1>{patient.name}</h1>
        <a class="button" href={`/contacts/${patient.id}`}>
          {t('patients.edit')}
        </a>
      </div>
      <section class="card" aria-labelledby="patient-identity">
        <h2 id="patient-identity">{t('patients.identity')}</h2>
        <dl class="patient-facts">
          <dt>{t('patients.idNumber')}</dt>
          <dd>{patientIdentification(patient) || '—'}</dd>
          <dt>{t('patients.mobile')}</dt>
          <dd>{patient.mobile ?? '—'}</dd>
          <dt>{t('patients.phone')}</dt>
          <dd>{patient.phone ?? '—'}</dd>
          <dt>{t('patients.email')}</dt>
          <dd>{patient.email ? <a href={`mailto:${patient.email}`}>{patient.email}</a> : '—'}</dd>
          <dt>{t('patients.address')}</dt>
          <dd>{patient.address ?? '—'}</dd>
          <dt>{t('patients.birthDate')}</dt>
          <dd>{formatDate(patient.birthDate)}</dd>
        </dl>
        <p>
          {wa ? (
            <a class="button" href={wa} rel="noopener" target="_blank">
              {t('patients.whatsapp')}
            </a>
          ) : (
            <span class="hint">{t('patients.noWhatsapp')}</span>
          )}
        </p>
      </section>
      <section class="card" aria-labelledby="patient-actions">
        <h2 id="patient-actions">{t('patients.actions')}</h2>
        <p class="patient-actions">
          {can(user, 'prescriptions.manage') ? (
            <a class="button button-primary" href={`/prescriptions/new?patientId=${patient.id}`}>
              {t('patients.newRx')}
            </a>
          ) : null}
          {latest && can(user, 'quotations.manage') ? (
            <a class="button" href={`/quotations/new?prescription=${latest.id}`}>
              {t('patients.quoteFromRx')}
            </a>
          ) : null}
        </p>
      </section>
      {page.rights.invoices ? (
        <section class="card" aria-labelledby="patient-balance">
          <h2 id="patient-balance">{t('patients.balance')}</h2>
          {page.balances.some((row) => row.owed !== '0.00' || row.credit !== '0.00') ? (
            <dl class="patient-facts">
              {page.balances.flatMap((row) => [
                row.owed !== '0.00' ? (
                  <>
                    <dt>{t('patients.owed', { currency: row.currencyCode })}</dt>
                    <dd data-balance="owed">{money(row.owed, row.currencyCode)}</dd>
                  </>
                ) : null,
                row.credit !== '0.00' ? (
                  <>
                    <dt>{t('patients.credit', { currency: row.currencyCode })}</dt>
                    <dd data-balance="credit">{money(row.credit, row.currencyCode)}</dd>
                  </>
                ) : null,
              ])}
            </dl>
          ) : (
            <p class="hint">{t('patients.noBalance')}</p>
          )}
        </section>
      ) : null}
      {page.rights.prescriptions && latest ? (
        <section class="card" aria-labelledby="patient-rx">
          <h2 id="patient-rx">{previous ? t('patients.latestRx') : t('patients.latestRxOnly')}</h2>
          {previous ? (
            <p class="hint" aria-live="polite">
              {page.rxChanges.size ? t('patients.rxChanged', { count: page.rxChanges.size }) : t('patients.rxSame')}
            </p>
          ) : null}
          <div class="rx-compare">
            <div class="rx-scroll">
              <h3>
                <a href={`/prescriptions/${latest.id}`}>
                  {t('patients.latest', { date: formatDate(latest.examinedOn) })}
                </a>
              </h3>
              <RxTable rx={latest} changed={page.rxChanges} />
            </div>
            {previous ? (
              <div class="rx-scroll">
                <h3>
                  <a href={`/prescriptions/${previous.id}`}>
                    {t('patients.previous', { date: formatDate(previous.examinedOn) })}
                  </a>
                </h3>
                <RxTable rx={previous} />
              </div>
            ) : null}
          </div>
        </section>
      ) : null}
      {page.rights.prescriptions ? (
        <Section
          id="patient-prescriptions"
          title={t('patients.prescriptions')}
          more={page.prescriptions.more ? `/contacts/${patient.id}/prescriptions` : null}
        >
          <Table
            empty={t('patients.noPrescriptions')}
            rows={page.prescriptions.rows}
            columns={[[t('patients.col.date')], [t('patients.col.summary')]]}
          >
            {page.prescriptions.rows.map((rx) => (
              <tr>
                <td>
                  <a href={`/prescriptions/${rx.id}`}>{formatDate(rx.examinedOn)}</a>
                </td>
                <td>
                  {rxSummary(rx, 'od')} / {rxSummary(rx, 'oi')}
                </td>
              </tr>
            ))}
          </Table>
        </Section>
      ) : null}
      {page.rights.quotations ? (
        <Section
          id="patient-quotations"
          title={t('patients.quotations')}
          more={page.quotations.more ? search('/quotations', patient.name) : null}
        >
          <Table
            empty={t('patients.noQuotations')}
            rows={page.quotations.rows}
            columns={[
              [t('patients.col.number')],
              [t('patients.col.date')],
              [t('patients.col.status')],
              [t('patients.col.total'), true],
            ]}
          >
            {page.quotations.rows.map((q) => (
              <tr>
                <td>
                  <a href={`/quotations/${q.id}`}>{q.number ?? '—'}</a>
                </td>
                <td>{formatDate(q.quotedOn)}</td>
                <td>{status('quotations', q.status)}</td>
                <td class="number">{money(q.total, q.currencyCode)}</td>
              </tr>
            ))}
          </Table>
        </Section>
      ) : null}
      {page.rights.invoices ? (
        <>
          <Section
            id="patient-invoices"
            title={t('patients.invoices')}
            more={page.invoices.more ? search('/invoices', patient.name) : null}
          >
            <Table
              empty={t('patients.noInvoices')}
              rows={page.invoices.rows}
              columns={[
                [t('patients.col.number')],
                [t('patients.col.date')],
                [t('patients.col.status')],
                [t('patients.col.total'), true],
                [t('patients.col.balance'), true],
                [''],
              ]}
            >
              {page.invoices.rows.map((invoice) => {
                const open = invoice.status !== 'draft' && invoice.status !== 'voided' && Number(invoice.balance) > 0;
                return (
                  <tr>
                    <td>
                      <a href={`/invoices/${invoice.id}`}>{invoice.ncf ?? t('invoices.status.draft')}</a>
                    </td>
                    <td>{formatDate(invoice.issuedOn)}</td>
                    <td>{status('invoices', invoice.status)}</td>
                    <td class="number">{money(invoice.total, invoice.currencyCode)}</td>
                    <td class="number" data-invoice-balance={invoice.id}>
                      {invoice.status === 'draft' || invoice.status === 'voided'
                        ? '—'
                        : money(invoice.balance, invoice.currencyCode)}
                    </td>
                    <td>
                      {open && canPay ? (
                        <a class="button" href={`/invoices/${invoice.id}/payments/new`}>
                          {t('patients.takePayment')}
                        </a>
                      ) : null}
                    </td>
                  </tr>
                );
              })}
            </Table>
          </Section>
          <Section
            id="patient-payments"
            title={t('patients.payments')}
            more={page.payments.more ? search('/payments', patient.name) : null}
          >
            <Table
              empty={t('patients.noPayments')}
              rows={page.payments.rows}
              columns={[
                [t('patients.col.number')],
                [t('patients.col.date')],
                [t('patients.col.method')],
                [t('patients.col.invoice')],
                [t('patients.col.amount'), true],
              ]}
            >
              {page.payments.rows.map((payment) => (
                <tr>
                  <td>
                    <a href={`/payments/${payment.id}`}>{payment.number}</a>
                    {payment.status === 'voided' ? ` (${t('patients.voided')})` : ''}
                  </td>
                  <td>{formatDate(payment.receivedOn)}</td>
                  <td>{method(payment.method)}</td>
                  <td>
                    <a href={`/invoices/${payment.invoiceId}`}>{payment.invoiceNcf ?? '—'}</a>
                  </td>
                  <td class="number">{money(payment.amount, payment.currencyCode)}</td>
                </tr>
              ))}
            </Table>
          </Section>
          <Section
            id="patient-credit-notes"
            title={t('patients.creditNotes')}
            more={page.creditNotes.more ? search('/credit-notes', patient.name) : null}
          >
            <Table
              empty={t('patients.noCreditNotes')}
              rows={page.creditNotes.rows}
              columns={[
                [t('patients.col.number')],
                [t('patients.col.date')],
                [t('patients.col.invoice')],
                [t('patients.col.total'), true],
              ]}
            >
              {page.creditNotes.rows.map((note) => (
                <tr>
                  <td>
                    <a href={`/credit-notes/${note.id}`}>{note.ncf ?? '—'}</a>
                  </td>
                  <td>{formatDate(note.issuedOn)}</td>
                  <td>{note.modifiedNcf ?? '—'}</td>
                  <td class="number">{money(note.total, note.currencyCode)}</td>
                </tr>
              ))}
            </Table>
          </Section>
        </>
      ) : null}
    </>
  );
}
