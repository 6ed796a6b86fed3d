import type { SessionUser } from '../auth/session';
import { can } from '../auth/permissions';
import { formatDate } from '../domain/dates';
import {
  eyeMeasures,
  eyes,
  formatDiopter,
  prismBases,
  rxValidUntil,
  type Eye,
  type EyeMeasure,
  type RxField,
} from '../domain/prescription';
import { formatTaxId } from '../domain/tax-id';
import { t, type MessageKey } from '../i18n/es-DO';
import type { OptometristOption, PatientRef, PrescriptionDetail } from '../queries/prescriptions';
import type { Contact } from '../queries/contacts';
import {
  ErrorSummary,
  Field,
  BranchFilter,
  LiveSearchForm,
  Notice,
  ResultsTable,
  SelectField,
  TextAreaField,
  type PagerLinks,
} from './components';
import type { FieldErrors } from '../errors';
import { ShareButton } from './share-links';

export type PrescriptionFormValues = Partial<Record<string, string>>;

const diopterMeasures = new Set<EyeMeasure>(['Sphere', 'Cylinder', 'Add']);

/** The Rx grid's columns, in the order optometrists read them. */
export const gridMeasures = [
  'Sphere',
  'Cylinder',
  'Axis',
  'Add',
  'Prism',
  'PrismBase',
  'Pd',
  'Height',
  'VaSc',
  'VaCc',
] as const satisfies readonly EyeMeasure[];
export const contactLensMeasures = [
  'BaseCurve',
  'Diameter',
  'Keratometry',
  'Iop',
] as const satisfies readonly EyeMeasure[];

const eyeLabel = (eye: Eye) => t(`prescriptions.eye.${eye}` as MessageKey);
const columnLabel = (measure: EyeMeasure) => t(`prescriptions.col.${measure}` as MessageKey);
const fieldLabel = (eye: Eye, measure: EyeMeasure) =>
  `${eyeLabel(eye)} ${t(`prescriptions.label.${measure}` as MessageKey)}`;

/** One stored measurement as shown: diopters signed, prism base in words, the rest as stored. */
export function displayMeasure(rx: Partial<Record<RxField, unknown>>, eye: Eye, measure: EyeMeasure): string {
  const value = rx[`${eye}${measure}`];
  if (value === null || value === undefined || value === '') return '';
  if (diopterMeasures.has(measure)) return formatDiopter(String(value));
  if (measure === 'Prism') return `${value} Δ`;
  if (measure === 'PrismBase') return t(`prescriptions.base.${value}` as MessageKey);
  if (measure === 'Axis') return `${value}°`;
  return String(value);
}

/** `-1.25 -0.50 x 90 Add +2.00` for one eye, for lists. */
export function rxSummary(rx: Partial<Record<RxField, unknown>>, eye: Eye): string {
  const sphere = displayMeasure(rx, eye, 'Sphere');
  const cylinder = displayMeasure(rx, eye, 'Cylinder');
  const axis = rx[`${eye}Axis`];
  const add = displayMeasure(rx, eye, 'Add');
  return (
    [sphere, cylinder && cylinder !== '0.00' ? `${cylinder} x ${axis ?? ''}` : '', add ? `Add ${add}` : '']
      .filter(Boolean)
      .join(' ') || '—'
  );
}

export function optometristOf(p: Pick<PrescriptionDetail, 'optometristUserName' | 'optometristName'>): string {
  return p.optometristUserName ?? p.optometristName ?? '';
}

export function patientIdentification(patient: { idType: string | null; idNumber: string | null }): string {
  if (!patient.idNumber) return '';
  return patient.idType === 'pasaporte' ? patient.idNumber : formatTaxId(patient.idNumber);
}

function hasAny(rx: Partial<Record<RxField, unknown>>, measures: readonly EyeMeasure[]): boolean {
  return eyes.some((eye) => measures.some((measure) => displayMeasure(rx, eye, measure) !== ''));
}

