import type { CreatedCursor } from './keyset';
import { sql, type SQL } from 'drizzle-orm';
import type { EcfDeliveryState, EcfState, invoiceStatuses } from '../db/tenant-schema';
import { raisedCode } from '../db/raised';
import type { TaxBreakdownEntry } from '../domain/totals';
import type { TenantDb } from '../db/client';
import { latestLensPrescriptionJson, type LensPrescription } from './sales-editor';
import type { InvoiceHeaderInput } from '../schemas/invoices';
import { type BranchScope, inScope } from './branch-scope';
import type { EcfRow } from './ecf';
import { likeEscape } from './products';
import {
  customerPickerMatches,
  digitPrefix,
  isMatchingContact,
  matchingContactIds,
  parseContactSearch,
} from './contacts';
import { pickerPageSize, productPickerMatches, type PickerProduct, type ProductSearch } from './pickers';
import { foldedContains, mayBeNumber, probeThenSearch } from './search';
import { linesJson, linesRecordset, type PricedLine } from './document-lines';
import type { DocumentTotals } from '../domain/totals';
import { shopEventInsertFrom } from './messaging';
import { activeSellersQuery, type SellerOption, sellerOptionsJson } from './sellers';

export type InvoiceStatus = (typeof invoiceStatuses)[number];

export interface InvoiceLine {
  id: string;
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
  trackStock: boolean;
}

export interface InvoicePayment {
  id: string;
  number: string;
  receivedOn: string;
  method: string;
  amount: string;
  status: string;
}

export interface InvoiceCreditNote {
  id: string;
  ncf: string | null;
  status: string;
  issuedOn: string | null;
  total: string;
}

/** The company as printed on a document (`company`, or the snapshot `issue_invoice` takes). */
export interface CompanyInfo {
  name: string;
  rnc: string | null;
  address: string | null;
  phones: string | null;
  email: string | null;
  invoiceFooter: string | null;
  logoKey: string | null;
}

/** A branch as printed on a document. */
export interface BranchInfo {
  name: string;
  address: string | null;
  phone: string | null;
}

/** The other party of a document: its buyer (or a quotation's customer). */
export interface Party {
  name: string | null;
  idType: string | null;
  idNumber: string | null;
}

/**
 * The one shape of an invoice (or credit note): its page, the API, the print view, the PDF and
 * the e-CF mapper all read it with getInvoice (one query). List rows are InvoiceSummary.
 */
export interface Invoice {
  id: string;
  kind: 'invoice' | 'credit_note';
  status: InvoiceStatus;
  ncfType: string;
  sequenceId: string | null;
  sequencePrefix: string | null;
  ncf: string | null;
  ncfValidUntil: string | null;
  issuedOn: string | null;
  dueOn: string | null;
  customerId: string | null;
  customerName: string | null;
  customerIdType: string | null;
  customerIdNumber: string | null;
  buyerName: string | null;
  buyerIdType: string | null;
  buyerIdNumber: string | null;
  branchId: string;
  branchName: string;
  prescriptionId: string | null;
  prescriptionDate: string | null;
  quotationId: string | null;
  currencyCode: string;
  currencySymbol: string;
  exchangeRate: string;
  grossTotal: string;
  discountTotal: string;
  taxableTotal: string;
  exemptTotal: string;
  itbisTotal: string;
  total: string;
  taxBreakdown: TaxBreakdownEntry[];
  taxableTotalDop: string;
  exemptTotalDop: string;
  itbisTotalDop: string;
  totalDop: string;
  paidTotal: string;
  creditedTotal: string;
  balance: string;
  /** Whether a payment / a credit note may be recorded against it (SQL invoice_payable / invoice_creditable). */
  payable: boolean;
  creditable: boolean;
  issueKey: string | null;
  voidedAt: string | null;
  voidReason: string | null;
  voidNote: string | null;
  notes: string | null;
  createdByName: string | null;
  /** Who sold it (a credit note: its invoice's seller). */
  sellerId: string | null;
  sellerName: string | null;
  createdAt: string;
  updatedAt: string;
  /** updated_at exactly as Postgres prints it, passed back to issue_invoice as the draft's version. */
  version: string;
  /** The exchange rate of the currency on the date asked for (null when none); '1.0000' for DOP. */
  rateOnDate: string | null;
  /** The issuer as printed, snapshotted when the number was assigned (null on drafts). */
  issuer: IssuerSnapshot | null;
  /** As printed: the snapshot's company (the company as it is now on drafts), its branch, the buyer. */
  company: CompanyInfo;
  branch: BranchInfo;
  buyer: Party;
  /** The creation date in the shop's time zone (what a draft prints). */
  createdOn: string;
  /** Credit notes: the NCF they modify, whether they refund ITBIS, why. */
  modifiedNcf: string | null;
  refundsItbis: boolean | null;
  creditReason: string | null;
  /** The archived PDF, once made. */
  pdfKey: string | null;
  lines: InvoiceLine[];
  payments: InvoicePayment[];
  creditNotes: InvoiceCreditNote[];
  /** The document's e-CF (ecf_documents), read in the same statement; null for B-series or before it is signed. */
  ecf: InvoiceEcf | null;
}

