import { sql, type SQL } from 'drizzle-orm';
import type { TenantDb } from '../db/client';
import type { Purchase606, Report606Stats } from '../domain/dgii-606';
import { periodRange, type Period } from '../domain/dgii-reports';
import type { ExpenseAmounts, ExpenseFigures } from '../domain/expenses';
import { type BranchScope, inScope } from './branch-scope';

/** An expense with the names around it (the page, the list, the API read the same shape). */
export interface ExpenseRow extends ExpenseAmounts {
  id: string;
  supplierId: string | null;
  supplierIdType: 'rnc' | 'cedula';
  supplierIdNumber: string;
  supplierName: string;
  ncf: string;
  modifiedNcf: string | null;
  expenseType: string;
  branchId: string;
  branchName: string;
  issuedOn: string;
  paidOn: string | null;
  paymentForm: string;
  paymentStatus: 'pending' | 'paid';
  voidedAt: string | null;
  total: string;
  itbisAdvance: string;
  isrWithholdingType: string | null;
  receivedEcfId: string | null;
  receivedEcfEncf: string | null;
  notes: string | null;
  createdAt: string;
  createdByName: string | null;
}

export interface ExpenseAttachment {
  id: string;
  fileName: string;
  contentType: string;
  byteSize: number;
  createdAt: string;
}

export interface ExpenseDetail extends ExpenseRow {
  attachments: ExpenseAttachment[];
}

/** What is written for an expense: the typed fields, the figures the server computed, the supplier as resolved. */
export interface ExpenseWrite extends ExpenseAmounts, Pick<ExpenseFigures, 'total' | 'itbisAdvance'> {
  supplierIdType: 'rnc' | 'cedula';
  supplierIdNumber: string;
  supplierName: string;
  ncf: string;
  modifiedNcf: string | null;
  expenseType: string;
  branchId: string;
  issuedOn: string;
  paidOn: string | null;
  paymentForm: string;
  isrWithholdingType: string | null;
  notes: string | null;
  receivedEcfId: string | null;
}

const amountColumns = [
  ['servicesAmount', 'services_amount'],
  ['goodsAmount', 'goods_amount'],
  ['total', 'total'],
  ['itbisBilled', 'itbis_billed'],
  ['itbisWithheld', 'itbis_withheld'],
  ['itbisProportional', 'itbis_proportional'],
  ['itbisToCost', 'itbis_to_cost'],
  ['itbisAdvance', 'itbis_advance'],
  ['itbisPerceived', 'itbis_perceived'],
  ['isrWithheld', 'isr_withheld'],
  ['isrPerceived', 'isr_perceived'],
  ['iscAmount', 'isc_amount'],
  ['otherTaxes', 'other_taxes'],
  ['legalTip', 'legal_tip'],
] as const;

const amountSelect = sql.raw(amountColumns.map(([name, column]) => `e.${column}::text AS "${name}"`).join(', '));

/** The columns of ExpenseRow, over `expenses e`. */
const rowSelect = sql`e.id, e.supplier_id AS "supplierId", e.supplier_id_type AS "supplierIdType",
  e.supplier_id_number AS "supplierIdNumber", e.supplier_name AS "supplierName", e.ncf, e.modified_ncf AS "modifiedNcf",
  e.expense_type AS "expenseType", e.branch_id AS "branchId",
  (SELECT b.name FROM branches b WHERE b.id = e.branch_id) AS "branchName",
  e.issued_on::text AS "issuedOn", e.paid_on::text AS "paidOn", e.payment_form AS "paymentForm",
  e.payment_status AS "paymentStatus", e.voided_at::text AS "voidedAt", ${amountSelect},
  e.isr_withholding_type AS "isrWithholdingType", e.received_ecf_id AS "receivedEcfId",
  (SELECT r.encf FROM received_ecf r WHERE r.id = e.received_ecf_id) AS "receivedEcfEncf",
  e.notes, to_char(e.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "createdAt",
  (SELECT u.name FROM users u WHERE u.id = e.created_by) AS "createdByName"`;

