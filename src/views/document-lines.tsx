/**
 * Line editing and line display shared by quotations and invoices. The editor works without
 * JavaScript: it renders the filled rows plus a few blank ones, and its "add line" / "recalculate"
 * buttons submit the form so the server renders it again (with htmx they swap it in place).
 * Styles: public/static/invoices.css (linked from every page's head by the layout).
 */
import { formatDecimal, formatMoney } from '../domain/money';
import type { DocumentTotals } from '../domain/totals';
import { t } from '../i18n/es-DO';
import { lineFieldName, type LineFormRow } from '../schemas/document-lines';
import type { FieldErrors } from '../errors';
import type { Child } from 'hono/jsx';

export interface TaxOption {
  id: number;
  name: string;
  rate: string;
  exempt: boolean;
}

/** Product lines as read back from a stored document, turned into editor rows. */
export function rowsFromLines(
  lines: ReadonlyArray<{
    sku: string | null;
    productId: string | null;
    description: string;
    quantity: string;
    unitPrice: string;
    discount: string;
    taxId: number | null;
  }>,
): LineFormRow[] {
  return lines.map((line) => ({
    sku: line.sku ?? '',
    description: line.description,
    quantity: formatDecimal(line.quantity, 0),
    unitPrice: formatDecimal(line.unitPrice, 2).replace(/,/g, ''),
    discount: formatDecimal(line.discount, 2).replace(/,/g, ''),
    taxId: line.productId ? '' : String(line.taxId ?? ''),
  }));
}

function Cell(props: {
  index: number;
  field: keyof LineFormRow;
  label: string;
  value?: string;
  errors?: FieldErrors;
  inputmode?: 'decimal' | 'text';
  size?: number;
}) {
  const name = lineFieldName(props.index, props.field);
  const error = props.errors?.[name];
  const id = `field-${name.replace(/\./g, '-')}`;
  return (
    <td class={error ? 'field-invalid' : undefined}>
      <input
        id={id}
        name={name}
        value={props.value ?? ''}
        inputmode={props.inputmode}
        size={props.size}
        aria-label={t('invoices.lines.cellLabel', { line: props.index + 1, field: props.label })}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
        autocomplete="off"
      />
      {error ? (
        <p class="error-text" id={`${id}-error`}>
          {error}
        </p>
      ) : null}
    </td>
  );
}

/**
 * The editable lines of a document form: `rows` filled rows and `blankRows` empty ones. Inputs
 * are named `lines.<i>.<field>` (parsed by parseLineForm). A product line needs only SKU and
 * quantity; a free-text line needs description, quantity, price and tax.
 */
