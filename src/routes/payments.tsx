import type { Context } from 'hono';
import { can } from '../auth/permissions';
import { shopToday } from '../domain/dates';
import { compareDecimals } from '../domain/money';
import { AppError, type ErrorLink, type FieldErrors } from '../errors';
import { createdCursor } from '../http/cursors';
import type { SignedInEnv } from '../http/env';
import { factory } from '../http/factory';
import { fieldErrors } from '../http/forms';
import { wantsFragment } from '../http/fragments';
import { branchQuery, idParam } from '../http/ids';
import { requirePermission } from '../http/session';
import { shopContext } from '../http/shop';
import { t } from '../i18n/es-DO';
import type { Payment } from '../queries/payments';
import { paymentForm, paymentPeriod, voidForm } from '../schemas/payments';
import {
  getPayment,
  listPayments,
  payableInvoice,
  recordPayment,
  updatePayment,
  voidPayment,
} from '../services/shop/payments';
import {
  NewPaymentPage,
  PaymentPage,
  PaymentResults,
  PaymentsPage,
  type PaymentFormValues,
  type PaymentNotice,
} from '../views/payments';

/** Shop screens: payments. */
export const paymentsRoutes = factory.createApp();

const pageSize = 50;

/** A list URL with its non-empty parameters. */
function listHref(path: string, params: Record<string, string | undefined>): string {
  const query = new URLSearchParams(
    Object.entries(params).filter((entry): entry is [string, string] => Boolean(entry[1])),
  ).toString();
  return query ? `${path}?${query}` : path;
}

function submitted(body: Record<string, unknown>): PaymentFormValues {
  const text = (name: string) => (typeof body[name] === 'string' ? (body[name] as string) : undefined);
  return {
    receivedOn: text('receivedOn'),
    method: text('method'),
    amount: text('amount'),
    reference: text('reference'),
    notes: text('notes'),
  };
}

/** A business refusal as form errors (422 / 409 shown on the form); anything else propagates. */
function formFailure(
  error: unknown,
): { errors: FieldErrors; message: string | null; fix: ErrorLink | null; status: 409 | 422 } | null {
  if (!(error instanceof AppError) || (error.code !== 'validation' && error.code !== 'conflict')) return null;
  const { _form, ...fields } = error.fields ?? {};
  return {
    errors: fields,
    message: _form ?? (Object.keys(fields).length ? null : error.publicMessage),
    fix: error.fix,
    status: error.code === 'conflict' ? 409 : 422,
  };
}

paymentsRoutes.get('/payments', requirePermission('invoices.view'), async (c) => {
  const q = (c.req.query('q') ?? '').trim().slice(0, 100);
  const after = createdCursor.decode(c.req.query('cursor'));
  const period = paymentPeriod.parse(c.req.query());
  const branch = branchQuery(c);
  const { rows, next } = await listPayments(shopContext(c), {
    q: q || undefined,
    branch,
    after,
    limit: pageSize,
    ...period,
  });
  const list = {
    rows,
    nextHref: next ? listHref('/payments', { q, ...period, branch, cursor: createdCursor.encode(next) }) : null,
    firstHref: after ? listHref('/payments', { q, ...period, branch }) : null,
  };
  if (wantsFragment(c.req.raw)) return c.html(<PaymentResults {...list} />);
  return c.render(
    <PaymentsPage {...list} q={q} period={period} branches={c.var.session.branches} branch={branch ?? ''} />,
    {
      title: t('payments.title'),
      current: '/payments',
    },
  );
});

async function renderNew(
  c: Context<SignedInEnv>,
  invoiceId: string,
  state: { values?: PaymentFormValues; errors?: FieldErrors; message?: string | null; fix?: ErrorLink | null },
  status: 200 | 409 | 422 = 200,
) {
  const invoice = await payableInvoice(shopContext(c), invoiceId);
  const today = shopToday();
  const values = state.values ?? { receivedOn: today, method: '1', amount: invoice.balance };
  const notPayable = !invoice.payable || compareDecimals(invoice.balance, '0') <= 0;
  c.status(status);
  return c.render(
    <NewPaymentPage
      invoice={invoice}
      values={values}
      errors={state.errors}
      message={state.message ?? (notPayable ? t('payments.error.notPayable') : null)}
      fix={state.fix}
      today={today}
    />,
    { title: t('payments.new.title'), current: '/payments' },
  );
}

