import { branchScope } from '../queries/branch-scope';
import type { Context } from 'hono';
import { z } from 'zod';
import { decodeCursor, encodeCursor } from '../http/cursors';
import { requirePermission } from '../http/session';
import { can } from '../auth/permissions';
import { invoiceStatuses } from '../db/tenant-schema';
import { shopToday } from '../domain/dates';
import type { TenantDb } from '../db/client';
import type { SignedInEnv } from '../http/env';
import { AppError } from '../errors';
import { fieldErrors } from '../http/forms';
import { t } from '../i18n/es-DO';
import { priceLines } from '../queries/document-lines';
import {
  createDraft,
  deleteDraft,
  getInvoice,
  invoiceFormOptions,
  issueDraftInvoice,
  listInvoices,
  updateDraft,
  voidIssuedInvoice,
  type DraftWriteResult,
  type InvoiceStatus,
} from '../queries/invoices';
import { blankRowCount, parseLineForm, type LineFormRow } from '../schemas/document-lines';
import { invoiceForm, invoiceVoid, type InvoiceHeaderInput } from '../schemas/invoices';
import { invoiceNcfTypes } from '../domain/ncf';
import { factory } from '../http/factory';
import type { FieldErrors } from '../errors';
import { rowsFromLines } from '../views/document-lines';
import {
  InvoiceDetailPage,
  InvoiceForm,
  InvoiceResults,
  InvoicesPage,
  type InvoiceFormValues,
} from '../views/invoices';
import { ErrorAlert } from '../views/pages';
import { wantsFragment } from '../http/fragments';
import { actorLabel } from '../queries/audit';
import { registryStatusOf } from '../dgii/lookup';
import { inactiveBuyerRule } from '../domain/invoices';
import { formatIdentification } from '../domain/tax-id';

/** Shop screens: invoices. */
export const invoicesRoutes = factory.createApp();

const pageSize = 50;
const uuid = z.uuid();

function href(path: string, params: Record<string, string | undefined>): string {
  const query = new URLSearchParams(
    Object.entries(params).filter((entry): entry is [string, string] => Boolean(entry[1])),
  ).toString();
  return query ? `${path}?${query}` : path;
}

/** The id in the path, or 404 before any query when it is not a uuid. */
function pathId(c: Context<SignedInEnv>): string {
  const id = c.req.param('id');
  if (!id || !uuid.safeParse(id).success) throw new AppError('not_found');
  return id;
}

invoicesRoutes.get('/invoices', requirePermission('invoices.view'), async (c) => {
  const user = c.var.session;
  const q = (c.req.query('q') ?? '').trim().slice(0, 100);
  const statusParam = c.req.query('status') ?? '';
  const status = (invoiceStatuses as readonly string[]).includes(statusParam)
    ? (statusParam as InvoiceStatus)
    : undefined;
  const cursor = decodeCursor(c.req.query('cursor'));
  const after =
    cursor && cursor.length === 2 && uuid.safeParse(cursor[1]).success && !Number.isNaN(Date.parse(String(cursor[0])))
      ? { createdAt: String(cursor[0]), id: String(cursor[1]) }
      : null;
  const { rows, next } = await listInvoices(c.var.db, {
    branchIds: branchScope(user),
    status,
    q: q || undefined,
    after,
    limit: pageSize,
  });
  const filter = { q: q || undefined, status };
  const list = {
    rows,
    nextHref: next ? href('/invoices', { ...filter, cursor: encodeCursor([next.createdAt, next.id]) }) : null,
    firstHref: after ? href('/invoices', filter) : null,
  };
  if (wantsFragment(c.req.raw)) return c.html(<InvoiceResults {...list} />);
  const notice = c.req.query('notice') === 'deleted' ? t('invoices.notice.deleted') : null;
  return c.render(
    <InvoicesPage
      {...list}
      q={q}
      status={status ?? ''}
      canManage={can(user.role, 'invoices.manage')}
      notice={notice}
    />,
    { title: t('invoices.title'), current: '/invoices' },
  );
});

