import { and, desc, eq, getTableColumns, sql, type SQL } from 'drizzle-orm';
import type { TenantDb } from '../db/client';
import { contacts, invoices, payments, prescriptions, quotations } from '../db/tenant-schema';
import { inScope, type BranchScope } from './branch-scope';
import { contactColumns } from './contacts';
import { invoiceBalance, unsettledInvoice } from './receivables';

/** Rows of each list the patient's page shows; one more is read to know whether to link to the whole list. */
export const patientListLimit = 20;

/** What the page may show: a list the actor may not see is asked with a false condition (no rows, no cost). */
export interface PatientPageRights {
  prescriptions: boolean;
  quotations: boolean;
  invoices: boolean;
}

const { patientId: _patientId, createdBy: _createdBy, ...rxColumns } = getTableColumns(prescriptions);

const allowed = (right: boolean): SQL | undefined => (right ? undefined : sql`false`);

/** Every query of the patient's page, unexecuted, for ONE `db.batch`: the patient first, then each list. */
export function patientPageQueries(db: TenantDb, id: string, scope: BranchScope, rights: PatientPageRights) {
  const limit = patientListLimit + 1;
  const ownInvoice = (kind: 'invoice' | 'credit_note') =>
    and(eq(invoices.customerId, id), eq(invoices.kind, kind), inScope(sql`${invoices.branchId}`, scope));
  return [
    db
      .select(contactColumns)
      .from(contacts)
      .where(and(eq(contacts.id, id), eq(contacts.kind, 'customer'))),
    db
      .select(rxColumns)
      .from(prescriptions)
      .where(
        and(
          eq(prescriptions.patientId, id),
          inScope(sql`${prescriptions.branchId}`, scope),
          allowed(rights.prescriptions),
        ),
      )
      .orderBy(desc(prescriptions.examinedOn), desc(prescriptions.id))
      .limit(limit),
    db
      .select({
        id: quotations.id,
        number: quotations.number,
        status: quotations.status,
        quotedOn: quotations.quotedOn,
        currencyCode: quotations.currencyCode,
        total: quotations.total,
      })
      .from(quotations)
      .where(
        and(eq(quotations.customerId, id), inScope(sql`${quotations.branchId}`, scope), allowed(rights.quotations)),
      )
      .orderBy(desc(quotations.createdAt), desc(quotations.id))
      .limit(limit),
    db
      .select({
        id: invoices.id,
        ncf: invoices.ncf,
        status: invoices.status,
        issuedOn: invoices.issuedOn,
        currencyCode: invoices.currencyCode,
        total: invoices.total,
        paidTotal: invoices.paidTotal,
        creditedTotal: invoices.creditedTotal,
        balance: sql<string>`${invoiceBalance}::text`,
      })
      .from(invoices)
      .where(and(ownInvoice('invoice'), allowed(rights.invoices)))
      .orderBy(desc(invoices.createdAt), desc(invoices.id))
      .limit(limit),
    db
      .select({
        id: payments.id,
        number: payments.number,
        receivedOn: payments.receivedOn,
        method: payments.method,
        amount: payments.amount,
        status: payments.status,
        currencyCode: invoices.currencyCode,
        invoiceId: invoices.id,
        invoiceNcf: invoices.ncf,
      })
      .from(payments)
      .innerJoin(invoices, eq(invoices.id, payments.invoiceId))
      .where(and(ownInvoice('invoice'), allowed(rights.invoices)))
      .orderBy(desc(payments.receivedOn), desc(payments.createdAt), desc(payments.id))
      .limit(limit),
    db
      .select({
        id: invoices.id,
        ncf: invoices.ncf,
        status: invoices.status,
        issuedOn: invoices.issuedOn,
        currencyCode: invoices.currencyCode,
        total: invoices.total,
        modifiedNcf: invoices.modifiedNcf,
      })
      .from(invoices)
      .where(and(ownInvoice('credit_note'), allowed(rights.invoices)))
      .orderBy(desc(invoices.createdAt), desc(invoices.id))
      .limit(limit),
    // Per currency, by the receivables list's rules (its invoiceBalance over the invoices not exactly
    // settled): what is owed and what the shop still owes back (a credit balance, "saldo a favor",
    // less what was refunded or applied).
    db
      .select({
        currencyCode: invoices.currencyCode,
        owed: sql<string>`coalesce(sum(${invoiceBalance}) FILTER (WHERE ${invoiceBalance} > 0), 0)::numeric(14,2)::text`,
        credit: sql<string>`coalesce(sum(invoice_credit_available(${invoices.id})) FILTER (WHERE ${invoiceBalance} < 0), 0)::numeric(14,2)::text`,
      })
      .from(invoices)
      .where(and(ownInvoice('invoice'), unsettledInvoice, allowed(rights.invoices)))
      .groupBy(invoices.currencyCode)
      .orderBy(invoices.currencyCode),
  ] as const;
}

export type PatientPageRows = {
  [K in keyof ReturnType<typeof patientPageQueries>]: Awaited<ReturnType<typeof patientPageQueries>[K]>;
};

/** Runs the page's queries as one batch: one round trip. */
export async function patientPageRows(
  db: TenantDb,
  id: string,
  scope: BranchScope,
  rights: PatientPageRights,
): Promise<PatientPageRows> {
  const [first, ...rest] = patientPageQueries(db, id, scope, rights);
  return (await db.batch([first, ...rest])) as unknown as PatientPageRows;
}
