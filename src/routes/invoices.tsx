import type { Context } from 'hono';
import { z } from 'zod';
import { can } from '../auth/permissions';
import { shopToday } from '../domain/dates';
import { AppError, type FieldErrors } from '../errors';
import { createdCursor } from '../http/cursors';
import type { SignedInEnv } from '../http/env';
import { factory } from '../http/factory';
import { fieldErrors } from '../http/forms';
import { wantsFragment } from '../http/fragments';
import { branchQuery, idParam } from '../http/ids';
import { requirePermission } from '../http/session';
import { shopContext } from '../http/shop';
import { t } from '../i18n/es-DO';
import type { Invoice, InvoiceFormOptions } from '../queries/invoices';
import { parseLineRows, salesEditorInput, type LineFormRow } from '../schemas/document-lines';
import { invoiceForm, invoiceListQuery, invoicePeriod, invoiceVoid } from '../schemas/invoices';
import {
  deleteInvoiceDraft,
  draftBuyerWarning,
  getInvoice,
  getInvoiceDraft,
  invoiceDraftForm,
  invoiceFormOptions,
  issueInvoice,
  listInvoices,
  prepareInvoiceDraft,
  saveInvoiceDraft,
  voidInvoice,
} from '../services/shop/invoices';
import { editSalesLines } from '../services/shop/sales-editor';
import { rowsFromLines } from '../views/document-lines';
import {
  InvoiceDetailPage,
  InvoiceForm,
  type InvoiceListProps,
  InvoiceResults,
  InvoicesPage,
  IssueConfirmPage,
  type InvoiceFormValues,
} from '../views/invoices';
import { ErrorAlert } from '../views/pages';

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

invoicesRoutes.get('/invoices', requirePermission('invoices.view'), async (c) => {
  const user = c.var.session;
  const q = (c.req.query('q') ?? '').trim().slice(0, 100);
  // An unknown status shows every status (the list is a page to browse, not an API).
  const status = invoiceListQuery.shape.status.safeParse(c.req.query('status') || undefined).data;
  const period = { from: c.req.query('from') || undefined, to: c.req.query('to') || undefined };
  const after = createdCursor.decode(c.req.query('cursor'));
  const branch = branchQuery(c);
  const seller = uuid.safeParse(c.req.query('seller')).success ? c.req.query('seller')! : undefined;
  const filter = { q: q || undefined, status, ...period, branch, seller };
  const fragment = wantsFragment(c.req.raw);
  let sellers: Array<{ id: string; name: string }> = [];
  let list: InvoiceListProps = { rows: [], nextHref: null, firstHref: null };
  const parsed = invoicePeriod.safeParse(period);
  let errors: FieldErrors | undefined = parsed.success ? undefined : fieldErrors(parsed.error);
  if (parsed.success) {
    try {
      const result = await listInvoices(shopContext(c), {
        status,
        ...parsed.data,
        q: q || undefined,
        branch,
        sellerId: seller ?? null,
        after,
        limit: pageSize,
        withSellers: !fragment,
      });
      const { rows, next } = result;
      sellers = result.sellers;
      list = {
        rows,
        nextHref: next ? href('/invoices', { ...filter, cursor: createdCursor.encode(next) }) : null,
        firstHref: after ? href('/invoices', filter) : null,
      };
    } catch (error) {
      if (!(error instanceof AppError) || error.code !== 'validation') throw error;
      errors = error.fields ?? {};
    }
  }
  if (errors) c.status(422);
  const problem = errors ? Object.values(errors).join(' ') : null;
  if (fragment) return c.html(<InvoiceResults {...list} problem={problem} />);
  const notice = c.req.query('notice') === 'deleted' ? t('invoices.notice.deleted') : null;
  return c.render(
    <InvoicesPage
      {...list}
      problem={problem}
      q={q}
      status={status ?? ''}
      period={period}
      branches={user.branches}
      branch={branch ?? ''}
      sellers={sellers}
      seller={seller ?? ''}
      errors={errors}
      canManage={can(user, 'invoices.manage')}
      notice={notice}
    />,
    { title: t('invoices.title'), current: '/invoices' },
  );
});

type EditorView = Parameters<typeof InvoiceForm>[0]['editor'];

interface FormState {
  values: InvoiceFormValues;
  editor: EditorView;
  errors?: FieldErrors;
  message?: string | null;
}

/** The editor showing `rows` as they are (priced when `priced` is given). */
const editorOf = (rows: LineFormRow[], priced: EditorView['priced'] = null, errors: FieldErrors = {}): EditorView => ({
  rows,
  priced,
  errors,
  notice: null,
  focusRow: null,
});

