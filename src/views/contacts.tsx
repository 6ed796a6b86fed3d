import type { SessionUser } from '../auth/session';
import { can } from '../auth/permissions';
import { contactKinds, idTypes } from '../db/tenant-schema';
import type { Taxpayer } from '../dgii/lookup';
import { formatIdentification as formatIdNumber } from '../domain/tax-id';
import { t, type MessageKey } from '../i18n/es-DO';
import type { Contact } from '../queries/contacts';
import { Field, LiveSearchForm, Notice, ResultsTable, SelectField, TextAreaField } from './components';
import type { FieldErrors } from '../errors';
import { ContactMessaging } from './messaging';

export type ContactFormValues = Partial<Record<string, string>>;

export interface ListState {
  q: string;
  kind: string;
  archived: 'false' | 'true' | 'all';
}

const genders = ['F', 'M', 'X'] as const;

/** `8095551234` -> `(809) 555-1234`; `18095551234` -> `+1 (809) 555-1234`; anything else as stored. */
export function formatPhone(value: string | null): string {
  if (!value) return '';
  const local = /^(?:\+?1)?(\d{3})(\d{3})(\d{4})$/.exec(value);
  if (!local) return value;
  const prefix = value.length > 10 ? '+1 ' : '';
  return `${prefix}(${local[1]}) ${local[2]}-${local[3]}`;
}

/** `aaaa-mm-dd` -> `dd/mm/aaaa`. */
export function formatDate(value: string | null): string {
  const match = value ? /^(\d{4})-(\d{2})-(\d{2})/.exec(value) : null;
  return match ? `${match[3]}/${match[2]}/${match[1]}` : '';
}

export function formatIdentification(contact: Pick<Contact, 'idType' | 'idNumber'>): string {
  return formatIdNumber(contact.idType, contact.idNumber);
}

export function kindLabel(kind: string): string {
  return t(`contacts.kind.${kind}` as MessageKey);
}

export function listHref(state: ListState, cursor?: string | null): string {
  const params = new URLSearchParams();
  if (state.q) params.set('q', state.q);
  if (state.kind) params.set('kind', state.kind);
  if (state.archived !== 'false') params.set('archived', state.archived);
  if (cursor) params.set('cursor', cursor);
  const query = params.toString();
  return query ? `/contacts?${query}` : '/contacts';
}

// ---------------------------------------------------------------- list

export function ContactsPage(props: {
  user: SessionUser;
  state: ListState;
  rows: Contact[];
  nextCursor: string | null;
  isFirstPage: boolean;
}) {
  const { state } = props;
  return (
    <>
      <div class="page-head">
        <div>
          <h1>{t('contacts.title')}</h1>
          <p class="lead">{t('contacts.lead')}</p>
        </div>
        {can(props.user, 'contacts.manage') ? (
          <a class="button button-primary" href="/contacts/new">
            {t('contacts.new')}
          </a>
        ) : null}
      </div>
      <LiveSearchForm action="/contacts" target="#contacts-results" filters={['kind', 'archived']}>
        <Field
          name="q"
          type="search"
          label={t('contacts.search')}
          value={state.q}
          inputmode="search"
          attrs={{ autocomplete: 'off', 'aria-controls': 'contacts-results' }}
        />
        <SelectField
          name="kind"
          label={t('contacts.kind')}
          value={state.kind}
          options={[
            { value: '', label: t('contacts.kind.all') },
            ...contactKinds.map((kind) => ({ value: kind, label: kindLabel(kind) })),
          ]}
        />
        <SelectField
          name="archived"
          label={t('contacts.filter.archived')}
          value={state.archived}
          options={[
            { value: 'false', label: t('contacts.filter.active') },
            { value: 'true', label: t('contacts.filter.onlyArchived') },
            { value: 'all', label: t('contacts.filter.all') },
          ]}
        />
        <button type="submit">{t('contacts.search.submit')}</button>
      </LiveSearchForm>
      <ContactResults state={state} rows={props.rows} nextCursor={props.nextCursor} isFirstPage={props.isFirstPage} />
    </>
  );
}

