import type { Context } from 'hono';
import { shopToday } from '../domain/dates';
import { AppError, type FieldErrors } from '../errors';
import type { SignedInEnv } from '../http/env';
import { factory } from '../http/factory';
import { safeNextPath } from '../http/forms';
import { wantsFragment } from '../http/fragments';
import { idParam, isUuid } from '../http/ids';
import { requirePermission } from '../http/session';
import { shopContext } from '../http/shop';
import { t } from '../i18n/es-DO';
import {
  addLabOrderNote,
  addLabOrderPhoto,
  createLabOrder,
  getLabOrder,
  LabMoveConflict,
  labOrderForm,
  labOrderPage,
  labOrderPhoto,
  labOrderSource,
  moveLabOrder,
  searchCustomers,
  updateLabOrder,
} from '../services/shop/lab-orders';
import { LabOrderPrintPage } from '../views/lab-order-print';
import {
  CustomerPickerPage,
  labFormValues,
  LabOrderFormPage,
  labOrderNumber,
  LabOrderPage,
  LabTimeline,
  MovePanel,
  type LabFormValues,
  type LabNotice,
} from '../views/lab-orders';

/** Shop screens: a lab order's creation, detail page, timeline, moves and ticket (the board and list are lab-board's). */
export const labOrdersRoutes = factory.createApp();

const manage = requirePermission('labOrders.manage');
const view = requirePermission('labOrders.view');

function formErrors(error: unknown): FieldErrors {
  if (error instanceof AppError && error.code === 'validation' && error.fields) return error.fields;
  throw error;
}

async function submitted(c: Context<SignedInEnv>): Promise<LabFormValues> {
  const body = await c.req.parseBody({ all: true });
  const values: LabFormValues = {};
  for (const [key, value] of Object.entries(body)) {
    if (typeof value === 'string') values[key] = value;
    else if (Array.isArray(value)) values[key] = value.filter((item): item is string => typeof item === 'string');
  }
  return values;
}

async function renderForm(
  c: Context<SignedInEnv>,
  options: { values: LabFormValues; errors?: FieldErrors; editingId?: string; sourceLines?: string[] },
  status: 200 | 422 = 200,
) {
  const customerId = typeof options.values.customerId === 'string' ? options.values.customerId : '';
  if (!isUuid(customerId)) throw new AppError('not_found');
  const data = await labOrderForm(shopContext(c), customerId);
  c.status(status);
  return c.render(
    <LabOrderFormPage
      action={options.editingId ? `/lab-orders/${options.editingId}/edit` : '/lab-orders'}
      data={data}
      branches={c.var.session.branches}
      values={options.values}
      errors={options.errors}
      editing={Boolean(options.editingId)}
      sourceLines={options.sourceLines}
      cancelHref={options.editingId ? `/lab-orders/${options.editingId}` : '/lab-orders'}
    />,
    { title: options.editingId ? t('lab.edit') : t('lab.new'), current: '/lab' },
  );
}

const uuidOrNull = (value: string | undefined) => (value && isUuid(value) ? value : null);

labOrdersRoutes.get('/lab-orders/new', manage, async (c) => {
  const ctx = shopContext(c);
  const query = (name: string) => c.req.query(name);
  for (const name of ['invoiceId', 'quotationId', 'prescriptionId', 'customerId'])
    if (query(name) && !isUuid(query(name))) throw new AppError('not_found');
  const source = await labOrderSource(ctx, {
    invoiceId: uuidOrNull(query('invoiceId')),
    quotationId: uuidOrNull(query('quotationId')),
    prescriptionId: uuidOrNull(query('prescriptionId')),
  });
  const customerId = source?.customerId ?? uuidOrNull(query('customerId'));
  if (!customerId) {
    const q = (query('q') ?? '').trim().slice(0, 100);
    return c.render(<CustomerPickerPage q={q} rows={await searchCustomers(ctx, q)} />, {
      title: t('lab.new'),
      current: '/lab',
    });
  }
  const session = c.var.session;
  const branchId =
    source?.branchId && session.branches.some((branch) => branch.id === source.branchId)
      ? source.branchId
      : (session.branch?.id ?? '');
  return renderForm(c, {
    values: {
      customerId,
      branchId,
      invoiceId: uuidOrNull(query('invoiceId')) ?? '',
      quotationId: uuidOrNull(query('quotationId')) ?? '',
      prescriptionId: source?.prescriptionId ?? '',
      frameDescription: source?.lines.join('; ').slice(0, 200) ?? '',
      priority: 'normal',
    },
    sourceLines: source?.lines,
  });
});

labOrdersRoutes.post('/lab-orders', manage, async (c) => {
  const values = await submitted(c);
  try {
    const order = await createLabOrder(shopContext(c), values);
    return c.redirect(`/lab-orders/${order.id}?notice=created`, 303);
  } catch (error) {
    const errors = formErrors(error);
    if (errors.customerId) throw new AppError('not_found');
    return renderForm(c, { values, errors }, 422);
  }
});

const notices = new Set<LabNotice>(['created', 'saved', 'moved', 'note', 'photo']);

