import type { CreatedCursor } from './keyset';
import type { NeonHttpQueryResult } from 'drizzle-orm/neon-http';
import { inScope, type BranchScope } from './branch-scope';
import { sql, type SQL } from 'drizzle-orm';
import type { DocumentTotals } from '../domain/totals';
import type { TenantDb } from '../db/client';
import { raisedCode } from '../db/raised';
import { linesJson, linesRecordset, type PricedLine } from './document-lines';
import type { QuotationListStatus, QuotationStatus } from '../schemas/quotations';
import type { BranchInfo, CompanyInfo, Party } from './invoices';
import { likeEscape } from './products';
import { customerPickerMatches, matchingContactIds, parseContactSearch } from './contacts';
import { pickerPageSize, productPickerMatches, type PickerProduct, type ProductSearch } from './pickers';
import { mayBeNumber, sortedAfterSearch } from './search';
import { latestLensPrescriptionJson, type LensPrescription } from './sales-editor';
import { activeSellersQuery, type SellerOption, sellerOptionsJson } from './sellers';

export interface QuotationLine {
  position: number;
  productId: string | null;
  sku: string | null;
  description: string;
  quantity: string;
  unitPrice: string;
  discount: string;
  taxId: number | null;
  taxRate: string;
  exempt: boolean;
  amount: string;
}

export interface QuotationSummary {
  id: string;
  number: string;
  status: QuotationStatus;
  customerId: string | null;
  customerName: string | null;
  branchId: string;
  branchName: string;
  prescriptionId: string | null;
  currencyCode: string;
  currencySymbol: string;
  quotedOn: string;
  validUntil: string | null;
  notes: string | null;
  grossTotal: string;
  discountTotal: string;
  taxableTotal: string;
  exemptTotal: string;
  itbisTotal: string;
  total: string;
  taxBreakdown: DocumentTotals['taxBreakdown'];
  convertedInvoiceId: string | null;
  sellerId: string | null;
  sellerName: string | null;
  createdAt: string;
  updatedAt: string;
}

/**
 * The one shape of a quotation: its page, the API and the print view read it with getQuotation.
 * List rows are QuotationSummary.
 */
export interface Quotation extends QuotationSummary {
  lines: QuotationLine[];
  /** As printed: the customer, the branch, the company as it is now. */
  customer: Party;
  branch: BranchInfo;
  company: CompanyInfo;
  customerIdType: string | null;
  prescriptionExaminedOn: string | null;
  convertedInvoiceNumber: string | null;
  createdByName: string | null;
}

/** The header of a quotation as written: references already checked for shape, totals from computeTotals. */
export interface QuotationWrite {
  customerId: string | null;
  branchId: string;
  prescriptionId: string | null;
  currencyCode: string;
  validUntil: string | null;
  notes: string | null;
  /** null: the creator (a new quotation) or the stored seller (an edit). */
  sellerId: string | null;
  lines: PricedLine[];
  totals: DocumentTotals;
}

const iso = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

const summaryColumns =
  sql.raw(`q.id, q.number, q.status, q.customer_id AS "customerId", c.name AS "customerName", q.branch_id AS "branchId",
  b.name AS "branchName", q.prescription_id AS "prescriptionId", q.currency_code AS "currencyCode", cur.symbol AS "currencySymbol",
  q.quoted_on::text AS "quotedOn", q.valid_until::text AS "validUntil", q.notes, q.gross_total::text AS "grossTotal",
  q.discount_total::text AS "discountTotal", q.taxable_total::text AS "taxableTotal", q.exempt_total::text AS "exemptTotal",
  q.itbis_total::text AS "itbisTotal", q.total::text AS "total", q.tax_breakdown AS "taxBreakdown",
  q.converted_invoice_id AS "convertedInvoiceId", q.seller_id AS "sellerId", sel.name AS "sellerName", ${iso('q.created_at')} AS "createdAt", ${iso('q.updated_at')} AS "updatedAt"`);

const summaryRefs = sql.raw(`JOIN branches b ON b.id = q.branch_id
  JOIN currencies cur ON cur.code = q.currency_code
  LEFT JOIN contacts c ON c.id = q.customer_id
  LEFT JOIN users sel ON sel.id = q.seller_id`);
const summaryJoins = sql`FROM quotations q ${summaryRefs}`;

/** `q.branch_id` within the user's branches. */
const branchScope = (branchIds: BranchScope) => inScope(sql`q.branch_id`, branchIds);

