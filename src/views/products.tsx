import { productCategories } from '../db/tenant-schema';
import { formatMoney } from '../domain/money';
import { t, type MessageKey } from '../i18n/es-DO';
import type { ProductListRow, ProductRow, ProductStockLevel, Tax } from '../queries/products';
import type { ProductPage } from '../services/shop/products';
import type { CatalogLists, CatalogValueRow } from '../services/shop/catalog';
import { powerCoverage } from '../domain/lens-products';
import { CheckboxField, LiveSearchForm, ErrorSummary, Field, Notice, ResultsTable, SelectField } from './components';
import type { FieldErrors } from '../errors';

export const categoryLabel = (category: string) => t(`products.category.${category}` as MessageKey);

/** What the product form shows: the submitted text as typed, or the stored product. */
export interface ProductFormValues {
  sku?: string;
  name?: string;
  category?: string;
  brand?: string | null;
  price?: string;
  cost?: string | null;
  taxCode?: string;
  trackStock?: boolean;
  allowNegativeStock?: boolean;
  active?: boolean;
  frameShape?: string | null;
  variantColour?: string | null;
  variantSize?: string | null;
  lensType?: string | null;
  lensMaterial?: string | null;
  lensIndex?: string | null;
  lensTreatments?: string[];
  sphereMin?: string | null;
  sphereMax?: string | null;
  cylinderMin?: string | null;
  cylinderMax?: string | null;
  addMin?: string | null;
  addMax?: string | null;
}

export function productFormValues(product: ProductRow): ProductFormValues {
  return { ...product, price: trimScale(product.price), cost: product.cost === null ? null : trimScale(product.cost) };
}

/** `2500.5000` -> `2500.50`: the stored 4 decimals without the trailing zeros past 2 (exact, as text). */
function trimScale(value: string): string {
  const [integer, fraction = ''] = value.split('.');
  const kept = fraction.replace(/0+$/, '').padEnd(2, '0');
  return `${integer}.${kept}`;
}

/** Values of a submitted form, as typed (checkboxes as booleans). */
export function submittedProduct(form: Record<string, unknown>): ProductFormValues {
  const text = (name: string) => (typeof form[name] === 'string' ? (form[name] as string) : '');
  const checked = (name: string) => form[name] === 'on' || form[name] === true;
  return {
    sku: text('sku'),
    name: text('name'),
    category: text('category'),
    brand: text('brand'),
    price: text('price'),
    cost: text('cost'),
    taxCode: text('taxCode'),
    trackStock: checked('trackStock'),
    allowNegativeStock: checked('allowNegativeStock'),
    active: checked('active'),
    frameShape: text('frameShape'),
    variantColour: text('variantColour'),
    variantSize: text('variantSize'),
    lensType: text('lensType'),
    lensMaterial: text('lensMaterial'),
    lensIndex: text('lensIndex'),
    lensTreatments: (Array.isArray(form.lensTreatments) ? form.lensTreatments : [form.lensTreatments]).filter(
      (value): value is string => typeof value === 'string' && value !== '',
    ),
    sphereMin: text('sphereMin'),
    sphereMax: text('sphereMax'),
    cylinderMin: text('cylinderMin'),
    cylinderMax: text('cylinderMax'),
    addMin: text('addMin'),
    addMax: text('addMax'),
  };
}

/** A list's values a form offers: the active ones, plus the value the product carries if it was archived since. */
function listOptions(rows: CatalogValueRow[] | undefined, chosen: string | null | undefined) {
  return (rows ?? [])
    .filter((row) => row.active || row.value === chosen)
    .map((row) => ({ value: row.value, label: row.value }));
}

/** Frame shape and variant; lens type, material, index, treatments and the power ranges. */
type ListFieldName = 'frameShape' | 'variantColour' | 'lensType' | 'lensMaterial' | 'lensIndex';

