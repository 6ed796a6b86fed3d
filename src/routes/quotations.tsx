import type { Context } from 'hono';
import { z } from 'zod';
import { can } from '../auth/permissions';
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
import type { Quotation, QuotationFormContext } from '../queries/quotations';
import { parseLineRows, salesEditorInput, type LineFormRow } from '../schemas/document-lines';
import { quotationHeader, quotationListQuery } from '../schemas/quotations';
import {
  changeQuotationStatus,
  convertQuotation,
  createQuotation,
  editableQuotationForm,
  getQuotation,
  listQuotations,
  quotationFormContext,
  updateQuotation,
} from '../services/shop/quotations';
import { editSalesLines, quotationFromPrescription } from '../services/shop/sales-editor';
import { rowsFromLines } from '../views/document-lines';
import {
  QuotationFormPage,
  QuotationPage,
  QuotationResults,
  QuotationsPage,
  type QuotationFormValues,
} from '../views/quotations';

/** Shop screens: quotations. */
export const quotationsRoutes = factory.createApp();

const pageSize = 50;
const uuid = z.uuid();

function href(path: string, params: Record<string, string | undefined>): string {
  const query = new URLSearchParams(
    Object.entries(params).filter((entry): entry is [string, string] => Boolean(entry[1])),
  ).toString();
  return query ? `${path}?${query}` : path;
}

const quotationOr404 = (c: Context<SignedInEnv>): Promise<Quotation> => getQuotation(shopContext(c), idParam(c));

quotationsRoutes.get('/quotations', requirePermission('quotations.view'), async (c) => {
  const user = c.var.session;
  const q = (c.req.query('q') ?? '').trim().slice(0, 100);
  // An unknown status shows every status (the list is a page to browse, not an API).
  const status = quotationListQuery.shape.status.safeParse(c.req.query('status') || undefined).data ?? null;
  const after = createdCursor.decode(c.req.query('cursor'));
  const branch = branchQuery(c);
  const seller = uuid.safeParse(c.req.query('seller')).success ? c.req.query('seller')! : undefined;
  const fragment = wantsFragment(c.req.raw);
  const page = await listQuotations(shopContext(c), {
    status,
    q: q || null,
    branch,
    sellerId: seller ?? null,
    after,
    limit: pageSize,
    withSellers: !fragment,
  });
  const filter = { q: q || undefined, status: status ?? undefined, branch, seller };
  const list = {
    rows: page.rows,
    nextHref: page.next ? href('/quotations', { ...filter, cursor: createdCursor.encode(page.next) }) : null,
    firstHref: after ? href('/quotations', filter) : null,
  };
  if (fragment) return c.html(<QuotationResults {...list} />);
  return c.render(
    <QuotationsPage
      {...list}
      q={q}
      status={status ?? ''}
      branches={user.branches}
      branch={branch ?? ''}
      sellers={page.sellers}
      seller={seller ?? ''}
      canManage={can(user, 'quotations.manage')}
    />,
    { title: t('quotations.title'), current: '/quotations' },
  );
});

type EditorView = Parameters<typeof QuotationFormPage>[0]['editor'];

interface FormState {
  values: QuotationFormValues;
  editor: EditorView;
  errors?: FieldErrors;
  message?: string | null;
}

const editorOf = (rows: LineFormRow[], priced: EditorView['priced'] = null, errors: FieldErrors = {}): EditorView => ({
  rows,
  priced,
  errors,
  notice: null,
  focusRow: null,
});

