/**
 * Line display shared by quotations and invoices (the editor is src/views/sales-editor.tsx).
 * Styles: public/static/invoices.css (linked from every page's head by the layout).
 */
import { formatDecimal, formatMoney } from '../domain/money';
import type { DocumentTotals } from '../domain/totals';
import { t } from '../i18n/es-DO';
import type { LineFormRow } from '../schemas/document-lines';

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

/** The figures a totals table shows. */
export type DocumentTotalsView = Pick<
  DocumentTotals,
  'grossTotal' | 'discountTotal' | 'taxableTotal' | 'exemptTotal' | 'itbisTotal' | 'total' | 'taxBreakdown'
>;

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
  totals: DocumentTotalsView;
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
      <TotalsTable totals={totals} symbol={symbol} />
    </div>
  );
}

/** The totals of a document (stored, or live in the sales editor): subtotal, discounts, taxable and exempt amounts, ITBIS per rate, total. */
export function TotalsTable(props: { totals: DocumentTotalsView; symbol: string }) {
  const money = (value: string) => formatMoney(value, props.symbol);
  const { totals } = props;
  return (
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
  );
}
