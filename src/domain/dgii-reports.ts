/**
 * DGII monthly reports 607 (sales) and 608 (voided numbers) as pipe-delimited TXT files
 * (layout: docs/dgii-formats.md; rules: docs/domain.md; every choice the DGII
 * documents do not settle for us is written down next to the code that makes it).
 *
 * Pure functions: the query (src/queries/reports.ts) hands over the month's documents with
 * their DOP totals and their active payments per e-CF payment form; all money here is exact
 * (bigint cents through src/domain/money.ts, conversions through toDop in src/domain/totals.ts).
 */
import { compareDecimals, fromUnits, toUnits } from './money';
import { consumerIdThresholdDop, type PaymentForm } from './ncf';
import { toDop } from './totals';

/** A reporting period `YYYYMM`. */
export type Period = string;

export type PeriodError = 'format' | 'future';

/**
 * Checks a period `YYYYMM` (years 2000-2099, months 01-12) that is not after the month of
 * `today` (`YYYY-MM-DD` in the shop's time zone). The current month is allowed (a partial month).
 */
export function checkPeriod(
  value: string | undefined | null,
  today: string,
): { ok: true; period: Period } | { ok: false; error: PeriodError } {
  const period = (value ?? '').trim();
  if (!/^20\d{2}(0[1-9]|1[0-2])$/.test(period)) return { ok: false, error: 'format' };
  if (period > today.slice(0, 7).replace('-', '')) return { ok: false, error: 'future' };
  return { ok: true, period };
}

/** The month before the one of `today` (`YYYY-MM-DD`): the period a shop usually files. */
export function previousPeriod(today: string): Period {
  const year = Number(today.slice(0, 4));
  const month = Number(today.slice(5, 7));
  return month === 1 ? `${year - 1}12` : `${year}${String(month - 1).padStart(2, '0')}`;
}

/** First day of the period and first day of the next one (`YYYY-MM-DD`), for `>= start AND < end` filters. */
export function periodRange(period: Period): { start: string; end: string } {
  const year = Number(period.slice(0, 4));
  const month = Number(period.slice(4, 6));
  const start = `${period.slice(0, 4)}-${period.slice(4, 6)}-01`;
  const end = month === 12 ? `${year + 1}-01-01` : `${year}-${String(month + 1).padStart(2, '0')}-01`;
  return { start, end };
}

/** The last `count` periods up to and including `latest`, newest first (the month chooser). */
export function recentPeriods(latest: Period, count: number): Period[] {
  const periods: Period[] = [];
  let year = Number(latest.slice(0, 4));
  let month = Number(latest.slice(4, 6));
  for (let i = 0; i < count; i += 1) {
    periods.push(`${year}${String(month).padStart(2, '0')}`);
    month -= 1;
    if (month === 0) {
      month = 12;
      year -= 1;
    }
  }
  return periods;
}

/** The company RNC as the DGII files want it: digits only; null when there are none. */
export function reportRnc(rnc: string | null | undefined): string | null {
  const digits = (rnc ?? '').replace(/\D/g, '');
  return digits || null;
}

/** A fiscal document issued in the period (invoice or credit note, not draft, not voided). */
export interface SalesDocument {
  kind: 'invoice' | 'credit_note';
  ncfType: string;
  ncf: string;
  modifiedNcf: string | null;
  /** `YYYY-MM-DD`. */
  issuedOn: string;
  buyerIdType: 'rnc' | 'cedula' | 'pasaporte' | null;
  buyerIdNumber: string | null;
  /** DOP per unit of the document's currency, 4 decimals ('1' for DOP). */
  exchangeRate: string;
  /** In the document's currency. */
  total: string;
  creditedTotal: string;
  /** The document's DOP totals as stored (each converted and rounded at issue). */
  taxableTotalDop: string;
  exemptTotalDop: string;
  itbisTotalDop: string;
  totalDop: string;
  /** Sum of the document's active payments per e-CF payment form, in the document's currency. */
  payments: Partial<Record<PaymentForm, string>>;
}

