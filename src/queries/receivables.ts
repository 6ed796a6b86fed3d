import { and, inArray, type SQL, sql } from 'drizzle-orm';
import type { TenantDb } from '../db/client';
import { company, contacts, invoices, receivableBalances, receivableDays, refunds } from '../db/tenant-schema';
import { raisedCode } from '../db/raised';
import { inScope, scopeArray } from './branch-scope';

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

/** Issued invoices not exactly settled: the predicate of the partial index invoices_unsettled_idx, word for word. */
export const unsettledInvoice = sql`${invoices.kind} = 'invoice' and ${invoices.status} in ('issued', 'partially_paid', 'paid') and ${invoices.paidTotal} + ${invoices.creditedTotal} <> ${invoices.total}`;

/** Issued invoices (not voided, not drafts) with something still to pay, within the branches. */
export function openInvoiceConditions(branchIds: string[] | null): SQL {
  const conditions = [unsettledInvoice, sql`${invoiceBalance} > 0`];
  if (branchIds) conditions.push(inArray(invoices.branchId, branchIds));
  return and(...conditions) as SQL;
}

/** receivable_balances' branch key for every branch together. */
const everyBranch = '00000000-0000-0000-0000-000000000000';

/**
 * Open balances aged to `asOf` (0-30 days past due or not yet due, 31-60, 61-90, over 90), in DOP:
 * an unexecuted query (for a page's `db.batch`) that yields exactly one row. It reads the maintained
 * summaries (receivable_days per branch and due day, receivable_balances per customer), so its cost
 * does not grow with the number of open invoices.
 */
export function receivablesAgeingQuery(db: TenantDb, scope: AgeingScope) {
  const age = sql`(${scope.asOf}::date - ${receivableDays.dueOn})`;
  const open = (expression: SQL | null) =>
    sql<string>`coalesce(${expression ? sql`sum(${receivableDays.openDop}) filter (where ${expression})` : sql`sum(${receivableDays.openDop})`}, 0)::numeric(14,2)::text`;
  const branches = scope.branchIds;
  const owing = sql`${receivableBalances.openDop} > 0 and ${receivableBalances.customerId} is not null`;
  const customers =
    branches === null || branches.length === 1
      ? sql<number>`(select count(*)::int from ${receivableBalances} where ${receivableBalances.branchKey} = ${branches?.[0] ?? everyBranch}::uuid and ${owing})`
      : sql<number>`(select count(distinct ${receivableBalances.customerId})::int from ${receivableBalances}
                     where ${receivableBalances.branchKey} = any(${scopeArray(branches)}::uuid[]) and ${owing})`;
  return db
    .select({
      current: open(sql`${age} <= 30`),
      days31to60: open(sql`${age} between 31 and 60`),
      days61to90: open(sql`${age} between 61 and 90`),
      over90: open(sql`${age} > 90`),
      total: open(null),
      customers,
    })
    .from(receivableDays)
    .where(branches ? inArray(receivableDays.branchId, branches) : undefined);
}

export type ReceivablesSort = 'total' | 'oldest';

export interface ReceivablesFilter extends AgeingScope {
  /** The customers a search finds (contacts.ts `matchingContactIds`), or null for all. */
  customers: SQL | null;
  sort: ReceivablesSort;
  limit: number;
  offset: number;
}

/** One customer's line on the receivables list: open balances by age and available credit, in DOP. */
export interface ReceivablesRow {
  customerId: string | null;
  name: string | null;
  current: string;
  days31to60: string;
  days61to90: string;
  over90: string;
  total: string;
  /** Saldo a favor (credit balance) in DOP, positive. */
  credit: string;
  /** Earliest due (or issue) date of the open invoices. */
  oldest: string | null;
  invoices: number;
}

const dop = (expression: SQL) => sql`coalesce(${expression}, 0)::numeric(14,2)::text`;

/**
 * The receivables list: one row per customer (the invoices without a customer together) with open
 * balances aged to `asOf` and the credit balance, in DOP at each invoice's rate; an unexecuted
 * statement (`limit` + 1 rows tell whether there is a next page). The page is taken from
 * receivable_balances in index order; only its customers' open invoices are aged.
 */