async function renderForm(
  c: Context<SignedInEnv>,
  mode: { action: string; title: string; cancelHref: string },
  state: FormState,
  status: 200 | 422 = 200,
  loaded: InvoiceFormOptions | null = null,
) {
  const user = c.var.session;
  const customerId =
    state.values.customerId && uuid.safeParse(state.values.customerId).success ? state.values.customerId : null;
  const options =
    loaded ??
    (await invoiceFormOptions(
      shopContext(c),
      customerId,
      state.values.customerSearch?.trim() || null,
      state.values.productSearch?.trim() || null,
      uuid.safeParse(state.values.branchId).success ? state.values.branchId! : null,
    ));
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
    customerSearch: textOf(body, 'customerSearch'),
    productSearch: textOf(body, 'productSearch'),
    branchId: textOf(body, 'branchId'),
    ncfType: textOf(body, 'ncfType'),
    sequenceId: textOf(body, 'sequenceId'),
    currencyCode: textOf(body, 'currencyCode'),
    dueOn: textOf(body, 'dueOn'),
    prescriptionId: textOf(body, 'prescriptionId'),
    notes: textOf(body, 'notes'),
    sellerId: textOf(body, 'sellerId'),
  };
}

/**
 * The shared handling of the draft form (create and edit): a change of the lines (add a product or
 * a code, remove, add a free line) and "find" render the form again, "save" validates and writes.
 */
async function submitDraft(
  c: Context<SignedInEnv>,
  mode: { action: string; title: string; cancelHref: string },
  current: Invoice | null,
): Promise<Response> {
  const ctx = shopContext(c);
  const body = await c.req.parseBody();
  const values = submittedValues(body);
  const edit = salesEditorInput(body);
  const action = textOf(body, '_action');
  if (edit.edits) {
    const state = await editSalesLines(ctx, {
      form: 'invoices',
      rows: edit.rows,
      add: edit.add,
      addBlank: edit.addBlank,
      currencyCode: values.currencyCode || null,
    });
    return renderForm(c, mode, { values, editor: { ...state, focusRow: edit.scanned ? null : state.focusRow } });
  }
  const attach = typeof body.attachPrescription === 'string' ? body.attachPrescription : '';
  if (uuid.safeParse(attach).success) values.prescriptionId = attach;
  if (action === 'findCustomer' || action === 'findProduct' || attach)
    return renderForm(c, mode, { values, editor: editorOf(edit.rows) });
  const { lines, errors: lineErrors } = parseLineRows(edit.rows);
  const header = invoiceForm.safeParse(body);
  const prepared = await prepareInvoiceDraft(ctx, {
    header: header.success ? header.data : null,
    lines: Object.keys(lineErrors).length ? null : lines,
    currentBranchId: current?.branchId ?? null,
  });
  const errors: FieldErrors = {
    ...lineErrors,
    ...(header.success ? {} : fieldErrors(header.error)),
    ...prepared.errors,
  };
  const priced = prepared.priced?.lines.length ? prepared.priced : null;
  if (Object.keys(errors).length || !prepared.draft)
    return renderForm(c, mode, { values, editor: editorOf(edit.rows, priced, errors), errors }, 422);
  try {
    const id = await saveInvoiceDraft(ctx, current?.id ?? null, prepared.draft);
    return c.redirect(`/invoices/${id}?notice=saved`, 303);
  } catch (error) {
    if (!(error instanceof AppError) || error.code !== 'validation') throw error;
    const fields = error.fields ?? {};
    return renderForm(c, mode, { values, editor: editorOf(edit.rows, priced, fields), errors: fields }, 422);
  }
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
      sellerId: user.id,
    },
    editor: editorOf([]),
  });
});

invoicesRoutes.post('/invoices', requirePermission('invoices.manage'), (c) => submitDraft(c, newMode(), null));

const notices: Record<string, () => string> = {
  saved: () => t('invoices.notice.saved'),
  voided: () => t('invoices.notice.voided'),
};

invoicesRoutes.get('/invoices/:id', requirePermission('invoices.view'), async (c) => {
  const ctx = shopContext(c);
  const invoice = await getInvoice(ctx, idParam(c), { rateOn: shopToday() });
  const notice = c.req.query('notice');
  const text =
    notice === 'issued' && invoice.ncf
      ? t('invoices.notice.issued', { ncf: invoice.ncf })
      : notice
        ? (notices[notice]?.() ?? null)
        : null;
  return renderDetail(c, invoice, text, await draftBuyerWarning(ctx, invoice));
});

function renderDetail(c: Context<SignedInEnv>, invoice: Invoice, notice: string | null, warning: string | null = null) {
  const user = c.var.session;
  return c.render(
    <InvoiceDetailPage
      invoice={invoice}
      notice={notice}
      warning={warning}
      canManage={can(user, 'invoices.manage')}
      canPay={can(user, 'payments.manage')}
      canCredit={can(user, 'creditNotes.manage')}
      canVoid={can(user, 'invoices.void')}
    />,
    { title: invoice.ncf ?? t('invoices.draftTitle'), current: '/invoices' },
  );
}

