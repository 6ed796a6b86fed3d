/**
 * DGII report 606 (compras de bienes y servicios) as a pipe-delimited TXT (layout field by field:
 * docs/dgii-formats.md "606"). Pure: the query (src/queries/expenses.ts) hands over the month's
 * expenses in file order; amounts are exact (bigint cents), written with a dot and 2 decimals.
 */
import { compactDate, reportHeader, type Period } from './dgii-reports';
import { fromUnits, toUnits } from './money';

/** An expense of the period as the 606 reads it (not voided; amounts as stored, 2 decimals). */
export interface Purchase606 {
  supplierIdType: 'rnc' | 'cedula';
  supplierIdNumber: string;
  expenseType: string;
  ncf: string;
  modifiedNcf: string | null;
  /** `YYYY-MM-DD`. */
  issuedOn: string;
  /** `YYYY-MM-DD`, null while unpaid. */
  paidOn: string | null;
  servicesAmount: string;
  goodsAmount: string;
  total: string;
  itbisBilled: string;
  itbisWithheld: string;
  itbisProportional: string;
  itbisToCost: string;
  itbisAdvance: string;
  itbisPerceived: string;
  isrWithholdingType: string | null;
  isrWithheld: string;
  isrPerceived: string;
  iscAmount: string;
  otherTaxes: string;
  legalTip: string;
  paymentForm: string;
}

const amount = (value: string) => fromUnits(toUnits(value, 2), 2);

/** One detail line of the 606 TXT: 23 pipe-delimited fields, CRLF. */
export function format606Line(purchase: Purchase606): string {
  return `${[
    purchase.supplierIdNumber.replace(/\D/g, ''),
    purchase.supplierIdType === 'rnc' ? '1' : '2',
    purchase.expenseType,
    purchase.ncf,
    purchase.modifiedNcf ?? '',
    compactDate(purchase.issuedOn),
    purchase.paidOn ? compactDate(purchase.paidOn) : '',
    amount(purchase.servicesAmount),
    amount(purchase.goodsAmount),
    amount(purchase.total),
    amount(purchase.itbisBilled),
    amount(purchase.itbisWithheld),
    amount(purchase.itbisProportional),
    amount(purchase.itbisToCost),
    amount(purchase.itbisAdvance),
    amount(purchase.itbisPerceived),
    purchase.isrWithholdingType ?? '',
    amount(purchase.isrWithheld),
    amount(purchase.isrPerceived),
    amount(purchase.iscAmount),
    amount(purchase.otherTaxes),
    amount(purchase.legalTip),
    purchase.paymentForm,
  ].join('|')}\r\n`;
}

/** `a` before `b` in the 606: by date, then NCF in byte order, then supplier. */
export function compare606Order(a: Purchase606, b: Purchase606): number {
  const keyA = [a.issuedOn, a.ncf, a.supplierIdNumber];
  const keyB = [b.issuedOn, b.ncf, b.supplierIdNumber];
  for (let i = 0; i < keyA.length; i += 1) if (keyA[i] !== keyB[i]) return keyA[i]! < keyB[i]! ? -1 : 1;
  return 0;
}

/** The 606 TXT of a period: header `606|RNC|YYYYMM|count`, then one line per expense in file order. */
export function format606(rnc: string, period: Period, purchases: readonly Purchase606[]): string {
  const sorted = [...purchases].sort(compare606Order);
  return reportHeader('606', rnc, period, sorted.length) + sorted.map(format606Line).join('');
}

export interface Report606Stats {
  lineCount: number;
  /** Supplier credit notes (B04/E34) among the lines. */
  creditNotes: number;
  /** Sums over the lines, credit notes subtracted (their amounts are written positive in the file). */
  total: string;
  itbisBilled: string;
  itbisWithheld: string;
  itbisAdvance: string;
  isrWithheld: string;
}

/** The 606's totals as the IT-1 reads them: credit notes (B04/E34) take their amounts off. */
export function stats606(purchases: readonly Purchase606[]): Report606Stats {
  const sums = { total: 0n, itbisBilled: 0n, itbisWithheld: 0n, itbisAdvance: 0n, isrWithheld: 0n };
  let creditNotes = 0;
  for (const purchase of purchases) {
    const isCredit = purchase.ncf.startsWith('B04') || purchase.ncf.startsWith('E34');
    if (isCredit) creditNotes += 1;
    const sign = isCredit ? -1n : 1n;
    for (const key of Object.keys(sums) as Array<keyof typeof sums>) sums[key] += sign * toUnits(purchase[key], 2);
  }
  return {
    lineCount: purchases.length,
    creditNotes,
    ...(Object.fromEntries(Object.entries(sums).map(([key, value]) => [key, fromUnits(value, 2)])) as Record<
      keyof typeof sums,
      string
    >),
  };
}
