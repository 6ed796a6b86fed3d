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
 * `invoiceBalance` for owed invoices and `invoice_credit_available` for credit ones. Only the receipts
 * are looked up for every invoice: credit notes only where credited_total shows one (it never goes
 * down), refunds and applications only where a credit balance exists now (void_payment and
 * update_payment refuse to leave less credit than they took).
 */
function balancesAt(day: StatementDay): SQL {
  const asOf = sql`${day.asOf}::date`;
  return sql`bal AS (
      SELECT i.id, i.ncf, i.issued_on, i.branch_id, i.currency_code, i.exchange_rate,
             ${day.agedTo}::date - coalesce(i.due_on, i.issued_on) AS age,
             i.total
             - coalesce((SELECT sum(p.amount) FROM payments p
                          WHERE p.invoice_id = i.id AND p.status = 'active' AND p.received_on <= ${asOf}), 0)
             - CASE WHEN i.credited_total > 0 THEN coalesce((SELECT sum(n.total) FROM invoices n
                          WHERE n.reference_invoice_id = i.id AND n.kind = 'credit_note' AND n.status NOT IN ('draft', 'voided')
                            AND n.issued_on <= ${asOf}), 0) ELSE 0 END
             + CASE WHEN i.paid_total + i.credited_total > i.total THEN
                 coalesce((SELECT sum(r.amount) FROM refunds r
                            WHERE r.invoice_id = i.id AND r.status = 'active' AND r.refunded_on <= ${asOf}), 0)
                 + coalesce((SELECT sum(a.amount) FROM credit_applications a JOIN payments p ON p.id = a.payment_id
                              WHERE a.source_invoice_id = i.id AND p.status = 'active' AND a.applied_on <= ${asOf}), 0)
               ELSE 0 END AS balance
        FROM invoices i
       WHERE i.customer_id = ${day.contactId}::uuid AND i.kind = 'invoice' AND i.status IN ('issued', 'partially_paid', 'paid')
         AND i.issued_on <= ${asOf} AND ${inScope(sql`i.branch_id`, day.branchIds)}
    )`;
}

const bucket = (filter: SQL) => sql`coalesce(sum(balance) FILTER (WHERE ${filter}), 0)::numeric(14,2)::text`;

/** What was open and what was in the customer's favour at the end of a day. */
export interface StatementBalances {
  /** Per currency, in that currency: the open balances by age (0-30 days past due or not yet due, 31-60, 61-90, over 90). */
  ageing: CurrencyAgeing[];
  /** Per source invoice: its credit balance (saldo a favor). */
  credit: CreditSource[];
}

/**
 * The customer's open balances at the end of `asOf`, aged to `agedTo`, and the credit balances then,
 * from one pass over the invoices: an unexecuted statement that yields one row.
 */
export function statementBalancesQuery(db: TenantDb, day: StatementDay) {
  return db.execute<StatementBalances & Record<string, unknown>>(sql`
    WITH ${balancesAt(day)},
    ageing AS (
      SELECT currency_code AS "currencyCode",
             ${bucket(sql`age <= 30`)} AS current,
             ${bucket(sql`age BETWEEN 31 AND 60`)} AS "days31to60",
             ${bucket(sql`age BETWEEN 61 AND 90`)} AS "days61to90",
             ${bucket(sql`age > 90`)} AS "over90",
             ${bucket(sql`true`)} AS total
        FROM bal
       WHERE balance > 0
       GROUP BY currency_code
    )
    SELECT (SELECT coalesce(json_agg(a ORDER BY a."currencyCode" = 'DOP' DESC, a."currencyCode"), '[]') FROM ageing a) AS ageing,
           (SELECT coalesce(json_agg(json_build_object('invoiceId', id, 'ncf', ncf, 'issuedOn', issued_on::text, 'branchId', branch_id,
                                                       'currencyCode', currency_code, 'exchangeRate', exchange_rate::text,
                                                       'available', (-balance)::numeric(14,2)::text) ORDER BY issued_on, id), '[]')
              FROM bal WHERE balance < 0) AS credit`);
}
