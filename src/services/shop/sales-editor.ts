import { can } from '../../auth/permissions';
import type { Permission } from '../../auth/permissions';
import { formatDate } from '../../domain/dates';
import { fromUnits, toUnits } from '../../domain/money';
import { formatDiopter } from '../../domain/prescription';
import type { DocumentTotals } from '../../domain/totals';
import { AppError, type FieldErrors } from '../../errors';
import { t } from '../../i18n/es-DO';
import { lineReferenceMap, lineReferencesQuery, type PricedLine } from '../../queries/document-lines';
import { quotationFormContextQuery, type QuotationFormContext } from '../../queries/quotations';
import {
  lensPrescriptionQuery,
  salesEditorContextQuery,
  type EyeRx,
  type LensPrescription,
} from '../../queries/sales-editor';
import { parseLineRows, type LineFormRow } from '../../schemas/document-lines';
import { requireRight, type ShopContext } from './context';
import { priceWithReferences } from './document-lines';
import { pickerBranch } from './pickers';

/** The document forms the sales editor serves, with the permission each needs. */
export const salesEditorForms = {
  invoices: 'invoices.manage',
  quotations: 'quotations.manage',
} as const satisfies Record<string, Permission>;

export type SalesEditorForm = keyof typeof salesEditorForms;

export function isSalesEditorForm(value: string | undefined): value is SalesEditorForm {
  return value !== undefined && Object.hasOwn(salesEditorForms, value);
}

/** What the editor shows after a change: the rows, their prices and totals (or why not), a message. */
export interface SalesEditorState {
  rows: LineFormRow[];
  /** Priced lines and totals from the one totals code (null while a row has an error). */
  priced: {
    lines: Array<Pick<PricedLine, 'description' | 'unitPrice' | 'amount'>>;
    totals: Pick<
      DocumentTotals,
      'grossTotal' | 'discountTotal' | 'taxableTotal' | 'exemptTotal' | 'itbisTotal' | 'total' | 'taxBreakdown'
    >;
  } | null;
  errors: FieldErrors;
  notice: { kind: 'info' | 'error'; text: string } | null;
  /** The row whose quantity (or, for a new free line, its description) takes the focus. */
  focusRow: number | null;
  taxes: Array<{ id: number; name: string; rate: string; exempt: boolean }>;
  symbol: string;
}

const plusOne = (quantity: string | undefined) => {
  const units = toUnits((quantity ?? '').trim() || '0', 2) + 100n;
  return fromUnits(units, 2).replace(/\.00$/, '');
};

const quantityIsDecimal = (quantity: string | undefined) => /^\s*\d{1,10}([.,]\d{1,2})?\s*$/.test(quantity ?? '');

/**
 * One change of the editor, in one database request: `add` (a scanned code or a product picked in the
 * search, matched exactly by SKU) adds a line, or one more unit of the line that has that product;
 * an unknown code adds nothing and says so. The rows are priced by priceLines's own code (the code a
 * saved draft and its issue use), so the totals shown are the totals issued.
 */
export async function editSalesLines(
  ctx: ShopContext,
  input: {
    form: SalesEditorForm;
    rows: LineFormRow[];
    add: string | null;
    addBlank: boolean;
    currencyCode: string | null;
  },
): Promise<SalesEditorState> {
  requireRight(ctx, salesEditorForms[input.form]);
  const add = input.add?.trim().slice(0, 60) || null;
  let rows = add ? [...input.rows, { sku: add, quantity: '1' }] : [...input.rows];
  const [referencesResult, contextResult] = await ctx.db.batch([
    lineReferencesQuery(
      ctx.db,
      rows.map((row) => ({
        sku: row.sku?.trim() || null,
        taxId: /^\d{1,9}$/.test(row.taxId ?? '') ? Number(row.taxId) : null,
      })),
    ),
    salesEditorContextQuery(ctx.db, input.currencyCode || 'DOP'),
  ]);
  const references = lineReferenceMap(referencesResult);
  const context = contextResult.rows[0]!;
  let notice: SalesEditorState['notice'] = null;
  let focusRow: number | null = null;
  if (add) {
    const last = rows.length - 1;
    const found = references.get(last);
    const existing = found?.product_id
      ? rows.findIndex(
          (row, index) =>
            index < last && references.get(index)?.product_id === found.product_id && quantityIsDecimal(row.quantity),
        )
      : -1;
    if (!found?.product_id || !found.product_active) {
      rows = rows.slice(0, last);
      notice = { kind: 'error', text: t('salesEditor.scan.unknown', { code: add }) };
    } else if (existing >= 0) {
      const quantity = plusOne(rows[existing]!.quantity?.replace(',', '.'));
      rows = rows.slice(0, last).map((row, index) => (index === existing ? { ...row, quantity } : row));
      focusRow = existing;
      notice = { kind: 'info', text: t('salesEditor.scan.more', { name: found.name ?? add, quantity }) };
    } else {
      rows[last] = { sku: found.sku ?? add, quantity: '1' };
      focusRow = last;
      notice = { kind: 'info', text: t('salesEditor.scan.added', { name: found.name ?? add }) };
    }
  }
  const { lines, errors } = parseLineRows(rows);
  let priced: SalesEditorState['priced'] = null;
  if (!Object.keys(errors).length) {
    // Dropping the last row (an unknown code, or a merged one) leaves every other row's index as read.
    const result = priceWithReferences(lines, references);
    if (result.ok) priced = { lines: result.lines, totals: result.totals };
    else Object.assign(errors, result.errors);
  }
  if (input.addBlank) {
    rows = [...rows, {}];
    focusRow = rows.length - 1;
  }
  return {
    rows,
    priced,
    errors,
    notice,
    focusRow,
    taxes: context.taxes,
    symbol: context.symbol ?? input.currencyCode ?? 'RD$',
  };
}

