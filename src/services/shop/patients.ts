import { can } from '../../auth/permissions';
import { comparePrescriptions, type RxField } from '../../domain/prescription';
import { AppError } from '../../errors';
import { branchScope } from '../../queries/branch-scope';
import { patientListLimit, patientPageRows, type PatientPageRows } from '../../queries/patients';
import type { ShopContext } from './context';

type Rows = PatientPageRows;

export interface PatientList<T> {
  rows: T[];
  /** More than the page shows: the page links to the whole list. */
  more: boolean;
}

export interface PatientPage {
  patient: Rows[0][number];
  prescriptions: PatientList<Rows[1][number]>;
  /** Fields of the latest Rx that differ from the previous one (empty with fewer than two). */
  rxChanges: ReadonlySet<RxField>;
  quotations: PatientList<Rows[2][number]>;
  invoices: PatientList<Rows[3][number]>;
  payments: PatientList<Rows[4][number]>;
  creditNotes: PatientList<Rows[5][number]>;
  /** Per currency: open balance and credit balance of the issued invoices. */
  balances: Rows[6];
  rights: { prescriptions: boolean; quotations: boolean; invoices: boolean };
}

const bounded = <T>(rows: T[]): PatientList<T> => ({
  rows: rows.slice(0, patientListLimit),
  more: rows.length > patientListLimit,
});

/** A customer's page: identity, prescriptions, documents and balances, in ONE round trip; 404 for anyone else. */
export async function getPatientPage(ctx: ShopContext, id: string): Promise<PatientPage> {
  if (!can(ctx.actor, 'contacts.view')) throw new AppError('forbidden');
  const rights = {
    prescriptions: can(ctx.actor, 'prescriptions.view'),
    quotations: can(ctx.actor, 'quotations.view'),
    invoices: can(ctx.actor, 'invoices.view'),
  };
  const [patients, rx, quotations, invoices, payments, creditNotes, balances] = await patientPageRows(
    ctx.db,
    id,
    branchScope(ctx.actor),
    rights,
  );
  const patient = patients[0];
  if (!patient) throw new AppError('not_found');
  const [latest, previous] = rx;
  return {
    patient,
    prescriptions: bounded(rx),
    rxChanges: new Set(latest && previous ? comparePrescriptions(previous, latest).map((change) => change.field) : []),
    quotations: bounded(quotations),
    invoices: bounded(invoices),
    payments: bounded(payments),
    creditNotes: bounded(creditNotes),
    balances,
    rights,
  };
}
