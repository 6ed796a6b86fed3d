/**
 * Lines of quotations and invoices, shared by the UI forms and the JSON API. A line is a product
 * (by id or SKU: price, description and tax come from it unless given) or free text (description
 * and tax required). Prices and totals are computed on the server (src/queries/document-lines.ts).
 */
import { z } from '@hono/zod-openapi';
import { amountField, type AmountFieldRules } from './amount';
import { t } from '../i18n/es-DO';
import type { FieldErrors } from '../errors';

/** Most lines one document may carry. */
export const maxLines = 100;

const blankToNull = (value: unknown) => (value === '' || value === undefined ? null : value);

/** JSON numbers are accepted and read as decimal text (`2` -> `'2'`); money itself is never a float here. */
function decimalField(rules: Omit<AmountFieldRules, 'maxIntegerDigits'>) {
  return z.preprocess(
    (value) => blankToNull(typeof value === 'string' ? value.trim() : value),
    amountField({ maxIntegerDigits: 10, acceptNumbers: true, ...rules }).nullable(),
  );
}

export const lineQuantity = decimalField({
  scale: 2,
  positive: true,
  message: t('invoices.lines.validation.quantity'),
});
export const lineUnitPrice = decimalField({ scale: 4, message: t('invoices.lines.validation.unitPrice') });
export const lineDiscount = decimalField({ scale: 2, message: t('invoices.lines.validation.discount') });

/** One line as the API receives it (and as a form row becomes after parsing). */
export const lineInput = z
  .object({
    productId: z.preprocess(blankToNull, z.uuid(t('invoices.lines.validation.product')).nullable()).optional(),
    sku: z.preprocess(blankToNull, z.string().trim().max(60).nullable()).optional(),
    description: z.preprocess(blankToNull, z.string().trim().max(300).nullable()).optional(),
    quantity: lineQuantity.refine((value) => value !== null, t('invoices.lines.validation.quantity')),
    /** Blank: the product's price. Up to 4 decimals. */
    unitPrice: lineUnitPrice.optional(),
    /** Discount amount for the whole line, up to 2 decimals. */
    discount: lineDiscount.optional(),
    /** Free-text lines: the tax to apply. Product lines always use the product's tax. */
    taxId: z
      .preprocess(
        (value) => blankToNull(typeof value === 'string' ? value.trim() : value),
        z.coerce.number().int().positive().nullable(),
      )
      .optional(),
  })
  .openapi('DocumentLineInput');

export type LineInputValues = z.output<typeof lineInput>;

export const lineInputs = z.array(lineInput).max(maxLines, t('invoices.lines.validation.tooMany', { max: maxLines }));

/** What a form row holds (all text), for re-rendering the editor. */
export interface LineFormRow {
  sku?: string;
  description?: string;
  quantity?: string;
  unitPrice?: string;
  discount?: string;
  taxId?: string;
}

const rowFields = ['sku', 'description', 'quantity', 'unitPrice', 'discount', 'taxId'] as const;
const rowName = /^lines\.(\d{1,3})\.(sku|description|quantity|unitPrice|discount|taxId|remove)$/;

/** The error key (and input name) of one field of one line: `lines.0.quantity`. */
export const lineFieldName = (index: number, field: string) => `lines.${index}.${field}`;

/**
 * The line rows of a submitted editor form (`lines.<i>.<field>` inputs). Blank rows and rows
 * ticked "remove" are dropped and the rest renumbered from 0, so error keys match the rows as
 * they are rendered again. Each kept row is validated; errors are keyed `lines.<i>.<field>`.
 */
export function parseLineForm(body: Record<string, unknown>): {
  rows: LineFormRow[];
  lines: LineInputValues[];
  errors: FieldErrors;
} {
  const byIndex = new Map<number, Record<string, string>>();
  for (const [name, value] of Object.entries(body)) {
    const match = rowName.exec(name);
    if (!match || typeof value !== 'string') continue;
    const index = Number(match[1]);
    const row = byIndex.get(index) ?? {};
    row[match[2]!] = value;
    byIndex.set(index, row);
  }
  const rows: LineFormRow[] = [...byIndex.entries()]
    .sort(([a], [b]) => a - b)
    .map(([, row]) => row)
    .filter((row) => !row.remove && rowFields.some((field) => field !== 'taxId' && (row[field] ?? '').trim() !== ''))
    .map((row) => Object.fromEntries(rowFields.map((field) => [field, row[field] ?? ''])) as LineFormRow);
  const errors: FieldErrors = {};
  const lines: LineInputValues[] = [];
  if (rows.length > maxLines) errors.lines = t('invoices.lines.validation.tooMany', { max: maxLines });
  rows.slice(0, maxLines).forEach((row, index) => {
    const parsed = lineInput.safeParse(row);
    if (parsed.success) {
      lines.push(parsed.data);
      return;
    }
    for (const issue of parsed.error.issues) {
      const key = lineFieldName(index, String(issue.path[0] ?? 'quantity'));
      errors[key] ??= issue.message;
    }
  });
  return { rows, lines, errors };
}

/** How many blank rows the editor shows after the filled ones (the "add line" button asks for more). */
export function blankRowCount(body: Record<string, unknown> | undefined, filled: number): number {
  const requested = Number(typeof body?.blankRows === 'string' ? body.blankRows : NaN);
  const blanks = Number.isInteger(requested) && requested >= 1 && requested <= 20 ? requested : filled ? 1 : 3;
  return body?._action === 'addLine' ? Math.min(blanks + 1, 20) : blanks;
}

/** A priced line as stored (quotation_lines / invoice_lines) and shown. */
export const pricedLineOut = z
  .object({
    position: z.number().int(),
    productId: z.uuid().nullable(),
    sku: z.string().nullable(),
    description: z.string(),
    quantity: z.string(),
    unitPrice: z.string(),
    discount: z.string(),
    taxId: z.number().int().nullable(),
    taxRate: z.string(),
    exempt: z.boolean(),
    amount: z.string(),
  })
  .openapi('DocumentLine');

export const taxBreakdownOut = z
  .object({ rate: z.string(), taxable: z.string(), itbis: z.string() })
  .openapi('TaxBreakdown');

/**
 * A product picked in the form's product search (`pickProduct` = its SKU) becomes a new line with
 * quantity 1 after the submitted rows; whether one was picked says the form is to be shown again.
 */
export function withPickedProduct(body: Record<string, unknown>): { body: Record<string, unknown>; picked: boolean } {
  const sku = typeof body.pickProduct === 'string' ? body.pickProduct.trim() : '';
  if (!sku) return { body, picked: false };
  const last = Object.keys(body).reduce((max, name) => {
    const match = rowName.exec(name);
    return match ? Math.max(max, Number(match[1])) : max;
  }, -1);
  // Past the editor's own rows; parseLineForm renumbers, and a row index has at most three digits.
  const index = Math.min(last + 1, 999);
  return {
    body: { ...body, [lineFieldName(index, 'sku')]: sku.slice(0, 60), [lineFieldName(index, 'quantity')]: '1' },
    picked: true,
  };
}
