/**
 * An issued OptiFlow invoice or credit note as an `EcfDocument`. Every amount comes from what the
 * totals engine computed and the document stored (src/domain/totals.ts): the e-CF's totals equal
 * the invoice's to the cent. For a document in another currency, the DOP figures DGII wants in
 * `Totales` and on each line are converted with the same `toDop` the issue used, and the cents
 * conversion loses are put back on the largest rate and line, so that lines add up to their rate
 * and rates to the stored DOP totals exactly. The one place that knows the invoice read shape:
 * when it changes, only this file does.
 */
import type { DocumentLine, InvoiceDocument } from '../queries/documents';
import { daysBetween } from '../domain/dates';
import { compareDecimals, fromUnits, roundHalfUp, sumDecimals, toUnits } from '../domain/money';
import { toDop } from '../domain/totals';
import {
  type BillingIndicator,
  type EcfAmounts,
  type EcfCurrency,
  type EcfDocument,
  type EcfLine,
  type EcfPaymentForm,
  type EcfType,
  type IncomeType,
  type ModificationCode,
  type PaymentFormCode,
  type TaxedIndicator,
  EcfBuildError,
  ecfCurrencies,
  isEcfType,
} from './model';

export interface InvoiceToEcfOptions {
  /** Credit notes: the issue date (`YYYY-MM-DD`) of the invoice the note modifies (`FechaNCFModificado`). */
  modifiedIssuedOn?: string;
  /** Credit notes: `CodigoModificacion`; 3 (corrige montos) unless the caller says the note annuls the invoice (1). */
  modificationCode?: ModificationCode;
  /** `TipoIngresos`; 01 (ingresos por operaciones) unless told otherwise. */
  incomeType?: IncomeType;
  /** Active payments of the document, in its currency, for `TablaFormasPago` (method = e-CF payment form). */
  payments?: ReadonlyArray<{ method: string; amount: string }>;
  /** Lines that are services (an eye exam) rather than goods; goods unless told. */
  isService?: (line: DocumentLine) => boolean;
}

/** The types an OptiFlow invoice (or, for 34, credit note) can be issued as. */
const invoiceTypes: ReadonlySet<EcfType> = new Set(['31', '32', '44', '45', '46']);

const taxedIndicatorOfRate: Record<string, TaxedIndicator> = { '18.00': 1, '16.00': 2, '0.00': 3 };

function indicatorOf(line: { taxRate: string; exempt: boolean }, field: string): BillingIndicator {
  if (line.exempt) return 4;
  const indicator = taxedIndicatorOfRate[roundHalfUp(line.taxRate, 2)];
  if (!indicator)
    throw new EcfBuildError(field, `ITBIS ${line.taxRate}% is not one of DGII's rates (18%, 16%, 0% or exempt)`);
  return indicator;
}

function typeOf(doc: InvoiceDocument): EcfType {
  const code = doc.ncfType.startsWith('E') ? doc.ncfType.slice(1) : '';
  if (!isEcfType(code)) throw new EcfBuildError('ncfType', `${doc.ncfType} is not an e-CF type`);
  if (doc.kind === 'credit_note' ? code !== '34' : !invoiceTypes.has(code))
    throw new EcfBuildError('ncfType', `an OptiFlow ${doc.kind} is not issued as e-CF ${code}`);
  return code;
}

/** One amount in DOP exactly as `toDop` converts the document's totals. */
function convert(value: string, exchangeRate: string): string {
  return toDop({ taxableTotal: value, exemptTotal: '0.00', itbisTotal: '0.00' }, exchangeRate).taxableTotalDop;
}

/** `parts` with the difference to `target` put on the largest one (conversion cents). */
function settle(parts: readonly string[], target: string): string[] {
  if (parts.length === 0) return [];
  const difference = toUnits(target, 2) - toUnits(sumDecimals(parts, 2), 2);
  let largest = 0;
  parts.forEach((part, index) => {
    if (compareDecimals(part, parts[largest]!) > 0) largest = index;
  });
  return parts.map((part, index) => (index === largest ? fromUnits(toUnits(part, 2) + difference, 2) : part));
}

