import type { Context } from 'hono';
import { z } from 'zod';
import { requirePermission } from '../http/session';
import { can } from '../auth/permissions';
import type { SessionUser } from '../auth/session';
import { decodeCursor, encodeCursor } from '../http/cursors';
import type { SignedInEnv } from '../http/env';
import { AppError } from '../errors';
import { factory } from '../http/factory';
import { validForm } from '../http/forms';
import { t } from '../i18n/es-DO';
import { productBySku } from '../queries/products';
import { listStockLevels, productMovements, recordStockMovement, transferStock } from '../queries/stock';
import { adjustmentForm, transferForm } from '../schemas/stock';
import type { FieldErrors } from '../errors';
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

/** Shop screens: stock. */
export const stockRoutes = factory.createApp();

const pageSize = 50;

function href(path: string, params: Record<string, string | undefined>): string {
  const query = new URLSearchParams(
    Object.entries(params).filter((entry): entry is [string, string] => Boolean(entry[1])),
  ).toString();
  return query ? `${path}?${query}` : path;
}

/** The branches whose stock a user sees: every allowed one with branches.all, else only the current one. */
function visibleBranchIds(user: SessionUser): string[] {
  if (can(user.role, 'branches.all')) return user.branches.map((branch) => branch.id);
  return user.branch ? [user.branch.id] : [];
}

stockRoutes.get('/stock', requirePermission('stock.view'), async (c) => {
  const user = c.var.session;
  const allBranches = can(user.role, 'branches.all');
  const q = (c.req.query('q') ?? '').trim().slice(0, 100);
  // With branches.all the default is the current branch; an empty choice means every branch.
  const requested = c.req.query('branch');
  const branch = requested === undefined ? (user.branch?.id ?? '') : requested;
  let branchIds = visibleBranchIds(user);
  if (allBranches && branch) branchIds = branchIds.filter((id) => id === branch);
  const cursor = decodeCursor(c.req.query('cursor'));
  const uuid = z.uuid();
  const after =
    cursor && cursor.length === 3 && uuid.safeParse(cursor[1]).success && uuid.safeParse(cursor[2]).success
      ? { name: String(cursor[0]), productId: String(cursor[1]), branchId: String(cursor[2]) }
      : null;
  const { rows, next } = await listStockLevels(c.var.db, { branchIds, q: q || undefined, after, limit: pageSize });
  const filter = { q: q || undefined, branch: allBranches ? branch : undefined };
  const list = {
    rows,
    nextHref: next
      ? href('/stock', { ...filter, cursor: encodeCursor([next.name, next.productId, next.branchId]) })
      : null,
    firstHref: after ? href('/stock', filter) : null,
  };
  if (wantsFragment(c.req.raw)) return c.html(<StockResults {...list} />);
  return c.render(
    <StockPage
      {...list}
      q={q}
      branch={branch}
      branches={allBranches ? user.branches : null}
      currentBranch={user.branch?.name ?? null}
      canAdjust={can(user.role, 'stock.adjust')}
      canTransfer={can(user.role, 'stock.transfer')}
    />,
    { title: t('stock.title'), current: '/stock' },
  );
});

