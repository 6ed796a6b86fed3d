import type { SessionUser } from '../auth/session';
import { can } from '../auth/permissions';
import { formatDate, formatDateTime, shopToday } from '../domain/dates';
import { formatMoney } from '../domain/money';
import type { FieldErrors } from '../errors';
import { t, type MessageKey } from '../i18n/es-DO';
import type { Contact } from '../queries/contacts';
import type { LabFormData, LabOrderDetail, LabStage, LabTimelineEntry } from '../queries/lab-orders';
import { labPriorityValues } from '../schemas/lab-orders';
import { CheckboxField, ErrorSummary, Field, Notice, SelectField, TextAreaField, Warning } from './components';
import { RxTable } from './prescriptions';
import { ShareButton } from './share-links';

export type LabFormValues = Partial<Record<string, string | string[]>>;

/** LAB-000123. */
export function labOrderNumber(number: number): string {
  return `LAB-${String(number).padStart(6, '0')}`;
}

export const priorityLabel = (value: string) => t(`lab.priority.${value}` as MessageKey);

/** "3 d 4 h" / "5 h" / "12 min" since a moment. */
export function durationSince(from: Date, now: Date = new Date()): string {
  const minutes = Math.max(0, Math.floor((now.getTime() - from.getTime()) / 60_000));
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  if (days) return `${days} d ${hours} h`;
  if (hours) return `${hours} h`;
  return `${minutes} min`;
}

export function isOverdue(order: Pick<LabOrderDetail, 'promisedOn' | 'closedAt'>, today: string): boolean {
  return Boolean(order.promisedOn && !order.closedAt && order.promisedOn < today);
}

const str = (value: unknown): string => (typeof value === 'string' ? value : '');

/** Stored values as the form shows them. */
export function labFormValues(order: LabOrderDetail): LabFormValues {
  return {
    customerId: order.customerId,
    branchId: order.branchId,
    prescriptionId: order.prescriptionId ?? '',
    invoiceId: order.invoiceId ?? '',
    quotationId: order.quotationId ?? '',
    labId: order.labId ?? '',
    frameProductId: order.frameProductId ?? '',
    frameOwn: order.frameOwn ? 'on' : '',
    frameDescription: order.frameDescription ?? '',
    frameA: order.frameA ?? '',
    frameB: order.frameB ?? '',
    frameDbl: order.frameDbl ?? '',
    lensType: order.lensType ?? '',
    lensMaterial: order.lensMaterial ?? '',
    lensIndex: order.lensIndex ?? '',
    treatments: order.treatments,
    tint: order.tint ?? '',
    labReference: order.labReference ?? '',
    promisedOn: order.promisedOn ?? '',
    priority: order.priority,
    notes: order.notes ?? '',
  };
}

export function CustomerPickerPage(props: { q: string; rows: Contact[] }) {
  return (
    <>
      <p>
        <a href="/lab-orders">← {t('lab.orders')}</a>
      </p>
      <section class="card">
        <h1>{t('lab.new')}</h1>
        <form method="get" action="/lab-orders/new" role="search" class="toolbar">
          <Field name="q" type="search" label={t('lab.customerSearch')} value={props.q} />
          <button type="submit">{t('lab.pickCustomer')}</button>
        </form>
        <div id="customer-results" aria-live="polite">
          {props.q === '' ? null : props.rows.length === 0 ? (
            <p class="hint">{t('lab.noCustomers')}</p>
          ) : (
            <ul class="patient-results">
              {props.rows.map((contact) => (
                <li>
                  <a class="button button-small" href={`/lab-orders/new?customerId=${contact.id}`}>
                    {t('lab.pickCustomer')}
                  </a>{' '}
                  {contact.name}
                </li>
              ))}
            </ul>
          )}
        </div>
      </section>
    </>
  );
}

