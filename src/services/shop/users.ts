import { can } from '../../auth/permissions';
import { issuePasswordLink } from '../../auth/users';
import type { Role } from '../../db/tenant-schema';
import { AppError } from '../../errors';
import { t } from '../../i18n/es-DO';
import { recordActivity } from '../../queries/audit';
import {
  changeUser,
  createInvitedUser,
  disableUser as disableUserRow,
  enableUser as enableUserRow,
  expireUserLinks,
  getUser as selectUser,
  getUserWithRoles as selectUserWithRoles,
  listUsers as selectUsers,
  type UserRow,
} from '../../queries/users';
import { customRole } from '../../queries/roles';
import { requireRight, type ShopContext } from './context';

export type { UserRow };

/** A set-password link, shown once. */
export interface PasswordLink {
  token: string;
  expiresAt: Date;
}

/** Only an owner may change, disable, re-enable or re-invite an owner. */
function ownerGuard(ctx: ShopContext, target: UserRow): void {
  if (target.role === 'owner' && ctx.actor.role !== 'owner') throw new AppError('forbidden', t('users.ownerOnly'));
}

/** Branch ids must be active branches of this shop: owners and admins (users.manage) see all of them in their session. */
function checkBranches(ctx: ShopContext, branchIds: string[]): void {
  const known = new Set(ctx.actor.branches.map((branch) => branch.id));
  if (branchIds.some((id) => !known.has(id)))
    throw new AppError('validation', t('users.branchInvalid'), { branchIds: t('users.branchInvalid') });
}

export async function listUsers(ctx: ShopContext): Promise<UserRow[]> {
  requireRight(ctx, 'users.manage');
  return selectUsers(ctx.db);
}

export async function getUser(ctx: ShopContext, id: string): Promise<UserRow> {
  requireRight(ctx, 'users.manage');
  const user = await selectUser(ctx.db, id);
  if (!user) throw new AppError('not_found');
  return user;
}

/** A user's page: the user and the custom roles the actor may give (all to who manages roles), in one statement. */
export async function getUserPage(
  ctx: ShopContext,
  id: string,
): Promise<{ user: UserRow; customRoles: Array<{ id: string; name: string }> }> {
  requireRight(ctx, 'users.manage');
  const page = await selectUserWithRoles(ctx.db, id, can(ctx.actor, 'roles.manage'));
  if (!page) throw new AppError('not_found');
  return page;
}

/** Invites a user: the account without a password, its one-time link, and the activity entry. */
export async function inviteUser(
  ctx: ShopContext,
  input: { email: string; name: string; role: Role; customRoleId?: string | null; branchIds: string[] },
): Promise<{ userId: string; link: PasswordLink }> {
  requireRight(ctx, 'users.manage');
  if (input.role === 'owner' && ctx.actor.role !== 'owner')
    throw new AppError('forbidden', t('users.ownerOnly'), { role: t('users.ownerOnly') });
  const customRoleId = input.customRoleId ?? null;
  // As for a change: only who manages roles hands one out, and only one of this shop's.
  if (customRoleId && !can(ctx.actor, 'roles.manage')) throw new AppError('forbidden');
  if (customRoleId && !(await customRole(ctx.db, customRoleId)))
    throw new AppError('validation', t('roles.validation.unknown'), { role: t('roles.validation.unknown') });
  checkBranches(ctx, input.branchIds);
  const userId = await createInvitedUser(ctx.db, {
    email: input.email,
    name: input.name,
    role: input.role,
    customRoleId,
  });
  if (!userId) throw new AppError('validation', t('users.emailTaken'), { email: t('users.emailTaken') });
  const link = await issuePasswordLink(ctx.db, {
    email: input.email,
    name: input.name,
    role: input.role,
    purpose: 'invitation',
    createdBy: ctx.actor.id,
    branchIds: input.branchIds,
  });
  await recordActivity(ctx.db, ctx.actor, 'user.invited', {
    userId,
    email: input.email,
    name: input.name,
    role: input.role,
    customRoleId,
  });
  return { userId, link };
}