export function LineEditor(props: {
  rows: LineFormRow[];
  blankRows: number;
  errors?: FieldErrors;
  taxes: TaxOption[];
  /** The product search (a picker), shown above the rows. */
  children?: Child;
}) {
  const all = [...props.rows, ...Array.from({ length: props.blankRows }, () => ({}) as LineFormRow)];
  const errors = props.errors;
  return (
    <fieldset class="line-editor" id="line-editor">
      <legend>{t('invoices.lines.title')}</legend>
      <p class="hint">{t('invoices.lines.hint')}</p>
      {props.children}
      {errors?.lines ? (
        <p class="error-text" role="alert">
          {errors.lines}
        </p>
      ) : null}
      <div class="table-scroll">
        <table class="lines-table">
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">{t('invoices.lines.sku')}</th>
              <th scope="col">{t('invoices.lines.description')}</th>
              <th scope="col" class="number">
                {t('invoices.lines.quantity')}
              </th>
              <th scope="col" class="number">
                {t('invoices.lines.unitPrice')}
              </th>
              <th scope="col" class="number">
                {t('invoices.lines.discount')}
              </th>
              <th scope="col">{t('invoices.lines.tax')}</th>
              <th scope="col">{t('invoices.lines.remove')}</th>
            </tr>
          </thead>
          <tbody>
            {all.map((row, index) => {
              const taxName = lineFieldName(index, 'taxId');
              const taxError = errors?.[taxName];
              const taxId = `field-${taxName.replace(/\./g, '-')}`;
              return (
                <tr>
                  <td>{String(index + 1)}</td>
                  <Cell
                    index={index}
                    field="sku"
                    label={t('invoices.lines.sku')}
                    value={row.sku}
                    errors={errors}
                    size={10}
                  />
                  <Cell
                    index={index}
                    field="description"
                    label={t('invoices.lines.description')}
                    value={row.description}
                    errors={errors}
                    size={24}
                  />
                  <Cell
                    index={index}
                    field="quantity"
                    label={t('invoices.lines.quantity')}
                    value={row.quantity}
                    errors={errors}
                    inputmode="decimal"
                    size={5}
                  />
                  <Cell
                    index={index}
                    field="unitPrice"
                    label={t('invoices.lines.unitPrice')}
                    value={row.unitPrice}
                    errors={errors}
                    inputmode="decimal"
                    size={9}
                  />
                  <Cell
                    index={index}
                    field="discount"
                    label={t('invoices.lines.discount')}
                    value={row.discount}
                    errors={errors}
                    inputmode="decimal"
                    size={7}
                  />
                  <td class={taxError ? 'field-invalid' : undefined}>
                    <select
                      id={taxId}
                      name={taxName}
                      aria-label={t('invoices.lines.cellLabel', { line: index + 1, field: t('invoices.lines.tax') })}
                      aria-invalid={taxError ? 'true' : undefined}
                      aria-describedby={taxError ? `${taxId}-error` : undefined}
                    >
                      <option value="">{t('invoices.lines.taxFromProduct')}</option>
                      {props.taxes.map((tax) => (
                        <option value={String(tax.id)} selected={String(tax.id) === (row.taxId ?? '')}>
                          {tax.name}
                        </option>
                      ))}
                    </select>
                    {taxError ? (
                      <p class="error-text" id={`${taxId}-error`}>
                        {taxError}
                      </p>
                    ) : null}
                  </td>
                  <td>
                    {index < props.rows.length ? (
                      <input
                        type="checkbox"
                        name={lineFieldName(index, 'remove')}
                        value="1"
                        aria-label={t('invoices.lines.removeLine', { line: index + 1 })}
                      />
                    ) : null}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <input type="hidden" name="blankRows" value={String(props.blankRows)} />
      <div class="actions">
        <button type="submit" name="_action" value="addLine" formnovalidate>
          {t('invoices.lines.add')}
        </button>
        <button type="submit" name="_action" value="preview" formnovalidate>
          {t('invoices.lines.recalculate')}
        </button>
      </div>
    </fieldset>
  );
}

/** A stored or previewed line, for display. */
export interface DisplayLine {
  position: number;
  sku: string | null;
  description: string;
  quantity: string;
  unitPrice: string;
  discount: string;
  taxRate: string;
  exempt: boolean;
  amount: string;
}

/** ITBIS label of a line: "E" for exempt lines (DGII), else the rate. */
export function taxLabel(line: { exempt: boolean; taxRate: string }): string {
  return line.exempt ? 'E' : `${formatDecimal(line.taxRate, 0)}%`;
}

/** Read-only lines with the totals: subtotal, discounts, taxable and exempt amounts, ITBIS per rate, total. */
export function LinesTable(props: {
  lines: DisplayLine[];
  totals: Pick<
    DocumentTotals,
    'grossTotal' | 'discountTotal' | 'taxableTotal' | 'exemptTotal' | 'itbisTotal' | 'total' | 'taxBreakdown'
  >;
  symbol?: string;
  caption?: string;
}) {
  const symbol = props.symbol ?? 'RD$';
  const money = (value: string) => formatMoney(value, symbol);
  const { totals } = props;
  return (
    <div class="document-lines">
      <div class="table-scroll">
        <table class="lines-table">
          {props.caption ? <caption>{props.caption}</caption> : null}
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">{t('invoices.lines.description')}</th>
              <th scope="col" class="number">
                {t('invoices.lines.quantity')}
              </th>
              <th scope="col" class="number">
                {t('invoices.lines.unitPrice')}
              </th>
              <th scope="col" class="number">
                {t('invoices.lines.discount')}
              </th>
              <th scope="col">{t('invoices.lines.itbis')}</th>
              <th scope="col" class="number">
                {t('invoices.lines.amount')}
              </th>
            </tr>
          </thead>
          <tbody>
            {props.lines.length === 0 ? (
              <tr>
                <td colspan={7} class="empty">
                  {t('invoices.lines.empty')}
                </td>
              </tr>
            ) : (
              props.lines.map((line) => (
                <tr>
                  <td>{String(line.position)}</td>
                  <td>
                    {line.sku ? <span class="line-sku">{line.sku} · </span> : null}
                    {line.description}
                  </td>
                  <td class="number">{formatDecimal(line.quantity, 0)}</td>
                  <td class="number">{money(line.unitPrice)}</td>
                  <td class="number">{line.discount === '0.00' ? '' : money(line.discount)}</td>
                  <td>{line.exempt ? <abbr title={t('invoices.lines.exempt')}>E</abbr> : taxLabel(line)}</td>
                  <td class="number">{money(line.amount)}</td>
                </tr>
              ))
            )}
          </tbody>
        </table>
      </div>
      <table class="totals-table" aria-label={t('invoices.lines.totals')}>
        <tbody>
          <tr>
            <th scope="row">{t('invoices.lines.gross')}</th>
            <td class="number">{money(totals.grossTotal)}</td>
          </tr>
          {totals.discountTotal !== '0.00' ? (
            <tr>
              <th scope="row">{t('invoices.lines.discounts')}</th>
              <td class="number">-{money(totals.discountTotal)}</td>
            </tr>
          ) : null}
          <tr>
            <th scope="row">{t('invoices.lines.taxable')}</th>
            <td class="number">{money(totals.taxableTotal)}</td>
          </tr>
          {totals.exemptTotal !== '0.00' ? (
            <tr>
              <th scope="row">{t('invoices.lines.exemptTotal')}</th>
              <td class="number">{money(totals.exemptTotal)}</td>
            </tr>
          ) : null}
          {totals.taxBreakdown.map((entry) => (
            <tr>
              <th scope="row">
                {t('invoices.lines.itbisRate', { rate: formatDecimal(entry.rate, 0), taxable: money(entry.taxable) })}
              </th>
              <td class="number">{money(entry.itbis)}</td>
            </tr>
          ))}
          <tr>
            <th scope="row">{t('invoices.lines.itbisTotal')}</th>
            <td class="number">{money(totals.itbisTotal)}</td>
          </tr>
          <tr class="grand-total">
            <th scope="row">{t('invoices.lines.total')}</th>
            <td class="number">{money(totals.total)}</td>
          </tr>
        </tbody>
      </table>
    </div>
  );
}
