/**
 * The sales editor of quotations and invoices: a product search (a listbox the keyboard walks), a
 * barcode field, the lines (no blank rows) and the live totals. Every button is a submit button of
 * the document's form, so without JavaScript the server renders the whole form again; with htmx the
 * same buttons post the form to /sales-editor/lines, which answers the lines and totals (#sales-lines).
 * Totals are never computed in the browser. Keyboard behaviour: public/static/app.js.
 */
import { formatDate } from '../domain/dates';
import { formatDecimal, formatMoney } from '../domain/money';
import type { FieldErrors } from '../errors';
import { t } from '../i18n/es-DO';
import type { CustomerRx, PickerProduct } from '../queries/pickers';
import { lineFieldName, type LineFormRow } from '../schemas/document-lines';
import type { LensPrescription } from '../queries/sales-editor';
import { prescriptionOffer, type SalesEditorForm, type SalesEditorState } from '../services/shop/sales-editor';
import { TotalsTable, type TaxOption } from './document-lines';

/** Where the editor's htmx requests go. */
export const salesLinesUrl = (form: SalesEditorForm) => `/sales-editor/${form}/lines`;

const swapLines = (form: SalesEditorForm) => ({
  'hx-post': salesLinesUrl(form),
  'hx-include': 'closest form',
  'hx-target': '#sales-lines',
  'hx-select': '#sales-lines',
  'hx-swap': 'outerHTML',
});

function Cell(props: {
  index: number;
  field: keyof LineFormRow;
  label: string;
  value?: string;
  placeholder?: string;
  errors?: FieldErrors;
  inputmode?: 'decimal' | 'text';
  autofocus?: boolean;
  class?: string;
}) {
  const name = lineFieldName(props.index, props.field);
  const error = props.errors?.[name];
  const id = `field-${name.replace(/\./g, '-')}`;
  return (
    <td
      class={[props.class, error ? 'field-invalid' : ''].filter(Boolean).join(' ') || undefined}
      data-label={props.label}
    >
      <input
        id={id}
        name={name}
        value={props.value ?? ''}
        placeholder={props.placeholder}
        inputmode={props.inputmode}
        aria-label={t('invoices.lines.cellLabel', { line: props.index + 1, field: props.label })}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
        autocomplete="off"
        autofocus={props.autofocus}
        data-select-on-focus={props.autofocus ? '' : undefined}
      />
      {error ? (
        <p class="error-text" id={`${id}-error`}>
          {error}
        </p>
      ) : null}
    </td>
  );
}

/** The first field error of the lines, said beside the totals (which wait for it to be fixed). */
function firstLineError(errors: FieldErrors): string | null {
  for (const [key, message] of Object.entries(errors)) {
    const match = /^lines\.(\d+)\./.exec(key);
    if (match && message) return t('salesEditor.totals.checkLine', { line: Number(match[1]) + 1, message });
    if (key === 'lines' && message) return message;
  }
  return null;
}