function ownAmounts(doc: InvoiceDocument): EcfAmounts {
  return {
    rates: doc.taxBreakdown.map((entry, index) => ({
      indicator: indicatorOf({ taxRate: entry.rate, exempt: false }, `taxBreakdown.${index}.rate`) as TaxedIndicator,
      taxable: entry.taxable,
      itbis: entry.itbis,
    })),
    exempt: doc.exemptTotal,
    itbis: doc.itbisTotal,
    total: doc.total,
  };
}

function dopAmounts(doc: InvoiceDocument, own: EcfAmounts): EcfAmounts {
  const dop = toDop(doc, doc.exchangeRate);
  if (compareDecimals(dop.totalDop, doc.totalDop) !== 0)
    throw new EcfBuildError(
      'totalDop',
      `the stored DOP total ${doc.totalDop} is not the conversion of the totals (${dop.totalDop})`,
    );
  const taxable = settle(
    own.rates.map((rate) => convert(rate.taxable, doc.exchangeRate)),
    dop.taxableTotalDop,
  );
  const itbis = settle(
    own.rates.map((rate) => convert(rate.itbis, doc.exchangeRate)),
    dop.itbisTotalDop,
  );
  return {
    rates: own.rates.map((rate, index) => ({
      indicator: rate.indicator,
      taxable: taxable[index]!,
      itbis: itbis[index]!,
    })),
    exempt: dop.exemptTotalDop,
    itbis: dop.itbisTotalDop,
    total: dop.totalDop,
  };
}

function ecfLines(doc: InvoiceDocument, dop: EcfAmounts | null, options: InvoiceToEcfOptions): EcfLine[] {
  const lines = doc.lines.map((line, index): EcfLine => {
    const billing = indicatorOf(line, `lines.${index}.taxRate`);
    const base = {
      name: line.description,
      description: [...line.description.trim()].length > 80 ? line.description : undefined,
      kind: options.isService?.(line) ? ('service' as const) : ('good' as const),
      billing,
      quantity: line.quantity,
    };
    if (!dop) return { ...base, unitPrice: line.unitPrice, discount: line.discount, amount: line.amount };
    return {
      ...base,
      unitPrice: roundHalfUp(fromUnits(toUnits(line.unitPrice, 4) * toUnits(doc.exchangeRate, 4), 8), 4),
      discount: convert(line.discount, doc.exchangeRate),
      amount: convert(line.amount, doc.exchangeRate),
      foreign: { unitPrice: line.unitPrice, discount: line.discount, amount: line.amount },
    };
  });
  if (!dop) return lines;
  // Each rate's (and the exempt) lines add up to that rate's DOP figure.
  const targets = new Map<BillingIndicator, string>(dop.rates.map((rate) => [rate.indicator, rate.taxable]));
  targets.set(4, dop.exempt);
  for (const [indicator, target] of targets) {
    const members = lines.flatMap((line, index) => (line.billing === indicator ? [index] : []));
    if (members.length === 0) continue;
    const settled = settle(
      members.map((index) => lines[index]!.amount),
      target,
    );
    members.forEach((lineIndex, position) => {
      lines[lineIndex] = { ...lines[lineIndex]!, amount: settled[position]! };
    });
  }
  return lines;
}

function paymentForms(
  doc: InvoiceDocument,
  options: InvoiceToEcfOptions,
  foreign: boolean,
): EcfPaymentForm[] | undefined {
  if (!options.payments?.length) return undefined;
  const byForm = new Map<PaymentFormCode, string[]>();
  for (const payment of options.payments) {
    if (!/^[1-8]$/.test(payment.method)) throw new EcfBuildError('payments', `unknown payment form ${payment.method}`);
    const form = payment.method as PaymentFormCode;
    byForm.set(form, [...(byForm.get(form) ?? []), payment.amount]);
  }
  return [...byForm.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([form, amounts]) => {
      const own = sumDecimals(amounts, 2);
      return { form, amount: foreign ? convert(own, doc.exchangeRate) : own };
    });
}