/** The e-CF of a document as its page, the API and the print read it; times are ISO 8601 (UTC). */
export interface InvoiceEcf {
  id: string;
  state: EcfState;
  /** DGII's estado as it answered it, e.g. 'Aceptado Condicional'. */
  dgiiStatus: string | null;
  trackId: string | null;
  encf: string;
  ecfType: string;
  securityCode: string;
  signedAt: string;
  environment: string;
  channel: 'ecf' | 'rfce';
  /** What the signed XML's MontoTotal says (the document's DOP total). */
  totalDop: string;
  /** RNCEmisor as signed: the RNC in the document's issuer snapshot. */
  issuerRnc: string | null;
  messages: Array<{ valor: string; codigo: number | string }>;
  sequenceUsed: boolean | null;
  lastError: string | null;
  sentAt: string | null;
  finishedAt: string | null;
  /** The buyer's commercial answer (ACECF), once it gave one. */
  buyerApproval: 'approved' | 'rejected' | null;
  buyerApprovalReason: string | null;
  buyerApprovalAt: string | null;
  /** Sending the e-CF to an electronic buyer after DGII accepted it; null when it is not sent to one. */
  deliveryState: EcfDeliveryState | null;
  deliveredAt: string | null;
  deliveryError: string | null;
}

/** The e-CF row as the document query reads it, for a caller that has just written that row. */
export function invoiceEcfOf(row: EcfRow, issuerRnc: string | null): InvoiceEcf {
  const at = (value: Date | null) => value?.toISOString() ?? null;
  return {
    id: row.id,
    state: row.state,
    dgiiStatus: row.dgiiStatus,
    trackId: row.trackId,
    encf: row.encf,
    ecfType: row.ecfType,
    securityCode: row.securityCode,
    signedAt: row.signedAt.toISOString(),
    environment: row.environment,
    channel: row.channel,
    totalDop: row.totalDop,
    issuerRnc,
    messages: row.messages,
    sequenceUsed: row.sequenceUsed,
    lastError: row.lastError,
    sentAt: at(row.sentAt),
    finishedAt: at(row.finishedAt),
    buyerApproval: row.buyerApproval,
    buyerApprovalReason: row.buyerApprovalReason,
    buyerApprovalAt: at(row.buyerApprovalAt),
    deliveryState: row.deliveryState,
    deliveredAt: at(row.deliveredAt),
    deliveryError: row.deliveryError,
  };
}

/** The company and branch as they were when a document's number was assigned (issue_invoice / issue_credit_note, document_issuer). */
export type IssuerSnapshot = CompanyInfo & { branch: BranchInfo | null };

const isoText = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
const iso = (column: string) => sql.raw(isoText(column));

/** The e-CF of the document aliased `alias`, as one json value (null when it has none): one sub-select, no extra round trip. */
export function ecfJson(alias: string): SQL {
  return sql.raw(`(SELECT json_build_object('id', e.id, 'state', e.state, 'dgiiStatus', e.dgii_status, 'trackId', e.track_id,
             'encf', e.encf, 'ecfType', e.ecf_type, 'securityCode', e.security_code, 'signedAt', ${isoText('e.signed_at')},
             'environment', e.environment, 'channel', e.channel, 'totalDop', e.total_dop::text, 'messages', e.messages,
             'issuerRnc', coalesce(${alias}.issuer->>'rnc', (SELECT co.rnc FROM company co WHERE co.id = 1)),
             'sequenceUsed', e.sequence_used, 'lastError', e.last_error, 'sentAt', ${isoText('e.sent_at')},
             'finishedAt', ${isoText('e.finished_at')}, 'buyerApproval', e.buyer_approval,
             'buyerApprovalReason', e.buyer_approval_reason, 'buyerApprovalAt', ${isoText('e.buyer_approval_at')},
             'deliveryState', e.delivery_state, 'deliveredAt', ${isoText('e.delivered_at')}, 'deliveryError', e.delivery_error)
        FROM ecf_documents e WHERE e.invoice_id = ${alias}.id)`);
}

/**
 * One invoice with its lines, payments, credit notes, customer, branch and the exchange rate of
 * `rateOn` (default today in the database; callers pass the shop's date), in ONE query.
 */
export async function getInvoice(db: TenantDb, id: string, options: InvoiceQueryOptions = {}): Promise<Invoice | null> {
  return firstInvoice(await invoiceQuery(db, id, options));
}

export interface InvoiceQueryOptions {
  rateOn?: string;
  branchIds?: string[] | null;
  /** Only branches this user is assigned to (user_branches). */
  assignedTo?: string;
  kind?: Invoice['kind'];
}

/** getInvoice's row from its query's result (a `db.batch` answers the raw result). */
export function firstInvoice(result: { rows: unknown[] }): Invoice | null {
  return (result.rows[0] as Invoice | undefined) ?? null;
}