export interface LabFormProps {
  action: string;
  data: LabFormData;
  branches: Array<{ id: string; name: string }>;
  values: LabFormValues;
  errors?: FieldErrors;
  editing?: boolean;
  sourceLines?: string[];
  cancelHref: string;
}

/** A list's active values, then the value shown if it is not among them (archived since the order got it). */
function listOptions(values: readonly string[] | undefined, current: string | readonly string[] | undefined) {
  const kept = (typeof current === 'string' ? [current] : (current ?? [])).filter((value) => value !== '');
  const options = [...(values ?? [])];
  for (const value of kept) if (!options.includes(value)) options.push(value);
  return options;
}

export function LabOrderFormPage(props: LabFormProps) {
  const v = props.values;
  const errors = props.errors;
  const lists = props.data.lists;
  const treatments = new Set(Array.isArray(v.treatments) ? v.treatments : v.treatments ? [v.treatments] : []);
  const asOptions = (values: string[]) => values.map((value) => ({ value, label: value }));
  return (
    <>
      <p>
        <a href={props.cancelHref}>← {t('lab.cancel')}</a>
      </p>
      <h1>{props.editing ? t('lab.edit') : t('lab.new')}</h1>
      <ErrorSummary errors={errors} />
      <form method="post" action={props.action} class="card form" novalidate>
        <p>
          <strong>{t('lab.customer')}:</strong> {props.data.customer?.name}
        </p>
        <input type="hidden" name="customerId" value={str(v.customerId)} />
        {['invoiceId', 'quotationId'].map((name) =>
          str(v[name]) ? <input type="hidden" name={name} value={str(v[name])} /> : null,
        )}
        {errors?.customerId ? <p class="field-error">{errors.customerId}</p> : null}
        {errors?.invoiceId ? <p class="field-error">{errors.invoiceId}</p> : null}
        {errors?.quotationId ? <p class="field-error">{errors.quotationId}</p> : null}
        {props.sourceLines?.length ? (
          <section>
            <h2>{t('lab.sourceLines')}</h2>
            <ul>
              {props.sourceLines.map((line) => (
                <li>{line}</li>
              ))}
            </ul>
          </section>
        ) : null}
        {props.editing ? null : (
          <>
            <SelectField
              name="branchId"
              label={t('lab.branch')}
              value={str(v.branchId)}
              errors={errors}
              options={props.branches.map((branch) => ({ value: branch.id, label: branch.name }))}
            />
            <SelectField
              name="prescriptionId"
              label={t('lab.prescription')}
              value={str(v.prescriptionId)}
              errors={errors}
              blank={props.data.prescriptions.length ? t('lab.latestPrescription') : t('lab.noPrescription')}
              options={props.data.prescriptions.map((rx) => ({ value: rx.id, label: formatDate(rx.examinedOn) }))}
            />
          </>
        )}
        <SelectField
          name="labId"
          label={t('lab.lab')}
          value={str(v.labId)}
          errors={errors}
          blank={t('lab.labNone')}
          options={props.data.labs.map((lab) => ({ value: lab.id, label: lab.name }))}
        />
        <fieldset>
          <legend>{t('lab.frame')}</legend>
          <input type="hidden" name="frameProductId" value={str(v.frameProductId)} />
          <Field
            name="frameDescription"
            label={t('lab.frameDescription')}
            value={str(v.frameDescription)}
            errors={errors}
          />
          <CheckboxField name="frameOwn" label={t('lab.frameOwn')} checked={Boolean(str(v.frameOwn))} />
          <div class="grid-3">
            <Field name="frameA" label={t('lab.frameA')} value={str(v.frameA)} errors={errors} inputmode="decimal" />
            <Field name="frameB" label={t('lab.frameB')} value={str(v.frameB)} errors={errors} inputmode="decimal" />
            <Field
              name="frameDbl"
              label={t('lab.frameDbl')}
              value={str(v.frameDbl)}
              errors={errors}
              inputmode="decimal"
            />
          </div>
        </fieldset>
        <fieldset>
          <legend>{t('lab.lens')}</legend>
          <SelectField
            name="lensType"
            label={t('lab.lensType')}
            value={str(v.lensType)}
            errors={errors}
            blank={t('lab.choose')}
            options={asOptions(listOptions(lists.lens_types, v.lensType))}
          />
          <SelectField
            name="lensMaterial"
            label={t('lab.lensMaterial')}
            value={str(v.lensMaterial)}
            errors={errors}
            blank={t('lab.choose')}
            options={asOptions(listOptions(lists.materials, v.lensMaterial))}
          />
          <SelectField
            name="lensIndex"
            label={t('lab.lensIndex')}
            value={str(v.lensIndex)}
            errors={errors}
            blank={t('lab.choose')}
            options={asOptions(listOptions(lists.indices, v.lensIndex))}
          />
          <fieldset>
            <legend>{t('lab.treatments')}</legend>
            {listOptions(lists.treatments, [...treatments]).map((value) => (
              <label class="field-check" style="display: flex; align-items: center; gap: 0.6rem; min-height: 2.75rem">
                <input type="checkbox" name="treatments" value={value} checked={treatments.has(value)} />
                {value}
              </label>
            ))}
            {errors?.treatments ? <p class="field-error">{errors.treatments}</p> : null}
          </fieldset>
          <Field name="tint" label={t('lab.tint')} value={str(v.tint)} errors={errors} />
        </fieldset>
        <Field name="labReference" label={t('lab.labReference')} value={str(v.labReference)} errors={errors} />
        <Field name="promisedOn" type="date" label={t('lab.promisedOn')} value={str(v.promisedOn)} errors={errors} />
        <SelectField
          name="priority"
          label={t('lab.priority')}
          value={str(v.priority) || 'normal'}
          errors={errors}
          options={labPriorityValues.map((value) => ({ value, label: priorityLabel(value) }))}
        />
        <TextAreaField name="notes" label={t('lab.notes')} value={str(v.notes)} errors={errors} />
        <div class="actions">
          <button type="submit" class="button-primary">
            {props.editing ? t('lab.save') : t('lab.create')}
          </button>
          <a class="button" href={props.cancelHref}>
            {t('lab.cancel')}
          </a>
        </div>
      </form>
    </>
  );
}