/** A document voided in the period. */
export interface VoidedDocument {
  ncf: string;
  /** `YYYY-MM-DD`: the date of the voided receipt (its issue date), what the 608's field 2 asks for - not the void date. */
  issuedOn: string;
  /** 608 reason code 01-10. */
  reason: string | null;
}

const paymentColumns = ['cash', 'transfer', 'card', 'credit', 'gift', 'barter', 'other'] as const;
type PaymentColumn = (typeof paymentColumns)[number];

/** Which 607 column each e-CF payment form goes to: 7 (nota de crédito) and 8 (otras) share "other". */
const columnOfForm: Record<PaymentForm, PaymentColumn> = {
  '1': 'cash',
  '2': 'transfer',
  '3': 'card',
  '4': 'credit',
  '5': 'gift',
  '6': 'barter',
  '7': 'other',
  '8': 'other',
};

/** One detail line of the 607, amounts in DOP cents. */
export interface Report607Line {
  buyerId: string;
  /** '1' RNC, '2' cédula, '3' other (passport); '' without an id. */
  idType: '' | '1' | '2' | '3';
  ncf: string;
  modifiedNcf: string;
  /** YYYY-MM-DD. */
  date: string;
  amount: bigint;
  itbis: bigint;
  columns: Record<PaymentColumn, bigint>;
}

const cents = (value: string) => toUnits(value, 2);
const amountText = (units: bigint) => fromUnits(units, 2);
const zeroColumns = (): Record<PaymentColumn, bigint> => ({
  cash: 0n,
  transfer: 0n,
  card: 0n,
  credit: 0n,
  gift: 0n,
  barter: 0n,
  other: 0n,
});

/** `amount` (document currency) in DOP cents at the document's rate, half-up (the same conversion as the document's totals). */
function convert(amount: bigint, exchangeRate: string): bigint {
  return cents(toDop({ taxableTotal: amountText(amount), exemptTotal: '0', itbisTotal: '0' }, exchangeRate).totalDop);
}

/**
 * The payment-form columns of one document, in DOP, adding up to its amount + ITBIS (total_dop):
 * - each form's active payments, converted at the document's exchange rate (half-up);
 * - what credit notes took off the invoice counts as form 7 (nota de crédito), so in "other" -
 *   capped at what payments left open (a note on a paid invoice is a refund, not a payment form);
 * - "credit" (venta a crédito) is the rest: the unpaid balance, plus any rounding difference of
 *   the conversions. Should the converted payments overshoot total_dop by a cent (a fully paid
 *   foreign-currency document), the excess is taken from the largest column so none is negative.
 * A credit note has no payments of its own: its whole amount settles against the buyer's account
 * and is reported as credit.
 */
export function paymentFormColumns(document: SalesDocument): Record<PaymentColumn, bigint> {
  const byColumn = new Map<PaymentColumn, bigint>();
  let paid = 0n;
  for (const [form, amount] of Object.entries(document.payments) as Array<[PaymentForm, string]>) {
    const units = cents(amount);
    paid += units;
    const column = columnOfForm[form];
    byColumn.set(column, (byColumn.get(column) ?? 0n) + units);
  }
  const open = cents(document.total) - paid;
  const credited = cents(document.creditedTotal);
  const creditedApplied = credited < open ? credited : open > 0n ? open : 0n;
  byColumn.set('other', (byColumn.get('other') ?? 0n) + creditedApplied);
  const columns = zeroColumns();
  for (const [column, amount] of byColumn)
    if (column !== 'credit') columns[column] = convert(amount, document.exchangeRate);
  const settled = paymentColumns.reduce((sum, column) => sum + columns[column], 0n);
  let rest = cents(document.totalDop) - settled;
  if (rest < 0n) {
    const largest = paymentColumns.reduce(
      (best, column) => (columns[column] > columns[best] ? column : best),
      'cash' as PaymentColumn,
    );
    columns[largest] += rest;
    rest = 0n;
  }
  columns.credit = rest;
  return columns;
}

const idTypeCodes = { rnc: '1', cedula: '2', pasaporte: '3' } as const;

