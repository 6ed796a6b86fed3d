import type { BranchRef } from '../auth/session';
import { ncfTypes, internalSeries, isNcfType, type SequenceWarning } from '../domain/ncf';
import { formatDate } from '../domain/dates';
import { t, type MessageKey } from '../i18n/es-DO';
import type { Sequence, SequenceWithWarnings } from '../queries/sequences';
import { sequenceTypes } from '../domain/ncf';
import { CheckboxField, ErrorSummary, Field, Notice, ResultsTable, SelectField, TextAreaField } from './components';
import type { FieldErrors } from '../errors';

/** `B02 — Factura de consumo`, `COT — Cotizaciones`. */
export function sequenceTypeLabel(type: string): string {
  const name = isNcfType(type) ? ncfTypes[type].name : (internalSeries as Record<string, string>)[type];
  return name ? `${type} — ${name}` : type;
}

export const warningLabel = (warning: SequenceWarning) => t(`sequences.warning.${warning}` as MessageKey);

const number = (value: number) => value.toLocaleString('en-US');

export function SequenceWarnings(props: { warnings: SequenceWarning[] }) {
  if (!props.warnings.length) return null;
  return (
    <span class="sequence-warnings">
      {props.warnings.map((warning) => (
        <span class="badge badge-warn" data-warning={warning}>
          {warningLabel(warning)}
        </span>
      ))}
    </span>
  );
}

export function SequencesPage(props: { sequences: SequenceWithWarnings[]; canManage: boolean }) {
  const warned = props.sequences.filter((sequence) => sequence.active && sequence.warnings.length);
  return (
    <>
      <div class="page-head">
        <h1>{t('sequences.title')}</h1>
        {props.canManage ? (
          <div class="actions">
            <a href="/sequences/new" class="button button-primary">
              {t('sequences.new')}
            </a>
          </div>
        ) : null}
      </div>
      <p class="lead">{t('sequences.lead')}</p>
      {warned.length ? (
        <div class="alert alert-error" role="status">
          <strong>{t('sequences.warningsTitle')}:</strong>{' '}
          {warned.map((sequence, index) => (
            <>
              {index ? '; ' : ''}
              <a href={`/sequences/${sequence.id}`}>
                {sequence.prefix} {number(sequence.rangeStart)}–{number(sequence.rangeEnd)}
              </a>{' '}
              ({sequence.warnings.map(warningLabel).join(', ')})
            </>
          ))}
        </div>
      ) : null}
      <ResultsTable
        empty={t('sequences.empty')}
        columns={[
          { label: t('sequences.field.docType') },
          { label: t('sequences.field.prefix') },
          { label: t('sequences.field.range') },
          { label: t('sequences.field.nextDocument') },
          { label: t('sequences.field.remaining'), numeric: true },
          { label: t('sequences.field.validUntil') },
          { label: t('sequences.field.branchId') },
          { label: t('sequences.field.status') },
        ]}
        rows={props.sequences}
        row={(sequence) => (
          <tr>
            <td>
              <a href={`/sequences/${sequence.id}`} title={sequenceTypeLabel(sequence.docType)}>
                {sequence.docType}
              </a>
              {sequence.description ? <div class="hint">{sequence.description}</div> : null}
            </td>
            <td>{sequence.prefix}</td>
            <td style="white-space: nowrap">
              {number(sequence.rangeStart)} – {number(sequence.rangeEnd)}
            </td>
            <td>{sequence.nextDocumentNumber ?? '—'}</td>
            <td class="number">{number(sequence.remaining)}</td>
            <td>{formatDate(sequence.validUntil)}</td>
            <td>{sequence.branchName ?? '—'}</td>
            <td>
              <span class="badge">{sequence.active ? t('sequences.state.active') : t('sequences.state.inactive')}</span>{' '}
              {sequence.isDefault ? <span class="badge">{t('sequences.state.default')}</span> : null}{' '}
              <SequenceWarnings warnings={sequence.warnings} />
            </td>
          </tr>
        )}
      />
    </>
  );
}

/** What the form shows: the submitted text as typed, or the stored sequence. */
export interface SequenceFormValues {
  docType?: string;
  prefix?: string | null;
  description?: string | null;
  rangeStart?: string;
  rangeEnd?: string;
  nextNumber?: string;
  validUntil?: string | null;
  authorizedOn?: string | null;
  active?: boolean;
  isDefault?: boolean;
  branchId?: string | null;
}

export function sequenceFormValues(sequence: Sequence): SequenceFormValues {
  return {
    docType: sequence.docType,
    prefix: sequence.prefix,
    description: sequence.description,
    rangeStart: String(sequence.rangeStart),
    rangeEnd: String(sequence.rangeEnd),
    nextNumber: String(sequence.nextNumber),
    validUntil: sequence.validUntil,
    authorizedOn: sequence.authorizedOn,
    active: sequence.active,
    isDefault: sequence.isDefault,
    branchId: sequence.branchId,
  };
}

export function submittedSequence(form: Record<string, unknown>): SequenceFormValues {
  const text = (name: string) => (typeof form[name] === 'string' ? (form[name] as string) : '');
  const checked = (name: string) => form[name] === 'on' || form[name] === true;
  return {
    docType: text('docType'),
    prefix: text('prefix'),
    description: text('description'),
    rangeStart: text('rangeStart'),
    rangeEnd: text('rangeEnd'),
    nextNumber: text('nextNumber'),
    validUntil: text('validUntil'),
    authorizedOn: text('authorizedOn'),
    active: checked('active'),
    isDefault: checked('isDefault'),
    branchId: text('branchId'),
  };
}