/** The values of a write in column order, for INSERT and UPDATE alike. */
function writeColumns(write: ExpenseWrite): Array<[string, SQL]> {
  return [
    ['supplier_id_type', sql`${write.supplierIdType}`],
    ['supplier_id_number', sql`${write.supplierIdNumber}`],
    ['supplier_name', sql`${write.supplierName}`],
    ['ncf', sql`${write.ncf}`],
    ['modified_ncf', sql`${write.modifiedNcf}`],
    ['expense_type', sql`${write.expenseType}`],
    ['branch_id', sql`${write.branchId}::uuid`],
    ['issued_on', sql`${write.issuedOn}::date`],
    ['paid_on', sql`${write.paidOn}::date`],
    ['payment_form', sql`${write.paymentForm}`],
    ['payment_status', sql`${write.paidOn ? 'paid' : 'pending'}`],
    ...amountColumns.map(([name, column]): [string, SQL] => [column, sql`${write[name]}::numeric`]),
    ['isr_withholding_type', sql`${write.isrWithholdingType}`],
    ['notes', sql`${write.notes}`],
  ];
}

/**
 * The supplier's contact, found by its identification or created (kind supplier), in the
 * expense's own statement: `ON CONFLICT DO UPDATE` returns the row a concurrent request has just
 * committed, so two expenses of a new supplier typed at once share one contact.
 */
const supplierCte = (write: ExpenseWrite) => sql`supplier AS (
  INSERT INTO contacts (kind, id_type, id_number, name)
  VALUES ('supplier', ${write.supplierIdType}, ${write.supplierIdNumber}, ${write.supplierName})
  ON CONFLICT (id_number) WHERE id_number IS NOT NULL DO UPDATE SET id_number = EXCLUDED.id_number
  RETURNING id)`;

/** Inserts an expense (and its supplier contact when new) with its activity entry, in one statement. */
export async function insertExpense(
  db: TenantDb,
  write: ExpenseWrite,
  actor: { id: string; label: string },
): Promise<string> {
  const columns = writeColumns(write);
  const result = await db.execute<{ id: string }>(sql`
    WITH ${supplierCte(write)},
    created AS (
      INSERT INTO expenses (supplier_id, received_ecf_id, created_by, ${sql.raw(columns.map(([name]) => name).join(', '))})
      SELECT supplier.id, ${write.receivedEcfId}::uuid, ${actor.id}::uuid, ${sql.join(
        columns.map(([, value]) => value),
        sql`, `,
      )}
        FROM supplier
      RETURNING id, ncf, supplier_id_number, total),
    logged AS (
      INSERT INTO audit_log (action, actor, details)
      SELECT 'expense.created', ${actor.label},
             jsonb_build_object('expenseId', id, 'ncf', ncf, 'supplier', supplier_id_number, 'total', total::text)
        FROM created)
    SELECT id FROM created`);
  return result.rows[0]!.id;
}

/** Replaces an expense's fields (not voided, in the actor's branches); false when there is no such expense. */
export async function updateExpense(
  db: TenantDb,
  id: string,
  write: ExpenseWrite,
  scope: BranchScope,
  actor: { label: string },
): Promise<boolean> {
  const columns = writeColumns(write);
  const result = await db.execute<{ id: string }>(sql`
    WITH ${supplierCte(write)},
    changed AS (
      UPDATE expenses e SET supplier_id = supplier.id, updated_at = now(),
        ${sql.join(
          columns.map(([name, value]) => sql`${sql.raw(name)} = ${value}`),
          sql`, `,
        )}
        FROM supplier
       WHERE e.id = ${id}::uuid AND e.voided_at IS NULL AND ${inScope(sql`e.branch_id`, scope)}
      RETURNING e.id, e.ncf),
    logged AS (
      INSERT INTO audit_log (action, actor, details)
      SELECT 'expense.updated', ${actor.label}, jsonb_build_object('expenseId', id, 'ncf', ncf) FROM changed)
    SELECT id FROM changed`);
  return result.rows.length > 0;
}

