import type { MessageChannelKind, OutboundMessageStatus } from '../db/tenant-schema';
import { formatDateTime } from '../domain/dates';
import { eventVariables, type MessageEvent, messageEvents } from '../domain/message-template';
import type { FieldErrors } from '../errors';
import { type MessageKey, t } from '../i18n/es-DO';
import type { Automation, MessageLogRow, MessageTemplate } from '../queries/messaging';
import { CheckboxField, ErrorSummary, Field, Notice, SelectField, TextAreaField } from './components';

export const eventLabel = (event: string) => t(`messaging.event.${event}` as MessageKey);
export const channelLabel = (channel: string) => t(`messaging.channel.${channel}` as MessageKey);
const statusLabel = (status: string) => t(`messaging.status.${status}` as MessageKey);
const eventOptions = messageEvents.map((event) => ({ value: event, label: eventLabel(event) }));
const channelOptions = (['whatsapp', 'email'] as const).map((channel) => ({
  value: channel,
  label: channelLabel(channel),
}));

export interface ChannelSummary {
  kind: MessageChannelKind;
  configured: boolean;
  enabled: boolean;
  display: string;
  settings: Record<string, string>;
}

type Values = Record<string, string | undefined | null>;

/** A Postgres timestamptz as text ('2026-12-06 03:00:00.12+00') read as a date. */
function when(value: string): string {
  return formatDateTime(new Date(value.replace(' ', 'T').replace(/([+-]\d{2})$/, '$1:00')));
}

