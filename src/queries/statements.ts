import { type SQL, sql } from 'drizzle-orm';
import type { TenantDb } from '../db/client';
import { inScope } from './branch-scope';
import type { CreditSource, CurrencyAgeing } from './receivables';

/** A customer's account as it stood at the end of one day. */
export interface StatementDay {
  contactId: string;
  /** YYYY-MM-DD: the statement's period end; later movements do not count. */
  asOf: string;
  /** YYYY-MM-DD: the day ages are counted to (the period end, or today when the period ends later). */
  agedTo: string;
  branchIds: string[] | null;
}

/**
 * The CTE `bal`: each of the customer's issued invoices (issued by `asOf`) with its balance at the end
 * of that day, in its currency: the total, less active receipts (credit applications' included) and
 * credit notes dated by then, plus the refunds and applications taken from its credit balance by then.
 * Positive: still owed; negative: a credit balance. With `asOf` today it is the live balance of
 * `invoiceBalance` for owed invoices and `invoice_credit_available` for credit ones.
 */
function balancesAt(day: StatementDay): SQL {
  const asOf = sql`${day.asOf}::date`;
  return sql`bal AS (
      SELECT i.id, i.ncf, i.issued_on, i.branch_id, i.currency_code, i.exchange_rate,
             ${day.agedTo}::date - coalesce(i.due_on, i.issued_on) AS age,
             i.total
             - coalesce((SELECT sum(p.amount) FROM payments p
                          WHERE p.invoice_id = i.id AND p.status = 'active' AND p.received_on <= ${asOf}), 0)
             - coalesce((SELECT sum(n.total) FROM invoices n
                          WHERE n.reference_invoice_id = i.id AND n.kind = 'credit_note' AND n.status NOT IN ('draft', 'voided')
                            AND n.issued_on <= ${asOf}), 0)
             + coalesce((SELECT sum(r.amount) FROM refunds r
                          WHERE r.invoice_id = i.id AND r.status = 'active' AND r.refunded_on <= ${asOf}), 0)
             + coalesce((SELECT sum(a.amount) FROM credit_applications a JOIN payments p ON p.id = a.payment_id
                          WHERE a.source_invoice_id = i.id AND p.status = 'active' AND a.applied_on <= ${asOf}), 0) AS balance
        FROM invoices i
       WHERE i.customer_id = ${day.contactId}::uuid AND i.kind = 'invoice' AND i.status IN ('issued', 'partially_paid', 'paid')
         AND i.issued_on <= ${asOf} AND ${inScope(sql`i.branch_id`, day.branchIds)}
    )`;
}

const bucket = (filter: SQL) => sql`coalesce(sum(balance) FILTER (WHERE ${filter}), 0)::numeric(14,2)::text`;

/**
 * The customer's open balances at the end of `asOf`, aged to `agedTo` (0-30 days past due or not yet
 * due, 31-60, 61-90, over 90), per currency in that currency: an unexecuted statement.
 */
export function statementAgeingQuery(db: TenantDb, day: StatementDay) {
  return db.execute<CurrencyAgeing & Record<string, unknown>>(sql`
    WITH ${balancesAt(day)}
    SELECT currency_code AS "currencyCode",
           ${bucket(sql`age <= 30`)} AS current,
           ${bucket(sql`age BETWEEN 31 AND 60`)} AS "days31to60",
           ${bucket(sql`age BETWEEN 61 AND 90`)} AS "days61to90",
           ${bucket(sql`age > 90`)} AS "over90",
           ${bucket(sql`true`)} AS total
      FROM bal
     WHERE balance > 0
     GROUP BY currency_code
     ORDER BY currency_code = 'DOP' DESC, currency_code`);
}

/** The customer's credit balances (saldo a favor) at the end of `asOf`, per source invoice: an unexecuted statement. */
export function statementCreditQuery(db: TenantDb, day: StatementDay) {
  return db.execute<CreditSource & Record<string, unknown>>(sql`
    WITH ${balancesAt(day)}
    SELECT id AS "invoiceId", ncf, issued_on::text AS "issuedOn", branch_id AS "branchId", currency_code AS "currencyCode",
           exchange_rate::text AS "exchangeRate", (-balance)::numeric(14,2)::text AS available
      FROM bal
     WHERE balance < 0
     ORDER BY issued_on, id`);
}