const noticeKeys = {
  created: 'lab.notice.created',
  saved: 'lab.notice.saved',
  moved: 'lab.notice.moved',
  note: 'lab.notice.note',
  photo: 'lab.notice.photo',
} as const;
export type LabNotice = keyof typeof noticeKeys;

function Fact(props: { label: string; value: string | null | undefined }) {
  if (!props.value) return null;
  return (
    <div>
      <dt>{props.label}</dt>
      <dd>{props.value}</dd>
    </div>
  );
}

function timelineText(entry: LabTimelineEntry): string {
  if (entry.kind === 'created') return t('lab.event.created', { stage: entry.toStageName ?? '' });
  if (entry.kind === 'moved')
    return t('lab.event.moved', { from: entry.fromStageName ?? '', to: entry.toStageName ?? '' });
  return t(`lab.event.${entry.kind}` as MessageKey);
}

/** The move menu: a plain form with a select of stages (keyboard and no-JS); with htmx the stage panel swaps. */
export function MovePanel(props: {
  order: LabOrderDetail;
  stages: LabStage[];
  canMove: boolean;
  error?: string | null;
  needsReason?: boolean;
  errors?: FieldErrors;
}) {
  const { order } = props;
  const today = shopToday();
  const balance = order.invoiceBalance && Number(order.invoiceBalance) > 0 ? order.invoiceBalance : null;
  return (
    <section class="card" id="lab-stage" aria-labelledby="lab-stage-title">
      <h2 id="lab-stage-title">
        {t('lab.stage')}: {order.stageName}
      </h2>
      <p>
        {t('lab.inStageFor', { duration: durationSince(new Date(order.stageEnteredAt)) })}
        {isOverdue(order, today) ? (
          <>
            {' '}
            <strong class="badge badge-danger">{t('lab.overdue')}</strong>
          </>
        ) : null}
        {order.closedAt ? (
          <>
            {' '}
            <span class="badge">{t('lab.closed')}</span>
          </>
        ) : null}
      </p>
      {balance ? (
        <p>
          {t('lab.balance')}: <strong>{formatMoney(balance)}</strong>{' '}
          {order.invoiceId ? (
            <a href={`/invoices/${order.invoiceId}/payments/new`}>{t('lab.registerPayment')}</a>
          ) : null}
        </p>
      ) : null}
      {props.error ? <Warning>{props.error}</Warning> : null}
      {props.canMove ? (
        <form
          method="post"
          action={`/lab-orders/${order.id}/move`}
          class="toolbar"
          hx-post={`/lab-orders/${order.id}/move`}
          hx-target="#lab-stage"
          hx-swap="outerHTML"
        >
          <input type="hidden" name="expectedStageId" value={order.stageId} />
          <SelectField
            name="toStageId"
            label={t('lab.move')}
            value=""
            blank={t('lab.choose')}
            required
            errors={props.errors}
            options={props.stages
              .filter((stage) => stage.id !== order.stageId)
              .map((stage) => ({ value: stage.id, label: stage.name }))}
          />
          {props.needsReason || balance ? (
            <Field
              name="overrideReason"
              label={t('lab.overrideReason')}
              errors={props.errors}
              hint={props.needsReason ? t('lab.deliverAnyway') : undefined}
            />
          ) : null}
          <button type="submit">{t('lab.moveSubmit')}</button>
        </form>
      ) : null}
    </section>
  );
}