async function renderDetail(
  c: Context<SignedInEnv>,
  options: { notice?: LabNotice | null; moveError?: string | null; errors?: FieldErrors } = {},
  status: 200 | 409 | 422 = 200,
) {
  const page = await labOrderPage(shopContext(c), idParam(c));
  c.status(status);
  return c.render(
    <LabOrderPage
      user={c.var.session}
      order={page.order}
      timeline={page.timeline}
      stages={page.stages}
      notice={options.notice}
      moveError={options.moveError}
      errors={options.errors}
    />,
    { title: `${t('lab.order')} ${labOrderNumber(page.order.number)}`, current: '/lab' },
  );
}

labOrdersRoutes.get('/lab-orders/:id', view, async (c) => {
  const notice = c.req.query('notice') as LabNotice | undefined;
  return renderDetail(c, { notice: notice && notices.has(notice) ? notice : null });
});

labOrdersRoutes.get('/lab-orders/:id/edit', manage, async (c) => {
  const order = await getLabOrder(shopContext(c), idParam(c));
  return renderForm(c, { values: labFormValues(order), editingId: order.id });
});

labOrdersRoutes.post('/lab-orders/:id/edit', manage, async (c) => {
  const order = await getLabOrder(shopContext(c), idParam(c));
  const values = { ...(await submitted(c)), customerId: order.customerId };
  try {
    await updateLabOrder(shopContext(c), order.id, values);
    return c.redirect(`/lab-orders/${order.id}?notice=saved`, 303);
  } catch (error) {
    return renderForm(c, { values, errors: formErrors(error), editingId: order.id }, 422);
  }
});

/**
 * A stage move from the detail page (or any no-JS form naming `next`): 303 back on success; a lost
 * race or a delivery with a balance re-renders the stage panel (htmx) or the page with the reason (409).
 */
labOrdersRoutes.post('/lab-orders/:id/move', manage, async (c) => {
  const id = idParam(c);
  const body = await submitted(c);
  const field = (name: string) => (typeof body[name] === 'string' ? (body[name] as string) : '');
  const ctx = shopContext(c);
  let refusal: { message: string; needsReason: boolean; errors?: FieldErrors; status: 409 | 422 } | null = null;
  try {
    await moveLabOrder(ctx, id, {
      toStageId: field('toStageId'),
      expectedStageId: field('expectedStageId'),
      overrideReason: field('overrideReason') || null,
    });
  } catch (error) {
    if (error instanceof LabMoveConflict)
      refusal = { message: error.publicMessage ?? '', needsReason: error.balance !== null, status: 409 };
    else {
      const errors = formErrors(error);
      refusal = { message: t('validation.summary'), needsReason: false, errors, status: 422 };
    }
  }
  if (!refusal) {
    if (wantsFragment(c.req.raw)) {
      const page = await labOrderPage(ctx, id);
      return c.html(
        <>
          <MovePanel order={page.order} stages={page.stages} canMove={true} />
          <LabTimeline order={page.order} timeline={page.timeline} oob />
        </>,
      );
    }
    const next = field('next');
    return c.redirect(next ? safeNextPath(next) : `/lab-orders/${id}?notice=moved`, 303);
  }
  if (wantsFragment(c.req.raw)) {
    const page = await labOrderPage(ctx, id);
    return c.html(
      <MovePanel
        order={page.order}
        stages={page.stages}
        canMove={true}
        error={refusal.message}
        needsReason={refusal.needsReason}
        errors={refusal.errors}
      />,
      refusal.status,
    );
  }
  return renderDetail(c, { moveError: refusal.message, errors: refusal.errors }, refusal.status);
});

labOrdersRoutes.post('/lab-orders/:id/notes', manage, async (c) => {
  const id = idParam(c);
  try {
    await addLabOrderNote(shopContext(c), id, await submitted(c));
  } catch (error) {
    return renderDetail(c, { errors: formErrors(error) }, 422);
  }
  return c.redirect(`/lab-orders/${id}?notice=note`, 303);
});

labOrdersRoutes.post('/lab-orders/:id/photos', manage, async (c) => {
  const id = idParam(c);
  const type = (c.req.header('content-type') ?? '').toLowerCase();
  const form = type.startsWith('multipart/form-data') ? await c.req.formData().catch(() => null) : null;
  try {
    await addLabOrderPhoto(shopContext(c), id, form?.get('photo') ?? null);
  } catch (error) {
    return renderDetail(c, { errors: formErrors(error) }, 422);
  }
  return c.redirect(`/lab-orders/${id}?notice=photo`, 303);
});

/** Served only to signed-in users of this shop who see the order; the key comes from the shop's own row. */
labOrdersRoutes.get('/lab-orders/:id/photos/:entryId', view, async (c) => {
  const photo = await labOrderPhoto(shopContext(c), idParam(c), idParam(c, 'entryId'));
  return new Response(photo.body, {
    headers: {
      'Content-Type': photo.type,
      'Cache-Control': 'private, max-age=3600',
      'X-Content-Type-Options': 'nosniff',
      'Content-Security-Policy': "default-src 'none'",
    },
  });
});

labOrdersRoutes.get('/lab-orders/:id/print', view, async (c) => {
  const page = await labOrderPage(shopContext(c), idParam(c));
  const format = c.req.query('format') === '80mm' ? '80mm' : 'a4';
  return c.html(
    <LabOrderPrintPage
      order={page.order}
      company={page.company}
      format={format}
      lines={c.req.query('prices') === '1' ? page.lines : null}
      today={shopToday()}
    />,
  );
});
