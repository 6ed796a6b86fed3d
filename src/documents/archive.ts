/**
 * The archived PDF of an issued invoice: generated on first request, stored once in R2 (under the
 * tenant's prefix) and recorded in invoices.pdf_key; every later request serves that copy, even if
 * the invoice changes afterwards.
 */
import type { TenantDb } from '../db/client';
import { AppError } from '../errors';
import { t } from '../i18n/es-DO';
import { recordInvoicePdf } from '../queries/documents';
import type { TenantFiles } from '../tenancy/files';
import { invoicePdfFileName, invoicePdfKey, renderInvoicePdf, type PdfLogo } from './invoice-pdf';
import type { InvoiceDocument } from '../queries/documents';
import type { PrintableInvoice } from './model';

async function loadLogo(files: TenantFiles, key: string | null): Promise<PdfLogo | null> {
  if (!key) return null;
  const object = await files.get(key);
  if (!object) return null;
  return { bytes: new Uint8Array(await object.arrayBuffer()), type: object.httpMetadata?.contentType ?? '' };
}

export async function readArchivedPdf(files: TenantFiles, key: string): Promise<Uint8Array | null> {
  const object = await files.get(key);
  return object ? new Uint8Array(await object.arrayBuffer()) : null;
}

/** The archived PDF's bytes, generating and archiving it first when there is none. Drafts: 409. */
export async function archivedInvoicePdf(
  services: { db: TenantDb; files: TenantFiles },
  doc: PrintableInvoice,
): Promise<Uint8Array> {
  if (doc.status === 'draft') throw new AppError('conflict', t('documents.draftNoPdf'));
  if (doc.pdfKey) {
    const archived = await readArchivedPdf(services.files, doc.pdfKey);
    if (archived) return archived;
  }
  const key = doc.pdfKey ?? invoicePdfKey(doc);
  const bytes = await renderInvoicePdf(doc, await loadLogo(services.files, doc.company.logoKey));
  // Conditional put: when a concurrent first request already stored the copy, keep (and serve) that one.
  const stored = await services.files.put(key, bytes, {
    httpMetadata: {
      contentType: 'application/pdf',
      contentDisposition: `inline; filename="${invoicePdfFileName(doc)}"`,
    },
    onlyIf: new Headers({ 'If-None-Match': '*' }),
  });
  const recorded = await recordInvoicePdf(services.db, doc.id, key);
  if (stored && recorded === key) return bytes;
  return (await readArchivedPdf(services.files, recorded ?? key)) ?? bytes;
}

/** application/pdf with the NCF as the file name. */
export function pdfResponse(
  bytes: Uint8Array,
  doc: Pick<InvoiceDocument, 'id' | 'ncf'>,
  disposition: 'inline' | 'attachment' = 'inline',
): Response {
  // pdf-lib and R2 give bytes over a plain ArrayBuffer; Node's BodyInit type only accepts that form.
  return new Response(bytes as Uint8Array<ArrayBuffer>, {
    status: 200,
    headers: {
      'Content-Type': 'application/pdf',
      'Content-Disposition': `${disposition}; filename="${invoicePdfFileName(doc)}"`,
      'Content-Length': String(bytes.byteLength),
      'Cache-Control': 'private, no-store',
      'X-Content-Type-Options': 'nosniff',
    },
  });
}
