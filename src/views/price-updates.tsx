/** The bulk price update: the filter and rule form, the preview of every product, the applied update. */
import { labelLimits } from '../schemas/product-labels';
import { productCategories } from '../db/tenant-schema';
import { priceRoundings } from '../domain/prices';
import { formatMoney } from '../domain/money';
import type { FieldErrors } from '../errors';
import { t, type MessageKey } from '../i18n/es-DO';
import type {
  PriceUpdatePreview,
  PriceUpdateRecord,
  PriceUpdateSummary,
  VariantModel,
} from '../services/shop/price-updates';
import type { CatalogLists } from '../services/shop/catalog';
import { ErrorSummary, Field, Notice, SelectField, Warning } from './components';
import { categoryLabel } from './products';

/** The form's values as typed. */
export interface PriceUpdateValues {
  category?: string;
  brand?: string;
  lensType?: string;
  lensMaterial?: string;
  priceMin?: string;
  priceMax?: string;
  parentId?: string;
  mode?: string;
  direction?: string;
  value?: string;
  rounding?: string;
}

export function submittedPriceUpdate(body: Record<string, unknown>): PriceUpdateValues {
  const values: PriceUpdateValues = {};
  for (const name of [
    'category',
    'brand',
    'lensType',
    'lensMaterial',
    'priceMin',
    'priceMax',
    'parentId',
    'mode',
    'direction',
    'value',
    'rounding',
  ] as const) {
    if (typeof body[name] === 'string') values[name] = body[name] as string;
  }
  return values;
}

function listOptions(values: CatalogLists[keyof CatalogLists], chosen: string | undefined) {
  return values
    .filter((value) => value.active || value.value === chosen)
    .map((value) => ({ value: value.value, label: value.value }));
}

export function roundingLabel(rounding: string): string {
  return t(`catalog.prices.rounding.${rounding}` as MessageKey);
}

export function ruleText(mode: string, value: string): string {
  const signed = value.startsWith('-') ? value : `+${value}`;
  return mode === 'percent' ? `${signed.replace(/\.?0+$/, '')} %` : formatMoney(value);
}

function PriceUpdateForm(props: {
  values: PriceUpdateValues;
  errors?: FieldErrors;
  lists: CatalogLists;
  models: VariantModel[];
}) {
  const { values, errors } = props;
  return (
    <form
      method="post"
      action="/products/prices/preview"
      hx-boost="false"
      novalidate
      class="card"
      id="price-update-form"
    >
      <ErrorSummary errors={errors} />
      <fieldset>
        <legend>{t('catalog.prices.filter')}</legend>
        <div class="form-grid">
          <SelectField
            name="category"
            label={t('products.field.category')}
            value={values.category}
            errors={errors}
            blank={t('products.allCategories')}
            options={productCategories.map((category) => ({ value: category, label: categoryLabel(category) }))}
          />
          <Field
            name="brand"
            label={t('products.field.brand')}
            value={values.brand}
            errors={errors}
            attrs={{ maxlength: '100' }}
          />
          <SelectField
            name="lensType"
            label={t('catalog.field.lensType')}
            value={values.lensType}
            errors={errors}
            blank={t('catalog.prices.any')}
            options={listOptions(props.lists.lens_types, values.lensType)}
          />
          <SelectField
            name="lensMaterial"
            label={t('catalog.field.lensMaterial')}
            value={values.lensMaterial}
            errors={errors}
            blank={t('catalog.prices.any')}
            options={listOptions(props.lists.materials, values.lensMaterial)}
          />
          <Field
            name="priceMin"
            label={t('catalog.prices.priceMin')}
            value={values.priceMin}
            errors={errors}
            inputmode="decimal"
          />
          <Field
            name="priceMax"
            label={t('catalog.prices.priceMax')}
            value={values.priceMax}
            errors={errors}
            inputmode="decimal"
          />
          <SelectField
            name="parentId"
            label={t('catalog.prices.model')}
            value={values.parentId}
            errors={errors}
            blank={t('catalog.prices.anyModel')}
            options={props.models.map((model) => ({
              value: model.id,
              label: `${model.name} (${model.sku}) · ${model.variants}`,
            }))}
          />
        </div>
      </fieldset>
      <fieldset>
        <legend>{t('catalog.prices.rule')}</legend>
        <div class="form-grid">
          <SelectField
            name="direction"
            label={t('catalog.prices.direction')}
            value={values.direction ?? 'up'}
            errors={errors}
            required
            options={[
              { value: 'up', label: t('catalog.prices.direction.up') },
              { value: 'down', label: t('catalog.prices.direction.down') },
            ]}
          />
          <SelectField
            name="mode"
            label={t('catalog.prices.mode')}
            value={values.mode ?? 'percent'}
            errors={errors}
            required
            options={[
              { value: 'percent', label: t('catalog.prices.mode.percent') },
              { value: 'amount', label: t('catalog.prices.mode.amount') },
            ]}
          />
          <Field
            name="value"
            label={t('catalog.prices.value')}
            value={values.value}
            errors={errors}
            required
            inputmode="decimal"
            hint={t('catalog.prices.value.hint')}
          />
          <SelectField
            name="rounding"
            label={t('catalog.prices.rounding')}
            value={values.rounding ?? 'cents'}
            errors={errors}
            required
            options={priceRoundings.map((rounding) => ({ value: rounding, label: roundingLabel(rounding) }))}
          />
        </div>
      </fieldset>
      <div class="actions">
        <button type="submit" class="button-primary">
          {t('catalog.prices.preview')}
        </button>
        <a class="button" href="/products">
          {t('products.title')}
        </a>
      </div>
    </form>
  );
}

