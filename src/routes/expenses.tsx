import type { Context } from 'hono';
import { can } from '../auth/permissions';
import { shopToday } from '../domain/dates';
import { expenseFigures } from '../domain/expenses';
import { AppError, type FieldErrors } from '../errors';
import type { SignedInEnv } from '../http/env';
import { expenseCursor } from '../http/cursors';
import { factory } from '../http/factory';
import { wantsFragment } from '../http/fragments';
import { idParam, isUuid } from '../http/ids';
import { requirePermission } from '../http/session';
import { shopContext } from '../http/shop';
import { t } from '../i18n/es-DO';
import type { ExpenseDetail } from '../queries/expenses';
import { expenseAmountKeys } from '../schemas/expenses';
import {
  addExpenseAttachment,
  checkSupplier,
  createExpense,
  expenseAttachment,
  removeExpenseAttachment,
  expenseFromReceivedEcf,
  getExpense,
  listExpenses,
  payExpense,
  updateExpense,
  voidExpense,
} from '../services/shop/expenses';
import {
  ExpenseFormPage,
  ExpensePage,
  ExpenseResults,
  ExpensesPage,
  SupplierNameField,
  SupplierRegistry,
  type ExpenseFormValues,
  type ExpenseNotice,
} from '../views/expenses';

/** Shop screens: expenses and purchases (the 606's source). */
export const expensesRoutes = factory.createApp();

const view = requirePermission('expenses.view');
const manage = requirePermission('expenses.manage');

function formErrors(error: unknown): FieldErrors {
  if (error instanceof AppError && error.code === 'validation' && error.fields) return error.fields;
  throw error;
}

async function submitted(c: Context<SignedInEnv>): Promise<ExpenseFormValues> {
  const body = await c.req.parseBody();
  const values: ExpenseFormValues = {};
  for (const [key, value] of Object.entries(body)) if (typeof value === 'string') values[key] = value;
  return values;
}

function renderForm(
  c: Context<SignedInEnv>,
  options: { values: ExpenseFormValues; errors?: FieldErrors; editingId?: string; fromEcf?: string | null },
  status: 200 | 422 = 200,
) {
  c.status(status);
  return c.render(
    <ExpenseFormPage
      action={options.editingId ? `/expenses/${options.editingId}/edit` : '/expenses'}
      values={options.values}
      errors={options.errors}
      branches={c.var.session.branches}
      editing={Boolean(options.editingId)}
      cancelHref={options.editingId ? `/expenses/${options.editingId}` : '/expenses'}
      fromEcf={options.fromEcf}
    />,
    { title: options.editingId ? t('expenses.edit') : t('expenses.new'), current: '/expenses' },
  );
}

/** The form's values of a stored expense (amounts as stored, dates as ISO). */
function formValues(expense: ExpenseDetail): ExpenseFormValues {
  const values: ExpenseFormValues = {
    supplierIdNumber: expense.supplierIdNumber,
    supplierName: expense.supplierName,
    ncf: expense.ncf,
    modifiedNcf: expense.modifiedNcf ?? '',
    expenseType: expense.expenseType,
    branchId: expense.branchId,
    issuedOn: expense.issuedOn,
    paidOn: expense.paidOn ?? '',
    paymentForm: expense.paymentForm,
    isrWithholdingType: expense.isrWithholdingType ?? '',
    notes: expense.notes ?? '',
  };
  for (const key of expenseAmountKeys) values[key] = expense[key];
  return values;
}

expensesRoutes.get('/expenses', view, async (c) => {
  const query = c.req.query();
  const ctx = shopContext(c);
  const latest = shopToday().slice(0, 7).replace('-', '');
  const base = { branches: c.var.session.branches, canManage: can(c.var.session, 'expenses.manage'), latest };
  let page: Awaited<ReturnType<typeof listExpenses>>;
  try {
    page = await listExpenses(ctx, query, (cursor) => expenseCursor.decode(cursor));
  } catch (error) {
    const errors = formErrors(error);
    const empty = { count: 0, total: '0.00', itbisBilled: '0.00', itbisAdvance: '0.00' };
    c.status(422);
    return c.render(
      <ExpensesPage {...base} filter={{}} rows={[]} totals={empty} next={null} paged={false} errors={errors} />,
      {
        title: t('expenses.title'),
        current: '/expenses',
      },
    );
  }
  const last = page.rows.at(-1);
  const next = page.more && last ? expenseCursor.encode({ issuedOn: last.issuedOn, id: last.id }) : null;
  const state = { filter: page.filter, rows: page.rows, totals: page.totals, next, paged: Boolean(query.cursor) };
  if (wantsFragment(c.req.raw)) return c.html(<ExpenseResults {...state} />);
  return c.render(<ExpensesPage {...base} {...state} />, { title: t('expenses.title'), current: '/expenses' });
});

expensesRoutes.get('/expenses/new', manage, async (c) => {
  const receivedEcfId = c.req.query('receivedEcfId');
  const branchId = c.var.session.branch?.id ?? c.var.session.branches[0]?.id ?? '';
  if (receivedEcfId) {
    if (!isUuid(receivedEcfId)) throw new AppError('not_found');
    const { source, values } = await expenseFromReceivedEcf(shopContext(c), receivedEcfId);
    if (source.expenseId) return c.redirect(`/expenses/${source.expenseId}`, 303);
    return renderForm(c, { values: { ...values, branchId }, fromEcf: source.encf });
  }
  return renderForm(c, { values: { branchId, issuedOn: shopToday(), paymentForm: '04' } });
});

