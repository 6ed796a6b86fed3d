import type { SessionUser } from '../auth/session';
import { formatDate } from '../domain/dates';
import type { FieldErrors } from '../errors';
import { t } from '../i18n/es-DO';
import {
  boardClosedDays,
  labNumber,
  type Board,
  type BoardColumn,
  type LabCard,
  type LabStage,
  type MoveRefusal,
} from '../services/shop/lab-board';
import { labStageColors, type LabStageRow } from '../services/shop/lab-stages';
import {
  BranchFilter,
  CheckboxField,
  ErrorSummary,
  Field,
  LiveSearchForm,
  Notice,
  ResultsTable,
  SelectField,
  Warning,
} from './components';
import { staticUrl } from './static-url';

export interface BoardQuery {
  branch: string;
  lab: string;
  q: string;
  overdue: boolean;
}

/** The board's own address with its filters, so a move (with or without JavaScript) comes back to the same view. */
export function boardHref(query: BoardQuery): string {
  const params = new URLSearchParams();
  if (query.branch) params.set('branch', query.branch);
  if (query.lab) params.set('lab', query.lab);
  if (query.q) params.set('q', query.q);
  if (query.overdue) params.set('overdue', '1');
  const search = params.toString();
  return search ? `/lab?${search}` : '/lab';
}

function daysInStage(days: number): string {
  if (days <= 0) return t('labBoard.card.today');
  if (days === 1) return t('labBoard.card.day');
  return t('labBoard.card.days', { days });
}

function OverdueFlag(props: { card: LabCard }) {
  if (!props.card.overdue) return null;
  return (
    <span class="lab-flag lab-flag-overdue">
      <span aria-hidden="true">⚠ </span>
      {t('labBoard.card.overdue')}
    </span>
  );
}

function PriorityBadge(props: { priority: LabCard['priority'] }) {
  if (props.priority === 'normal') return null;
  return <span class={`lab-priority lab-priority-${props.priority}`}>{t(`labBoard.priority.${props.priority}`)}</span>;
}

/** The keyboard and no-JavaScript way to move a card: H1's move endpoint, then back to this board. */
function MoveMenu(props: { card: LabCard; stages: LabStage[]; back: string }) {
  const id = `move-${props.card.id}`;
  return (
    <form method="post" action={`/lab-orders/${props.card.id}/move`} class="lab-move" hx-boost="false">
      <input type="hidden" name="expectedStageId" value={props.card.stageId} />
      <input type="hidden" name="next" value={props.back} />
      <label for={id}>{t('labBoard.move.label')}</label>
      <select id={id} name="toStageId">
        {props.stages
          .filter((stage) => stage.id !== props.card.stageId)
          .map((stage) => (
            <option value={stage.id}>{stage.name}</option>
          ))}
      </select>
      <button type="submit" class="button">
        {t('labBoard.move.submit')}
      </button>
    </form>
  );
}

/** One card: the order at a glance; the overdue flag is text as well as colour. */
export function LabCardView(props: { card: LabCard; stages: LabStage[]; back: string; canMove: boolean }) {
  const { card } = props;
  return (
    <li
      class={`lab-card${card.overdue ? ' lab-card-overdue' : ''}`}
      id={`card-${card.id}`}
      data-order-id={card.id}
      data-stage-id={card.stageId}
    >
      <p class="lab-card-head">
        <a href={`/lab-orders/${card.id}`}>{labNumber(card.number)}</a>
        <PriorityBadge priority={card.priority} />
        <OverdueFlag card={card} />
      </p>
      <p class="lab-card-customer">{card.customerName}</p>
      <p class="lab-card-meta">
        {card.promisedOn
          ? t('labBoard.card.promised', { date: formatDate(card.promisedOn) })
          : t('labBoard.card.noPromise')}
      </p>
      <p class="lab-card-meta">
        {card.labName ? t('labBoard.card.lab', { name: card.labName }) : t('labBoard.card.ownLab')}
      </p>
      <p class="lab-card-meta">{daysInStage(card.daysInStage)}</p>
      {props.canMove ? <MoveMenu card={card} stages={props.stages} back={props.back} /> : null}
    </li>
  );
}

