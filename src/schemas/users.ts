import { z } from 'zod';
import { roles } from '../db/tenant-schema';
import { emailField } from './common';
import { t } from '../i18n/es-DO';
import { requiredName } from './common';

/** Repeated form fields arrive as a string (one) or an array (several); none is an empty list. */
const idList = z.preprocess(
  (value) => (value === undefined || value === '' ? [] : Array.isArray(value) ? value : [value]),
  z.array(z.uuid(t('users.branchInvalid'))).max(100),
);

export const roleField = z.enum(roles, { error: t('users.roleInvalid') });

/** A default role, or `custom:<id>` for a custom role (its users keep 'ventas' as their base role). */
export const roleChoiceField = z.string({ error: t('users.roleInvalid') }).transform((value, context) => {
  const custom = /^custom:([0-9a-f-]{36})$/i.exec(value);
  if (custom && z.uuid().safeParse(custom[1]).success) return { role: 'ventas' as const, customRoleId: custom[1]! };
  const role = roleField.safeParse(value);
  if (role.success) return { role: role.data, customRoleId: null };
  context.addIssue({ code: 'custom', message: t('users.roleInvalid') });
  return z.NEVER;
});

export const inviteForm = z.object({
  email: emailField,
  name: requiredName(120),
  role: roleChoiceField,
  branchIds: idList,
});

export const userChangeForm = z.object({
  role: roleChoiceField,
  branchIds: idList,
});

export const apiTokenForm = z.object({
  name: requiredName(80),
  scope: z.enum(['read', 'read_write'], { error: t('apiTokens.scopeInvalid') }),
});

/** A record id in a path: anything else answers 404 before any query. */
export const idParam = z.object({ id: z.uuid() });
