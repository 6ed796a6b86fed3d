import type { Context } from 'hono';
import { keysetCursor } from '../http/cursors';
import { can } from '../auth/permissions';
import { AppError, type FieldErrors } from '../errors';
import type { SignedInEnv } from '../http/env';
import { factory } from '../http/factory';
import { safeNextPath, validForm } from '../http/forms';
import { wantsFragment } from '../http/fragments';
import { branchQuery, idParam, isUuid } from '../http/ids';
import { requirePermission } from '../http/session';
import { shopContext } from '../http/shop';
import { t, type MessageKey } from '../i18n/es-DO';
import { labStageForm, labStageMoveForm } from '../schemas/lab-stages';
import {
  getLabBoard,
  getLabCard,
  labNumber,
  listBoardStages,
  listLabOrders,
  moveFromBoard,
  type MoveRefusal,
} from '../services/shop/lab-board';
import {
  archiveLabStage,
  createLabStage,
  listLabStages,
  markInitialStage,
  reorderLabStage,
  updateLabStage,
} from '../services/shop/lab-stages';
import {
  LabBoardPage,
  LabOrderResults,
  LabOrdersPage,
  LabStagesPage,
  MovedCard,
  type BoardQuery,
  type StageFormValues,
} from '../views/lab-board';

/** Shop screens: the lab board, the lab orders list and the board's stages. */
export const labBoardRoutes = factory.createApp();

/** The list's position: newest order first. */
const labOrderCursor = keysetCursor({ number: 'integer' });

const flag = (value: string | undefined) => value === '1' || value === 'on' || value === 'true';

/** The board's and the list's filters; a lab or stage that is not an id is the field's 422. */
function filterQuery(c: Context<SignedInEnv>) {
  const lab = c.req.query('lab') ?? '';
  const stage = c.req.query('stage') ?? '';
  const due = c.req.query('due') ?? '';
  const errors: FieldErrors = {};
  if (lab && !isUuid(lab)) errors.lab = t('labBoard.validation.lab');
  if (stage && !isUuid(stage)) errors.stage = t('labBoard.validation.stage');
  if (due && due !== 'week') errors.due = t('labBoard.validation.stage');
  if (Object.keys(errors).length)
    throw new AppError('validation', t('validation.summary'), errors as Record<string, string>);
  return {
    branch: branchQuery(c) ?? '',
    lab,
    stage,
    due,
    q: (c.req.query('q') ?? '').trim().slice(0, 100),
    overdue: flag(c.req.query('overdue')),
  };
}

async function renderBoard(
  c: Context<SignedInEnv>,
  query: BoardQuery,
  outcome: { notice?: string | null; refusal?: MoveRefusal | null } = {},
  status: 200 | 409 | 422 = 200,
) {
  const ctx = shopContext(c);
  const board = await getLabBoard(ctx, {
    branch: query.branch,
    labId: query.lab || null,
    q: query.q,
    overdue: query.overdue,
  });
  c.status(status);
  return c.render(
    <LabBoardPage
      user={c.var.session}
      board={board}
      query={query}
      canMove={can(c.var.session, 'labOrders.manage')}
      canConfigure={can(c.var.session, 'labStages.manage')}
      notice={outcome.notice}
      refusal={outcome.refusal}
    />,
    { title: t('labBoard.title'), current: '/lab' },
  );
}

labBoardRoutes.get('/lab', requirePermission('labOrders.view'), async (c) => {
  const { branch, lab, q, overdue } = filterQuery(c);
  return renderBoard(c, { branch, lab, q, overdue });
});

/** The board's own path of a submitted `back` field, filters kept; anything else is the plain board. */
function boardBack(value: unknown): string {
  const path = safeNextPath(typeof value === 'string' ? value : '/lab');
  return path === '/lab' || path.startsWith('/lab?') ? path : '/lab';
}