/** getInvoice's statement, not yet run: to be awaited, or put in a `db.batch` beside a page's other statements. */
export function invoiceQuery(db: TenantDb, id: string, options: InvoiceQueryOptions = {}) {
  const rateOn = options.rateOn ?? null;
  const kindFilter = options.kind ? sql`AND i.kind = ${options.kind}` : sql``;
  const assignedFilter = options.assignedTo
    ? sql`AND EXISTS (SELECT 1 FROM user_branches ub WHERE ub.user_id = ${options.assignedTo}::uuid AND ub.branch_id = i.branch_id)`
    : sql``;
  const branchFilter = options.branchIds
    ? sql`AND i.branch_id IN (${
        options.branchIds.length
          ? sql.join(
              options.branchIds.map((b) => sql`${b}::uuid`),
              sql`, `,
            )
          : sql`NULL`
      })`
    : sql``;
  return db.execute<Invoice & Record<string, unknown>>(sql`
    SELECT i.id, i.kind, i.status, i.ncf_type AS "ncfType", i.sequence_id AS "sequenceId", fs.prefix AS "sequencePrefix", i.ncf,
           i.ncf_valid_until::text AS "ncfValidUntil", i.issued_on::text AS "issuedOn", i.due_on::text AS "dueOn",
           i.customer_id AS "customerId", c.name AS "customerName", c.id_type AS "customerIdType", c.id_number AS "customerIdNumber",
           i.buyer_name AS "buyerName", i.buyer_id_type AS "buyerIdType", i.buyer_id_number AS "buyerIdNumber",
           i.branch_id AS "branchId", b.name AS "branchName", i.prescription_id AS "prescriptionId", rx.examined_on::text AS "prescriptionDate",
           i.quotation_id AS "quotationId", i.currency_code AS "currencyCode", coalesce(cur.symbol, i.currency_code) AS "currencySymbol",
           i.exchange_rate::text AS "exchangeRate",
           i.gross_total::text AS "grossTotal", i.discount_total::text AS "discountTotal", i.taxable_total::text AS "taxableTotal",
           i.exempt_total::text AS "exemptTotal", i.itbis_total::text AS "itbisTotal", i.total::text AS total, i.tax_breakdown AS "taxBreakdown",
           i.taxable_total_dop::text AS "taxableTotalDop", i.exempt_total_dop::text AS "exemptTotalDop", i.itbis_total_dop::text AS "itbisTotalDop",
           i.total_dop::text AS "totalDop", i.issuer,
           coalesce((i.issuer - 'branch')::json, (SELECT json_build_object('name', co.name, 'rnc', co.rnc, 'address', co.address, 'phones', co.phones,
                      'email', co.email, 'invoiceFooter', co.invoice_footer, 'logoKey', co.logo_key) FROM company co WHERE co.id = 1)) AS company,
           coalesce((i.issuer->'branch')::json, json_build_object('name', b.name, 'address', b.address, 'phone', b.phone)) AS branch,
           json_build_object('name', coalesce(i.buyer_name, c.name), 'idType', coalesce(i.buyer_id_type, c.id_type),
             'idNumber', coalesce(i.buyer_id_number, c.id_number)) AS buyer,
           (i.created_at AT TIME ZONE 'America/Santo_Domingo')::date::text AS "createdOn", i.modified_ncf AS "modifiedNcf",
           i.refunds_itbis AS "refundsItbis", i.credit_reason AS "creditReason", i.pdf_key AS "pdfKey", i.paid_total::text AS "paidTotal", i.credited_total::text AS "creditedTotal",
           (i.total - i.paid_total - i.credited_total)::text AS balance, i.issue_key AS "issueKey",
           invoice_payable(i.kind, i.status) AS payable, invoice_creditable(i.kind, i.status) AS creditable,
           ${iso('i.voided_at')} AS "voidedAt", i.void_reason AS "voidReason", i.void_note AS "voidNote", i.notes,
           u.name AS "createdByName", i.seller_id AS "sellerId", (SELECT su.name FROM users su WHERE su.id = i.seller_id) AS "sellerName",
           ${iso('i.created_at')} AS "createdAt", ${iso('i.updated_at')} AS "updatedAt", i.updated_at::text AS version,
           CASE WHEN cur.is_base OR i.currency_code = 'DOP' THEN '1.0000'
                ELSE (SELECT r.rate::text FROM exchange_rates r WHERE r.currency_code = i.currency_code AND r.valid_on <= coalesce(${rateOn}::date, current_date)
                       ORDER BY r.valid_on DESC LIMIT 1) END AS "rateOnDate",
           coalesce((SELECT json_agg(json_build_object('id', l.id, 'position', l.position, 'productId', l.product_id, 'sku', p.sku,
                       'description', l.description, 'quantity', l.quantity::text, 'unitPrice', l.unit_price::text, 'discount', l.discount::text,
                       'taxId', l.tax_id, 'taxRate', l.tax_rate::text, 'exempt', l.exempt, 'amount', l.amount::text,
                       'trackStock', coalesce(p.track_stock, false)) ORDER BY l.position)
                       FROM invoice_lines l LEFT JOIN products p ON p.id = l.product_id WHERE l.invoice_id = i.id), '[]'::json) AS lines,
           coalesce((SELECT json_agg(json_build_object('id', pay.id, 'number', pay.number, 'receivedOn', pay.received_on::text, 'method', pay.method,
                       'amount', pay.amount::text, 'status', pay.status) ORDER BY pay.created_at)
                       FROM payments pay WHERE pay.invoice_id = i.id), '[]'::json) AS payments,
           coalesce((SELECT json_agg(json_build_object('id', n.id, 'ncf', n.ncf, 'status', n.status, 'issuedOn', n.issued_on::text, 'total', n.total::text)
                       ORDER BY n.created_at)
                       FROM invoices n WHERE n.reference_invoice_id = i.id AND n.kind = 'credit_note'), '[]'::json) AS "creditNotes",
           ${ecfJson('i')} AS ecf
      FROM invoices i
      JOIN branches b ON b.id = i.branch_id
      LEFT JOIN contacts c ON c.id = i.customer_id
      LEFT JOIN currencies cur ON cur.code = i.currency_code
      LEFT JOIN fiscal_sequences fs ON fs.id = i.sequence_id
      LEFT JOIN prescriptions rx ON rx.id = i.prescription_id
      LEFT JOIN users u ON u.id = i.created_by
     WHERE i.id = ${id}::uuid ${branchFilter} ${kindFilter} ${assignedFilter}`);
}