/** An expense with its attachments, in one statement; null when it is not this shop's (or not in the actor's branches). */
export async function getExpense(db: TenantDb, id: string, scope: BranchScope): Promise<ExpenseDetail | null> {
  const result = await db.execute<ExpenseDetail & Record<string, unknown>>(sql`
    SELECT ${rowSelect},
      (SELECT coalesce(json_agg(json_build_object('id', a.id, 'fileName', a.file_name, 'contentType', a.content_type,
                'byteSize', a.byte_size, 'createdAt', a.created_at) ORDER BY a.created_at, a.id), '[]'::json)
         FROM expense_attachments a WHERE a.expense_id = e.id) AS attachments
      FROM expenses e
     WHERE e.id = ${id}::uuid AND ${inScope(sql`e.branch_id`, scope)}`);
  return result.rows[0] ?? null;
}

export interface ExpenseFilter {
  period: Period | null;
  q: string;
  type: string | null;
  status: 'pending' | 'paid' | 'voided' | null;
  scope: BranchScope;
  after: { issuedOn: string; id: string } | null;
  limit: number;
}

export interface ExpenseTotals {
  count: number;
  total: string;
  itbisBilled: string;
  itbisAdvance: string;
}

function filterSql(filter: Omit<ExpenseFilter, 'after' | 'limit'>): SQL {
  const parts: SQL[] = [inScope(sql`e.branch_id`, filter.scope)];
  if (filter.period) {
    const { start, end } = periodRange(filter.period);
    parts.push(sql`e.issued_on >= ${start}::date AND e.issued_on < ${end}::date`);
  }
  if (filter.type) parts.push(sql`e.expense_type = ${filter.type}`);
  if (filter.status === 'voided') parts.push(sql`e.voided_at IS NOT NULL`);
  else if (filter.status) parts.push(sql`e.voided_at IS NULL AND e.payment_status = ${filter.status}`);
  if (filter.q) {
    const like = `%${filter.q.replace(/[\\%_]/g, '\\$&')}%`;
    const digits = filter.q.replace(/[\s-]/g, '');
    parts.push(
      sql`(search_fold(e.supplier_name) LIKE search_fold(${like}) OR e.supplier_id_number LIKE ${`${digits}%`} OR e.ncf = ${digits.toUpperCase()})`,
    );
  }
  return sql.join(parts, sql` AND `);
}

/**
 * A page of expenses, newest document first (keyset on issued_on, id), and the totals of every
 * expense the filter matches (voided ones counted apart from the sums), in one statement.
 */
export async function listExpenses(
  db: TenantDb,
  filter: ExpenseFilter,
): Promise<{ rows: ExpenseRow[]; more: boolean; totals: ExpenseTotals }> {
  const where = filterSql(filter);
  const after = filter.after
    ? sql`AND (e.issued_on, e.id) < (${filter.after.issuedOn}::date, ${filter.after.id}::uuid)`
    : sql``;
  const result = await db.execute<{ rows: ExpenseRow[]; totals: ExpenseTotals }>(sql`
    SELECT
      (SELECT coalesce(json_agg(p ORDER BY p."issuedOn" DESC, p.id DESC), '[]'::json)
         FROM (SELECT ${rowSelect} FROM expenses e WHERE ${where} ${after}
               ORDER BY e.issued_on DESC, e.id DESC LIMIT ${filter.limit + 1}) p) AS rows,
      (SELECT json_build_object('count', count(*) FILTER (WHERE e.voided_at IS NULL),
                'total', coalesce(sum(e.total) FILTER (WHERE e.voided_at IS NULL), 0)::text,
                'itbisBilled', coalesce(sum(e.itbis_billed) FILTER (WHERE e.voided_at IS NULL), 0)::text,
                'itbisAdvance', coalesce(sum(e.itbis_advance) FILTER (WHERE e.voided_at IS NULL), 0)::text)
         FROM expenses e WHERE ${where}) AS totals`);
  const row = result.rows[0]!;
  const rows = row.rows;
  return { rows: rows.slice(0, filter.limit), more: rows.length > filter.limit, totals: row.totals };
}

