import { z } from '@hono/zod-openapi';
import { t } from '../i18n/es-DO';
import { optionalText, requiredName } from './common';

/** Upper-case letters, digits and hyphens: `PRINCIPAL`, `SANTIAGO-2`. */
export const branchCode = z
  .string({ error: t('validation.required') })
  .trim()
  .toUpperCase()
  .min(1, t('validation.required'))
  .max(20, t('branches.codeFormat'))
  .regex(/^[A-Z0-9]+(-[A-Z0-9]+)*$/, t('branches.codeFormat'));

/** A form checkbox: present ("on", "true", "1") or absent. */
const checkbox = z.preprocess(
  (value) => value === true || value === 'on' || value === 'true' || value === '1',
  z.boolean(),
);

export const branchFields = z.object({
  name: requiredName(120),
  code: branchCode,
  address: optionalText(500),
  phone: optionalText(60),
});

/** The UI form: the active checkbox is absent when unticked. */
export const branchForm = branchFields.extend({ active: checkbox.optional() });

export const branchCreate = branchFields.extend({ active: z.boolean().optional() }).openapi('BranchCreate');
export const branchPatch = branchCreate.partial().openapi('BranchPatch');

export const branchOut = z
  .object({
    id: z.uuid(),
    code: z.string(),
    name: z.string(),
    address: z.string().nullable(),
    phone: z.string().nullable(),
    active: z.boolean(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .openapi('Branch');

export const branchIdParam = z.object({ id: z.uuid().openapi({ param: { name: 'id', in: 'path' } }) });
