import type { Context } from 'hono';
import { can } from '../auth/permissions';
import { AppError, type FieldErrors } from '../errors';
import { stockCursor, idCursor } from '../http/cursors';
import type { SignedInEnv } from '../http/env';
import { factory } from '../http/factory';
import { validForm } from '../http/forms';
import { isUuid } from '../http/ids';
import { requirePermission } from '../http/session';
import { shopContext } from '../http/shop';
import { t } from '../i18n/es-DO';
import { adjustmentForm, transferForm } from '../schemas/stock';
import { searchPickerProducts } from '../services/shop/pickers';
import { adjustStock, listProductMovements, listStock, transferStockBetween } from '../services/shop/stock';
import {
  AdjustmentForm,
  MovementResults,
  MovementsPage,
  StockPage,
  StockResults,
  TransferForm,
  type MovementFormValues,
} from '../views/stock';
import { wantsFragment } from '../http/fragments';
import type { PickerProduct } from '../queries/pickers';

/** Shop screens: stock. */
export const stockRoutes = factory.createApp();

const pageSize = 50;

function href(path: string, params: Record<string, string | undefined>): string {
  const query = new URLSearchParams(
    Object.entries(params).filter((entry): entry is [string, string] => Boolean(entry[1])),
  ).toString();
  return query ? `${path}?${query}` : path;
}

stockRoutes.get('/stock', requirePermission('stock.view'), async (c) => {
  const user = c.var.session;
  const allBranches = can(user, 'branches.all');
  const q = (c.req.query('q') ?? '').trim().slice(0, 100);
  // With branches.all the default is the current branch; an empty choice means every branch.
  const requested = c.req.query('branch');
  const branch = requested === undefined ? (user.branch?.id ?? '') : requested;
  const after = stockCursor.decode(c.req.query('cursor'));
  const low = ['1', 'on'].includes(c.req.query('low') ?? '');
  const { rows, next } = await listStock(shopContext(c), {
    scope: 'current',
    branchId: branch,
    q,
    low,
    after,
    limit: pageSize,
  });
  const filter = { q: q || undefined, branch: allBranches ? branch : undefined, low: low ? '1' : undefined };
  const list = {
    rows,
    nextHref: next ? href('/stock', { ...filter, cursor: stockCursor.encode(next) }) : null,
    firstHref: after ? href('/stock', filter) : null,
  };
  if (wantsFragment(c.req.raw)) return c.html(<StockResults {...list} />);
  return c.render(
    <StockPage
      {...list}
      q={q}
      low={low}
      branch={branch}
      branches={allBranches ? user.branches : null}
      currentBranch={user.branch?.name ?? null}
      canAdjust={can(user, 'stock.adjust')}
      canTransfer={can(user, 'stock.transfer')}
    />,
    { title: t('stock.title'), current: '/stock' },
  );
});

stockRoutes.get('/stock/movements', requirePermission('stock.view'), async (c) => {
  const productId = c.req.query('productId');
  if (!isUuid(productId)) throw new AppError('not_found');
  const beforeId = idCursor.decode(c.req.query('cursor'))?.id ?? null;
  const result = await listProductMovements(shopContext(c), { productId, before: beforeId, limit: pageSize });
  const page = {
    movements: result.movements,
    nextHref: result.next
      ? href('/stock/movements', { productId, cursor: idCursor.encode({ id: result.next }) })
      : null,
    firstHref: beforeId ? href('/stock/movements', { productId }) : null,
  };
  if (wantsFragment(c.req.raw)) return c.html(<MovementResults {...page} />);
  return c.render(<MovementsPage product={result.product} {...page} />, {
    title: t('stock.movements.title', { name: result.product.name }),
    current: '/stock',
  });
});

function formValues(form: Record<string, unknown>): MovementFormValues {
  const text = (name: string) => (typeof form[name] === 'string' ? (form[name] as string) : undefined);
  return {
    sku: text('sku'),
    branchId: text('branchId'),
    fromBranchId: text('fromBranchId'),
    toBranchId: text('toBranchId'),
    quantity: text('quantity'),
    reason: text('reason'),
    productSearch: text('productSearch'),
  };
}

