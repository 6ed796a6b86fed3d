import { normalizeDecimal } from '../../domain/money';
import { computeTotals, TotalsError, type DocumentTotals } from '../../domain/totals';
import type { FieldErrors } from '../../errors';
import { t } from '../../i18n/es-DO';
import { lineReferences, type LineReference, type PricedLine } from '../../queries/document-lines';
import { lineFieldName, type LineInputValues } from '../../schemas/document-lines';
import type { ShopContext } from './context';

export type PriceResult =
  | { ok: true; lines: PricedLine[]; totals: DocumentTotals }
  | { ok: false; errors: FieldErrors };

/**
 * Prices document lines: the products (by id, else by SKU) and taxes of ALL lines in one query,
 * price/description/tax from the product where not given, and the amounts and totals from
 * computeTotals (the only totals code). Errors are keyed `lines.<i>.<field>`.
 * `chargeItbis: false` is for credit notes that refund no ITBIS.
 */
export async function priceLines(
  ctx: Pick<ShopContext, 'db'>,
  lines: readonly LineInputValues[],
  options: { chargeItbis?: boolean } = {},
): Promise<PriceResult> {
  if (!lines.length) return { ok: true, lines: [], totals: computeTotals([], options) };
  return priceWithReferences(lines, await lineReferences(ctx.db, lines), options);
}

/** priceLines with the lines' references already read (lineReferencesQuery in someone's batch). */
export function priceWithReferences(
  lines: readonly LineInputValues[],
  found: ReadonlyMap<number, LineReference>,
  options: { chargeItbis?: boolean } = {},
): PriceResult {
  const errors: FieldErrors = {};
  const priced: Omit<PricedLine, 'amount'>[] = [];
  for (const [index, line] of lines.entries()) {
    const row = found.get(index);
    const error = (field: string, message: string) => {
      errors[lineFieldName(index, field)] ??= message;
    };
    const wantsProduct = Boolean(line.productId || line.sku);
    if (wantsProduct && !row?.product_id) {
      error(line.productId ? 'productId' : 'sku', t('invoices.lines.validation.productNotFound'));
      continue;
    }
    if (wantsProduct && !row?.product_active) {
      error(line.productId ? 'productId' : 'sku', t('invoices.lines.validation.productInactive'));
      continue;
    }
    if (!wantsProduct && !line.description) {
      error('description', t('invoices.lines.validation.description'));
      continue;
    }
    if (!row?.tax_id) {
      error('taxId', t('invoices.lines.validation.tax'));
      continue;
    }
    if (!wantsProduct && !row.tax_active) {
      error('taxId', t('invoices.lines.validation.tax'));
      continue;
    }
    const quantity = normalizeDecimal(line.quantity ?? '0', 2);
    const trackStock = Boolean(row.track_stock);
    if (trackStock && !/\.00$/.test(quantity)) {
      error('quantity', t('invoices.lines.validation.wholeUnits'));
      continue;
    }
    const unitPrice = line.unitPrice ?? row.price;
    if (unitPrice === null || unitPrice === undefined) {
      error('unitPrice', t('invoices.lines.validation.unitPrice'));
      continue;
    }
    priced.push({
      position: index + 1,
      productId: row.product_id,
      sku: row.sku,
      description: line.description ?? row.name ?? '',
      quantity,
      unitPrice: normalizeDecimal(unitPrice, 4),
      discount: normalizeDecimal(line.discount ?? '0', 2),
      taxId: row.tax_id,
      taxRate: normalizeDecimal(row.rate ?? '0', 2),
      exempt: Boolean(row.exempt),
      trackStock,
    });
  }
  if (Object.keys(errors).length) return { ok: false, errors };
  try {
    const totals = computeTotals(priced, options);
    return { ok: true, lines: priced.map((line, index) => ({ ...line, amount: totals.lines[index]!.amount })), totals };
  } catch (error) {
    if (!(error instanceof TotalsError)) throw error;
    const message =
      error.field === 'discount'
        ? t('invoices.lines.validation.discountTooLarge')
        : t(`invoices.lines.validation.${error.field}`);
    return { ok: false, errors: { [lineFieldName(error.line, error.field)]: message } };
  }
}
