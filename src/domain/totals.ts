/**
 * Document totals per DOMAIN.md, computed on the server only, exactly (bigint cents): each line
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
    if (discount < 0n || discount > gross) throw new TotalsError(index, 'discount', 'discount must be between 0 and the line amount');
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
  const taxableTotal = [...taxableByRate.values()].reduce((sum, value) => sum + value, 0n);
  const itbisTotal = taxBreakdown.reduce((sum, entry) => sum + cents(entry.itbis), 0n);
  return {
    lines: lineTotals,
    grossTotal: text(grossTotal),
    discountTotal: text(discountTotal),
    taxableTotal: text(taxableTotal),
    exemptTotal: text(exemptTotal),
    itbisTotal: text(itbisTotal),
    total: text(taxableTotal + exemptTotal + itbisTotal),
    taxBreakdown,
  };
}

/**
 * The totals in DOP at `exchangeRate` (DOP per unit, 4 decimals): taxable, exempt and ITBIS are
 * each converted and rounded half-up, and the DOP total is their sum (so the report adds up).
 */
export function toDop(totals: Pick<DocumentTotals, 'taxableTotal' | 'exemptTotal' | 'itbisTotal'>, exchangeRate: string): DopTotals {
  const rate = toUnits(exchangeRate, 4);
  const convert = (value: string) => multiplyToCents(cents(value), 2, rate, 4);
  const taxable = convert(totals.taxableTotal);
  const exempt = convert(totals.exemptTotal);
  const itbis = convert(totals.itbisTotal);
  return { taxableTotalDop: text(taxable), exemptTotalDop: text(exempt), itbisTotalDop: text(itbis), totalDop: text(taxable + exempt + itbis) };
}
