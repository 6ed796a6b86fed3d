/**
 * Expenses and purchases (gastos y compras) as the 606 reports them: which NCF a purchase may carry,
 * the amounts a supplier's invoice is made of and the figures the server computes from them (total,
 * ITBIS por adelantar). Pure functions; money as bigint cents (src/domain/money.ts), never floats.
 */
import { inactiveBuyerRule } from './invoices';
import { fromUnits, roundHalfUp, toUnits } from './money';

/** DGII 606 "tipo de bienes y servicios comprados" (field 3): the expense's category. */
export const expenseTypeCodes = ['01', '02', '03', '04', '05', '06', '07', '08', '09', '10', '11'] as const;
export type ExpenseType = (typeof expenseTypeCodes)[number];

/** DGII 606 "forma de pago" (field 23). */
export const expensePaymentFormCodes = ['01', '02', '03', '04', '05', '06', '07'] as const;
export type ExpensePaymentForm = (typeof expensePaymentFormCodes)[number];
/** The form of an expense not paid yet: 04 compra a crédito. */
export const creditPurchaseForm: ExpensePaymentForm = '04';

/** DGII 606 "tipo de retención en ISR" (field 17). */
export const isrWithholdingCodes = ['01', '02', '03', '04', '05', '06', '07', '08'] as const;
export type IsrWithholdingType = (typeof isrWithholdingCodes)[number];

/**
 * NCF types a purchase can carry (docs/domain.md section 3): crédito fiscal, supplier's debit and
 * credit notes, regímenes especiales, gubernamental, pagos al exterior, and the types the shop
 * issues itself for a purchase (B11/E41 compras to an informal supplier, B13/E43 gastos menores).
 */
export const purchaseNcfTypes = [
  'B01',
  'B03',
  'B04',
  'B11',
  'B13',
  'B14',
  'B15',
  'B17',
  'E31',
  'E33',
  'E34',
  'E41',
  'E43',
  'E44',
  'E45',
  'E47',
] as const;
export type PurchaseNcfType = (typeof purchaseNcfTypes)[number];

/** The types the shop issues itself for a purchase (from its own sequences): compras and gastos menores. */
export const selfIssuedPurchaseTypes: readonly string[] = ['B11', 'B13', 'E41', 'E43'];

/** Notes that modify another NCF (606 field 5 required). */
export const noteNcfTypes: readonly string[] = ['B03', 'B04', 'E33', 'E34'];

export type NcfIssue =
  | 'format'
  | 'type'
  | 'modifiedRequired'
  | 'modifiedNotAllowed'
  | 'modifiedFormat'
  | 'modifiedSeries'
  | 'modifiedSelf';

const ncfPattern = /^(?:B\d{10}|E\d{12})$/;

/** An NCF as typed (spaces, dashes, lower case) -> `B0100000005`. */
export function normalizeNcf(value: string): string {
  return value.replace(/[\s-]/g, '').toUpperCase();
}

/**
 * Checks a purchase's NCF and the NCF it modifies: B + 2 + 8 or E + 2 + 10 digits, a type a purchase
 * can carry, the modified NCF present exactly for debit and credit notes, well formed, not the note
 * itself, and not an E-series document modified by a B-series note (docs/domain.md section 4).
 */
export function checkPurchaseNcf(
  ncf: string,
  modifiedNcf: string | null,
): { ncf?: NcfIssue; modifiedNcf?: NcfIssue } | null {
  if (!ncfPattern.test(ncf)) return { ncf: 'format' };
  const type = ncf.slice(0, 3);
  if (!(purchaseNcfTypes as readonly string[]).includes(type)) return { ncf: 'type' };
  const isNote = noteNcfTypes.includes(type);
  if (!isNote) return modifiedNcf ? { modifiedNcf: 'modifiedNotAllowed' } : null;
  if (!modifiedNcf) return { modifiedNcf: 'modifiedRequired' };
  if (!ncfPattern.test(modifiedNcf)) return { modifiedNcf: 'modifiedFormat' };
  if (modifiedNcf === ncf) return { modifiedNcf: 'modifiedSelf' };
  if (type.startsWith('B') && modifiedNcf.startsWith('E')) return { modifiedNcf: 'modifiedSeries' };
  return null;
}

/**
 * A supplier the DGII registry does not have as ACTIVO cannot give the shop an ITBIS credit: a
 * crédito fiscal NCF (B01/E31) from such a supplier is refused (the rule of inactiveBuyerRule, seen
 * from the buying side); other types go through. An unknown number (not in the registry) is not refused.
 */
export function inactiveSupplierRefused(ncfType: string, registryStatus: string | null): boolean {
  return inactiveBuyerRule(ncfType, registryStatus) === 'refuse';
}

/** The amounts typed for an expense (decimal strings with at most 2 decimals, none negative). */
export interface ExpenseAmounts {
  servicesAmount: string;
  goodsAmount: string;
  itbisBilled: string;
  itbisWithheld: string;
  itbisProportional: string;
  itbisToCost: string;
  itbisPerceived: string;
  isrWithheld: string;
  isrPerceived: string;
  iscAmount: string;
  otherTaxes: string;
  legalTip: string;
}

/** The amounts an expense is typed with (the server computes its total and ITBIS por adelantar). */
export const expenseAmountKeys = [
  'servicesAmount',
  'goodsAmount',
  'itbisBilled',
  'itbisWithheld',
  'itbisProportional',
  'itbisToCost',
  'itbisPerceived',
  'isrWithheld',
  'isrPerceived',
  'iscAmount',
  'otherTaxes',
  'legalTip',
] as const satisfies ReadonlyArray<keyof ExpenseAmounts>;