/** One quotation with its lines, customer, branch and converted invoice, in one query; null when absent or outside the user's branches. */
export async function getQuotation(
  db: TenantDb,
  id: string,
  branchIds: BranchScope,
  options: { assignedTo?: string } = {},
): Promise<Quotation | null> {
  return firstQuotation(await quotationQuery(db, id, branchIds, options));
}

/** getQuotation's row from its query's result (a `db.batch` answers the raw result). */
export function firstQuotation(result: { rows: unknown[] }): Quotation | null {
  return (result.rows[0] as Quotation | undefined) ?? null;
}

/** getQuotation's statement, not yet run: to be awaited, or put in a `db.batch` beside a page's other statements. */
export function quotationQuery(
  db: TenantDb,
  id: string,
  branchIds: BranchScope,
  options: { assignedTo?: string } = {},
) {
  const assignedFilter = options.assignedTo
    ? sql`AND EXISTS (SELECT 1 FROM user_branches ub WHERE ub.user_id = ${options.assignedTo}::uuid AND ub.branch_id = q.branch_id)`
    : sql``;
  return db.execute<Quotation & Record<string, unknown>>(sql`
    SELECT ${summaryColumns}, c.id_type AS "customerIdType", rx.examined_on::text AS "prescriptionExaminedOn",
           json_build_object('name', c.name, 'idType', c.id_type, 'idNumber', c.id_number) AS customer,
           json_build_object('name', b.name, 'address', b.address, 'phone', b.phone) AS branch,
           (SELECT json_build_object('name', co.name, 'rnc', co.rnc, 'address', co.address, 'phones', co.phones, 'email', co.email,
                   'invoiceFooter', co.invoice_footer, 'logoKey', co.logo_key) FROM company co WHERE co.id = 1) AS company,
           inv.ncf AS "convertedInvoiceNumber", u.name AS "createdByName",
           coalesce((SELECT json_agg(json_build_object('position', l.position, 'productId', l.product_id, 'sku', p.sku, 'description', l.description,
                       'quantity', l.quantity::text, 'unitPrice', l.unit_price::text, 'discount', l.discount::text, 'taxId', l.tax_id,
                       'taxRate', l.tax_rate::text, 'exempt', l.exempt, 'amount', l.amount::text) ORDER BY l.position)
                       FROM quotation_lines l LEFT JOIN products p ON p.id = l.product_id WHERE l.quotation_id = q.id), '[]'::json) AS lines
      ${summaryJoins}
      LEFT JOIN prescriptions rx ON rx.id = q.prescription_id
      LEFT JOIN invoices inv ON inv.id = q.converted_invoice_id
      LEFT JOIN users u ON u.id = q.created_by
     WHERE q.id = ${id}::uuid AND ${branchScope(branchIds)} ${assignedFilter}`);
}

/** A quotation still open (draft or sent): the home page's figure and the list's `status=open` filter. */
export function openQuotation(q: SQL): SQL {
  return sql`${q}.status IN ('draft', 'sent')`;
}

/** Newest first by (created_at, id). */
export type QuotationCursor = CreatedCursor;

/** One page of quotations, newest first (keyset on created_at, id), filtered by status and number/customer, in one query. */
export async function listQuotations(
  db: TenantDb,
  filter: {
    branchIds: BranchScope;
    status?: QuotationListStatus | null;
    q?: string | null;
    /** Only this seller's quotations. */
    sellerId?: string | null;
    after?: QuotationCursor | null;
    limit: number;
    /** Also read the active users (the seller filter's options) in the same round trip. */
    withSellers?: boolean;
  },
): Promise<{ rows: QuotationSummary[]; next: QuotationCursor | null; sellers: SellerOption[] }> {
  const conditions: SQL[] = [branchScope(filter.branchIds)];
  if (filter.status === 'open') conditions.push(openQuotation(sql`q`));
  else if (filter.status) conditions.push(sql`q.status = ${filter.status}`);
  if (filter.sellerId) conditions.push(sql`q.seller_id = ${filter.sellerId}::uuid`);
  const searching = Boolean(filter.q?.trim());
  if (searching) {
    const pattern = likeEscape(filter.q!.trim().toLowerCase());
    const customers = matchingContactIds(parseContactSearch(filter.q));
    const branches = [
      mayBeNumber(pattern) ? sql`lower(q.number) LIKE ${`%${pattern}%`}` : null,
      customers ? sql`q.customer_id = ANY (${customers})` : null,
    ].filter((branch) => branch !== null);
    conditions.push(branches.length ? sql`(${sql.join(branches, sql` OR `)})` : sql`false`);
  }
  if (filter.after)
    conditions.push(sql`(q.created_at, q.id) < (${filter.after.createdAt}::timestamptz, ${filter.after.id}::uuid)`);
  const statement = db.execute<QuotationSummary & { cursor_at: string } & Record<string, unknown>>(sql`
    SELECT ${summaryColumns}, q.created_at::text AS cursor_at
      FROM (SELECT * FROM quotations q
             WHERE ${sql.join(conditions, sql` AND `)}
             ORDER BY ${sortedAfterSearch(sql`q.created_at`, searching)} DESC, q.id DESC
             LIMIT ${filter.limit + 1}) q
      ${summaryRefs}
     ORDER BY q.created_at DESC, q.id DESC`);
  const [result, sellers] = filter.withSellers
    ? await db.batch([statement, activeSellersQuery(db)])
    : [await statement, [] as SellerOption[]];
  const rows = result.rows.slice(0, filter.limit);
  const last = rows.at(-1);
  const next = result.rows.length > filter.limit && last ? { createdAt: last.cursor_at, id: last.id } : null;
  return { rows: rows.map(({ cursor_at: _cursor, ...row }) => row as QuotationSummary), next, sellers };
}