function PreviewTable(props: { preview: PriceUpdatePreview }) {
  return (
    <table id="price-preview-table">
      <thead>
        <tr>
          <th scope="col">{t('catalog.prices.product')}</th>
          <th scope="col" class="number">
            {t('catalog.prices.oldPrice')}
          </th>
          <th scope="col" class="number">
            {t('catalog.prices.newPrice')}
          </th>
        </tr>
      </thead>
      <tbody>
        {props.preview.rows.map((row) => (
          <tr data-product-id={row.id}>
            <td>
              <a href={`/products/${row.id}`}>{row.sku}</a>
              <br />
              {row.name}
              {row.variantColour || row.variantSize ? (
                <span class="hint"> · {[row.variantColour, row.variantSize].filter(Boolean).join(' / ')}</span>
              ) : null}
            </td>
            <td class="number">{formatMoney(row.oldPrice)}</td>
            <td class="number" style="white-space: nowrap">
              <strong>{formatMoney(row.newPrice)}</strong>
              {row.negative ? (
                <>
                  <br />
                  <span class="badge badge-warn">{t('catalog.prices.belowZero')}</span>
                </>
              ) : null}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function PriceUpdatePage(props: {
  values: PriceUpdateValues;
  errors?: FieldErrors;
  lists: CatalogLists;
  models: VariantModel[];
  recent: PriceUpdateSummary[];
  preview?: PriceUpdatePreview | null;
  refusal?: string | null;
}) {
  const { preview, values } = props;
  const canApply = preview && preview.rows.length > 0 && !preview.negative && !preview.tooMany && preview.changed > 0;
  return (
    <>
      <div class="page-head">
        <h1>{t('catalog.prices.title')}</h1>
      </div>
      <p class="lead">{t('catalog.prices.lead')}</p>
      {props.refusal ? <Warning>{props.refusal}</Warning> : null}
      <PriceUpdateForm values={values} errors={props.errors} lists={props.lists} models={props.models} />
      {preview ? (
        <section class="card" aria-labelledby="price-preview-title" id="price-preview">
          <h2 id="price-preview-title" style="margin-top: 0">
            {t('catalog.prices.previewTitle')}
          </h2>
          <p id="price-preview-count">
            {t('catalog.prices.count', { count: preview.rows.length, changed: preview.changed })}
          </p>
          {preview.tooMany ? <Warning>{t('catalog.prices.tooMany', { max: preview.rows.length })}</Warning> : null}
          {preview.negative ? <Warning>{t('catalog.prices.negative', { count: preview.negative })}</Warning> : null}
          {preview.rows.length === 0 ? (
            <p class="hint">{t('catalog.prices.none')}</p>
          ) : (
            <PreviewTable preview={preview} />
          )}
          {canApply ? (
            <form method="post" action="/products/prices/apply" hx-boost="false" class="actions">
              {Object.entries(values).map(([name, value]) => (
                <input type="hidden" name={name} value={value} />
              ))}
              <input type="hidden" name="token" value={preview.token} />
              <button type="submit" class="button-primary">
                {t('catalog.prices.apply', { count: preview.changed })}
              </button>
            </form>
          ) : null}
        </section>
      ) : null}
      {props.recent.length ? (
        <section class="card" aria-labelledby="price-recent-title">
          <h2 id="price-recent-title" style="margin-top: 0">
            {t('catalog.prices.recent')}
          </h2>
          <ul>
            {props.recent.map((update) => (
              <li>
                <a href={`/products/prices/${update.id}`}>
                  {new Date(update.appliedAt).toLocaleString('es-DO', { timeZone: 'America/Santo_Domingo' })}
                </a>{' '}
                · {ruleText(update.mode, update.value)} · {t('catalog.prices.products', { count: update.productCount })}
                {update.appliedByName ? ` · ${update.appliedByName}` : ''}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </>
  );
}

export function PriceUpdateDetail(props: { update: PriceUpdateRecord; applied: boolean }) {
  const { update } = props;
  const rounding = typeof update.filter.rounding === 'string' ? update.filter.rounding : 'cents';
  return (
    <>
      <div class="page-head">
        <h1>{t('catalog.prices.record')}</h1>
        <div class="actions">
          {update.lines.length > 0 && update.lines.length <= labelLimits.products ? (
            <a
              class="button"
              href={`/products/labels?${update.lines.map((line) => `product=${line.productId}`).join('&')}`}
            >
              {t('labels.printLabels')}
            </a>
          ) : null}
          <a class="button" href="/products/prices">
            {t('catalog.prices.title')}
          </a>
        </div>
      </div>
      {props.applied ? <Notice>{t('catalog.prices.applied', { count: update.productCount })}</Notice> : null}
      <p class="lead">
        {ruleText(update.mode, update.value)} · {roundingLabel(rounding)} ·{' '}
        {t('catalog.prices.products', { count: update.productCount })}
        {update.appliedByName ? ` · ${update.appliedByName}` : ''} ·{' '}
        {new Date(update.appliedAt).toLocaleString('es-DO', { timeZone: 'America/Santo_Domingo' })}
      </p>
      <table>
        <thead>
          <tr>
            <th scope="col">{t('products.field.sku')}</th>
            <th scope="col">{t('products.field.name')}</th>
            <th scope="col" class="number">
              {t('catalog.prices.oldPrice')}
            </th>
            <th scope="col" class="number">
              {t('catalog.prices.newPrice')}
            </th>
          </tr>
        </thead>
        <tbody>
          {update.lines.map((line) => (
            <tr>
              <td>
                <a href={`/products/${line.productId}`}>{line.sku}</a>
              </td>
              <td>{line.name}</td>
              <td class="number">{formatMoney(line.oldPrice)}</td>
              <td class="number">{formatMoney(line.newPrice)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
