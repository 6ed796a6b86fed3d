import { can } from '../auth/permissions';
import type { Context } from 'hono';
import { AppError, type ErrorLink, type FieldErrors } from '../errors';
import { createdCursor } from '../http/cursors';
import type { SignedInEnv } from '../http/env';
import { factory } from '../http/factory';
import { wantsFragment } from '../http/fragments';
import { idParam } from '../http/ids';
import { requirePermission } from '../http/session';
import { shopContext } from '../http/shop';
import { t } from '../i18n/es-DO';
import { creditQuantityField, creditReasonField } from '../schemas/credit-notes';
import {
  creditNoteForm,
  getCreditNote,
  issueCreditNote,
  listCreditNotes,
  type CreditNoteInput,
} from '../services/shop/credit-notes';
import {
  CreditNotePage,
  CreditNoteResults,
  CreditNotesPage,
  NewCreditNotePage,
  type CreditNoteFormValues,
} from '../views/credit-notes';

/** Shop screens: credit-notes. */
export const creditNotesRoutes = factory.createApp();

const pageSize = 50;

/** A list URL with its non-empty parameters. */
function listHref(path: string, params: Record<string, string | undefined>): string {
  const query = new URLSearchParams(
    Object.entries(params).filter((entry): entry is [string, string] => Boolean(entry[1])),
  ).toString();
  return query ? `${path}?${query}` : path;
}

creditNotesRoutes.get('/credit-notes', requirePermission('invoices.view'), async (c) => {
  const q = (c.req.query('q') ?? '').trim().slice(0, 100);
  const after = createdCursor.decode(c.req.query('cursor'));
  const { rows, next } = await listCreditNotes(shopContext(c), { q: q || undefined, after, limit: pageSize });
  const list = {
    rows,
    nextHref: next ? listHref('/credit-notes', { q, cursor: createdCursor.encode(next) }) : null,
    firstHref: after ? listHref('/credit-notes', { q }) : null,
  };
  if (wantsFragment(c.req.raw)) return c.html(<CreditNoteResults {...list} />);
  return c.render(<CreditNotesPage {...list} q={q} />, { title: t('creditNotes.title'), current: '/credit-notes' });
});

async function renderNew(
  c: Context<SignedInEnv>,
  invoiceId: string,
  state: { values?: CreditNoteFormValues; errors?: FieldErrors; message?: string | null; fix?: ErrorLink | null },
  status: 200 | 409 | 422 = 200,
) {
  const { invoice, refundsItbis } = await creditNoteForm(shopContext(c), invoiceId);
  c.status(status);
  return c.render(
    <NewCreditNotePage
      invoice={invoice}
      values={state.values ?? { quantities: {}, returns: [] }}
      errors={state.errors}
      message={state.message}
      fix={state.fix}
      refundsItbis={refundsItbis}
    />,
    { title: t('creditNotes.new.title', { ncf: invoice.ncf ?? '' }), current: '/credit-notes' },
  );
}

creditNotesRoutes.get('/invoices/:id/credit-notes/new', requirePermission('creditNotes.manage'), (c) =>
  renderNew(c, idParam(c), {}),
);

creditNotesRoutes.post('/invoices/:id/credit-notes', requirePermission('creditNotes.manage'), async (c) => {
  const invoiceId = idParam(c);
  const ctx = shopContext(c);
  const body = await c.req.parseBody();
  const values: CreditNoteFormValues = {
    reason: typeof body.reason === 'string' ? body.reason : '',
    quantities: {},
    returns: [],
  };
  for (const [key, value] of Object.entries(body)) {
    if (typeof value !== 'string') continue;
    if (key.startsWith('qty_')) values.quantities[key.slice(4)] = value;
    if (key.startsWith('ret_') && value) values.returns.push(key.slice(4));
  }
  const { invoice } = await creditNoteForm(ctx, invoiceId);
  const errors: FieldErrors = {};
  const reason = creditReasonField.safeParse(values.reason);
  if (!reason.success) errors.reason = reason.error.issues[0]!.message;
  const full = body.full === '1';
  const lines: NonNullable<CreditNoteInput['lines']> = [];
  const request: CreditNoteInput = {
    reason: reason.success ? reason.data : '',
    full,
    returnToStock: values.returns,
    lines,
  };
  for (const line of full ? [] : invoice.lines) {
    const returnToStock = values.returns.includes(line.id);
    const typed = (values.quantities[line.id] ?? '').trim();
    if (typed === '') continue;
    const quantity = creditQuantityField.safeParse(typed);
    if (!quantity.success)
      errors[`lines.${line.id}.quantity`] = t('creditNotes.error.quantity', { max: line.remaining });
    else lines.push({ sourceLineId: line.id, quantity: quantity.data, returnToStock });
  }
  if (Object.keys(errors).length) return renderNew(c, invoiceId, { values, errors }, 422);
  try {
    const id = await issueCreditNote(ctx, invoice.id, request, invoice);
    return c.redirect(`/credit-notes/${id}?notice=created`, 303);
  } catch (error) {
    if (!(error instanceof AppError) || error.code !== 'validation') throw error;
    const { _form, ...fields } = error.fields ?? {};
    return renderNew(c, invoiceId, { values, errors: fields, message: _form ?? null, fix: error.fix }, 422);
  }
});

creditNotesRoutes.get('/credit-notes/:id', requirePermission('invoices.view'), async (c) => {
  const ctx = shopContext(c);
  const note = await getCreditNote(ctx, idParam(c));
  const page = (
    <CreditNotePage
      note={note}
      notice={c.req.query('notice') === 'created'}
      canRetry={can(c.var.session, 'invoices.manage')}
    />
  );
  return c.render(page, {
    title: t('creditNotes.detail.title', { ncf: note.ncf }),
    current: '/credit-notes',
  });
});
