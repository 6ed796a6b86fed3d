/**
 * Document totals per docs/domain.md, computed on the server only, exactly (bigint cents): each line
 * is quantity x unit price - discount, half-up to cents; ITBIS is computed per rate on the sum of
 * that rate's taxable lines; exempt lines (marked "E") carry no ITBIS; total = taxable + exempt + ITBIS.
 */
import { fromUnits, roundHalfUp, toUnits } from './money';

export interface LineInput {
  /** Up to 2 decimals, > 0. */
  quantity: string;
  /** Up to 4 decimals, >= 0. */
  unitPrice: string;
  /** Discount amount for the whole line, up to 2 decimals, 0 <= discount <= quantity x price. */
  discount: string;
  /** Percent, e.g. `18.00`; ignored when `exempt`. */
  taxRate: string;
  exempt: boolean;
}

export interface LineTotals {
  /** quantity x unit price, half-up to cents. */
  gross: string;
  /** gross - discount. */
  amount: string;
}

export interface TaxBreakdownEntry {
  rate: string;
  taxable: string;
  itbis: string;
}

export interface DocumentTotals {
  lines: LineTotals[];
  grossTotal: string;
  discountTotal: string;
  taxableTotal: string;
  exemptTotal: string;
  itbisTotal: string;
  total: string;
  /** One entry per ITBIS rate with taxable lines, highest rate first. */
  taxBreakdown: TaxBreakdownEntry[];
}

export interface DopTotals {
  taxableTotalDop: string;
  exemptTotalDop: string;
  itbisTotalDop: string;
  totalDop: string;
}

export class TotalsError extends Error {
  constructor(
    readonly line: number,
    readonly field: 'quantity' | 'unitPrice' | 'discount' | 'taxRate',
    message: string,
  ) {
    super(message);
  }
}

const cents = (value: string) => toUnits(value, 2);
const text = (units: bigint) => fromUnits(units, 2);

/** `value x factor` exactly, half-up to cents; `factorScale` is the factor's number of decimals. */
function multiplyToCents(value: bigint, valueScale: number, factor: bigint, factorScale: number): bigint {
  const exact = value * factor; // scale valueScale + factorScale
  const drop = valueScale + factorScale - 2;
  if (drop <= 0) return exact * 10n ** BigInt(-drop);
  const divisor = 10n ** BigInt(drop);
  const magnitude = exact < 0n ? -exact : exact;
  const rounded = (magnitude + divisor / 2n) / divisor;
  return exact < 0n ? -rounded : rounded;
}

/**
 * Totals of a document. `chargeItbis: false` is for a credit note issued more than 30 days after
 * its invoice: it refunds the price but not the ITBIS, so every line is taxed at 0.
 */
/** The document's figures from its lines' sums: the total is taxable + exempt + ITBIS, each already in cents. */
function documentTotals(
  lines: LineTotals[],
  sums: { grossTotal: bigint; discountTotal: bigint; exemptTotal: bigint },
  taxableByRate: ReadonlyMap<string, bigint>,
  taxBreakdown: TaxBreakdownEntry[],
): DocumentTotals {
  const taxableTotal = [...taxableByRate.values()].reduce((sum, value) => sum + value, 0n);
  const itbisTotal = taxBreakdown.reduce((sum, entry) => sum + cents(entry.itbis), 0n);
  return {
    lines,
    grossTotal: text(sums.grossTotal),
    discountTotal: text(sums.discountTotal),
    taxableTotal: text(taxableTotal),
    exemptTotal: text(sums.exemptTotal),
    itbisTotal: text(itbisTotal),
    total: text(taxableTotal + sums.exemptTotal + itbisTotal),
    taxBreakdown,
  };
}

export function computeTotals(lines: readonly LineInput[], options: { chargeItbis?: boolean } = {}): DocumentTotals {
  const chargeItbis = options.chargeItbis ?? true;
  const taxableByRate = new Map<string, bigint>();
  let grossTotal = 0n;
  let discountTotal = 0n;
  let exemptTotal = 0n;
  const lineTotals = lines.map((line, index) => {
    const quantity = toUnits(line.quantity, 2);
    const price = toUnits(line.unitPrice, 4);
    const discount = cents(line.discount);
    if (quantity <= 0n) throw new TotalsError(index, 'quantity', 'quantity must be positive');
    if (price < 0n) throw new TotalsError(index, 'unitPrice', 'price must not be negative');
    const gross = multiplyToCents(quantity, 2, price, 4);
    if (discount < 0n || discount > gross)
      throw new TotalsError(index, 'discount', 'discount must be between 0 and the line amount');
    const amount = gross - discount;
    grossTotal += gross;
    discountTotal += discount;
    if (line.exempt) exemptTotal += amount;
    else {
      const rate = roundHalfUp(line.taxRate, 2);
      if (toUnits(rate, 2) < 0n) throw new TotalsError(index, 'taxRate', 'rate must not be negative');
      taxableByRate.set(rate, (taxableByRate.get(rate) ?? 0n) + amount);
    }
    return { gross: text(gross), amount: text(amount) };
  });
  const taxBreakdown = [...taxableByRate.entries()]
    .sort(([a], [b]) => Number(toUnits(b, 2) - toUnits(a, 2)))
    .map(([rate, taxable]) => ({
      rate,
      taxable: text(taxable),
      // taxable (2 decimals) x rate/100 (rate has 2 decimals, so the factor has 4)
      itbis: text(chargeItbis ? multiplyToCents(taxable, 2, toUnits(rate, 2), 4) : 0n),
    }));
  return documentTotals(lineTotals, { grossTotal, discountTotal, exemptTotal }, taxableByRate, taxBreakdown);
}

