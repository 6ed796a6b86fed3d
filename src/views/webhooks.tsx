import { formatDateTime } from '../domain/dates';
import type { FieldErrors } from '../errors';
import { type MessageKey, t } from '../i18n/es-DO';
import type { WebhookDeliveryRow, WebhookEndpoint } from '../services/shop/webhooks';
import { ErrorSummary, Field, Notice } from './components';

export interface WebhookFormValues {
  url?: string;
  description?: string;
  events?: string[];
}

function eventName(type: string): string {
  return t(`webhooks.event.${type}` as MessageKey);
}

function EventList(props: { events: string[] }) {
  return <>{props.events.length === 0 ? t('webhooks.events.all') : props.events.map(eventName).join(', ')}</>;
}

function EnabledBadge(props: { enabled: boolean }) {
  return (
    <span class={props.enabled ? 'badge' : 'badge badge-warn'}>
      {props.enabled ? t('webhooks.enabled') : t('webhooks.disabled')}
    </span>
  );
}

/** The secret right after creation or rotation: the only time it is ever shown. */
function SecretOnce(props: { secret: string }) {
  return (
    <section class="card" id="webhook-secret" style="margin-bottom: 1.25rem">
      <div class="alert alert-info" role="status">
        {t('webhooks.secretOnce')}
      </div>
      <div class="field">
        <label for="webhook-secret-value">{t('webhooks.secret')}</label>
        <input
          id="webhook-secret-value"
          type="text"
          readonly
          value={props.secret}
          data-select-on-focus
          class="monospace"
        />
      </div>
    </section>
  );
}

