import type { Context } from 'hono';
import type { JSX } from 'hono/jsx/jsx-runtime';
import { refuseInSupportSession, requirePermission } from '../http/session';
import { issuePasswordLink } from '../auth/users';
import type { SignedInEnv } from '../http/env';
import { AppError } from '../errors';
import { factory } from '../http/factory';
import { validForm } from '../http/forms';
import { t } from '../i18n/es-DO';
import { recordActivity } from '../queries/audit';
import {
  changeUser,
  createInvitedUser,
  disableUser,
  enableUser,
  expireUserLinks,
  getUser,
  listUsers,
  type UserRow,
} from '../queries/users';
import { idParam, inviteForm, userChangeForm } from '../schemas/users';
import type { FieldErrors } from '../errors';
import { InviteForm, LinkShownOnce, UserDetail, UserList, type InviteValues } from '../views/users';

/** Shop screens: users. */
export const usersRoutes = factory.createApp();

type RefusalStatus = 200 | 403 | 409 | 422;

function shell(c: Context<SignedInEnv>, title: string, content: JSX.Element, status: RefusalStatus | 201 = 200) {
  c.status(status);
  return c.render(content, { title: title, current: '/users' });
}

function renderInvite(
  c: Context<SignedInEnv>,
  values: InviteValues,
  status: RefusalStatus,
  errors?: FieldErrors,
  message?: string,
) {
  const session = c.var.session;
  return shell(
    c,
    t('users.invite'),
    <InviteForm
      values={values}
      branches={session.branches}
      actorRole={session.role}
      errors={errors}
      message={message}
    />,
    status,
  );
}

function renderUser(
  c: Context<SignedInEnv>,
  user: UserRow,
  options: {
    status?: RefusalStatus;
    values?: { role?: string; branchIds?: string[] };
    errors?: FieldErrors;
    message?: string;
    notice?: string | null;
  } = {},
) {
  const session = c.var.session;
  return shell(
    c,
    t('users.editTitle', { name: user.name }),
    <UserDetail
      user={user}
      actor={session}
      branches={session.branches}
      values={options.values}
      errors={options.errors}
      message={options.message}
      notice={options.notice}
    />,
    options.status ?? 200,
  );
}

/** The set-password link on this shop's own host, shown once and never stored (only its hash is). */
function renderLink(
  c: Context<SignedInEnv>,
  user: { email: string; name: string },
  link: { token: string; expiresAt: Date },
  status: 200 | 201,
) {
  c.header('Cache-Control', 'no-store');
  const url = `${new URL(c.req.url).origin}/set-password/${link.token}`;
  return shell(
    c,
    t('users.linkTitle', { email: user.email }),
    <LinkShownOnce email={user.email} name={user.name} url={url} expiresAt={link.expiresAt} />,
    status,
  );
}

/** The target of `/users/:id...`, or 404 (malformed ids too, before any query). */
async function targetUser(c: Context<SignedInEnv>): Promise<UserRow> {
  const parsed = idParam.safeParse({ id: c.req.param('id') });
  if (!parsed.success) throw new AppError('not_found');
  const user = await getUser(c.var.db, parsed.data.id);
  if (!user) throw new AppError('not_found');
  return user;
}

/** Only an owner may change, disable, re-enable or re-invite an owner. */
function ownerGuard(c: Context<SignedInEnv>, target: UserRow): string | null {
  return target.role === 'owner' && c.var.session.role !== 'owner' ? t('users.ownerOnly') : null;
}

/** Branch ids must be active branches of this shop: owners and admins (users.manage) see all of them in their session. */
function unknownBranch(c: Context<SignedInEnv>, branchIds: string[]): boolean {
  const known = new Set(c.var.session.branches.map((branch) => branch.id));
  return branchIds.some((id) => !known.has(id));
}

usersRoutes.get('/users', requirePermission('users.manage'), async (c) =>
  shell(c, t('users.title'), <UserList users={await listUsers(c.var.db)} currentUserId={c.var.session.id} />),
);

usersRoutes.get('/users/new', requirePermission('users.manage'), refuseInSupportSession, (c) =>
  renderInvite(c, {}, 200),
);

usersRoutes.post(
  '/users',
  requirePermission('users.manage'),
  refuseInSupportSession,
  validForm(inviteForm, (c, errors, submitted) => renderInvite(c, submitted as InviteValues, 422, errors)),
  async (c) => {
    const session = c.var.session;
    const form = c.req.valid('form');
    if (form.role === 'owner' && session.role !== 'owner')
      return renderInvite(c, form, 403, { role: t('users.ownerOnly') });
    if (unknownBranch(c, form.branchIds)) return renderInvite(c, form, 422, { branchIds: t('users.branchInvalid') });
    const userId = await createInvitedUser(c.var.db, { email: form.email, name: form.name, role: form.role });
    if (!userId) return renderInvite(c, form, 422, { email: t('users.emailTaken') });
    const link = await issuePasswordLink(c.var.db, {
      email: form.email,
      name: form.name,
      role: form.role,
      purpose: 'invitation',
      createdBy: session.id,
      branchIds: form.branchIds,
    });
    await recordActivity(c.var.db, session, 'user.invited', {
      userId,
      email: form.email,
      name: form.name,
      role: form.role,
    });
    return renderLink(c, form, link, 201);
  },
);

