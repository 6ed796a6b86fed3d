import { z } from '@hono/zod-openapi';
import { shopToday } from '../domain/dates';
import {
  checkRx,
  checkRxDates,
  parseIcd10Codes,
  prismBases,
  rxFields,
  type RxField,
  type RxIssue,
  type RxValues,
} from '../domain/prescription';
import { t, type MessageKey } from '../i18n/es-DO';
import { optionalText } from './common';
import { parseDate } from './contacts';

export function rxIssueMessage(issue: RxIssue): string {
  return t(`prescriptions.error.${issue.code}` as MessageKey, issue.params);
}

/** A measurement as typed: text (`+1,25`) or, from the API, a JSON number. Blank means none. */
const measurement = z
  .union([z.string().max(20), z.number()])
  .transform((value) => String(value).trim())
  .nullable()
  .optional()
  .openapi({ type: 'string', example: '-1.25' });

const optionalId = z
  .string()
  .trim()
  .max(60)
  .transform((value) => (value === '' ? null : value))
  .nullable()
  .optional();

const dateText = z
  .string()
  .trim()
  .max(20)
  .nullable()
  .optional()
  .openapi({ type: 'string', format: 'date', example: '2025-03-14' });

const measurementShape = Object.fromEntries(rxFields.map((field) => [field, measurement])) as Record<
  RxField,
  typeof measurement
>;

const prescriptionBase = z.object({
  patientId: z
    .string({ error: t('prescriptions.error.patient') })
    .trim()
    .max(60)
    .openapi({ description: 'A contact of the shop' }),
  branchId: optionalId.openapi({
    description: 'Defaults to the current branch (UI) or the first allowed branch (API)',
  }),
  optometristId: optionalId.openapi({
    description: 'An active user of the shop; or give optometristName for an outside optometrist',
  }),
  optometristName: optionalText(120),
  examinedOn: dateText.openapi({ description: 'Defaults to today (America/Santo_Domingo); never in the future' }),
  ...measurementShape,
  odPrismBase: z
    .string()
    .trim()
    .max(10)
    .nullable()
    .optional()
    .openapi({ type: 'string', enum: [...prismBases] }),
  oiPrismBase: z
    .string()
    .trim()
    .max(10)
    .nullable()
    .optional()
    .openapi({ type: 'string', enum: [...prismBases] }),
  odKeratometry: optionalText(60),
  oiKeratometry: optionalText(60),
  contactLensBrand: optionalText(120),
  biomicroscopy: optionalText(2000),
  fundus: optionalText(2000),
  diagnosis: optionalText(2000),
  icd10Codes: z
    .union([z.string().max(500), z.array(z.string().max(20)).max(20)])
    .nullable()
    .optional()
    .openapi({ description: 'ICD-10 codes: an array, or one comma-separated string', example: ['H52.1'] }),
  recommendations: optionalText(2000),
  nextVisitOn: dateText,
  notes: optionalText(2000),
});