interface RefsRow extends Record<string, unknown> {
  id: string | null;
  customer_ok: boolean;
  prescription_ok: boolean;
  currency_ok: boolean;
  branch_ok: boolean;
  seller_ok: boolean;
  status: QuotationStatus | null;
  found: boolean;
}

/**
 * The references of a quotation, checked inside the writing statement: the customer exists and is
 * not archived, the prescription is that customer's, the currency is active, the branch is active.
 */
function refsCheck(values: QuotationWrite): SQL {
  return sql`SELECT
      (${values.customerId}::uuid IS NULL OR EXISTS (SELECT 1 FROM contacts WHERE id = ${values.customerId}::uuid AND archived_at IS NULL)) AS customer_ok,
      (${values.prescriptionId}::uuid IS NULL OR EXISTS (SELECT 1 FROM prescriptions WHERE id = ${values.prescriptionId}::uuid AND patient_id = ${values.customerId}::uuid)) AS prescription_ok,
      EXISTS (SELECT 1 FROM currencies WHERE code = ${values.currencyCode} AND active) AS currency_ok,
      EXISTS (SELECT 1 FROM branches WHERE id = ${values.branchId}::uuid AND active) AS branch_ok,
      (${values.sellerId}::uuid IS NULL OR EXISTS (SELECT 1 FROM users WHERE id = ${values.sellerId}::uuid AND status = 'active')) AS seller_ok`;
}

export type QuotationReference = 'customerId' | 'prescriptionId' | 'currencyCode' | 'branchId' | 'sellerId';

/** The references a write refused (unknown or inactive), in the order a form shows them. */
function refusedRefs(row: RefsRow): QuotationReference[] {
  const refused: QuotationReference[] = [];
  if (!row.customer_ok) refused.push('customerId');
  if (!row.prescription_ok) refused.push('prescriptionId');
  if (!row.currency_ok) refused.push('currencyCode');
  if (!row.branch_ok) refused.push('branchId');
  if (!row.seller_ok) refused.push('sellerId');
  return refused;
}

export type QuotationWriteResult =
  | { ok: true; id: string }
  | { ok: false; reason: 'references'; refused: QuotationReference[] }
  | { ok: false; reason: 'not_found' | 'not_editable' | 'no_number' }
  | { ok: false; reason: 'refusal'; refusal: unknown };

const totalsValues = (totals: DocumentTotals) =>
  sql`${totals.grossTotal}::numeric, ${totals.discountTotal}::numeric, ${totals.taxableTotal}::numeric, ${totals.exemptTotal}::numeric,
      ${totals.itbisTotal}::numeric, ${totals.total}::numeric, ${JSON.stringify(totals.taxBreakdown)}::jsonb`;

/**
 * Creates a quotation numbered from the COT series: the number is allocated, the quotation and its
 * lines written, in ONE statement, so a failure (bad reference, exhausted series) consumes no number.
 * The date is the server's (`quotedOn`), never the client's.
 */