async function renderForm(
  c: Context<SignedInEnv>,
  state: FormState,
  existing: Quotation | null,
  status: 200 | 409 | 422 = 200,
  loaded: QuotationFormContext | null = null,
) {
  const user = c.var.session;
  const search = state.values.customerSearch?.trim() || null;
  // A re-rendered form may carry whatever was posted: only a well-formed id reaches the query.
  const customerId = uuid.safeParse(state.values.customerId).success ? state.values.customerId! : null;
  const ctx = shopContext(c);
  const context =
    loaded ??
    (await quotationFormContext(
      ctx,
      customerId,
      search,
      state.values.productSearch?.trim() || null,
      uuid.safeParse(state.values.branchId).success ? state.values.branchId! : null,
    ));
  const title = existing ? t('quotations.editTitle', { number: existing.number }) : t('quotations.newTitle');
  c.status(status);
  return c.render(
    <QuotationFormPage
      title={title}
      action={existing ? `/quotations/${existing.id}` : '/quotations'}
      values={state.values}
      editor={state.editor}
      context={context}
      branches={user.branches}
      errors={state.errors}
      message={state.message}
      submitLabel={existing ? t('quotations.save') : t('quotations.create')}
      cancelHref={existing ? `/quotations/${existing.id}` : '/quotations'}
    />,
    { title: title, current: '/quotations' },
  );
}

function submittedValues(body: Record<string, unknown>): QuotationFormValues {
  const text = (name: string) => (typeof body[name] === 'string' ? (body[name] as string) : '');
  return {
    customerId: text('customerId') || null,
    customerSearch: text('customerSearch'),
    productSearch: text('productSearch'),
    branchId: text('branchId') || null,
    prescriptionId: text('prescriptionId') || null,
    currencyCode: text('currencyCode') || null,
    validUntil: text('validUntil') || null,
    notes: text('notes'),
    sellerId: text('sellerId') || null,
  };
}

/** The form's submit: a change of the lines and "find" render the form again; "save" validates, prices and saves. */
async function submitForm(c: Context<SignedInEnv>, existing: Quotation | null) {
  const body = (await c.req.parseBody()) as Record<string, unknown>;
  const values = submittedValues(body);
  const edit = salesEditorInput(body);
  const action = typeof body._action === 'string' ? body._action : 'save';
  if (edit.edits) {
    const state = await editSalesLines(shopContext(c), {
      form: 'quotations',
      rows: edit.rows,
      add: edit.add,
      addBlank: edit.addBlank,
      currencyCode: values.currencyCode || null,
    });
    return renderForm(c, { values, editor: { ...state, focusRow: edit.scanned ? null : state.focusRow } }, existing);
  }
  const attach = typeof body.attachPrescription === 'string' ? body.attachPrescription : '';
  if (uuid.safeParse(attach).success) values.prescriptionId = attach;
  if (action === 'findCustomer' || action === 'findProduct' || attach)
    return renderForm(c, { values, editor: editorOf(edit.rows) }, existing);
  const parsedLines = { rows: edit.rows, ...parseLineRows(edit.rows) };
  const state: FormState = { values, editor: editorOf(edit.rows) };
  const present = Object.fromEntries(
    Object.entries(values).filter(
      ([name, value]) => value !== null && name !== 'customerSearch' && name !== 'productSearch',
    ),
  );
  const header = quotationHeader.safeParse(present);
  const errors: FieldErrors = { ...(header.success ? {} : fieldErrors(header.error)), ...parsedLines.errors };
  if (!header.success || Object.keys(parsedLines.errors).length)
    return renderForm(c, { ...state, editor: editorOf(edit.rows, null, errors), errors }, existing, 422);
  // The form sends every field: one left blank clears it (null), it does not keep the stored value.
  const input = {
    customerId: header.data.customerId ?? null,
    branchId: header.data.branchId ?? null,
    prescriptionId: header.data.prescriptionId ?? null,
    currencyCode: header.data.currencyCode ?? null,
    validUntil: header.data.validUntil ?? null,
    notes: header.data.notes ?? null,
    sellerId: header.data.sellerId ?? null,
    lines: parsedLines.lines,
  };
  try {
    const ctx = shopContext(c);
    if (existing) {
      await updateQuotation(ctx, existing.id, input, existing);
      return c.redirect(`/quotations/${existing.id}?notice=saved`, 303);
    }
    const { id } = await createQuotation(ctx, input);
    return c.redirect(`/quotations/${id}?notice=created`, 303);
  } catch (error) {
    if (error instanceof AppError && error.code === 'validation')
      return renderForm(
        c,
        { ...state, editor: editorOf(edit.rows, null, error.fields ?? {}), errors: error.fields ?? {} },
        existing,
        422,
      );
    if (error instanceof AppError && error.code === 'conflict')
      return renderForm(c, { ...state, message: error.publicMessage }, existing, 409);
    throw error;
  }
}