function ColumnView(props: { column: BoardColumn; stages: LabStage[]; back: string; canMove: boolean }) {
  const { stage, cards, total } = props.column;
  const headingId = `stage-${stage.id}`;
  const more = `/lab-orders?stage=${stage.id}`;
  return (
    <section class={`lab-column lab-color-${stage.color}`} aria-labelledby={headingId} data-stage-id={stage.id}>
      <h2 id={headingId}>
        {stage.name}{' '}
        <span class="lab-count">
          {stage.isFinal
            ? t('labBoard.column.recent', { days: boardClosedDays, count: total })
            : total === 1
              ? t('labBoard.column.one')
              : t('labBoard.column.count', { count: total })}
        </span>
      </h2>
      <ul class="lab-cards" data-stage-id={stage.id} data-sortable={props.canMove ? 'true' : undefined}>
        {cards.map((card) => (
          <LabCardView card={card} stages={props.stages} back={props.back} canMove={props.canMove} />
        ))}
      </ul>
      {cards.length === 0 ? <p class="lab-empty">{t('labBoard.column.empty')}</p> : null}
      {total > cards.length ? (
        <p class="lab-more">
          <a href={more}>{t('labBoard.column.more', { shown: cards.length, count: total })}</a>
        </p>
      ) : stage.isFinal ? (
        <p class="lab-more">
          <a href={more}>{t('labBoard.column.all')}</a>
        </p>
      ) : null}
    </section>
  );
}

function BoardFilters(props: { user: SessionUser; query: BoardQuery; labs: Board['labs'] }) {
  return (
    <form class="toolbar lab-filters" method="get" action="/lab" role="search">
      <BranchFilter branches={props.user.branches} value={props.query.branch} />
      <SelectField
        name="lab"
        label={t('labBoard.filter.lab')}
        value={props.query.lab}
        blank={t('labBoard.filter.allLabs')}
        options={props.labs.map((lab) => ({ value: lab.id, label: lab.name }))}
      />
      <Field name="q" label={t('labBoard.filter.q')} value={props.query.q} type="search" attrs={{ maxlength: '100' }} />
      <CheckboxField name="overdue" label={t('labBoard.filter.overdue')} checked={props.query.overdue} />
      <div class="actions">
        <button type="submit" class="button">
          {t('labBoard.filter.submit')}
        </button>
      </div>
    </form>
  );
}

/** Where the board says what happened to a move: a notice, or the refusal with its way forward. */
export function MoveOutcome(props: { notice?: string | null; refusal?: MoveRefusal | null; back: string }) {
  return (
    <div id="lab-move-outcome" aria-live="polite">
      {props.notice ? <Notice>{props.notice}</Notice> : null}
      {props.refusal?.kind === 'stale' ? <Warning>{props.refusal.message}</Warning> : null}
      {props.refusal?.kind === 'balance' ? <BalanceRefusal refusal={props.refusal} back={props.back} /> : null}
    </div>
  );
}

/** Delivering with an open balance: pay it first, or deliver anyway with a reason (kept on the order). */
function BalanceRefusal(props: { refusal: Extract<MoveRefusal, { kind: 'balance' }>; back: string }) {
  const { order } = props.refusal;
  return (
    <section class="card lab-balance" aria-labelledby="lab-balance-title">
      <h2 id="lab-balance-title">{labNumber(order.number)}</h2>
      <Warning>{props.refusal.message}</Warning>
      {order.invoiceId ? (
        <p>
          <a class="button button-primary" href={`/invoices/${order.invoiceId}/payments/new`}>
            {t('labBoard.move.pay')}
          </a>
        </p>
      ) : null}
      <form method="post" action={`/lab-orders/${order.id}/move`} hx-boost="false">
        <input type="hidden" name="expectedStageId" value={order.stageId} />
        <input type="hidden" name="toStageId" value={props.refusal.toStageId} />
        <input type="hidden" name="next" value={props.back} />
        <Field
          name="overrideReason"
          label={t('labBoard.move.overrideReason')}
          required
          attrs={{ maxlength: '500', autocomplete: 'off' }}
        />
        <div class="actions">
          <button type="submit" class="button">
            {t('labBoard.move.override')}
          </button>
          <a class="button" href={props.back}>
            {t('labBoard.move.cancel')}
          </a>
        </div>
      </form>
    </section>
  );
}