type FormState = {
  values: MovementFormValues;
  errors?: FieldErrors;
  message?: string | null;
  notice?: string | null;
  products?: PickerProduct[];
};

function renderAdjust(c: Context<SignedInEnv>, state: FormState, status: 200 | 404 | 409 | 422 = 200) {
  const user = c.var.session;
  c.status(status);
  return c.render(<AdjustmentForm {...state} branches={user.branches} />, {
    title: t('stock.adjust.title'),
    current: '/stock',
  });
}

function renderTransfer(c: Context<SignedInEnv>, state: FormState, status: 200 | 404 | 409 | 422 = 200) {
  const user = c.var.session;
  c.status(status);
  return c.render(<TransferForm {...state} branches={user.branches} />, {
    title: t('stock.transfer.title'),
    current: '/stock',
  });
}

/**
 * The product search of a movement form: "find" or a picked match shows the form again (the picked
 * SKU filled in) and moves nothing.
 */
function productSearchStep(form: 'stock-adjust' | 'stock-transfer', render: typeof renderAdjust) {
  return factory.createMiddleware(async (c, next) => {
    const body = await c.req.parseBody();
    const picked = typeof body.pickProduct === 'string' ? body.pickProduct.trim().slice(0, 60) : '';
    if (body._action !== 'findProduct' && !picked) return next();
    const values = formValues(body);
    if (picked) values.sku = picked;
    const q = values.productSearch?.trim().slice(0, 100) ?? '';
    const branch = values.branchId || values.fromBranchId;
    const signedIn = c as unknown as Context<SignedInEnv>;
    const products = q
      ? await searchPickerProducts(shopContext(signedIn), { form, q, branchId: isUuid(branch) ? branch : null })
      : [];
    return render(signedIn, { values, products });
  });
}

/** The form's field errors of a refused movement (422); anything else propagates. */
function formErrors(error: unknown): FieldErrors {
  if (error instanceof AppError && error.code === 'validation') return error.fields ?? {};
  throw error;
}

stockRoutes.get('/stock/adjust', requirePermission('stock.adjust'), (c) =>
  renderAdjust(c, { values: { sku: c.req.query('sku') ?? '', branchId: c.var.session.branch?.id } }),
);

stockRoutes.post(
  '/stock/adjust',
  requirePermission('stock.adjust'),
  productSearchStep('stock-adjust', renderAdjust),
  validForm(adjustmentForm, (c, errors, submitted) => renderAdjust(c, { values: formValues(submitted), errors }, 422)),
  async (c) => {
    const input = c.req.valid('form');
    try {
      const { movement, sku, branchName } = await adjustStock(shopContext(c), input);
      const notice = t('stock.adjust.done', {
        sku: sku ?? input.sku,
        branch: branchName,
        balance: movement.balanceAfter,
      });
      return renderAdjust(c, { values: { branchId: input.branchId }, notice });
    } catch (error) {
      const errors = formErrors(error);
      return renderAdjust(c, { values: formValues(await c.req.parseBody()), errors }, 422);
    }
  },
);

stockRoutes.get('/stock/transfer', requirePermission('stock.transfer'), (c) =>
  renderTransfer(c, { values: { sku: c.req.query('sku') ?? '', fromBranchId: c.var.session.branch?.id } }),
);

stockRoutes.post(
  '/stock/transfer',
  requirePermission('stock.transfer'),
  productSearchStep('stock-transfer', renderTransfer),
  validForm(transferForm, (c, errors, submitted) => renderTransfer(c, { values: formValues(submitted), errors }, 422)),
  async (c) => {
    const input = c.req.valid('form');
    try {
      const transfer = await transferStockBetween(shopContext(c), input);
      const notice = t('stock.transfer.done', {
        reference: transfer.reference,
        quantity: input.quantity,
        sku: transfer.sku ?? input.sku,
      });
      return renderTransfer(c, { values: { fromBranchId: input.fromBranchId }, notice });
    } catch (error) {
      const errors = formErrors(error);
      return renderTransfer(c, { values: formValues(await c.req.parseBody()), errors }, 422);
    }
  },
);