const editMode = (id: string) => ({
  action: `/invoices/${id}/edit`,
  title: t('invoices.edit'),
  cancelHref: `/invoices/${id}`,
});

invoicesRoutes.get('/invoices/:id/edit', requirePermission('invoices.manage'), async (c) => {
  const { invoice, options } = await invoiceDraftForm(shopContext(c), idParam(c));
  return renderForm(
    c,
    editMode(invoice.id),
    {
      values: { ...invoice, currencyCode: invoice.currencyCode },
      editor: editorOf(
        rowsFromLines(invoice.lines),
        invoice.lines.length ? { lines: invoice.lines, totals: invoice } : null,
      ),
    },
    200,
    options,
  );
});

invoicesRoutes.post('/invoices/:id/edit', requirePermission('invoices.manage'), async (c) => {
  const invoice = await getInvoiceDraft(shopContext(c), idParam(c));
  return submitDraft(c, editMode(invoice.id), invoice);
});

invoicesRoutes.post('/invoices/:id/delete', requirePermission('invoices.manage'), async (c) => {
  await deleteInvoiceDraft(shopContext(c), idParam(c));
  return c.redirect('/invoices?notice=deleted', 303);
});

// The confirmation before the NCF is taken: one page view, nothing allocated.
invoicesRoutes.get('/invoices/:id/issue', requirePermission('invoices.manage'), async (c) => {
  const invoice = await getInvoice(shopContext(c), idParam(c), { rateOn: shopToday() });
  if (invoice.status !== 'draft') return c.redirect(`/invoices/${invoice.id}`, 303);
  return c.render(<IssueConfirmPage invoice={invoice} issueKey={crypto.randomUUID()} />, {
    title: t('salesEditor.confirm.title'),
    current: '/invoices',
  });
});

invoicesRoutes.post('/invoices/:id/issue', requirePermission('invoices.manage'), async (c) => {
  const user = c.var.session;
  const ctx = shopContext(c);
  const id = idParam(c);
  const body = await c.req.parseBody();
  // The confirmation page's key: its second submit (a double click) lands on the issued invoice.
  const issueKey = uuid.safeParse(body.issueKey).success ? (body.issueKey as string) : null;
  try {
    const { invoice, ecfQueued } = await issueInvoice(ctx, id, { issueKey, ecf: 'queued' });
    const landing = `/invoices/${invoice.id}?notice=issued`;
    // htmx (the boosted form) gets the page it lands on in this answer, read back in the issue's own
    // database request: no redirect, no second request. Without htmx, the classic 303.
    if (c.req.header('HX-Request') !== 'true') return c.redirect(landing, 303);
    c.header('HX-Push-Url', landing);
    const ncf = invoice.ncf ?? '';
    return renderDetail(
      c,
      invoice,
      ecfQueued ? t('invoices.notice.issuedEcfQueued', { ncf }) : t('invoices.notice.issued', { ncf }),
    );
  } catch (error) {
    // A refused issue shows the draft again with the reason and the link to fix it.
    if (!(error instanceof AppError) || error.code !== 'validation' || !error.publicMessage) throw error;
    const draft = await getInvoice(ctx, id, { rateOn: shopToday() });
    c.status(422);
    return c.render(
      <>
        <ErrorAlert message={error.publicMessage} fix={error.fix} />
        <InvoiceDetailPage
          invoice={draft}
          canManage={can(user, 'invoices.manage')}
          canPay={can(user, 'payments.manage')}
          canCredit={can(user, 'creditNotes.manage')}
          canVoid={can(user, 'invoices.void')}
        />
      </>,
      { title: t('invoices.draftTitle'), current: '/invoices' },
    );
  }
});

invoicesRoutes.post('/invoices/:id/void', requirePermission('invoices.void'), async (c) => {
  const user = c.var.session;
  const ctx = shopContext(c);
  const id = idParam(c);
  const body = await c.req.parseBody();
  const parsed = invoiceVoid.safeParse(body);
  if (!parsed.success) {
    const invoice = await getInvoice(ctx, id);
    c.status(422);
    return c.render(
      <InvoiceDetailPage
        invoice={invoice}
        canManage={can(user, 'invoices.manage')}
        canPay={can(user, 'payments.manage')}
        canCredit={can(user, 'creditNotes.manage')}
        canVoid
        voidErrors={fieldErrors(parsed.error)}
        voidValues={{ reason: textOf(body, 'reason'), note: textOf(body, 'note') }}
      />,
      { title: invoice.ncf ?? t('invoices.draftTitle'), current: '/invoices' },
    );
  }
  await voidInvoice(ctx, id, { reason: parsed.data.reason, note: parsed.data.note ?? null });
  return c.redirect(`/invoices/${id}?notice=voided`, 303);
});