/** Marks a pending expense paid. The outcome names why nothing changed: missing, voided or already paid. */
export async function markExpensePaid(
  db: TenantDb,
  id: string,
  payment: { paidOn: string; paymentForm: string },
  scope: BranchScope,
  actor: { label: string },
): Promise<'paid' | 'not_found' | 'voided' | 'already_paid' | 'before_issue'> {
  const result = await db.execute<{ outcome: string }>(sql`
    WITH current AS (
      SELECT id, voided_at, payment_status, issued_on FROM expenses e
       WHERE e.id = ${id}::uuid AND ${inScope(sql`e.branch_id`, scope)} FOR UPDATE),
    changed AS (
      UPDATE expenses e SET payment_status = 'paid', paid_on = ${payment.paidOn}::date,
             payment_form = ${payment.paymentForm}, updated_at = now()
        FROM current c
       WHERE e.id = c.id AND c.voided_at IS NULL AND c.payment_status = 'pending' AND c.issued_on <= ${payment.paidOn}::date
      RETURNING e.id, e.ncf),
    logged AS (
      INSERT INTO audit_log (action, actor, details)
      SELECT 'expense.paid', ${actor.label}, jsonb_build_object('expenseId', id, 'ncf', ncf, 'paidOn', ${payment.paidOn}::text)
        FROM changed)
    SELECT CASE WHEN EXISTS (SELECT 1 FROM changed) THEN 'paid'
                WHEN NOT EXISTS (SELECT 1 FROM current) THEN 'not_found'
                WHEN (SELECT voided_at FROM current) IS NOT NULL THEN 'voided'
                WHEN (SELECT payment_status FROM current) = 'paid' THEN 'already_paid'
                ELSE 'before_issue' END AS outcome`);
  return result.rows[0]!.outcome as 'paid' | 'not_found' | 'voided' | 'already_paid' | 'before_issue';
}

/** Voids an expense (it leaves the 606; its supplier + NCF may be recorded again); false when there is none to void. */
export async function voidExpense(
  db: TenantDb,
  id: string,
  scope: BranchScope,
  actor: { label: string },
): Promise<boolean> {
  const result = await db.execute<{ id: string }>(sql`
    WITH changed AS (
      UPDATE expenses e SET voided_at = now(), received_ecf_id = NULL, updated_at = now()
       WHERE e.id = ${id}::uuid AND e.voided_at IS NULL AND ${inScope(sql`e.branch_id`, scope)}
      RETURNING e.id, e.ncf),
    logged AS (
      INSERT INTO audit_log (action, actor, details)
      SELECT 'expense.voided', ${actor.label}, jsonb_build_object('expenseId', id, 'ncf', ncf) FROM changed)
    SELECT id FROM changed`);
  return result.rows.length > 0;
}

/** Records an attachment of an expense the actor sees; false when there is no such expense. */
export async function insertAttachment(
  db: TenantDb,
  expenseId: string,
  file: { key: string; name: string; type: string; size: number },
  scope: BranchScope,
  actorId: string,
): Promise<boolean> {
  const result = await db.execute<{ id: string }>(sql`
    INSERT INTO expense_attachments (expense_id, file_key, file_name, content_type, byte_size, created_by)
    SELECT e.id, ${file.key}, ${file.name}, ${file.type}, ${file.size}, ${actorId}::uuid
      FROM expenses e WHERE e.id = ${expenseId}::uuid AND ${inScope(sql`e.branch_id`, scope)}
    RETURNING id`);
  return result.rows.length > 0;
}

