import type { ApiTokenRow } from '../auth/api-tokens';
import { t, type MessageKey } from '../i18n/es-DO';
import { ErrorSummary, Field, Notice } from './components';
import type { FieldErrors } from '../errors';
import { formatDateTime } from '../domain/dates';
import { formatDate } from './users';

export interface NewTokenValues {
  name?: string;
  scope?: string;
}

function scopeName(scope: string): string {
  return t(`apiTokens.scope.${scope}` as MessageKey);
}

export function ApiTokensPage(props: {
  tokens: ApiTokenRow[];
  /** The owner's view: every user's tokens, with whose they are. */
  showOwners?: boolean;
  /** OptiFlow support may look and revoke, never create. */
  supportSession?: boolean;
  apiBase: string;
  values?: NewTokenValues;
  errors?: FieldErrors;
  created?: { name: string; token: string } | null;
  notice?: string | null;
}) {
  const values = props.values ?? {};
  return (
    <>
      <div class="page-head">
        <div>
          <h1>{t('apiTokens.title')}</h1>
          <p class="lead">
            {t('apiTokens.lead', { base: props.apiBase })} <a href="/api/v1/openapi.json">{t('apiTokens.docs')}</a>
          </p>
        </div>
      </div>
      {props.notice ? <Notice>{props.notice}</Notice> : null}
      {props.created ? (
        <section class="card" id="new-token" style="margin-bottom: 1.25rem">
          <div class="alert alert-info" role="status">
            {t('apiTokens.shownOnce')}
          </div>
          <div class="field">
            <label for="new-token-value">{t('apiTokens.tokenLabel', { name: props.created.name })}</label>
            <input
              id="new-token-value"
              type="text"
              readonly
              value={props.created.token}
              data-select-on-focus
              class="monospace"
            />
          </div>
        </section>
      ) : null}
      {props.tokens.length === 0 ? (
        <p class="empty">{t('apiTokens.empty')}</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">{t('apiTokens.name')}</th>
              {props.showOwners ? <th scope="col">{t('apiTokens.user')}</th> : null}
              <th scope="col">{t('apiTokens.prefix')}</th>
              <th scope="col">{t('apiTokens.scope')}</th>
              <th scope="col">{t('apiTokens.created')}</th>
              <th scope="col">{t('apiTokens.lastUsed')}</th>
              <th scope="col">{t('apiTokens.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {props.tokens.map((token) => (
              <tr>
                <td>{token.name}</td>
                {props.showOwners ? (
                  <td>
                    {token.userName} <span class="muted">{token.userEmail}</span>
                  </td>
                ) : null}
                <td>
                  <code>{token.prefix}…</code>
                </td>
                <td>{scopeName(token.scope)}</td>
                <td>{formatDate(token.createdAt)}</td>
                <td>{token.lastUsedAt ? formatDateTime(token.lastUsedAt) : t('apiTokens.never')}</td>
                <td>
                  <form
                    method="post"
                    action={`/api-tokens/${token.id}/revoke`}
                    hx-boost="false"
                    data-confirm={t('apiTokens.revokeConfirm', { name: token.name })}
                  >
                    <button
                      type="submit"
                      class="button-small button-danger"
                      aria-label={`${t('apiTokens.revoke')}: ${token.name}`}
                    >
                      {t('apiTokens.revoke')}
                    </button>
                  </form>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {props.supportSession ? (
        <div class="alert alert-info" role="status" id="token-form">
          {t('support.error.notAllowed')}
        </div>
      ) : (
        <section class="card" id="token-form" style="margin-top: 1.25rem">
          <h2>{t('apiTokens.new')}</h2>
          <ErrorSummary errors={props.errors} />
          <form method="post" action="/api-tokens" hx-boost="false" novalidate>
            <div class="form-grid">
              <Field
                name="name"
                label={t('apiTokens.name')}
                value={values.name}
                errors={props.errors}
                required
                hint={t('apiTokens.nameHint')}
                autocomplete="off"
              />
              <fieldset class={`choices${props.errors?.scope ? ' field-invalid' : ''}`}>
                <legend>{t('apiTokens.scope')}</legend>
                {(['read', 'read_write'] as const).map((scope) => (
                  <label class="choice">
                    <input type="radio" name="scope" value={scope} checked={(values.scope ?? 'read') === scope} />{' '}
                    {scopeName(scope)}
                  </label>
                ))}
                {props.errors?.scope ? <p class="error-text">{props.errors.scope}</p> : null}
              </fieldset>
            </div>
            <div class="actions">
              <button type="submit" class="button-primary">
                {t('apiTokens.create')}
              </button>
            </div>
          </form>
        </section>
      )}
    </>
  );
}