export function receivablesListQuery(db: TenantDb, filter: ReceivablesFilter) {
  const branches = filter.branchIds;
  const customers = filter.customers ? sql`b.customer_id = ANY (${filter.customers})` : sql`true`;
  const balances =
    branches === null || branches.length === 1
      ? sql`SELECT b.customer_id, b.open_dop, b.credit_dop, b.oldest_due, b.open_invoices
              FROM receivable_balances b
             WHERE b.branch_key = ${branches?.[0] ?? everyBranch}::uuid AND ${customers}`
      : sql`SELECT b.customer_id, sum(b.open_dop) AS open_dop, sum(b.credit_dop) AS credit_dop, min(b.oldest_due) AS oldest_due,
                   sum(b.open_invoices)::int AS open_invoices
              FROM receivable_balances b
             WHERE b.branch_key = ANY (${scopeArray(branches)}::uuid[]) AND ${customers}
             GROUP BY b.customer_id`;
  // NULLS LAST throughout, as receivable_balances' indexes are built (the columns are never null but oldest_due).
  const order = (p: SQL) =>
    filter.sort === 'oldest'
      ? sql`${p}.oldest_due ASC NULLS LAST, ${p}.open_dop DESC NULLS LAST, ${p}.customer_id`
      : sql`${p}.open_dop DESC NULLS LAST, ${p}.credit_dop DESC NULLS LAST, ${p}.customer_id`;
  const scope = branches ? sql`i.branch_id = ANY (${scopeArray(branches)}::uuid[])` : sql`true`;
  const owed = sql`i.kind = 'invoice' AND i.status IN ('issued', 'partially_paid', 'paid') AND i.paid_total + i.credited_total <> i.total
                   AND i.total - i.paid_total - i.credited_total > 0 AND ${scope}`;
  const aged = sql`round((i.total - i.paid_total - i.credited_total) * i.exchange_rate, 2) AS open_dop,
                   (${filter.asOf}::date - coalesce(i.due_on, i.issued_on)) AS age`;
  return db.execute<ReceivablesRow & Record<string, unknown>>(sql`
    WITH page AS (
      SELECT p.* FROM (${balances}) p ORDER BY ${order(sql`p`)} LIMIT ${filter.limit + 1} OFFSET ${filter.offset}
    )
    SELECT p.customer_id AS "customerId", c.name,
           ${dop(sql`a.current`)} AS current, ${dop(sql`a.d60`)} AS "days31to60", ${dop(sql`a.d90`)} AS "days61to90",
           ${dop(sql`a.over`)} AS "over90", ${dop(sql`p.open_dop`)} AS total, ${dop(sql`p.credit_dop`)} AS credit,
           p.oldest_due::text AS oldest, p.open_invoices AS invoices
      FROM page p
      LEFT JOIN LATERAL (
        SELECT sum(x.open_dop) FILTER (WHERE x.age <= 30) AS current,
               sum(x.open_dop) FILTER (WHERE x.age BETWEEN 31 AND 60) AS d60,
               sum(x.open_dop) FILTER (WHERE x.age BETWEEN 61 AND 90) AS d90,
               sum(x.open_dop) FILTER (WHERE x.age > 90) AS over
          FROM (SELECT ${aged} FROM invoices i WHERE i.customer_id = p.customer_id AND ${owed}
                UNION ALL
                SELECT ${aged} FROM invoices i WHERE p.customer_id IS NULL AND i.customer_id IS NULL AND ${owed}) x
      ) a ON true
      LEFT JOIN contacts c ON c.id = p.customer_id
     ORDER BY ${order(sql`p`)}`);
}

/** One invoice's credit balance (saldo a favor) still available, in its currency. */
export interface CreditSource {
  invoiceId: string;
  ncf: string | null;
  issuedOn: string | null;
  branchId: string;
  currencyCode: string;
  exchangeRate: string;
  available: string;
}

/**
 * The customer's invoices that carry a credit balance (payments and credit notes above the total,
 * less refunds and applications), each with what is still available: an unexecuted query.
 */