function boardQueryOf(back: string): BoardQuery {
  const params = new URL(back, 'http://board').searchParams;
  const lab = params.get('lab') ?? '';
  const branch = params.get('branch') ?? '';
  return {
    branch: isUuid(branch) ? branch : '',
    lab: isUuid(lab) ? lab : '',
    q: (params.get('q') ?? '').slice(0, 100),
    overdue: flag(params.get('overdue') ?? undefined),
  };
}

/**
 * A drag on the board (SortableJS): the move, answered with the card as it is now and what happened.
 * Someone else's earlier move is a 409 whose card names its real column; without htmx the board again.
 */
labBoardRoutes.post('/lab/move', requirePermission('labOrders.manage'), async (c) => {
  const body = await c.req.parseBody();
  const field = (name: string) => (typeof body[name] === 'string' ? (body[name] as string) : '');
  const id = field('orderId');
  const toStageId = field('toStageId');
  const expectedStageId = field('expectedStageId');
  if (!isUuid(id)) throw new AppError('not_found');
  if (!isUuid(toStageId) || !isUuid(expectedStageId))
    throw new AppError('validation', t('labBoard.validation.stage'), { toStageId: t('labBoard.validation.stage') });
  const back = boardBack(body.back);
  const ctx = shopContext(c);
  const result = await moveFromBoard(ctx, id, { toStageId, expectedStageId });
  const refusal = result.ok ? null : result.refusal;
  if (!wantsFragment(c.req.raw)) {
    if (result.ok) return c.redirect(back, 303);
    return renderBoard(c, boardQueryOf(back), { refusal }, 409);
  }
  const [card, stages] = await Promise.all([getLabCard(ctx, id), listBoardStages(ctx)]);
  if (!card) throw new AppError('not_found');
  const stageName = stages.find((stage) => stage.id === card.stageId)?.name ?? '';
  c.status(result.ok ? 200 : 409);
  return c.html(
    <MovedCard
      card={card}
      stages={stages}
      back={back}
      notice={result.ok ? t('labBoard.move.done', { number: labNumber(card.number), stage: stageName }) : null}
      refusal={refusal}
    />,
  );
});

labBoardRoutes.get('/lab-orders', requirePermission('labOrders.view'), async (c) => {
  const query = filterQuery(c);
  const after = labOrderCursor.decode(c.req.query('cursor'));
  const page = await listLabOrders(shopContext(c), {
    branch: query.branch,
    labId: query.lab || null,
    stageId: query.stage || null,
    q: query.q,
    overdue: query.overdue,
    due: query.due === 'week' ? 'week' : null,
    after,
  });
  const params = (cursor?: string) => {
    const search = new URLSearchParams();
    for (const [name, value] of Object.entries({ ...query, overdue: query.overdue ? '1' : '', cursor }))
      if (value) search.set(name, String(value));
    const text = search.toString();
    return text ? `/lab-orders?${text}` : '/lab-orders';
  };
  const nextHref = page.next ? params(labOrderCursor.encode(page.next)) : null;
  const firstHref = after ? params() : null;
  if (wantsFragment(c.req.raw))
    return c.html(<LabOrderResults rows={page.rows} stages={page.stages} nextHref={nextHref} firstHref={firstHref} />);
  return c.render(
    <LabOrdersPage
      user={c.var.session}
      query={query}
      stages={page.stages}
      labs={page.labs}
      rows={page.rows}
      nextHref={nextHref}
      firstHref={firstHref}
    />,
    { title: t('labOrders.list.title'), current: '/lab' },
  );
});

// ------------------------------------------------------------------------------------------------
// Stage settings
// ------------------------------------------------------------------------------------------------

const stageNotices: Record<string, MessageKey> = {
  created: 'labStages.notice.created',
  saved: 'labStages.notice.saved',
  moved: 'labStages.notice.moved',
  initial: 'labStages.notice.initial',
  archived: 'labStages.notice.archived',
};

function submittedStage(body: Record<string, unknown>): StageFormValues {
  const text = (name: string) => (typeof body[name] === 'string' ? (body[name] as string) : undefined);
  return { name: text('name'), color: text('color'), outcome: text('outcome') };
}