export function SequenceForm(props: {
  action: string;
  values: SequenceFormValues;
  errors?: FieldErrors;
  message?: string | null;
  branches: BranchRef[];
  submitLabel: string;
}) {
  const { values, errors } = props;
  return (
    <form method="post" action={props.action} hx-boost="false" novalidate class="card">
      <ErrorSummary errors={errors} message={props.message} />
      <div class="form-grid">
        <SelectField
          name="docType"
          label={t('sequences.field.docType')}
          value={values.docType}
          errors={errors}
          required
          blank=""
          options={sequenceTypes.map((type) => ({ value: type, label: sequenceTypeLabel(type) }))}
        />
        <Field
          name="prefix"
          label={t('sequences.field.prefix')}
          value={values.prefix}
          errors={errors}
          hint={t('sequences.hint.prefix')}
          attrs={{ maxlength: '12' }}
        />
        <Field
          name="rangeStart"
          label={t('sequences.field.rangeStart')}
          value={values.rangeStart}
          errors={errors}
          required
          inputmode="numeric"
        />
        <Field
          name="rangeEnd"
          label={t('sequences.field.rangeEnd')}
          value={values.rangeEnd}
          errors={errors}
          required
          inputmode="numeric"
        />
        <Field
          name="nextNumber"
          label={t('sequences.field.nextNumber')}
          value={values.nextNumber}
          errors={errors}
          inputmode="numeric"
          hint={t('sequences.hint.nextNumber')}
        />
        <Field
          name="authorizedOn"
          type="date"
          label={t('sequences.field.authorizedOn')}
          value={values.authorizedOn}
          errors={errors}
          hint={t('sequences.hint.authorizedOn')}
        />
        <Field
          name="validUntil"
          type="date"
          label={t('sequences.field.validUntil')}
          value={values.validUntil}
          errors={errors}
          hint={t('sequences.hint.validUntil')}
        />
        <SelectField
          name="branchId"
          label={t('sequences.field.branchId')}
          value={values.branchId}
          errors={errors}
          blank={t('sequences.noBranch')}
          hint={t('sequences.hint.branchId')}
          options={props.branches.map((branch) => ({ value: branch.id, label: branch.name }))}
        />
      </div>
      <TextAreaField
        name="description"
        label={t('sequences.field.description')}
        value={values.description}
        errors={errors}
        rows={2}
      />
      <CheckboxField name="active" label={t('sequences.field.active')} checked={values.active ?? true} />
      <CheckboxField
        name="isDefault"
        label={t('sequences.field.isDefault')}
        checked={values.isDefault ?? false}
        hint={t('sequences.hint.isDefault')}
      />
      <div class="actions">
        <button type="submit" class="button-primary">
          {props.submitLabel}
        </button>
        <a href="/sequences" class="button">
          {t('sequences.back')}
        </a>
      </div>
    </form>
  );
}

export function NewSequencePage(props: {
  values: SequenceFormValues;
  errors?: FieldErrors;
  message?: string | null;
  branches: BranchRef[];
}) {
  return (
    <>
      <h1>{t('sequences.newTitle')}</h1>
      <SequenceForm action="/sequences" {...props} submitLabel={t('sequences.create')} />
    </>
  );
}

export function SequencePage(props: {
  sequence: SequenceWithWarnings;
  canManage: boolean;
  branches: BranchRef[];
  values?: SequenceFormValues;
  errors?: FieldErrors;
  message?: string | null;
  notice?: string | null;
}) {
  const { sequence } = props;
  return (
    <>
      <div class="page-head">
        <h1>
          {t('sequences.editTitle', {
            name: `${sequence.prefix} ${number(sequence.rangeStart)}–${number(sequence.rangeEnd)}`,
          })}
        </h1>
      </div>
      {props.notice ? <Notice>{props.notice}</Notice> : null}
      {sequence.warnings.length ? (
        <div class="alert alert-error" role="status" id="sequence-warnings">
          <strong>{t('sequences.warningsTitle')}:</strong> {sequence.warnings.map(warningLabel).join(', ')}
        </div>
      ) : null}
      <dl class="card">
        <dt>{t('sequences.field.docType')}</dt>
        <dd>{sequenceTypeLabel(sequence.docType)}</dd>
        <dt>{t('sequences.field.nextDocument')}</dt>
        <dd>{sequence.nextDocumentNumber ?? '—'}</dd>
        <dt>{t('sequences.field.remaining')}</dt>
        <dd>{number(sequence.remaining)}</dd>
        <dt>{t('sequences.field.validUntil')}</dt>
        <dd>{formatDate(sequence.validUntil)}</dd>
        <dt>{t('sequences.field.status')}</dt>
        <dd>
          {sequence.active ? t('sequences.state.active') : t('sequences.state.inactive')}
          {sequence.isDefault ? ` · ${t('sequences.state.default')}` : ''}
          {sequence.branchName ? ` · ${sequence.branchName}` : ''} <SequenceWarnings warnings={sequence.warnings} />
        </dd>
      </dl>
      {props.canManage ? (
        <>
          <SequenceForm
            action={`/sequences/${sequence.id}`}
            values={props.values ?? sequenceFormValues(sequence)}
            errors={props.errors}
            message={props.message}
            branches={props.branches}
            submitLabel={t('sequences.save')}
          />
          <form method="post" action={`/sequences/${sequence.id}/delete`} class="card" hx-boost="false">
            <p class="hint">{sequence.used ? t('sequences.usedNotice') : t('sequences.deleteHint')}</p>
            <button type="submit" class="button-danger" disabled={sequence.used}>
              {t('sequences.delete')}
            </button>
          </form>
        </>
      ) : (
        <p>
          <a href="/sequences">{t('sequences.back')}</a>
        </p>
      )}
    </>
  );
}
