import { eyeMeasures } from '../../domain/prescription';
import { AppError } from '../../errors';
import { t } from '../../i18n/es-DO';
import { branchScope, listScope } from '../../queries/branch-scope';
import { listContacts, type Contact } from '../../queries/contacts';
import type { PrescriptionCursor } from '../../queries/keyset';
import {
  createPrescription as insertPrescription,
  getPrescription as selectPrescription,
  listPrescriptions as selectPrescriptions,
  patientHistory as selectPatientHistory,
  prescriptionEditData,
  prescriptionFormData,
  updatePrescription as changePrescription,
  type OptometristOption,
  type PatientRef,
  type PrescriptionDetail,
  type PrescriptionWrite,
} from '../../queries/prescriptions';
import { prescriptionFields, type PrescriptionInput } from '../../schemas/prescriptions';
import { requireRight, type ShopContext } from './context';
import { dashboardDates } from './dashboard';

export type { OptometristOption, PatientRef, PrescriptionCursor, PrescriptionDetail };

/** The branch a write goes to: the chosen one if the actor may work there, else their current branch; 422 otherwise. */
function writeBranch(ctx: ShopContext, branchId: string | null): string {
  const chosen = branchId ?? ctx.actor.branch?.id ?? null;
  if (!chosen || !ctx.actor.branches.some((branch) => branch.id === chosen))
    throw new AppError('validation', t('prescriptions.error.branch'), { branchId: t('prescriptions.error.branch') });
  return chosen;
}

/** A write refused for a record it names: 404, or 422 with the field of each missing record. */
function written(result: PrescriptionWrite): string {
  if (result.ok) return result.id;
  if (result.notFound) throw new AppError('not_found');
  const fields: Record<string, string> = {};
  if (result.fields.patientId) fields.patientId = t('prescriptions.error.patientNotFound');
  if (result.fields.branchId) fields.branchId = t('prescriptions.error.branch');
  if (result.fields.optometristId) fields.optometristId = t('prescriptions.error.optometristNotFound');
  throw new AppError('validation', 'The request has invalid fields', fields);
}

/** Newest first, in the branches the actor sees. */
export async function listPrescriptions(
  ctx: ShopContext,
  filter: {
    q?: string | null;
    patientId?: string | null;
    /** `week`: the patients due for their next visit this week, as the home page counts them. */
    due?: 'week' | null;
    /** One of the actor's branches (else every branch they see). */
    branch?: string | null;
    after: PrescriptionCursor | null;
    limit?: number;
  },
  now: Date = new Date(),
): Promise<{ rows: PrescriptionDetail[]; next: PrescriptionCursor | null }> {
  requireRight(ctx, 'prescriptions.view');
  const { due, branch, ...rest } = filter;
  const dates = due === 'week' ? dashboardDates(now) : null;
  return selectPrescriptions(ctx.db, {
    ...rest,
    due: dates ? { from: dates.weekStart, to: dates.weekEnd } : null,
    scope: listScope(ctx.actor, branch),
  });
}

/** A prescription with the company it is printed for. */
export type PrescriptionWithCompany = NonNullable<Awaited<ReturnType<typeof selectPrescription>>>;

export async function getPrescription(ctx: ShopContext, id: string): Promise<PrescriptionWithCompany> {
  requireRight(ctx, 'prescriptions.view');
  const prescription = await selectPrescription(ctx.db, id, branchScope(ctx.actor));
  if (!prescription) throw new AppError('not_found');
  return prescription;
}

/** A patient and their prescriptions in the actor's branches; 404 for no such contact. */
export async function patientHistory(
  ctx: ShopContext,
  patientId: string,
): Promise<{ patient: PatientRef; prescriptions: PrescriptionDetail[] }> {
  requireRight(ctx, 'prescriptions.view');
  const history = await selectPatientHistory(ctx.db, patientId, branchScope(ctx.actor));
  if (!history) throw new AppError('not_found');
  return history;
}

/** The patient a form is for (404 when there is none) and the users who may have examined them. */
export async function prescriptionForm(
  ctx: ShopContext,
  patientId: string | null,
): Promise<{ patient: PatientRef; optometrists: OptometristOption[] }> {
  requireRight(ctx, 'prescriptions.manage');
  const data = await prescriptionFormData(ctx.db, patientId);
  if (!data.patient) throw new AppError('not_found');
  return { patient: data.patient, optometrists: data.optometrists };
}