async function renderStages(
  c: Context<SignedInEnv>,
  form: {
    add?: { values: StageFormValues; errors?: FieldErrors };
    editing?: { id: string; values: StageFormValues; errors?: FieldErrors };
    error?: string | null;
  } = {},
  status: 200 | 409 | 422 = 200,
) {
  const stages = await listLabStages(shopContext(c));
  const noticeKey = stageNotices[c.req.query('notice') ?? ''];
  c.status(status);
  return c.render(
    <LabStagesPage
      stages={stages}
      notice={status === 200 && noticeKey ? t(noticeKey) : null}
      error={form.error}
      add={form.add ?? { values: { color: 'gray', outcome: '' } }}
      editing={form.editing}
    />,
    { title: t('labStages.title'), current: '/settings/lab-stages' },
  );
}

/** A refusal shown on the page (409 with its message), a field error re-rendered (422); anything else propagates. */
function refused(error: unknown): { errors?: FieldErrors; message: string; status: 409 | 422 } {
  if (error instanceof AppError && error.code === 'validation' && error.fields)
    return { errors: error.fields, message: error.publicMessage ?? t('validation.summary'), status: 422 };
  if (error instanceof AppError && error.code === 'conflict')
    return { message: error.publicMessage ?? t('error.conflict.body'), status: 409 };
  throw error;
}

labBoardRoutes.get('/settings/lab-stages', requirePermission('labStages.manage'), (c) => renderStages(c));

labBoardRoutes.post(
  '/settings/lab-stages',
  requirePermission('labStages.manage'),
  validForm(labStageForm, (c, errors, submitted) =>
    renderStages(c as Context<SignedInEnv>, { add: { values: submittedStage(submitted), errors } }, 422),
  ),
  async (c) => {
    try {
      await createLabStage(shopContext(c), c.req.valid('form'));
      return c.redirect('/settings/lab-stages?notice=created', 303);
    } catch (error) {
      const { errors, message, status } = refused(error);
      const values = submittedStage(await c.req.parseBody());
      return renderStages(c, { add: { values, errors }, error: errors ? null : message }, status);
    }
  },
);

labBoardRoutes.post(
  '/settings/lab-stages/:id',
  requirePermission('labStages.manage'),
  validForm(labStageForm, (c, errors, submitted) =>
    renderStages(
      c as Context<SignedInEnv>,
      { editing: { id: idParam(c), values: submittedStage(submitted), errors } },
      422,
    ),
  ),
  async (c) => {
    const id = idParam(c);
    try {
      await updateLabStage(shopContext(c), id, c.req.valid('form'));
      return c.redirect('/settings/lab-stages?notice=saved', 303);
    } catch (error) {
      const { errors, message, status } = refused(error);
      const values = submittedStage(await c.req.parseBody());
      return renderStages(c, { editing: { id, values, errors }, error: errors ? null : message }, status);
    }
  },
);

labBoardRoutes.post(
  '/settings/lab-stages/:id/move',
  requirePermission('labStages.manage'),
  validForm(labStageMoveForm, (c) => renderStages(c as Context<SignedInEnv>, {}, 422)),
  async (c) => {
    await reorderLabStage(shopContext(c), idParam(c), c.req.valid('form').direction);
    return c.redirect('/settings/lab-stages?notice=moved', 303);
  },
);

for (const [action, run] of [
  ['initial', markInitialStage],
  ['archive', archiveLabStage],
] as const) {
  labBoardRoutes.post(`/settings/lab-stages/:id/${action}`, requirePermission('labStages.manage'), async (c) => {
    try {
      await run(shopContext(c), idParam(c));
      return c.redirect(`/settings/lab-stages?notice=${action === 'initial' ? 'initial' : 'archived'}`, 303);
    } catch (error) {
      const { message, status } = refused(error);
      return renderStages(c, { error: message }, status);
    }
  });
}
