import type { CreatedCursor } from './keyset';
import { sql, type SQL } from 'drizzle-orm';
import { raisedCode } from '../db/raised';
import type { EcfState } from '../db/tenant-schema';
import { likeEscape } from './products';
import type { CreditRateState, DocumentTotals, DopTotals } from '../domain/totals';
import type { TenantDb } from '../db/client';
import { inScope, scopeArray, type BranchScope } from './branch-scope';
import { ecfJson, type InvoiceEcf } from './invoices';
import type { InvoiceStatus } from './payments';

export interface CreditableLine {
  id: string;
  position: number;
  productId: string | null;
  description: string;
  quantity: string;
  unitPrice: string;
  discount: string;
  taxRate: string;
  exempt: boolean;
  amount: string;
  /** Quantity already credited by earlier (not voided) credit notes. */
  credited: string;
  /** Amount and discount those notes took from this line. */
  creditedAmount: string;
  creditedDiscount: string;
  remaining: string;
  /** Whether the product is stock-tracked (null: free-text line). */
  trackStock: boolean | null;
}

export interface CreditableInvoice {
  id: string;
  kind: 'invoice' | 'credit_note';
  status: InvoiceStatus;
  ncf: string | null;
  ncfType: string;
  issuedOn: string | null;
  customerId: string | null;
  buyerName: string | null;
  buyerIdType: string | null;
  buyerIdNumber: string | null;
  branchId: string;
  currencyCode: string;
  currencySymbol: string;
  exchangeRate: string;
  total: string;
  paidTotal: string;
  creditedTotal: string;
  /** total - credited_total: what credit notes may still refund. */
  creditable: string;
  /** Whether a credit note may modify it at all (SQL invoice_creditable). */
  creditAllowed: boolean;
  /** Whether a note issued on the `today` asked for refunds the ITBIS (SQL credit_refunds_itbis, the 30-day rule). */
  refundsItbis: boolean;
  /** B04, or E34 for an electronic invoice (SQL credit_note_type). */
  creditNoteType: 'B04' | 'E34';
  /** Per ITBIS rate: the invoice's taxable base and ITBIS, and what earlier ITBIS-refunding notes took. */
  rates: CreditRateState[];
  lines: CreditableLine[];
}

/** An invoice with its lines and what remains creditable on each, in one query; null when unknown or outside the scope. */
export async function creditableInvoice(
  db: TenantDb,
  invoiceId: string,
  scope: BranchScope,
  today: string,
): Promise<CreditableInvoice | null> {
  const result = await db.execute<{ invoice: CreditableInvoice }>(sql`
    SELECT json_build_object('id', i.id, 'kind', i.kind, 'status', i.status, 'ncf', i.ncf, 'ncfType', i.ncf_type, 'issuedOn', i.issued_on::text,
             'customerId', i.customer_id, 'buyerName', i.buyer_name, 'buyerIdType', i.buyer_id_type, 'buyerIdNumber', i.buyer_id_number,
             'branchId', i.branch_id, 'currencyCode', i.currency_code, 'currencySymbol', coalesce(cur.symbol, i.currency_code),
             'exchangeRate', i.exchange_rate::text, 'total', i.total::text, 'paidTotal', i.paid_total::text, 'creditedTotal', i.credited_total::text,
             'creditable', (i.total - i.credited_total)::text, 'creditAllowed', invoice_creditable(i.kind, i.status),
             'refundsItbis', coalesce(credit_refunds_itbis(i.issued_on, ${today}::date), false), 'creditNoteType', credit_note_type(i.ncf_type),
             'lines', coalesce((
               SELECT json_agg(json_build_object('id', l.id, 'position', l.position, 'productId', l.product_id, 'description', l.description,
                        'quantity', l.quantity::text, 'unitPrice', l.unit_price::text, 'discount', l.discount::text, 'taxRate', l.tax_rate::text,
                        'exempt', l.exempt, 'amount', l.amount::text, 'credited', c.credited::text, 'remaining', (l.quantity - c.credited)::text,
                        'creditedAmount', c.credited_amount::text, 'creditedDiscount', c.credited_discount::text,
                        'trackStock', p.track_stock) ORDER BY l.position, l.id)
                 FROM invoice_lines l
                 LEFT JOIN products p ON p.id = l.product_id
                 CROSS JOIN LATERAL (
                   SELECT coalesce(sum(cl.quantity), 0)::numeric(12, 2) AS credited, coalesce(sum(cl.amount), 0)::numeric(14, 2) AS credited_amount,
                          coalesce(sum(cl.discount), 0)::numeric(14, 2) AS credited_discount
                     FROM invoice_lines cl JOIN invoices cn ON cn.id = cl.invoice_id
                    WHERE cl.source_line_id = l.id AND cn.kind = 'credit_note' AND cn.status <> 'voided') c
                WHERE l.invoice_id = i.id), '[]'::json),
             'rates', coalesce((
               SELECT json_agg(json_build_object('rate', e->>'rate', 'taxable', e->>'taxable', 'itbis', e->>'itbis',
                        'creditedTaxable', coalesce(r.taxable, 0)::text, 'creditedItbis', coalesce(r.itbis, 0)::text))
                 FROM jsonb_array_elements(i.tax_breakdown) e
                 LEFT JOIN LATERAL (
                   SELECT sum((ne->>'taxable')::numeric) AS taxable, sum((ne->>'itbis')::numeric) AS itbis
                     FROM invoices cn CROSS JOIN jsonb_array_elements(cn.tax_breakdown) ne
                    WHERE cn.reference_invoice_id = i.id AND cn.kind = 'credit_note' AND cn.status <> 'voided' AND cn.refunds_itbis
                      AND (ne->>'rate')::numeric = (e->>'rate')::numeric) r ON true), '[]'::json)) AS invoice
      FROM invoices i LEFT JOIN currencies cur ON cur.code = i.currency_code
     WHERE i.id = ${invoiceId}::uuid AND ${inScope(sql`i.branch_id`, scope)}`);
  return result.rows[0]?.invoice ?? null;
}