interface FormState {
  values: InvoiceFormValues;
  rows: LineFormRow[];
  blankRows: number;
  errors?: FieldErrors;
  message?: string | null;
  preview?: Parameters<typeof InvoiceForm>[0]['preview'];
}

async function renderForm(
  c: Context<SignedInEnv>,
  mode: { action: string; title: string; cancelHref: string },
  state: FormState,
  status: 200 | 422 = 200,
) {
  const user = c.var.session;
  const customerId =
    state.values.customerId && uuid.safeParse(state.values.customerId).success ? state.values.customerId : null;
  const options = await invoiceFormOptions(c.var.db, { customerId, ncfTypes: invoiceNcfTypes });
  c.status(status);
  return c.render(<InvoiceForm {...mode} {...state} options={options} branches={user.branches} />, {
    title: mode.title,
    current: '/invoices',
  });
}

const textOf = (body: Record<string, unknown>, name: string) =>
  typeof body[name] === 'string' ? (body[name] as string) : '';

function submittedValues(body: Record<string, unknown>): InvoiceFormValues {
  return {
    customerId: textOf(body, 'customerId'),
    branchId: textOf(body, 'branchId'),
    ncfType: textOf(body, 'ncfType'),
    sequenceId: textOf(body, 'sequenceId'),
    currencyCode: textOf(body, 'currencyCode'),
    dueOn: textOf(body, 'dueOn'),
    prescriptionId: textOf(body, 'prescriptionId'),
    notes: textOf(body, 'notes'),
  };
}

const referenceMessages = {
  customerId: 'invoices.validation.customer',
  sequenceId: 'invoices.validation.sequence',
  currencyCode: 'invoices.validation.currency',
  prescriptionId: 'invoices.validation.prescription',
} as const;

/** Field errors of a refused draft write (unknown customer, sequence, currency or prescription). */
export function draftWriteErrors(result: DraftWriteResult): FieldErrors {
  if (result.ok || 'notDraft' in result) return {};
  return Object.fromEntries(
    Object.keys(result.fields).map((field) => [field, t(referenceMessages[field as keyof typeof referenceMessages])]),
  );
}

/**
 * The shared handling of the draft form (create and edit): "add line" and "recalculate" render the
 * form again (with a totals preview), "save" validates everything and writes.
 */
async function submitDraft(
  c: Context<SignedInEnv>,
  mode: { action: string; title: string; cancelHref: string },
  write: (
    db: TenantDb,
    header: InvoiceHeaderInput & { branchId: string },
    priced: Extract<Awaited<ReturnType<typeof priceLines>>, { ok: true }>,
  ) => Promise<DraftWriteResult>,
): Promise<Response> {
  const user = c.var.session;
  const body = await c.req.parseBody();
  const values = submittedValues(body);
  const { rows, lines, errors: lineErrors } = parseLineForm(body);
  const header = invoiceForm.safeParse(body);
  const errors: FieldErrors = { ...lineErrors, ...(header.success ? {} : fieldErrors(header.error)) };
  const branchId = header.success ? (header.data.branchId ?? user.branch?.id ?? null) : null;
  if (header.success && (!branchId || !user.branches.some((branch) => branch.id === branchId)))
    errors.branchId = t('invoices.validation.branch');
  const action = textOf(body, '_action');
  const previewOnly = action === 'addLine' || action === 'preview';
  const blankRows = blankRowCount(body, rows.length);
  let priced: Awaited<ReturnType<typeof priceLines>> | null = null;
  if (!Object.keys(lineErrors).length) {
    priced = await priceLines(c.var.db, lines);
    if (!priced.ok) Object.assign(errors, priced.errors);
  }
  const preview =
    priced?.ok && priced.lines.length
      ? {
          lines: priced.lines,
          totals: priced.totals,
          symbol: values.currencyCode === 'DOP' || !values.currencyCode ? 'RD$' : values.currencyCode,
        }
      : null;
  if (previewOnly)
    return renderForm(c, mode, { values, rows, blankRows, errors: action === 'preview' ? errors : undefined, preview });
  if (Object.keys(errors).length || !header.success || !priced?.ok || !branchId)
    return renderForm(c, mode, { values, rows, blankRows, errors, preview }, 422);
  const result = await write(c.var.db, { ...header.data, branchId }, priced);
  if (result.ok) return c.redirect(`/invoices/${result.id}?notice=saved`, 303);
  if ('notDraft' in result) throw new AppError('conflict', t('invoices.error.notDraft'));
  return renderForm(c, mode, { values, rows, blankRows, errors: draftWriteErrors(result), preview }, 422);
}

