import { z } from '@hono/zod-openapi';
import { formatDate, shopToday } from '../domain/dates';
import { isNcfType, numberDigits, sequenceTypes, type SequenceType } from '../domain/ncf';
import { t } from '../i18n/es-DO';
import { parseAmountField } from './amount';
import { optionalText } from './common';
import { parseDate } from './contacts';

/** The largest sequential number a type can print: 8 digits (B-series, COT, REC) or 10 (E-series). */
export function maxSequenceNumber(type: string): number {
  return 10 ** numberDigits(type) - 1;
}

/** What a blank prefix becomes: the type itself for NCF series, `COT-` / `REC-` for the internal ones. */
export function defaultPrefix(type: string): string {
  return isNcfType(type) ? type : `${type}-`;
}

/** A whole number typed in a form (`1,000` allowed) or sent as a JSON number; blank is undefined. */
const wholeNumber = z
  .union([z.number(), z.string()])
  .transform((value, context) => {
    if (typeof value === 'number') {
      if (Number.isSafeInteger(value)) return value;
    } else {
      if (value.trim() === '') return undefined;
      const parsed = parseAmountField(value, {
        scale: 0,
        maxIntegerDigits: 15,
        message: t('sequences.validation.number'),
      });
      if (parsed.ok) return Number(parsed.value);
      context.addIssue({ code: 'custom', message: parsed.message });
      return z.NEVER;
    }
    context.addIssue({ code: 'custom', message: t('sequences.validation.number') });
    return z.NEVER;
  })
  .openapi({ type: 'integer' });

const dateField = z
  .union([z.string(), z.null()])
  .transform((value, context) => {
    if (value === null || value.trim() === '') return null;
    const date = parseDate(value.trim());
    if (!date) {
      context.addIssue({ code: 'custom', message: t('sequences.validation.date') });
      return z.NEVER;
    }
    return date;
  })
  .openapi({ type: 'string', format: 'date', example: '2026-12-31' });

const branchField = z
  .union([z.string(), z.null()])
  .transform((value, context) => {
    if (value === null || value.trim() === '') return null;
    if (!z.uuid().safeParse(value.trim()).success) {
      context.addIssue({ code: 'custom', message: t('sequences.validation.branch') });
      return z.NEVER;
    }
    return value.trim();
  })
  .openapi({
    type: 'string',
    format: 'uuid',
    description: 'The branch that prefers this sequence for its type (null: none)',
  });

const typeField = z.enum(sequenceTypes as [SequenceType, ...SequenceType[]], { error: t('sequences.validation.type') });

/** An HTML checkbox (present = `on`) or a JSON boolean. */
const flag = z.preprocess(
  (value) => value === 'on' || value === 'true' || value === '1' || value === true,
  z.boolean(),
);

const fields = {
  docType: typeField,
  prefix: z.string().trim().max(12, t('sequences.validation.prefixLength')).optional().nullable(),
  description: optionalText(200),
  rangeStart: wholeNumber,
  rangeEnd: wholeNumber,
  nextNumber: wholeNumber.optional().nullable().openapi({ description: 'Defaults to rangeStart' }),
  validUntil: dateField.optional().openapi({
    description:
      'DGII authorisation expiry; required for NCF types; at most 31 December of the year after authorisation',
  }),
  authorizedOn: dateField
    .optional()
    .openapi({ description: 'When the DGII authorised the range (default: the day it is entered); bounds validUntil' }),
  branchId: branchField.optional(),
};

export interface SequenceValues {
  docType: SequenceType;
  prefix: string;
  description: string | null;
  rangeStart: number;
  rangeEnd: number;
  nextNumber: number;
  validUntil: string | null;
  authorizedOn: string | null;
  active: boolean;
  isDefault: boolean;
  branchId: string | null;
}

type RawSequence = {
  docType: SequenceType;
  prefix?: string | null;
  description?: string | null;
  rangeStart?: number;
  rangeEnd?: number;
  nextNumber?: number | null;
  validUntil?: string | null;
  authorizedOn?: string | null;
  active: boolean;
  isDefault: boolean;
  branchId?: string | null;
};

/** DGII: an NCF range is valid until 31 December of the year after its authorisation (docs/domain.md). */
export function latestValidUntil(authorizedOn: string): string {
  return `${Number(authorizedOn.slice(0, 4)) + 1}-12-31`;
}