export function customerCreditQuery(db: TenantDb, contactId: string, branchIds: string[] | null = null) {
  const available = sql<string>`invoice_credit_available(${invoices.id})`;
  return db
    .select({
      invoiceId: invoices.id,
      ncf: invoices.ncf,
      issuedOn: invoices.issuedOn,
      branchId: invoices.branchId,
      currencyCode: invoices.currencyCode,
      exchangeRate: invoices.exchangeRate,
      available: sql<string>`${available}::numeric(14,2)::text`,
    })
    .from(invoices)
    .where(
      and(
        sql`${invoices.customerId} = ${contactId}::uuid`,
        unsettledInvoice,
        sql`${invoiceBalance} < 0`,
        sql`${available} > 0`,
        branchIds ? inArray(invoices.branchId, branchIds) : undefined,
      ),
    )
    .orderBy(invoices.issuedOn, invoices.id);
}

/** An open invoice credit can be applied to. */
export interface OpenInvoice {
  invoiceId: string;
  ncf: string | null;
  issuedOn: string | null;
  currencyCode: string;
  balance: string;
}

/** The customer's open invoices (oldest first, at most 100): the targets a credit can be applied to. */
export function customerOpenInvoicesQuery(db: TenantDb, contactId: string, branchIds: string[] | null) {
  return db
    .select({
      invoiceId: invoices.id,
      ncf: invoices.ncf,
      issuedOn: invoices.issuedOn,
      currencyCode: invoices.currencyCode,
      balance: sql<string>`${invoiceBalance}::numeric(14,2)::text`,
    })
    .from(invoices)
    .where(and(sql`${invoices.customerId} = ${contactId}::uuid`, openInvoiceConditions(branchIds)))
    .orderBy(invoices.issuedOn, invoices.id)
    .limit(100);
}

export type MovementKind = 'invoice' | 'payment' | 'creditNote' | 'refund' | 'application';

/** One line of a customer statement, in its document's currency. */
export interface StatementMovement {
  currencyCode: string;
  on: string;
  kind: MovementKind;
  id: string;
  /** NCF, receipt number or the source invoice's NCF. */
  document: string | null;
  /** The invoice a payment or note belongs to, or an application's target. */
  detail: string | null;
  charge: string;
  credit: string;
  /** Balance after this line (opening included). */
  balance: string;
}

/** Per currency: the balance before the period, at its end, and how many lines fall in it. */
export interface StatementCurrency {
  currencyCode: string;
  opening: string;
  closing: string;
  lines: number;
}

/**
 * Every movement of a customer's account, one currency each, as the statement's CTE `mov`: issued
 * invoices (charge), payments (credit; not those that are credit applications), credit notes
 * (credit), refunds of a credit balance (charge) and credit applications (charge on the source and
 * credit on the target: the net balance does not move).
 */
function movements(contactId: string, branchIds: string[] | null): SQL {
  const scope = (alias: SQL) => inScope(sql`${alias}.branch_id`, branchIds);
  const customer = sql`${contactId}::uuid`;
  return sql`mov AS (
      SELECT i.currency_code, i.issued_on AS on_date, 1 AS seq, i.created_at, 'invoice' AS kind, i.id, i.ncf AS document,
             NULL::text AS detail, i.total AS charge, 0::numeric AS credit
        FROM invoices i
       WHERE i.customer_id = ${customer} AND i.kind = 'invoice' AND i.status IN ('issued', 'partially_paid', 'paid') AND ${scope(sql`i`)}
      UNION ALL
      SELECT i.currency_code, p.received_on, 2, p.created_at, 'payment', p.id, p.number, i.ncf, 0, p.amount
        FROM payments p JOIN invoices i ON i.id = p.invoice_id
       WHERE i.customer_id = ${customer} AND i.kind = 'invoice' AND p.status = 'active' AND ${scope(sql`i`)}
         AND NOT EXISTS (SELECT 1 FROM credit_applications a WHERE a.payment_id = p.id)
      UNION ALL
      SELECT n.currency_code, n.issued_on, 3, n.created_at, 'creditNote', n.id, n.ncf, n.modified_ncf, 0, n.total
        FROM invoices n
       WHERE n.customer_id = ${customer} AND n.kind = 'credit_note' AND n.status NOT IN ('draft', 'voided') AND ${scope(sql`n`)}
      UNION ALL
      SELECT r.currency_code, r.refunded_on, 4, r.created_at, 'refund', r.id, i.ncf, NULL, r.amount, 0
        FROM refunds r JOIN invoices i ON i.id = r.invoice_id
       WHERE i.customer_id = ${customer} AND r.status = 'active' AND ${scope(sql`i`)}
      UNION ALL
      SELECT a.currency_code, a.applied_on, 5, a.created_at, 'application', a.id, s.ncf, t.ncf, a.amount, a.amount
        FROM credit_applications a JOIN payments p ON p.id = a.payment_id
        JOIN invoices s ON s.id = a.source_invoice_id JOIN invoices t ON t.id = a.target_invoice_id
       WHERE a.contact_id = ${customer} AND p.status = 'active' AND ${scope(sql`s`)}
    )`;
}