/**
 * Changes a user's role and branches. 403 (with the reason) for an owner changed by a non-owner or
 * one's own role, 409 for the last active owner; the entry says role or branches changed.
 */
export async function changeUserAccess(
  ctx: ShopContext,
  id: string,
  input: { role: Role; customRoleId?: string | null; branchIds: string[] },
): Promise<void> {
  requireRight(ctx, 'users.manage');
  const customRoleId = input.customRoleId ?? null;
  // Only who manages roles hands them out (the owner); a user keeps a custom role others cannot give.
  const user = await getUser(ctx, id);
  if (customRoleId !== user.customRoleId && (customRoleId || user.customRoleId) && !can(ctx.actor, 'roles.manage'))
    throw new AppError('forbidden');
  if (customRoleId && customRoleId !== user.customRoleId && !(await customRole(ctx.db, customRoleId)))
    throw new AppError('validation', t('roles.validation.unknown'), { role: t('roles.validation.unknown') });
  ownerGuard(ctx, user);
  if (input.role === 'owner' && ctx.actor.role !== 'owner') throw new AppError('forbidden', t('users.ownerOnly'));
  if (user.id === ctx.actor.id && (input.role !== user.role || customRoleId !== user.customRoleId))
    throw new AppError('forbidden', t('users.notSelf'));
  checkBranches(ctx, input.branchIds);
  const branches = ctx.actor.branches
    .filter((branch) => input.branchIds.includes(branch.id))
    .map((branch) => branch.name);
  const details = { userId: user.id, email: user.email, name: user.name, role: input.role, customRoleId, branches };
  const log =
    input.role !== user.role || customRoleId !== user.customRoleId
      ? { actor: ctx.actor, action: 'user.role.changed', extra: { ...details, previousRole: user.role } }
      : { actor: ctx.actor, action: 'user.branches.changed', extra: details };
  const result = await changeUser(ctx.db, user.id, { ...input, customRoleId }, log);
  if (!result.found) throw new AppError('not_found');
  if (!result.updated) throw new AppError('conflict', t('users.lastOwner'));
}

const userFacts = (user: UserRow) => ({ userId: user.id, email: user.email, name: user.name });

/** Disables a user (sessions ended, tokens revoked); never oneself, nor the last active owner (409). */
export async function disableUser(ctx: ShopContext, id: string): Promise<void> {
  requireRight(ctx, 'users.manage');
  const user = await getUser(ctx, id);
  ownerGuard(ctx, user);
  if (user.id === ctx.actor.id) throw new AppError('forbidden', t('users.notSelf'));
  const result = await disableUserRow(ctx.db, user.id, {
    actor: ctx.actor,
    action: 'user.disabled',
    extra: userFacts(user),
  });
  if (!result.found) throw new AppError('not_found');
  if (!result.updated) throw new AppError('conflict', t('users.lastOwner'));
}

export async function enableUser(ctx: ShopContext, id: string): Promise<void> {
  requireRight(ctx, 'users.manage');
  const user = await getUser(ctx, id);
  ownerGuard(ctx, user);
  await enableUserRow(ctx.db, user.id, { actor: ctx.actor, action: 'user.enabled', extra: userFacts(user) });
}

/** A new invitation link for a user who has not set a password yet (older links stop working). */
export async function resendInvitation(ctx: ShopContext, id: string): Promise<{ user: UserRow; link: PasswordLink }> {
  requireRight(ctx, 'users.manage');
  const user = await getUser(ctx, id);
  ownerGuard(ctx, user);
  if (user.status !== 'invited') throw new AppError('conflict', t('users.notInvited'));
  await expireUserLinks(ctx.db, user.id);
  const link = await issuePasswordLink(ctx.db, {
    email: user.email,
    name: user.name,
    role: user.role,
    purpose: 'invitation',
    createdBy: ctx.actor.id,
  });
  await recordActivity(ctx.db, ctx.actor, 'user.invitation.resent', userFacts(user));
  return { user, link };
}