export type AmountIssue = 'itbisSplit' | 'itbisWithheld' | 'isrWithholdingType' | 'isrWithholdingTypeUnused' | 'empty';

export interface ExpenseFigures {
  /** 606 field 10: services + goods. */
  total: string;
  /** 606 field 15: ITBIS billed less the part subject to proportionality and the part taken to cost. */
  itbisAdvance: string;
  /** What the supplier's invoice adds up to: total + ITBIS + ISC + other taxes + legal tip (+ perceived taxes). */
  invoiceTotal: string;
  /** What the shop pays the supplier: the invoice total less the ITBIS and ISR it withholds. */
  payable: string;
}

const cents = (value: string) => toUnits(value, 2);
const money = (units: bigint) => fromUnits(units, 2);

/**
 * The figures the server computes from the typed amounts, or the field issues: the ITBIS taken to
 * cost and the part subject to proportionality cannot pass the ITBIS billed, nor can the ITBIS
 * withheld; an ISR withholding needs its type (and a type needs an amount); an expense with
 * neither services nor goods is empty.
 */
export function expenseFigures(
  amounts: ExpenseAmounts,
  isrWithholdingType: string | null,
):
  | { ok: true; figures: ExpenseFigures }
  | { ok: false; issues: Partial<Record<keyof ExpenseAmounts | 'isrWithholdingType', AmountIssue>> } {
  const v = Object.fromEntries(expenseAmountKeys.map((key) => [key, cents(amounts[key])])) as Record<
    keyof ExpenseAmounts,
    bigint
  >;
  const issues: Partial<Record<keyof ExpenseAmounts | 'isrWithholdingType', AmountIssue>> = {};
  const total = v.servicesAmount + v.goodsAmount;
  if (total === 0n) issues.goodsAmount = 'empty';
  if (v.itbisProportional + v.itbisToCost > v.itbisBilled) issues.itbisToCost = 'itbisSplit';
  if (v.itbisWithheld > v.itbisBilled) issues.itbisWithheld = 'itbisWithheld';
  if (v.isrWithheld > 0n && !isrWithholdingType) issues.isrWithholdingType = 'isrWithholdingType';
  if (v.isrWithheld === 0n && isrWithholdingType) issues.isrWithheld = 'isrWithholdingTypeUnused';
  if (Object.keys(issues).length > 0) return { ok: false, issues };
  const invoiceTotal =
    total + v.itbisBilled + v.itbisPerceived + v.isrPerceived + v.iscAmount + v.otherTaxes + v.legalTip;
  return {
    ok: true,
    figures: {
      total: money(total),
      itbisAdvance: money(v.itbisBilled - v.itbisProportional - v.itbisToCost),
      invoiceTotal: money(invoiceTotal),
      payable: money(invoiceTotal - v.itbisWithheld - v.isrWithheld),
    },
  };
}

/**
 * Net ITBIS of a month, to prepare the IT-1: ITBIS charged on sales (the 607's invoices less its
 * credit notes) minus ITBIS paid on purchases that can be advanced (the 606's field 15; supplier
 * credit notes subtract) minus ITBIS customers withheld (607 field 10). Positive: ITBIS a pagar;
 * negative: saldo a favor.
 */
export function netItbis(figures: {
  salesItbis: string;
  creditNoteItbis: string;
  purchasesAdvance: string;
  withheldByCustomers: string;
}): { charged: string; net: string; outcome: 'payable' | 'credit' | 'zero'; amount: string } {
  const charged = cents(figures.salesItbis) - cents(figures.creditNoteItbis);
  const net = charged - cents(figures.purchasesAdvance) - cents(figures.withheldByCustomers);
  return {
    charged: money(charged),
    net: money(net),
    outcome: net > 0n ? 'payable' : net < 0n ? 'credit' : 'zero',
    amount: money(net < 0n ? -net : net),
  };
}

/** Largest attachment accepted (a scanned invoice or its PDF). */
export const expenseAttachmentMaxBytes = 10 * 1024 * 1024;

export type AttachmentType = 'application/pdf' | 'image/jpeg' | 'image/png' | 'image/webp';

/** An attachment's type by its first bytes (never by its name or the declared type); null for anything else. */
export function attachmentType(bytes: Uint8Array): AttachmentType | null {
  const ascii = (from: number, to: number) => String.fromCharCode(...bytes.subarray(from, to));
  if (ascii(0, 5) === '%PDF-') return 'application/pdf';
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  if ([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a].every((byte, index) => bytes[index] === byte))
    return 'image/png';
  if (ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return 'image/webp';
  return null;
}

/**
 * The 606's goods/services split of an e-CF's amount before ITBIS (`base`), from its lines'
 * IndicadorBienoServicio (1 bien, 2 servicio) weighted by their amounts: services get their share
 * rounded half-up, goods the remainder (so the two always add up to `base`). Lines without the
 * indicator count as goods.
 */
export function splitGoodsServices(
  base: string,
  lines: ReadonlyArray<{ amount: string; goodsOrService: string | null }>,
): { goodsAmount: string; servicesAmount: string } {
  const total = cents(base);
  let all = 0n;
  let services = 0n;
  for (const line of lines) {
    const amount = /^-?\d+(\.\d+)?$/.test(line.amount) ? toUnits(roundHalfUp(line.amount, 2), 2) : 0n;
    all += amount;
    if (line.goodsOrService === '2') services += amount;
  }
  const share = all > 0n ? (total * services * 2n + all) / (all * 2n) : 0n;
  return { goodsAmount: money(total - share), servicesAmount: money(share) };
}
