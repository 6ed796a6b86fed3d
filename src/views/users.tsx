import { formatDateTime } from '../domain/dates';
import type { BranchRef } from '../auth/session';
import { roles, type Role } from '../db/tenant-schema';
import { t, type MessageKey } from '../i18n/es-DO';
import type { UserRow, UserStatus } from '../queries/users';
import { ErrorSummary, Field, Notice } from './components';
import type { FieldErrors } from '../errors';

const shopTimeZone = 'America/Santo_Domingo';
const dateFormat = new Intl.DateTimeFormat('es-DO', {
  day: '2-digit',
  month: '2-digit',
  year: 'numeric',
  timeZone: shopTimeZone,
});

/** dd/mm/aaaa in the shop's time zone. */
export function formatDate(value: Date): string {
  return dateFormat.format(value);
}

export function roleName(role: Role): string {
  return t(`users.role.${role}` as MessageKey);
}

function statusName(status: UserStatus): string {
  return t(`users.status.${status}` as MessageKey);
}

/** Owners and admins work in every branch; the others only in the ones assigned. */
function BranchNames(props: { user: UserRow }) {
  if (props.user.role === 'owner' || props.user.role === 'admin') return <>{t('users.branchesAll')}</>;
  return <>{props.user.branches.length ? props.user.branches.map((branch) => branch.name).join(', ') : '—'}</>;
}