const newMode = () => ({ action: '/invoices', title: t('invoices.new'), cancelHref: '/invoices' });

invoicesRoutes.get('/invoices/new', requirePermission('invoices.manage'), async (c) => {
  const user = c.var.session;
  const customerId = c.req.query('customerId') ?? '';
  return renderForm(c, newMode(), {
    values: {
      branchId: user.branch?.id ?? user.branches[0]?.id,
      customerId,
      ncfType: 'B02',
      currencyCode: 'DOP',
      prescriptionId: c.req.query('prescriptionId') ?? '',
    },
    rows: [],
    blankRows: 3,
  });
});

invoicesRoutes.post('/invoices', requirePermission('invoices.manage'), (c) =>
  submitDraft(c, newMode(), (db, header, priced) =>
    createDraft(db, header, priced.lines, priced.totals, c.var.session.id),
  ),
);

const notices: Record<string, () => string> = {
  saved: () => t('invoices.notice.saved'),
  voided: () => t('invoices.notice.voided'),
};

invoicesRoutes.get('/invoices/:id', requirePermission('invoices.view'), async (c) => {
  const user = c.var.session;
  const invoice = await getInvoice(c.var.db, pathId(c), { branchIds: branchScope(user), rateOn: shopToday() });
  if (invoice?.kind !== 'invoice') throw new AppError('not_found');
  const notice = c.req.query('notice');
  const text =
    notice === 'issued' && invoice.ncf
      ? t('invoices.notice.issued', { ncf: invoice.ncf })
      : notice
        ? (notices[notice]?.() ?? null)
        : null;
  const buyerWarning = await draftBuyerWarning(c, invoice);
  return c.render(
    <InvoiceDetailPage
      invoice={invoice}
      notice={text}
      warning={buyerWarning}
      canManage={can(user.role, 'invoices.manage')}
      canPay={can(user.role, 'payments.manage')}
      canCredit={can(user.role, 'creditNotes.manage')}
      canVoid={can(user.role, 'invoices.void')}
    />,
    { title: invoice.ncf ?? t('invoices.draftTitle'), current: '/invoices' },
  );
});

/**
 * A draft whose buyer the DGII registry does not have as active says so before anything is issued
 * (one registry query, only for drafts with a buyer id); B01/E31 will then be refused at issue.
 */
async function draftBuyerWarning(
  c: Context<SignedInEnv>,
  invoice: { status: string; ncfType: string; customerIdType: string | null; customerIdNumber: string | null },
): Promise<string | null> {
  if (invoice.status !== 'draft' || !invoice.customerIdNumber) return null;
  const status = await registryStatusOf(c.env)(invoice.customerIdNumber);
  const rule = inactiveBuyerRule(invoice.ncfType, status);
  if (!rule || !status) return null;
  const warning = t('invoices.warning.buyerInactive', {
    id: formatIdentification(invoice.customerIdType, invoice.customerIdNumber),
    status,
  });
  return rule === 'refuse'
    ? `${warning} ${t('invoices.warning.buyerInactiveRefused', { type: invoice.ncfType })}`
    : warning;
}

async function loadDraft(c: Context<SignedInEnv>) {
  const invoice = await getInvoice(c.var.db, pathId(c), { branchIds: branchScope(c.var.session) });
  if (invoice?.kind !== 'invoice') throw new AppError('not_found');
  if (invoice.status !== 'draft') throw new AppError('conflict', t('invoices.error.notDraft'));
  return invoice;
}

