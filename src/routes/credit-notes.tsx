import { createdCursor } from '../http/cursors';
import type { Context } from 'hono';
import { requirePermission } from '../http/session';
import { daysBetween, shopToday } from '../domain/dates';
import { compareDecimals } from '../domain/money';
import type { SignedInEnv } from '../http/env';
import { AppError } from '../errors';
import { factory } from '../http/factory';
import { t } from '../i18n/es-DO';
import {
  creditableInvoice,
  getCreditNote,
  issueCreditNote,
  listCreditNotes,
  prepareCreditNote,
  type CreditNoteRequest,
} from '../queries/credit-notes';
import { branchScope } from '../queries/branch-scope';
import { creditQuantityField, creditReasonField } from '../schemas/credit-notes';
import type { FieldErrors } from '../errors';
import {
  CreditNotePage,
  CreditNoteResults,
  CreditNotesPage,
  NewCreditNotePage,
  type CreditNoteFormValues,
} from '../views/credit-notes';
import { idParam } from './payments';
import { wantsFragment } from '../http/fragments';
import { actorLabel } from '../queries/audit';
import type { ErrorLink } from '../errors';

/** Shop screens: credit-notes. */
export const creditNotesRoutes = factory.createApp();

const pageSize = 50;

creditNotesRoutes.get('/credit-notes', requirePermission('invoices.view'), async (c) => {
  const user = c.var.session;
  const after = createdCursor.decode(c.req.query('cursor'));
  const { rows, next } = await listCreditNotes(c.var.db, { scope: branchScope(user), after, limit: pageSize });
  const list = {
    rows,
    nextHref: next ? `/credit-notes?cursor=${createdCursor.encode(next)}` : null,
    firstHref: after ? '/credit-notes' : null,
  };
  if (wantsFragment(c.req.raw)) return c.html(<CreditNoteResults {...list} />);
  return c.render(<CreditNotesPage {...list} />, { title: t('creditNotes.title'), current: '/credit-notes' });
});

async function renderNew(
  c: Context<SignedInEnv>,
  invoiceId: string,
  state: { values?: CreditNoteFormValues; errors?: FieldErrors; message?: string | null; fix?: ErrorLink | null },
  status: 200 | 409 | 422 = 200,
) {
  const user = c.var.session;
  const invoice = await creditableInvoice(c.var.db, invoiceId, branchScope(user));
  if (!invoice) throw new AppError('not_found');
  const creditable =
    invoice.kind === 'invoice' && ['issued', 'partially_paid', 'paid'].includes(invoice.status) && invoice.issuedOn;
  if (!creditable) throw new AppError('conflict', t('creditNotes.error.notCreditable'));
  const refundsItbis = daysBetween(invoice.issuedOn!, shopToday()) <= 30;
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
  const user = c.var.session;
  const scope = branchScope(user);
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
  const invoice = await creditableInvoice(c.var.db, invoiceId, scope);
  if (!invoice) throw new AppError('not_found');
  const errors: FieldErrors = {};
  const reason = creditReasonField.safeParse(values.reason);
  if (!reason.success) errors.reason = reason.error.issues[0]!.message;
  const full = body.full === '1';
  const request: CreditNoteRequest = { reason: reason.success ? reason.data : '', lines: [] };
  for (const line of invoice.lines) {
    const returnToStock = values.returns.includes(line.id);
    if (full) {
      if (compareDecimals(line.remaining, '0') > 0)
        request.lines.push({ sourceLineId: line.id, quantity: line.remaining, returnToStock });
      continue;
    }
    const typed = (values.quantities[line.id] ?? '').trim();
    if (typed === '') continue;
    const quantity = creditQuantityField.safeParse(typed);
    if (!quantity.success)
      errors[`lines.${line.id}.quantity`] = t('creditNotes.error.quantity', { max: line.remaining });
    else request.lines.push({ sourceLineId: line.id, quantity: quantity.data, returnToStock });
  }
  if (Object.keys(errors).length) return renderNew(c, invoiceId, { values, errors }, 422);
  try {
    const today = shopToday();
    const note = prepareCreditNote(invoice, request, today);
    const id = await issueCreditNote(c.var.db, invoice.id, note, {
      reason: request.reason,
      today,
      userId: user.id,
      actor: actorLabel(user),
      scope,
    });
    return c.redirect(`/credit-notes/${id}?notice=created`, 303);
  } catch (error) {
    if (!(error instanceof AppError) || error.code !== 'validation') throw error;
    const { _form, ...fields } = error.fields ?? {};
    return renderNew(c, invoiceId, { values, errors: fields, message: _form ?? null, fix: error.fix }, 422);
  }
});

creditNotesRoutes.get('/credit-notes/:id', requirePermission('invoices.view'), async (c) => {
  const id = idParam(c);
  const note = await getCreditNote(c.var.db, id, branchScope(c.var.session));
  if (!note) throw new AppError('not_found');
  return c.render(<CreditNotePage note={note} notice={c.req.query('notice') === 'created'} />, {
    title: t('creditNotes.detail.title', { ncf: note.ncf }),
    current: '/credit-notes',
  });
});
