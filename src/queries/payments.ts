import type { CreatedCursor } from './keyset';
import { inScope, scopeArray, type BranchScope } from './branch-scope';
import { sql, type SQL } from 'drizzle-orm';
import type { invoiceStatuses, paymentMethods } from '../db/tenant-schema';
import type { TenantDb } from '../db/client';
import { raisedCode } from '../db/raised';
import type { BranchInfo, CompanyInfo, Party } from './invoices';
import { likeEscape } from './products';
import { invoiceSearch } from './invoices';
import { mayBeNumber, sortedAfterSearch } from './search';
import { shopEventInsertFrom } from './messaging';

export type PaymentMethod = (typeof paymentMethods)[number];
export type InvoiceStatus = (typeof invoiceStatuses)[number];

/** What the payment screens show of the invoice a payment belongs to. */
export interface PayableInvoice {
  id: string;
  kind: 'invoice' | 'credit_note';
  status: InvoiceStatus;
  ncf: string | null;
  ncfType: string;
  issuedOn: string | null;
  buyerName: string | null;
  customerId: string | null;
  branchId: string;
  currencyCode: string;
  currencySymbol: string;
  total: string;
  paidTotal: string;
  creditedTotal: string;
  /** total - paid - credited (negative: owed back to the buyer). */
  balance: string;
  /** Whether its status lets a payment be recorded (SQL invoice_payable; the balance is apart). */
  payable: boolean;
}

export interface Payment {
  id: string;
  number: string;
  invoiceId: string;
  receivedOn: string;
  method: PaymentMethod;
  amount: string;
  reference: string | null;
  notes: string | null;
  status: 'active' | 'voided';
  voidedAt: string | null;
  voidReason: string | null;
  branchId: string;
  branchName: string;
  createdByName: string | null;
  createdAt: string;
  invoice: PayableInvoice;
  /** Invoice total - credited - active payments up to and including this one (what the receipt prints). */
  balanceAfter: string;
  /** As printed: the invoice's buyer, the branch, the company as it is now. */
  buyer: Party;
  branch: BranchInfo;
  company: CompanyInfo;
}

export interface PaymentListRow {
  id: string;
  number: string;
  receivedOn: string;
  method: PaymentMethod;
  amount: string;
  status: 'active' | 'voided';
  invoiceId: string;
  invoiceNcf: string | null;
  customerName: string | null;
  currencyCode: string;
  currencySymbol: string;
  createdAt: string;
}

const invoiceJson = (alias: string) =>
  sql.raw(`json_build_object('id', ${alias}.id, 'kind', ${alias}.kind, 'status', ${alias}.status, 'ncf', ${alias}.ncf, 'ncfType', ${alias}.ncf_type,
    'issuedOn', ${alias}.issued_on::text, 'buyerName', ${alias}.buyer_name, 'customerId', ${alias}.customer_id, 'branchId', ${alias}.branch_id,
    'currencyCode', ${alias}.currency_code, 'currencySymbol', coalesce((SELECT symbol FROM currencies WHERE code = ${alias}.currency_code), ${alias}.currency_code),
    'total', ${alias}.total::text, 'paidTotal', ${alias}.paid_total::text, 'creditedTotal', ${alias}.credited_total::text,
    'balance', (${alias}.total - ${alias}.paid_total - ${alias}.credited_total)::text,
    'payable', invoice_payable(${alias}.kind, ${alias}.status))`);

/** The invoice a payment would be recorded against, in one query; null when unknown or outside the scope. */
export async function payableInvoice(
  db: TenantDb,
  invoiceId: string,
  scope: BranchScope,
): Promise<PayableInvoice | null> {
  const result = await db.execute<{ invoice: PayableInvoice }>(sql`
    SELECT ${invoiceJson('i')} AS invoice FROM invoices i WHERE i.id = ${invoiceId}::uuid AND ${inScope(sql`i.branch_id`, scope)}`);
  return result.rows[0]?.invoice ?? null;
}