function OpticalFields(props: { values: ProductFormValues; lists: CatalogLists; errors?: FieldErrors }) {
  const { values, lists, errors } = props;
  const treatments = (lists.treatments ?? []).filter((row) => row.active || values.lensTreatments?.includes(row.value));
  const power = (name: keyof ProductFormValues & string, label: string) => (
    <Field
      name={name}
      label={label}
      value={values[name] as string | null | undefined}
      errors={errors}
      inputmode="decimal"
      attrs={{ maxlength: '8' }}
    />
  );
  /** A select of one of the shop's lists: its active values, and the product's own even if archived. */
  const listSelect = (name: ListFieldName, label: MessageKey, list: keyof typeof lists) => (
    <SelectField
      name={name}
      label={t(label)}
      value={values[name]}
      errors={errors}
      blank=""
      options={listOptions(lists[list], values[name])}
    />
  );
  return (
    <>
      <fieldset>
        <legend>{t('catalog.form.frame')}</legend>
        <div class="form-grid">
          {listSelect('frameShape', 'catalog.field.frameShape', 'frame_shapes')}
          {listSelect('variantColour', 'catalog.variants.colour', 'colours')}
          <Field
            name="variantSize"
            label={t('catalog.variants.size')}
            value={values.variantSize}
            errors={errors}
            attrs={{ maxlength: '20' }}
            hint={t('catalog.form.size.hint')}
          />
        </div>
      </fieldset>
      <fieldset>
        <legend>{t('catalog.form.lens')}</legend>
        <div class="form-grid">
          {listSelect('lensType', 'catalog.field.lensType', 'lens_types')}
          {listSelect('lensMaterial', 'catalog.field.lensMaterial', 'materials')}
          {listSelect('lensIndex', 'catalog.field.lensIndex', 'indices')}
        </div>
        <fieldset class={errors?.lensTreatments ? 'field-invalid' : undefined}>
          <legend>{t('catalog.field.lensTreatments')}</legend>
          <div style="display: flex; flex-wrap: wrap; gap: 0.25rem 1rem">
            {treatments.map((row) => (
              <label style="display: flex; align-items: center; gap: 0.4rem; min-height: 2.75rem">
                <input
                  type="checkbox"
                  name="lensTreatments"
                  value={row.value}
                  checked={values.lensTreatments?.includes(row.value)}
                />
                {row.value}
              </label>
            ))}
          </div>
          {errors?.lensTreatments ? <p class="error-text">{errors.lensTreatments}</p> : null}
        </fieldset>
        <p class="hint">{t('catalog.form.powers.hint')}</p>
        <div class="form-grid">
          {power('sphereMin', t('catalog.form.sphereMin'))}
          {power('sphereMax', t('catalog.form.sphereMax'))}
          {power('cylinderMin', t('catalog.form.cylinderMin'))}
          {power('cylinderMax', t('catalog.form.cylinderMax'))}
          {power('addMin', t('catalog.form.addMin'))}
          {power('addMax', t('catalog.form.addMax'))}
        </div>
      </fieldset>
    </>
  );
}

export function ProductForm(props: {
  action: string;
  values: ProductFormValues;
  taxes: Tax[];
  lists: CatalogLists | null;
  errors?: FieldErrors;
  submitLabel: string;
}) {
  const { values, errors } = props;
  return (
    <form method="post" action={props.action} hx-boost="false" novalidate class="card">
      <ErrorSummary errors={errors} />
      <div class="form-grid">
        <Field
          name="sku"
          label={t('products.field.sku')}
          value={values.sku}
          errors={errors}
          required
          attrs={{ maxlength: '40', autocapitalize: 'characters' }}
        />
        <Field
          name="name"
          label={t('products.field.name')}
          value={values.name}
          errors={errors}
          required
          attrs={{ maxlength: '200' }}
        />
        <SelectField
          name="category"
          label={t('products.field.category')}
          value={values.category}
          errors={errors}
          required
          blank=""
          options={productCategories.map((category) => ({ value: category, label: categoryLabel(category) }))}
        />
        <Field
          name="brand"
          label={t('products.field.brand')}
          value={values.brand}
          errors={errors}
          attrs={{ maxlength: '100' }}
        />
        <Field
          name="price"
          label={t('products.field.price')}
          value={values.price}
          errors={errors}
          required
          inputmode="decimal"
          hint={t('products.hint.price')}
        />
        <Field name="cost" label={t('products.field.cost')} value={values.cost} errors={errors} inputmode="decimal" />
        <SelectField
          name="taxCode"
          label={t('products.field.tax')}
          value={values.taxCode ?? 'ITBIS18'}
          errors={errors}
          required
          options={props.taxes.map((tax) => ({ value: tax.code, label: tax.name }))}
        />
      </div>
      {props.lists ? <OpticalFields values={values} lists={props.lists} errors={errors} /> : null}
      <CheckboxField
        name="trackStock"
        label={t('products.field.trackStock')}
        checked={values.trackStock ?? true}
        hint={t('products.hint.services')}
      />
      <CheckboxField
        name="allowNegativeStock"
        label={t('products.field.allowNegativeStock')}
        checked={values.allowNegativeStock ?? false}
      />
      <CheckboxField name="active" label={t('products.field.active')} checked={values.active ?? true} />
      <div class="actions">
        <button type="submit" class="button-primary">
          {props.submitLabel}
        </button>
        <a href="/products" class="button">
          {t('products.title')}
        </a>
      </div>
    </form>
  );
}

