import type { Context } from 'hono';
import { can } from '../auth/permissions';
import { renderStatementPdf, statementPdfFileName } from '../documents/statement-pdf';
import { AppError, type FieldErrors } from '../errors';
import type { SignedInEnv } from '../http/env';
import { factory } from '../http/factory';
import { fieldErrors } from '../http/forms';
import { wantsFragment } from '../http/fragments';
import { idParam, isUuid } from '../http/ids';
import { requirePermission } from '../http/session';
import { shopContext } from '../http/shop';
import { t } from '../i18n/es-DO';
import { applicationForm, refundForm } from '../schemas/receivables';
import {
  applyCredit,
  customerCredit,
  customerStatement,
  defaultStatementPeriod,
  listReceivables,
  refundCredit,
  statementLineLimit,
  statementPeriod,
  voidRefund,
} from '../services/shop/receivables';
import {
  type ApplyFormValues,
  CreditPage,
  ReceivablesPage,
  ReceivablesResults,
  type ReceivablesFilterValues,
  type RefundFormValues,
  StatementPage,
} from '../views/receivables';
import { StatementPrintPage } from '../views/statement-print';

/** Shop screens: receivables, customer statements and credit balances. */
export const receivablesRoutes = factory.createApp();

function listHref(params: Record<string, string | undefined>): string {
  const query = new URLSearchParams(
    Object.entries(params).filter((entry): entry is [string, string] => Boolean(entry[1])),
  ).toString();
  return query ? `/receivables?${query}` : '/receivables';
}

receivablesRoutes.get('/receivables', requirePermission('receivables.view'), async (c) => {
  const branchParam = c.req.query('branchId') ?? '';
  const filter: ReceivablesFilterValues = {
    q: (c.req.query('q') ?? '').trim().slice(0, 100),
    branchId: isUuid(branchParam) ? branchParam : '',
    sort: c.req.query('sort') === 'oldest' ? 'oldest' : 'total',
  };
  const pageNumber = Number.parseInt(c.req.query('page') ?? '1', 10);
  const ctx = shopContext(c);
  let errors: FieldErrors | undefined;
  const load = (branchId: string) =>
    listReceivables(ctx, {
      q: filter.q || undefined,
      branchId: branchId || null,
      sort: filter.sort,
      page: Number.isFinite(pageNumber) ? pageNumber : 1,
    });
  let data: Awaited<ReturnType<typeof listReceivables>>;
  try {
    data = await load(filter.branchId);
  } catch (error) {
    if (!(error instanceof AppError) || error.code !== 'validation') throw error;
    errors = error.fields ?? undefined;
    filter.branchId = '';
    c.status(422);
    data = await load('');
  }
  const base = { q: filter.q, branchId: filter.branchId, sort: filter.sort === 'total' ? undefined : filter.sort };
  const list = {
    rows: data.rows,
    filter,
    page: data.page,
    nextHref: data.hasMore ? listHref({ ...base, page: String(data.page + 1) }) : null,
    firstHref: data.page > 1 ? listHref(base) : null,
  };
  if (wantsFragment(c.req.raw)) return c.html(<ReceivablesResults {...list} />);
  return c.render(
    <ReceivablesPage {...list} ageing={data.ageing} asOf={data.asOf} branches={data.branches} errors={errors} />,
    { title: t('receivables.title'), current: '/receivables' },
  );
});

/** The statement's period from the query, or the current month and the field errors when it is malformed. */
function periodOf(c: Context<SignedInEnv>): { period: { from: string; to: string }; errors?: FieldErrors } {
  try {
    return { period: statementPeriod(c.req.query('from'), c.req.query('to')) };
  } catch (error) {
    if (!(error instanceof AppError) || error.code !== 'validation') throw error;
    return { period: defaultStatementPeriod(), errors: error.fields ?? undefined };
  }
}

receivablesRoutes.get('/contacts/:id/statement', requirePermission('receivables.view'), async (c) => {
  const { period, errors } = periodOf(c);
  const statement = await customerStatement(shopContext(c), idParam(c), period);
  if (errors) c.status(422);
  return c.render(
    <StatementPage
      contact={statement.contact}
      statement={statement}
      limit={statementLineLimit}
      errors={errors}
      canManage={can(c.var.session, 'payments.manage')}
    />,
    { title: t('statement.title'), current: '/receivables' },
  );
});

receivablesRoutes.get('/contacts/:id/statement/print', requirePermission('receivables.view'), async (c) => {
  const { period, errors } = periodOf(c);
  if (errors) throw new AppError('validation', Object.values(errors)[0] ?? null, errors as Record<string, string>);
  const statement = await customerStatement(shopContext(c), idParam(c), period);
  return c.html(
    <StatementPrintPage
      company={statement.company}
      contact={statement.contact}
      statement={statement}
      limit={statementLineLimit}
    />,
  );
});