/** "OD: Esf -2.00 Cil -0.75 Eje 180 Add +2.00" without the values not measured. */
export function eyeRxText(eye: EyeRx): string {
  const parts = [
    eye.sphere !== null ? `${t('prescriptions.col.Sphere')} ${formatDiopter(eye.sphere)}` : null,
    eye.cylinder !== null ? `${t('prescriptions.col.Cylinder')} ${formatDiopter(eye.cylinder)}` : null,
    eye.axis !== null ? `${t('prescriptions.col.Axis')} ${eye.axis}°` : null,
    eye.add !== null ? `${t('prescriptions.col.Add')} ${formatDiopter(eye.add)}` : null,
  ].filter((part): part is string => part !== null);
  return parts.join(' ') || '—';
}

/** The line the picker offers: "Receta del 05/12/2026: OD Esf -2.00 …, OI Esf -1.75 …". */
export function prescriptionOffer(rx: LensPrescription): string {
  return t('salesEditor.rx.offer', {
    date: formatDate(rx.examinedOn),
    summary: `${t('prescriptions.eye.od')} ${eyeRxText(rx.od)}, ${t('prescriptions.eye.oi')} ${eyeRxText(rx.oi)}`,
  });
}

/** One free-text lens line per eye, the Rx in its description; the price is the shop's to set. */
export function lensRows(rx: LensPrescription, taxId: number | null): LineFormRow[] {
  return (['od', 'oi'] as const).map((eye) => ({
    sku: '',
    description: t('salesEditor.rx.lensLine', { eye: t(`salesEditor.rx.eye.${eye}`), values: eyeRxText(rx[eye]) }),
    quantity: '1',
    unitPrice: '',
    discount: '',
    taxId: taxId === null ? '' : String(taxId),
  }));
}

/**
 * "Quote from this prescription": the quotation form's context for the prescription's patient and
 * the prescription itself, in one database request; 404 for an unknown prescription.
 */
export async function quotationFromPrescription(
  ctx: ShopContext,
  prescriptionId: string,
  branchId: string | null,
): Promise<{ context: QuotationFormContext; prescription: LensPrescription; rows: LineFormRow[] }> {
  requireRight(ctx, 'quotations.manage');
  const [rxResult, contextResult] = await ctx.db.batch([
    lensPrescriptionQuery(ctx.db, { id: prescriptionId }),
    quotationFormContextQuery(
      ctx.db,
      { ofPrescription: prescriptionId },
      null,
      { q: null, branchId: pickerBranch(ctx, branchId) },
      can(ctx.actor, 'sellers.change'),
    ),
  ]);
  const prescription = rxResult.rows[0];
  if (!prescription) throw new AppError('not_found');
  const context = contextResult.rows[0]!;
  // The shop's taxed rate for a lens (the highest active rate; lenses carry ITBIS).
  const tax = context.taxes.find((candidate) => !candidate.exempt) ?? context.taxes[0] ?? null;
  return { context, prescription, rows: lensRows(prescription, tax?.id ?? null) };
}