export interface ProductListProps {
  rows: ProductListRow[];
  nextHref: string | null;
  firstHref: string | null;
  branchName: string | null;
}

/** The results region: swapped by the search (htmx) or rendered inside the full page. */
export function ProductResults(props: ProductListProps) {
  return (
    <ResultsTable
      id="product-results"
      empty={t('products.empty')}
      columns={[
        { label: t('products.field.sku') },
        { label: t('products.field.name') },
        { label: t('products.field.category') },
        { label: t('products.field.price'), numeric: true },
        { label: t('products.field.tax') },
        {
          label: props.branchName ? t('products.onHandIn', { branch: props.branchName }) : t('products.field.onHand'),
          numeric: true,
        },
      ]}
      rows={props.rows}
      row={(row) => (
        <tr>
          <td style="white-space: nowrap">
            <a href={`/products/${row.id}`}>{row.sku}</a>
          </td>
          <td>
            {row.name}
            {row.brand ? <span class="hint"> · {row.brand}</span> : null}
            {row.active ? null : (
              <>
                {' '}
                <span class="badge badge-warn">{t('products.inactive')}</span>
              </>
            )}
          </td>
          <td>{categoryLabel(row.category)}</td>
          <td class="number" style="white-space: nowrap">
            {formatMoney(row.price)}
          </td>
          <td>{row.taxCode}</td>
          <td class="number">{row.trackStock ? String(row.onHand ?? 0) : <span class="hint">—</span>}</td>
        </tr>
      )}
      pager={{
        nextHref: props.nextHref,
        firstHref: props.firstHref,
        nextLabel: t('products.next'),
        firstLabel: t('products.first'),
      }}
    />
  );
}

export function ProductsPage(props: ProductListProps & { q: string; category: string; canManage: boolean }) {
  return (
    <>
      <div class="page-head">
        <h1>{t('products.title')}</h1>
        {props.canManage ? (
          <a href="/products/new" class="button button-primary">
            {t('products.new')}
          </a>
        ) : null}
      </div>
      <LiveSearchForm action="/products" target="#product-results" filters={['category']}>
        <Field
          name="q"
          type="search"
          label={t('products.search')}
          value={props.q}
          inputmode="search"
          attrs={{ autocomplete: 'off' }}
        />
        <SelectField
          name="category"
          label={t('products.field.category')}
          value={props.category}
          blank={t('products.allCategories')}
          options={productCategories.map((category) => ({ value: category, label: categoryLabel(category) }))}
        />
        <button type="submit">{t('products.filter')}</button>
      </LiveSearchForm>
      <ProductResults {...props} />
    </>
  );
}

/** What a frame or lens product is: shape, lens type, material, index, treatments and the powers it covers. */
function OpticalFacts(props: { product: ProductPage }) {
  const { product } = props;
  const coverage = powerCoverage(
    product,
    { sphere: t('catalog.powers.sphere'), cylinder: t('catalog.powers.cylinder'), add: t('catalog.powers.add') },
    t('catalog.powers.to'),
  );
  const facts = [
    product.frameShape ? [t('catalog.field.frameShape'), product.frameShape] : null,
    product.lensType ? [t('catalog.field.lensType'), product.lensType] : null,
    product.lensMaterial ? [t('catalog.field.lensMaterial'), product.lensMaterial] : null,
    product.lensIndex ? [t('catalog.field.lensIndex'), product.lensIndex] : null,
    product.lensTreatments.length ? [t('catalog.field.lensTreatments'), product.lensTreatments.join(', ')] : null,
    coverage ? [t('catalog.powers.covers'), coverage] : null,
  ].filter((fact): fact is [string, string] => fact !== null);
  if (!facts.length) return null;
  return (
    <dl class="facts" id="optical-facts">
      {facts.map(([label, value]) => (
        <>
          <dt>{label}</dt>
          <dd>{value}</dd>
        </>
      ))}
    </dl>
  );
}

function MarginText(props: { product: ProductPage }) {
  const { margin } = props.product;
  if (!margin) return <span class="hint">{t('catalog.margin.none')}</span>;
  return (
    <span id="product-margin">
      {t('catalog.margin.value', { amount: formatMoney(margin.amount), percent: margin.percent ?? '—' })}
    </span>
  );
}