/** The table and pager: what a search or a page change swaps in (htmx). */
export function ContactResults(props: {
  state: ListState;
  rows: Contact[];
  nextCursor: string | null;
  isFirstPage: boolean;
}) {
  const { state, rows } = props;
  const filtered = Boolean(state.q || state.kind || state.archived !== 'false');
  return (
    <ResultsTable
      id="contacts-results"
      label={t('contacts.title')}
      empty={filtered ? t('contacts.noResults') : t('contacts.empty')}
      columns={[
        { label: t('contacts.name') },
        { label: t('contacts.identification') },
        { label: t('contacts.phones') },
        { label: t('contacts.kind') },
      ]}
      rows={rows}
      row={(contact) => (
        <tr>
          <td>
            <a href={`/contacts/${contact.id}`}>{contact.name}</a>
            {contact.archivedAt ? <span class="badge badge-warn"> {t('contacts.archived')}</span> : null}
            {contact.email ? <div class="hint">{contact.email}</div> : null}
          </td>
          <td>
            {contact.idNumber ? (
              <>
                <span class="hint">{t(`contacts.idType.${contact.idType ?? 'none'}` as MessageKey)} </span>
                {formatIdentification(contact)}
              </>
            ) : null}
          </td>
          <td>{[formatPhone(contact.phone), formatPhone(contact.mobile)].filter(Boolean).join(' · ')}</td>
          <td>
            <span class="badge">{kindLabel(contact.kind)}</span>
          </td>
        </tr>
      )}
    >
      <nav class="pager" aria-label={t('contacts.title')}>
        {props.isFirstPage ? null : (
          <a
            class="button button-small"
            href={listHref(state)}
            hx-get={listHref(state)}
            hx-target="#contacts-results"
            hx-swap="outerHTML"
            hx-push-url="true"
          >
            {t('contacts.first')}
          </a>
        )}
        {props.nextCursor ? (
          <a
            class="button button-small"
            href={listHref(state, props.nextCursor)}
            hx-get={listHref(state, props.nextCursor)}
            hx-target="#contacts-results"
            hx-swap="outerHTML"
            hx-push-url="true"
          >
            {t('contacts.next')} →
          </a>
        ) : null}
      </nav>
    </ResultsTable>
  );
}

// ---------------------------------------------------------------- form

/** Contact fields as the form shows them: raw strings, identification formatted. */
export function contactFormValues(contact: Contact): ContactFormValues {
  return {
    kind: contact.kind,
    idType: contact.idType ?? '',
    idNumber: formatIdentification(contact),
    name: contact.name,
    phone: formatPhone(contact.phone),
    mobile: formatPhone(contact.mobile),
    email: contact.email ?? '',
    address: contact.address ?? '',
    birthDate: contact.birthDate ?? '',
    gender: contact.gender ?? '',
    notes: contact.notes ?? '',
  };
}

export function NameField(props: { value?: string; errors?: FieldErrors; oob?: boolean; fromRegistry?: boolean }) {
  return (
    <div id="name-field" hx-swap-oob={props.oob ? 'true' : undefined}>
      <Field
        name="name"
        label={t('contacts.name')}
        value={props.value}
        errors={props.errors}
        required
        autocomplete="off"
        hint={props.fromRegistry ? t('contacts.nameFromRegistry') : undefined}
      />
    </div>
  );
}

/** What the registry says about a typed RNC/cédula, under the number field. */
export function RegistryResult(props: {
  taxpayer?: Taxpayer | null;
  message?: string | null;
  tone?: 'info' | 'warn';
  /** The name this fragment put in the name field, so a later lookup may replace it. */
  filledName?: string | null;
}) {
  const { taxpayer } = props;
  return (
    <div id="registry-result" class="registry-result" aria-live="polite">
      <input type="hidden" name="registryName" value={props.filledName ?? ''} />
      {taxpayer ? (
        <p class={taxpayer.status && taxpayer.status !== 'ACTIVO' ? 'hint registry-warn' : 'hint'}>
          <strong>{t('dgii.found', { name: taxpayer.name })}</strong>
          {taxpayer.commercialName ? <> · {t('dgii.commercialName', { name: taxpayer.commercialName })}</> : null}
          {taxpayer.status ? (
            <>
              {' '}
              <span class={taxpayer.status === 'ACTIVO' ? 'badge' : 'badge badge-warn'}>{taxpayer.status}</span>
            </>
          ) : null}
        </p>
      ) : props.message ? (
        <p class={props.tone === 'warn' ? 'error-text' : 'hint'}>{props.message}</p>
      ) : null}
    </div>
  );
}