stockRoutes.get('/stock/movements', requirePermission('stock.view'), async (c) => {
  const user = c.var.session;
  const productId = z.uuid().safeParse(c.req.query('productId'));
  if (!productId.success) throw new AppError('not_found');
  const before = Number(c.req.query('before'));
  const beforeId = Number.isSafeInteger(before) && before > 0 ? before : null;
  const result = await productMovements(c.var.db, {
    productId: productId.data,
    branchIds: user.branches.map((b) => b.id),
    before: beforeId,
    limit: pageSize,
  });
  if (!result) throw new AppError('not_found');
  const page = {
    movements: result.movements,
    nextHref: result.next ? href('/stock/movements', { productId: productId.data, before: String(result.next) }) : null,
    firstHref: beforeId ? href('/stock/movements', { productId: productId.data }) : null,
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
  };
}

type FormState = { values: MovementFormValues; errors?: FieldErrors; message?: string | null; notice?: string | null };

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

/** Field errors from the ledger's refusals (422); anything else propagates. */
function ledgerErrors(error: unknown): FieldErrors | null {
  if (!(error instanceof AppError) || error.code !== 'validation') return null;
  const fields = error.fields ?? {};
  const { productId, ...rest } = fields;
  return productId ? { ...rest, sku: productId } : rest;
}

stockRoutes.get('/stock/adjust', requirePermission('stock.adjust'), (c) =>
  renderAdjust(c, { values: { sku: c.req.query('sku') ?? '', branchId: c.var.session.branch?.id } }),
);

stockRoutes.post(
  '/stock/adjust',
  requirePermission('stock.adjust'),
  validForm(adjustmentForm, (c, errors, submitted) => renderAdjust(c, { values: formValues(submitted), errors }, 422)),
  async (c) => {
    const user = c.var.session;
    const input = c.req.valid('form');
    const values = formValues(await c.req.parseBody());
    const branch = user.branches.find((candidate) => candidate.id === input.branchId);
    if (!branch) return renderAdjust(c, { values, errors: { branchId: t('stock.validation.branchNotAllowed') } }, 422);
    const product = await productBySku(c.var.db, input.sku);
    if (!product) return renderAdjust(c, { values, errors: { sku: t('stock.validation.productNotFound') } }, 422);
    try {
      const movement = await recordStockMovement(c.var.db, {
        productId: product.id,
        branchId: branch.id,
        kind: 'adjustment',
        quantity: input.quantity,
        reason: input.reason,
        userId: user.id,
      });
      const notice = t('stock.adjust.done', { sku: product.sku, branch: branch.name, balance: movement.balanceAfter });
      return renderAdjust(c, { values: { branchId: branch.id }, notice });
    } catch (error) {
      const errors = ledgerErrors(error);
      if (!errors) throw error;
      return renderAdjust(c, { values, errors }, 422);
    }
  },
);

stockRoutes.get('/stock/transfer', requirePermission('stock.transfer'), (c) =>
  renderTransfer(c, { values: { sku: c.req.query('sku') ?? '', fromBranchId: c.var.session.branch?.id } }),
);

stockRoutes.post(
  '/stock/transfer',
  requirePermission('stock.transfer'),
  validForm(transferForm, (c, errors, submitted) => renderTransfer(c, { values: formValues(submitted), errors }, 422)),
  async (c) => {
    const user = c.var.session;
    const input = c.req.valid('form');
    const values = formValues(await c.req.parseBody());
    const allowed = new Set(user.branches.map((branch) => branch.id));
    const errors: FieldErrors = {};
    if (!allowed.has(input.fromBranchId)) errors.fromBranchId = t('stock.validation.branchNotAllowed');
    if (!allowed.has(input.toBranchId)) errors.toBranchId = t('stock.validation.branchNotAllowed');
    if (Object.keys(errors).length) return renderTransfer(c, { values, errors }, 422);
    const product = await productBySku(c.var.db, input.sku);
    if (!product) return renderTransfer(c, { values, errors: { sku: t('stock.validation.productNotFound') } }, 422);
    try {
      const transfer = await transferStock(c.var.db, {
        productId: product.id,
        fromBranchId: input.fromBranchId,
        toBranchId: input.toBranchId,
        quantity: input.quantity,
        reason: input.reason ?? null,
        userId: user.id,
      });
      const notice = t('stock.transfer.done', {
        reference: transfer.reference,
        quantity: input.quantity,
        sku: product.sku,
      });
      return renderTransfer(c, { values: { fromBranchId: input.fromBranchId }, notice });
    } catch (error) {
      const fieldErrors = ledgerErrors(error);
      if (!fieldErrors) throw error;
      return renderTransfer(c, { values, errors: fieldErrors }, 422);
    }
  },
);
