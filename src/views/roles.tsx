import { grantablePermissions, permissionsByArea } from '../auth/custom-roles';
import { type Permission, permissionMatrix } from '../auth/permissions';
import { roles, type Role } from '../db/tenant-schema';
import type { FieldErrors } from '../errors';
import { t, type MessageKey } from '../i18n/es-DO';
import type { CustomRole } from '../services/shop/roles';
import { ErrorSummary, Field, Notice } from './components';
import { roleName } from './users';

export const permissionLabel = (permission: Permission) => t(`roles.permission.${permission}` as MessageKey);
const areaLabel = (area: string) => t(`roles.area.${area}` as MessageKey);

const defaultPermissions = (role: Role) =>
  (Object.keys(permissionMatrix) as Permission[]).filter((permission) =>
    (permissionMatrix[permission] as readonly Role[]).includes(role),
  );

export function RolesPage(props: { roles: CustomRole[]; notice?: string | null; error?: string | null }) {
  return (
    <>
      <div class="page-head">
        <h1>{t('roles.title')}</h1>
        <div class="actions">
          <a class="button button-primary" href="/roles/new">
            {t('roles.new')}
          </a>
        </div>
      </div>
      <p class="lead">{t('roles.lead')}</p>
      {props.notice ? <Notice>{props.notice}</Notice> : null}
      {props.error ? <p class="alert alert-error">{props.error}</p> : null}
      <section class="card" aria-labelledby="custom-roles-title">
        <h2 id="custom-roles-title">{t('roles.custom')}</h2>
        {props.roles.length ? (
          <div class="table-scroll">
            <table>
              <thead>
                <tr>
                  <th scope="col">{t('roles.name')}</th>
                  <th scope="col">{t('roles.permissions')}</th>
                  <th scope="col" class="number">
                    {t('roles.users')}
                  </th>
                </tr>
              </thead>
              <tbody>
                {props.roles.map((role) => (
                  <tr id={`role-${role.id}`}>
                    <td>
                      <a href={`/roles/${role.id}`}>{role.name}</a>
                    </td>
                    <td>{role.permissions.map(permissionLabel).join(' · ')}</td>
                    <td class="number">{role.userCount}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : (
          <p class="empty">{t('roles.empty')}</p>
        )}
      </section>
      <section class="card" aria-labelledby="default-roles-title">
        <h2 id="default-roles-title">{t('roles.defaults')}</h2>
        {roles.map((role) => (
          <details>
            <summary>
              <strong>{roleName(role)}</strong> · {t('roles.readOnly')} ·{' '}
              {t('roles.permissionCount', { count: String(defaultPermissions(role).length) })}
            </summary>
            <ul>
              {defaultPermissions(role).map((permission) => (
                <li>{permissionLabel(permission)}</li>
              ))}
            </ul>
          </details>
        ))}
      </section>
    </>
  );
}

export interface RoleFormValues {
  name?: string;
  permissions?: readonly string[];
}

export function RoleForm(props: {
  action: string;
  title: string;
  values: RoleFormValues;
  errors?: FieldErrors;
  role?: CustomRole;
}) {
  const chosen = new Set(props.values.permissions ?? []);
  return (
    <>
      <div class="page-head">
        <h1>{props.title}</h1>
        <a class="button" href="/roles">
          {t('roles.title')}
        </a>
      </div>
      <p class="hint">{t('roles.ownerOnlyNote')}</p>
      <ErrorSummary errors={props.errors} />
      <form method="post" action={props.action} hx-boost="false" novalidate class="card">
        <Field
          name="name"
          label={t('roles.name')}
          value={props.values.name}
          errors={props.errors}
          required
          attrs={{ maxlength: '60' }}
        />
        {props.errors?.permissions ? (
          <p class="error-text" id="field-permissions-error">
            {props.errors.permissions}
          </p>
        ) : null}
        {permissionsByArea(grantablePermissions).map((group) => (
          <fieldset
            class="permission-group"
            style="display: grid; grid-template-columns: repeat(auto-fill, minmax(15rem, 1fr)); gap: 0 1.25rem; margin: 0 0 1rem; border: 1px solid var(--line); border-radius: 0.5rem; padding: 0.5rem 1rem"
          >
            <legend style="font-weight: 600; padding: 0 0.4rem">{areaLabel(group.area)}</legend>
            {group.permissions.map((permission) => (
              <label style="display: flex; align-items: center; gap: 0.6rem; min-height: 2.75rem; cursor: pointer">
                <input
                  type="checkbox"
                  name="permissions"
                  value={permission}
                  checked={chosen.has(permission)}
                  style="width: 1.4rem; height: 1.4rem; min-height: 0; padding: 0; margin: 0; flex: none; accent-color: var(--accent)"
                />
                {permissionLabel(permission)}
              </label>
            ))}
          </fieldset>
        ))}
        <div class="actions">
          <button type="submit" class="button-primary">
            {t('roles.save')}
          </button>
        </div>
      </form>
      {props.role ? (
        <form
          method="post"
          action={`/roles/${props.role.id}/delete`}
          hx-boost="false"
          class="actions"
          data-confirm={t('roles.deleteConfirm', { name: props.role.name })}
        >
          <button type="submit" class="button button-danger">
            {t('roles.delete')}
          </button>
          <span class="hint">
            {t('roles.users')}: {props.role.userCount}
          </span>
        </form>
      ) : null}
    </>
  );
}