usersRoutes.get('/users/:id', requirePermission('users.manage'), async (c) => {
  const user = await targetUser(c);
  const done = c.req.query('done');
  const notice =
    done === 'saved'
      ? t('users.saved')
      : done === 'disabled'
        ? t('users.disabled')
        : done === 'enabled'
          ? t('users.enabled')
          : null;
  return renderUser(c, user, { notice });
});

usersRoutes.post(
  '/users/:id',
  requirePermission('users.manage'),
  validForm(userChangeForm, async (c, errors, submitted) =>
    renderUser(c, await targetUser(c), { status: 422, errors, values: submitted }),
  ),
  async (c) => {
    const session = c.var.session;
    const user = await targetUser(c);
    const form = c.req.valid('form');
    const refuse = (status: RefusalStatus, message: string) => renderUser(c, user, { status, message, values: form });
    const ownerOnly =
      ownerGuard(c, user) ?? (form.role === 'owner' && session.role !== 'owner' ? t('users.ownerOnly') : null);
    if (ownerOnly) return refuse(403, ownerOnly);
    if (user.id === session.id && form.role !== user.role) return refuse(403, t('users.notSelf'));
    if (unknownBranch(c, form.branchIds))
      return renderUser(c, user, { status: 422, values: form, errors: { branchIds: t('users.branchInvalid') } });
    const result = await changeUser(c.var.db, user.id, form);
    if (!result.found) throw new AppError('not_found');
    if (!result.updated) return refuse(409, t('users.lastOwner'));
    const branchNames = session.branches
      .filter((branch) => form.branchIds.includes(branch.id))
      .map((branch) => branch.name);
    const details = { userId: user.id, email: user.email, name: user.name, role: form.role, branches: branchNames };
    if (form.role !== user.role)
      await recordActivity(c.var.db, session, 'user.role.changed', { ...details, previousRole: user.role });
    else await recordActivity(c.var.db, session, 'user.branches.changed', details);
    return c.redirect(`/users/${user.id}?done=saved`, 303);
  },
);

usersRoutes.post('/users/:id/disable', requirePermission('users.manage'), async (c) => {
  const user = await targetUser(c);
  const ownerOnly = ownerGuard(c, user);
  if (ownerOnly) return renderUser(c, user, { status: 403, message: ownerOnly });
  if (user.id === c.var.session.id) return renderUser(c, user, { status: 403, message: t('users.notSelf') });
  const result = await disableUser(c.var.db, user.id);
  if (!result.found) throw new AppError('not_found');
  if (!result.updated) return renderUser(c, user, { status: 409, message: t('users.lastOwner') });
  await recordActivity(c.var.db, c.var.session, 'user.disabled', {
    userId: user.id,
    email: user.email,
    name: user.name,
  });
  return c.redirect(`/users/${user.id}?done=disabled`, 303);
});

usersRoutes.post('/users/:id/enable', requirePermission('users.manage'), async (c) => {
  const user = await targetUser(c);
  const ownerOnly = ownerGuard(c, user);
  if (ownerOnly) return renderUser(c, user, { status: 403, message: ownerOnly });
  await enableUser(c.var.db, user.id);
  await recordActivity(c.var.db, c.var.session, 'user.enabled', {
    userId: user.id,
    email: user.email,
    name: user.name,
  });
  return c.redirect(`/users/${user.id}?done=enabled`, 303);
});

usersRoutes.post('/users/:id/link', requirePermission('users.manage'), refuseInSupportSession, async (c) => {
  const user = await targetUser(c);
  const ownerOnly = ownerGuard(c, user);
  if (ownerOnly) return renderUser(c, user, { status: 403, message: ownerOnly });
  if (user.status !== 'invited') return renderUser(c, user, { status: 409, message: t('users.notInvited') });
  await expireUserLinks(c.var.db, user.id);
  const link = await issuePasswordLink(c.var.db, {
    email: user.email,
    name: user.name,
    role: user.role,
    purpose: 'invitation',
    createdBy: c.var.session.id,
  });
  await recordActivity(c.var.db, c.var.session, 'user.invitation.resent', {
    userId: user.id,
    email: user.email,
    name: user.name,
  });
  return renderLink(c, user, link, 200);
});
