/**
 * The rules an invoice must pass before its NCF is taken (pure: the caller loads the draft, these
 * decide). The number itself, the row lock and the stock check live in issue_invoice (SQL).
 */
import { formatDate } from './dates';
import { formatMoney } from './money';
import { buyerIdRequired, isNcfType, ncfTypes } from './ncf';
import { toDop, type DopTotals } from './totals';

export interface IssueCandidate {
  ncfType: string;
  currencyCode: string;
  taxableTotal: string;
  exemptTotal: string;
  itbisTotal: string;
  lineCount: number;
  customerIdType: string | null;
  customerIdNumber: string | null;
  /** The currency's rate on the issue date (null when there is none). */
  rateOnDate: string | null;
}

export type IssueRuleFailure =
  | { rule: 'noLines' }
  | { rule: 'ncfType' }
  | { rule: 'noExchangeRate'; currency: string; date: string }
  | { rule: 'buyerIdRequired'; type: string; name: string }
  | { rule: 'buyerIdThreshold'; type: string; total: string };

export type IssueRuleResult =
  | { ok: true; exchangeRate: string; dop: DopTotals }
  | { ok: false; failure: IssueRuleFailure };

/** Whether the contact carries an RNC or cédula (a passport does not identify a buyer for the DGII). */
export function hasFiscalId(idType: string | null, idNumber: string | null): boolean {
  return (idType === 'rnc' || idType === 'cedula') && Boolean(idNumber);
}

/** Checks a draft against the issue rules for `issuedOn` (the shop's today). */
export function checkIssueRules(candidate: IssueCandidate, issuedOn: string): IssueRuleResult {
  if (candidate.lineCount === 0) return { ok: false, failure: { rule: 'noLines' } };
  if (!isNcfType(candidate.ncfType)) return { ok: false, failure: { rule: 'ncfType' } };
  const exchangeRate = candidate.currencyCode === 'DOP' ? '1.0000' : candidate.rateOnDate;
  if (!exchangeRate)
    return {
      ok: false,
      failure: { rule: 'noExchangeRate', currency: candidate.currencyCode, date: formatDate(issuedOn) },
    };
  const dop = toDop(candidate, exchangeRate);
  if (
    buyerIdRequired(candidate.ncfType, dop.totalDop) &&
    !hasFiscalId(candidate.customerIdType, candidate.customerIdNumber)
  ) {
    const type = candidate.ncfType;
    if (ncfTypes[type].requiresBuyerId)
      return { ok: false, failure: { rule: 'buyerIdRequired', type, name: ncfTypes[type].name } };
    return { ok: false, failure: { rule: 'buyerIdThreshold', type, total: formatMoney(dop.totalDop) } };
  }
  return { ok: true, exchangeRate, dop };
}

/** Crédito fiscal types (B01, E31): the NCF is the buyer's ITBIS credit, valid only for a taxpayer the DGII has as active (docs/dgii-formats.md). */
export function requiresActiveBuyer(ncfType: string): boolean {
  return ncfType === 'B01' || ncfType === 'E31';
}

/**
 * What a buyer's DGII registry status means for a document of `ncfType`: null when the status is
 * ACTIVO or unknown (not in the registry), 'refuse' for a crédito fiscal type (B01/E31) to any
 * other status (SUSPENDIDO, DADO DE BAJA, CESE TEMPORAL, ANULADO, RECHAZADO), 'warn' for the rest.
 */
export function inactiveBuyerRule(ncfType: string, registryStatus: string | null): 'refuse' | 'warn' | null {
  const status = registryStatus?.trim().toUpperCase() ?? '';
  if (!status || status === 'ACTIVO') return null;
  return requiresActiveBuyer(ncfType) ? 'refuse' : 'warn';
}