export function LabBoardPage(props: {
  user: SessionUser;
  board: Board;
  query: BoardQuery;
  canMove: boolean;
  canConfigure: boolean;
  notice?: string | null;
  refusal?: MoveRefusal | null;
}) {
  const back = boardHref(props.query);
  const stages = props.board.columns.map((column) => column.stage);
  return (
    <>
      <div class="page-head">
        <h1>{t('labBoard.title')}</h1>
        <p class="actions">
          {props.canMove ? (
            <a class="button button-primary" href="/lab-orders/new">
              {t('labBoard.new')}
            </a>
          ) : null}
          <a class="button" href="/lab-orders">
            {t('labBoard.list')}
          </a>
          {props.canConfigure ? (
            <a class="button" href="/settings/lab-stages">
              {t('labBoard.settings')}
            </a>
          ) : null}
        </p>
      </div>
      <p class="lead" id="lab-instructions">
        {t('labBoard.move.instructions')}
      </p>
      <BoardFilters user={props.user} query={props.query} labs={props.board.labs} />
      <MoveOutcome notice={props.notice} refusal={props.refusal} back={back} />
      <div
        class="lab-board"
        id="lab-board"
        data-move-url="/lab/move"
        data-back={back}
        data-failed={t('labBoard.move.failed')}
        aria-describedby="lab-instructions"
      >
        {props.board.columns.map((column) => (
          <ColumnView column={column} stages={stages} back={back} canMove={props.canMove} />
        ))}
      </div>
      {props.canMove ? (
        <>
          <script src={staticUrl('Sortable.min.js')} defer data-sortable-lib=""></script>
          <script src={staticUrl('lab-board.js')} defer></script>
        </>
      ) : null}
    </>
  );
}

/** The answer to a drag: the card as it is now (in its real column), and what happened. */
export function MovedCard(props: {
  card: LabCard | null;
  stages: LabStage[];
  back: string;
  notice?: string | null;
  refusal?: MoveRefusal | null;
}) {
  return (
    <>
      {props.card ? (
        <ul hidden data-moved-card="">
          <LabCardView card={props.card} stages={props.stages} back={props.back} canMove />
        </ul>
      ) : null}
      <MoveOutcome notice={props.notice} refusal={props.refusal} back={props.back} />
    </>
  );
}

// ------------------------------------------------------------------------------------------------
// The list
// ------------------------------------------------------------------------------------------------

export interface ListQuery extends BoardQuery {
  stage: string;
  due: string;
}

export function LabOrderResults(props: {
  rows: LabCard[];
  stages: LabStage[];
  nextHref: string | null;
  firstHref: string | null;
}) {
  const stageName = new Map(props.stages.map((stage) => [stage.id, stage.name]));
  return (
    <ResultsTable
      id="lab-order-results"
      empty={t('labOrders.list.empty')}
      columns={[
        { label: t('labOrders.list.number') },
        { label: t('labOrders.list.customer') },
        { label: t('labOrders.list.stage') },
        { label: t('labOrders.list.promised') },
        { label: t('labOrders.list.priority') },
        { label: t('labOrders.list.lab') },
        { label: t('labOrders.list.branch') },
      ]}
      rows={props.rows}
      row={(row) => (
        <tr class={row.overdue ? 'lab-row-overdue' : undefined}>
          <td class="lab-number">
            <a href={`/lab-orders/${row.id}`}>{labNumber(row.number)}</a>
          </td>
          <td>{row.customerName}</td>
          <td>{stageName.get(row.stageId) ?? t('labBoard.card.closed')}</td>
          <td>
            {formatDate(row.promisedOn)} <OverdueFlag card={row} />
          </td>
          <td>{t(`labBoard.priority.${row.priority}`)}</td>
          <td>{row.labName ?? t('labBoard.card.ownLab')}</td>
          <td>{row.branchName}</td>
        </tr>
      )}
      pager={{
        nextHref: props.nextHref,
        firstHref: props.firstHref,
        nextLabel: t('labOrders.list.next'),
        firstLabel: t('labOrders.list.first'),
      }}
    />
  );
}

