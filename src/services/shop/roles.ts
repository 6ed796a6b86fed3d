import { grantablePermissions, knownPermissions } from '../../auth/custom-roles';
import { can, type Permission } from '../../auth/permissions';
import { AppError } from '../../errors';
import { t } from '../../i18n/es-DO';
import { recordActivity } from '../../queries/audit';
import {
  type CustomRoleRow,
  customRole,
  customRolesQuery,
  deleteCustomRole as deleteRow,
  insertCustomRole,
  updateCustomRole,
} from '../../queries/roles';
import type { CustomRoleInput } from '../../schemas/roles';
import type { ShopContext } from './context';

export interface CustomRole extends Omit<CustomRoleRow, 'permissions'> {
  permissions: Permission[];
}

function ensureManage(ctx: ShopContext): void {
  if (!can(ctx.actor, 'roles.manage')) throw new AppError('forbidden');
}

const toRole = (row: CustomRoleRow): CustomRole => ({ ...row, permissions: knownPermissions(row.permissions) });

/** 422 for a permission a custom role cannot grant (roles, users, the audit log...). */
function checkGrantable(input: CustomRoleInput): void {
  if (input.permissions.some((permission) => !grantablePermissions.includes(permission))) {
    const message = t('roles.validation.notGrantable');
    throw new AppError('validation', message, { permissions: message });
  }
}

const nameTaken = () => {
  const message = t('roles.validation.nameTaken');
  return new AppError('validation', message, { name: message });
};

export async function listCustomRoles(ctx: ShopContext): Promise<CustomRole[]> {
  ensureManage(ctx);
  return (await customRolesQuery(ctx.db)).rows.map(toRole);
}

export async function getCustomRole(ctx: ShopContext, id: string): Promise<CustomRole> {
  ensureManage(ctx);
  const row = await customRole(ctx.db, id);
  if (!row) throw new AppError('not_found');
  return toRole(row);
}

export async function createCustomRole(ctx: ShopContext, input: CustomRoleInput): Promise<string> {
  ensureManage(ctx);
  checkGrantable(input);
  const id = await insertCustomRole(ctx.db, { ...input, createdBy: ctx.actor.id });
  if (!id) throw nameTaken();
  await recordActivity(ctx.db, ctx.actor, 'role.created', { roleId: id, ...input });
  return id;
}

/** Renames a role and replaces its permissions; its users have the new list from their next request. */
export async function saveCustomRole(ctx: ShopContext, id: string, input: CustomRoleInput): Promise<void> {
  ensureManage(ctx);
  checkGrantable(input);
  const outcome = await updateCustomRole(ctx.db, id, input);
  if (outcome === 'not_found') throw new AppError('not_found');
  if (outcome === 'name_taken') throw nameTaken();
  await recordActivity(ctx.db, ctx.actor, 'role.changed', { roleId: id, ...input });
}

/** Deletes a role; refused (409) while a user has it. */
export async function deleteCustomRole(ctx: ShopContext, id: string): Promise<void> {
  ensureManage(ctx);
  const outcome = await deleteRow(ctx.db, id);
  if (outcome === 'not_found') throw new AppError('not_found');
  if (outcome === 'in_use') throw new AppError('conflict', t('roles.inUse'));
  await recordActivity(ctx.db, ctx.actor, 'role.deleted', { roleId: id });
}

/** The custom roles the users page offers: all of them to who manages roles, none to anyone else. */
export async function assignableCustomRoles(ctx: ShopContext): Promise<Array<{ id: string; name: string }>> {
  if (!can(ctx.actor, 'roles.manage')) return [];
  return (await customRolesQuery(ctx.db)).rows.map(({ id, name }) => ({ id, name }));
}