/**
 * Where the signed e-CF of an invoice or credit note (of `kind`, in the branches of `scope`) is kept in the shop's files; null when the document has no e-CF or is out of reach.
 */
export async function signedEcfKey(
  db: TenantDb,
  id: string,
  options: { kind: Invoice['kind']; scope: BranchScope },
): Promise<{ encf: string; key: string } | null> {
  const result = await db.execute<{ encf: string; key: string }>(sql`
    SELECT e.encf, e.signed_xml_key AS key
      FROM ecf_documents e JOIN invoices i ON i.id = e.invoice_id
     WHERE i.id = ${id}::uuid AND i.kind = ${options.kind} AND ${inScope(sql`i.branch_id`, options.scope)}`);
  return result.rows[0] ?? null;
}

export interface InvoiceSummary {
  id: string;
  status: InvoiceStatus;
  ncfType: string;
  ncf: string | null;
  issuedOn: string | null;
  customerId: string | null;
  customerName: string | null;
  branchId: string;
  currencyCode: string;
  currencySymbol: string;
  total: string;
  balance: string;
  createdAt: string;
  /** The e-CF's state (null without one), joined in the list's own statement. */
  ecfStatus: EcfState | null;
  sellerId: string | null;
  sellerName: string | null;
}

/** Newest first by (created_at, id). */
export type InvoiceCursor = CreatedCursor;

/**
 * The invoices (table alias `alias`) a search box finds: NCF prefix, the buyer's name or
 * identification as printed, or a customer found by name, identification or phone. Each branch of
 * the OR has its own index (trigram on ncf and search_fold(buyer_name), btree on buyer_id_number and
 * customer_id), so the OR is a BitmapOr of index scans rather than a scan of every invoice.
 */
export function invoiceSearch(alias: string, q: string, perRow = false): SQL {
  const i = sql.raw(alias);
  const search = parseContactSearch(q);
  const ncf = q.replace(/\s/g, '').toUpperCase();
  const branches: SQL[] = mayBeNumber(q) ? [sql`${i}.ncf LIKE ${`${likeEscape(ncf)}%`}`] : [];
  if (search.kind === 'digits') branches.push(digitPrefix(sql`${i}.buyer_id_number`, search.digits));
  if (search.kind === 'text') {
    branches.push(
      sql`(${sql.join(
        search.words.map((word) => foldedContains(sql`${i}.buyer_name`, word)),
        sql` AND `,
      )})`,
    );
    if (search.idNumber) branches.push(sql`${i}.buyer_id_number = ${search.idNumber}`);
  }
  const customers = perRow ? isMatchingContact(search, sql`${i}.customer_id`) : matchingContactIds(search);
  if (customers) branches.push(perRow ? customers : sql`${i}.customer_id = ANY (${customers})`);
  return branches.length ? sql`(${sql.join(branches, sql` OR `)})` : sql`false`;
}

/**
 * One page of invoices (newest first; keyset on created_at, id) in one query. `branchIds` null:
 * every branch. `q` matches the NCF (prefix) or the customer's / buyer's name.
 */
