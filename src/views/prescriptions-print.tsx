import type { Child } from 'hono/jsx';
import { formatDate } from '../domain/dates';
import { rxValidUntil } from '../domain/prescription';
import { t } from '../i18n/es-DO';
import type { Company, PrescriptionDetail } from '../queries/prescriptions';
import { contactLensMeasures, optometristOf, patientIdentification, RxTable } from './prescriptions';
import { PrintDocument } from './print-document';

/** A standalone A4 page (no app shell): shop letterhead, the content, a Print button hidden on paper. */
function RxPrintPage(props: { title: string; company: Company | null; backHref: string | null; children: Child }) {
  const { company } = props;
  return (
    <PrintDocument title={props.title} stylesheets={['prescriptions.css']} printCss={false} bodyClass="rx-print">
      <nav class="print-controls">
        <button type="button" class="print-button" data-print>
          {t('prescriptions.print.button')}
        </button>
        {props.backHref ? <a href={props.backHref}>{t('prescriptions.print.back')}</a> : null}
      </nav>
      <main class="print-page">
        <header class="letterhead">
          {company?.logoKey ? <img src="/company/logo" alt="" class="letterhead-logo" /> : null}
          <div>
            <p class="letterhead-name">{company?.name ?? ''}</p>
            {company?.rnc ? <p>{t('prescriptions.print.rnc', { rnc: company.rnc })}</p> : null}
            {company?.address ? <p>{company.address}</p> : null}
            {company?.phones ? <p>{company.phones}</p> : null}
          </div>
        </header>
        {props.children}
      </main>
    </PrintDocument>
  );
}

function PatientLine(props: { p: PrescriptionDetail }) {
  const { p } = props;
  const identification = patientIdentification({ idType: p.patientIdType, idNumber: p.patientIdNumber });
  return (
    <dl class="print-facts">
      <dt>{t('prescriptions.patient')}</dt>
      <dd>
        {p.patientName}
        {identification ? ` · ${identification}` : ''}
      </dd>
      <dt>{t('prescriptions.examinedOn')}</dt>
      <dd>{formatDate(p.examinedOn)}</dd>
    </dl>
  );
}

function ExamText(props: { p: PrescriptionDetail }) {
  const { p } = props;
  const rows: Array<[string, string | null]> = [
    [t('prescriptions.pd'), p.pd],
    [t('prescriptions.contactLensBrand'), p.contactLensBrand],
    [t('prescriptions.diagnosis'), p.diagnosis],
    [t('prescriptions.icd10Codes'), p.icd10Codes.join(', ') || null],
    [t('prescriptions.recommendations'), p.recommendations],
    [t('prescriptions.nextVisitOn'), p.nextVisitOn ? formatDate(p.nextVisitOn) : null],
  ];
  return (
    <dl class="print-facts">
      {rows
        .filter(([, value]) => value)
        .map(([label, value]) => (
          <>
            <dt>{label}</dt>
            <dd>{value}</dd>
          </>
        ))}
    </dl>
  );
}

function Signature(props: { p: PrescriptionDetail }) {
  return (
    <footer class="print-footer">
      <p>{t('prescriptions.print.validity', { date: formatDate(rxValidUntil(props.p.examinedOn)) })}</p>
      <div class="signature">
        <p class="signature-line">{optometristOf(props.p)}</p>
        <p class="hint">{t('prescriptions.print.signature')}</p>
      </div>
    </footer>
  );
}

const hasContactLens = (p: PrescriptionDetail) =>
  (['od', 'oi'] as const).some((eye) =>
    contactLensMeasures.some((measure) => (p as unknown as Record<string, unknown>)[`${eye}${measure}`] !== null),
  );

export function PrescriptionPrintPage(props: {
  prescription: PrescriptionDetail;
  company: Company | null;
  /** null on the patient's shared copy (no way back into the shop). */
  backHref?: string | null;
}) {
  const p = props.prescription;
  return (
    <RxPrintPage
      title={`${t('prescriptions.print.title')} · ${p.patientName}`}
      company={props.company}
      backHref={props.backHref === undefined ? `/prescriptions/${p.id}` : props.backHref}
    >
      <h1>{t('prescriptions.print.title')}</h1>
      <PatientLine p={p} />
      <RxTable rx={p} />
      {hasContactLens(p) ? (
        <RxTable rx={p} measures={contactLensMeasures} caption={t('prescriptions.contactLens')} />
      ) : null}
      <ExamText p={p} />
      <Signature p={p} />
    </RxPrintPage>
  );
}

export function CertificatePage(props: { prescription: PrescriptionDetail; company: Company | null }) {
  const p = props.prescription;
  const identification = patientIdentification({ idType: p.patientIdType, idNumber: p.patientIdNumber });
  return (
    <RxPrintPage
      title={`${t('prescriptions.certificate.title')} · ${p.patientName}`}
      company={props.company}
      backHref={`/prescriptions/${p.id}`}
    >
      <h1>{t('prescriptions.certificate.title')}</h1>
      <p class="certificate-body">
        {t('prescriptions.certificate.body', {
          name: p.patientName,
          id: identification ? t('prescriptions.certificate.identification', { id: identification }) : '',
          date: formatDate(p.examinedOn),
        })}
      </p>
      <RxTable rx={p} />
      {hasContactLens(p) ? (
        <RxTable rx={p} measures={contactLensMeasures} caption={t('prescriptions.contactLens')} />
      ) : null}
      <ExamText p={p} />
      <Signature p={p} />
    </RxPrintPage>
  );
}