/**
 * The rules that need nothing but the values: prefix per type, the range fits the type's digits,
 * the next number lies in start..end+1, NCF series carry an expiry date. Returns the completed
 * values (defaults applied) or field errors.
 */
export function checkSequence(
  raw: RawSequence,
  today: string = shopToday(),
  enteredOn: string = today,
): { values: SequenceValues } | { errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const type = raw.docType;
  const prefix = raw.prefix ? raw.prefix.trim() : defaultPrefix(type);
  if (isNcfType(type) && prefix !== type) errors.prefix = t('sequences.validation.prefixNcf', { type });
  if (!isNcfType(type) && !/^[\p{L}\p{N}._\-/]{1,12}$/u.test(prefix))
    errors.prefix = t('sequences.validation.prefixFormat');
  const max = maxSequenceNumber(type);
  const start = raw.rangeStart;
  const end = raw.rangeEnd;
  if (start === undefined) errors.rangeStart = t('validation.required');
  else if (start < 1 || start > max)
    errors.rangeStart = t('sequences.validation.rangeDigits', { max: max.toLocaleString('en-US') });
  if (end === undefined) errors.rangeEnd = t('validation.required');
  else if (end < 1 || end > max)
    errors.rangeEnd = t('sequences.validation.rangeDigits', { max: max.toLocaleString('en-US') });
  else if (start !== undefined && end < start) errors.rangeEnd = t('sequences.validation.rangeOrder');
  const next = raw.nextNumber ?? start;
  if (
    next !== undefined &&
    start !== undefined &&
    end !== undefined &&
    !errors.rangeStart &&
    !errors.rangeEnd &&
    (next < start || next > end + 1)
  ) {
    errors.nextNumber = t('sequences.validation.nextBounds', { start: String(start), end: String(end + 1) });
  }
  if (isNcfType(type) && !raw.validUntil) errors.validUntil = t('sequences.validation.validUntilRequired');
  if (raw.authorizedOn && raw.authorizedOn > today) errors.authorizedOn = t('sequences.validation.authorizedFuture');
  else if (isNcfType(type) && raw.validUntil) {
    // Without an authorisation date the day the range was entered counts as one.
    const latest = latestValidUntil(raw.authorizedOn ?? enteredOn);
    if (raw.validUntil > latest)
      errors.validUntil = t('sequences.validation.validUntilTooLate', { date: formatDate(latest) });
  }
  if (Object.keys(errors).length) return { errors };
  return {
    values: {
      docType: type,
      prefix,
      description: raw.description ?? null,
      rangeStart: start!,
      rangeEnd: end!,
      nextNumber: next!,
      validUntil: raw.validUntil ?? null,
      authorizedOn: raw.authorizedOn ?? null,
      active: raw.active,
      isDefault: raw.isDefault,
      branchId: raw.branchId ?? null,
    },
  };
}

/** The sequence form (create and edit post every field; unchecked boxes are absent). */
export const sequenceForm = z.object({ ...fields, active: flag, isDefault: flag });

export const sequenceCreate = z
  .object({ ...fields, active: z.boolean().default(true), isDefault: z.boolean().default(false) })
  .openapi('SequenceCreate');

export const sequencePatch = z
  .object({ ...fields, active: z.boolean(), isDefault: z.boolean() })
  .partial()
  .openapi('SequencePatch');

export const sequenceWarningNames = ['expired', 'expiresSoon', 'exhausted', 'lowRemaining'] as const;

export const sequenceOut = z
  .object({
    id: z.uuid(),
    docType: z.string().openapi({ example: 'B02' }),
    prefix: z.string(),
    description: z.string().nullable(),
    rangeStart: z.number().int(),
    rangeEnd: z.number().int(),
    nextNumber: z.number().int(),
    nextDocumentNumber: z
      .string()
      .nullable()
      .openapi({ description: 'What the next document will be numbered (null when exhausted)' }),
    validUntil: z.string().nullable(),
    authorizedOn: z.string().nullable(),
    active: z.boolean(),
    isDefault: z.boolean(),
    branchId: z.uuid().nullable(),
    branchName: z.string().nullable(),
    used: z.boolean().openapi({ description: 'Numbered documents already: cannot be deleted' }),
    remaining: z.number().int(),
    warnings: z.array(z.enum(sequenceWarningNames)),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Sequence');

export const sequenceIdParam = z.object({
  id: z.string().openapi({ param: { name: 'id', in: 'path' }, example: '00000000-0000-4000-8000-000000000000' }),
});