export interface StatementPeriod {
  contactId: string;
  from: string;
  to: string;
  branchIds: string[] | null;
}

/** Opening and closing balance and line count of a statement, per currency: an unexecuted statement. */
export function statementCurrenciesQuery(db: TenantDb, period: StatementPeriod) {
  return db.execute<StatementCurrency & Record<string, unknown>>(sql`
    WITH ${movements(period.contactId, period.branchIds)}
    SELECT currency_code AS "currencyCode",
           coalesce(sum(charge - credit) FILTER (WHERE on_date < ${period.from}::date), 0)::numeric(14,2)::text AS opening,
           coalesce(sum(charge - credit), 0)::numeric(14,2)::text AS closing,
           count(*) FILTER (WHERE on_date >= ${period.from}::date)::int AS lines
      FROM mov
     WHERE on_date <= ${period.to}::date
     GROUP BY currency_code
    HAVING sum(charge - credit) FILTER (WHERE on_date < ${period.from}::date) <> 0 OR count(*) FILTER (WHERE on_date >= ${period.from}::date) > 0
     ORDER BY currency_code = 'DOP' DESC, currency_code`);
}

/**
 * The statement's lines in the period in date order, each with the running balance of its currency
 * (opening included), at most `limit` + 1 (one more tells the period was cut): an unexecuted statement.
 */
export function statementMovementsQuery(db: TenantDb, period: StatementPeriod, limit: number) {
  return db.execute<StatementMovement & Record<string, unknown>>(sql`
    WITH ${movements(period.contactId, period.branchIds)},
    opening AS (
      SELECT currency_code, sum(charge - credit) AS amount FROM mov WHERE on_date < ${period.from}::date GROUP BY currency_code
    )
    SELECT m.currency_code AS "currencyCode", m.on_date::text AS "on", m.kind, m.id, m.document, m.detail,
           m.charge::numeric(14,2)::text AS charge, m.credit::numeric(14,2)::text AS credit,
           (coalesce(o.amount, 0) + sum(m.charge - m.credit) OVER (PARTITION BY m.currency_code ORDER BY m.on_date, m.seq, m.created_at, m.id))::numeric(14,2)::text AS balance
      FROM mov m LEFT JOIN opening o ON o.currency_code = m.currency_code
     WHERE m.on_date BETWEEN ${period.from}::date AND ${period.to}::date
     ORDER BY m.currency_code = 'DOP' DESC, m.currency_code, m.on_date, m.seq, m.created_at, m.id
     LIMIT ${limit + 1}`);
}

/** The customer's open balances aged to `asOf`, per currency, in that currency (not converted). */
export interface CurrencyAgeing extends Omit<ReceivablesAgeing, 'customers'> {
  currencyCode: string;
}

/** A call to one of the credit functions: its refusal (the raised error) comes back as a value. */
export type CreditOutcome<T> = { ok: true; value: T } | { ok: false; refusal: unknown };

