import { z } from '@hono/zod-openapi';
import { shopToday } from '../domain/dates';
import { t } from '../i18n/es-DO';
import { optionalText } from './common';
import { parseDate } from './contacts';

export const labPriorityValues = ['normal', 'high', 'urgent'] as const;

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const optionalId = (message: string) =>
  z
    .string()
    .trim()
    .max(60)
    .transform((value) => (value === '' ? null : value))
    .nullable()
    .optional()
    .refine((value) => value == null || uuidPattern.test(value), message)
    .openapi({ type: 'string', format: 'uuid' });

/** A choice from a fixed list; blank means none. */
const optionalChoice = <T extends readonly [string, ...string[]]>(values: T) =>
  z
    .union([z.string().trim().max(40), z.number()])
    .transform((value) => (String(value) === '' ? null : String(value)))
    .nullable()
    .optional()
    .refine((value) => value == null || (values as readonly string[]).includes(value), t('lab.error.choice'))
    .openapi({ type: 'string', enum: [...values] });

/** A value of one of the shop's catalogue lists (checked against the list by the service); blank means none. */
const listValue = (list: string) =>
  z
    .union([z.string().trim().max(60), z.number()])
    .transform((value) => (String(value) === '' ? null : String(value)))
    .nullable()
    .optional()
    .openapi({
      type: 'string',
      description: `A value of the shop's catalogue list "${list}" (kept on its Catálogo screen)`,
    });

/** A boxing measurement in mm (10-90), typed with a comma or a dot; blank means none. */
const millimetres = z
  .union([z.string().trim().max(10), z.number()])
  .transform((value) => String(value).trim().replace(',', '.'))
  .nullable()
  .optional()
  .refine((value) => value == null || value === '' || (/^\d{1,2}(\.\d)?$/.test(value) && Number(value) >= 10), {
    message: t('lab.error.millimetres'),
  })
  .transform((value) => (value == null || value === '' ? null : value))
  .openapi({ type: 'string', example: '52' });

const flag = z
  .union([z.boolean(), z.string().max(10)])
  .nullable()
  .optional()
  .transform((value) => value === true || value === 'on' || value === 'true' || value === '1');

const labOrderObject = z.object({
  customerId: z
    .string({ error: t('lab.error.customer') })
    .trim()
    .max(60)
    .refine((value) => uuidPattern.test(value), t('lab.error.customer'))
    .openapi({ type: 'string', format: 'uuid', description: 'A contact of the shop' }),
  branchId: optionalId(t('lab.error.branch')),
  prescriptionId: optionalId(t('lab.error.prescription')).openapi({
    description: "Whose Rx is copied; defaults to the customer's latest prescription",
  }),
  invoiceId: optionalId(t('lab.error.invoice')),
  quotationId: optionalId(t('lab.error.quotation')),
  labId: optionalId(t('lab.error.lab')).openapi({ description: 'A supplier contact' }),
  frameProductId: optionalId(t('lab.error.frame')),
  frameOwn: flag,
  frameDescription: optionalText(200),
  frameA: millimetres,
  frameB: millimetres,
  frameDbl: millimetres,
  lensType: listValue('lens_types'),
  lensMaterial: listValue('materials'),
  lensIndex: listValue('indices'),
  treatments: z
    .union([z.string().max(60), z.array(z.string().max(60)).max(20)])
    .nullable()
    .optional()
    .transform((value) => [
      ...new Set((value == null ? [] : Array.isArray(value) ? value : [value]).map((v) => v.trim()).filter(Boolean)),
    ])
    .openapi({ type: 'array', items: { type: 'string', description: 'A value of the catalogue list "treatments"' } }),
  tint: optionalText(120),
  labReference: optionalText(60),
  promisedOn: z
    .string()
    .trim()
    .max(20)
    .nullable()
    .optional()
    .transform((value, context) => {
      if (!value) return null;
      const date = parseDate(value);
      if (!date) context.addIssue({ code: 'custom', message: t('lab.error.date') });
      else if (date < shopToday()) context.addIssue({ code: 'custom', message: t('lab.error.promisedPast') });
      return date;
    })
    .openapi({ type: 'string', format: 'date', description: 'Not before today (America/Santo_Domingo)' }),
  priority: optionalChoice(labPriorityValues).openapi({ description: 'Defaults to normal' }),
  notes: optionalText(2000),
});

