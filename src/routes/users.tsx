import type { Context } from 'hono';
import type { JSX } from 'hono/jsx/jsx-runtime';
import { AppError, type FieldErrors } from '../errors';
import type { SignedInEnv } from '../http/env';
import { factory } from '../http/factory';
import { validForm } from '../http/forms';
import { idParam } from '../http/ids';
import { refuseInSupportSession, requirePermission } from '../http/session';
import { shopContext } from '../http/shop';
import { t } from '../i18n/es-DO';
import { inviteForm, userChangeForm } from '../schemas/users';
import {
  changeUserAccess,
  disableUser,
  enableUser,
  getUser,
  getUserPage,
  inviteUser,
  listUsers,
  resendInvitation,
  type UserRow,
} from '../services/shop/users';
import { assignableCustomRoles } from '../services/shop/roles';
import { InviteForm, LinkShownOnce, UserDetail, UserList, type InviteValues } from '../views/users';

/** Shop screens: users. */
export const usersRoutes = factory.createApp();

type RefusalStatus = 200 | 403 | 409 | 422;

function shell(c: Context<SignedInEnv>, title: string, content: JSX.Element, status: RefusalStatus | 201 = 200) {
  c.status(status);
  return c.render(content, { title: title, current: '/users' });
}

async function renderInvite(
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
      customRoles={await assignableCustomRoles(shopContext(c))}
      errors={errors}
      message={message}
    />,
    status,
  );
}

async function renderUser(
  c: Context<SignedInEnv>,
  user: UserRow,
  options: {
    status?: RefusalStatus;
    values?: { role?: string; branchIds?: string[] };
    errors?: FieldErrors;
    message?: string;
    notice?: string | null;
    /** The roles to offer, when the caller already read them with the user. */
    customRoles?: Array<{ id: string; name: string }>;
  } = {},
) {
  const session = c.var.session;
  const customRoles = options.customRoles ?? (await assignableCustomRoles(shopContext(c)));
  return shell(
    c,
    t('users.editTitle', { name: user.name }),
    <UserDetail
      user={user}
      customRoles={customRoles}
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
const targetUser = (c: Context<SignedInEnv>) => getUser(shopContext(c), idParam(c));

/** How the pages show a refused change: field errors (422), or a reason (403 owner rules, 409). */
function refusal(error: unknown): { status: RefusalStatus; errors?: FieldErrors; message?: string } {
  if (error instanceof AppError && error.code === 'validation' && error.fields)
    return { status: 422, errors: error.fields };
  if (error instanceof AppError && (error.code === 'forbidden' || error.code === 'conflict') && error.publicMessage)
    return {
      status: error.code === 'forbidden' ? 403 : 409,
      message: error.publicMessage,
      errors: error.fields ?? undefined,
    };
  throw error;
}

usersRoutes.get('/users', requirePermission('users.manage'), async (c) =>
  shell(c, t('users.title'), <UserList users={await listUsers(shopContext(c))} currentUserId={c.var.session.id} />),
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
    const form = c.req.valid('form');
    const values = { ...form, role: form.role.customRoleId ? `custom:${form.role.customRoleId}` : form.role.role };
    try {
      const { link } = await inviteUser(shopContext(c), { ...form, ...form.role });
      return renderLink(c, form, link, 201);
    } catch (error) {
      const refused = refusal(error);
      return renderInvite(c, values, refused.status, refused.errors, refused.errors ? undefined : refused.message);
    }
  },
);

usersRoutes.get('/users/:id', requirePermission('users.manage'), async (c) => {
  const { user, customRoles } = await getUserPage(shopContext(c), idParam(c));
  const done = c.req.query('done');
  const notice =
    done === 'saved'
      ? t('users.saved')
      : done === 'disabled'
        ? t('users.disabled')
        : done === 'enabled'
          ? t('users.enabled')
          : null;
  return renderUser(c, user, { notice, customRoles });
});

usersRoutes.post(
  '/users/:id',
  requirePermission('users.manage'),
  validForm(userChangeForm, async (c, errors, submitted) =>
    renderUser(c, await targetUser(c), { status: 422, errors, values: submitted }),
  ),
  async (c) => {
    const user = await targetUser(c);
    const form = c.req.valid('form');
    const choice = form.role.customRoleId ? `custom:${form.role.customRoleId}` : form.role.role;
    try {
      await changeUserAccess(shopContext(c), user.id, { ...form.role, branchIds: form.branchIds });
    } catch (error) {
      return renderUser(c, user, { ...refusal(error), values: { role: choice, branchIds: form.branchIds } });
    }
    return c.redirect(`/users/${user.id}?done=saved`, 303);
  },
);

for (const [action, change] of [
  ['disable', disableUser],
  ['enable', enableUser],
] as const) {
  usersRoutes.post(`/users/:id/${action}`, requirePermission('users.manage'), async (c) => {
    const user = await targetUser(c);
    try {
      await change(shopContext(c), user.id);
    } catch (error) {
      return renderUser(c, user, refusal(error));
    }
    return c.redirect(`/users/${user.id}?done=${action}d`, 303);
  });
}

usersRoutes.post('/users/:id/link', requirePermission('users.manage'), refuseInSupportSession, async (c) => {
  const user = await targetUser(c);
  try {
    const { link } = await resendInvitation(shopContext(c), user.id);
    return renderLink(c, user, link, 200);
  } catch (error) {
    return renderUser(c, user, refusal(error));
  }
});
