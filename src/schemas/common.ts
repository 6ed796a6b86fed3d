import { z } from '@hono/zod-openapi';
import { passwordPolicy } from '../auth/password';
import { checkTaxId, type TaxIdKind } from '../domain/tax-id';
import { t } from '../i18n/es-DO';

/** Optional free text: blank becomes null. */
export const optionalText = (max = 200) =>
  z
    .string()
    .trim()
    .max(max)
    .transform((value) => (value === '' ? null : value))
    .nullable()
    .optional();

export const requiredName = (max = 200) =>
  z
    .string({ error: t('validation.required') })
    .trim()
    .min(1, t('validation.required'))
    .max(max);

export const optionalEmail = z
  .string()
  .trim()
  .toLowerCase()
  .transform((value) => (value === '' ? null : value))
  .pipe(z.email(t('validation.email')).nullable())
  .nullable()
  .optional();

/**
 * Format and check digit of an RNC or cédula. A number that fails its check digit may still be
 * valid if the DGII registry has it: callers do that lookup (it needs the central database) and
 * pass the result.
 */
export function taxIdIssue(kind: TaxIdKind, value: string, inRegistry: boolean): string | null {
  const check = checkTaxId(kind, value, inRegistry);
  if (check.ok) return null;
  if (check.reason === 'format') return kind === 'rnc' ? t('validation.rncFormat') : t('validation.cedulaFormat');
  return kind === 'rnc' ? t('validation.rncChecksum') : t('validation.cedulaChecksum');
}

/** An e-mail address as people type it: trimmed, lower-cased. */
export const emailField = z
  .string({ error: t('validation.required') })
  .trim()
  .toLowerCase()
  .pipe(z.email(t('validation.email')));

export const newPasswordFields = z
  .object({
    password: z
      .string({ error: t('validation.required') })
      .min(
        passwordPolicy.minLength,
        t('validation.passwordLength', { min: passwordPolicy.minLength, max: passwordPolicy.maxLength }),
      )
      .max(
        passwordPolicy.maxLength,
        t('validation.passwordLength', { min: passwordPolicy.minLength, max: passwordPolicy.maxLength }),
      ),
    confirm: z.string({ error: t('validation.required') }),
  })
  .refine((value) => value.password === value.confirm, { message: t('validation.passwordMatch'), path: ['confirm'] });
