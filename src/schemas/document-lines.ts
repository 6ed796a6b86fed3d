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
  return { rows, ...parseLineRows(rows) };
}

/** The kept rows of an editor validated as lines; errors are keyed `lines.<i>.<field>`. */
export function parseLineRows(rows: readonly LineFormRow[]): { lines: LineInputValues[]; errors: FieldErrors } {
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
  return { lines, errors };
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

/** What one submit of the sales editor asks for (a plain form post or its htmx request alike). */
export interface SalesEditorInput {
  /** The kept rows: blank ones and the one removed ("Quitar", or a ticked `lines.<i>.remove`) dropped. */
  rows: LineFormRow[];
  /** A code to add: the product picked in the search (`pickProduct`) or typed/scanned (`scanCode`). */
  add: string | null;
  /** Whether the add came from the barcode field (the focus then stays there for the next scan). */
  scanned: boolean;
  /** "Agregar línea libre": one empty row after the others. */
  addBlank: boolean;
  /** Whether this submit only edits the lines (the form is shown again) instead of saving. */
  edits: boolean;
}

const textField = (body: Record<string, unknown>, name: string) =>
  typeof body[name] === 'string' ? (body[name] as string).trim() : '';

export function salesEditorInput(body: Record<string, unknown>): SalesEditorInput {
  const removed = textField(body, 'removeLine');
  const kept = /^\d{1,3}$/.test(removed) ? { ...body, [lineFieldName(Number(removed), 'remove')]: '1' } : body;
  const { rows } = parseLineForm(kept);
  const action = textField(body, '_action');
  const picked = textField(body, 'pickProduct');
  const scan = action === 'scan' ? textField(body, 'scanCode') : '';
  const add = (picked || scan).slice(0, 60) || null;
  return {
    rows,
    add,
    scanned: !picked && Boolean(scan),
    addBlank: action === 'addLine',
    edits: Boolean(picked) || Boolean(removed) || ['addLine', 'scan', 'preview'].includes(action),
  };
}