/** Deletes an attachment of an expense the actor sees, with its audit line; its file key, or null when there was none. */
export async function deleteAttachment(
  db: TenantDb,
  expenseId: string,
  attachmentId: string,
  scope: BranchScope,
  actor: { label: string },
): Promise<string | null> {
  const result = await db.execute<{ fileKey: string }>(sql`
    WITH removed AS (
      DELETE FROM expense_attachments a USING expenses e
       WHERE a.id = ${attachmentId}::uuid AND a.expense_id = ${expenseId}::uuid AND e.id = a.expense_id
         AND ${inScope(sql`e.branch_id`, scope)}
      RETURNING a.file_key, a.file_name, a.expense_id),
    logged AS (
      INSERT INTO audit_log (action, actor, details)
      SELECT 'expense.attachment_removed', ${actor.label},
             jsonb_build_object('expenseId', expense_id, 'fileName', file_name) FROM removed)
    SELECT file_key AS "fileKey" FROM removed`);
  return result.rows[0]?.fileKey ?? null;
}

/** An attachment of an expense the actor sees (its key comes from this shop's own row), or null. */
export async function getAttachment(
  db: TenantDb,
  expenseId: string,
  attachmentId: string,
  scope: BranchScope,
): Promise<{ fileKey: string; fileName: string; contentType: string } | null> {
  const result = await db.execute<{ fileKey: string; fileName: string; contentType: string }>(sql`
    SELECT a.file_key AS "fileKey", a.file_name AS "fileName", a.content_type AS "contentType"
      FROM expense_attachments a JOIN expenses e ON e.id = a.expense_id
     WHERE a.id = ${attachmentId}::uuid AND a.expense_id = ${expenseId}::uuid AND ${inScope(sql`e.branch_id`, scope)}`);
  return result.rows[0] ?? null;
}

/** A received e-CF as an expense form starts from, and the expense already made from it (if any). */
export interface ReceivedEcfSource {
  id: string;
  issuerRnc: string;
  issuerName: string;
  encf: string;
  ecfType: string;
  issuedOn: string;
  total: string;
  itbisTotal: string | null;
  currency: string;
  xmlKey: string;
  expenseId: string | null;
}

export async function receivedEcfSource(db: TenantDb, id: string): Promise<ReceivedEcfSource | null> {
  const result = await db.execute<ReceivedEcfSource & Record<string, unknown>>(sql`
    SELECT r.id, r.issuer_rnc AS "issuerRnc", r.issuer_name AS "issuerName", r.encf, r.ecf_type AS "ecfType",
           r.issued_on::text AS "issuedOn", r.total::text AS total, r.itbis_total::text AS "itbisTotal",
           r.currency, r.xml_key AS "xmlKey",
           (SELECT e.id FROM expenses e WHERE e.received_ecf_id = r.id) AS "expenseId"
      FROM received_ecf r WHERE r.id = ${id}::uuid`);
  return result.rows[0] ?? null;
}

/** The expense recorded from a received e-CF, for the inbox page's link (scalar subquery for its one batch). */
export const expenseOfReceivedEcfSql = (receivedEcfId: SQL) =>
  sql`(SELECT e.id FROM expenses e WHERE e.received_ecf_id = ${receivedEcfId})`;

// ------------------------------------------------------------------------------------------------
// The 606
// ------------------------------------------------------------------------------------------------

/** Where the next page of a 606 starts: the last expense of the previous one, in file order. */
export interface Purchase606Cursor {
  issuedOn: string;
  ncf: string;
  supplierIdNumber: string;
}

export const purchasesPageSize = 5000;

const purchasedIn = (period: Period) => {
  const { start, end } = periodRange(period);
  return sql`e.voided_at IS NULL AND e.issued_on >= ${start}::date AND e.issued_on < ${end}::date`;
};