export async function listInvoices(
  db: TenantDb,
  filter: {
    branchIds: string[] | null;
    status?: InvoiceStatus;
    /** Issued from / to (inclusive, YYYY-MM-DD); drafts have no issue date and drop out. */
    from?: string | null;
    to?: string | null;
    q?: string;
    /** Only this seller's invoices. */
    sellerId?: string | null;
    after?: InvoiceCursor | null;
    limit: number;
    /** Also read the active users (the seller filter's options) in the same round trip. */
    withSellers?: boolean;
  },
): Promise<{ rows: InvoiceSummary[]; next: InvoiceCursor | null; sellers: SellerOption[] }> {
  const conditions: SQL[] = [sql`i.kind = 'invoice'`];
  if (filter.branchIds) {
    if (!filter.branchIds.length) return { rows: [], next: null, sellers: [] };
    conditions.push(
      sql`i.branch_id IN (${sql.join(
        filter.branchIds.map((id) => sql`${id}::uuid`),
        sql`, `,
      )})`,
    );
  }
  if (filter.status) conditions.push(sql`i.status = ${filter.status}`);
  if (filter.sellerId) conditions.push(sql`i.seller_id = ${filter.sellerId}::uuid`);
  if (filter.from) conditions.push(sql`i.issued_on >= ${filter.from}::date`);
  if (filter.to) conditions.push(sql`i.issued_on <= ${filter.to}::date`);
  if (filter.after)
    conditions.push(sql`(i.created_at, i.id) < (${filter.after.createdAt}::timestamptz, ${filter.after.id}::uuid)`);
  const base = sql.join(conditions, sql` AND `);
  const page = filter.q?.trim()
    ? probeThenSearch({
        table: sql.raw('invoices'),
        alias: 'i',
        base,
        search: invoiceSearch('i', filter.q),
        probeSearch: invoiceSearch('i', filter.q, true),
        order: sql`i.created_at DESC, i.id DESC`,
        hiddenOrder: sql`(i.created_at + interval '0 s') DESC, i.id DESC`,
        limit: filter.limit + 1,
      })
    : sql`SELECT * FROM invoices i WHERE ${base} ORDER BY i.created_at DESC, i.id DESC LIMIT ${filter.limit + 1}`;
  const statement = db.execute<InvoiceSummary & { cursor: string } & Record<string, unknown>>(sql`
    SELECT i.id, i.status, i.ncf_type AS "ncfType", i.ncf, i.issued_on::text AS "issuedOn", i.customer_id AS "customerId",
           coalesce(i.buyer_name, c.name) AS "customerName", i.branch_id AS "branchId", i.currency_code AS "currencyCode",
           coalesce(cur.symbol, i.currency_code) AS "currencySymbol", i.total::text AS total,
           (i.total - i.paid_total - i.credited_total)::text AS balance, ${iso('i.created_at')} AS "createdAt", e.state AS "ecfStatus",
           i.created_at::text AS cursor, i.seller_id AS "sellerId", sel.name AS "sellerName"
      FROM (${page}) i
      LEFT JOIN users sel ON sel.id = i.seller_id
      LEFT JOIN contacts c ON c.id = i.customer_id
      LEFT JOIN currencies cur ON cur.code = i.currency_code
      LEFT JOIN ecf_documents e ON e.invoice_id = i.id
     ORDER BY i.created_at DESC, i.id DESC`);
  const [result, sellers] = filter.withSellers
    ? await db.batch([statement, activeSellersQuery(db)])
    : [await statement, [] as SellerOption[]];
  const rows = result.rows.slice(0, filter.limit);
  const last = rows.at(-1);
  const next = result.rows.length > filter.limit && last ? { createdAt: last.cursor, id: last.id } : null;
  return { rows: rows.map(({ cursor: _cursor, ...row }) => row), next, sellers };
}

export interface InvoiceFormOptions {
  taxes: Array<{ id: number; name: string; rate: string; exempt: boolean }>;
  currencies: Array<{ code: string; name: string; symbol: string }>;
  sequences: Array<{
    id: string;
    docType: string;
    prefix: string;
    description: string | null;
    branchName: string | null;
    isDefault: boolean;
  }>;
  customers: Array<{ id: string; name: string; idNumber: string | null }>;
  prescriptions: Array<{ id: string; examinedOn: string }>;
  /** The customer's latest prescription with its lens values (the sales editor offers it). */
  latestRx: LensPrescription | null;
  /** The products the line editor's search box finds (never the catalogue). */
  products: PickerProduct[];
  /** Active users for the seller select; empty when the user may not change the seller (no select). */
  sellers: Array<{ id: string; name: string }>;
}

/**
 * What the draft form offers in one query: taxes, currencies, NCF sequences, the chosen customer and
 * the customers its search box finds (never the whole list), the customer's prescriptions, the
 * products its product search finds.
 */
export async function invoiceFormOptions(
  db: TenantDb,
  options: {
    customerId?: string | null;
    ncfTypes: readonly string[];
    customerSearch?: string | null;
    products?: ProductSearch;
    sellers?: boolean;
  },
): Promise<InvoiceFormOptions> {
  return (await invoiceFormOptionsQuery(db, options)).rows[0]!;
}

/**
 * invoiceFormOptions's statement, not yet run. `customerOfInvoice`: the customer is that draft's own,
 * read in the same statement, so that an edit page needs no first query to learn it.
 */