export function LabOrdersPage(props: {
  user: SessionUser;
  query: ListQuery;
  stages: LabStage[];
  labs: Board['labs'];
  rows: LabCard[];
  nextHref: string | null;
  firstHref: string | null;
  errors?: FieldErrors;
}) {
  return (
    <>
      <div class="page-head">
        <h1>{t('labOrders.list.title')}</h1>
        <p class="actions">
          <a class="button" href="/lab">
            {t('labOrders.list.board')}
          </a>
        </p>
      </div>
      <ErrorSummary errors={props.errors} />
      <LiveSearchForm
        action="/lab-orders"
        target="#lab-order-results"
        filters={['stage', 'branch', 'lab', 'due', 'overdue']}
      >
        <Field
          name="q"
          label={t('labBoard.filter.q')}
          value={props.query.q}
          type="search"
          errors={props.errors}
          attrs={{ maxlength: '100' }}
        />
        <SelectField
          name="stage"
          label={t('labOrders.list.stage')}
          value={props.query.stage}
          blank={t('labOrders.list.allStages')}
          errors={props.errors}
          options={props.stages.map((stage) => ({ value: stage.id, label: stage.name }))}
        />
        <BranchFilter branches={props.user.branches} value={props.query.branch} />
        <SelectField
          name="lab"
          label={t('labBoard.filter.lab')}
          value={props.query.lab}
          blank={t('labBoard.filter.allLabs')}
          errors={props.errors}
          options={props.labs.map((lab) => ({ value: lab.id, label: lab.name }))}
        />
        <SelectField
          name="due"
          label={t('labOrders.list.due')}
          value={props.query.due}
          blank={t('labOrders.list.dueAny')}
          errors={props.errors}
          options={[{ value: 'week', label: t('labOrders.list.dueWeek') }]}
        />
        <CheckboxField name="overdue" label={t('labBoard.filter.overdue')} checked={props.query.overdue} />
        <div class="actions">
          <button type="submit" class="button">
            {t('labBoard.filter.submit')}
          </button>
        </div>
      </LiveSearchForm>
      <LabOrderResults rows={props.rows} stages={props.stages} nextHref={props.nextHref} firstHref={props.firstHref} />
    </>
  );
}

// ------------------------------------------------------------------------------------------------
// Stage settings
// ------------------------------------------------------------------------------------------------

export interface StageFormValues {
  name?: string;
  color?: string;
  outcome?: string;
}

const outcomeOptions = () => [
  { value: '', label: t('labStages.outcome.none') },
  { value: 'delivered', label: t('labStages.outcome.delivered') },
  { value: 'cancelled', label: t('labStages.outcome.cancelled') },
];

const colorOptions = () => labStageColors.map((color) => ({ value: color, label: t(`labStages.color.${color}`) }));

/** One labelled control of a stage form; ids carry the form's prefix, since every stage has its own form on the page. */
function StageControl(props: {
  prefix: string;
  name: string;
  label: string;
  errors?: FieldErrors;
  control: (id: string, a11y: Record<string, string | undefined>) => unknown;
}) {
  const id = `${props.prefix}-${props.name}`;
  const error = props.errors?.[props.name];
  return (
    <div class={`field${error ? ' field-invalid' : ''}`}>
      <label for={id}>{props.label}</label>
      {props.control(id, {
        'aria-invalid': error ? 'true' : undefined,
        'aria-describedby': error ? `${id}-error` : undefined,
      })}
      {error ? (
        <p class="error-text" id={`${id}-error`}>
          {error}
        </p>
      ) : null}
    </div>
  );
}

function Options(props: { options: Array<{ value: string; label: string }>; value: string }) {
  return (
    <>
      {props.options.map((option) => (
        <option value={option.value} selected={option.value === props.value}>
          {option.label}
        </option>
      ))}
    </>
  );
}