/** One payment with its invoice's figures, in one query. */
export async function getPayment(
  db: TenantDb,
  id: string,
  scope: BranchScope,
  options: { assignedTo?: string } = {},
): Promise<Payment | null> {
  const assignedFilter = options.assignedTo
    ? sql`AND EXISTS (SELECT 1 FROM user_branches ub WHERE ub.user_id = ${options.assignedTo}::uuid AND ub.branch_id = p.branch_id)`
    : sql``;
  const result = await db.execute<{ payment: Payment }>(sql`
    SELECT json_build_object('id', p.id, 'number', p.number, 'invoiceId', p.invoice_id, 'receivedOn', p.received_on::text, 'method', p.method,
             'amount', p.amount::text, 'reference', p.reference, 'notes', p.notes, 'status', p.status,
             'voidedAt', to_char(p.voided_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'voidReason', p.void_reason,
             'branchId', p.branch_id, 'branchName', b.name, 'createdByName', u.name,
             'createdAt', to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
             'invoice', ${invoiceJson('i')},
             'balanceAfter', (i.total - i.credited_total - (SELECT coalesce(sum(p2.amount), 0) FROM payments p2
                 WHERE p2.invoice_id = p.invoice_id AND p2.status = 'active' AND (p2.created_at, p2.id) <= (p.created_at, p.id)))::text,
             'buyer', json_build_object('name', coalesce(i.buyer_name, ct.name), 'idType', coalesce(i.buyer_id_type, ct.id_type),
               'idNumber', coalesce(i.buyer_id_number, ct.id_number)),
             'branch', json_build_object('name', b.name, 'address', b.address, 'phone', b.phone),
             'company', (SELECT json_build_object('name', co.name, 'rnc', co.rnc, 'address', co.address, 'phones', co.phones, 'email', co.email,
                 'invoiceFooter', co.invoice_footer, 'logoKey', co.logo_key) FROM company co WHERE co.id = 1)) AS payment
      FROM payments p JOIN invoices i ON i.id = p.invoice_id JOIN branches b ON b.id = p.branch_id LEFT JOIN users u ON u.id = p.created_by
      LEFT JOIN contacts ct ON ct.id = i.customer_id
     WHERE p.id = ${id}::uuid AND ${inScope(sql`i.branch_id`, scope)} ${assignedFilter}`);
  return result.rows[0]?.payment ?? null;
}

/** The home page's links into the list: receipts of a period (`YYYY-MM-DD`, inclusive) and an active payment method. */
export interface PaymentPeriod {
  from?: string;
  to?: string;
  method?: PaymentMethod;
}

/** Receipts newest first, one page in one query (keyset on created_at, id). */
export async function listPayments(
  db: TenantDb,
  filter: {
    scope: BranchScope;
    invoiceId?: string;
    q?: string;
    after?: CreatedCursor | null;
    limit: number;
  } & PaymentPeriod,
): Promise<{ rows: PaymentListRow[]; next: CreatedCursor | null }> {
  const conditions: SQL[] = [inScope(sql`i.branch_id`, filter.scope)];
  if (filter.invoiceId) conditions.push(sql`p.invoice_id = ${filter.invoiceId}::uuid`);
  if (filter.from) conditions.push(sql`p.received_on >= ${filter.from}::date`);
  if (filter.to) conditions.push(sql`p.received_on <= ${filter.to}::date`);
  if (filter.method) conditions.push(sql`p.method = ${filter.method}`);
  if (filter.from || filter.to || filter.method) conditions.push(sql`p.status = 'active'`);
  const searching = Boolean(filter.q?.trim());
  if (searching) {
    const pattern = likeEscape(filter.q!.trim().toLowerCase());
    conditions.push(
      sql`(${mayBeNumber(pattern) ? sql`lower(p.number) LIKE ${`${pattern}%`} OR ` : sql``}p.invoice_id = ANY (ARRAY(SELECT si.id FROM invoices si WHERE ${invoiceSearch('si', filter.q!)})))`,
    );
  }
  if (filter.after)
    conditions.push(sql`(p.created_at, p.id) < (${filter.after.createdAt}::timestamptz, ${filter.after.id}::uuid)`);
  const result = await db.execute<{
    id: string;
    number: string;
    received_on: string;
    method: PaymentMethod;
    amount: string;
    status: 'active' | 'voided';
    invoice_id: string;
    ncf: string | null;
    buyer_name: string | null;
    currency_code: string;
    symbol: string | null;
    created_at: string;
    cursor_at: string;
  }>(sql`
    SELECT p.id, p.number, p.received_on::text AS received_on, p.method, p.amount::text AS amount, p.status, p.invoice_id,
           i.ncf, i.buyer_name, i.currency_code, cur.symbol,
           to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS created_at, p.created_at::text AS cursor_at
      FROM payments p JOIN invoices i ON i.id = p.invoice_id LEFT JOIN currencies cur ON cur.code = i.currency_code
     WHERE ${sql.join(conditions, sql` AND `)}
     ORDER BY ${sortedAfterSearch(sql`p.created_at`, searching)} DESC, p.id DESC
     LIMIT ${filter.limit + 1}`);
  const rows = result.rows.slice(0, filter.limit);
  const last = rows.at(-1);
  return {
    rows: rows.map((row) => ({
      id: row.id,
      number: row.number,
      receivedOn: row.received_on,
      method: row.method,
      amount: row.amount,
      status: row.status,
      invoiceId: row.invoice_id,
      invoiceNcf: row.ncf,
      customerName: row.buyer_name,
      currencyCode: row.currency_code,
      currencySymbol: row.symbol ?? row.currency_code,
      createdAt: row.created_at,
    })),
    next: result.rows.length > filter.limit && last ? { createdAt: last.cursor_at, id: last.id } : null,
  };
}

