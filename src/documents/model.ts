/**
 * What a printed document says, independent of the medium: the HTML print views and the PDF both
 * render a `PrintModel`, so the A4 page and the archived PDF carry the same content. Pure code
 * (no Worker APIs), so Node tests can import it.
 */
import { formatDate } from '../domain/dates';
import { formatDecimal, formatMoney } from '../domain/money';
import { isNcfType, ncfTypes, paymentForms } from '../domain/ncf';
import { formatIdentification } from '../domain/tax-id';
import { t, type MessageKey } from '../i18n/es-DO';
import type {
  CompanyInfo,
  DocumentLine,
  DocumentTotalsData,
  InvoiceDocument,
  Party,
  PaymentDocument,
  QuotationDocument,
} from '../queries/documents';

export interface LabelledValue {
  label: string;
  value: string;
  strong?: boolean;
}

export interface PrintLine {
  quantity: string;
  description: string;
  unitPrice: string;
  discount: string;
  amount: string;
  exempt: boolean;
}

export interface PrintModel {
  title: string;
  company: CompanyInfo;
  /** `BORRADOR - sin valor fiscal` or `ANULADO`, printed across the document. */
  mark: string | null;
  /** Number, NCF, valid-until, dates. */
  meta: LabelledValue[];
  /** The buyer (or the customer of a quotation). */
  party: LabelledValue[];
  lines: PrintLine[] | null;
  totals: LabelledValue[];
  notes: string[];
  footer: string | null;
  /** An e-CF's printed stamp (DGII's printed representation): QR, security code, signature date. */
  stamp: PrintStamp | null;
}

/** What DGII's printed representation adds to an e-CF: the `consultatimbre` QR and the signature's facts. */
export interface PrintStamp {
  qrUrl: string;
  /** The first 6 characters of the signature value. */
  securityCode: string;
  /** `FechaHoraFirma` as signed: dd-MM-yyyy HH:mm:ss, Santo Domingo time. */
  signedAt: string;
  /** DGII's "Consulte su validez después de ..." while DGII has not received it (deferred sending, contingency). */
  legend: string | null;
}

/** An invoice or credit note to print, with its e-CF stamp when it has one. */
export type PrintableInvoice = InvoiceDocument & { ecfStamp?: PrintStamp | null };

const money = (value: string, symbol: string) => formatMoney(value, symbol);

/** `18.00` -> `18`, `16.50` -> `16.5`. */
export function formatRate(rate: string): string {
  return formatDecimal(rate, 0);
}

function idTypeLabel(idType: string | null): string {
  if (idType === 'rnc' || idType === 'cedula' || idType === 'pasaporte')
    return t(`documents.buyerIdType.${idType}` as MessageKey);
  return t('documents.buyerId');
}

function partyRows(party: Party): LabelledValue[] {
  const rows: LabelledValue[] = [{ label: t('documents.buyer'), value: party.name || t('documents.finalConsumer') }];
  if (party.idNumber)
    rows.push({ label: idTypeLabel(party.idType), value: formatIdentification(party.idType, party.idNumber) });
  return rows;
}

function printLines(lines: readonly DocumentLine[], symbol: string): PrintLine[] {
  return lines.map((line) => ({
    quantity: formatDecimal(line.quantity, 0),
    description: line.description,
    unitPrice: formatDecimal(line.unitPrice, 2),
    discount: formatDecimal(line.discount, 2),
    amount: money(line.amount, symbol),
    exempt: line.exempt,
  }));
}

function totalRows(doc: DocumentTotalsData, symbol: string): LabelledValue[] {
  const rows: LabelledValue[] = [{ label: t('documents.gross'), value: money(doc.grossTotal, symbol) }];
  if (doc.discountTotal !== '0.00' && doc.discountTotal !== '0')
    rows.push({ label: t('documents.discountTotal'), value: `-${money(doc.discountTotal, symbol)}` });
  for (const entry of doc.taxBreakdown) {
    rows.push({ label: t('documents.taxable', { rate: formatRate(entry.rate) }), value: money(entry.taxable, symbol) });
    rows.push({ label: t('documents.itbisRate', { rate: formatRate(entry.rate) }), value: money(entry.itbis, symbol) });
  }
  rows.push({ label: t('documents.exemptTotal'), value: money(doc.exemptTotal, symbol) });
  rows.push({ label: t('documents.itbisTotal'), value: money(doc.itbisTotal, symbol) });
  rows.push({ label: t('documents.total'), value: money(doc.total, symbol), strong: true });
  return rows;
}

export function invoiceTitle(doc: Pick<InvoiceDocument, 'kind' | 'ncfType'>): string {
  if (isNcfType(doc.ncfType)) return ncfTypes[doc.ncfType].name;
  return t(doc.kind === 'credit_note' ? 'documents.creditNoteTitle' : 'documents.invoiceTitle');
}