/** A credit note's lines as issue_credit_note takes them (prepared by src/services/shop/credit-notes.ts). */
export interface CreditNoteWrite {
  refundsItbis: boolean;
  /** The invoice's credited_total the note was computed from: issue_credit_note refuses it if another note came first. */
  creditedBefore: string;
  lines: Array<{
    sourceLineId: string;
    position: number;
    productId: string | null;
    description: string;
    quantity: string;
    unitPrice: string;
    discount: string;
    taxRate: string;
    exempt: boolean;
    amount: string;
    returnToStock: boolean;
  }>;
  totals: DocumentTotals & DopTotals;
}

/**
 * Issues a prepared credit note (issue_credit_note): one transaction that re-checks lines and the
 * creditable amount under the original's lock, allocates the B04/E34 number, writes the note and
 * its lines, updates the original and returns goods to stock. A refusal comes back as the raised error.
 */
export async function issueCreditNote(
  db: TenantDb,
  invoiceId: string,
  note: CreditNoteWrite,
  options: { reason: string; today: string; userId: string | null; actor: string; scope: BranchScope },
): Promise<{ ok: true; id: string } | { ok: false; refusal: unknown }> {
  const lines = note.lines.map((line) => ({
    source_line_id: line.sourceLineId,
    position: line.position,
    product_id: line.productId,
    description: line.description,
    quantity: line.quantity,
    unit_price: line.unitPrice,
    discount: line.discount,
    tax_rate: line.taxRate,
    exempt: line.exempt,
    amount: line.amount,
    return_to_stock: line.returnToStock,
  }));
  const { lines: _lineTotals, ...totals } = note.totals;
  try {
    const result = await db.execute<{ id: string }>(sql`
      SELECT issue_credit_note(${invoiceId}::uuid, ${options.reason}, ${note.refundsItbis}, ${JSON.stringify(lines)}::jsonb, ${JSON.stringify(totals)}::jsonb,
                               ${options.today}::date, ${options.userId}::uuid, ${scopeArray(options.scope)}, ${note.creditedBefore}::numeric, ${options.actor}) AS id`);
    return { ok: true, id: result.rows[0]!.id };
  } catch (error) {
    if (!raisedCode(error)) throw error;
    return { ok: false, refusal: error };
  }
}

export interface CreditNoteLine {
  id: string;
  position: number;
  productId: string | null;
  description: string;
  quantity: string;
  unitPrice: string;
  discount: string;
  taxRate: string;
  exempt: boolean;
  amount: string;
  sourceLineId: string | null;
  returnToStock: boolean;
}

export interface CreditNote {
  id: string;
  status: InvoiceStatus;
  ncf: string;
  ncfType: string;
  ncfValidUntil: string | null;
  issuedOn: string;
  customerId: string | null;
  buyerName: string | null;
  buyerIdType: string | null;
  buyerIdNumber: string | null;
  branchId: string;
  branchName: string;
  currencyCode: string;
  currencySymbol: string;
  exchangeRate: string;
  grossTotal: string;
  discountTotal: string;
  taxableTotal: string;
  exemptTotal: string;
  itbisTotal: string;
  total: string;
  totalDop: string;
  taxBreakdown: Array<{ rate: string; taxable: string; itbis: string }>;
  refundsItbis: boolean;
  creditReason: string;
  modifiedNcf: string;
  originalId: string;
  createdByName: string | null;
  /** Who sold the credited invoice (the note's own seller when it has one). */
  sellerName: string | null;
  createdAt: string;
  lines: CreditNoteLine[];
  /** The note's e-CF (E34), read in the same statement; null for a B04. */
  ecf: InvoiceEcf | null;
}