export const purchasesPageSql = (period: Period, cursor: Purchase606Cursor | null, limit: number) => sql`
  SELECT e.supplier_id_type AS "supplierIdType", e.supplier_id_number AS "supplierIdNumber",
         e.expense_type AS "expenseType", e.ncf, e.modified_ncf AS "modifiedNcf", e.issued_on::text AS "issuedOn",
         e.paid_on::text AS "paidOn", ${amountSelect}, e.isr_withholding_type AS "isrWithholdingType",
         e.payment_form AS "paymentForm"
    FROM expenses e
   WHERE ${purchasedIn(period)}
     ${
       cursor
         ? sql`AND (e.issued_on, e.ncf COLLATE "C", e.supplier_id_number COLLATE "C") >
                  (${cursor.issuedOn}::date, ${cursor.ncf} COLLATE "C", ${cursor.supplierIdNumber} COLLATE "C")`
         : sql``
     }
   ORDER BY e.issued_on, e.ncf COLLATE "C", e.supplier_id_number COLLATE "C"
   LIMIT ${limit}`;

/** One keyset page of the period's expenses (not voided) in 606 file order. */
export async function purchasesPage(
  db: TenantDb,
  period: Period,
  cursor: Purchase606Cursor | null,
  limit = purchasesPageSize,
): Promise<Purchase606[]> {
  const result = await db.execute<Purchase606 & Record<string, unknown>>(purchasesPageSql(period, cursor, limit));
  return result.rows;
}

/**
 * The company RNC, the 606's line count and its first page, in one statement; the same statement
 * writes `report.exported` in the activity log when the file can be made (the company has an RNC).
 */
export async function purchasesHead(
  db: TenantDb,
  period: Period,
  actor: string,
): Promise<{ rnc: string | null; count: number; firstPage: Purchase606[] }> {
  const result = await db.execute<{ rnc: string | null; count: number; first_page: Purchase606[] }>(sql`
    WITH exported AS (
      INSERT INTO audit_log (action, actor, details)
      SELECT 'report.exported', ${actor}, jsonb_build_object('report', '606', 'period', ${period}::text)
        FROM company WHERE id = 1 AND regexp_replace(coalesce(rnc, ''), '[^0-9]', '', 'g') <> '')
    SELECT (SELECT rnc FROM company WHERE id = 1) AS rnc,
           (SELECT count(*) FROM expenses e WHERE ${purchasedIn(period)})::int AS count,
           (SELECT coalesce(json_agg(row_to_json(x) ORDER BY x."issuedOn", x.ncf COLLATE "C", x."supplierIdNumber" COLLATE "C"), '[]'::json)
              FROM (${purchasesPageSql(period, null, purchasesPageSize)}) x) AS first_page`);
  const row = result.rows[0]!;
  return { rnc: row.rnc, count: row.count, firstPage: row.first_page };
}

/**
 * The 606's totals of a period as stats606 computes them (credit notes B04/E34 subtract), as one
 * scalar subquery: the DGII page puts it in its preview statement (one round trip).
 */
export const purchasesStatsSql = (period: Period) => {
  const signed = (column: string) =>
    sql.raw(
      `coalesce(sum(CASE WHEN left(e.ncf, 3) IN ('B04', 'E34') THEN -e.${column} ELSE e.${column} END), 0)::numeric(16,2)::text`,
    );
  return sql`(SELECT json_build_object('lineCount', count(*)::int,
      'creditNotes', (count(*) FILTER (WHERE left(e.ncf, 3) IN ('B04', 'E34')))::int,
      'total', ${signed('total')}, 'itbisBilled', ${signed('itbis_billed')}, 'itbisWithheld', ${signed('itbis_withheld')},
      'itbisAdvance', ${signed('itbis_advance')}, 'isrWithheld', ${signed('isr_withheld')})
    FROM expenses e WHERE ${purchasedIn(period)})`;
};

export type { Report606Stats };

/** The name of the shop's contact with this RNC/cédula (digits), or null. */
export async function contactNameByIdNumber(db: TenantDb, idNumber: string): Promise<string | null> {
  const result = await db.execute<{ name: string }>(
    sql`SELECT name FROM contacts WHERE id_number = ${idNumber} LIMIT 1`,
  );
  return result.rows[0]?.name ?? null;
}