export function LabOrderPage(props: {
  user: SessionUser;
  order: LabOrderDetail;
  timeline: LabTimelineEntry[];
  stages: LabStage[];
  notice?: LabNotice | null;
  moveError?: string | null;
  errors?: FieldErrors;
}) {
  const { order, user } = props;
  const canManage = can(user, 'labOrders.manage');
  return (
    <>
      <p>
        <a href="/lab-orders">← {t('lab.orders')}</a>
      </p>
      {props.notice ? <Notice>{t(noticeKeys[props.notice])}</Notice> : null}
      <ErrorSummary errors={props.errors} />
      <div class="page-head">
        <div>
          <h1>
            {t('lab.order')} {labOrderNumber(order.number)}
          </h1>
          <p class="lead">
            <a href={`/contacts/${order.customerId}`}>{order.customerName}</a> · {order.branchName} ·{' '}
            {priorityLabel(order.priority)}
          </p>
        </div>
      </div>
      <div class="actions">
        {canManage ? (
          <a class="button" href={`/lab-orders/${order.id}/edit`}>
            {t('lab.edit')}
          </a>
        ) : null}
        <a class="button" href={`/lab-orders/${order.id}/print?format=a4`} hx-boost="false">
          {t('lab.printA4')}
        </a>
        <a class="button" href={`/lab-orders/${order.id}/print?format=80mm`} hx-boost="false">
          {t('lab.print80')}
        </a>
        <ShareButton kind="lab_order" id={order.id} />
      </div>
      <MovePanel order={order} stages={props.stages} canMove={canManage} error={props.moveError} />
      <section class="card">
        <h2>{t('lab.rx')}</h2>
        {order.prescriptionId ? (
          <>
            <div class="rx-scroll">
              <RxTable rx={order as unknown as Record<string, unknown>} />
            </div>
            {order.pd ? (
              <p>
                {t('lab.rx.pdTotal')}: {order.pd}
              </p>
            ) : null}
          </>
        ) : (
          <p class="hint">{t('lab.rxNone')}</p>
        )}
      </section>
      <section class="card">
        <dl class="facts">
          <Fact label={t('lab.lab')} value={order.labName ?? t('lab.labNone')} />
          <Fact label={t('lab.labReference')} value={order.labReference} />
          <Fact
            label={t('lab.frame')}
            value={[order.frameProductName, order.frameDescription].filter(Boolean).join(' · ')}
          />
          <Fact label={t('lab.frameOwn')} value={order.frameOwn ? '✓' : null} />
          <Fact
            label={`${t('lab.frameA')} / ${t('lab.frameB')} / ${t('lab.frameDbl')}`}
            value={
              order.frameA || order.frameB || order.frameDbl
                ? [order.frameA, order.frameB, order.frameDbl].map((v) => v ?? '—').join(' / ')
                : null
            }
          />
          <Fact label={t('lab.lensType')} value={order.lensType ?? ''} />
          <Fact label={t('lab.lensMaterial')} value={order.lensMaterial} />
          <Fact label={t('lab.lensIndex')} value={order.lensIndex} />
          <Fact label={t('lab.treatments')} value={order.treatments.join(', ')} />
          <Fact label={t('lab.tint')} value={order.tint} />
          <Fact label={t('lab.promisedOn')} value={order.promisedOn ? formatDate(order.promisedOn) : null} />
          <Fact label={t('lab.invoice')} value={order.invoiceId ? (order.invoiceNcf ?? '✓') : null} />
          <Fact label={t('lab.notes')} value={order.notes} />
        </dl>
        {order.invoiceId ? (
          <p>
            <a href={`/invoices/${order.invoiceId}`}>{t('lab.invoice')}</a>
          </p>
        ) : null}
      </section>
      {canManage ? (
        <section class="card">
          <form method="post" action={`/lab-orders/${order.id}/notes`}>
            <TextAreaField name="note" label={t('lab.addNote')} errors={props.errors} />
            <button type="submit">{t('lab.addNote')}</button>
          </form>
          <form method="post" action={`/lab-orders/${order.id}/photos`} enctype="multipart/form-data">
            <Field
              name="photo"
              type="file"
              label={t('lab.photo')}
              errors={props.errors}
              attrs={{ accept: 'image/jpeg,image/png,image/webp' }}
            />
            <button type="submit">{t('lab.addPhoto')}</button>
          </form>
        </section>
      ) : null}
      <LabTimeline order={order} timeline={props.timeline} />
    </>
  );
}

