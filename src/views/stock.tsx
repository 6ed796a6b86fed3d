import { formatDateTime } from '../domain/dates';
import type { BranchRef } from '../auth/session';
import { t, type MessageKey } from '../i18n/es-DO';
import type { StockLevel, StockMovement } from '../queries/stock';
import type { PickerProduct } from '../queries/pickers';
import { ProductPicker } from './pickers';
import { CheckboxField, LiveSearchForm, ErrorSummary, Field, Notice, ResultsTable, SelectField } from './components';
import type { FieldErrors } from '../errors';

export const kindLabel = (kind: string) => t(`stock.kind.${kind}` as MessageKey);

export interface StockListProps {
  rows: StockLevel[];
  nextHref: string | null;
  firstHref: string | null;
}

export function StockResults(props: StockListProps) {
  return (
    <ResultsTable
      id="stock-results"
      empty={t('stock.empty')}
      columns={[
        { label: t('products.field.sku') },
        { label: t('stock.field.product') },
        { label: t('stock.field.branch') },
        { label: t('products.field.onHand'), numeric: true },
        { label: t('stock.field.history') },
      ]}
      rows={props.rows}
      row={(row) => (
        <tr>
          <td style="white-space: nowrap">
            <a href={`/products/${row.productId}`}>{row.sku}</a>
          </td>
          <td>{row.name}</td>
          <td>{row.branchName}</td>
          <td class="number">
            {row.quantity < 0 ? <span class="badge badge-warn">{String(row.quantity)}</span> : String(row.quantity)}
          </td>
          <td>
            <a href={`/stock/movements?productId=${row.productId}`}>{t('products.history')}</a>
          </td>
        </tr>
      )}
      pager={{
        nextHref: props.nextHref,
        firstHref: props.firstHref,
        nextLabel: t('stock.next'),
        firstLabel: t('stock.first'),
      }}
    />
  );
}

export function StockPage(
  props: StockListProps & {
    q: string;
    low?: boolean;
    branch: string;
    branches: BranchRef[] | null;
    canAdjust: boolean;
    canTransfer: boolean;
    currentBranch: string | null;
  },
) {
  return (
    <>
      <div class="page-head">
        <h1>{t('stock.title')}</h1>
        <div class="actions">
          {props.canAdjust ? (
            <a href="/stock/adjust" class="button button-primary">
              {t('stock.adjust.title')}
            </a>
          ) : null}
          {props.canTransfer ? (
            <a href="/stock/transfer" class="button">
              {t('stock.transfer.title')}
            </a>
          ) : null}
        </div>
      </div>
      {props.branches === null && props.currentBranch ? <p class="lead">{props.currentBranch}</p> : null}
      <LiveSearchForm action="/stock" target="#stock-results" filters={['branch', 'low']}>
        <Field
          name="q"
          type="search"
          label={t('stock.search')}
          value={props.q}
          inputmode="search"
          attrs={{ autocomplete: 'off' }}
        />
        {props.branches ? (
          <SelectField
            name="branch"
            label={t('stock.branchFilter')}
            value={props.branch}
            blank={t('stock.allBranches')}
            options={props.branches.map((branch) => ({ value: branch.id, label: branch.name }))}
          />
        ) : null}
        <CheckboxField name="low" label={t('stock.lowOnly')} checked={props.low} />
        <button type="submit">{t('stock.filter')}</button>
      </LiveSearchForm>
      <StockResults {...props} />
    </>
  );
}

export interface MovementFormValues {
  sku?: string;
  branchId?: string;
  fromBranchId?: string;
  toBranchId?: string;
  quantity?: string;
  reason?: string;
  productSearch?: string;
}

export function AdjustmentForm(props: {
  values: MovementFormValues;
  branches: BranchRef[];
  errors?: FieldErrors;
  message?: string | null;
  notice?: string | null;
  products?: PickerProduct[];
}) {
  const { values, errors } = props;
  return (
    <section class="card" aria-labelledby="adjust-title">
      <h1 id="adjust-title">{t('stock.adjust.title')}</h1>
      <p class="lead">{t('stock.adjust.lead')}</p>
      {props.notice ? <Notice>{props.notice}</Notice> : null}
      <ErrorSummary errors={errors} message={props.message} />
      <form method="post" action="/stock/adjust" hx-boost="false" novalidate>
        <ProductPicker form="stock-adjust" search={values.productSearch} products={props.products ?? []} />
        <div class="form-grid">
          <Field
            name="sku"
            label={t('stock.field.sku')}
            value={values.sku}
            errors={errors}
            required
            attrs={{ autocomplete: 'off' }}
          />
          <SelectField
            name="branchId"
            label={t('stock.field.branch')}
            value={values.branchId}
            errors={errors}
            required
            options={props.branches.map((b) => ({ value: b.id, label: b.name }))}
          />
          <Field
            name="quantity"
            label={t('stock.field.quantity')}
            value={values.quantity}
            errors={errors}
            required
            inputmode="numeric"
            hint={t('stock.hint.quantity')}
            attrs={{ pattern: '[+-]?[0-9]*' }}
          />
          <Field
            name="reason"
            label={t('stock.field.reason')}
            value={values.reason}
            errors={errors}
            required
            attrs={{ maxlength: '300' }}
          />
        </div>
        <div class="actions">
          <button type="submit" class="button-primary">
            {t('stock.adjust.submit')}
          </button>
          <a href="/stock" class="button">
            {t('stock.title')}
          </a>
        </div>
      </form>
    </section>
  );
}

