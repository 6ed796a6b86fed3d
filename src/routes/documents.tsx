import type { Context } from 'hono';
import { publicRoute, requirePermission } from '../http/session';
import { can } from '../auth/permissions';
import { sha256Hex } from '../auth/crypto';
import { archivedInvoicePdf, pdfResponse, readArchivedPdf } from '../documents/archive';
import { invoiceModel, paymentModel, quotationModel } from '../documents/model';
import { isShareToken, newShareToken, shareLinkForm, shareLinkPolicy, shareUrl } from '../documents/share';
import type { SignedInEnv } from '../http/env';
import { AppError } from '../errors';
import { errorResponse } from '../http/error-page';
import { factory } from '../http/factory';
import { validForm } from '../http/forms';
import { t } from '../i18n/es-DO';
import {
  anyBranch,
  createShareLink,
  invoiceShareLinks,
  openShareLink,
  printableInvoice,
  printablePayment,
  printableQuotation,
  revokeShareLink,
  type Viewer,
} from '../queries/documents';
import type { FieldErrors } from '../errors';
import { PrintPage, printFormat } from '../views/print';
import { SharePage, type SharePageProps } from '../views/print-share';
import { wantsFragment } from '../http/fragments';

/** Shop screens: print views, the archived PDF and share links (plus the public share route). */
export const documentsRoutes = factory.createApp();

export function viewerOf(c: Context<SignedInEnv>): Viewer {
  const user = c.var.session;
  return { userId: user.id, allBranches: can(user.role, 'branches.all') };
}

function printHtml(c: Context<SignedInEnv>, page: Parameters<typeof PrintPage>[0]) {
  c.header('Cache-Control', 'private, no-store');
  return c.html(<PrintPage {...page} />);
}

async function invoicePrint(c: Context<SignedInEnv>, kind: 'invoice' | 'credit_note' | undefined, base: string) {
  const id = c.req.param('id')!;
  const doc = await printableInvoice(c.var.db, id, viewerOf(c), kind);
  if (!doc) throw new AppError('not_found');
  return printHtml(c, {
    model: invoiceModel(doc),
    format: printFormat(c.req.query('format')),
    path: `/${base}/${doc.id}/print`,
    backHref: `/${base}/${doc.id}`,
    pdfHref: doc.status === 'draft' ? null : `/invoices/${doc.id}/pdf`,
  });
}

documentsRoutes.get('/invoices/:id/print', requirePermission('invoices.view'), (c) =>
  invoicePrint(c, undefined, 'invoices'),
);

documentsRoutes.get('/credit-notes/:id/print', requirePermission('invoices.view'), (c) =>
  invoicePrint(c, 'credit_note', 'credit-notes'),
);

documentsRoutes.get('/quotations/:id/print', requirePermission('quotations.view'), async (c) => {
  const doc = await printableQuotation(c.var.db, c.req.param('id'), viewerOf(c));
  if (!doc) throw new AppError('not_found');
  return printHtml(c, {
    model: quotationModel(doc),
    format: printFormat(c.req.query('format')),
    path: `/quotations/${doc.id}/print`,
    backHref: `/quotations/${doc.id}`,
  });
});

documentsRoutes.get('/payments/:id/print', requirePermission('invoices.view'), async (c) => {
  const doc = await printablePayment(c.var.db, c.req.param('id'), viewerOf(c));
  if (!doc) throw new AppError('not_found');
  return printHtml(c, {
    model: paymentModel(doc),
    format: printFormat(c.req.query('format')),
    path: `/payments/${doc.id}/print`,
    backHref: `/payments/${doc.id}`,
  });
});

documentsRoutes.get('/invoices/:id/pdf', requirePermission('invoices.view'), async (c) => {
  const doc = await printableInvoice(c.var.db, c.req.param('id'), viewerOf(c));
  if (!doc) throw new AppError('not_found');
  const bytes = await archivedInvoicePdf(c.var, doc);
  return pdfResponse(bytes, doc, c.req.query('download') === '1' ? 'attachment' : 'inline');
});

async function renderShare(
  c: Context<SignedInEnv>,
  invoiceId: string,
  options: Omit<SharePageProps, 'invoice' | 'canManage'> = {},
  status: 200 | 422 = 200,
) {
  const invoice = await invoiceShareLinks(c.var.db, invoiceId, viewerOf(c));
  if (!invoice) throw new AppError('not_found');
  const user = c.var.session;
  const page = (
    <SharePage
      invoice={invoice}
      canManage={can(user.role, 'invoices.manage') && invoice.status !== 'draft'}
      {...options}
    />
  );
  if (wantsFragment(c.req.raw)) return c.html(page, status);
  c.status(status);
  return c.render(page, { title: t('documents.share.title', { ncf: invoice.ncf ?? '' }), current: '/invoices' });
}

documentsRoutes.get('/invoices/:id/share-links', requirePermission('invoices.view'), (c) =>
  renderShare(c, c.req.param('id'), { revoked: c.req.query('revoked') === '1' }),
);

documentsRoutes.post(
  '/invoices/:id/share-links',
  requirePermission('invoices.manage'),
  validForm(shareLinkForm, (c, errors: FieldErrors, submitted) =>
    renderShare(
      c,
      c.req.param('id')!,
      { errors, values: { days: typeof submitted.days === 'string' ? submitted.days : '' } },
      422,
    ),
  ),
  async (c) => {
    const { days } = c.req.valid('form');
    const { token, hash } = await newShareToken();
    const result = await createShareLink(c.var.db, {
      invoiceId: c.req.param('id'),
      tokenHash: hash,
      days,
      createdBy: c.var.session.id,
      viewer: viewerOf(c),
    });
    if (result.outcome === 'not_found') throw new AppError('not_found');
    if (result.outcome === 'draft') throw new AppError('conflict', t('documents.draftNoPdf'));
    return renderShare(c, c.req.param('id'), {
      createdUrl: shareUrl(new URL(c.req.url).origin, token),
      values: { days: String(shareLinkPolicy.defaultDays) },
    });
  },
);

documentsRoutes.post('/share-links/:id/revoke', requirePermission('invoices.manage'), async (c) => {
  const revoked = await revokeShareLink(c.var.db, c.req.param('id'), viewerOf(c));
  if (!revoked) throw new AppError('not_found');
  return c.redirect(`/invoices/${revoked.invoiceId}/share-links?revoked=1`, 303);
});

/**
 * The patient's link: no account, the token is the only credential. Anything but a valid,
 * unexpired, unrevoked token answers the same neutral 404.
 */
documentsRoutes.get('/share/:token', publicRoute, async (c) => {
  c.header('Referrer-Policy', 'no-referrer');
  const notFound = async () => {
    const response = await errorResponse(new AppError('not_found'), c.req.raw, c.var.requestId);
    response.headers.set('X-Robots-Tag', 'noindex');
    return response;
  };
  const token = c.req.param('token');
  if (!isShareToken(token)) return notFound();
  const opened = await openShareLink(c.var.db, await sha256Hex(token));
  if (!opened) return notFound();
  let bytes = opened.pdfKey ? await readArchivedPdf(c.var.files, opened.pdfKey) : null;
  if (!bytes) {
    const doc = await printableInvoice(c.var.db, opened.invoiceId, anyBranch);
    if (!doc) return notFound();
    bytes = await archivedInvoicePdf(c.var, doc);
  }
  const response = pdfResponse(bytes, { id: opened.invoiceId, ncf: opened.ncf });
  response.headers.set('X-Robots-Tag', 'noindex');
  response.headers.set('Referrer-Policy', 'no-referrer');
  return response;
});
