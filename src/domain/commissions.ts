/**
 * Sales commissions: which rule pays a sold line, and how much (pure; docs/domain.md, "Sellers and
 * commissions"). Money is exact: bigint cents through src/domain/money.ts, half-up per line.
 */
import { fromUnits, roundHalfUp, toUnits } from './money';

/** A commission period: one calendar month of the shop's time zone, `YYYY-MM`. */
export type CommissionPeriod = string;

/** `YYYY-MM` (2000-2099) not after the month of `today` (`YYYY-MM-DD`); null otherwise. */
export function parseCommissionPeriod(value: string | null | undefined, today: string): CommissionPeriod | null {
  const period = (value ?? '').trim();
  if (!/^20\d{2}-(0[1-9]|1[0-2])$/.test(period)) return null;
  return period <= today.slice(0, 7) ? period : null;
}

/** The month of a date `YYYY-MM-DD`. */
export const periodOf = (date: string): CommissionPeriod => date.slice(0, 7);

/** The last `count` periods up to and including `latest`, newest first (the period chooser). */
export function recentCommissionPeriods(latest: CommissionPeriod, count: number): CommissionPeriod[] {
  let year = Number(latest.slice(0, 4));
  let month = Number(latest.slice(5, 7));
  const periods: CommissionPeriod[] = [];
  for (let index = 0; index < count; index += 1) {
    periods.push(`${year}-${String(month).padStart(2, '0')}`);
    month -= 1;
    if (month === 0) {
      month = 12;
      year -= 1;
    }
  }
  return periods;
}

/** An active rule: a percentage (0-100, 2 decimals) for a seller, a product category, or both. */
export interface CommissionRule {
  id: string;
  sellerId: string | null;
  category: string | null;
  rate: string;
}

/**
 * The rule that pays a line of `sellerId` in `category` (null: a free line without a product): the
 * most specific active rule wins - seller and category, then the seller's own, then the category's.
 * Null when none applies (no commission).
 */
export function resolveCommissionRule(
  rules: readonly CommissionRule[],
  sellerId: string,
  category: string | null,
): CommissionRule | null {
  const both = category ? rules.find((rule) => rule.sellerId === sellerId && rule.category === category) : undefined;
  if (both) return both;
  const seller = rules.find((rule) => rule.sellerId === sellerId && rule.category === null);
  if (seller) return seller;
  return (category ? rules.find((rule) => rule.sellerId === null && rule.category === category) : undefined) ?? null;
}

/** One sold (or credited) line as the report reads it. */
export interface CommissionLine {
  documentId: string;
  kind: 'invoice' | 'credit_note';
  sellerId: string;
  category: string | null;
  /** The line's amount after discount, before ITBIS, in the document's currency (2 decimals). */
  amount: string;
  /** The document's rate to DOP (4 decimals; 1 for DOP). */
  exchangeRate: string;
}

export interface LineCommission {
  /** Net sales of the line in DOP (negative for a credit note). */
  base: string;
  /** The rate applied (null: no rule). */
  rate: string | null;
  amount: string;
}

/**
 * A line's base in DOP (amount x rate, half-up to cents) and its commission (base x rate / 100,
 * half-up to cents). A credit note's line is computed on its magnitude and then negated, so a note
 * that returns a whole invoice takes back exactly what the invoice paid.
 */
export function lineCommission(line: CommissionLine, rules: readonly CommissionRule[]): LineCommission {
  const rule = resolveCommissionRule(rules, line.sellerId, line.category);
  const amount = line.amount.startsWith('-') ? line.amount.slice(1) : line.amount;
  const base = roundHalfUp(fromUnits(toUnits(amount, 2) * toUnits(line.exchangeRate, 4), 6), 2);
  const commission = rule ? roundHalfUp(fromUnits(toUnits(base, 2) * toUnits(rule.rate, 2), 6), 2) : '0.00';
  const sign = line.kind === 'credit_note' ? -1n : 1n;
  return {
    base: fromUnits(sign * toUnits(base, 2), 2),
    rate: rule?.rate ?? null,
    amount: fromUnits(sign * toUnits(commission, 2), 2),
  };
}

/** A document's figures: the sums of its lines' bases and commissions. */
export interface DocumentCommission {
  documentId: string;
  sellerId: string;
  base: string;
  amount: string;
}

export interface SellerCommission {
  sellerId: string;
  base: string;
  amount: string;
  documents: DocumentCommission[];
}

/**
 * Per seller (in the order sellers first appear) and per document (in line order): the sums of the
 * lines' exact figures - a seller's total is the sum of its documents', never recomputed.
 */
export function commissionsBySeller(
  lines: readonly CommissionLine[],
  rules: readonly CommissionRule[],
): SellerCommission[] {
  const documents = new Map<string, { sellerId: string; base: bigint; amount: bigint }>();
  for (const line of lines) {
    const figures = lineCommission(line, rules);
    const document = documents.get(line.documentId) ?? { sellerId: line.sellerId, base: 0n, amount: 0n };
    document.base += toUnits(figures.base, 2);
    document.amount += toUnits(figures.amount, 2);
    documents.set(line.documentId, document);
  }
  return groupBySeller(
    [...documents].map(([documentId, document]) => ({
      documentId,
      sellerId: document.sellerId,
      base: fromUnits(document.base, 2),
      amount: fromUnits(document.amount, 2),
    })),
  );
}

/** Documents (computed now or frozen in a close) grouped per seller with exact sums. */
export function groupBySeller(documents: readonly DocumentCommission[]): SellerCommission[] {
  const sellers = new Map<string, { base: bigint; amount: bigint; documents: DocumentCommission[] }>();
  for (const document of documents) {
    const seller = sellers.get(document.sellerId) ?? { base: 0n, amount: 0n, documents: [] };
    seller.base += toUnits(document.base, 2);
    seller.amount += toUnits(document.amount, 2);
    seller.documents.push(document);
    sellers.set(document.sellerId, seller);
  }
  return [...sellers].map(([sellerId, seller]) => ({
    sellerId,
    base: fromUnits(seller.base, 2),
    amount: fromUnits(seller.amount, 2),
    documents: seller.documents,
  }));
}