export function UserList(props: { users: UserRow[]; currentUserId: string }) {
  return (
    <>
      <div class="page-head">
        <div>
          <h1>{t('users.title')}</h1>
          <p class="lead">{t('users.lead')}</p>
        </div>
        <a class="button button-primary" href="/users/new">
          {t('users.invite')}
        </a>
      </div>
      {props.users.length === 0 ? (
        <p class="empty">{t('users.empty')}</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">{t('users.name')}</th>
              <th scope="col">{t('users.email')}</th>
              <th scope="col">{t('users.role')}</th>
              <th scope="col">{t('users.status')}</th>
              <th scope="col">{t('users.branches')}</th>
              <th scope="col">{t('users.lastLogin')}</th>
              <th scope="col">{t('users.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {props.users.map((user) => (
              <tr>
                <td>
                  {user.name} {user.id === props.currentUserId ? <span class="hint">{t('users.you')}</span> : null}
                </td>
                <td>{user.email}</td>
                <td>{user.customRoleName ?? roleName(user.role)}</td>
                <td>
                  <span class={user.status === 'active' ? 'badge' : 'badge badge-warn'}>{statusName(user.status)}</span>
                </td>
                <td>
                  <BranchNames user={user} />
                </td>
                <td>{user.lastLoginAt ? formatDateTime(user.lastLoginAt) : t('users.never')}</td>
                <td>
                  <a
                    class="button button-small"
                    href={`/users/${user.id}`}
                    aria-label={`${t('users.edit')}: ${user.name}`}
                  >
                    {t('users.edit')}
                  </a>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

function RoleSelect(props: {
  value?: string | null;
  assignable: readonly Role[];
  /** Custom roles offered as `custom:<id>` (to who manages roles). */
  custom?: ReadonlyArray<{ id: string; name: string }>;
  errors?: FieldErrors;
  disabled?: boolean;
}) {
  const error = props.errors?.role;
  return (
    <div class={`field role-field${error ? ' field-invalid' : ''}`}>
      <label for="field-role">{t('users.role')}</label>
      <select
        id="field-role"
        name="role"
        disabled={props.disabled}
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={error ? 'field-role-error' : undefined}
      >
        {props.assignable.map((role) => (
          <option value={role} selected={role === props.value}>
            {roleName(role)}
          </option>
        ))}
        {props.custom?.length ? (
          <optgroup label={t('roles.custom')}>
            {props.custom.map((role) => (
              <option value={`custom:${role.id}`} selected={`custom:${role.id}` === props.value}>
                {role.name}
              </option>
            ))}
          </optgroup>
        ) : null}
      </select>
      {error ? (
        <p class="error-text" id="field-role-error">
          {error}
        </p>
      ) : null}
    </div>
  );
}

function BranchChoices(props: { branches: BranchRef[]; selected: readonly string[]; errors?: FieldErrors }) {
  const error = props.errors?.branchIds;
  return (
    <fieldset
      class={`choices${error ? ' field-invalid' : ''}`}
      aria-describedby={`field-branchIds-hint${error ? ' field-branchIds-error' : ''}`}
    >
      <legend>{t('users.branches')}</legend>
      {props.branches.map((branch) => (
        <label class="choice">
          <input type="checkbox" name="branchIds" value={branch.id} checked={props.selected.includes(branch.id)} />{' '}
          {branch.name} <code>{branch.code}</code>
        </label>
      ))}
      <p class="hint" id="field-branchIds-hint">
        {t('users.branchesHint')}
      </p>
      {error ? (
        <p class="error-text" id="field-branchIds-error">
          {error}
        </p>
      ) : null}
    </fieldset>
  );
}

/** The roles an actor may hand out: only owners make owners. */
export function assignableRoles(actorRole: Role): readonly Role[] {
  return actorRole === 'owner' ? roles : roles.filter((role) => role !== 'owner');
}

export interface InviteValues {
  email?: string;
  name?: string;
  role?: string;
  branchIds?: string[];
}

export function InviteForm(props: {
  values: InviteValues;
  branches: BranchRef[];
  actorRole: Role;
  /** Custom roles the actor may give (only who manages roles gets any). */
  customRoles: ReadonlyArray<{ id: string; name: string }>;
  errors?: FieldErrors;
  message?: string | null;
}) {
  const { values, errors } = props;
  return (
    <section class="card" id="invite-form">
      <h1>{t('users.invite')}</h1>
      <p class="lead">{t('users.inviteLead')}</p>
      <ErrorSummary errors={errors} message={props.message} />
      <form method="post" action="/users" hx-boost="false" novalidate>
        <div class="form-grid">
          <Field name="name" label={t('users.name')} value={values.name} errors={errors} required autocomplete="off" />
          <Field
            name="email"
            type="email"
            label={t('users.email')}
            value={values.email}
            errors={errors}
            required
            inputmode="email"
            autocomplete="off"
          />
          <RoleSelect
            value={values.role ?? 'ventas'}
            assignable={assignableRoles(props.actorRole)}
            custom={props.customRoles}
            errors={errors}
          />
        </div>
        <BranchChoices branches={props.branches} selected={values.branchIds ?? []} errors={errors} />
        <div class="actions">
          <button type="submit" class="button-primary">
            {t('users.inviteSubmit')}
          </button>
          <a class="button" href="/users">
            {t('users.back')}
          </a>
        </div>
      </form>
    </section>
  );
}

/** The one time a set-password link is ever shown. */
export function LinkShownOnce(props: { email: string; name: string; url: string; expiresAt: Date }) {
  return (
    <section class="card" id="invitation-link" style="margin-bottom: 1.25rem">
      <h1>{t('users.linkTitle', { email: props.email })}</h1>
      <div class="alert alert-info" role="status">
        {t('users.linkLead', { name: props.name, expires: formatDateTime(props.expiresAt) })}
      </div>
      <div class="field">
        <label for="invitation-url">{t('users.linkLabel')}</label>
        <input id="invitation-url" type="text" readonly value={props.url} data-select-on-focus />
      </div>
      <div class="actions">
        <a class="button" href="/users">
          {t('users.back')}
        </a>
      </div>
    </section>
  );
}

export function UserDetail(props: {
  user: UserRow;
  customRoles: ReadonlyArray<{ id: string; name: string }>;
  actor: { id: string; role: Role };
  branches: BranchRef[];
  values?: { role?: string; branchIds?: string[] };
  errors?: FieldErrors;
  message?: string | null;
  notice?: string | null;
}) {
  const { user, actor } = props;
  const self = user.id === actor.id;
  const ownerLocked = user.role === 'owner' && actor.role !== 'owner';
  const role = props.values?.role ?? (user.customRoleId ? `custom:${user.customRoleId}` : user.role);
  const current = user.customRoleId ? [{ id: user.customRoleId, name: user.customRoleName ?? '' }] : [];
  const selected = props.values?.branchIds ?? user.branches.map((branch) => branch.id);
  return (
    <>
      <div class="page-head">
        <div>
          <h1>{t('users.editTitle', { name: user.name })}</h1>
          <p class="lead">
            {user.email} ·{' '}
            <span class={user.status === 'active' ? 'badge' : 'badge badge-warn'}>{statusName(user.status)}</span>
          </p>
        </div>
        <a class="button" href="/users">
          {t('users.back')}
        </a>
      </div>
      {props.notice ? <Notice>{props.notice}</Notice> : null}
      <ErrorSummary errors={props.errors} message={props.message} />
      {ownerLocked ? <p class="alert alert-info">{t('users.ownerOnly')}</p> : null}
      <section class="card">
        <form method="post" action={`/users/${user.id}`} hx-boost="false" novalidate>
          <RoleSelect
            value={role}
            assignable={
              ownerLocked ? ['owner'] : self ? (user.customRoleId ? [] : [user.role]) : assignableRoles(actor.role)
            }
            custom={self ? current : props.customRoles.length ? props.customRoles : current}
            errors={props.errors}
            disabled={ownerLocked}
          />
          {self ? <p class="hint">{t('users.notSelf')}</p> : null}
          <BranchChoices branches={props.branches} selected={selected} errors={props.errors} />
          {ownerLocked ? null : (
            <div class="actions">
              <button type="submit" class="button-primary">
                {t('users.save')}
              </button>
            </div>
          )}
        </form>
      </section>
      {self || ownerLocked ? null : (
        <section class="card" style="margin-top: 1.25rem">
          {user.status === 'invited' ? (
            <form method="post" action={`/users/${user.id}/link`} hx-boost="false" class="actions">
              <button type="submit" class="button">
                {t('users.reissue')}
              </button>
              <span class="hint">{t('users.reissueHint')}</span>
            </form>
          ) : null}
          {user.status === 'disabled' ? (
            <form method="post" action={`/users/${user.id}/enable`} hx-boost="false" class="actions">
              <button type="submit" class="button">
                {t('users.enable')}
              </button>
            </form>
          ) : (
            <form method="post" action={`/users/${user.id}/disable`} hx-boost="false" class="actions">
              <button type="submit" class="button button-danger">
                {t('users.disable')}
              </button>
              <span class="hint">{t('users.disableHint')}</span>
            </form>
          )}
        </section>
      )}
    </>
  );
}