paymentsRoutes.get('/invoices/:id/payments/new', requirePermission('payments.manage'), async (c) =>
  renderNew(c, idParam(c), {}),
);

paymentsRoutes.post('/invoices/:id/payments', requirePermission('payments.manage'), async (c) => {
  const invoiceId = idParam(c);
  const body = await c.req.parseBody();
  const values = submitted(body);
  const parsed = paymentForm.safeParse(values);
  if (!parsed.success) return renderNew(c, invoiceId, { values, errors: fieldErrors(parsed.error) }, 422);
  try {
    const { id } = await recordPayment(shopContext(c), invoiceId, parsed.data);
    return c.redirect(`/payments/${id}?notice=created`, 303);
  } catch (error) {
    const failure = formFailure(error);
    if (!failure) throw error;
    return renderNew(
      c,
      invoiceId,
      { values, errors: failure.errors, message: failure.message, fix: failure.fix },
      failure.status,
    );
  }
});

const notices: readonly PaymentNotice[] = ['created', 'saved', 'voided'];

const paymentOr404 = (c: Context<SignedInEnv>): Promise<Payment> => getPayment(shopContext(c), idParam(c));

function renderPayment(
  c: Context<SignedInEnv>,
  payment: Payment,
  state: Partial<Parameters<typeof PaymentPage>[0]> = {},
  status: 200 | 409 | 422 = 200,
) {
  const user = c.var.session;
  c.status(status);
  return c.render(
    <PaymentPage
      payment={payment}
      notice={null}
      canEdit={can(user, 'payments.manage')}
      canVoid={can(user, 'payments.void')}
      today={shopToday()}
      {...state}
    />,
    { title: t('payments.detail.title', { number: payment.number }), current: '/payments' },
  );
}

paymentsRoutes.get('/payments/:id', requirePermission('invoices.view'), async (c) => {
  const payment = await paymentOr404(c);
  const notice = notices.find((value) => value === c.req.query('notice')) ?? null;
  return renderPayment(c, payment, { notice });
});

paymentsRoutes.post('/payments/:id', requirePermission('payments.manage'), async (c) => {
  const payment = await paymentOr404(c);
  const values = submitted(await c.req.parseBody());
  const parsed = paymentForm.safeParse(values);
  if (!parsed.success) return renderPayment(c, payment, { values, errors: fieldErrors(parsed.error) }, 422);
  try {
    await updatePayment(shopContext(c), payment.id, parsed.data, payment);
    return c.redirect(`/payments/${payment.id}?notice=saved`, 303);
  } catch (error) {
    const failure = formFailure(error);
    if (!failure) throw error;
    return renderPayment(c, payment, { values, errors: failure.errors, message: failure.message }, failure.status);
  }
});

paymentsRoutes.post('/payments/:id/void', requirePermission('payments.void'), async (c) => {
  const payment = await paymentOr404(c);
  const body = await c.req.parseBody();
  const reason = typeof body.reason === 'string' ? body.reason : '';
  const parsed = voidForm.safeParse({ reason });
  if (!parsed.success)
    return renderPayment(c, payment, { voidErrors: fieldErrors(parsed.error), voidReason: reason }, 422);
  try {
    await voidPayment(shopContext(c), payment.id, parsed.data.reason);
    return c.redirect(`/payments/${payment.id}?notice=voided`, 303);
  } catch (error) {
    const failure = formFailure(error);
    if (!failure) throw error;
    return renderPayment(
      c,
      payment,
      { voidErrors: failure.errors, voidMessage: failure.message, voidReason: reason },
      failure.status,
    );
  }
});