/** What the DGII registry says about the supplier's number being typed; fills a blank supplier name. */
expensesRoutes.get('/expenses/supplier', manage, async (c) => {
  const idNumber = (c.req.query('supplierIdNumber') ?? '').slice(0, 30);
  const name = (c.req.query('supplierName') ?? '').trim();
  const check = await checkSupplier(shopContext(c), { idNumber, ncf: (c.req.query('ncf') ?? '').slice(0, 30) });
  if (check.kind === 'none') return c.html(<SupplierRegistry />);
  if (check.kind === 'message') return c.html(<SupplierRegistry message={check.message} tone={check.tone} />);
  return c.html(
    <>
      <SupplierRegistry taxpayer={check.taxpayer} refused={check.refused} />
      {name === '' ? <SupplierNameField value={check.taxpayer.name} oob /> : null}
    </>,
  );
});

expensesRoutes.post('/expenses', manage, async (c) => {
  const values = await submitted(c);
  try {
    const expense = await createExpense(shopContext(c), values);
    return c.redirect(`/expenses/${expense.id}?notice=created`, 303);
  } catch (error) {
    const errors = formErrors(error);
    return renderForm(c, { values, errors, fromEcf: values.receivedEcfId ? values.ncf : null }, 422);
  }
});

const notices = new Set<ExpenseNotice>(['created', 'saved', 'paid', 'voided', 'attached', 'detached']);

async function renderDetail(
  c: Context<SignedInEnv>,
  options: {
    notice?: ExpenseNotice | null;
    errors?: FieldErrors;
    message?: string | null;
    expense?: ExpenseDetail;
  } = {},
  status: 200 | 409 | 422 = 200,
) {
  const expense = options.expense ?? (await getExpense(shopContext(c), idParam(c)));
  const computed = expenseFigures(expense, expense.isrWithholdingType);
  const figures = computed.ok
    ? computed.figures
    : { total: expense.total, itbisAdvance: expense.itbisAdvance, invoiceTotal: expense.total, payable: expense.total };
  c.status(status);
  return c.render(
    <ExpensePage
      expense={expense}
      figures={figures}
      canManage={can(c.var.session, 'expenses.manage')}
      notice={options.notice}
      errors={options.errors}
      message={options.message}
      today={shopToday()}
    />,
    { title: `${t('expenses.expense')} ${expense.ncf}`, current: '/expenses' },
  );
}

expensesRoutes.get('/expenses/:id', view, async (c) => {
  const notice = c.req.query('notice') as ExpenseNotice | undefined;
  return renderDetail(c, { notice: notice && notices.has(notice) ? notice : null });
});

expensesRoutes.get('/expenses/:id/edit', manage, async (c) => {
  const expense = await getExpense(shopContext(c), idParam(c));
  if (expense.voidedAt) return c.redirect(`/expenses/${expense.id}`, 303);
  return renderForm(c, { values: formValues(expense), editingId: expense.id });
});

expensesRoutes.post('/expenses/:id/edit', manage, async (c) => {
  const id = idParam(c);
  const values = await submitted(c);
  try {
    await updateExpense(shopContext(c), id, values);
    return c.redirect(`/expenses/${id}?notice=saved`, 303);
  } catch (error) {
    if (error instanceof AppError && error.code === 'conflict') return renderDetail(c, { message: error.message }, 409);
    return renderForm(c, { values, errors: formErrors(error), editingId: id }, 422);
  }
});

/** A refusal of a pay/void/attach action re-renders the page with the reason (422 or 409). */
async function action(c: Context<SignedInEnv>, run: () => Promise<unknown>, notice: ExpenseNotice) {
  const id = idParam(c);
  try {
    await run();
  } catch (error) {
    if (error instanceof AppError && error.code === 'conflict') return renderDetail(c, { message: error.message }, 409);
    return renderDetail(c, { errors: formErrors(error) }, 422);
  }
  return c.redirect(`/expenses/${id}?notice=${notice}`, 303);
}

expensesRoutes.post('/expenses/:id/pay', manage, async (c) => {
  const values = await submitted(c);
  return action(c, () => payExpense(shopContext(c), idParam(c), values), 'paid');
});

expensesRoutes.post('/expenses/:id/void', manage, (c) =>
  action(c, () => voidExpense(shopContext(c), idParam(c)), 'voided'),
);

expensesRoutes.post('/expenses/:id/attachments', manage, async (c) => {
  const type = (c.req.header('content-type') ?? '').toLowerCase();
  const form = type.startsWith('multipart/form-data') ? await c.req.formData().catch(() => null) : null;
  return action(c, () => addExpenseAttachment(shopContext(c), idParam(c), form?.get('attachment') ?? null), 'attached');
});

expensesRoutes.post('/expenses/:id/attachments/:attachmentId/delete', manage, (c) =>
  action(c, () => removeExpenseAttachment(shopContext(c), idParam(c), idParam(c, 'attachmentId')), 'detached'),
);

/** Served only to users of this shop who see the expense; the key comes from the shop's own row. */
expensesRoutes.get('/expenses/:id/attachments/:attachmentId', view, async (c) => {
  const file = await expenseAttachment(shopContext(c), idParam(c), idParam(c, 'attachmentId'));
  return new Response(file.body, {
    headers: {
      'Content-Type': file.type,
      'Content-Disposition': `inline; filename="${file.name.replace(/[^\x20-\x7e]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(file.name)}`,
      'Cache-Control': 'private, max-age=3600',
      'X-Content-Type-Options': 'nosniff',
      'Content-Security-Policy': "default-src 'none'",
    },
  });
});