function VariantsTable(props: { product: ProductPage }) {
  return (
    <section class="card" aria-labelledby="variants-title" id="variants">
      <h2 id="variants-title" style="margin-top: 0">
        {t('catalog.variants.title', { count: props.product.variants.length })}
      </h2>
      <table>
        <thead>
          <tr>
            <th scope="col">{t('products.field.sku')}</th>
            <th scope="col">{t('catalog.variants.colour')}</th>
            <th scope="col">{t('catalog.variants.size')}</th>
            <th scope="col" class="number">
              {t('products.field.price')}
            </th>
            <th scope="col" class="number">
              {t('catalog.variants.onHand')}
            </th>
          </tr>
        </thead>
        <tbody>
          {props.product.variants.map((variant) => (
            <tr>
              <td>
                <a href={`/products/${variant.id}`}>{variant.sku}</a>
                {variant.active ? null : (
                  <>
                    {' '}
                    <span class="badge badge-warn">{t('products.inactive')}</span>
                  </>
                )}
              </td>
              <td>{variant.colour ?? '—'}</td>
              <td>{variant.size ?? '—'}</td>
              <td class="number">{formatMoney(variant.price)}</td>
              <td class="number">{String(variant.onHand)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/** The model's variant generator: colours from the shop's list x sizes typed. */
function VariantsGenerator(props: {
  product: ProductPage;
  lists: CatalogLists;
  error?: { message: string; colours: string[]; sizes: string } | null;
}) {
  const colours = props.lists.colours.filter((row) => row.active);
  return (
    <section class="card" aria-labelledby="generate-title" id="generate-variants">
      <h2 id="generate-title" style="margin-top: 0">
        {t('catalog.variants.generate')}
      </h2>
      <p class="hint">{t('catalog.variants.generate.lead')}</p>
      <form method="post" action={`/products/${props.product.id}/variants`} hx-boost="false" novalidate>
        {props.error ? (
          <p class="error-text" role="alert" id="variants-error">
            {props.error.message}
          </p>
        ) : null}
        <fieldset>
          <legend>{t('catalog.variants.colours')}</legend>
          <div style="display: flex; flex-wrap: wrap; gap: 0.25rem 1rem">
            {colours.map((row) => (
              <label style="display: flex; align-items: center; gap: 0.4rem; min-height: 2.75rem">
                <input
                  type="checkbox"
                  name="colours"
                  value={row.value}
                  checked={props.error?.colours.includes(row.value)}
                />
                {row.value}
              </label>
            ))}
          </div>
        </fieldset>
        <Field
          name="sizes"
          label={t('catalog.variants.sizes')}
          value={props.error?.sizes}
          hint={t('catalog.variants.sizes.hint')}
          attrs={{ maxlength: '200', autocomplete: 'off' }}
        />
        <button type="submit">{t('catalog.variants.generate')}</button>
      </form>
    </section>
  );
}

/** The product's barcodes; who may edit adds one (typed or scanned), generates an internal one, or removes one. */
function BarcodesCard(props: {
  product: ProductPage;
  canManage: boolean;
  error?: { code: string; message: string } | null;
}) {
  const { product, error } = props;
  return (
    <section class="card" aria-labelledby="barcodes-title" id="barcodes">
      <h2 id="barcodes-title" style="margin-top: 0">
        {t('catalog.barcodes.title')}
      </h2>
      {product.barcodes.length === 0 ? (
        <p class="hint">{t('catalog.barcodes.none')}</p>
      ) : (
        <ul style="list-style: none; padding: 0; margin: 0 0 0.75rem">
          {product.barcodes.map((code) => (
            <li style="display: flex; flex-wrap: wrap; gap: 0.5rem; align-items: center; padding: 0.25rem 0">
              <code class="barcode-code">{code}</code>
              {props.canManage ? (
                <form method="post" action={`/products/${product.id}/barcodes/remove`} hx-boost="false">
                  <input type="hidden" name="code" value={code} />
                  <button type="submit" aria-label={`${t('catalog.barcodes.remove')} ${code}`}>
                    {t('catalog.barcodes.remove')}
                  </button>
                </form>
              ) : null}
            </li>
          ))}
        </ul>
      )}
      {props.canManage ? (
        <form
          method="post"
          action={`/products/${product.id}/barcodes`}
          hx-boost="false"
          novalidate
          style="display: flex; flex-wrap: wrap; gap: 0.5rem; align-items: flex-end"
        >
          <Field
            name="code"
            label={t('catalog.barcodes.code')}
            value={error?.code}
            errors={error ? { code: error.message } : undefined}
            attrs={{ autocomplete: 'off', maxlength: '48' }}
          />
          <div class="field">
            <button type="submit">{t('catalog.barcodes.add')}</button>
          </div>
          <div class="field">
            <button type="submit" name="_action" value="generate" formnovalidate>
              {t('catalog.barcodes.generate')}
            </button>
          </div>
        </form>
      ) : null}
      <p class="hint">{t('catalog.barcodes.generate.hint')}</p>
    </section>
  );
}

export function ProductDetail(props: {
  product: ProductPage;
  lists: CatalogLists | null;
  barcodeError?: { code: string; message: string } | null;
  variantsError?: { message: string; colours: string[]; sizes: string } | null;
  levels: ProductStockLevel[];
  taxes: Tax[];
  form: { values: ProductFormValues; errors?: FieldErrors } | null;
  notice?: string | null;
  canAdjust: boolean;
  canTransfer: boolean;
}) {
  const { product } = props;
  return (
    <>
      <div class="page-head">
        <h1>
          {product.name} <span class="badge">{product.sku}</span>
        </h1>
        <div class="actions">
          {product.trackStock ? (
            <a class="button" href={`/stock/movements?productId=${product.id}`}>
              {t('products.history')}
            </a>
          ) : null}
          {product.trackStock && props.canAdjust ? (
            <a class="button" href={`/stock/adjust?sku=${encodeURIComponent(product.sku)}`}>
              {t('products.adjust')}
            </a>
          ) : null}
          {product.trackStock && props.canTransfer ? (
            <a class="button" href={`/stock/transfer?sku=${encodeURIComponent(product.sku)}`}>
              {t('products.transfer')}
            </a>
          ) : null}
          <a class="button" href={`/products/labels?product=${product.id}`}>
            {t('labels.printLabels')}
          </a>
        </div>
      </div>
      <p class="lead">
        {categoryLabel(product.category)}
        {product.brand ? ` · ${product.brand}` : ''} · {formatMoney(product.price)} · {product.taxCode}
        {product.cost !== null ? (
          <>
            {' '}
            · {t('products.field.cost')}: {formatMoney(product.cost)}
          </>
        ) : null}{' '}
        · {t('catalog.margin')}: <MarginText product={product} />
        {product.active ? null : (
          <>
            {' '}
            <span class="badge badge-warn">{t('products.inactive')}</span>
          </>
        )}
      </p>
      {product.parent ? (
        <p>
          {t('catalog.variants.of')} <a href={`/products/${product.parent.id}`}>{product.parent.name}</a> (
          {product.parent.sku})
          {product.variantColour || product.variantSize
            ? ` · ${[product.variantColour, product.variantSize].filter(Boolean).join(' / ')}`
            : ''}
        </p>
      ) : null}
      <OpticalFacts product={product} />
      {props.notice ? <Notice>{props.notice}</Notice> : null}
      {product.variants.length ? <VariantsTable product={product} /> : null}
      <section class="card" aria-labelledby="levels-title">
        <h2 id="levels-title" style="margin-top: 0">
          {t('products.stockByBranch')}
        </h2>
        {!product.trackStock ? (
          <p class="hint">{t('products.noTracking')}</p>
        ) : props.levels.length === 0 ? (
          <p class="hint">{t('products.noStockRows')}</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th scope="col">{t('stock.field.branch')}</th>
                <th scope="col" class="number">
                  {t('products.field.onHand')}
                </th>
              </tr>
            </thead>
            <tbody>
              {props.levels.map((level) => (
                <tr>
                  <td>{level.branchName}</td>
                  <td class="number">{String(level.quantity)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <BarcodesCard product={product} canManage={props.form !== null} error={props.barcodeError} />
      {props.form && props.lists && !product.parentId ? (
        <VariantsGenerator product={product} lists={props.lists} error={props.variantsError} />
      ) : null}
      {props.form ? (
        <>
          <h2>{t('products.edit')}</h2>
          <ProductForm
            action={`/products/${product.id}`}
            values={props.form.values}
            taxes={props.taxes}
            lists={props.lists}
            errors={props.form.errors}
            submitLabel={t('products.save')}
          />
        </>
      ) : null}
    </>
  );
}
