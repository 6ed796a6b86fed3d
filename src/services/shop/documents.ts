import type { PrintableInvoice } from '../../documents/model';
import { ecfPrintStamp } from './ecf-stamp';
import { can } from '../../auth/permissions';
import { archivedInvoicePdf, readArchivedPdf } from '../../documents/archive';
import { newShareToken } from '../../documents/share';
import { AppError } from '../../errors';
import { t } from '../../i18n/es-DO';
import {
  anyBranch,
  createShareLink as createShareLinkSql,
  invoiceShareLinks as loadShareLinks,
  printableInvoice,
  printablePayment,
  printableQuotation,
  revokeShareLink as revokeShareLinkSql,
  type InvoiceShareLinks,
  type PaymentDocument,
  type QuotationDocument,
  type ShareLinkRow,
  type Viewer,
} from '../../queries/documents';
import type { Invoice } from '../../queries/invoices';
import { requireRight, type ShopContext } from './context';

/** Who is looking: branch-bound users see their branches' documents only. */
function viewerOf(ctx: ShopContext): Viewer {
  return { userId: ctx.actor.id, allBranches: can(ctx.actor, 'branches.all') };
}

/** An invoice or credit note as printed (kind: only that kind); 404 outside the actor's branches. */
export async function printInvoice(
  ctx: ShopContext,
  id: string,
  kind?: 'invoice' | 'credit_note',
): Promise<PrintableInvoice> {
  requireRight(ctx, 'invoices.view');
  const doc = await printableInvoice(ctx.db, id, viewerOf(ctx), kind);
  if (!doc) throw new AppError('not_found');
  return withStamp(doc);
}

/** An E-series document prints its e-CF stamp, made from the e-CF row the document query already read. */
function withStamp(doc: Invoice): PrintableInvoice {
  if (doc.status === 'draft') return doc;
  return { ...doc, ecfStamp: ecfPrintStamp(doc) };
}

export async function printQuotation(ctx: ShopContext, id: string): Promise<QuotationDocument> {
  requireRight(ctx, 'quotations.view');
  const doc = await printableQuotation(ctx.db, id, viewerOf(ctx));
  if (!doc) throw new AppError('not_found');
  return doc;
}

export async function printPayment(ctx: ShopContext, id: string): Promise<PaymentDocument> {
  requireRight(ctx, 'invoices.view');
  const doc = await printablePayment(ctx.db, id, viewerOf(ctx));
  if (!doc) throw new AppError('not_found');
  return doc;
}

/** The archived PDF of an issued invoice or credit note (made and stored on first request); drafts 409. */
export async function invoicePdf(ctx: ShopContext, id: string): Promise<{ doc: PrintableInvoice; bytes: Uint8Array }> {
  const doc = await printInvoice(ctx, id);
  return { doc, bytes: await archivedInvoicePdf(ctx, doc) };
}

/** The PDF of an invoice whose share link was just opened: the archived copy, made and stored if missing. */
export async function invoicePdfOfLink(
  ctx: Pick<ShopContext, 'db' | 'files'>,
  opened: { invoiceId: string; pdfKey: string | null; ncf: string | null },
): Promise<{ bytes: Uint8Array; doc: { id: string; ncf: string | null } } | null> {
  let bytes = opened.pdfKey ? await readArchivedPdf(ctx.files, opened.pdfKey) : null;
  if (!bytes) {
    const doc = await printableInvoice(ctx.db, opened.invoiceId, anyBranch);
    if (!doc) return null;
    bytes = await archivedInvoicePdf(ctx, withStamp(doc));
  }
  return { bytes, doc: { id: opened.invoiceId, ncf: opened.ncf } };
}

export async function invoiceShareLinks(ctx: ShopContext, invoiceId: string): Promise<InvoiceShareLinks> {
  requireRight(ctx, 'invoices.view');
  const invoice = await loadShareLinks(ctx.db, invoiceId, viewerOf(ctx));
  if (!invoice) throw new AppError('not_found');
  return invoice;
}

/** A new expiring link to an issued invoice's PDF; the token is returned only here. */
export async function createShareLink(
  ctx: ShopContext,
  invoiceId: string,
  days: number,
): Promise<{ link: ShareLinkRow; token: string }> {
  requireRight(ctx, 'invoices.manage');
  const { token, hash } = await newShareToken();
  const result = await createShareLinkSql(ctx.db, {
    invoiceId,
    tokenHash: hash,
    days,
    createdBy: ctx.actor.id,
    viewer: viewerOf(ctx),
    supportSessionHash: ctx.actor.impersonatedBy ? ctx.actor.sessionHash : null,
  });
  if (result.outcome === 'not_found') throw new AppError('not_found');
  if (result.outcome === 'draft') throw new AppError('conflict', t('documents.draftNoPdf'));
  return { link: result.link, token };
}

/** Revokes a link (idempotent). */
export async function revokeShareLink(
  ctx: ShopContext,
  linkId: string,
): Promise<{ invoiceId: string; link: ShareLinkRow }> {
  requireRight(ctx, 'invoices.manage');
  const revoked = await revokeShareLinkSql(ctx.db, linkId, viewerOf(ctx));
  if (!revoked) throw new AppError('not_found');
  return revoked;
}
