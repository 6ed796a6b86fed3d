import { sql } from 'drizzle-orm';
import { computeTotals, TotalsError, type DocumentTotals } from '../domain/totals';
import { normalizeDecimal } from '../domain/money';
import type { TenantDb } from '../db/client';
import { t } from '../i18n/es-DO';
import { lineFieldName, type LineInputValues } from '../schemas/document-lines';
import type { FieldErrors } from '../errors';

/** A line with its price, tax and amount decided on the server, ready to store and show. */
export interface PricedLine {
  /** 1-based order on the document. */
  position: number;
  productId: string | null;
  sku: string | null;
  description: string;
  /** 2 decimals. */
  quantity: string;
  /** 4 decimals. */
  unitPrice: string;
  /** 2 decimals, for the whole line. */
  discount: string;
  taxId: number | null;
  taxRate: string;
  exempt: boolean;
  /** quantity x unit price - discount, half-up to cents (from computeTotals). */
  amount: string;
  /** Whether issuing the document moves stock for this line. */
  trackStock: boolean;
}

export type PriceResult =
  | { ok: true; lines: PricedLine[]; totals: DocumentTotals }
  | { ok: false; errors: FieldErrors };

interface LookupRow extends Record<string, unknown> {
  idx: number;
  product_id: string | null;
  sku: string | null;
  name: string | null;
  price: string | null;
  product_active: boolean | null;
  track_stock: boolean | null;
  tax_id: number | null;
  rate: string | null;
  exempt: boolean | null;
  tax_active: boolean | null;
}

/**
 * Prices document lines: loads the products (by id, else by SKU) and taxes of ALL lines in one
 * query, fills price/description/tax from the product where not given, and computes the amounts
 * and totals with computeTotals (the only totals code). Errors are keyed `lines.<i>.<field>`.
 * `chargeItbis: false` is for credit notes that refund no ITBIS.
 */
export async function priceLines(
  db: TenantDb,
  lines: readonly LineInputValues[],
  options: { chargeItbis?: boolean } = {},
): Promise<PriceResult> {
  if (!lines.length) return { ok: true, lines: [], totals: computeTotals([], options) };
  const wanted = lines.map((line, idx) => ({
    idx,
    product_id: line.productId ?? null,
    sku: line.productId ? null : (line.sku ?? null),
    tax_id: line.taxId ?? null,
  }));
  const result = await db.execute<LookupRow>(sql`
    SELECT w.idx, p.id AS product_id, p.sku, p.name, p.price::text AS price, p.active AS product_active, p.track_stock,
           t.id AS tax_id, t.rate::text AS rate, t.exempt, t.active AS tax_active
      FROM json_to_recordset(${JSON.stringify(wanted)}::json) AS w(idx int, product_id uuid, sku text, tax_id int)
      LEFT JOIN products p ON (w.product_id IS NOT NULL AND p.id = w.product_id) OR (w.product_id IS NULL AND w.sku IS NOT NULL AND lower(p.sku) = lower(w.sku))
      LEFT JOIN taxes t ON t.id = coalesce(p.tax_id, w.tax_id)
     ORDER BY w.idx`);
  const found = new Map(result.rows.map((row) => [Number(row.idx), row]));
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

/** Totals recomputed from stored lines (e.g. at issue), with the same single formula. */
export function totalsOf(
  lines: ReadonlyArray<Pick<PricedLine, 'quantity' | 'unitPrice' | 'discount' | 'taxRate' | 'exempt'>>,
  options: { chargeItbis?: boolean } = {},
): DocumentTotals {
  return computeTotals(lines, options);
}

/** `[{...line}]` as JSON for `json_to_recordset` in an INSERT of quotation_lines / invoice_lines. */
export function linesJson(lines: readonly PricedLine[]): string {
  return JSON.stringify(
    lines.map((line) => ({
      position: line.position,
      product_id: line.productId,
      description: line.description,
      quantity: line.quantity,
      unit_price: line.unitPrice,
      discount: line.discount,
      tax_id: line.taxId,
      tax_rate: line.taxRate,
      exempt: line.exempt,
      amount: line.amount,
    })),
  );
}

/** The column list matching linesJson, for `json_to_recordset(...) AS l(<this>)`. */
export const linesRecordset = sql.raw(
  'position int, product_id uuid, description text, quantity numeric, unit_price numeric, discount numeric, tax_id int, tax_rate numeric, exempt boolean, amount numeric',
);