/** The order's timeline, newest first; `oob` when an htmx move sends it beside the stage panel. */
export function LabTimeline(props: { order: LabOrderDetail; timeline: LabTimelineEntry[]; oob?: boolean }) {
  const { order } = props;
  return (
    <section
      class="card"
      id="lab-timeline-card"
      aria-labelledby="lab-timeline"
      hx-swap-oob={props.oob ? 'true' : undefined}
    >
      <h2 id="lab-timeline">{t('lab.timeline')}</h2>
      <ol class="timeline">
        {props.timeline.map((entry) => (
          <li>
            <p>
              <strong>{timelineText(entry)}</strong>
              {' — '}
              <span class="hint">
                {t('lab.by', { user: entry.userName ?? '—', when: formatDateTime(entry.createdAt) })}
              </span>
            </p>
            {entry.kind === 'moved' && entry.note ? <p>{t('lab.overrideNote', { reason: entry.note })}</p> : null}
            {entry.kind === 'note' ? <p>{entry.note}</p> : null}
            {entry.kind === 'photo' ? (
              <a href={`/lab-orders/${order.id}/photos/${entry.id}`}>
                <img
                  src={`/lab-orders/${order.id}/photos/${entry.id}`}
                  alt={t('lab.photoAlt', { number: labOrderNumber(order.number) })}
                  style="max-width: 100%; max-height: 240px"
                  loading="lazy"
                />
              </a>
            ) : null}
          </li>
        ))}
      </ol>
    </section>
  );
}