export function invoiceFormOptionsQuery(
  db: TenantDb,
  options: {
    customerId?: string | null;
    customerOfInvoice?: string;
    ncfTypes: readonly string[];
    customerSearch?: string | null;
    products?: ProductSearch;
    /** Offer the active users as sellers (only to those with sellers.change). */
    sellers?: boolean;
  },
) {
  const customerId = options.customerOfInvoice
    ? sql`(SELECT d.customer_id FROM invoices d WHERE d.id = ${options.customerOfInvoice}::uuid)`
    : (options.customerId ?? null);
  const matches = options.customerSearch?.trim() ? customerPickerMatches(options.customerSearch, 20) : null;
  const productMatches = productPickerMatches(
    options.products?.q ?? '',
    options.products?.branchId ?? null,
    pickerPageSize,
  );
  return db.execute<InvoiceFormOptions & Record<string, unknown>>(sql`
    SELECT
      coalesce((SELECT json_agg(json_build_object('id', t.id, 'name', t.name, 'rate', t.rate::text, 'exempt', t.exempt) ORDER BY t.id) FROM taxes t WHERE t.active), '[]'::json) AS taxes,
      coalesce((SELECT json_agg(json_build_object('code', cu.code, 'name', cu.name, 'symbol', cu.symbol) ORDER BY cu.is_base DESC, cu.code) FROM currencies cu WHERE cu.active), '[]'::json) AS currencies,
      coalesce((SELECT json_agg(json_build_object('id', s.id, 'docType', s.doc_type, 'prefix', s.prefix, 'description', s.description,
                  'branchName', sb.name, 'isDefault', s.is_default) ORDER BY s.doc_type, s.is_default DESC, s.created_at)
                  FROM fiscal_sequences s LEFT JOIN branches sb ON sb.id = s.branch_id
                 WHERE s.active AND s.doc_type = ANY (string_to_array(${options.ncfTypes.join(',')}, ','))), '[]'::json) AS sequences,
      coalesce((SELECT json_agg(x ORDER BY x.chosen DESC, lower(x.name), x.id) FROM (
                  SELECT id, name, id_number AS "idNumber", true AS chosen FROM contacts WHERE id = ${customerId}::uuid
                  ${matches ? sql`UNION SELECT m.id, m.name, m."idNumber", false FROM (${matches}) m WHERE m.id IS DISTINCT FROM ${customerId}::uuid` : sql``}) x), '[]'::json) AS customers,
      coalesce((SELECT json_agg(json_build_object('id', rx.id, 'examinedOn', rx.examined_on::text) ORDER BY rx.examined_on DESC)
                  FROM prescriptions rx WHERE rx.patient_id = ${customerId}::uuid), '[]'::json) AS prescriptions,
      ${latestLensPrescriptionJson(customerId)} AS "latestRx",
      ${productMatches ? sql`coalesce((SELECT json_agg(p) FROM (${productMatches}) p), '[]'::json)` : sql`'[]'::json`} AS products,
      ${sellerOptionsJson(options.sellers)} AS sellers`);
}

export interface DraftValues extends InvoiceHeaderInput {
  branchId: string;
}

interface DraftWriteRow extends Record<string, unknown> {
  id: string | null;
  customer_ok: boolean;
  sequence_ok: boolean;
  currency_ok: boolean;
  prescription_ok: boolean;
  seller_ok: boolean;
  draft_found: boolean | null;
}

export type DraftWriteResult =
  | { ok: true; id: string }
  | { ok: false; fields: Partial<Record<DraftReference, true>> }
  | { ok: false; notDraft: true };

export type DraftReference = 'customerId' | 'sequenceId' | 'currencyCode' | 'prescriptionId' | 'sellerId';

function draftChecks(values: DraftValues): SQL {
  return sql`SELECT
      (${values.customerId ?? null}::uuid IS NULL OR EXISTS (SELECT 1 FROM contacts WHERE id = ${values.customerId ?? null}::uuid AND archived_at IS NULL)) AS customer_ok,
      (${values.sequenceId ?? null}::uuid IS NULL OR EXISTS (SELECT 1 FROM fiscal_sequences WHERE id = ${values.sequenceId ?? null}::uuid AND doc_type = ${values.ncfType})) AS sequence_ok,
      EXISTS (SELECT 1 FROM currencies WHERE code = ${values.currencyCode} AND active) AS currency_ok,
      (${values.prescriptionId ?? null}::uuid IS NULL OR EXISTS (SELECT 1 FROM prescriptions WHERE id = ${values.prescriptionId ?? null}::uuid)) AS prescription_ok,
      (${values.sellerId ?? null}::uuid IS NULL OR EXISTS (SELECT 1 FROM users WHERE id = ${values.sellerId ?? null}::uuid AND status = 'active')) AS seller_ok`;
}

function writeResult(row: DraftWriteRow): DraftWriteResult {
  if (row.id) return { ok: true, id: row.id };
  if (row.draft_found === false) return { ok: false, notDraft: true };
  const fields: Partial<Record<DraftReference, true>> = {};
  if (!row.customer_ok) fields.customerId = true;
  if (!row.sequence_ok) fields.sequenceId = true;
  if (!row.currency_ok) fields.currencyCode = true;
  if (!row.prescription_ok) fields.prescriptionId = true;
  if (!row.seller_ok) fields.sellerId = true;
  return { ok: false, fields };
}

const totalsColumns = (totals: DocumentTotals) => ({
  gross: totals.grossTotal,
  discount: totals.discountTotal,
  taxable: totals.taxableTotal,
  exempt: totals.exemptTotal,
  itbis: totals.itbisTotal,
  total: totals.total,
  breakdown: JSON.stringify(totals.taxBreakdown),
});

