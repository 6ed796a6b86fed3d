import { formatDateTime } from '../domain/dates';
import { t } from '../i18n/es-DO';
import { ErrorSummary, Field } from './components';
import type { FieldErrors } from '../errors';

export interface BackupListItem {
  stamp: string;
  createdAt: Date;
  size: number;
}

function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

export function BackupList(props: { tenant: { id: string; name: string }; backups: BackupListItem[] }) {
  const base = `/admin/tenants/${props.tenant.id}/backups`;
  return (
    <>
      <div class="page-head">
        <div>
          <h1>{t('backups.title', { tenant: props.tenant.name })}</h1>
          <p class="lead">{t('backups.intro')}</p>
        </div>
        <form method="post" action={base} hx-boost="false">
          <button type="submit" class="button-primary">
            {t('backups.create')}
          </button>
        </form>
      </div>
      {props.backups.length === 0 ? (
        <p class="empty">{t('backups.empty')}</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">{t('backups.date')}</th>
              <th scope="col">{t('backups.size')}</th>
              <th scope="col">{t('backups.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {props.backups.map((backup) => (
              <tr>
                <td>
                  <time datetime={backup.createdAt.toISOString()}>{formatDateTime(backup.createdAt)}</time>
                </td>
                <td>{formatSize(backup.size)}</td>
                <td>
                  <a class="button button-small" href={`${base}/${backup.stamp}/download`} hx-boost="false" download>
                    {t('backups.download')}
                  </a>{' '}
                  <a class="button button-small" href={`${base}/${backup.stamp}/restore`}>
                    {t('backups.restore')}
                  </a>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p>
        <a href={`/admin/tenants/${props.tenant.id}`}>{t('backups.back')}</a>
      </p>
    </>
  );
}

export interface RestoreValues {
  mode?: string;
  newTenant?: string;
  confirm?: string;
}

export function RestoreForm(props: {
  tenant: { id: string; name: string };
  stamp: string;
  createdAt: Date;
  values: RestoreValues;
  errors?: FieldErrors;
}) {
  const { values, errors } = props;
  const base = `/admin/tenants/${props.tenant.id}/backups`;
  const modeError = errors?.mode;
  return (
    <section class="card" id="restore-form">
      <h1>{t('backups.restoreTitle', { date: formatDateTime(props.createdAt) })}</h1>
      <ErrorSummary errors={errors} />
      <form method="post" action={`${base}/${props.stamp}/restore`} hx-boost="false" novalidate>
        <fieldset
          class={`field${modeError ? ' field-invalid' : ''}`}
          aria-describedby={modeError ? 'field-mode-error' : undefined}
        >
          <legend>{t('backups.mode')}</legend>
          <label>
            <input type="radio" name="mode" value="copy" checked={values.mode !== 'same'} /> {t('backups.modeCopy')}
          </label>
          <label>
            <input type="radio" name="mode" value="same" checked={values.mode === 'same'} /> {t('backups.modeSame')}
          </label>
          {modeError ? (
            <p class="error-text" id="field-mode-error">
              {modeError}
            </p>
          ) : null}
        </fieldset>
        <div class="form-grid">
          <Field
            name="newTenant"
            label={t('backups.newTenant')}
            hint={t('backups.newTenantHint')}
            value={values.newTenant}
            errors={errors}
            autocomplete="off"
          />
          <Field
            name="confirm"
            label={t('backups.confirm', { tenant: props.tenant.id })}
            hint={t('backups.confirmHint')}
            value={values.confirm}
            errors={errors}
            autocomplete="off"
          />
        </div>
        <div class="actions">
          <button type="submit" class="button-danger">
            {t('backups.restoreSubmit')}
          </button>
          <a class="button" href={base}>
            {t('backups.back')}
          </a>
        </div>
      </form>
    </section>
  );
}
