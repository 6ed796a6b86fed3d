import type { Context } from 'hono';
import { AppError, type FieldErrors } from '../errors';
import type { SignedInEnv } from '../http/env';
import { factory } from '../http/factory';
import { validForm } from '../http/forms';
import { idParam } from '../http/ids';
import { requirePermission } from '../http/session';
import { shopContext } from '../http/shop';
import { t, type MessageKey } from '../i18n/es-DO';
import { customRoleForm } from '../schemas/roles';
import {
  createCustomRole,
  type CustomRole,
  deleteCustomRole,
  getCustomRole,
  listCustomRoles,
  saveCustomRole,
} from '../services/shop/roles';
import { RoleForm, type RoleFormValues, RolesPage } from '../views/roles';

/** Shop screens: custom roles built from the permissions (the owner's; the five defaults shown read-only). */
export const rolesRoutes = factory.createApp();

const notices: Record<string, MessageKey> = {
  created: 'roles.notice.created',
  saved: 'roles.notice.saved',
  deleted: 'roles.notice.deleted',
};

async function renderList(c: Context<SignedInEnv>, error: string | null = null, status: 200 | 409 = 200) {
  const roles = await listCustomRoles(shopContext(c));
  const notice = notices[c.req.query('notice') ?? ''];
  c.status(status);
  return c.render(<RolesPage roles={roles} notice={notice && !error ? t(notice) : null} error={error} />, {
    title: t('roles.title'),
    current: '/roles',
  });
}

function renderForm(
  c: Context<SignedInEnv>,
  form: { values: RoleFormValues; errors?: FieldErrors; role?: CustomRole },
  status: 200 | 422 = 200,
) {
  const title = form.role ? t('roles.edit', { name: form.role.name }) : t('roles.new');
  c.status(status);
  return c.render(
    <RoleForm
      action={form.role ? `/roles/${form.role.id}` : '/roles'}
      title={title}
      values={form.values}
      errors={form.errors}
      role={form.role}
    />,
    { title, current: '/roles' },
  );
}

const submitted = (body: Record<string, unknown>): RoleFormValues => ({
  name: typeof body.name === 'string' ? body.name : '',
  permissions: Array.isArray(body.permissions)
    ? body.permissions.filter((value): value is string => typeof value === 'string')
    : typeof body.permissions === 'string'
      ? [body.permissions]
      : [],
});

/** The form's body as the validator saw it (repeated checkboxes as an array). */
const formBody = (c: Context) => c.req.parseBody({ all: true });

function fieldsOf(error: unknown): FieldErrors {
  if (error instanceof AppError && error.code === 'validation' && error.fields) return error.fields;
  throw error;
}

rolesRoutes.get('/roles', requirePermission('roles.manage'), (c) => renderList(c));

rolesRoutes.get('/roles/new', requirePermission('roles.manage'), (c) => renderForm(c, { values: {} }));

rolesRoutes.post(
  '/roles',
  requirePermission('roles.manage'),
  validForm(customRoleForm, async (c, errors) =>
    renderForm(c as Context<SignedInEnv>, { values: submitted(await formBody(c)), errors }, 422),
  ),
  async (c) => {
    try {
      await createCustomRole(shopContext(c), c.req.valid('form'));
    } catch (error) {
      return renderForm(c, { values: submitted(await formBody(c)), errors: fieldsOf(error) }, 422);
    }
    return c.redirect('/roles?notice=created', 303);
  },
);

rolesRoutes.get('/roles/:id', requirePermission('roles.manage'), async (c) => {
  const role = await getCustomRole(shopContext(c), idParam(c));
  return renderForm(c, { values: role, role });
});

rolesRoutes.post(
  '/roles/:id',
  requirePermission('roles.manage'),
  validForm(customRoleForm, async (c, errors) => {
    const role = await getCustomRole(shopContext(c as Context<SignedInEnv>), idParam(c));
    return renderForm(c as Context<SignedInEnv>, { values: submitted(await formBody(c)), errors, role }, 422);
  }),
  async (c) => {
    const ctx = shopContext(c);
    const id = idParam(c);
    try {
      await saveCustomRole(ctx, id, c.req.valid('form'));
    } catch (error) {
      const errors = fieldsOf(error);
      return renderForm(c, { values: submitted(await formBody(c)), errors, role: await getCustomRole(ctx, id) }, 422);
    }
    return c.redirect('/roles?notice=saved', 303);
  },
);

rolesRoutes.post('/roles/:id/delete', requirePermission('roles.manage'), async (c) => {
  try {
    await deleteCustomRole(shopContext(c), idParam(c));
  } catch (error) {
    if (!(error instanceof AppError) || error.code !== 'conflict') throw error;
    return renderList(c, error.message, 409);
  }
  return c.redirect('/roles?notice=deleted', 303);
});