/** The Rx grid, read-only: rows OD / OI; `changed` cells are marked (history comparison). */
export function RxTable(props: {
  rx: Partial<Record<RxField, unknown>>;
  measures?: readonly EyeMeasure[];
  changed?: ReadonlySet<RxField>;
  caption?: string;
}) {
  const measures = props.measures ?? gridMeasures;
  return (
    <table class="rx-table">
      {props.caption ? <caption>{props.caption}</caption> : null}
      <thead>
        <tr>
          <th scope="col">{t('prescriptions.eye')}</th>
          {measures.map((measure) => (
            <th scope="col" class="number">
              {columnLabel(measure)}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {eyes.map((eye) => (
          <tr>
            <th scope="row">{eyeLabel(eye)}</th>
            {measures.map((measure) => {
              const changed = props.changed?.has(`${eye}${measure}`);
              return (
                <td class={changed ? 'number rx-changed' : 'number'}>
                  {displayMeasure(props.rx, eye, measure)}
                  {changed ? <span class="visually-hidden"> ({t('prescriptions.changed')})</span> : null}
                </td>
              );
            })}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

// ---------------------------------------------------------------- list

export interface PrescriptionListProps {
  q: string;
  /** `week`: only the patients due for their next visit this week. */
  due?: string;
  /** The branch filter's value ('' for every branch the user sees). */
  branch?: string;
  rows: PrescriptionDetail[];
  nextHref: string | null;
  firstHref: string | null;
}

export function PrescriptionsPage(props: PrescriptionListProps & { user: SessionUser }) {
  return (
    <>
      <div class="page-head">
        <div>
          <h1>{t('prescriptions.title')}</h1>
          <p class="lead">{t('prescriptions.lead')}</p>
        </div>
        {can(props.user, 'prescriptions.manage') ? (
          <a class="button button-primary" href="/prescriptions/new">
            {t('prescriptions.new')}
          </a>
        ) : null}
      </div>
      <LiveSearchForm action="/prescriptions" target="#prescriptions-results" filters={['due', 'branch']}>
        <Field
          name="q"
          type="search"
          label={t('prescriptions.search')}
          value={props.q}
          attrs={{ autocomplete: 'off', 'aria-controls': 'prescriptions-results' }}
        />
        <SelectField
          name="due"
          label={t('prescriptions.dueFilter')}
          value={props.due ?? ''}
          blank={t('prescriptions.dueAny')}
          options={[{ value: 'week', label: t('prescriptions.dueWeek') }]}
        />
        <BranchFilter branches={props.user.branches} value={props.branch} />
        <button type="submit">{t('prescriptions.search.submit')}</button>
      </LiveSearchForm>
      <PrescriptionResults {...props} />
    </>
  );
}

export function PrescriptionResults(props: PrescriptionListProps) {
  return (
    <PrescriptionTable
      id="prescriptions-results"
      label={t('prescriptions.title')}
      empty={props.q || props.due ? t('prescriptions.noResults') : t('prescriptions.empty')}
      rows={props.rows}
      showPatient
      pager={{
        nextHref: props.nextHref,
        firstHref: props.firstHref,
        nextLabel: `${t('prescriptions.next')} →`,
        firstLabel: t('prescriptions.first'),
      }}
    />
  );
}

function PrescriptionTable(props: {
  rows: PrescriptionDetail[];
  empty: string;
  showPatient?: boolean;
  id?: string;
  label?: string;
  pager?: PagerLinks;
}) {
  const { showPatient, ...region } = props;
  return (
    <ResultsTable
      {...region}
      columns={[
        { label: t('prescriptions.list.date') },
        ...(showPatient ? [{ label: t('prescriptions.patient') }] : []),
        { label: t('prescriptions.list.rx') },
        { label: t('prescriptions.list.branch') },
        { label: t('prescriptions.optometrist') },
      ]}
      row={(row) => (
        <tr>
          <td>
            <a href={`/prescriptions/${row.id}`}>{formatDate(row.examinedOn)}</a>
          </td>
          {showPatient ? (
            <td>
              <a href={`/contacts/${row.patientId}/prescriptions`}>{row.patientName}</a>
            </td>
          ) : null}
          <td class="rx-summary">
            <span>
              {eyeLabel('od')} {rxSummary(row, 'od')}
            </span>
            <br />
            <span>
              {eyeLabel('oi')} {rxSummary(row, 'oi')}
            </span>
          </td>
          <td>{row.branchName}</td>
          <td>{optometristOf(row)}</td>
        </tr>
      )}
    />
  );
}

// ---------------------------------------------------------------- patient picker

export function PatientResults(props: { q: string; rows: Contact[] }) {
  return (
    <div id="patient-results" aria-live="polite">
      {props.q === '' ? null : props.rows.length === 0 ? (
        <p class="hint">{t('prescriptions.patient.none')}</p>
      ) : (
        <ul class="patient-results">
          {props.rows.map((contact) => (
            <li>
              <a class="button button-small" href={`/prescriptions/new?patientId=${contact.id}`}>
                {t('prescriptions.patient.choose')}
              </a>{' '}
              {contact.name} <span class="hint">{patientIdentification(contact)}</span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** Step one of a new prescription: find the patient (GET form; htmx swaps the results as you type). */
export function PatientPickerPage(props: { q: string; rows: Contact[] }) {
  return (
    <>
      <p>
        <a href="/prescriptions">← {t('prescriptions.back')}</a>
      </p>
      <section class="card">
        <h1>{t('prescriptions.new')}</h1>
        <p>{t('prescriptions.patient.pick')}</p>
        <form method="get" action="/prescriptions/new" role="search" class="toolbar">
          <Field
            name="q"
            type="search"
            label={t('prescriptions.patient.search')}
            value={props.q}
            attrs={{
              'hx-get': '/prescriptions/patients',
              'hx-target': '#patient-results',
              'hx-swap': 'outerHTML',
              'hx-trigger': 'input changed delay:300ms, search',
              autocomplete: 'off',
              'aria-controls': 'patient-results',
            }}
          />
          <button type="submit">{t('prescriptions.search.submit')}</button>
        </form>
        <PatientResults q={props.q} rows={props.rows} />
        <p>
          <a href="/contacts/new">{t('prescriptions.patient.newContact')}</a>
        </p>
      </section>
    </>
  );
}

// ---------------------------------------------------------------- form

/** Stored values as the form shows them (diopters signed, codes comma-separated). */
export function prescriptionFormValues(p: PrescriptionDetail): PrescriptionFormValues {
  const values: PrescriptionFormValues = {
    patientId: p.patientId,
    branchId: p.branchId,
    optometristId: p.optometristId ?? '',
    optometristName: p.optometristName ?? '',
    examinedOn: p.examinedOn,
    nextVisitOn: p.nextVisitOn ?? '',
    pd: p.pd ?? '',
    contactLensBrand: p.contactLensBrand ?? '',
    biomicroscopy: p.biomicroscopy ?? '',
    fundus: p.fundus ?? '',
    diagnosis: p.diagnosis ?? '',
    icd10Codes: p.icd10Codes.join(', '),
    recommendations: p.recommendations ?? '',
    notes: p.notes ?? '',
  };
  const record = p as unknown as Record<string, unknown>;
  for (const eye of eyes) {
    for (const measure of eyeMeasures) {
      const value = record[`${eye}${measure}`];
      values[`${eye}${measure}`] =
        value === null || value === undefined
          ? ''
          : diopterMeasures.has(measure)
            ? formatDiopter(String(value))
            : String(value);
    }
  }
  return values;
}

function GridInput(props: { eye: Eye; measure: EyeMeasure; values: PrescriptionFormValues; errors?: FieldErrors }) {
  const name = `${props.eye}${props.measure}`;
  const id = `field-${name}`;
  const error = props.errors?.[name];
  const a11y = {
    id,
    name,
    'aria-label': fieldLabel(props.eye, props.measure),
    'aria-invalid': error ? ('true' as const) : undefined,
    'aria-describedby': error ? `${id}-error` : undefined,
  };
  return (
    <td class={error ? 'field-invalid' : undefined}>
      {props.measure === 'PrismBase' ? (
        <select {...a11y}>
          <option value="">—</option>
          {prismBases.map((base) => (
            <option value={base} selected={props.values[name] === base}>
              {t(`prescriptions.base.${base}`)}
            </option>
          ))}
        </select>
      ) : (
        <input
          {...a11y}
          type="text"
          value={props.values[name] ?? ''}
          inputmode={
            props.measure === 'VaSc' || props.measure === 'VaCc' || props.measure === 'Keratometry' ? 'text' : 'decimal'
          }
          autocomplete="off"
          size={props.measure === 'Keratometry' ? 14 : 6}
        />
      )}
      {error ? (
        <p class="error-text" id={`${id}-error`}>
          {error}
        </p>
      ) : null}
    </td>
  );
}

function GridInputs(props: {
  measures: readonly EyeMeasure[];
  values: PrescriptionFormValues;
  errors?: FieldErrors;
  caption: string;
}) {
  return (
    <div class="rx-scroll">
      <table class="rx-table rx-form">
        <caption>{props.caption}</caption>
        <thead>
          <tr>
            <th scope="col">{t('prescriptions.eye')}</th>
            {props.measures.map((measure) => (
              <th scope="col">{columnLabel(measure)}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {eyes.map((eye) => (
            <tr>
              <th scope="row">{eyeLabel(eye)}</th>
              {props.measures.map((measure) => (
                <GridInput eye={eye} measure={measure} values={props.values} errors={props.errors} />
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export interface PrescriptionFormProps {
  user: SessionUser;
  action: string;
  patient: PatientRef;
  optometrists: OptometristOption[];
  values: PrescriptionFormValues;
  errors?: FieldErrors;
  editing?: boolean;
  cancelHref: string;
}

export function PrescriptionForm(props: PrescriptionFormProps) {
  const { values, errors } = props;
  return (
    <form method="post" action={props.action} novalidate id="prescription-form" hx-boost="false">
      <ErrorSummary errors={errors} />
      <input type="hidden" name="patientId" value={props.patient.id} />
      <p class="rx-patient">
        <strong>{t('prescriptions.patient')}:</strong>{' '}
        <a href={`/contacts/${props.patient.id}`}>{props.patient.name}</a>{' '}
        <span class="hint">{patientIdentification(props.patient)}</span>
        {props.editing ? null : (
          <>
            {' '}
            <a href="/prescriptions/new">{t('prescriptions.patient.change')}</a>
          </>
        )}
      </p>
      {errors?.patientId ? <p class="error-text">{errors.patientId}</p> : null}
      <div class="form-grid">
        <SelectField
          name="branchId"
          label={t('prescriptions.branch')}
          value={values.branchId}
          errors={errors}
          required
          options={props.user.branches.map((branch) => ({ value: branch.id, label: branch.name }))}
        />
        <Field
          name="examinedOn"
          type="date"
          label={t('prescriptions.examinedOn')}
          value={values.examinedOn}
          errors={errors}
          required
        />
        <SelectField
          name="optometristId"
          label={t('prescriptions.optometrist')}
          value={values.optometristId}
          errors={errors}
          blank={t('prescriptions.optometrist.other')}
          options={props.optometrists.map((user) => ({ value: user.id, label: user.name }))}
        />
        <Field
          name="optometristName"
          label={t('prescriptions.optometristName')}
          value={values.optometristName}
          errors={errors}
          autocomplete="off"
        />
      </div>
      <fieldset class="rx-fieldset">
        <legend>{t('prescriptions.rx')}</legend>
        <p class="hint">{t('prescriptions.rx.hint')}</p>
        <GridInputs measures={gridMeasures} values={values} errors={errors} caption={t('prescriptions.rx')} />
        <div class="form-grid">
          <Field
            name="pd"
            label={t('prescriptions.pd')}
            value={values.pd}
            errors={errors}
            inputmode="decimal"
            autocomplete="off"
          />
        </div>
      </fieldset>
      <fieldset class="rx-fieldset">
        <legend>{t('prescriptions.contactLens')}</legend>
        <GridInputs
          measures={contactLensMeasures}
          values={values}
          errors={errors}
          caption={t('prescriptions.contactLens')}
        />
        <div class="form-grid">
          <Field
            name="contactLensBrand"
            label={t('prescriptions.contactLensBrand')}
            value={values.contactLensBrand}
            errors={errors}
            autocomplete="off"
          />
        </div>
      </fieldset>
      <fieldset class="rx-fieldset">
        <legend>{t('prescriptions.exam')}</legend>
        <TextAreaField
          name="biomicroscopy"
          label={t('prescriptions.biomicroscopy')}
          value={values.biomicroscopy}
          errors={errors}
          rows={2}
        />
        <TextAreaField name="fundus" label={t('prescriptions.fundus')} value={values.fundus} errors={errors} rows={2} />
        <TextAreaField
          name="diagnosis"
          label={t('prescriptions.diagnosis')}
          value={values.diagnosis}
          errors={errors}
          rows={2}
        />
        <Field
          name="icd10Codes"
          label={t('prescriptions.icd10Codes')}
          value={values.icd10Codes}
          errors={errors}
          hint={t('prescriptions.icd10Codes.hint')}
          autocomplete="off"
        />
        <TextAreaField
          name="recommendations"
          label={t('prescriptions.recommendations')}
          value={values.recommendations}
          errors={errors}
          rows={2}
        />
        <div class="form-grid">
          <Field
            name="nextVisitOn"
            type="date"
            label={t('prescriptions.nextVisitOn')}
            value={values.nextVisitOn}
            errors={errors}
          />
        </div>
        <TextAreaField name="notes" label={t('prescriptions.notes')} value={values.notes} errors={errors} rows={2} />
      </fieldset>
      <div class="actions">
        <button type="submit" class="button-primary">
          {props.editing ? t('prescriptions.save') : t('prescriptions.create')}
        </button>
        <a class="button" href={props.cancelHref}>
          {t('prescriptions.cancel')}
        </a>
      </div>
    </form>
  );
}

/** Titles the routes give the page shell; the pages use them too. */
export const prescriptionFormTitle = (editing?: boolean) =>
  editing ? t('prescriptions.edit') : t('prescriptions.new');
export const prescriptionTitle = (p: Pick<PrescriptionDetail, 'examinedOn'>) =>
  t('prescriptions.detail', { date: formatDate(p.examinedOn) });
export const patientHistoryTitle = (patient: Pick<PatientRef, 'name'>) =>
  t('prescriptions.historyOf', { name: patient.name });

export function PrescriptionFormPage(props: PrescriptionFormProps) {
  const title = prescriptionFormTitle(props.editing);
  return (
    <>
      <p>
        <a href={props.cancelHref}>← {t('prescriptions.back')}</a>
      </p>
      <section class="card">
        <h1>{title}</h1>
        <PrescriptionForm {...props} />
      </section>
    </>
  );
}

// ---------------------------------------------------------------- detail

function PrescriptionFacts(props: { p: PrescriptionDetail }) {
  const { p } = props;
  const rows: Array<[MessageKey, string]> = [
    ['prescriptions.pd', p.pd ?? ''],
    ['prescriptions.contactLensBrand', p.contactLensBrand ?? ''],
    ['prescriptions.biomicroscopy', p.biomicroscopy ?? ''],
    ['prescriptions.fundus', p.fundus ?? ''],
    ['prescriptions.diagnosis', p.diagnosis ?? ''],
    ['prescriptions.icd10Codes', p.icd10Codes.join(', ')],
    ['prescriptions.recommendations', p.recommendations ?? ''],
    ['prescriptions.nextVisitOn', p.nextVisitOn ? formatDate(p.nextVisitOn) : ''],
    ['prescriptions.notes', p.notes ?? ''],
  ];
  return (
    <dl class="rx-facts">
      {rows
        .filter(([, value]) => value)
        .map(([label, value]) => (
          <>
            <dt>{t(label)}</dt>
            <dd>{value}</dd>
          </>
        ))}
    </dl>
  );
}

export function PrescriptionPage(props: {
  user: SessionUser;
  prescription: PrescriptionDetail;
  notice?: 'created' | 'saved' | null;
}) {
  const { prescription: p, user } = props;
  const title = prescriptionTitle(p);
  return (
    <>
      <p>
        <a href="/prescriptions">← {t('prescriptions.back')}</a>
      </p>
      {props.notice ? (
        <Notice>{t(props.notice === 'created' ? 'prescriptions.created' : 'prescriptions.saved')}</Notice>
      ) : null}
      <div class="page-head">
        <div>
          <h1>{title}</h1>
          <p class="lead">
            <a href={`/contacts/${p.patientId}`}>{p.patientName}</a> · {p.branchName}
            {optometristOf(p) ? ` · ${optometristOf(p)}` : ''}
          </p>
        </div>
      </div>
      <div class="actions rx-actions">
        {can(user, 'prescriptions.manage') ? (
          <a class="button button-primary" href={`/prescriptions/${p.id}/edit`}>
            {t('prescriptions.edit')}
          </a>
        ) : null}
        <a class="button" href={`/prescriptions/${p.id}/print`} hx-boost="false">
          {t('prescriptions.print')}
        </a>
        <a class="button" href={`/prescriptions/${p.id}/certificate`} hx-boost="false">
          {t('prescriptions.certificate')}
        </a>
        <ShareButton kind="prescription" id={p.id} />
        <a class="button" href={`/lab-orders/new?prescriptionId=${p.id}`}>
          {t('lab.fromInvoice')}
        </a>
        <a class="button" href={`/contacts/${p.patientId}/prescriptions`}>
          {t('prescriptions.history')}
        </a>
      </div>
      <section class="card">
        <h2>{t('prescriptions.rx')}</h2>
        <div class="rx-scroll">
          <RxTable rx={p} />
        </div>
        {hasAny(p, contactLensMeasures) ? (
          <div class="rx-scroll">
            <RxTable rx={p} measures={contactLensMeasures} caption={t('prescriptions.contactLens')} />
          </div>
        ) : null}
        <p class="hint">
          {t('prescriptions.validUntil')}: {formatDate(rxValidUntil(p.examinedOn))}
        </p>
        <PrescriptionFacts p={p} />
      </section>
    </>
  );
}

// ---------------------------------------------------------------- history

export function PatientHistoryPage(props: {
  user: SessionUser;
  patient: PatientRef;
  prescriptions: PrescriptionDetail[];
  changed: ReadonlySet<RxField>;
}) {
  const { patient, prescriptions, user } = props;
  const [newest, previous] = prescriptions;
  const title = patientHistoryTitle(patient);
  return (
    <>
      <p>
        <a href={`/contacts/${patient.id}`}>← {patient.name}</a>
      </p>
      <div class="page-head">
        <h1>{title}</h1>
        {can(user, 'prescriptions.manage') ? (
          <a class="button button-primary" href={`/prescriptions/new?patientId=${patient.id}`}>
            {t('prescriptions.new')}
          </a>
        ) : null}
      </div>
      {newest && previous ? (
        <section class="card" aria-labelledby="rx-compare">
          <h2 id="rx-compare">{t('prescriptions.compare')}</h2>
          <p class="hint">
            {props.changed.size
              ? t('prescriptions.compare.changed', { count: props.changed.size })
              : t('prescriptions.compare.none')}{' '}
            {t('prescriptions.compare.hint')}
          </p>
          <div class="rx-compare">
            {[previous, newest].map((p) => (
              <div class="rx-scroll">
                <h3>
                  <a href={`/prescriptions/${p.id}`}>{formatDate(p.examinedOn)}</a>
                </h3>
                <RxTable rx={p} changed={p === newest ? props.changed : undefined} />
                {hasAny(p, contactLensMeasures) || hasAny(newest === p ? previous : newest, contactLensMeasures) ? (
                  <RxTable rx={p} measures={contactLensMeasures} changed={p === newest ? props.changed : undefined} />
                ) : null}
                <p class={p === newest && props.changed.has('pd') ? 'rx-changed' : undefined}>
                  {t('prescriptions.pd')}: {p.pd ?? '—'}
                </p>
              </div>
            ))}
          </div>
        </section>
      ) : null}
      <PrescriptionTable rows={prescriptions} empty={t('prescriptions.historyEmpty')} />
    </>
  );
}
