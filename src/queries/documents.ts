import { sql, type SQL } from 'drizzle-orm';
import type { TenantDb } from '../db/client';
import { getInvoice, type BranchInfo, type CompanyInfo, type Invoice, type InvoiceLine, type Party } from './invoices';
import { getPayment, type Payment } from './payments';
import { getQuotation, type Quotation } from './quotations';

/** A line as printed: what the renderers use of an invoice's or a quotation's lines. */
export type DocumentLine = Pick<
  InvoiceLine,
  'position' | 'description' | 'quantity' | 'unitPrice' | 'discount' | 'taxRate' | 'exempt' | 'amount'
>;

export interface DocumentTotalsData {
  grossTotal: string;
  discountTotal: string;
  taxableTotal: string;
  exemptTotal: string;
  itbisTotal: string;
  total: string;
  taxBreakdown: Array<{ rate: string; taxable: string; itbis: string }>;
}

export type { BranchInfo, CompanyInfo, Party };

/**
 * An invoice or credit note as printed: the part of the one `Invoice` (getInvoice) that the print
 * view, the PDF and the e-CF mapper use. Not a second shape: getInvoice's result is one.
 */
export type InvoiceDocument = Pick<
  Invoice,
  | 'id'
  | 'kind'
  | 'status'
  | 'ncfType'
  | 'ncf'
  | 'ncfValidUntil'
  | 'issuedOn'
  | 'dueOn'
  | 'createdOn'
  | 'buyer'
  | 'branch'
  | 'currencyCode'
  | 'currencySymbol'
  | 'exchangeRate'
  | 'totalDop'
  | 'modifiedNcf'
  | 'refundsItbis'
  | 'creditReason'
  | 'notes'
  | 'pdfKey'
  | 'company'
  | keyof DocumentTotalsData
> & { lines: DocumentLine[] };

/** A quotation as printed: the part of the one `Quotation` (getQuotation) the print view uses. */
export type QuotationDocument = Pick<
  Quotation,
  | 'id'
  | 'number'
  | 'status'
  | 'quotedOn'
  | 'validUntil'
  | 'customer'
  | 'branch'
  | 'currencyCode'
  | 'currencySymbol'
  | 'notes'
  | 'company'
  | keyof DocumentTotalsData
> & { lines: DocumentLine[] };

/** A payment receipt as printed: the part of the one `Payment` (getPayment) the print view uses. */
export type PaymentDocument = Pick<
  Payment,
  | 'id'
  | 'number'
  | 'status'
  | 'receivedOn'
  | 'method'
  | 'amount'
  | 'reference'
  | 'notes'
  | 'invoiceId'
  | 'invoice'
  | 'balanceAfter'
  | 'buyer'
  | 'branch'
  | 'company'
>;

/**
 * Who is looking: users without `branches.all` see only documents of the branches they are
 * assigned to (checked in the same statement that loads the document).
 */
export interface Viewer {
  userId: string;
  allBranches: boolean;
}

/** A viewer that sees every branch: the public share link, already authorised by its token. */
export const anyBranch: Viewer = { userId: '00000000-0000-0000-0000-000000000000', allBranches: true };

export function branchAllowed(viewer: Viewer, branchColumn: SQL): SQL {
  if (viewer.allBranches) return sql`true`;
  return sql`EXISTS (SELECT 1 FROM user_branches ub WHERE ub.user_id = ${viewer.userId}::uuid AND ub.branch_id = ${branchColumn})`;
}

const isUuid = (value: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);

/**
 * An invoice or credit note as printed, read by the one invoice query (getInvoice). Null when it
 * does not exist, is not of `kind`, or is in a branch the viewer may not see.
 */
export function printableInvoice(
  db: TenantDb,
  id: string,
  viewer: Viewer,
  kind?: 'invoice' | 'credit_note',
): Promise<Invoice | null> {
  if (!isUuid(id)) return Promise.resolve(null);
  return getInvoice(db, id, { kind, assignedTo: viewer.allBranches ? undefined : viewer.userId });
}

/** A quotation as printed, read by the one quotation query (getQuotation); null outside the viewer's branches. */
export function printableQuotation(db: TenantDb, id: string, viewer: Viewer): Promise<Quotation | null> {
  if (!isUuid(id)) return Promise.resolve(null);
  return getQuotation(db, id, null, { assignedTo: viewer.allBranches ? undefined : viewer.userId });
}

/** A payment receipt, read by the one payment query (getPayment); null outside the viewer's branches. */
export function printablePayment(db: TenantDb, id: string, viewer: Viewer): Promise<Payment | null> {
  if (!isUuid(id)) return Promise.resolve(null);
  return getPayment(db, id, null, { assignedTo: viewer.allBranches ? undefined : viewer.userId });
}

/**
 * Records the archived PDF's key once: a later (or concurrent) call keeps the first key.
 * Returns the key that is recorded.
 */