function StageFields(props: { prefix: string; values: StageFormValues; errors?: FieldErrors }) {
  return (
    <div class="form-grid">
      <StageControl
        prefix={props.prefix}
        name="name"
        label={t('labStages.field.name')}
        errors={props.errors}
        control={(id, a11y) => (
          <input
            id={id}
            {...a11y}
            name="name"
            value={props.values.name ?? ''}
            required
            maxlength={60}
            autocomplete="off"
          />
        )}
      />
      <StageControl
        prefix={props.prefix}
        name="color"
        label={t('labStages.field.color')}
        errors={props.errors}
        control={(id, a11y) => (
          <select id={id} {...a11y} name="color">
            <Options options={colorOptions()} value={props.values.color ?? 'gray'} />
          </select>
        )}
      />
      <StageControl
        prefix={props.prefix}
        name="outcome"
        label={t('labStages.field.outcome')}
        errors={props.errors}
        control={(id, a11y) => (
          <select id={id} {...a11y} name="outcome">
            <Options options={outcomeOptions()} value={props.values.outcome ?? ''} />
          </select>
        )}
      />
    </div>
  );
}

function StageActions(props: { stage: LabStageRow; first: boolean; last: boolean }) {
  const { stage } = props;
  const post = (action: string, label: string, aria: string, extra?: Record<string, string>) => (
    <form method="post" action={`/settings/lab-stages/${stage.id}/${action}`} class="inline-form" hx-boost="false">
      {Object.entries(extra ?? {}).map(([name, value]) => (
        <input type="hidden" name={name} value={value} />
      ))}
      <button type="submit" class="button" aria-label={aria}>
        {label}
      </button>
    </form>
  );
  return (
    <div class="actions lab-stage-actions">
      {props.first
        ? null
        : post('move', t('labStages.up'), t('labStages.upLabel', { name: stage.name }), { direction: 'up' })}
      {props.last
        ? null
        : post('move', t('labStages.down'), t('labStages.downLabel', { name: stage.name }), { direction: 'down' })}
      {stage.isInitial || stage.isFinal
        ? null
        : post('initial', t('labStages.makeInitial'), t('labStages.makeInitialLabel', { name: stage.name }))}
      {stage.isInitial
        ? null
        : post('archive', t('labStages.archive'), t('labStages.archiveLabel', { name: stage.name }))}
    </div>
  );
}

export function LabStagesPage(props: {
  stages: LabStageRow[];
  notice?: string | null;
  error?: string | null;
  add: { values: StageFormValues; errors?: FieldErrors };
  editing?: { id: string; values: StageFormValues; errors?: FieldErrors } | null;
}) {
  return (
    <>
      <h1>{t('labStages.title')}</h1>
      <p class="lead">{t('labStages.lead')}</p>
      {props.notice ? <Notice>{props.notice}</Notice> : null}
      {props.error ? <Warning>{props.error}</Warning> : null}
      <ol class="lab-stage-list">
        {props.stages.map((stage, index) => {
          const editing = props.editing?.id === stage.id ? props.editing : null;
          const values = editing?.values ?? {
            name: stage.name,
            color: stage.color,
            outcome: stage.outcome ?? '',
          };
          return (
            <li class={`card lab-stage lab-color-${stage.color}`} id={`stage-${stage.id}`}>
              <h2>
                {stage.name}
                {stage.isInitial ? <span class="lab-badge"> {t('labStages.initial')}</span> : null}
                <span class="lab-count"> {t('labStages.openOrders', { count: stage.openOrders })}</span>
              </h2>
              {editing?.errors ? <ErrorSummary errors={editing.errors} /> : null}
              <form method="post" action={`/settings/lab-stages/${stage.id}`} hx-boost="false" novalidate>
                <StageFields prefix={`stage-${index}`} values={values} errors={editing?.errors} />
                <div class="actions">
                  <button type="submit" class="button button-primary">
                    {t('labStages.save')}
                  </button>
                </div>
              </form>
              <StageActions stage={stage} first={index === 0} last={index === props.stages.length - 1} />
            </li>
          );
        })}
      </ol>
      <section class="card" aria-labelledby="new-stage-title">
        <h2 id="new-stage-title">{t('labStages.add')}</h2>
        <ErrorSummary errors={props.add.errors} />
        <form method="post" action="/settings/lab-stages" hx-boost="false" novalidate>
          <StageFields prefix="new" values={props.add.values} errors={props.add.errors} />
          <div class="actions">
            <button type="submit" class="button button-primary">
              {t('labStages.add.submit')}
            </button>
          </div>
        </form>
      </section>
    </>
  );
}
