import type { Context } from 'hono';
import { pdfResponse } from '../documents/archive';
import { paymentModel, quotationModel } from '../documents/model';
import { shareLinkForm, shareLinkPolicy } from '../documents/share';
import { AppError, type FieldErrors } from '../errors';
import type { SignedInEnv } from '../http/env';
import { errorResponse } from '../http/error-page';
import { factory } from '../http/factory';
import { validForm } from '../http/forms';
import { wantsFragment } from '../http/fragments';
import { idParam } from '../http/ids';
import { publicRoute, requirePermission } from '../http/session';
import { shopContext } from '../http/shop';
import { t } from '../i18n/es-DO';
import {
  canShare,
  firstName,
  issueShareLink,
  openSharedDocument,
  revokeSubjectShareLink,
  type ShareKind,
  shareMessage,
  sharePermissions,
  subjectShareLinks,
} from '../services/shop/share-links';
import { emailShareLink } from '../services/shop/share-messages';
import { PrescriptionPrintPage } from '../views/prescriptions-print';
import { PrintPage, printFormat } from '../views/print';
import {
  LabStatusPage,
  ShareLinksPage,
  type ShareLinksPageProps,
  shareBasePaths,
  shareTitle,
} from '../views/share-links';

/** Share pages of quotations, prescriptions, payments and lab orders, and the one public route every link opens. */
export const shareLinksRoutes = factory.createApp();

const navCurrent: Record<ShareKind, string> = {
  invoice: '/invoices',
  quotation: '/quotations',
  prescription: '/prescriptions',
  payment: '/payments',
  lab_order: '/lab-orders',
};

async function renderShare(
  c: Context<SignedInEnv>,
  kind: ShareKind,
  options: Omit<ShareLinksPageProps, 'subject' | 'canManage'> = {},
  status: 200 | 422 = 200,
) {
  const ctx = shopContext(c);
  const subject = await subjectShareLinks(ctx, kind, idParam(c));
  const page = <ShareLinksPage subject={subject} canManage={canShare(ctx.actor, kind)} {...options} />;
  if (wantsFragment(c.req.raw)) return c.html(page, status);
  c.status(status);
  return c.render(page, { title: shareTitle(subject), current: navCurrent[kind] });
}

// Invoices keep their own share page (src/routes/documents.tsx); the other kinds share this one.
for (const kind of ['quotation', 'prescription', 'payment', 'lab_order'] as const) {
  const base = `${shareBasePaths[kind]}/:id/share-links`;
  const { view, share } = sharePermissions[kind];

  shareLinksRoutes.get(base, requirePermission(view), (c) =>
    renderShare(c, kind, { notice: c.req.query('revoked') === '1' ? t('documents.share.revokedNotice') : null }),
  );

  shareLinksRoutes.post(
    base,
    requirePermission(share),
    validForm(shareLinkForm, (c, errors: FieldErrors, submitted) =>
      renderShare(c, kind, { errors, values: { days: typeof submitted.days === 'string' ? submitted.days : '' } }, 422),
    ),
    async (c) => {
      const ctx = shopContext(c);
      const id = idParam(c);
      const { days } = c.req.valid('form');
      const issued = await issueShareLink(ctx, { kind, id }, { days });
      const subject = await subjectShareLinks(ctx, kind, id);
      const message = shareMessage(kind, {
        name: subject.recipient?.name ?? null,
        label: subject.label,
        shop: ctx.actor.shopName,
        url: issued.url,
      });
      return renderShare(c, kind, {
        created: { url: issued.url, message },
        values: { days: String(shareLinkPolicy.defaultDays) },
      });
    },
  );

  shareLinksRoutes.post(
    `${base}/email`,
    requirePermission(share),
    validForm(shareLinkForm, (c, errors: FieldErrors, submitted) =>
      renderShare(c, kind, { errors, values: { days: typeof submitted.days === 'string' ? submitted.days : '' } }, 422),
    ),
    async (c) => {
      const { days } = c.req.valid('form');
      let sent: Awaited<ReturnType<typeof emailShareLink>>;
      try {
        sent = await emailShareLink(shopContext(c), { kind, id: idParam(c) }, days);
      } catch (error) {
        if (!(error instanceof AppError) || error.code !== 'validation') throw error;
        return renderShare(c, kind, { errors: error.fields ?? {}, values: { days: String(days) } }, 422);
      }
      return renderShare(c, kind, {
        notice: sent.reason ?? t('share.emailQueued', { email: sent.email }),
        values: { days: String(shareLinkPolicy.defaultDays) },
      });
    },
  );

  shareLinksRoutes.post(`${base}/:linkId/revoke`, requirePermission(share), async (c) => {
    const id = idParam(c);
    await revokeSubjectShareLink(shopContext(c), kind, id, idParam(c, 'linkId'));
    return c.redirect(`${shareBasePaths[kind]}/${id}/share-links?revoked=1`, 303);
  });
}

/** Headers of every answer of the public route: not indexed, not cached, no referrer leaves it. */
function publicHeaders(response: Response): Response {
  response.headers.set('X-Robots-Tag', 'noindex, nofollow');
  response.headers.set('Referrer-Policy', 'no-referrer');
  response.headers.set('Cache-Control', 'private, no-store');
  return response;
}

/**
 * The customer's link: no account, the token is the only credential. Anything but a valid,
 * unexpired, unrevoked token answers the same neutral 404, whatever kind it would have opened.
 */
shareLinksRoutes.get('/share/:token', publicRoute, async (c) => {
  const shared = await openSharedDocument(c.var, c.req.param('token'));
  if (!shared) return publicHeaders(await errorResponse(new AppError('not_found'), c.req.raw, c.var.requestId));
  const path = `/share/${c.req.param('token')}`;
  switch (shared.kind) {
    case 'invoice':
      return publicHeaders(pdfResponse(shared.bytes, shared.doc));
    case 'quotation':
      return publicHeaders(
        await c.html(
          <PrintPage model={quotationModel(shared.doc)} format={printFormat(c.req.query('format'))} path={path} />,
        ),
      );
    case 'payment':
      return publicHeaders(
        await c.html(
          <PrintPage model={paymentModel(shared.doc)} format={printFormat(c.req.query('format'))} path={path} />,
        ),
      );
    case 'prescription':
      return publicHeaders(
        await c.html(
          <PrescriptionPrintPage
            prescription={shared.prescription}
            company={shared.prescription.company}
            backHref={null}
          />,
        ),
      );
    case 'lab_order':
      return publicHeaders(
        await c.html(
          <LabStatusPage status={shared.status} customerFirstName={firstName(shared.status.customerName)} />,
        ),
      );
  }
});