export async function recordInvoicePdf(db: TenantDb, invoiceId: string, key: string): Promise<string | null> {
  const result = await db.execute<{ key: string | null }>(sql`
    WITH recorded AS (UPDATE invoices SET pdf_key = ${key} WHERE id = ${invoiceId}::uuid AND pdf_key IS NULL AND status <> 'draft' RETURNING pdf_key)
    SELECT coalesce((SELECT pdf_key FROM recorded), (SELECT pdf_key FROM invoices WHERE id = ${invoiceId}::uuid)) AS key`);
  return result.rows[0]?.key ?? null;
}

export interface ShareLinkRow {
  id: string;
  createdAt: string;
  expiresAt: string;
  revokedAt: string | null;
  lastOpenedAt: string | null;
  active: boolean;
}

export interface InvoiceShareLinks {
  invoiceId: string;
  ncf: string | null;
  status: InvoiceDocument['status'];
  links: ShareLinkRow[];
}

const shareLinkJson =
  sql.raw(`json_build_object('id', s.id, 'createdAt', s.created_at, 'expiresAt', s.expires_at, 'revokedAt', s.revoked_at,
    'lastOpenedAt', s.last_opened_at, 'active', s.revoked_at IS NULL AND s.expires_at > now())`);

/** An invoice's share links, newest first, with the invoice's NCF and status (one query). */
export async function invoiceShareLinks(
  db: TenantDb,
  invoiceId: string,
  viewer: Viewer,
): Promise<InvoiceShareLinks | null> {
  if (!isUuid(invoiceId)) return null;
  const result = await db.execute<InvoiceShareLinks & Record<string, unknown>>(sql`
    SELECT i.id AS "invoiceId", i.ncf, i.status,
           (SELECT coalesce(json_agg(${shareLinkJson} ORDER BY s.created_at DESC, s.id), '[]'::json) FROM share_links s WHERE s.invoice_id = i.id) AS links
      FROM invoices i
     WHERE i.id = ${invoiceId}::uuid AND ${branchAllowed(viewer, sql`i.branch_id`)}`);
  return result.rows[0] ?? null;
}

export type CreateShareLinkResult =
  | { outcome: 'not_found' }
  | { outcome: 'draft' }
  | { outcome: 'created'; link: ShareLinkRow };

/**
 * Creates a link for an issued (non-draft) invoice the viewer may see; one statement. A link made in
 * a support session (`supportSessionHash`) expires with that session at the latest: leaving revokes
 * it, and a session that simply runs out must not leave it behind.
 */
export async function createShareLink(
  db: TenantDb,
  values: {
    invoiceId: string;
    tokenHash: string;
    days: number;
    createdBy: string;
    viewer: Viewer;
    supportSessionHash?: string | null;
  },
): Promise<CreateShareLinkResult> {
  if (!isUuid(values.invoiceId)) return { outcome: 'not_found' };
  const result = await db.execute<{ status: string; link: ShareLinkRow | null }>(sql`
    WITH inv AS (
      SELECT i.id, i.status FROM invoices i WHERE i.id = ${values.invoiceId}::uuid AND ${branchAllowed(values.viewer, sql`i.branch_id`)}
    ), s AS (
      INSERT INTO share_links (invoice_id, token_hash, expires_at, created_by)
      SELECT inv.id, ${values.tokenHash},
             LEAST(now() + make_interval(days => ${values.days}::int),
                   (SELECT expires_at FROM sessions WHERE id_hash = ${values.supportSessionHash ?? null}::text AND impersonated_by IS NOT NULL)),
             ${values.createdBy}::uuid
        FROM inv WHERE inv.status <> 'draft'
      RETURNING *
    )
    SELECT inv.status, (SELECT ${shareLinkJson} FROM s) AS link FROM inv`);
  const row = result.rows[0];
  if (!row) return { outcome: 'not_found' };
  if (!row.link) return { outcome: 'draft' };
  return { outcome: 'created', link: row.link };
}

/** Revokes a link (idempotent); returns its invoice id, or null when the viewer cannot see it. */
export async function revokeShareLink(
  db: TenantDb,
  linkId: string,
  viewer: Viewer,
): Promise<{ invoiceId: string; link: ShareLinkRow } | null> {
  if (!isUuid(linkId)) return null;
  const result = await db.execute<{ invoiceId: string; link: ShareLinkRow }>(sql`
    WITH target AS (
      SELECT s.id, s.invoice_id FROM share_links s JOIN invoices i ON i.id = s.invoice_id
       WHERE s.id = ${linkId}::uuid AND ${branchAllowed(viewer, sql`i.branch_id`)}
    ), s AS (
      UPDATE share_links SET revoked_at = coalesce(revoked_at, now()) WHERE id IN (SELECT id FROM target) RETURNING *
    )
    SELECT s.invoice_id AS "invoiceId", ${shareLinkJson} AS link FROM s`);
  return result.rows[0] ?? null;
}