/** `809-555-1234` from whatever the shop typed; numbers that are not 10 digits are left out. */
function phonesOf(text: string | null): string[] {
  if (!text) return [];
  return text
    .split(/[,;/|]|\s{2,}/)
    .map((part) => part.replace(/\D/g, ''))
    .map((digits) => (digits.length === 11 && digits.startsWith('1') ? digits.slice(1) : digits))
    .filter((digits) => digits.length === 10)
    .map((digits) => `${digits.slice(0, 3)}-${digits.slice(3, 6)}-${digits.slice(6)}`);
}

/** The e-CF of an issued E-series invoice (31, 32, 44, 45, 46) or credit note (34). */
export function invoiceToEcf(doc: InvoiceDocument, options: InvoiceToEcfOptions = {}): EcfDocument {
  const type = typeOf(doc);
  if (doc.status === 'draft' || doc.status === 'voided')
    throw new EcfBuildError('status', `a ${doc.status} document has no e-CF`);
  if (!doc.ncf || !doc.issuedOn) throw new EcfBuildError('ncf', 'the document has no e-NCF or issue date yet');
  if (!doc.company.rnc) throw new EcfBuildError('issuer.rnc', "the shop's RNC is required");
  const foreign = doc.currencyCode !== 'DOP';
  if (foreign && !(ecfCurrencies as readonly string[]).includes(doc.currencyCode))
    throw new EcfBuildError('currencyCode', `${doc.currencyCode} is not in DGII's currency table`);
  const own = ownAmounts(doc);
  const dop = foreign ? dopAmounts(doc, own) : null;
  if (!foreign && compareDecimals(doc.total, doc.totalDop) !== 0)
    throw new EcfBuildError('totalDop', 'a DOP document has the same total in DOP');
  const credit = doc.kind === 'credit_note';
  if (credit && (!doc.modifiedNcf || !options.modifiedIssuedOn))
    throw new EcfBuildError('reference', 'a credit note needs the modified e-NCF and its issue date');
  const credited = doc.dueOn !== null && doc.dueOn > doc.issuedOn;
  const idType = doc.buyer.idType;
  const hasBuyer = Boolean(doc.buyer.name || doc.buyer.idNumber);
  return {
    type,
    encf: doc.ncf,
    sequenceExpiresOn: doc.ncfValidUntil ?? undefined,
    issuedOn: doc.issuedOn,
    creditNoteAfter30Days: credit ? doc.refundsItbis === false : undefined,
    incomeType: options.incomeType ?? '01',
    paymentType: credited ? 2 : 1,
    paymentDueOn: credited ? doc.dueOn! : undefined,
    paymentTerm: credited ? `${daysBetween(doc.issuedOn, doc.dueOn!)} días` : undefined,
    paymentForms: paymentForms(doc, options, foreign),
    issuer: {
      rnc: doc.company.rnc,
      legalName: doc.company.name,
      branch: doc.branch.name,
      address: doc.company.address ?? doc.branch.address ?? '',
      phones: phonesOf(doc.company.phones ?? doc.branch.phone),
      email: doc.company.email ?? undefined,
    },
    buyer: hasBuyer
      ? {
          name: doc.buyer.name ?? undefined,
          rnc: idType === 'rnc' || idType === 'cedula' ? (doc.buyer.idNumber ?? undefined) : undefined,
          foreignId: idType === 'pasaporte' ? (doc.buyer.idNumber ?? undefined) : undefined,
        }
      : undefined,
    lines: ecfLines(doc, dop, options),
    totals: dop ?? own,
    foreignCurrency: foreign
      ? { code: doc.currencyCode as EcfCurrency, exchangeRate: doc.exchangeRate, totals: own }
      : undefined,
    reference: credit
      ? {
          ncf: doc.modifiedNcf!,
          issuedOn: options.modifiedIssuedOn!,
          code: options.modificationCode ?? 3,
          reason: doc.creditReason ?? undefined,
        }
      : undefined,
  };
}