export function ContactForm(props: {
  action: string;
  values: ContactFormValues;
  errors?: FieldErrors;
  duplicate?: { id: string; name: string } | null;
  submitLabel: string;
  taxpayer?: Taxpayer | null;
}) {
  const { values, errors } = props;
  const lookup = {
    'hx-get': '/contacts/registry',
    'hx-target': '#registry-result',
    'hx-swap': 'outerHTML',
    'hx-include': '#field-idType, #field-idNumber, #field-name, [name=registryName]',
    'hx-sync': 'closest form:replace',
  };
  const hasErrors = Boolean(errors && Object.keys(errors).length);
  return (
    <form method="post" action={props.action} novalidate id="contact-form" hx-boost="false">
      {props.duplicate ? (
        <div class="alert alert-error" role="alert" tabindex={-1}>
          {t('contacts.duplicate')}{' '}
          <a href={`/contacts/${props.duplicate.id}`}>{t('contacts.duplicateLink', { name: props.duplicate.name })}</a>
        </div>
      ) : hasErrors ? (
        <div class="alert alert-error" role="alert" tabindex={-1}>
          {t('validation.summary')}
        </div>
      ) : null}
      <div class="form-grid">
        <SelectField
          name="kind"
          label={t('contacts.kind')}
          value={values.kind ?? 'customer'}
          errors={errors}
          required
          options={contactKinds.map((kind) => ({ value: kind, label: kindLabel(kind) }))}
        />
        <SelectField
          name="idType"
          label={t('contacts.idType')}
          value={values.idType}
          errors={errors}
          options={[
            { value: '', label: t('contacts.idType.none') },
            ...idTypes.map((type) => ({ value: type, label: t(`contacts.idType.${type}` as MessageKey) })),
          ]}
          attrs={{ ...lookup, 'hx-trigger': 'change' }}
        />
        <div>
          <Field
            name="idNumber"
            label={t('contacts.idNumber')}
            value={values.idNumber}
            errors={errors}
            hint={t('contacts.idNumber.hint')}
            autocomplete="off"
            attrs={{ ...lookup, 'hx-trigger': 'keyup changed delay:400ms, change', spellcheck: 'false' }}
          />
          <RegistryResult taxpayer={props.taxpayer} filledName={values.registryName ?? null} />
        </div>
      </div>
      <NameField value={values.name} errors={errors} />
      <div class="form-grid">
        <Field
          name="phone"
          type="tel"
          label={t('contacts.phone')}
          value={values.phone}
          errors={errors}
          inputmode="tel"
          autocomplete="off"
        />
        <Field
          name="mobile"
          type="tel"
          label={t('contacts.mobile')}
          value={values.mobile}
          errors={errors}
          inputmode="tel"
          autocomplete="off"
        />
        <Field
          name="email"
          type="email"
          label={t('contacts.email')}
          value={values.email}
          errors={errors}
          inputmode="email"
          autocomplete="off"
        />
        <Field
          name="birthDate"
          type="date"
          label={t('contacts.birthDate')}
          value={values.birthDate}
          errors={errors}
          hint={t('contacts.birthDate.hint')}
        />
        <SelectField
          name="gender"
          label={t('contacts.gender')}
          value={values.gender}
          errors={errors}
          options={[
            { value: '', label: t('contacts.gender.none') },
            ...genders.map((gender) => ({ value: gender, label: t(`contacts.gender.${gender}`) })),
          ]}
        />
      </div>
      <TextAreaField name="address" label={t('contacts.address')} value={values.address} errors={errors} rows={2} />
      <TextAreaField name="notes" label={t('contacts.notes')} value={values.notes} errors={errors} rows={3} />
      <div class="actions">
        <button type="submit" class="button-primary">
          {props.submitLabel}
        </button>
        <a class="button" href="/contacts">
          {t('contacts.cancel')}
        </a>
      </div>
    </form>
  );
}

export function NewContactPage(props: {
  values: ContactFormValues;
  errors?: FieldErrors;
  duplicate?: { id: string; name: string } | null;
}) {
  return (
    <>
      <p>
        <a href="/contacts">← {t('contacts.back')}</a>
      </p>
      <section class="card">
        <h1>{t('contacts.new')}</h1>
        <ContactForm
          action="/contacts"
          values={props.values}
          errors={props.errors}
          duplicate={props.duplicate}
          submitLabel={t('contacts.create')}
        />
      </section>
    </>
  );
}

const notices = {
  created: 'contacts.created',
  saved: 'contacts.saved',
  archived: 'contacts.archivedDone',
  unarchived: 'contacts.unarchivedDone',
  hasDocuments: 'contacts.hasDocuments',
} as const satisfies Record<string, MessageKey>;

export type ContactNotice = keyof typeof notices;