export function invoiceModel(doc: PrintableInvoice): PrintModel {
  const meta: LabelledValue[] = [];
  const electronic = doc.ncf?.startsWith('E') ?? false;
  if (doc.ncf) meta.push({ label: t(electronic ? 'documents.encf' : 'documents.ncf'), value: doc.ncf, strong: true });
  // Only documents with fiscal value print the sequence's expiry date.
  if (doc.ncf && doc.ncfValidUntil)
    meta.push({
      label: t(electronic ? 'documents.encfValidUntil' : 'documents.validUntil'),
      value: formatDate(doc.ncfValidUntil),
    });
  if (doc.kind === 'credit_note' && doc.modifiedNcf)
    meta.push({ label: t('documents.modifiedNcf'), value: doc.modifiedNcf });
  meta.push({ label: t('documents.date'), value: formatDate(doc.issuedOn ?? doc.createdOn) });
  if (doc.dueOn) meta.push({ label: t('documents.dueOn'), value: formatDate(doc.dueOn) });
  meta.push({ label: t('documents.branch'), value: doc.branch.name });
  const totals = totalRows(doc, doc.currencySymbol);
  if (doc.currencyCode !== 'DOP') {
    totals.push({ label: t('documents.currency'), value: doc.currencyCode });
    totals.push({ label: t('documents.exchangeRate'), value: formatDecimal(doc.exchangeRate, 4) });
    totals.push({ label: t('documents.totalDop'), value: money(doc.totalDop, 'RD$'), strong: true });
  }
  const notes: string[] = [];
  if (doc.kind === 'credit_note' && doc.creditReason) notes.push(`${t('documents.creditReason')}: ${doc.creditReason}`);
  if (doc.kind === 'credit_note' && doc.refundsItbis === false) notes.push(t('documents.noItbisRefund'));
  if (doc.lines.some((line) => line.exempt)) notes.push(t('documents.exemptLegend'));
  if (doc.notes) notes.push(doc.notes);
  return {
    title: invoiceTitle(doc),
    company: doc.company,
    mark:
      doc.status === 'draft' ? t('documents.draftMark') : doc.status === 'voided' ? t('documents.voidedMark') : null,
    meta,
    party: partyRows(doc.buyer),
    lines: printLines(doc.lines, doc.currencySymbol),
    totals,
    notes,
    footer: doc.company.invoiceFooter,
    stamp: doc.ecfStamp ?? null,
  };
}

export function quotationModel(doc: QuotationDocument): PrintModel {
  const meta: LabelledValue[] = [
    { label: t('documents.quotationNumber'), value: doc.number, strong: true },
    { label: t('documents.date'), value: formatDate(doc.quotedOn) },
  ];
  if (doc.validUntil) meta.push({ label: t('documents.quotationValidUntil'), value: formatDate(doc.validUntil) });
  meta.push({ label: t('documents.branch'), value: doc.branch.name });
  const totals = totalRows(doc, doc.currencySymbol);
  if (doc.currencyCode !== 'DOP') totals.push({ label: t('documents.currency'), value: doc.currencyCode });
  const notes: string[] = [];
  if (doc.lines.some((line) => line.exempt)) notes.push(t('documents.exemptLegend'));
  if (doc.notes) notes.push(doc.notes);
  return {
    title: t('documents.quotationTitle'),
    company: doc.company,
    mark: doc.status === 'cancelled' ? t('documents.voidedMark') : null,
    meta,
    party: partyRows(doc.customer),
    lines: printLines(doc.lines, doc.currencySymbol),
    totals,
    notes,
    footer: doc.company.invoiceFooter,
    stamp: null,
  };
}

export function paymentModel(doc: PaymentDocument): PrintModel {
  const method = Object.hasOwn(paymentForms, doc.method)
    ? paymentForms[doc.method as keyof typeof paymentForms]
    : doc.method;
  const meta: LabelledValue[] = [
    { label: t('documents.receiptNumber'), value: doc.number, strong: true },
    { label: t('documents.date'), value: formatDate(doc.receivedOn) },
    { label: t('documents.receiptInvoice'), value: doc.invoice.ncf ?? '—' },
    { label: t('documents.branch'), value: doc.branch.name },
  ];
  const party = partyRows(doc.buyer);
  party[0] = { label: t('documents.receiptReceivedFrom'), value: party[0]!.value };
  const totals: LabelledValue[] = [
    { label: t('documents.receiptMethod'), value: method },
    ...(doc.reference ? [{ label: t('documents.receiptReference'), value: doc.reference }] : []),
    { label: t('documents.receiptInvoiceTotal'), value: money(doc.invoice.total, doc.invoice.currencySymbol) },
    { label: t('documents.receiptAmount'), value: money(doc.amount, doc.invoice.currencySymbol), strong: true },
    { label: t('documents.receiptBalanceAfter'), value: money(doc.balanceAfter, doc.invoice.currencySymbol) },
  ];
  return {
    title: t('documents.receiptTitle'),
    company: doc.company,
    mark: doc.status === 'voided' ? t('documents.voidedMark') : null,
    meta,
    party,
    lines: null,
    totals,
    notes: doc.notes ? [doc.notes] : [],
    footer: doc.company.invoiceFooter,
    stamp: null,
  };
}