export async function createQuotation(
  db: TenantDb,
  values: QuotationWrite & { quotedOn: string; createdBy: string | null },
): Promise<QuotationWriteResult> {
  const id = crypto.randomUUID();
  let result: NeonHttpQueryResult<RefsRow>;
  try {
    result = await db.execute<RefsRow>(sql`
      WITH refs AS (${refsCheck(values)}),
      allowed AS (SELECT 1 FROM refs WHERE customer_ok AND prescription_ok AND currency_ok AND branch_ok AND seller_ok),
      num AS (SELECT a.* FROM allowed CROSS JOIN LATERAL allocate_document_number(NULL, 'COT', ${values.branchId}::uuid, ${values.quotedOn}::date) a),
      inserted AS (
        INSERT INTO quotations (id, number, sequence_id, customer_id, branch_id, prescription_id, currency_code, quoted_on, valid_until, notes,
                                gross_total, discount_total, taxable_total, exempt_total, itbis_total, total, tax_breakdown, created_by, seller_id)
        SELECT ${id}::uuid, num.number, num.sequence_id, ${values.customerId}::uuid, ${values.branchId}::uuid, ${values.prescriptionId}::uuid,
               ${values.currencyCode}, ${values.quotedOn}::date, ${values.validUntil}::date, ${values.notes}, ${totalsValues(values.totals)}, ${values.createdBy}::uuid,
               coalesce(${values.sellerId}::uuid, ${values.createdBy}::uuid)
          FROM num
        RETURNING id
      ),
      lines AS (
        INSERT INTO quotation_lines (quotation_id, position, product_id, description, quantity, unit_price, discount, tax_id, tax_rate, exempt, amount)
        SELECT inserted.id, l.position, l.product_id, l.description, l.quantity, l.unit_price, l.discount, l.tax_id, l.tax_rate, l.exempt, l.amount
          FROM inserted, json_to_recordset(${linesJson(values.lines)}::json) AS l(${linesRecordset})
        RETURNING 1
      )
      SELECT (SELECT id FROM inserted) AS id, (SELECT count(*) FROM lines) AS line_count, refs.* FROM refs`);
  } catch (error) {
    if (!raisedCode(error)) throw error;
    return { ok: false, reason: 'refusal', refusal: error };
  }
  const row = result.rows[0]!;
  const refused = refusedRefs(row);
  if (refused.length) return { ok: false, reason: 'references', refused };
  if (!row.id) return { ok: false, reason: 'no_number' };
  return { ok: true, id: row.id };
}

/** Replaces the header and lines of a draft or sent quotation in one statement. */
export async function updateQuotation(
  db: TenantDb,
  id: string,
  branchIds: BranchScope,
  values: QuotationWrite,
): Promise<QuotationWriteResult> {
  const result = await db.execute<RefsRow>(sql`
    WITH refs AS (${refsCheck(values)}),
    current AS (SELECT q.id, q.status FROM quotations q WHERE q.id = ${id}::uuid AND ${branchScope(branchIds)}),
    updated AS (
      UPDATE quotations q
         SET customer_id = ${values.customerId}::uuid, branch_id = ${values.branchId}::uuid, prescription_id = ${values.prescriptionId}::uuid,
             currency_code = ${values.currencyCode}, valid_until = ${values.validUntil}::date, notes = ${values.notes},
             (gross_total, discount_total, taxable_total, exempt_total, itbis_total, total, tax_breakdown) = (${totalsValues(values.totals)}),
             seller_id = coalesce(${values.sellerId}::uuid, q.seller_id), updated_at = now()
        FROM refs, current
       WHERE q.id = current.id AND q.status IN ('draft', 'sent')
         AND refs.customer_ok AND refs.prescription_ok AND refs.currency_ok AND refs.branch_ok AND refs.seller_ok
      RETURNING q.id
    ),
    removed AS (DELETE FROM quotation_lines l USING updated WHERE l.quotation_id = updated.id RETURNING 1),
    lines AS (
      INSERT INTO quotation_lines (quotation_id, position, product_id, description, quantity, unit_price, discount, tax_id, tax_rate, exempt, amount)
      SELECT updated.id, l.position, l.product_id, l.description, l.quantity, l.unit_price, l.discount, l.tax_id, l.tax_rate, l.exempt, l.amount
        FROM updated, json_to_recordset(${linesJson(values.lines)}::json) AS l(${linesRecordset})
      RETURNING 1
    )
    SELECT (SELECT id FROM updated) AS id, EXISTS (SELECT 1 FROM current) AS found, (SELECT status FROM current) AS status,
           (SELECT count(*) FROM removed) + (SELECT count(*) FROM lines) AS touched, refs.* FROM refs`);
  const row = result.rows[0]!;
  if (!row.found) return { ok: false, reason: 'not_found' };
  if (row.status !== 'draft' && row.status !== 'sent') return { ok: false, reason: 'not_editable' };
  const refused = refusedRefs(row);
  if (refused.length) return { ok: false, reason: 'references', refused };
  if (!row.id) return { ok: false, reason: 'not_editable' };
  return { ok: true, id: row.id };
}

