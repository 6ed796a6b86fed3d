import { z } from '@hono/zod-openapi';
import { contactKinds, idTypes } from '../db/tenant-schema';

/** The kinds of contact (customer, supplier, ...), for the edges' filters. */
export { contactKinds };
import { t } from '../i18n/es-DO';
import { optionalEmail, optionalText } from './common';

/** A select whose blank option means "none": '' and null become null. */
const optionalChoice = <T extends readonly [string, ...string[]]>(values: T) =>
  z
    .union([z.enum(values), z.literal(''), z.null()])
    .transform((value) => (value === '' ? null : value))
    .optional();

/** `(809) 555-1234`, `809.555.1234`, `+1 809 555 1234` -> digits (and a leading +), 7 to 15 digits. */
export function normalizePhone(value: string): string {
  return value.replace(/[\s().-]/g, '');
}

const phoneField = z
  .string()
  .trim()
  .max(40)
  .transform((value) => (value === '' ? null : normalizePhone(value)))
  .refine((value) => value === null || /^\+?\d{7,15}$/.test(value), t('contacts.phoneFormat'))
  .nullable()
  .optional();

/** `aaaa-mm-dd` (date inputs, the API) or `dd/mm/aaaa` (typed by hand) -> `aaaa-mm-dd`. */
export function parseDate(value: string): string | null {
  const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const local = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(value);
  const [year, month, day] = iso ? [iso[1], iso[2], iso[3]] : local ? [local[3], local[2], local[1]] : [];
  if (!year || !month || !day) return null;
  const date = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
  if (
    date.getUTCFullYear() !== Number(year) ||
    date.getUTCMonth() !== Number(month) - 1 ||
    date.getUTCDate() !== Number(day)
  )
    return null;
  return date.toISOString().slice(0, 10);
}

const birthDateField = z
  .string()
  .trim()
  .transform((value, context) => {
    if (value === '') return null;
    const date = parseDate(value);
    if (!date) {
      context.addIssue({ code: 'custom', message: t('contacts.dateFormat') });
      return z.NEVER;
    }
    if (date > new Date().toISOString().slice(0, 10) || date < '1900-01-01') {
      context.addIssue({
        code: 'custom',
        message: date < '1900-01-01' ? t('contacts.dateFormat') : t('contacts.dateFuture'),
      });
      return z.NEVER;
    }
    return date;
  })
  .nullable()
  .optional()
  .openapi({ type: 'string', format: 'date', example: '1985-04-23' });

/**
 * The contact fields of the form and of the API. Identification rules that need the DGII registry
 * (check digits, name autofill) are applied afterwards by `prepareContact` (src/queries/contacts.ts);
 * `name` may be blank here because the registry can fill it.
 */
const contactBase = z.object({
  kind: z.enum(contactKinds),
  idType: optionalChoice(idTypes),
  idNumber: optionalText(30).openapi({
    description: 'Cédula (11 digits) or RNC (9 digits), dashes allowed; or a passport number',
  }),
  name: optionalText(200).openapi({
    description: 'Filled from the DGII registry when blank and the RNC/cédula is registered',
  }),
  phone: phoneField,
  mobile: phoneField,
  email: optionalEmail,
  address: optionalText(500),
  birthDate: birthDateField,
  gender: optionalChoice(['F', 'M', 'X'] as const),
  notes: optionalText(2000),
});

export const contactFields = contactBase.extend({ kind: z.enum(contactKinds).default('customer') });

export type ContactInput = z.output<typeof contactFields>;

export const contactCreate = contactFields.openapi('ContactCreate');

export const contactPatch = contactBase
  .partial()
  .extend({
    archived: z
      .boolean()
      .optional()
      .openapi({ description: 'Archive (true) or restore (false); needs contacts.archive' }),
  })
  .openapi('ContactPatch');

export const contactOut = z
  .object({
    id: z.uuid(),
    kind: z.enum(contactKinds),
    idType: z.enum(idTypes).nullable(),
    idNumber: z.string().nullable().openapi({ description: 'Digits only for cédula and RNC' }),
    idNumberFormatted: z.string().nullable(),
    name: z.string(),
    phone: z.string().nullable(),
    mobile: z.string().nullable(),
    email: z.string().nullable(),
    address: z.string().nullable(),
    birthDate: z.string().nullable(),
    gender: z.enum(['F', 'M', 'X']).nullable(),
    notes: z.string().nullable(),
    archived: z.boolean(),
    archivedAt: z.iso.datetime().nullable(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .openapi('Contact');

export const contactListQuery = z.object({
  q: z.string().trim().max(100).optional(),
  kind: z.enum(contactKinds).optional(),
  archived: z
    .enum(['false', 'true', 'all'])
    .default('false')
    .openapi({ description: 'false: active only (default); true: archived only; all' }),
});

export const contactIdParam = z.object({
  id: z.string().openapi({ param: { name: 'id', in: 'path' }, example: '00000000-0000-4000-8000-000000000000' }),
});
