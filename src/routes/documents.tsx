import type { Context } from 'hono';
import { can } from '../auth/permissions';
import { pdfResponse } from '../documents/archive';
import { invoiceModel, paymentModel, quotationModel } from '../documents/model';
import { shareLinkForm, shareLinkPolicy, shareUrl } from '../documents/share';
import type { FieldErrors } from '../errors';
import type { SignedInEnv } from '../http/env';
import { factory } from '../http/factory';
import { validForm } from '../http/forms';
import { wantsFragment } from '../http/fragments';
import { requirePermission } from '../http/session';
import { shopContext } from '../http/shop';
import { t } from '../i18n/es-DO';
import {
  createShareLink,
  invoicePdf,
  invoiceShareLinks,
  printInvoice,
  printPayment,
  printQuotation,
  revokeShareLink,
} from '../services/shop/documents';
import { PrintPage, printFormat } from '../views/print';
import { SharePage, type SharePageProps } from '../views/print-share';

/** Shop screens: print views, the archived PDF and an invoice's share links (the public route: share-links.tsx). */
export const documentsRoutes = factory.createApp();

function printHtml(c: Context<SignedInEnv>, page: Parameters<typeof PrintPage>[0]) {
  c.header('Cache-Control', 'private, no-store');
  return c.html(<PrintPage {...page} />);
}

async function invoicePrint(c: Context<SignedInEnv>, kind: 'invoice' | 'credit_note' | undefined, base: string) {
  const doc = await printInvoice(shopContext(c), c.req.param('id')!, kind);
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
  const doc = await printQuotation(shopContext(c), c.req.param('id'));
  return printHtml(c, {
    model: quotationModel(doc),
    format: printFormat(c.req.query('format')),
    path: `/quotations/${doc.id}/print`,
    backHref: `/quotations/${doc.id}`,
  });
});

documentsRoutes.get('/payments/:id/print', requirePermission('invoices.view'), async (c) => {
  const doc = await printPayment(shopContext(c), c.req.param('id'));
  return printHtml(c, {
    model: paymentModel(doc),
    format: printFormat(c.req.query('format')),
    path: `/payments/${doc.id}/print`,
    backHref: `/payments/${doc.id}`,
  });
});

documentsRoutes.get('/invoices/:id/pdf', requirePermission('invoices.view'), async (c) => {
  const { doc, bytes } = await invoicePdf(shopContext(c), c.req.param('id'));
  return pdfResponse(bytes, doc, c.req.query('download') === '1' ? 'attachment' : 'inline');
});

async function renderShare(
  c: Context<SignedInEnv>,
  invoiceId: string,
  options: Omit<SharePageProps, 'invoice' | 'canManage'> = {},
  status: 200 | 422 = 200,
) {
  const invoice = await invoiceShareLinks(shopContext(c), invoiceId);
  const user = c.var.session;
  const page = (
    <SharePage invoice={invoice} canManage={can(user, 'invoices.manage') && invoice.status !== 'draft'} {...options} />
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
    const { token } = await createShareLink(shopContext(c), c.req.param('id'), days);
    return renderShare(c, c.req.param('id'), {
      createdUrl: shareUrl(new URL(c.req.url).origin, token),
      values: { days: String(shareLinkPolicy.defaultDays) },
    });
  },
);

documentsRoutes.post('/share-links/:id/revoke', requirePermission('invoices.manage'), async (c) => {
  const revoked = await revokeShareLink(shopContext(c), c.req.param('id'));
  return c.redirect(`/invoices/${revoked.invoiceId}/share-links?revoked=1`, 303);
});