/** Moves a quotation from one of `from` to `to` (send: draft -> sent; cancel: draft/sent -> cancelled). */
export async function changeQuotationStatus(
  db: TenantDb,
  id: string,
  branchIds: BranchScope,
  from: readonly QuotationStatus[],
  to: QuotationStatus,
): Promise<'changed' | 'not_found' | 'not_allowed'> {
  const result = await db.execute<{ changed: boolean; found: boolean } & Record<string, unknown>>(sql`
    WITH current AS (SELECT q.id FROM quotations q WHERE q.id = ${id}::uuid AND ${branchScope(branchIds)}),
    changed AS (
      UPDATE quotations q SET status = ${to}, updated_at = now() FROM current
       WHERE q.id = current.id AND q.status IN (${sql.join(
         from.map((status) => sql`${status}`),
         sql`, `,
       )})
      RETURNING q.id
    )
    SELECT EXISTS (SELECT 1 FROM changed) AS changed, EXISTS (SELECT 1 FROM current) AS found`);
  const row = result.rows[0]!;
  if (!row.found) return 'not_found';
  return row.changed ? 'changed' : 'not_allowed';
}

/**
 * Converts a draft or sent quotation into a DRAFT invoice (B01 when the customer has an RNC, else
 * B02) with the same customer, branch, currency, prescription, lines and totals, and marks the
 * quotation converted - in ONE statement whose first step is the guarded UPDATE, so concurrent
 * requests make exactly one invoice. A quotation already converted answers its existing invoice.
 */
export async function convertQuotation(
  db: TenantDb,
  id: string,
  branchIds: BranchScope,
  createdBy: string | null,
): Promise<{ ok: true; invoiceId: string; created: boolean } | { ok: false; reason: 'not_found' | 'not_convertible' }> {
  const invoiceId = crypto.randomUUID();
  const result = await db.execute<{ created: string | null } & Record<string, unknown>>(sql`
    WITH converted AS (
      UPDATE quotations q SET status = 'converted', converted_invoice_id = ${invoiceId}::uuid, updated_at = now()
       WHERE q.id = ${id}::uuid AND q.status IN ('draft', 'sent') AND ${branchScope(branchIds)}
      RETURNING q.*
    ),
    invoice AS (
      INSERT INTO invoices (id, kind, status, ncf_type, customer_id, branch_id, prescription_id, quotation_id, currency_code,
                            gross_total, discount_total, taxable_total, exempt_total, itbis_total, total, tax_breakdown,
                            taxable_total_dop, exempt_total_dop, itbis_total_dop, total_dop, notes, created_by, seller_id)
      SELECT ${invoiceId}::uuid, 'invoice', 'draft', CASE WHEN c.id_type = 'rnc' THEN 'B01' ELSE 'B02' END,
             v.customer_id, v.branch_id, v.prescription_id, v.id, v.currency_code,
             v.gross_total, v.discount_total, v.taxable_total, v.exempt_total, v.itbis_total, v.total, v.tax_breakdown,
             -- DOP figures of a DOP document are the figures themselves; other currencies get theirs at issue (rate of the issue date)
             CASE WHEN cur.is_base THEN v.taxable_total ELSE 0 END, CASE WHEN cur.is_base THEN v.exempt_total ELSE 0 END,
             CASE WHEN cur.is_base THEN v.itbis_total ELSE 0 END, CASE WHEN cur.is_base THEN v.total ELSE 0 END,
             v.notes, ${createdBy}::uuid, coalesce(v.seller_id, ${createdBy}::uuid)
        FROM converted v
        JOIN currencies cur ON cur.code = v.currency_code
        LEFT JOIN contacts c ON c.id = v.customer_id
      RETURNING id
    ),
    lines AS (
      INSERT INTO invoice_lines (invoice_id, position, product_id, description, quantity, unit_price, discount, tax_id, tax_rate, exempt, amount)
      SELECT invoice.id, l.position, l.product_id, l.description, l.quantity, l.unit_price, l.discount, l.tax_id, l.tax_rate, l.exempt, l.amount
        FROM invoice, quotation_lines l
       WHERE l.quotation_id = ${id}::uuid
      RETURNING 1
    )
    SELECT (SELECT id FROM invoice) AS created, (SELECT count(*) FROM lines) AS line_count`);
  if (result.rows[0]?.created) return { ok: true, invoiceId, created: true };
  // Not converted by this statement: read the committed state (a parallel request may have just converted it).
  const current = await getQuotation(db, id, branchIds);
  if (!current) return { ok: false, reason: 'not_found' };
  if (current.status === 'converted' && current.convertedInvoiceId)
    return { ok: true, invoiceId: current.convertedInvoiceId, created: false };
  return { ok: false, reason: 'not_convertible' };
}