export interface PaymentWrite {
  receivedOn: string;
  method: PaymentMethod;
  amount: string;
  reference?: string | null;
  notes?: string | null;
}

export type PaymentOutcome<T> = { ok: true; value: T } | { ok: false; refusal: unknown };

/** Runs a call to one of our SQL functions: its refusal (the raised error) comes back as a value. */
async function refusable<T>(call: () => Promise<T>): Promise<PaymentOutcome<T>> {
  try {
    return { ok: true, value: await call() };
  } catch (error) {
    if (!raisedCode(error)) throw error;
    return { ok: false, refusal: error };
  }
}

/**
 * Records a payment (record_payment): under the invoice's row lock it checks the balance, takes the
 * next REC number, inserts the receipt and recomputes the invoice's paid_total and status, in one
 * transaction. The new payment's id.
 */
export function recordPayment(
  db: TenantDb,
  invoiceId: string,
  input: PaymentWrite,
  options: { userId: string | null; actor: string; scope: BranchScope },
): Promise<PaymentOutcome<string>> {
  return refusable(async () => {
    // The payment.received event is written by the same statement (an outbox row): both or neither.
    const result = await db.execute<{ id: string }>(sql`
      WITH recorded AS (
        SELECT record_payment(${invoiceId}::uuid, ${input.receivedOn}::date, ${input.method}, ${input.amount}::numeric, ${input.reference ?? null}, ${input.notes ?? null},
                              ${options.userId}::uuid, ${scopeArray(options.scope)}, ${options.actor}) AS id),
      event AS (${shopEventInsertFrom('payment.received', sql`'payment.received:' || r.id`, sql`r.id`, sql`FROM recorded r`)})
      SELECT id FROM recorded`);
    return result.rows[0]!.id;
  });
}

/** Changes a payment's date, method, amount, reference and notes, recomputing the invoice (update_payment). */
export function updatePayment(
  db: TenantDb,
  paymentId: string,
  input: PaymentWrite,
  scope: BranchScope,
  actor: string,
): Promise<PaymentOutcome<void>> {
  return refusable(async () => {
    await db.execute(sql`
      SELECT update_payment(${paymentId}::uuid, ${input.receivedOn}::date, ${input.method}, ${input.amount}::numeric, ${input.reference ?? null}, ${input.notes ?? null},
                            ${scopeArray(scope)}, ${actor})`);
  });
}

/** Voids a payment: its amount returns to the invoice's balance and the status is recomputed (void_payment). */
export function voidPayment(
  db: TenantDb,
  paymentId: string,
  reason: string,
  scope: BranchScope,
  actor: string,
): Promise<PaymentOutcome<void>> {
  return refusable(async () => {
    await db.execute(sql`SELECT void_payment(${paymentId}::uuid, ${reason}, ${scopeArray(scope)}, ${actor})`);
  });
}