const noteColumns =
  sql.raw(`'id', n.id, 'status', n.status, 'ncf', n.ncf, 'ncfType', n.ncf_type, 'ncfValidUntil', n.ncf_valid_until::text,
  'issuedOn', n.issued_on::text, 'customerId', n.customer_id, 'buyerName', n.buyer_name, 'buyerIdType', n.buyer_id_type, 'buyerIdNumber', n.buyer_id_number,
  'branchId', n.branch_id, 'branchName', (SELECT name FROM branches WHERE id = n.branch_id), 'currencyCode', n.currency_code,
  'currencySymbol', coalesce((SELECT symbol FROM currencies WHERE code = n.currency_code), n.currency_code), 'exchangeRate', n.exchange_rate::text,
  'grossTotal', n.gross_total::text, 'discountTotal', n.discount_total::text, 'taxableTotal', n.taxable_total::text, 'exemptTotal', n.exempt_total::text,
  'itbisTotal', n.itbis_total::text, 'total', n.total::text, 'totalDop', n.total_dop::text, 'taxBreakdown', n.tax_breakdown,
  'refundsItbis', n.refunds_itbis, 'creditReason', n.credit_reason, 'modifiedNcf', n.modified_ncf, 'originalId', n.reference_invoice_id,
  'createdByName', (SELECT name FROM users WHERE id = n.created_by),
  'sellerName', (SELECT name FROM users WHERE id = coalesce(n.seller_id, (SELECT o.seller_id FROM invoices o WHERE o.id = n.reference_invoice_id))),
  'createdAt', to_char(n.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`);

/** One credit note with its lines, in one query. */
export async function getCreditNote(db: TenantDb, id: string, scope: BranchScope): Promise<CreditNote | null> {
  const result = await db.execute<{ note: CreditNote }>(sql`
    SELECT json_build_object(${noteColumns},
             'lines', coalesce((SELECT json_agg(json_build_object('id', l.id, 'position', l.position, 'productId', l.product_id, 'description', l.description,
                        'quantity', l.quantity::text, 'unitPrice', l.unit_price::text, 'discount', l.discount::text, 'taxRate', l.tax_rate::text,
                        'exempt', l.exempt, 'amount', l.amount::text, 'sourceLineId', l.source_line_id, 'returnToStock', l.return_to_stock)
                        ORDER BY l.position, l.id) FROM invoice_lines l WHERE l.invoice_id = n.id), '[]'::json),
             'ecf', ${ecfJson('n')}) AS note
      FROM invoices n
     WHERE n.id = ${id}::uuid AND n.kind = 'credit_note' AND ${inScope(sql`n.branch_id`, scope)}`);
  return result.rows[0]?.note ?? null;
}

/** A list row: the note without its lines, with its e-CF's state (null for a B04). */
export type CreditNoteSummary = Omit<CreditNote, 'lines' | 'ecf'> & { ecfStatus: EcfState | null };

/** Credit notes newest first, one page in one query (keyset on created_at, id - the invoices list index). */
export async function listCreditNotes(
  db: TenantDb,
  filter: { scope: BranchScope; invoiceId?: string; q?: string; after?: CreatedCursor | null; limit: number },
): Promise<{ rows: CreditNoteSummary[]; next: CreatedCursor | null }> {
  const conditions: SQL[] = [sql`n.kind = 'credit_note'`, inScope(sql`n.branch_id`, filter.scope)];
  if (filter.invoiceId) conditions.push(sql`n.reference_invoice_id = ${filter.invoiceId}::uuid`);
  if (filter.q) {
    const pattern = likeEscape(filter.q.toLowerCase());
    conditions.push(
      sql`(lower(n.ncf) LIKE ${`${pattern}%`} OR lower(coalesce(n.modified_ncf, '')) LIKE ${`${pattern}%`} OR lower(coalesce(n.buyer_name, '')) LIKE ${`%${pattern}%`})`,
    );
  }
  if (filter.after)
    conditions.push(sql`(n.created_at, n.id) < (${filter.after.createdAt}::timestamptz, ${filter.after.id}::uuid)`);
  const result = await db.execute<{ note: CreditNoteSummary; cursor_at: string }>(sql`
    SELECT json_build_object(${noteColumns}, 'ecfStatus', (SELECT e.state FROM ecf_documents e WHERE e.invoice_id = n.id)) AS note,
           n.created_at::text AS cursor_at
      FROM invoices n
     WHERE ${sql.join(conditions, sql` AND `)}
     ORDER BY n.created_at DESC, n.id DESC
     LIMIT ${filter.limit + 1}`);
  const rows = result.rows.slice(0, filter.limit);
  const last = rows.at(-1);
  return {
    rows: rows.map((row) => row.note),
    next: result.rows.length > filter.limit && last ? { createdAt: last.cursor_at, id: last.note.id } : null,
  };
}