export interface QuotationFormContext {
  customer: { id: string; name: string; idNumber: string | null } | null;
  prescriptions: Array<{ id: string; examinedOn: string }>;
  /** The customer's latest prescription with its lens values (the sales editor offers it). */
  latestRx: LensPrescription | null;
  currencies: Array<{ code: string; name: string; symbol: string }>;
  taxes: Array<{ id: number; name: string; rate: string; exempt: boolean }>;
  customers: Array<{ id: string; name: string; idNumber: string | null }>;
  /** The products the line editor's search box finds (never the catalogue). */
  products: PickerProduct[];
  /** Active users for the seller select; empty when the user may not change the seller (no select). */
  sellers: Array<{ id: string; name: string }>;
}

/** Everything the quotation form needs (chosen customer and their prescriptions, currencies, taxes, customer and product matches) in one query. */
export async function quotationFormContext(
  db: TenantDb,
  customerId: string | null,
  search: string | null,
  products: ProductSearch = { q: null, branchId: null },
  sellers = false,
): Promise<QuotationFormContext> {
  return (await quotationFormContextQuery(db, customerId, search, products, sellers)).rows[0]!;
}

/**
 * quotationFormContext's statement, not yet run; `{ ofQuotation }` reads that quotation's own
 * customer in the same statement, so that an edit page needs no first query to learn it.
 */
export function quotationFormContextQuery(
  db: TenantDb,
  customer: string | null | { ofQuotation: string } | { ofPrescription: string },
  search: string | null,
  products: ProductSearch = { q: null, branchId: null },
  /** Offer the active users as sellers (only to those with sellers.change). */
  sellers = false,
) {
  const customerId =
    customer && typeof customer === 'object'
      ? 'ofQuotation' in customer
        ? sql`(SELECT cq.customer_id FROM quotations cq WHERE cq.id = ${customer.ofQuotation}::uuid)`
        : sql`(SELECT crx.patient_id FROM prescriptions crx WHERE crx.id = ${customer.ofPrescription}::uuid)`
      : customer;
  const matches = search ? customerPickerMatches(search, 20) : null;
  const productMatches = productPickerMatches(products.q ?? '', products.branchId, pickerPageSize);
  return db.execute<QuotationFormContext & Record<string, unknown>>(sql`
    SELECT
      (SELECT json_build_object('id', c.id, 'name', c.name, 'idNumber', c.id_number) FROM contacts c WHERE c.id = ${customerId}::uuid) AS customer,
      coalesce((SELECT json_agg(json_build_object('id', p.id, 'examinedOn', p.examined_on::text) ORDER BY p.examined_on DESC, p.id)
                  FROM prescriptions p WHERE p.patient_id = ${customerId}::uuid), '[]'::json) AS prescriptions,
      ${latestLensPrescriptionJson(customerId)} AS "latestRx",
      coalesce((SELECT json_agg(json_build_object('code', code, 'name', name, 'symbol', symbol) ORDER BY is_base DESC, code) FROM currencies WHERE active), '[]'::json) AS currencies,
      coalesce((SELECT json_agg(json_build_object('id', id, 'name', name, 'rate', rate::text, 'exempt', exempt) ORDER BY rate DESC, id) FROM taxes WHERE active), '[]'::json) AS taxes,
      ${matches ? sql`coalesce((SELECT json_agg(m ORDER BY lower(m.name), m.id) FROM (${matches}) m), '[]'::json)` : sql`'[]'::json`} AS customers,
      ${productMatches ? sql`coalesce((SELECT json_agg(p) FROM (${productMatches}) p), '[]'::json)` : sql`'[]'::json`} AS products,
      ${sellerOptionsJson(sellers)} AS sellers`);
}
