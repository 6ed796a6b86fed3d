/**
 * The customer and product pickers of the forms: a search box that asks the server for a small page
 * of matches instead of the form listing every customer or product. Without JavaScript the "find"
 * button submits the form, which comes back with the matches and everything typed kept; with htmx
 * the matches are swapped in while typing (GET /pickers/customers, GET /pickers/products).
 */
import { formatMoney } from '../domain/money';
import { formatTaxId } from '../domain/tax-id';
import type { FieldErrors } from '../errors';
import { t } from '../i18n/es-DO';
import type { PickerCustomer, PickerProduct } from '../queries/pickers';
import { Field, SelectField } from './components';

/** The forms pickers serve, as in `?for=` of the picker endpoints. */
export type PickerFormName = 'invoices' | 'quotations' | 'stock-adjust' | 'stock-transfer';

const pickerMax = 20;

/** The customer select with the chosen customer and the matches: what the live search swaps. */
export function CustomerChoice(props: {
  form: PickerFormName;
  customers: PickerCustomer[];
  chosenId?: string | null;
  searched: boolean;
  label: string;
  blank: string;
  errors?: FieldErrors;
}) {
  const matches = props.customers.filter((customer) => customer.id !== props.chosenId);
  return (
    <div class="picker-choice" id="customer-choice" aria-live="polite">
      <SelectField
        name="customerId"
        label={props.label}
        value={props.chosenId}
        errors={props.errors}
        blank={props.blank}
        hint={
          props.searched && !matches.length
            ? t('pickers.customers.none')
            : t('pickers.customers.hint', { max: pickerMax })
        }
        options={props.customers.map((customer) => ({
          value: customer.id,
          label: customer.idNumber ? `${customer.name} (${formatTaxId(customer.idNumber)})` : customer.name,
        }))}
        attrs={{
          // The pick's answer replaces the prescription select and the Rx offer (out of band), never this select.
          'hx-get': `/pickers/customers?for=${props.form}&pick=1`,
          'hx-trigger': 'change',
          'hx-swap': 'none',
          'hx-sync': 'this:replace',
        }}
      />
    </div>
  );
}

/** Search box, find button and the customer select (grid items of the form it sits in). */
export function CustomerPicker(props: {
  form: PickerFormName;
  search?: string | null;
  chosenId?: string | null;
  customers: PickerCustomer[];
  label: string;
  blank: string;
  errors?: FieldErrors;
}) {
  return (
    <>
      <Field
        name="customerSearch"
        type="search"
        label={t('pickers.customers.search')}
        value={props.search}
        inputmode="search"
        attrs={{
          autocomplete: 'off',
          'aria-controls': 'customer-choice',
          'hx-get': `/pickers/customers?for=${props.form}`,
          'hx-trigger': 'input changed delay:300ms, search',
          'hx-include': '#field-customerId',
          'hx-target': '#customer-choice',
          'hx-swap': 'outerHTML',
        }}
      />
      <div class="field picker-find">
        <button type="submit" name="_action" value="findCustomer" formnovalidate>
          {t('pickers.customers.find')}
        </button>
      </div>
      <CustomerChoice
        form={props.form}
        customers={props.customers}
        chosenId={props.chosenId}
        searched={Boolean(props.search?.trim())}
        label={props.label}
        blank={props.blank}
        errors={props.errors}
      />
    </>
  );
}

/**
 * The matches of a product search, each a submit button of the form: on a document form it adds a
 * line with the product (`pickProduct`), on a stock form it fills the SKU field.
 */
export function ProductMatches(props: { form: PickerFormName; q: string; products: PickerProduct[] }) {
  const adds = props.form === 'invoices' || props.form === 'quotations';
  return (
    <div class="picker-results" id="product-matches" aria-live="polite">
      {!props.q.trim() ? null : props.products.length === 0 ? (
        <p class="hint">{t('pickers.products.none')}</p>
      ) : (
        <>
          <p class="hint">{t('pickers.products.found', { count: props.products.length, max: pickerMax })}</p>
          <ul class="picker-list" aria-label={t('pickers.products.results')}>
            {props.products.map((product) => (
              <li>
                <span class="picker-item">
                  <strong>{product.name}</strong> <span class="line-sku">{product.sku}</span>{' '}
                  <span class="picker-meta">
                    {formatMoney(product.price)}
                    {product.trackStock
                      ? ` · ${product.onHand === null ? t('pickers.products.noStock') : t('pickers.products.onHand', { quantity: product.onHand })}`
                      : ''}
                  </span>
                </span>
                <button
                  type="submit"
                  name="pickProduct"
                  value={product.sku}
                  formnovalidate
                  class="button-small"
                  aria-label={t(adds ? 'pickers.products.addLabel' : 'pickers.products.chooseLabel', {
                    name: product.name,
                    sku: product.sku,
                  })}
                >
                  {adds ? t('pickers.products.add') : t('pickers.products.choose')}
                </button>
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}

/** Search box, find button and the matches; the branch select of the form (if any) gives the stock shown. */
export function ProductPicker(props: { form: PickerFormName; search?: string | null; products: PickerProduct[] }) {
  return (
    <div class="product-picker" role="search">
      <div class="picker-bar">
        <Field
          name="productSearch"
          type="search"
          label={t('pickers.products.search')}
          value={props.search}
          inputmode="search"
          attrs={{
            autocomplete: 'off',
            'aria-controls': 'product-matches',
            'hx-get': `/pickers/products?for=${props.form}`,
            'hx-trigger': 'input changed delay:300ms, search',
            'hx-include': '[name=branchId], [name=fromBranchId]',
            'hx-target': '#product-matches',
            'hx-swap': 'outerHTML',
          }}
        />
        <div class="field picker-find">
          <button type="submit" name="_action" value="findProduct" formnovalidate>
            {t('pickers.products.find')}
          </button>
        </div>
      </div>
      <ProductMatches form={props.form} q={props.search ?? ''} products={props.products} />
    </div>
  );
}