export type PrescriptionInput = RxValues & {
  patientId: string;
  branchId: string | null;
  optometristId: string | null;
  optometristName: string | null;
  examinedOn: string;
  nextVisitOn: string | null;
  biomicroscopy: string | null;
  fundus: string | null;
  diagnosis: string | null;
  icd10Codes: string[];
  recommendations: string | null;
  notes: string | null;
};

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Every rule of src/domain/prescription.ts, each issue on its own field; the output is normalised. */
function refine(input: z.output<typeof prescriptionBase>, context: z.RefinementCtx): PrescriptionInput {
  const fail = (field: string, message: string) => context.addIssue({ code: 'custom', path: [field], message });
  if (!uuidPattern.test(input.patientId)) fail('patientId', t('prescriptions.error.patient'));
  if (input.branchId && !uuidPattern.test(input.branchId)) fail('branchId', t('prescriptions.error.branch'));
  if (input.optometristId && !uuidPattern.test(input.optometristId))
    fail('optometristId', t('prescriptions.error.optometristNotFound'));
  if (input.optometristId && input.optometristName) fail('optometristName', t('prescriptions.error.optometristBoth'));
  if (!input.optometristId && !input.optometristName) fail('optometristId', t('prescriptions.error.optometrist'));

  const { values, issues } = checkRx(input);
  for (const [field, issue] of Object.entries(issues)) fail(field, rxIssueMessage(issue));

  const today = shopToday();
  const examinedOn = input.examinedOn ? parseDate(input.examinedOn) : today;
  const nextVisitOn = input.nextVisitOn ? parseDate(input.nextVisitOn) : null;
  if (!examinedOn) fail('examinedOn', t('prescriptions.error.date'));
  if (input.nextVisitOn && !nextVisitOn) fail('nextVisitOn', t('prescriptions.error.date'));
  if (examinedOn) {
    const dateIssues = checkRxDates(examinedOn, nextVisitOn, today);
    if (dateIssues.examinedOn) fail('examinedOn', rxIssueMessage(dateIssues.examinedOn));
    if (dateIssues.nextVisitOn) fail('nextVisitOn', rxIssueMessage(dateIssues.nextVisitOn));
  }

  const icd10 = parseIcd10Codes(input.icd10Codes);
  if (icd10.invalid) fail('icd10Codes', rxIssueMessage({ code: 'icd10', params: { code: icd10.invalid } }));

  return {
    ...values,
    patientId: input.patientId.toLowerCase(),
    branchId: input.branchId?.toLowerCase() ?? null,
    optometristId: input.optometristId?.toLowerCase() ?? null,
    optometristName: input.optometristName ?? null,
    examinedOn: examinedOn ?? today,
    nextVisitOn,
    biomicroscopy: input.biomicroscopy ?? null,
    fundus: input.fundus ?? null,
    diagnosis: input.diagnosis ?? null,
    icd10Codes: icd10.codes,
    recommendations: input.recommendations ?? null,
    notes: input.notes ?? null,
  };
}

/** The prescription form and the API body: raw text in, normalised values out. */
export const prescriptionFields = prescriptionBase.transform(refine);

export const prescriptionCreate = prescriptionBase.openapi('PrescriptionCreate');

/** PATCH: any subset; the patient cannot change. The result is checked as a whole again. */
export const prescriptionPatch = prescriptionBase.omit({ patientId: true }).partial().openapi('PrescriptionPatch');

const decimalOut = z.string().nullable();
const eyeOut = z.object({
  sphere: decimalOut,
  cylinder: decimalOut,
  axis: z.number().int().nullable(),
  add: decimalOut,
  prism: decimalOut,
  prismBase: z.enum(prismBases).nullable(),
  pd: decimalOut,
  height: decimalOut,
  vaSc: z.string().nullable(),
  vaCc: z.string().nullable(),
  baseCurve: decimalOut,
  diameter: decimalOut,
  keratometry: z.string().nullable(),
  iop: decimalOut,
});

export const prescriptionOut = z
  .object({
    id: z.uuid(),
    patient: z.object({ id: z.uuid(), name: z.string() }),
    branch: z.object({ id: z.uuid(), name: z.string() }),
    optometrist: z.object({ id: z.uuid().nullable(), name: z.string().nullable() }),
    examinedOn: z.string().openapi({ format: 'date' }),
    validUntil: z.string().openapi({ format: 'date', description: 'One year after the exam' }),
    od: eyeOut,
    oi: eyeOut,
    pd: decimalOut.openapi({ description: 'Binocular pupillary distance, mm' }),
    contactLensBrand: z.string().nullable(),
    biomicroscopy: z.string().nullable(),
    fundus: z.string().nullable(),
    diagnosis: z.string().nullable(),
    icd10Codes: z.array(z.string()),
    recommendations: z.string().nullable(),
    nextVisitOn: z.string().nullable(),
    notes: z.string().nullable(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .openapi('Prescription');

export const prescriptionListQuery = z.object({
  patientId: z.string().max(60).optional().openapi({ description: 'Only this patient’s prescriptions' }),
  q: z.string().trim().max(100).optional().openapi({ description: 'Patient name' }),
  due: z
    .enum(['week'])
    .optional()
    .openapi({ description: '`week`: the patients due for their next visit this week (their latest prescription)' }),
});

export const prescriptionIdParam = z.object({
  id: z.string().openapi({ param: { name: 'id', in: 'path' }, example: '00000000-0000-4000-8000-000000000000' }),
});