/** Buyer id and its 607 type: digits for RNC/cédula, letters and digits for other documents. */
function buyerIdentification(document: SalesDocument): Pick<Report607Line, 'buyerId' | 'idType'> {
  const raw = (document.buyerIdNumber ?? '').toUpperCase();
  if (!raw.trim()) return { buyerId: '', idType: '' };
  const type =
    document.buyerIdType ??
    (raw.replace(/\D/g, '').length === 9 ? 'rnc' : raw.replace(/\D/g, '').length === 11 ? 'cedula' : 'pasaporte');
  const buyerId = type === 'pasaporte' ? raw.replace(/[^0-9A-Z]/g, '') : raw.replace(/\D/g, '');
  return buyerId ? { buyerId, idType: idTypeCodes[type] } : { buyerId: '', idType: '' };
}

/**
 * Consumer invoices (B02/E32) under RD$250,000.00 are not lines of the 607 file: the DGII's
 * instructions have them totalled in the section the Oficina Virtual opens when the file is sent
 * (docs/dgii-formats.md). OptiFlow leaves them out of the file and gives their totals (amount,
 * ITBIS, each payment form) in the report's stats for that section. Consumer invoices at or above
 * the threshold (which must identify the buyer) and every credit note are listed one by one.
 */
export function isSummarisedConsumerInvoice(document: SalesDocument): boolean {
  return (
    document.kind === 'invoice' &&
    (document.ncfType === 'B02' || document.ncfType === 'E32') &&
    compareDecimals(document.totalDop, consumerIdThresholdDop) < 0
  );
}

export interface Report607 {
  period: Period;
  /** Lines in file order: the listed documents by date and NCF. */
  lines: Report607Line[];
  stats: Report607Stats;
}

/** The totals of the consumer invoices left out of the file, in DOP, for the Oficina Virtual's section. */
export type ConsumerSummary = Record<'amount' | 'itbis' | PaymentColumn, string>;

export interface Report607Stats {
  /** Detail lines of the file (the count in the header). */
  lineCount: number;
  /** Invoices and credit notes listed one by one. */
  listedInvoices: number;
  creditNotes: number;
  /** Consumer invoices folded into the summary line. */
  summarisedInvoices: number;
  /** Invoices (listed and summarised): amount billed (taxable + exempt) and ITBIS, DOP. */
  invoiceAmount: string;
  invoiceItbis: string;
  creditNoteAmount: string;
  creditNoteItbis: string;
  consumer: ConsumerSummary;
}

/**
 * The 607 built document by document, in file order (by date, then NCF in byte order), so a
 * month is read in pages and written as it is read: `add` returns the document's file line, or
 * null when it is a consumer invoice folded into the summary; `stats` the totals so far.
 */
export function start607() {
  const summary = { amount: 0n, itbis: 0n, columns: zeroColumns() };
  const counts = {
    lineCount: 0,
    listedInvoices: 0,
    creditNotes: 0,
    summarisedInvoices: 0,
    invoiceAmount: 0n,
    invoiceItbis: 0n,
    creditNoteAmount: 0n,
    creditNoteItbis: 0n,
  };
  return {
    add(document: SalesDocument): Report607Line | null {
      const amount = cents(document.taxableTotalDop) + cents(document.exemptTotalDop);
      const itbis = cents(document.itbisTotalDop);
      const columns = paymentFormColumns(document);
      if (document.kind === 'credit_note') {
        counts.creditNotes += 1;
        counts.creditNoteAmount += amount;
        counts.creditNoteItbis += itbis;
      } else {
        counts.invoiceAmount += amount;
        counts.invoiceItbis += itbis;
      }
      if (isSummarisedConsumerInvoice(document)) {
        counts.summarisedInvoices += 1;
        summary.amount += amount;
        summary.itbis += itbis;
        for (const column of paymentColumns) summary.columns[column] += columns[column];
        return null;
      }
      if (document.kind === 'invoice') counts.listedInvoices += 1;
      counts.lineCount += 1;
      return {
        ...buyerIdentification(document),
        ncf: document.ncf,
        modifiedNcf: document.modifiedNcf ?? '',
        date: document.issuedOn,
        amount,
        itbis,
        columns,
      };
    },
    stats(): Report607Stats {
      return {
        lineCount: counts.lineCount,
        listedInvoices: counts.listedInvoices,
        creditNotes: counts.creditNotes,
        summarisedInvoices: counts.summarisedInvoices,
        invoiceAmount: amountText(counts.invoiceAmount),
        invoiceItbis: amountText(counts.invoiceItbis),
        creditNoteAmount: amountText(counts.creditNoteAmount),
        creditNoteItbis: amountText(counts.creditNoteItbis),
        consumer: {
          amount: amountText(summary.amount),
          itbis: amountText(summary.itbis),
          ...(Object.fromEntries(
            paymentColumns.map((column) => [column, amountText(summary.columns[column])]),
          ) as Record<PaymentColumn, string>),
        },
      };
    },
  };
}