export function MessagingSettingsPage(props: {
  channels: ChannelSummary[];
  templates: MessageTemplate[];
  automations: Array<{ automation: Automation; templateName: string }>;
  stages: Array<{ id: string; name: string }>;
  branches: Array<{ id: string; name: string }>;
  quietHours: { start: string | null; end: string | null };
  notice?: string | null;
  values?: Values;
  errors?: FieldErrors;
  quietValues?: Values;
  quietErrors?: FieldErrors;
}) {
  const values = props.values ?? {};
  const quiet = props.quietValues ?? {
    quietHoursStart: props.quietHours.start,
    quietHoursEnd: props.quietHours.end,
  };
  const stageName = (id: unknown) => props.stages.find((stage) => stage.id === id)?.name;
  const branchName = (id: unknown) => props.branches.find((branch) => branch.id === id)?.name;
  return (
    <>
      <div class="page-head">
        <div>
          <h1>{t('messaging.settings.title')}</h1>
          <p class="lead">{t('messaging.settings.lead')}</p>
        </div>
        <a class="button" href="/messages">
          {t('messaging.settings.log')}
        </a>
      </div>
      {props.notice ? <Notice>{props.notice}</Notice> : null}
      <section class="card" aria-labelledby="channels-title" style="margin-bottom: 1.25rem">
        <h2 id="channels-title">{t('messaging.settings.channels')}</h2>
        <ul class="plain-list">
          {props.channels.map((channel) => (
            <li>
              <a href={`/settings/messages/channels/${channel.kind}`}>{channelLabel(channel.kind)}</a>:{' '}
              {channel.configured
                ? `${channel.enabled ? t('messaging.channel.enabled') : t('messaging.channel.disabled')} · ${channel.display}`
                : t('messaging.channel.notConfigured')}
            </li>
          ))}
        </ul>
      </section>
      <section class="card" aria-labelledby="quiet-title" style="margin-bottom: 1.25rem">
        <h2 id="quiet-title">{t('messaging.quiet.title')}</h2>
        <p>
          {props.quietHours.start && props.quietHours.end
            ? t('messaging.quiet.current', { start: props.quietHours.start, end: props.quietHours.end })
            : t('messaging.quiet.none')}
        </p>
        <p class="hint">{t('messaging.quiet.lead')}</p>
        <ErrorSummary errors={props.quietErrors} />
        <form method="post" action="/settings/messages/quiet-hours" hx-boost="false" novalidate>
          <div class="form-grid">
            <Field
              name="quietHoursStart"
              type="time"
              label={t('messaging.quiet.start')}
              value={quiet.quietHoursStart}
              errors={props.quietErrors}
            />
            <Field
              name="quietHoursEnd"
              type="time"
              label={t('messaging.quiet.end')}
              value={quiet.quietHoursEnd}
              errors={props.quietErrors}
            />
          </div>
          <div class="actions">
            <button type="submit" class="button">
              {t('messaging.quiet.save')}
            </button>
          </div>
        </form>
      </section>
      <section class="card" aria-labelledby="templates-title" style="margin-bottom: 1.25rem">
        <h2 id="templates-title">{t('messaging.settings.templates')}</h2>
        {props.templates.length === 0 ? <p class="empty">{t('messaging.template.none')}</p> : null}
        {props.templates.length ? (
          <table>
            <thead>
              <tr>
                <th scope="col">{t('messaging.template.name')}</th>
                <th scope="col">{t('messaging.template.event')}</th>
                <th scope="col">{t('messaging.template.channel')}</th>
              </tr>
            </thead>
            <tbody>
              {props.templates.map((template) => (
                <tr>
                  <td>
                    <a href={`/settings/messages/templates/${template.id}`}>{template.name}</a>
                  </td>
                  <td>{eventLabel(template.event)}</td>
                  <td>{channelLabel(template.channel)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
        <div class="actions">
          <a class="button" href="/settings/messages/templates/new">
            {t('messaging.template.new')}
          </a>
          <form method="post" action="/settings/messages/templates/defaults" hx-boost="false">
            <button type="submit">{t('messaging.template.defaults')}</button>
          </form>
        </div>
      </section>
      <section class="card" aria-labelledby="automations-title">
        <h2 id="automations-title">{t('messaging.settings.automations')}</h2>
        {props.automations.length === 0 ? <p class="empty">{t('messaging.automation.none')}</p> : null}
        <ul class="plain-list">
          {props.automations.map(({ automation, templateName }) => {
            const condition = [
              stageName(automation.condition.stageId),
              branchName(automation.condition.branchId),
              automation.condition.daysBefore !== undefined ? `${automation.condition.daysBefore} d` : undefined,
            ].filter(Boolean);
            return (
              <li style="margin-bottom: 0.75rem">
                <strong>{automation.name}</strong> (
                {automation.enabled ? t('messaging.automation.on') : t('messaging.automation.off')})
                <br />
                {t('messaging.automation.summary', {
                  event: eventLabel(automation.event),
                  condition: condition.length ? ` (${condition.join(', ')})` : '',
                  template: templateName,
                  channel: channelLabel(automation.channel),
                })}
                <div class="actions">
                  <form
                    method="post"
                    action={`/settings/messages/automations/${automation.id}/toggle`}
                    hx-boost="false"
                  >
                    <input type="hidden" name="enabled" value={automation.enabled ? 'false' : 'true'} />
                    <button type="submit" class="button-small">
                      {automation.enabled ? t('messaging.automation.disable') : t('messaging.automation.enable')}
                    </button>
                  </form>
                  <a class="button button-small" href={`/messages?automationId=${automation.id}`}>
                    {t('messaging.automation.runs')}
                  </a>
                </div>
              </li>
            );
          })}
        </ul>
        <h3>{t('messaging.automation.new')}</h3>
        <ErrorSummary errors={props.errors} />
        <form method="post" action="/settings/messages/automations" hx-boost="false" novalidate>
          <div class="form-grid">
            <Field
              name="name"
              label={t('messaging.automation.name')}
              value={values.name}
              errors={props.errors}
              required
            />
            <SelectField
              name="event"
              label={t('messaging.automation.event')}
              value={values.event}
              options={eventOptions}
              errors={props.errors}
              required
            />
            <SelectField
              name="templateId"
              label={t('messaging.automation.template')}
              value={values.templateId}
              blank=""
              options={props.templates.map((template) => ({
                value: template.id,
                label: `${template.name} · ${eventLabel(template.event)} · ${channelLabel(template.channel)}`,
              }))}
              errors={props.errors}
              required
            />
            <SelectField
              name="channel"
              label={t('messaging.automation.channel')}
              value={values.channel}
              options={channelOptions}
              errors={props.errors}
              required
            />
            <SelectField
              name="stageId"
              label={t('messaging.automation.stage')}
              value={values.stageId}
              blank={t('messaging.automation.any')}
              options={props.stages.map((stage) => ({ value: stage.id, label: stage.name }))}
              errors={props.errors}
            />
            <SelectField
              name="branchId"
              label={t('messaging.automation.branch')}
              value={values.branchId}
              blank={t('messaging.automation.any')}
              options={props.branches.map((branch) => ({ value: branch.id, label: branch.name }))}
              errors={props.errors}
            />
            <Field
              name="daysBefore"
              label={t('messaging.automation.daysBefore')}
              value={values.daysBefore}
              inputmode="numeric"
              errors={props.errors}
            />
          </div>
          <div class="actions">
            <button type="submit" class="button-primary">
              {t('messaging.automation.save')}
            </button>
          </div>
        </form>
      </section>
    </>
  );
}

export function ChannelPage(props: {
  webhookUrl?: string;
  channel: ChannelSummary;
  values?: Values;
  errors?: FieldErrors;
  notice?: string | null;
}) {
  const { channel } = props;
  const values = props.values ?? channel.settings;
  const stored = channel.configured
    ? `${t('messaging.channel.stored', { display: channel.display })} ${t('messaging.channel.keepHint')}`
    : undefined;
  return (
    <>
      <div class="page-head">
        <div>
          <h1>{channelLabel(channel.kind)}</h1>
          <p class="lead">
            <a href="/settings/messages">{t('messaging.settings.title')}</a>
          </p>
        </div>
      </div>
      {props.notice ? <Notice>{props.notice}</Notice> : null}
      <section class="card">
        <ErrorSummary errors={props.errors} />
        <form
          method="post"
          action={`/settings/messages/channels/${channel.kind}`}
          hx-boost="false"
          novalidate
          autocomplete="off"
        >
          <div class="form-grid">
            {channel.kind === 'whatsapp' ? (
              <>
                <Field
                  name="phoneNumberId"
                  label={t('messaging.channel.phoneNumberId')}
                  value={values.phoneNumberId}
                  inputmode="numeric"
                  errors={props.errors}
                  required
                />
                <Field
                  name="token"
                  type="password"
                  label={t('messaging.channel.token')}
                  errors={props.errors}
                  hint={stored}
                  autocomplete="new-password"
                  required={!channel.configured}
                />
                <Field
                  name="appSecret"
                  type="password"
                  label={t('messaging.channel.appSecret')}
                  errors={props.errors}
                  hint={channel.configured ? t('messaging.channel.keepHint') : undefined}
                  autocomplete="new-password"
                />
                <Field
                  name="verifyToken"
                  type="password"
                  label={t('messaging.channel.verifyToken')}
                  errors={props.errors}
                  hint={
                    [
                      channel.configured ? t('messaging.channel.keepHint') : '',
                      props.webhookUrl ? t('messaging.channel.webhookUrl', { url: props.webhookUrl }) : '',
                    ]
                      .filter(Boolean)
                      .join(' ') || undefined
                  }
                  autocomplete="new-password"
                />
                <Field
                  name="language"
                  label={t('messaging.channel.language')}
                  value={values.language ?? 'es'}
                  errors={props.errors}
                />
              </>
            ) : (
              <>
                <Field
                  name="apiKey"
                  type="password"
                  label={t('messaging.channel.apiKey')}
                  errors={props.errors}
                  hint={stored}
                  autocomplete="new-password"
                  required={!channel.configured}
                />
                <Field
                  name="from"
                  type="email"
                  label={t('messaging.channel.from')}
                  value={values.from}
                  inputmode="email"
                  errors={props.errors}
                  required
                />
                <Field
                  name="fromName"
                  label={t('messaging.channel.fromName')}
                  value={values.fromName}
                  errors={props.errors}
                />
                <Field
                  name="replyTo"
                  type="email"
                  label={t('messaging.channel.replyTo')}
                  value={values.replyTo}
                  inputmode="email"
                  errors={props.errors}
                />
              </>
            )}
            <CheckboxField
              name="enabled"
              label={t('messaging.channel.enable')}
              checked={props.values ? values.enabled === 'on' : channel.enabled}
            />
          </div>
          <div class="actions">
            <button type="submit" class="button-primary">
              {t('messaging.channel.save')}
            </button>
          </div>
        </form>
      </section>
    </>
  );
}

export function TemplatePreview(props: {
  preview: { subject: string | null; body: string } | null;
  error?: string | null;
}) {
  return (
    <div id="template-preview" aria-live="polite">
      {props.error ? <p class="error-text">{props.error}</p> : null}
      {props.preview ? (
        <>
          <p class="muted">{t('messaging.template.previewLead')}</p>
          {props.preview.subject ? (
            <p>
              <strong>{props.preview.subject}</strong>
            </p>
          ) : null}
          <p style="white-space: pre-wrap">{props.preview.body}</p>
        </>
      ) : null}
    </div>
  );
}

export function TemplatePage(props: {
  template: MessageTemplate | null;
  values: Values;
  errors?: FieldErrors;
  preview?: { subject: string | null; body: string } | null;
  notice?: string | null;
}) {
  const { values } = props;
  const action = props.template ? `/settings/messages/templates/${props.template.id}` : '/settings/messages/templates';
  const event = (messageEvents as readonly string[]).includes(values.event ?? '')
    ? (values.event as MessageEvent)
    : 'invoice.issued';
  const variables = eventVariables[event].map((name) => `{{${name}}}`).join(', ');
  return (
    <>
      <div class="page-head">
        <div>
          <h1>{props.template ? t('messaging.template.edit') : t('messaging.template.new')}</h1>
          <p class="lead">
            <a href="/settings/messages">{t('messaging.settings.title')}</a>
          </p>
        </div>
      </div>
      {props.notice ? <Notice>{props.notice}</Notice> : null}
      <section class="card" style="margin-bottom: 1.25rem">
        <ErrorSummary errors={props.errors} />
        <form method="post" action={action} hx-boost="false" novalidate>
          <div class="form-grid">
            <SelectField
              name="event"
              label={t('messaging.template.event')}
              value={values.event}
              options={eventOptions}
              errors={props.errors}
              required
            />
            <SelectField
              name="channel"
              label={t('messaging.template.channel')}
              value={values.channel}
              options={channelOptions}
              errors={props.errors}
              required
            />
            <Field
              name="name"
              label={t('messaging.template.name')}
              value={values.name}
              errors={props.errors}
              required
            />
            <Field
              name="subject"
              label={t('messaging.template.subject')}
              value={values.subject}
              errors={props.errors}
            />
          </div>
          <div
            hx-post="/settings/messages/templates/preview"
            hx-trigger="input changed delay:400ms from:closest form"
            hx-target="#template-preview"
            hx-swap="outerHTML"
            hx-include="closest form"
          >
            <TextAreaField
              name="body"
              label={t('messaging.template.body')}
              value={values.body}
              errors={props.errors}
              rows={5}
              hint={t('messaging.template.variables', { names: variables })}
            />
          </div>
          <details>
            <summary>{t('messaging.template.whatsappTemplate')}</summary>
            <p class="hint">{t('messaging.template.whatsappHint')}</p>
            <div class="form-grid">
              <Field
                name="whatsappTemplate"
                label={t('messaging.template.whatsappTemplate')}
                value={values.whatsappTemplate}
                errors={props.errors}
              />
              <Field
                name="whatsappLanguage"
                label={t('messaging.template.whatsappLanguage')}
                value={values.whatsappLanguage ?? 'es'}
                errors={props.errors}
              />
              <Field
                name="whatsappParameters"
                label={t('messaging.template.whatsappParameters')}
                value={values.whatsappParameters}
                errors={props.errors}
              />
            </div>
          </details>
          <TemplatePreview preview={props.preview ?? null} />
          <div class="actions">
            <button type="submit" class="button-primary">
              {t('messaging.template.save')}
            </button>
            <button type="submit" name="preview" value="1">
              {t('messaging.template.preview')}
            </button>
          </div>
        </form>
      </section>
      {props.template ? (
        <section class="card">
          <h2>{t('messaging.test.title')}</h2>
          <p class="lead">{t('messaging.test.lead')}</p>
          <form
            method="post"
            action={`/settings/messages/templates/${props.template.id}/test`}
            hx-boost="false"
            novalidate
          >
            {props.template.channel === 'whatsapp' ? (
              <Field
                name="phone"
                type="tel"
                label={t('messaging.test.recipient')}
                inputmode="tel"
                errors={props.errors}
                autocomplete="tel"
              />
            ) : null}
            <div class="actions">
              <button type="submit">{t('messaging.test.submit')}</button>
            </div>
          </form>
          <form
            method="post"
            action={`/settings/messages/templates/${props.template.id}/archive`}
            hx-boost="false"
            style="margin-top: 1rem"
          >
            <button type="submit" class="button-small button-danger">
              {t('messaging.template.archive')}
            </button>
          </form>
        </section>
      ) : null}
    </>
  );
}

export function MessageLogPage(props: {
  rows: MessageLogRow[];
  filter: { status?: string; channel?: string; contactId?: string; automationId?: string };
  nextHref: string | null;
}) {
  const statuses: OutboundMessageStatus[] = ['queued', 'sending', 'sent', 'delivered', 'read', 'failed', 'skipped'];
  return (
    <>
      <div class="page-head">
        <div>
          <h1>{t('messaging.log.title')}</h1>
          <p class="lead">{t('messaging.log.lead')}</p>
        </div>
        <a class="button" href="/settings/messages">
          {t('messaging.settings.title')}
        </a>
      </div>
      <form method="get" action="/messages" class="filters">
        <div class="form-grid">
          <SelectField
            name="status"
            label={t('messaging.log.status')}
            value={props.filter.status}
            blank={t('messaging.log.any')}
            options={statuses.map((status) => ({ value: status, label: statusLabel(status) }))}
          />
          <SelectField
            name="channel"
            label={t('messaging.log.channel')}
            value={props.filter.channel}
            blank={t('messaging.log.any')}
            options={channelOptions}
          />
          {props.filter.contactId ? <input type="hidden" name="contactId" value={props.filter.contactId} /> : null}
          {props.filter.automationId ? (
            <input type="hidden" name="automationId" value={props.filter.automationId} />
          ) : null}
        </div>
        <div class="actions">
          <button type="submit">{t('messaging.log.filter')}</button>
        </div>
      </form>
      {props.rows.length === 0 ? (
        <p class="empty">{t('messaging.log.empty')}</p>
      ) : (
        <div class="table-scroll">
          <table>
            <thead>
              <tr>
                <th scope="col">{t('messaging.log.dates')}</th>
                <th scope="col">{t('messaging.log.status')}</th>
                <th scope="col">{t('messaging.log.recipient')}</th>
                <th scope="col">{t('messaging.log.event')}</th>
                <th scope="col">{t('messaging.log.reason')}</th>
              </tr>
            </thead>
            <tbody>
              {props.rows.map((row) => (
                <tr>
                  <td>
                    {when(row.createdAt)}
                    {row.sentAt ? (
                      <>
                        <br />
                        <span class="muted">{t('messaging.log.sent', { date: when(row.sentAt) })}</span>
                      </>
                    ) : null}
                    {row.notBefore && row.status === 'queued' ? (
                      <>
                        <br />
                        <span class="muted">{t('messaging.log.notBefore', { date: when(row.notBefore) })}</span>
                      </>
                    ) : null}
                  </td>
                  <td>
                    {statusLabel(row.status)}
                    {row.isTest ? ` (${t('messaging.log.test')})` : ''}
                  </td>
                  <td>
                    {channelLabel(row.channel)}: {row.recipient || '—'}
                    {row.contactName ? (
                      <>
                        <br />
                        <a href={`/messages?contactId=${row.contactId}`}>{row.contactName}</a>
                      </>
                    ) : null}
                  </td>
                  <td>
                    {eventLabel(row.event)}
                    {row.automationName ? (
                      <>
                        <br />
                        <a href={`/messages?automationId=${row.automationId}`}>{row.automationName}</a>
                      </>
                    ) : null}
                  </td>
                  <td>{row.reason ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {props.nextHref ? (
        <p>
          <a href={props.nextHref}>{t('messaging.log.next')}</a>
        </p>
      ) : null}
    </>
  );
}

/** The contact page's messaging card: consent per channel, the opt-out and the contact's messages. */
export function ContactMessaging(props: {
  contact: { id: string; whatsappConsent: boolean; emailConsent: boolean; optedOutAt: Date | null };
  canSeeLog: boolean;
}) {
  const { contact } = props;
  return (
    <section class="card" aria-labelledby="contact-messaging" style="margin-top: 1.25rem">
      <h2 id="contact-messaging">{t('messaging.contact.title')}</h2>
      {contact.optedOutAt ? (
        <Notice>{t('messaging.contact.optedOut', { date: formatDateTime(contact.optedOutAt) })}</Notice>
      ) : null}
      <form method="post" action={`/contacts/${contact.id}/messaging`} hx-boost="false">
        <CheckboxField
          name="whatsappConsent"
          label={t('messaging.contact.whatsappConsent')}
          checked={contact.whatsappConsent}
        />
        <CheckboxField name="emailConsent" label={t('messaging.contact.emailConsent')} checked={contact.emailConsent} />
        <div class="actions">
          <button type="submit">{t('messaging.contact.save')}</button>
        </div>
      </form>
      <form
        method="post"
        action={`/contacts/${contact.id}/messaging/${contact.optedOutAt ? 'opt-in' : 'opt-out'}`}
        hx-boost="false"
      >
        <div class="actions">
          <button type="submit" class={contact.optedOutAt ? undefined : 'button-danger'}>
            {contact.optedOutAt ? t('messaging.contact.optIn') : t('messaging.contact.optOut')}
          </button>
          {props.canSeeLog ? <a href={`/messages?contactId=${contact.id}`}>{t('messaging.contact.log')}</a> : null}
        </div>
      </form>
    </section>
  );
}