export function ContactPage(props: {
  user: SessionUser;
  contact: Contact;
  values?: ContactFormValues;
  errors?: FieldErrors;
  duplicate?: { id: string; name: string } | null;
  notice?: ContactNotice | null;
  message?: string | null;
}) {
  const { contact, user } = props;
  const canManage = can(user, 'contacts.manage');
  const canArchive = can(user, 'contacts.archive');
  return (
    <>
      <p>
        <a href="/contacts">← {t('contacts.back')}</a>
      </p>
      <div class="page-head">
        <h1>
          {contact.name} <span class="badge">{kindLabel(contact.kind)}</span>
          {contact.archivedAt ? <span class="badge badge-warn">{t('contacts.archived')}</span> : null}
        </h1>
      </div>
      {props.notice === 'hasDocuments' ? (
        <div class="alert alert-error" role="alert">
          {t(notices.hasDocuments)}
        </div>
      ) : props.notice ? (
        <Notice>{t(notices[props.notice])}</Notice>
      ) : null}
      {props.message ? (
        <div class="alert alert-error" role="alert">
          {props.message}
        </div>
      ) : null}
      {contact.archivedAt ? <Notice>{t('contacts.archivedNotice')}</Notice> : null}
      <nav class="toolbar contact-links" aria-label={t('contacts.links')}>
        {contact.kind === 'customer' ? <a href={`/patients/${contact.id}`}>{t('patients.open')}</a> : null}
        {can(user, 'prescriptions.view') ? (
          <a href={`/contacts/${contact.id}/prescriptions`}>{t('contacts.links.prescriptions')}</a>
        ) : null}
        {can(user, 'prescriptions.manage') && !contact.archivedAt ? (
          <a href={`/prescriptions/new?patientId=${contact.id}`}>{t('contacts.links.newPrescription')}</a>
        ) : null}
        {can(user, 'quotations.manage') && !contact.archivedAt ? (
          <a href={`/quotations/new?customerId=${contact.id}`}>{t('contacts.links.newQuotation')}</a>
        ) : null}
        {can(user, 'invoices.manage') && !contact.archivedAt ? (
          <a href={`/invoices/new?customerId=${contact.id}`}>{t('contacts.links.newInvoice')}</a>
        ) : null}
      </nav>
      <section class="card">
        <h2>{canManage ? t('contacts.edit') : t('contacts.details')}</h2>
        {canManage ? (
          <ContactForm
            action={`/contacts/${contact.id}`}
            values={props.values ?? contactFormValues(contact)}
            errors={props.errors}
            duplicate={props.duplicate}
            submitLabel={t('contacts.save')}
          />
        ) : (
          <ContactSummary contact={contact} />
        )}
        <p class="hint">{t('contacts.updatedAt', { date: formatDate(contact.updatedAt.toISOString()) })}</p>
      </section>
      {canManage ? <ContactMessaging contact={contact} canSeeLog={can(user, 'messaging.manage')} /> : null}
      {canArchive ? (
        <section class="actions contact-actions">
          <form method="post" action={`/contacts/${contact.id}/${contact.archivedAt ? 'unarchive' : 'archive'}`}>
            <button type="submit">{contact.archivedAt ? t('contacts.unarchive') : t('contacts.archive')}</button>
          </form>
          <form method="post" action={`/contacts/${contact.id}/delete`} hx-confirm={t('contacts.deleteConfirm')}>
            <button type="submit" class="button-danger">
              {t('contacts.delete')}
            </button>
          </form>
        </section>
      ) : null}
    </>
  );
}

function ContactSummary(props: { contact: Contact }) {
  const { contact } = props;
  const rows: Array<[MessageKey, string]> = [
    [
      'contacts.identification',
      contact.idNumber
        ? `${t(`contacts.idType.${contact.idType ?? 'none'}` as MessageKey)} ${formatIdentification(contact)}`
        : '',
    ],
    ['contacts.phone', formatPhone(contact.phone)],
    ['contacts.mobile', formatPhone(contact.mobile)],
    ['contacts.email', contact.email ?? ''],
    ['contacts.address', contact.address ?? ''],
    ['contacts.birthDate', formatDate(contact.birthDate)],
    ['contacts.gender', contact.gender ? t(`contacts.gender.${contact.gender}`) : ''],
    ['contacts.notes', contact.notes ?? ''],
  ];
  return (
    <>
      <Notice>{t('contacts.readOnly')}</Notice>
      <dl class="contact-summary">
        {rows
          .filter(([, value]) => value)
          .map(([label, value]) => (
            <>
              <dt>{t(label)}</dt>
              <dd>{value}</dd>
            </>
          ))}
      </dl>
    </>
  );
}
