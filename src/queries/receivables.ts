import { and, inArray, notInArray, type SQL, sql } from 'drizzle-orm';
import type { TenantDb } from '../db/client';
import { invoices } from '../db/tenant-schema';

/** Ageing buckets of open balances, in DOP (numeric(14,2) as strings). */
export interface ReceivablesAgeing {
  current: string;
  days31to60: string;
  days61to90: string;
  over90: string;
  total: string;
  customers: number;
}

export interface AgeingScope {
  /** YYYY-MM-DD: the day ages are counted to. */
  asOf: string;
  /** The branches whose invoices count; null = every branch. */
  branchIds: string[] | null;
}

/** Balance still due on an invoice, in its own currency (negative: credit owed back to the buyer). */
export const invoiceBalance = sql`(${invoices.total} - ${invoices.paidTotal} - ${invoices.creditedTotal})`;

/** An open invoice's balance in DOP at the invoice's own rate, half-up to cents. */
const balanceDop = sql`round(${invoiceBalance} * ${invoices.exchangeRate}, 2)`;

/** Issued invoices (not voided, not drafts) with something still to pay, within the branches. */
export function openInvoiceConditions(branchIds: string[] | null): SQL {
  const conditions = [
    sql`${invoices.kind} = 'invoice'`,
    notInArray(invoices.status, ['draft', 'voided']),
    sql`${invoiceBalance} > 0`,
  ];
  if (branchIds) conditions.push(inArray(invoices.branchId, branchIds));
  return and(...conditions) as SQL;
}

/** Days from the invoice's due date (its issue date when it has none) to `asOf`; negative when not yet due. */
function ageDays(asOf: string) {
  return sql`(${asOf}::date - coalesce(${invoices.dueOn}, ${invoices.issuedOn}))`;
}

/** `sum(expr) filter (where age in range)` as a DOP string with 2 decimals. */
function bucket(expression: SQL, filter: SQL | null) {
  const sum = filter ? sql`sum(${expression}) filter (where ${filter})` : sql`sum(${expression})`;
  return sql<string>`coalesce(${sum}, 0)::numeric(14,2)::text`;
}

/** The ageing columns over the open invoices of a query that selects from `invoices`. */
function ageingColumns(asOf: string) {
  const age = ageDays(asOf);
  return {
    current: bucket(balanceDop, sql`${age} <= 30`),
    days31to60: bucket(balanceDop, sql`${age} between 31 and 60`),
    days61to90: bucket(balanceDop, sql`${age} between 61 and 90`),
    over90: bucket(balanceDop, sql`${age} > 90`),
    total: bucket(balanceDop, null),
  };
}

/**
 * Open balances aged to `asOf` (0-30 days past due or not yet due, 31-60, 61-90, over 90), in DOP:
 * an unexecuted query (for a page's `db.batch`) that yields exactly one row.
 */
export function receivablesAgeingQuery(db: TenantDb, scope: AgeingScope) {
  return db
    .select({ ...ageingColumns(scope.asOf), customers: sql<number>`count(distinct ${invoices.customerId})::int` })
    .from(invoices)
    .where(openInvoiceConditions(scope.branchIds));
}