/** A new draft with its priced lines and server totals, in one statement (nothing written when a reference is unknown). */
export async function createDraft(
  db: TenantDb,
  values: DraftValues,
  lines: PricedLine[],
  totals: DocumentTotals,
  userId: string,
  quotationId: string | null = null,
): Promise<DraftWriteResult> {
  const money = totalsColumns(totals);
  const result = await db.execute<DraftWriteRow>(sql`
    WITH checks AS (${draftChecks(values)}),
    created AS (
      INSERT INTO invoices (kind, status, ncf_type, sequence_id, due_on, customer_id, branch_id, prescription_id, quotation_id, currency_code,
                            gross_total, discount_total, taxable_total, exempt_total, itbis_total, total, tax_breakdown, notes, created_by, seller_id)
      SELECT 'invoice', 'draft', ${values.ncfType}, ${values.sequenceId ?? null}::uuid, ${values.dueOn ?? null}::date, ${values.customerId ?? null}::uuid,
             ${values.branchId}::uuid, ${values.prescriptionId ?? null}::uuid, ${quotationId}::uuid, ${values.currencyCode},
             ${money.gross}::numeric, ${money.discount}::numeric, ${money.taxable}::numeric, ${money.exempt}::numeric, ${money.itbis}::numeric,
             ${money.total}::numeric, ${money.breakdown}::jsonb, ${values.notes ?? null}, ${userId}::uuid, ${values.sellerId ?? userId}::uuid
        FROM checks WHERE customer_ok AND sequence_ok AND currency_ok AND prescription_ok AND seller_ok
      RETURNING id
    ),
    inserted AS (
      INSERT INTO invoice_lines (invoice_id, position, product_id, description, quantity, unit_price, discount, tax_id, tax_rate, exempt, amount)
      SELECT created.id, l.position, l.product_id, l.description, l.quantity, l.unit_price, l.discount, l.tax_id, l.tax_rate, l.exempt, l.amount
        FROM created, json_to_recordset(${linesJson(lines)}::json) AS l(${linesRecordset})
      RETURNING 1
    )
    SELECT (SELECT id FROM created) AS id, checks.*, NULL::boolean AS draft_found, (SELECT count(*) FROM inserted) AS line_count FROM checks`);
  return writeResult(result.rows[0]!);
}

/** Replaces a draft's header, lines and totals in one statement; only while it is still a draft. */
export async function updateDraft(
  db: TenantDb,
  id: string,
  values: DraftValues,
  lines: PricedLine[],
  totals: DocumentTotals,
): Promise<DraftWriteResult> {
  const money = totalsColumns(totals);
  const result = await db.execute<DraftWriteRow>(sql`
    WITH checks AS (${draftChecks(values)}),
    updated AS (
      UPDATE invoices i
         SET ncf_type = ${values.ncfType}, sequence_id = ${values.sequenceId ?? null}::uuid, due_on = ${values.dueOn ?? null}::date,
             customer_id = ${values.customerId ?? null}::uuid, branch_id = ${values.branchId}::uuid, prescription_id = ${values.prescriptionId ?? null}::uuid,
             currency_code = ${values.currencyCode}, gross_total = ${money.gross}::numeric, discount_total = ${money.discount}::numeric,
             taxable_total = ${money.taxable}::numeric, exempt_total = ${money.exempt}::numeric, itbis_total = ${money.itbis}::numeric,
             total = ${money.total}::numeric, tax_breakdown = ${money.breakdown}::jsonb, notes = ${values.notes ?? null},
             seller_id = coalesce(${values.sellerId ?? null}::uuid, i.seller_id), updated_at = now()
        FROM checks
       WHERE i.id = ${id}::uuid AND i.kind = 'invoice' AND i.status = 'draft' AND customer_ok AND sequence_ok AND currency_ok AND prescription_ok AND seller_ok
      RETURNING i.id
    ),
    removed AS (DELETE FROM invoice_lines WHERE invoice_id IN (SELECT id FROM updated) RETURNING 1),
    inserted AS (
      INSERT INTO invoice_lines (invoice_id, position, product_id, description, quantity, unit_price, discount, tax_id, tax_rate, exempt, amount)
      SELECT updated.id, l.position, l.product_id, l.description, l.quantity, l.unit_price, l.discount, l.tax_id, l.tax_rate, l.exempt, l.amount
        FROM updated, json_to_recordset(${linesJson(lines)}::json) AS l(${linesRecordset})
      RETURNING 1
    )
    SELECT (SELECT id FROM updated) AS id, checks.*,
           EXISTS (SELECT 1 FROM invoices WHERE id = ${id}::uuid AND kind = 'invoice' AND status = 'draft') AS draft_found,
           (SELECT count(*) FROM removed) + (SELECT count(*) FROM inserted) AS line_count
      FROM checks`);
  return writeResult(result.rows[0]!);
}

/** Deletes a draft (never an issued invoice): 'deleted', 'not_draft' or 'not_found'. */
export async function deleteDraft(
  db: TenantDb,
  id: string,
  branchIds: string[] | null,
): Promise<'deleted' | 'not_draft' | 'not_found'> {
  const branchFilter = branchIds
    ? sql`AND branch_id IN (${
        branchIds.length
          ? sql.join(
              branchIds.map((b) => sql`${b}::uuid`),
              sql`, `,
            )
          : sql`NULL`
      })`
    : sql``;
  const result = await db.execute<{ deleted: boolean; found: boolean }>(sql`
    WITH target AS (SELECT id, status FROM invoices WHERE id = ${id}::uuid AND kind = 'invoice' ${branchFilter}),
    deleted AS (DELETE FROM invoices WHERE id IN (SELECT id FROM target WHERE status = 'draft') RETURNING id)
    SELECT EXISTS (SELECT 1 FROM deleted) AS deleted, EXISTS (SELECT 1 FROM target) AS found`);
  const row = result.rows[0]!;
  return row.deleted ? 'deleted' : row.found ? 'not_draft' : 'not_found';
}