/** The lines and the totals: what /sales-editor/lines answers and the form embeds. */
export function SalesLines(props: { form: SalesEditorForm; state: SalesEditorState }) {
  const { state, form } = props;
  const errors = state.errors;
  const pricedAt = (index: number) => state.priced?.lines[index] ?? null;
  const money = (value: string) => formatMoney(value, state.symbol);
  const pending = firstLineError(errors);
  return (
    <div class="sales-lines" id="sales-lines">
      <p class={state.notice?.kind === 'error' ? 'sales-notice error-text' : 'sales-notice'} aria-live="polite">
        {state.notice?.text ?? ''}
      </p>
      {errors.lines ? (
        <p class="error-text" role="alert">
          {errors.lines}
        </p>
      ) : null}
      {state.rows.length === 0 ? <p class="hint sales-empty">{t('salesEditor.lines.none')}</p> : null}
      <div
        class="table-scroll sales-rows"
        hx-post={salesLinesUrl(form)}
        hx-trigger="input delay:400ms"
        hx-include="closest form"
        hx-target="#sales-totals"
        hx-select="#sales-totals"
        hx-swap="outerHTML"
        hx-sync="this:replace"
      >
        {state.rows.length ? (
          <table class="lines-table sales-table">
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
                <th scope="col" class="number">
                  {t('invoices.lines.amount')}
                </th>
                <th scope="col">
                  <span class="visually-hidden">{t('salesEditor.lines.remove')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {state.rows.map((row, index) => {
                const priced = pricedAt(index);
                const focus = state.focusRow === index;
                const isFree = !row.sku?.trim();
                const taxName = lineFieldName(index, 'taxId');
                const taxError = errors[taxName];
                const taxId = `field-${taxName.replace(/\./g, '-')}`;
                return (
                  <tr class="sales-row">
                    <th scope="row" class="sales-row-number">
                      {t('salesEditor.lines.line', { line: index + 1 })}
                    </th>
                    <Cell index={index} field="sku" label={t('invoices.lines.sku')} value={row.sku} errors={errors} />
                    <Cell
                      index={index}
                      field="description"
                      label={t('invoices.lines.description')}
                      value={row.description}
                      placeholder={priced?.description}
                      errors={errors}
                      autofocus={focus && isFree && !row.description}
                      class="sales-description"
                    />
                    <Cell
                      index={index}
                      field="quantity"
                      label={t('invoices.lines.quantity')}
                      value={row.quantity}
                      errors={errors}
                      inputmode="decimal"
                      autofocus={focus && !(isFree && !row.description)}
                      class="number"
                    />
                    <Cell
                      index={index}
                      field="unitPrice"
                      label={t('invoices.lines.unitPrice')}
                      value={row.unitPrice}
                      placeholder={priced ? formatDecimal(priced.unitPrice, 2).replace(/,/g, '') : undefined}
                      errors={errors}
                      inputmode="decimal"
                      class="number"
                    />
                    <Cell
                      index={index}
                      field="discount"
                      label={t('invoices.lines.discount')}
                      value={row.discount}
                      errors={errors}
                      inputmode="decimal"
                      class="number"
                    />
                    <td class={taxError ? 'field-invalid' : undefined} data-label={t('invoices.lines.tax')}>
                      <select
                        id={taxId}
                        name={taxName}
                        aria-label={t('invoices.lines.cellLabel', { line: index + 1, field: t('invoices.lines.tax') })}
                        aria-invalid={taxError ? 'true' : undefined}
                        aria-describedby={taxError ? `${taxId}-error` : undefined}
                      >
                        <option value="">{t('invoices.lines.taxFromProduct')}</option>
                        {state.taxes.map((tax: TaxOption) => (
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
                    <td class="number sales-amount" data-label={t('invoices.lines.amount')}>
                      {priced ? money(priced.amount) : '—'}
                    </td>
                    <td class="sales-remove">
                      <button
                        type="submit"
                        name="removeLine"
                        value={String(index)}
                        formnovalidate
                        class="button-small"
                        aria-label={t('salesEditor.lines.removeLabel', { line: index + 1 })}
                        {...swapLines(form)}
                      >
                        {t('salesEditor.lines.remove')}
                      </button>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        ) : null}
      </div>
      <div class="actions sales-line-actions">
        <button type="submit" name="_action" value="addLine" formnovalidate {...swapLines(form)}>
          {t('salesEditor.lines.addFree')}
        </button>
      </div>
      <div id="sales-totals" class="sales-totals" aria-live="polite" aria-atomic="true">
        {state.priced && !pending ? (
          <TotalsTable totals={state.priced.totals} symbol={state.symbol} />
        ) : pending ? (
          <p class="hint">
            {t('salesEditor.totals.pending')} {pending}
          </p>
        ) : null}
      </div>
    </div>
  );
}

/**
 * The product matches of a document form as a listbox: each option is the submit button that adds
 * the product (so it works without JavaScript); the search box walks it with the arrow keys.
 */
export function ProductOptions(props: {
  form: SalesEditorForm;
  q: string;
  products: PickerProduct[];
  /** Sent beside another fragment (htmx out-of-band swap). */
  oob?: boolean;
}) {
  return (
    <div class="picker-results" id="product-matches" hx-swap-oob={props.oob ? 'true' : undefined}>
      <p class="hint" aria-live="polite">
        {!props.q.trim()
          ? ''
          : props.products.length === 0
            ? t('pickers.products.none')
            : t('pickers.products.found', { count: props.products.length, max: 20 })}
      </p>
      {props.products.length ? (
        <div
          class="picker-list sales-options"
          role="listbox"
          id="product-listbox"
          aria-label={t('pickers.products.results')}
        >
          {props.products.map((product, index) => (
            <button
              type="submit"
              role="option"
              aria-selected="false"
              id={`product-option-${index}`}
              tabindex={-1}
              name="pickProduct"
              value={product.sku}
              formnovalidate
              class="sales-option"
              data-product-option=""
              {...swapLines(props.form)}
            >
              <strong>{product.name}</strong> <span class="line-sku">{product.sku}</span>
              {product.brand ? <span class="picker-meta"> · {product.brand}</span> : null}{' '}
              <span class="picker-meta">
                {formatMoney(product.price)}
                {product.trackStock
                  ? ` · ${product.onHand === null ? t('pickers.products.noStock') : t('pickers.products.onHand', { quantity: product.onHand })}`
                  : ''}
              </span>
            </button>
          ))}
        </div>
      ) : null}
    </div>
  );
}

/** The product search (a combobox over ProductOptions) and the barcode field. */
export function SalesSearch(props: { form: SalesEditorForm; search?: string | null; products: PickerProduct[] }) {
  const q = props.search ?? '';
  return (
    <div class="sales-search">
      <div class="product-picker" role="search">
        <div class="field">
          <label for="field-productSearch">{t('pickers.products.search')}</label>
          <input
            id="field-productSearch"
            name="productSearch"
            type="search"
            value={q}
            inputmode="search"
            autocomplete="off"
            role="combobox"
            aria-autocomplete="list"
            aria-expanded={props.products.length ? 'true' : 'false'}
            aria-controls="product-listbox"
            aria-describedby="product-search-hint"
            data-product-search=""
            hx-get={`/pickers/products?for=${props.form}`}
            hx-trigger="input changed delay:250ms, search"
            hx-include="[name=branchId]"
            hx-target="#product-matches"
            hx-swap="outerHTML"
          />
          <p class="hint" id="product-search-hint">
            {t('salesEditor.search.hint')}
          </p>
        </div>
        <div class="field picker-find">
          <button type="submit" name="_action" value="findProduct" formnovalidate>
            {t('pickers.products.find')}
          </button>
        </div>
      </div>
      <ProductOptions form={props.form} q={q} products={props.products} />
      <div class="sales-scan">
        <div class="field">
          <label for="field-scanCode">{t('salesEditor.scan.label')}</label>
          <input
            id="field-scanCode"
            name="scanCode"
            autocomplete="off"
            inputmode="text"
            aria-describedby="scan-hint"
            data-scan=""
          />
          <p class="hint" id="scan-hint">
            {t('salesEditor.scan.hint')}
          </p>
        </div>
        <div class="field picker-find">
          <button
            type="submit"
            name="_action"
            value="scan"
            formnovalidate
            data-scan-submit=""
            {...swapLines(props.form)}
          >
            {t('salesEditor.scan.add')}
          </button>
        </div>
      </div>
    </div>
  );
}

/** The whole lines part of a document form. */
export function SalesEditor(props: {
  form: SalesEditorForm;
  search?: string | null;
  products: PickerProduct[];
  state: SalesEditorState;
}) {
  return (
    <fieldset class="line-editor sales-editor" id="line-editor">
      <legend>{t('invoices.lines.title')}</legend>
      <SalesSearch form={props.form} search={props.search} products={props.products} />
      <SalesLines form={props.form} state={props.state} />
    </fieldset>
  );
}

/**
 * The customer's latest prescription, offered: "Receta del dd/mm/aaaa: OD …, OI …" with a button that
 * attaches it to the document (a submit of the form: the form comes back with it chosen) and, for a
 * quotation, the link that quotes its lenses.
 */
export function PrescriptionOffer(props: {
  rx: LensPrescription | null;
  attachedId?: string | null;
  quoteLink: boolean;
  /** Swapped in out of band by a customer pick's answer (the region is always there to be replaced). */
  oob?: boolean;
}) {
  const { rx } = props;
  return (
    <div id="rx-offer" aria-live="polite" hx-swap-oob={props.oob ? 'true' : undefined}>
      {rx ? (
        <div class="rx-offer">
          <p>{prescriptionOffer(rx)}</p>
          <div class="actions">
            {props.attachedId === rx.id ? (
              <span class="hint">{t('salesEditor.rx.attached', { date: formatDate(rx.examinedOn) })}</span>
            ) : (
              <button type="submit" name="attachPrescription" value={rx.id} formnovalidate class="button-small">
                {t('salesEditor.rx.attach')}
              </button>
            )}
            {props.quoteLink ? (
              <a class="button button-small" href={`/quotations/new?prescription=${rx.id}`}>
                {t('salesEditor.rx.quote')}
              </a>
            ) : null}
          </div>
        </div>
      ) : null}
    </div>
  );
}

/**
 * What a live customer pick refreshes besides the customer select: the prescription select's options
 * (the new customer's, none attached) and the latest-prescription offer, both out of band.
 */
export function CustomerRxRefresh(props: { form: SalesEditorForm; rx: CustomerRx }) {
  const invoice = props.form === 'invoices';
  return (
    <>
      <select id="field-prescriptionId" name="prescriptionId" hx-swap-oob="true">
        <option value="" selected>
          {invoice ? t('invoices.field.noPrescription') : t('quotations.noPrescription')}
        </option>
        {props.rx.prescriptions.map((rx) => (
          <option value={rx.id}>
            {invoice ? formatDate(rx.examinedOn) : t('quotations.prescriptionOf', { date: formatDate(rx.examinedOn) })}
          </option>
        ))}
      </select>
      <PrescriptionOffer rx={props.rx.latestRx} quoteLink={invoice} oob />
    </>
  );
}