quotationsRoutes.get('/quotations/new', requirePermission('quotations.manage'), async (c) => {
  const user = c.var.session;
  const branchId = user.branch?.id ?? null;
  const prescription = c.req.query('prescription');
  if (prescription !== undefined) {
    // "Quote from this prescription": the patient and a lens line per eye with the Rx values.
    if (!uuid.safeParse(prescription).success) throw new AppError('not_found');
    const quote = await quotationFromPrescription(shopContext(c), prescription, branchId);
    const values = {
      customerId: quote.prescription.patientId,
      prescriptionId: quote.prescription.id,
      branchId,
      currencyCode: 'DOP',
      sellerId: c.var.session.id,
    };
    return renderForm(c, { values, editor: editorOf(quote.rows) }, null, 200, quote.context);
  }
  const customerId = uuid.safeParse(c.req.query('customerId')).success ? c.req.query('customerId')! : null;
  return renderForm(
    c,
    { values: { customerId, branchId, currencyCode: 'DOP', sellerId: c.var.session.id }, editor: editorOf([]) },
    null,
  );
});

quotationsRoutes.post('/quotations', requirePermission('quotations.manage'), (c) => submitForm(c, null));

const notices: Record<string, () => string> = {
  saved: () => t('quotations.saved'),
  sent: () => t('quotations.sentNotice'),
  cancelled: () => t('quotations.cancelledNotice'),
};

quotationsRoutes.get('/quotations/:id', requirePermission('quotations.view'), async (c) => {
  const user = c.var.session;
  const quotation = await quotationOr404(c);
  const key = c.req.query('notice') ?? '';
  const notice = key === 'created' ? t('quotations.created', { number: quotation.number }) : (notices[key]?.() ?? null);
  return c.render(
    <QuotationPage
      quotation={quotation}
      canManage={can(user, 'quotations.manage')}
      canConvert={can(user, 'invoices.manage')}
      notice={notice}
    />,
    { title: t('quotations.detailTitle', { number: quotation.number }), current: '/quotations' },
  );
});

quotationsRoutes.get('/quotations/:id/edit', requirePermission('quotations.manage'), async (c) => {
  const { quotation, context } = await editableQuotationForm(shopContext(c), idParam(c));
  const values: QuotationFormValues = {
    customerId: quotation.customerId,
    branchId: quotation.branchId,
    prescriptionId: quotation.prescriptionId,
    currencyCode: quotation.currencyCode,
    validUntil: quotation.validUntil,
    notes: quotation.notes,
    sellerId: quotation.sellerId,
  };
  return renderForm(
    c,
    {
      values,
      editor: editorOf(
        rowsFromLines(quotation.lines),
        quotation.lines.length ? { lines: quotation.lines, totals: quotation } : null,
      ),
    },
    quotation,
    200,
    context,
  );
});

quotationsRoutes.post('/quotations/:id', requirePermission('quotations.manage'), async (c) =>
  submitForm(c, await quotationOr404(c)),
);

for (const [action, to] of [
  ['send', 'sent'],
  ['cancel', 'cancelled'],
] as const) {
  quotationsRoutes.post(`/quotations/:id/${action}`, requirePermission('quotations.manage'), async (c) => {
    const { id } = await changeQuotationStatus(shopContext(c), idParam(c), action);
    return c.redirect(`/quotations/${id}?notice=${to}`, 303);
  });
}

quotationsRoutes.post('/quotations/:id/convert', requirePermission('quotations.manage'), async (c) => {
  const { invoiceId } = await convertQuotation(shopContext(c), idParam(c));
  return c.redirect(`/invoices/${invoiceId}`, 303);
});