export interface IssueArgs {
  invoiceId: string;
  version: string;
  issueKey: string | null;
  issuedOn: string;
  exchangeRate: string;
  dop: { taxableTotalDop: string; exemptTotalDop: string; itbisTotalDop: string; totalDop: string };
  userId: string;
  /** Who the shop's activity log names (src/queries/audit.ts actorLabel). */
  actor: string;
}

export type IssueOutcome = { ok: true; replayed: boolean; invoice: Invoice } | { ok: false; refusal: unknown };

/** What issuing needs to know besides the draft: whether the shop signs e-CF, and its open B-series fallback period. */
export interface IssueContext {
  ecfEnabled: boolean;
  openFallbackId: string | null;
}

/** issueContext's statement, to be batched with the draft's own (getInvoice). */
export function issueContextQuery(db: TenantDb) {
  return db.execute<IssueContext & Record<string, unknown>>(sql`
    SELECT EXISTS (SELECT 1 FROM ecf_settings) AS "ecfEnabled",
           (SELECT f.id FROM ecf_fallbacks f WHERE f.ended_at IS NULL LIMIT 1) AS "openFallbackId"`);
}

/**
 * Issues a draft in ONE database request, a batch transaction: during a B-series fallback period the
 * draft first takes its B type (only while it is still the version checked, which keeps that
 * version for issue_invoice's own check), then issue_invoice (migration 0005: NCF, buyer snapshot,
 * DOP totals, sale stock movements), the fallback document row, and the issued invoice read back
 * as getInvoice reads it (`readBack`). A refusal rolls back all of it.
 */
export async function issueInvoice(
  db: TenantDb,
  args: IssueArgs & {
    fallback: { fallbackId: string; fromType: string; toType: string } | null;
    readBack: InvoiceQueryOptions;
  },
): Promise<IssueOutcome> {
  const { fallback } = args;
  const switchSeries = fallback
    ? [
        db.execute(sql`
          UPDATE invoices SET ncf_type = ${fallback.toType}, sequence_id = NULL
           WHERE id = ${args.invoiceId}::uuid AND status = 'draft' AND ncf_type = ${fallback.fromType}
             AND updated_at = ${args.version}::timestamptz`),
      ]
    : [];
  const issue = db.execute<{ replayed: boolean }>(sql`
    SELECT replayed
      FROM issue_invoice(${args.invoiceId}::uuid, ${args.version}::timestamptz, ${args.issueKey}, ${args.issuedOn}::date, ${args.exchangeRate}::numeric,
                         ${args.dop.taxableTotalDop}::numeric, ${args.dop.exemptTotalDop}::numeric, ${args.dop.itbisTotalDop}::numeric,
                         ${args.dop.totalDop}::numeric, ${args.userId}::uuid, ${args.actor})`);
  const recordFallback = fallback
    ? [
        db.execute(sql`
          INSERT INTO ecf_fallback_documents (invoice_id, fallback_id, ecf_type)
          SELECT i.id, ${fallback.fallbackId}::uuid, ${fallback.fromType} FROM invoices i
           WHERE i.id = ${args.invoiceId}::uuid AND i.status <> 'draft' AND i.ncf_type = ${fallback.toType}
          ON CONFLICT DO NOTHING`),
      ]
    : [];
  // The invoice.issued event commits with the issue (an outbox row); a replay finds its key and adds none.
  const event = db.execute(
    shopEventInsertFrom(
      'invoice.issued',
      sql`'invoice.issued:' || i.id`,
      sql`i.id`,
      sql`FROM invoices i WHERE i.id = ${args.invoiceId}::uuid AND i.status <> 'draft'`,
    ),
  );
  try {
    const results = await db.batch([
      ...switchSeries,
      issue,
      ...recordFallback,
      event,
      invoiceQuery(db, args.invoiceId, args.readBack),
    ] as unknown as [typeof issue]);
    const issued = results[switchSeries.length] as Awaited<typeof issue>;
    const invoice = firstInvoice(results.at(-1) as { rows: unknown[] });
    return { ok: true, replayed: issued.rows[0]!.replayed, invoice: invoice! };
  } catch (error) {
    if (!raisedCode(error)) throw error;
    return { ok: false, refusal: error };
  }
}

/** Calls void_invoice (migration 0005); the refusal (the raised error) when it is refused. */
export async function voidInvoice(
  db: TenantDb,
  args: { invoiceId: string; reason: string; note: string | null; userId: string; actor: string },
): Promise<{ ok: true } | { ok: false; refusal: unknown }> {
  try {
    await db.execute(
      sql`SELECT void_invoice(${args.invoiceId}::uuid, ${args.reason}, ${args.note}, ${args.userId}::uuid, ${args.actor})`,
    );
    return { ok: true };
  } catch (error) {
    if (!raisedCode(error)) throw error;
    return { ok: false, refusal: error };
  }
}