async function refusable<T>(call: () => Promise<T>): Promise<CreditOutcome<T>> {
  try {
    return { ok: true, value: await call() };
  } catch (error) {
    if (!raisedCode(error)) throw error;
    return { ok: false, refusal: error };
  }
}

export interface RefundWrite {
  invoiceId: string;
  /** When given, the invoice must be this customer's. */
  contactId?: string | null;
  branchId: string;
  method: string;
  amount: string;
  refundedOn: string;
  reference?: string | null;
  notes?: string | null;
}

export interface CreditActor {
  userId: string;
  actor: string;
  scope: string[] | null;
}

/** Pays back part of an invoice's credit balance (refund_credit, under the invoice's row lock); the refund's id. */
export function refundCredit(db: TenantDb, input: RefundWrite, who: CreditActor): Promise<CreditOutcome<string>> {
  return refusable(async () => {
    const result = await db.execute<{ id: string }>(sql`
      SELECT refund_credit(${input.invoiceId}::uuid, ${input.contactId ?? null}::uuid, ${input.branchId}::uuid, ${input.method}, ${input.amount}::numeric,
                           ${input.refundedOn}::date, ${input.reference ?? null}, ${input.notes ?? null},
                           ${who.userId}::uuid, ${scopeArray(who.scope)}, ${who.actor}) AS id`);
    return result.rows[0]!.id;
  });
}

export interface ApplicationWrite {
  sourceInvoiceId: string;
  /** When given, the source must be this customer's. */
  contactId?: string | null;
  targetInvoiceId: string;
  amount: string;
  appliedOn: string;
}

/** Applies part of an invoice's credit balance to another open invoice (apply_credit); the application's id. */
export function applyCredit(db: TenantDb, input: ApplicationWrite, who: CreditActor): Promise<CreditOutcome<string>> {
  return refusable(async () => {
    const result = await db.execute<{ id: string }>(sql`
      SELECT apply_credit(${input.sourceInvoiceId}::uuid, ${input.targetInvoiceId}::uuid, ${input.contactId ?? null}::uuid, ${input.amount}::numeric,
                          ${input.appliedOn}::date, ${who.userId}::uuid, ${scopeArray(who.scope)}, ${who.actor}) AS id`);
    return result.rows[0]!.id;
  });
}

/** Voids a refund: its amount is credit again (void_refund). */
export function voidRefund(
  db: TenantDb,
  refundId: string,
  reason: string,
  who: Omit<CreditActor, 'userId'>,
): Promise<CreditOutcome<void>> {
  return refusable(async () => {
    await db.execute(sql`SELECT void_refund(${refundId}::uuid, ${reason}, ${scopeArray(who.scope)}, ${who.actor})`);
  });
}

export type Refund = typeof refunds.$inferSelect;

export function getRefund(db: TenantDb, id: string) {
  return db.select().from(refunds).where(sql`${refunds.id} = ${id}::uuid`).limit(1);
}

/** A customer's latest refunds (any status), newest first. */
export function customerRefundsQuery(db: TenantDb, contactId: string, limit = 20) {
  return db
    .select()
    .from(refunds)
    .where(sql`${refunds.contactId} = ${contactId}::uuid`)
    .orderBy(sql`${refunds.createdAt} DESC`)
    .limit(limit);
}

/** The customer a statement is about (what the print shows of them): an unexecuted query. */
export function contactById(db: TenantDb, id: string) {
  return db
    .select({
      id: contacts.id,
      name: contacts.name,
      idType: contacts.idType,
      idNumber: contacts.idNumber,
      address: contacts.address,
    })
    .from(contacts)
    .where(sql`${contacts.id} = ${id}::uuid`)
    .limit(1);
}

/** The shop as a statement prints it: an unexecuted query. */
export function statementCompanyQuery(db: TenantDb) {
  return db
    .select({
      name: company.name,
      rnc: company.rnc,
      address: company.address,
      phones: company.phones,
      email: company.email,
      invoiceFooter: company.invoiceFooter,
      logoKey: company.logoKey,
    })
    .from(company)
    .limit(1);
}