/** A prescription to edit with its form's data (its patient, the users who may have examined them): one database request. */
export async function prescriptionEditForm(
  ctx: ShopContext,
  id: string,
): Promise<{ prescription: PrescriptionWithCompany; patient: PatientRef; optometrists: OptometristOption[] }> {
  requireRight(ctx, 'prescriptions.manage');
  const { prescription, optometrists } = await prescriptionEditData(ctx.db, id, branchScope(ctx.actor));
  if (!prescription) throw new AppError('not_found');
  const patient = {
    id: prescription.patientId,
    name: prescription.patientName,
    idType: prescription.patientIdType,
    idNumber: prescription.patientIdNumber,
  };
  return { prescription, patient, optometrists };
}

/** Patients to pick for a new prescription (name, identification or phone). */
export async function searchPatients(ctx: ShopContext, q: string): Promise<Contact[]> {
  requireRight(ctx, 'prescriptions.manage');
  return q ? (await listContacts(ctx.db, { q, limit: 20 })).rows : [];
}

export async function createPrescription(ctx: ShopContext, input: PrescriptionInput): Promise<PrescriptionWithCompany> {
  requireRight(ctx, 'prescriptions.manage');
  const branchId = writeBranch(ctx, input.branchId);
  const id = written(await insertPrescription(ctx.db, { ...input, branchId }, ctx.actor.id));
  // Read back in any branch: the one written to is the actor's, whatever their scope says.
  return (await selectPrescription(ctx.db, id, null))!;
}

/** Replaces a prescription's fields (the patient never changes). */
export async function updatePrescription(
  ctx: ShopContext,
  id: string,
  input: PrescriptionInput,
): Promise<PrescriptionWithCompany> {
  requireRight(ctx, 'prescriptions.manage');
  const current = await getPrescription(ctx, id);
  const branchId = writeBranch(ctx, input.branchId);
  const scope = branchScope(ctx.actor);
  written(await changePrescription(ctx.db, current.id, { ...input, patientId: current.patientId, branchId }, scope));
  return getPrescription(ctx, current.id);
}

/** Stored values back to the raw body shape, so a PATCH is validated as a whole. */
function rawOf(p: PrescriptionDetail): Record<string, unknown> {
  const record = p as unknown as Record<string, unknown>;
  const raw: Record<string, unknown> = {
    patientId: p.patientId,
    branchId: p.branchId,
    optometristId: p.optometristId,
    optometristName: p.optometristName,
    examinedOn: p.examinedOn,
    pd: p.pd,
    contactLensBrand: p.contactLensBrand,
    biomicroscopy: p.biomicroscopy,
    fundus: p.fundus,
    diagnosis: p.diagnosis,
    icd10Codes: p.icd10Codes,
    recommendations: p.recommendations,
    nextVisitOn: p.nextVisitOn,
    notes: p.notes,
  };
  for (const eye of ['od', 'oi'] as const)
    for (const measure of eyeMeasures) raw[`${eye}${measure}`] = record[`${eye}${measure}`] ?? null;
  return raw;
}

/** Validates a whole prescription body with the form's rules: 422 with the first message of every field. */
export function validPrescription(body: unknown): PrescriptionInput {
  const result = prescriptionFields.safeParse(body);
  if (result.success) return result.data;
  const fields: Record<string, string> = {};
  for (const issue of result.error.issues) fields[String(issue.path[0] ?? '_form')] ??= issue.message;
  throw new AppError('validation', 'The request has invalid fields', fields);
}

/**
 * Changes the fields a request sends (an explicit null clears one, an omitted one keeps its value);
 * the result is checked as a whole, and the patient never changes.
 */
export async function patchPrescription(
  ctx: ShopContext,
  id: string,
  body: Record<string, unknown>,
): Promise<PrescriptionWithCompany> {
  requireRight(ctx, 'prescriptions.manage');
  const current = await getPrescription(ctx, id);
  const input = validPrescription({ ...rawOf(current), ...body, patientId: current.patientId });
  return updatePrescription(ctx, current.id, input);
}