const editMode = (id: string) => ({
  action: `/invoices/${id}/edit`,
  title: t('invoices.edit'),
  cancelHref: `/invoices/${id}`,
});

invoicesRoutes.get('/invoices/:id/edit', requirePermission('invoices.manage'), async (c) => {
  const invoice = await loadDraft(c);
  return renderForm(c, editMode(invoice.id), {
    values: { ...invoice, currencyCode: invoice.currencyCode },
    rows: rowsFromLines(invoice.lines),
    blankRows: 1,
    preview: invoice.lines.length ? { lines: invoice.lines, totals: invoice, symbol: invoice.currencySymbol } : null,
  });
});

invoicesRoutes.post('/invoices/:id/edit', requirePermission('invoices.manage'), async (c) => {
  const invoice = await loadDraft(c);
  return submitDraft(c, editMode(invoice.id), (db, header, priced) =>
    updateDraft(db, invoice.id, header, priced.lines, priced.totals),
  );
});

invoicesRoutes.post('/invoices/:id/delete', requirePermission('invoices.manage'), async (c) => {
  const outcome = await deleteDraft(c.var.db, pathId(c), branchScope(c.var.session));
  if (outcome === 'not_found') throw new AppError('not_found');
  if (outcome === 'not_draft') throw new AppError('conflict', t('invoices.error.notDraft'));
  return c.redirect('/invoices?notice=deleted', 303);
});

invoicesRoutes.post('/invoices/:id/issue', requirePermission('invoices.manage'), async (c) => {
  const user = c.var.session;
  const id = pathId(c);
  try {
    const { invoice } = await issueDraftInvoice(c.var.db, {
      id,
      branchIds: branchScope(user),
      issueKey: null,
      userId: user.id,
      actor: actorLabel(user),
      today: shopToday(),
      registryStatus: registryStatusOf(c.env),
    });
    return c.redirect(`/invoices/${invoice.id}?notice=issued`, 303);
  } catch (error) {
    // A refused issue shows the draft again with the reason and the link to fix it.
    if (!(error instanceof AppError) || error.code !== 'validation' || !error.publicMessage) throw error;
    const draft = await getInvoice(c.var.db, id, { branchIds: branchScope(user), rateOn: shopToday() });
    if (draft?.kind !== 'invoice') throw error;
    c.status(422);
    return c.render(
      <>
        <ErrorAlert message={error.publicMessage} fix={error.fix} />
        <InvoiceDetailPage
          invoice={draft}
          canManage={can(user.role, 'invoices.manage')}
          canPay={can(user.role, 'payments.manage')}
          canCredit={can(user.role, 'creditNotes.manage')}
          canVoid={can(user.role, 'invoices.void')}
        />
      </>,
      { title: t('invoices.draftTitle'), current: '/invoices' },
    );
  }
});

invoicesRoutes.post('/invoices/:id/void', requirePermission('invoices.void'), async (c) => {
  const user = c.var.session;
  const id = pathId(c);
  const body = await c.req.parseBody();
  const parsed = invoiceVoid.safeParse(body);
  if (!parsed.success) {
    const invoice = await getInvoice(c.var.db, id, { branchIds: branchScope(user) });
    if (invoice?.kind !== 'invoice') throw new AppError('not_found');
    c.status(422);
    return c.render(
      <InvoiceDetailPage
        invoice={invoice}
        canManage={can(user.role, 'invoices.manage')}
        canPay={can(user.role, 'payments.manage')}
        canCredit={can(user.role, 'creditNotes.manage')}
        canVoid
        voidErrors={fieldErrors(parsed.error)}
        voidValues={{ reason: textOf(body, 'reason'), note: textOf(body, 'note') }}
      />,
      { title: invoice.ncf ?? t('invoices.draftTitle'), current: '/invoices' },
    );
  }
  await voidIssuedInvoice(c.var.db, {
    id,
    reason: parsed.data.reason,
    note: parsed.data.note ?? null,
    userId: user.id,
    actor: actorLabel(user),
  });
  return c.redirect(`/invoices/${id}?notice=voided`, 303);
});