/** `a` before `b` in file order: by date, then NCF in byte order (as Postgres sorts with COLLATE "C"). */
export function compareFileOrder(a: { issuedOn: string; ncf: string }, b: { issuedOn: string; ncf: string }): number {
  return a.issuedOn === b.issuedOn ? (a.ncf < b.ncf ? -1 : a.ncf > b.ncf ? 1 : 0) : a.issuedOn < b.issuedOn ? -1 : 1;
}

/** Builds the 607 of `period` from the documents issued in it (any order; drafts and voided ones must not be passed). */
export function build607(period: Period, documents: readonly SalesDocument[]): Report607 {
  const builder = start607();
  const lines: Report607Line[] = [];
  for (const document of [...documents].sort(compareFileOrder)) {
    const line = builder.add(document);
    if (line) lines.push(line);
  }
  return { period, lines, stats: builder.stats() };
}

/** `2025-03-07` -> `20250307`. */
export const compactDate = (date: string) => date.replace(/-/g, '');

/* The DGII tools read CRLF line endings; every line, the last one included, ends with one. */
const zero = '0.00';

/** The DGII monthly reports OptiFlow writes. */
export type DgiiReportKind = '606' | '607' | '608';

/** The first line of a 606, 607 or 608 TXT: `607|RNC|YYYYMM|count`. */
export function reportHeader(report: DgiiReportKind, rnc: string, period: Period, count: number): string {
  return `${report}|${rnc}|${period}|${count}\r\n`;
}

/** One detail line of the 607 TXT (23 pipe-delimited columns, CRLF). */
export function format607Line(line: Report607Line): string {
  return `${[
    line.buyerId,
    line.idType,
    line.ncf,
    line.modifiedNcf,
    '01', // income type: ingresos por operaciones (no financieros)
    compactDate(line.date),
    '', // withholding date: OptiFlow records no withholdings
    amountText(line.amount),
    amountText(line.itbis),
    zero, // ITBIS withheld by third parties
    zero, // ITBIS perceived
    zero, // ISR withheld
    zero, // ISR perceived
    zero, // ISC
    zero, // other taxes
    zero, // legal tip
    ...paymentColumns.map((column) => amountText(line.columns[column])),
  ].join('|')}\r\n`;
}

/** The 607 TXT: header `607|RNC|YYYYMM|count`, then 23 pipe-delimited columns per line. */
export function format607(rnc: string, report: Report607): string {
  return reportHeader('607', rnc, report.period, report.lines.length) + report.lines.map(format607Line).join('');
}

/** One line of the 608 TXT: `NCF|YYYYMMDD|reason` (CRLF). */
export function format608Line(document: VoidedDocument): string {
  return `${document.ncf}|${compactDate(document.issuedOn)}|${document.reason ?? ''}\r\n`;
}

/**
 * The 608 TXT: header `608|RNC|YYYYMM|count`, then `NCF|YYYYMMDD|reason` per document voided in the
 * period, the date being the voided receipt's own (its issue date), by that date and NCF.
 */
export function format608(rnc: string, period: Period, documents: readonly VoidedDocument[]): string {
  const sorted = [...documents].sort(compareFileOrder);
  return reportHeader('608', rnc, period, sorted.length) + sorted.map(format608Line).join('');
}

/** File names as the DGII's own tools name them: `DGII_F_607_<RNC>_<YYYYMM>.TXT`. */
export function reportFileName(report: DgiiReportKind, rnc: string, period: Period): string {
  return `DGII_F_${report}_${rnc}_${period}.TXT`;
}