export function WebhooksPage(props: {
  endpoints: WebhookEndpoint[];
  eventTypes: readonly string[];
  values?: WebhookFormValues;
  errors?: FieldErrors;
}) {
  const values = props.values ?? {};
  const chosen = new Set(values.events ?? []);
  return (
    <>
      <div class="page-head">
        <div>
          <h1>{t('webhooks.title')}</h1>
          <p class="lead">{t('webhooks.lead')}</p>
        </div>
      </div>
      {props.endpoints.length === 0 ? (
        <p class="empty">{t('webhooks.none')}</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">{t('webhooks.url')}</th>
              <th scope="col">{t('webhooks.events')}</th>
              <th scope="col">{t('webhooks.status')}</th>
            </tr>
          </thead>
          <tbody>
            {props.endpoints.map((endpoint) => (
              <tr>
                <td>
                  <a href={`/settings/webhooks/${endpoint.id}`} class="monospace" style="word-break: break-all">
                    {endpoint.url}
                  </a>
                  {endpoint.description ? <div class="muted">{endpoint.description}</div> : null}
                </td>
                <td>
                  <EventList events={endpoint.events} />
                </td>
                <td>
                  <EnabledBadge enabled={endpoint.enabled} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <section class="card" id="webhook-form" style="margin-top: 1.25rem">
        <h2>{t('webhooks.new')}</h2>
        <ErrorSummary errors={props.errors} />
        <form method="post" action="/settings/webhooks" hx-boost="false" novalidate>
          <div class="form-grid">
            <Field
              name="url"
              type="url"
              label={t('webhooks.url')}
              value={values.url}
              errors={props.errors}
              required
              hint={t('webhooks.urlHint')}
              autocomplete="off"
              inputmode="text"
            />
            <Field
              name="description"
              label={t('webhooks.description')}
              value={values.description}
              errors={props.errors}
              autocomplete="off"
            />
          </div>
          <fieldset
            class={`choices${props.errors?.events ? ' field-invalid' : ''}`}
            aria-describedby="webhook-events-hint"
          >
            <legend>{t('webhooks.events')}</legend>
            <p class="hint" id="webhook-events-hint">
              {t('webhooks.eventsHint')}
            </p>
            {props.eventTypes.map((type) => (
              <label class="choice">
                <input type="checkbox" name="events" value={type} checked={chosen.has(type)} /> {eventName(type)}
              </label>
            ))}
            {props.errors?.events ? <p class="error-text">{props.errors.events}</p> : null}
          </fieldset>
          <div class="actions">
            <button type="submit" class="button-primary">
              {t('webhooks.create')}
            </button>
          </div>
        </form>
      </section>
    </>
  );
}

export function WebhookPage(props: {
  endpoint: WebhookEndpoint;
  deliveries: WebhookDeliveryRow[];
  secret?: string | null;
  notice?: string | null;
}) {
  const { endpoint } = props;
  const base = `/settings/webhooks/${endpoint.id}`;
  return (
    <>
      <p>
        <a href="/settings/webhooks">← {t('webhooks.back')}</a>
      </p>
      <div class="page-head">
        <div>
          <h1 class="monospace" style="overflow-wrap: anywhere">
            {endpoint.url}
          </h1>
          {endpoint.description ? <p class="lead">{endpoint.description}</p> : null}
        </div>
      </div>
      {props.notice ? <Notice>{props.notice}</Notice> : null}
      {props.secret ? <SecretOnce secret={props.secret} /> : null}
      <dl>
        <dt>{t('webhooks.status')}</dt>
        <dd>
          <EnabledBadge enabled={endpoint.enabled} />
        </dd>
        <dt>{t('webhooks.events')}</dt>
        <dd>
          <EventList events={endpoint.events} />
        </dd>
      </dl>
      <div class="actions">
        <form method="post" action={`${base}/enabled`} hx-boost="false">
          <input type="hidden" name="enabled" value={endpoint.enabled ? '0' : '1'} />
          <button type="submit">{endpoint.enabled ? t('webhooks.disable') : t('webhooks.enable')}</button>
        </form>
        {endpoint.enabled ? (
          <form method="post" action={`${base}/test`} hx-boost="false">
            <button type="submit">{t('webhooks.sendTest')}</button>
          </form>
        ) : null}
        <form method="post" action={`${base}/rotate`} hx-boost="false" data-confirm={t('webhooks.rotateConfirm')}>
          <button type="submit" class="button-danger">
            {t('webhooks.rotate')}
          </button>
        </form>
      </div>
      <h2>{t('webhooks.deliveries')}</h2>
      {props.deliveries.length === 0 ? (
        <p class="empty">{t('webhooks.deliveries.none')}</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">{t('webhooks.delivery.when')}</th>
              <th scope="col">{t('webhooks.delivery.event')}</th>
              <th scope="col">{t('webhooks.status')}</th>
              <th scope="col">{t('webhooks.delivery.attempts')}</th>
              <th scope="col">{t('webhooks.delivery.response')}</th>
              <th scope="col">{t('webhooks.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {props.deliveries.map((delivery) => (
              <tr>
                <td>{formatDateTime(delivery.createdAt)}</td>
                <td>
                  {eventName(delivery.event)}
                  <div class="muted monospace">{delivery.id}</div>
                </td>
                <td>
                  <span class={delivery.status === 'failed' ? 'badge badge-warn' : 'badge'}>
                    {t(`webhooks.delivery.status.${delivery.status}`)}
                  </span>
                  {delivery.status === 'pending' && delivery.nextAttemptAt ? (
                    <div class="muted">
                      {t('webhooks.delivery.next')}: {formatDateTime(delivery.nextAttemptAt)}
                    </div>
                  ) : null}
                </td>
                <td>{delivery.attempts}</td>
                <td>
                  {delivery.responseStatus ? <strong>{delivery.responseStatus} </strong> : null}
                  {delivery.responseExcerpt ? (
                    <code style="overflow-wrap: anywhere">{delivery.responseExcerpt.slice(0, 120)}</code>
                  ) : null}
                </td>
                <td>
                  {delivery.status === 'delivered' || delivery.status === 'failed' ? (
                    <form method="post" action={`${base}/deliveries/${delivery.id}/redeliver`} hx-boost="false">
                      <button
                        type="submit"
                        class="button-small"
                        aria-label={`${t('webhooks.redeliver')}: ${eventName(delivery.event)} ${formatDateTime(delivery.createdAt)}`}
                      >
                        {t('webhooks.redeliver')}
                      </button>
                    </form>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