export function TransferForm(props: {
  values: MovementFormValues;
  branches: BranchRef[];
  errors?: FieldErrors;
  message?: string | null;
  notice?: string | null;
  products?: PickerProduct[];
}) {
  const { values, errors } = props;
  const options = props.branches.map((b) => ({ value: b.id, label: b.name }));
  return (
    <section class="card" aria-labelledby="transfer-title">
      <h1 id="transfer-title">{t('stock.transfer.title')}</h1>
      <p class="lead">{t('stock.transfer.lead')}</p>
      {props.notice ? <Notice>{props.notice}</Notice> : null}
      <ErrorSummary errors={errors} message={props.message} />
      <form method="post" action="/stock/transfer" hx-boost="false" novalidate>
        <ProductPicker form="stock-transfer" search={values.productSearch} products={props.products ?? []} />
        <div class="form-grid">
          <Field
            name="sku"
            label={t('stock.field.sku')}
            value={values.sku}
            errors={errors}
            required
            attrs={{ autocomplete: 'off' }}
          />
          <Field
            name="quantity"
            label={t('stock.field.quantity')}
            value={values.quantity}
            errors={errors}
            required
            inputmode="numeric"
            attrs={{ pattern: '[0-9]*' }}
          />
          <SelectField
            name="fromBranchId"
            label={t('stock.field.fromBranch')}
            value={values.fromBranchId}
            errors={errors}
            required
            options={options}
          />
          <SelectField
            name="toBranchId"
            label={t('stock.field.toBranch')}
            value={values.toBranchId}
            errors={errors}
            required
            blank=""
            options={options}
          />
          <Field
            name="reason"
            label={t('stock.field.reason')}
            value={values.reason}
            errors={errors}
            attrs={{ maxlength: '300' }}
          />
        </div>
        <div class="actions">
          <button type="submit" class="button-primary">
            {t('stock.transfer.submit')}
          </button>
          <a href="/stock" class="button">
            {t('stock.title')}
          </a>
        </div>
      </form>
    </section>
  );
}

export function MovementsPage(props: {
  product: { id: string; sku: string; name: string };
  movements: StockMovement[];
  nextHref: string | null;
  firstHref: string | null;
}) {
  return (
    <>
      <div class="page-head">
        <h1>{t('stock.movements.title', { name: props.product.name })}</h1>
        <a class="button" href={`/products/${props.product.id}`}>
          {props.product.sku}
        </a>
      </div>
      <MovementResults movements={props.movements} nextHref={props.nextHref} firstHref={props.firstHref} />
    </>
  );
}

export function MovementResults(props: {
  movements: StockMovement[];
  nextHref: string | null;
  firstHref: string | null;
}) {
  return (
    <ResultsTable
      id="movement-results"
      live={false}
      empty={t('stock.movements.empty')}
      columns={[
        { label: t('stock.field.date') },
        { label: t('stock.field.branch') },
        { label: t('stock.field.kind') },
        { label: t('stock.field.quantity'), numeric: true },
        { label: t('stock.field.balance'), numeric: true },
        { label: t('stock.field.reason') },
        { label: t('stock.field.reference') },
        { label: t('stock.field.user') },
      ]}
      rows={props.movements}
      row={(movement) => (
        <tr>
          <td style="white-space: nowrap">{formatDateTime(movement.createdAt)}</td>
          <td>{movement.branchName}</td>
          <td>{kindLabel(movement.kind)}</td>
          <td class="number">{movement.quantity > 0 ? `+${movement.quantity}` : String(movement.quantity)}</td>
          <td class="number">{String(movement.balanceAfter)}</td>
          <td>{movement.reason ?? ''}</td>
          <td style="white-space: nowrap">{movement.reference ?? ''}</td>
          <td>{movement.userName ?? ''}</td>
        </tr>
      )}
      pager={{
        nextHref: props.nextHref,
        firstHref: props.firstHref,
        nextLabel: t('stock.movements.older'),
        firstLabel: t('stock.movements.newest'),
      }}
    />
  );
}
