import { z } from 'zod';
import { allPermissions } from '../auth/custom-roles';
import type { Permission } from '../auth/permissions';
import { t } from '../i18n/es-DO';

/** Checkboxes arrive as a string (one) or an array (several); none is an empty list. */
const permissionList = z.preprocess(
  (value) => (value === undefined || value === '' ? [] : Array.isArray(value) ? value : [value]),
  z
    .array(z.string().refine((name) => (allPermissions as string[]).includes(name), t('roles.validation.notGrantable')))
    .min(1, t('roles.validation.permissions'))
    .max(allPermissions.length)
    .transform((names) => [...new Set(names)] as Permission[]),
);

/** A custom role as its form sends it: a name and the permissions it grants. */
export const customRoleForm = z.object({
  name: z
    .string({ error: t('roles.validation.name') })
    .trim()
    .min(1, t('roles.validation.name'))
    .max(60, t('roles.validation.name')),
  permissions: permissionList,
});
export type CustomRoleInput = z.output<typeof customRoleForm>;
