import type { BranchScope } from './branch-scope';
import { and, desc, eq, getTableColumns, inArray, sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { PrescriptionCursor } from './keyset';
import { branches, company, contacts, prescriptions, users } from '../db/tenant-schema';
import type { TenantDb } from '../db/client';
import type { PrescriptionInput } from '../schemas/prescriptions';
import { foldedContains } from './search';

export type Prescription = typeof prescriptions.$inferSelect;
export type Company = typeof company.$inferSelect;

/** A prescription with the names around it: patient, branch, optometrist (user or typed). */
export interface PrescriptionDetail extends Prescription {
  patientName: string;
  patientIdType: string | null;
  patientIdNumber: string | null;
  branchName: string;
  optometristUserName: string | null;
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const optometrists = alias(users, 'optometrist');

const detailColumns = {
  ...getTableColumns(prescriptions),
  patientName: contacts.name,
  patientIdType: contacts.idType,
  patientIdNumber: contacts.idNumber,
  branchName: branches.name,
  optometristUserName: optometrists.name,
};

function inScope(scope: BranchScope): SQL | undefined {
  if (scope === null) return undefined;
  return scope.length ? inArray(prescriptions.branchId, scope) : sql`false`;
}

/**
 * The prescription that makes its patient due for a visit in [from, to] (the home page's "patients
 * due this week" and `/prescriptions?due=week`): the patient's latest prescription (exam date, then
 * creation, then id) has its next visit in the range, and the patient is not archived. `rx` is the
 * prescriptions table's name or alias in the surrounding query.
 */
export function dueVisitCondition(rx: SQL, range: { from: string; to: string }): SQL {
  return sql`${rx}.next_visit_on BETWEEN ${range.from}::date AND ${range.to}::date
    AND NOT EXISTS (SELECT 1 FROM prescriptions later WHERE later.patient_id = ${rx}.patient_id
                       AND (later.examined_on, later.created_at, later.id) > (${rx}.examined_on, ${rx}.created_at, ${rx}.id))
    AND EXISTS (SELECT 1 FROM contacts patient WHERE patient.id = ${rx}.patient_id AND patient.archived_at IS NULL)`;
}

/** Newest first (exam date, then id), keyset pagination; one query. */
export async function listPrescriptions(
  db: TenantDb,
  filter: {
    scope: BranchScope;
    q?: string | null;
    patientId?: string | null;
    /** Only the prescriptions that make their patient due in this range (see dueVisitCondition). */
    due?: { from: string; to: string } | null;
    after?: PrescriptionCursor | null;
    limit?: number;
  },
): Promise<{ rows: PrescriptionDetail[]; next: PrescriptionCursor | null }> {
  const limit = filter.limit ?? 50;
  const words = (filter.q ?? '').trim().split(/\s+/).filter(Boolean).slice(0, 5);
  const rows = await db
    .select(detailColumns)
    .from(prescriptions)
    .innerJoin(contacts, eq(contacts.id, prescriptions.patientId))
    .innerJoin(branches, eq(branches.id, prescriptions.branchId))
    .leftJoin(optometrists, eq(optometrists.id, prescriptions.optometristId))
    .where(
      and(
        inScope(filter.scope),
        filter.patientId ? eq(prescriptions.patientId, filter.patientId) : undefined,
        filter.due ? dueVisitCondition(sql.raw('prescriptions'), filter.due) : undefined,
        ...words.map((word) => foldedContains(sql`${contacts.name}`, word)),
        filter.after
          ? sql`(${prescriptions.examinedOn}, ${prescriptions.id}) < (${filter.after.examinedOn}::date, ${filter.after.id}::uuid)`
          : undefined,
      ),
    )
    .orderBy(desc(prescriptions.examinedOn), desc(prescriptions.id))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return { rows: page, next: rows.length > limit && last ? { examinedOn: last.examinedOn, id: last.id } : null };
}

/** One prescription the scope may see, with its names, and the shop's company row (for printing). */
export async function getPrescription(
  db: TenantDb,
  id: string,
  scope: BranchScope,
): Promise<(PrescriptionDetail & { company: Company | null }) | null> {
  const [row] = await prescriptionQuery(db, id, scope);
  return row ?? null;
}

function prescriptionQuery(db: TenantDb, id: string, scope: BranchScope) {
  return db
    .select({ ...detailColumns, company })
    .from(prescriptions)
    .innerJoin(contacts, eq(contacts.id, prescriptions.patientId))
    .innerJoin(branches, eq(branches.id, prescriptions.branchId))
    .leftJoin(optometrists, eq(optometrists.id, prescriptions.optometristId))
    .leftJoin(company, eq(company.id, 1))
    .where(and(eq(prescriptions.id, id), inScope(scope)))
    .limit(1);
}

export interface PatientRef {
  id: string;
  name: string;
  idType: string | null;
  idNumber: string | null;
}

/** A patient and all their prescriptions the scope may see, newest first; one query. Null: no such contact. */
export async function patientHistory(
  db: TenantDb,
  patientId: string,
  scope: BranchScope,
): Promise<{ patient: PatientRef; prescriptions: PrescriptionDetail[] } | null> {
  const scopeCondition =
    scope === null ? sql`true` : scope.length ? inArray(prescriptions.branchId, scope) : sql`false`;
  const rows = await db
    .select({
      patient: { id: contacts.id, name: contacts.name, idType: contacts.idType, idNumber: contacts.idNumber },
      prescription: getTableColumns(prescriptions),
      branchName: branches.name,
      optometristUserName: optometrists.name,
    })
    .from(contacts)
    .leftJoin(prescriptions, and(eq(prescriptions.patientId, contacts.id), scopeCondition))
    .leftJoin(branches, eq(branches.id, prescriptions.branchId))
    .leftJoin(optometrists, eq(optometrists.id, prescriptions.optometristId))
    .where(eq(contacts.id, patientId))
    .orderBy(desc(prescriptions.examinedOn), desc(prescriptions.id));
  const first = rows[0];
  if (!first) return null;
  const patient = first.patient;
  return {
    patient,
    prescriptions: rows
      .filter((row) => row.prescription !== null)
      .map((row) => ({
        ...row.prescription!,
        patientName: patient.name,
        patientIdType: patient.idType,
        patientIdNumber: patient.idNumber,
        branchName: row.branchName ?? '',
        optometristUserName: row.optometristUserName,
      })),
  };
}

export interface OptometristOption {
  id: string;
  name: string;
  role: string;
}

/** What the prescription form needs: the chosen patient (if any) and the active users; one query. */
export async function prescriptionFormData(
  db: TenantDb,
  patientId: string | null,
): Promise<{ patient: PatientRef | null; optometrists: OptometristOption[] }> {
  const validPatient = patientId && uuidPattern.test(patientId) ? patientId : null;
  const result = await db.execute<{ patient: PatientRef | null; optometrists: OptometristOption[] }>(sql`
    SELECT (SELECT json_build_object('id', c.id, 'name', c.name, 'idType', c.id_type, 'idNumber', c.id_number)
              FROM contacts c WHERE c.id = ${validPatient}::uuid) AS patient,
           coalesce((SELECT json_agg(json_build_object('id', u.id, 'name', u.name, 'role', u.role) ORDER BY u.name)
                       FROM users u WHERE u.status = 'active'), '[]'::json) AS optometrists`);
  const row = result.rows[0]!;
  return { patient: row.patient, optometrists: row.optometrists };
}

/** A prescription to edit (as `getPrescription` reads it) and the active users, in one database request. */
export async function prescriptionEditData(
  db: TenantDb,
  id: string,
  scope: BranchScope,
): Promise<{
  prescription: (PrescriptionDetail & { company: Company | null }) | null;
  optometrists: OptometristOption[];
}> {
  const [[row], people] = await db.batch([
    prescriptionQuery(db, id, scope),
    db
      .select({ id: users.id, name: users.name, role: users.role })
      .from(users)
      .where(eq(users.status, 'active'))
      .orderBy(users.name),
  ]);
  return { prescription: row ?? null, optometrists: people };
}

/** Stored columns written from the form, in table order. */
const writableFields = [
  'patientId',
  'branchId',
  'optometristId',
  'optometristName',
  'examinedOn',
  ...Object.keys(getTableColumns(prescriptions)).filter((key) => /^(od|oi)[A-Z]/.test(key)),
  'pd',
  'contactLensBrand',
  'biomicroscopy',
  'fundus',
  'diagnosis',
  'icd10Codes',
  'recommendations',
  'nextVisitOn',
  'notes',
] as const;

const columns = getTableColumns(prescriptions) as Record<string, { getSQLType(): string }>;

const snake = (key: string) => key.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);

/** The value of one column as a typed SQL parameter (casts, since INSERT ... SELECT infers nothing). */
function columnValue(field: string, value: unknown): SQL {
  if (field === 'icd10Codes')
    return sql`coalesce(string_to_array(nullif(${(value as string[]).join(',')}, ''), ','), '{}'::text[])`;
  return sql`${value ?? null}::${sql.raw(columns[field]!.getSQLType())}`;
}

export type PrescriptionWriteValues = PrescriptionInput & { branchId: string };

export type PrescriptionWrite =
  | { ok: true; id: string }
  | {
      ok: false;
      notFound?: true;
      fields: { patientId?: 'notFound'; branchId?: 'notFound'; optometristId?: 'notFound' };
    };

interface WriteRow extends Record<string, unknown> {
  id: string | null;
  patient_found: boolean;
  branch_found: boolean;
  optometrist_found: boolean;
  target_found: boolean;
}

function writeOutcome(row: WriteRow): PrescriptionWrite {
  if (row.id) return { ok: true, id: row.id };
  if (!row.target_found) return { ok: false, notFound: true, fields: {} };
  return {
    ok: false,
    fields: {
      ...(row.patient_found ? {} : { patientId: 'notFound' as const }),
      ...(row.branch_found ? {} : { branchId: 'notFound' as const }),
      ...(row.optometrist_found ? {} : { optometristId: 'notFound' as const }),
    },
  };
}

/** Checks in the statement that writes: the patient and branch exist, the optometrist is an active user. */
function checks(values: PrescriptionWriteValues): SQL {
  return sql`
    patient AS (SELECT id FROM contacts WHERE id = ${values.patientId}::uuid),
    branch AS (SELECT id FROM branches WHERE id = ${values.branchId}::uuid AND active),
    optometrist AS (SELECT ${values.optometristId}::uuid IS NULL OR EXISTS (SELECT 1 FROM users WHERE id = ${values.optometristId}::uuid AND status = 'active') AS ok)`;
}

const checksPass = sql`EXISTS (SELECT 1 FROM patient) AND EXISTS (SELECT 1 FROM branch) AND (SELECT ok FROM optometrist)`;
const checkColumns = sql`EXISTS (SELECT 1 FROM patient) AS patient_found, EXISTS (SELECT 1 FROM branch) AS branch_found, (SELECT ok FROM optometrist) AS optometrist_found`;

/** Inserts a prescription in one statement that also checks what it refers to. */
export async function createPrescription(
  db: TenantDb,
  values: PrescriptionWriteValues,
  createdBy: string | null,
): Promise<PrescriptionWrite> {
  const record = values as unknown as Record<string, unknown>;
  const result = await db.execute<WriteRow>(sql`
    WITH ${checks(values)},
    inserted AS (
      INSERT INTO prescriptions (${sql.raw(writableFields.map(snake).join(', '))}, created_by)
      SELECT ${sql.join(
        writableFields.map((field) => columnValue(field, record[field])),
        sql`, `,
      )}, ${createdBy}::uuid
       WHERE ${checksPass}
      RETURNING id)
    SELECT (SELECT id FROM inserted) AS id, true AS target_found, ${checkColumns}`);
  return writeOutcome(result.rows[0]!);
}

/** Rewrites a prescription the scope may see (its patient stays); same checks, one statement. */
export async function updatePrescription(
  db: TenantDb,
  id: string,
  values: PrescriptionWriteValues,
  scope: BranchScope,
): Promise<PrescriptionWrite> {
  const record = values as unknown as Record<string, unknown>;
  const scopeSql =
    scope === null
      ? sql`true`
      : scope.length
        ? sql`branch_id IN (${sql.join(
            scope.map((branch) => sql`${branch}::uuid`),
            sql`, `,
          )})`
        : sql`false`;
  const result = await db.execute<WriteRow>(sql`
    WITH target AS (SELECT id FROM prescriptions WHERE id = ${id}::uuid AND patient_id = ${values.patientId}::uuid AND ${scopeSql}),
    ${checks(values)},
    updated AS (
      UPDATE prescriptions SET ${sql.join(
        writableFields
          .filter((field) => field !== 'patientId')
          .map((field) => sql`${sql.raw(snake(field))} = ${columnValue(field, record[field])}`),
        sql`, `,
      )}, updated_at = now()
       WHERE id = (SELECT id FROM target) AND ${checksPass}
      RETURNING id)
    SELECT (SELECT id FROM updated) AS id, EXISTS (SELECT 1 FROM target) AS target_found, ${checkColumns}`);
  return writeOutcome(result.rows[0]!);
}