export const labOrderFields = labOrderObject.transform((input) => {
  const nulls = Object.fromEntries(
    Object.keys(labOrderObject.shape).map((key) => [key, (input as Record<string, unknown>)[key] ?? null]),
  ) as {
    [K in keyof typeof input]-?: Exclude<(typeof input)[K], undefined> | null;
  };
  return {
    ...nulls,
    treatments: input.treatments,
    frameOwn: input.frameOwn ?? false,
    priority: (input.priority ?? 'normal') as (typeof labPriorityValues)[number],
  };
});

export type LabOrderInput = z.output<typeof labOrderFields>;

export const labMoveFields = z.object({
  toStageId: z
    .string({ error: t('lab.error.stage') })
    .trim()
    .refine((value) => uuidPattern.test(value), t('lab.error.stage'))
    .openapi({ type: 'string', format: 'uuid' }),
  expectedStageId: z
    .string({ error: t('lab.error.stage') })
    .trim()
    .refine((value) => uuidPattern.test(value), t('lab.error.stage'))
    .openapi({ type: 'string', format: 'uuid', description: 'The stage the client saw the order in' }),
  overrideReason: optionalText(500).openapi({
    description: 'Required to deliver an order whose invoice still has a balance',
  }),
});

export type LabMoveInput = z.output<typeof labMoveFields>;

export const labNoteFields = z.object({
  note: z
    .string({ error: t('validation.required') })
    .trim()
    .min(1, t('validation.required'))
    .max(2000),
});

/** API bodies (the same fields as the form; the service validates the whole). */
export const labOrderCreate = labOrderObject.openapi('LabOrderCreate');
export const labMoveBody = labMoveFields.openapi('LabOrderMove');
export const labNoteBody = labNoteFields.openapi('LabOrderNote');

export const labOrderIdParam = z.object({
  id: z.string().openapi({ param: { name: 'id', in: 'path' }, example: '00000000-0000-4000-8000-000000000000' }),
});

const decimalOut = z.string().nullable();
const eyeOut = z.object({
  sphere: decimalOut,
  cylinder: decimalOut,
  axis: z.number().int().nullable(),
  add: decimalOut,
  prism: decimalOut,
  prismBase: z.string().nullable(),
  pd: decimalOut,
  height: decimalOut,
});
const ref = z.object({ id: z.string(), name: z.string() });

export const labOrderOut = z
  .object({
    id: z.string(),
    number: z.number().int(),
    code: z.string().openapi({ example: 'LAB-000123' }),
    customer: ref.extend({ phone: z.string().nullable() }),
    branch: ref,
    lab: ref.nullable(),
    stage: ref.extend({ isFinal: z.boolean(), outcome: z.string().nullable(), enteredAt: z.string() }),
    version: z.number().int(),
    priority: z.enum(labPriorityValues),
    promisedOn: z.string().nullable(),
    invoiceId: z.string().nullable(),
    invoiceBalance: decimalOut,
    quotationId: z.string().nullable(),
    prescriptionId: z.string().nullable(),
    od: eyeOut,
    oi: eyeOut,
    pd: decimalOut,
    frame: z.object({
      productId: z.string().nullable(),
      productName: z.string().nullable(),
      own: z.boolean(),
      description: z.string().nullable(),
      a: decimalOut,
      b: decimalOut,
      dbl: decimalOut,
    }),
    lens: z.object({
      type: z.string().nullable(),
      material: z.string().nullable(),
      index: decimalOut,
      treatments: z.array(z.string()),
      tint: z.string().nullable(),
    }),
    labReference: z.string().nullable(),
    notes: z.string().nullable(),
    closedAt: z.string().nullable(),
    deliveryOverrideReason: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('LabOrder');

export const labOrderEventOut = z
  .object({
    id: z.string(),
    kind: z.string(),
    fromStage: ref.nullable(),
    toStage: ref.nullable(),
    note: z.string().nullable(),
    hasPhoto: z.boolean(),
    user: z.string().nullable(),
    createdAt: z.string(),
  })
  .openapi('LabOrderEvent');

export const labMoveConflictOut = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z.string(),
    currentStage: ref.nullable(),
    balance: z.string().nullable(),
  })
  .openapi('LabOrderMoveConflict');