/**
 * The totals in DOP at `exchangeRate` (DOP per unit, 4 decimals): taxable, exempt and ITBIS are
 * each converted and rounded half-up, and the DOP total is their sum (so the report adds up).
 */
export function toDop(
  totals: Pick<DocumentTotals, 'taxableTotal' | 'exemptTotal' | 'itbisTotal'>,
  exchangeRate: string,
): DopTotals {
  const rate = toUnits(exchangeRate, 4);
  const convert = (value: string) => multiplyToCents(cents(value), 2, rate, 4);
  const taxable = convert(totals.taxableTotal);
  const exempt = convert(totals.exemptTotal);
  const itbis = convert(totals.itbisTotal);
  return {
    taxableTotalDop: text(taxable),
    exemptTotalDop: text(exempt),
    itbisTotalDop: text(itbis),
    totalDop: text(taxable + exempt + itbis),
  };
}

/** One line of the original as a credit note sees it: what it was, and what earlier notes already took. */
export interface CreditSourceLine {
  quantity: string;
  unitPrice: string;
  discount: string;
  /** quantity x unit price - discount, as stored on the original. */
  amount: string;
  taxRate: string;
  exempt: boolean;
  /** What earlier (not voided) credit notes took from this line. */
  creditedQuantity: string;
  creditedAmount: string;
  creditedDiscount: string;
}

/** One ITBIS rate of the original: its taxable base and ITBIS, and what earlier ITBIS-refunding notes took. */
export interface CreditRateState {
  rate: string;
  taxable: string;
  itbis: string;
  creditedTaxable: string;
  creditedItbis: string;
}

/** `total x part / whole`, half-up to a whole unit (all three in the same units). */
function share(total: bigint, part: bigint, whole: bigint): bigint {
  if (whole === 0n) return 0n;
  return (total * part * 2n + whole) / (2n * whole);
}

const clamp = (value: bigint, low: bigint, high: bigint) => (value < low ? low : value > high ? high : value);

/**
 * Totals of a credit note computed against what is left of its invoice, so that the notes of an
 * invoice add up to exactly its total, however it is split:
 * - a line's gross and discount are cumulative pro-rata shares of the original's (the notes that
 *   took `c` units so far carried round(G x c / Q) in total); the credit that takes the last units
 *   of a line takes exactly the amount and discount that are left;
 * - ITBIS per rate is cumulative too: round(rate x credited taxable so far) less what earlier
 *   notes refunded, and the note that completes a rate's taxable base takes exactly the ITBIS left.
 * Each note on its own would round every share separately and drift by cents (the third of three
 * equal credits asking 976.05 when 976.04 is left). `chargeItbis: false` (more than 30 days after
 * the invoice) refunds no ITBIS.
 */
export function computeCreditTotals(
  requests: ReadonlyArray<{ source: CreditSourceLine; quantity: string }>,
  rates: readonly CreditRateState[],
  options: { chargeItbis: boolean },
): DocumentTotals {
  const taxableByRate = new Map<string, bigint>();
  let grossTotal = 0n;
  let discountTotal = 0n;
  let exemptTotal = 0n;
  const lineTotals = requests.map(({ source, quantity }, index) => {
    const whole = toUnits(source.quantity, 2);
    const before = toUnits(source.creditedQuantity, 2);
    const asked = toUnits(quantity, 2);
    if (asked <= 0n || before + asked > whole)
      throw new TotalsError(index, 'quantity', 'quantity must be within what is left of the line');
    const lineDiscount = cents(source.discount);
    const lineAmount = cents(source.amount);
    const lineGross = lineAmount + lineDiscount;
    let gross: bigint;
    let discount: bigint;
    if (before + asked === whole) {
      const amountLeft = clamp(lineAmount - cents(source.creditedAmount), 0n, lineAmount);
      discount = clamp(lineDiscount - cents(source.creditedDiscount), 0n, lineDiscount);
      gross = amountLeft + discount;
    } else {
      gross = share(lineGross, before + asked, whole) - share(lineGross, before, whole);
      discount = share(lineDiscount, before + asked, whole) - share(lineDiscount, before, whole);
    }
    const amount = gross - discount;
    grossTotal += gross;
    discountTotal += discount;
    if (source.exempt) exemptTotal += amount;
    else {
      const rate = roundHalfUp(source.taxRate, 2);
      taxableByRate.set(rate, (taxableByRate.get(rate) ?? 0n) + amount);
    }
    return { gross: text(gross), amount: text(amount) };
  });
  const stateOf = new Map(rates.map((state) => [roundHalfUp(state.rate, 2), state]));
  const taxBreakdown = [...taxableByRate.entries()]
    .sort(([a], [b]) => Number(toUnits(b, 2) - toUnits(a, 2)))
    .map(([rate, taxable]) => {
      let itbis = 0n;
      if (options.chargeItbis) {
        const state = stateOf.get(rate);
        const rateUnits = toUnits(rate, 2);
        if (!state) itbis = multiplyToCents(taxable, 2, rateUnits, 4);
        else {
          const creditedTaxable = cents(state.creditedTaxable) + taxable;
          const left = cents(state.itbis) - cents(state.creditedItbis);
          itbis =
            creditedTaxable >= cents(state.taxable)
              ? left
              : clamp(
                  multiplyToCents(creditedTaxable, 2, rateUnits, 4) - cents(state.creditedItbis),
                  0n,
                  left < 0n ? 0n : left,
                );
          if (itbis < 0n) itbis = 0n;
        }
      }
      return { rate, taxable: text(taxable), itbis: text(itbis) };
    });
  return documentTotals(lineTotals, { grossTotal, discountTotal, exemptTotal }, taxableByRate, taxBreakdown);
}