receivablesRoutes.get('/contacts/:id/statement.pdf', requirePermission('receivables.view'), async (c) => {
  const { period, errors } = periodOf(c);
  if (errors) throw new AppError('validation', Object.values(errors)[0] ?? null, errors as Record<string, string>);
  const statement = await customerStatement(shopContext(c), idParam(c), period);
  const bytes = await renderStatementPdf({ ...statement, limit: statementLineLimit });
  return new Response(bytes as Uint8Array<ArrayBuffer>, {
    headers: {
      'Content-Type': 'application/pdf',
      'Content-Disposition': `attachment; filename="${statementPdfFileName(statement.contact.name, statement.to)}"`,
      'Content-Length': String(bytes.byteLength),
      'Cache-Control': 'private, no-store',
      'X-Content-Type-Options': 'nosniff',
    },
  });
});

interface CreditFormState {
  notice?: string | null;
  refund?: { values: RefundFormValues; errors?: FieldErrors; message?: string | null };
  apply?: { values: ApplyFormValues; errors?: FieldErrors; message?: string | null };
}

async function renderCredit(c: Context<SignedInEnv>, contactId: string, state: CreditFormState, status = 200) {
  const data = await customerCredit(shopContext(c), contactId);
  c.status(status as 200);
  return c.render(
    <CreditPage
      {...data}
      defaultBranchId={c.var.session.branch?.id ?? null}
      canManage={can(c.var.session, 'payments.manage')}
      canVoid={can(c.var.session, 'payments.void')}
      {...state}
    />,
    { title: t('credit.title'), current: '/receivables' },
  );
}

const notices: Record<string, 'credit.refunded' | 'credit.applied' | 'credit.refundVoided'> = {
  refunded: 'credit.refunded',
  applied: 'credit.applied',
  voided: 'credit.refundVoided',
};

receivablesRoutes.get('/contacts/:id/credit', requirePermission('receivables.view'), async (c) => {
  const key = notices[c.req.query('notice') ?? ''];
  return renderCredit(c, idParam(c), { notice: key ? t(key) : null });
});

const text = (body: Record<string, unknown>, name: string) =>
  typeof body[name] === 'string' ? (body[name] as string) : undefined;

/** A refusal as the form's errors (422 for bad input, 409 for a conflict); anything else propagates. */
function formFailure(error: unknown): { errors: FieldErrors; message: string | null; status: 409 | 422 } | null {
  if (!(error instanceof AppError) || (error.code !== 'validation' && error.code !== 'conflict')) return null;
  const { _form, ...fields } = error.fields ?? {};
  return {
    errors: fields,
    message: _form ?? (Object.keys(fields).length ? null : error.publicMessage),
    status: error.code === 'conflict' ? 409 : 422,
  };
}

receivablesRoutes.post('/contacts/:id/credit/refunds', requirePermission('payments.manage'), async (c) => {
  const contactId = idParam(c);
  const body = await c.req.parseBody();
  const values: RefundFormValues = {
    invoiceId: text(body, 'invoiceId'),
    branchId: text(body, 'branchId'),
    method: text(body, 'method'),
    amount: text(body, 'amount'),
    refundedOn: text(body, 'refundedOn'),
    reference: text(body, 'reference'),
  };
  const parsed = refundForm.safeParse(values);
  if (!parsed.success)
    return renderCredit(c, contactId, { refund: { values, errors: fieldErrors(parsed.error) } }, 422);
  try {
    await refundCredit(shopContext(c), { ...parsed.data, contactId });
    return c.redirect(`/contacts/${contactId}/credit?notice=refunded`, 303);
  } catch (error) {
    const failure = formFailure(error);
    if (!failure) throw error;
    return renderCredit(c, contactId, { refund: { values, ...failure } }, failure.status);
  }
});

receivablesRoutes.post('/contacts/:id/credit/applications', requirePermission('payments.manage'), async (c) => {
  const contactId = idParam(c);
  const body = await c.req.parseBody();
  const values: ApplyFormValues = {
    sourceInvoiceId: text(body, 'sourceInvoiceId'),
    targetInvoiceId: text(body, 'targetInvoiceId'),
    amount: text(body, 'amount'),
    appliedOn: text(body, 'appliedOn'),
  };
  const parsed = applicationForm.safeParse(values);
  if (!parsed.success) return renderCredit(c, contactId, { apply: { values, errors: fieldErrors(parsed.error) } }, 422);
  try {
    await applyCredit(shopContext(c), { ...parsed.data, contactId });
    return c.redirect(`/contacts/${contactId}/credit?notice=applied`, 303);
  } catch (error) {
    const failure = formFailure(error);
    if (!failure) throw error;
    return renderCredit(c, contactId, { apply: { values, ...failure } }, failure.status);
  }
});

receivablesRoutes.post('/refunds/:id/void', requirePermission('payments.void'), async (c) => {
  const body = await c.req.parseBody();
  const reason = (text(body, 'reason') ?? '').trim().slice(0, 300) || t('credit.voidRefund');
  const refund = await voidRefund(shopContext(c), idParam(c), reason);
  return c.redirect(refund.contactId ? `/contacts/${refund.contactId}/credit?notice=voided` : '/receivables', 303);
});
