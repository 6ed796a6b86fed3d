import type { Context } from 'hono';
import { can } from '../auth/permissions';
import { shopToday } from '../domain/dates';
import { AppError, type FieldErrors } from '../errors';
import type { SignedInEnv } from '../http/env';
import { factory } from '../http/factory';
import { validForm } from '../http/forms';
import { idParam } from '../http/ids';
import { requirePermission } from '../http/session';
import { shopContext } from '../http/shop';
import { t } from '../i18n/es-DO';
import { sequenceForm } from '../schemas/sequences';
import {
  createSequence,
  deleteSequence,
  getSequence,
  listSequences,
  updateSequence,
  withWarnings,
  type Sequence,
} from '../services/shop/sequences';
import {
  NewSequencePage,
  SequencePage,
  SequencesPage,
  submittedSequence,
  type SequenceFormValues,
} from '../views/sequences';

/** Shop screens: sequences. */
export const sequencesRoutes = factory.createApp();

const sequenceOr404 = (c: Context<SignedInEnv>) => getSequence(shopContext(c), idParam(c));

function renderNew(c: Context<SignedInEnv>, values: SequenceFormValues, errors?: FieldErrors, status: 200 | 422 = 200) {
  const user = c.var.session;
  c.status(status);
  return c.render(<NewSequencePage values={values} errors={errors} branches={user.branches} />, {
    title: t('sequences.newTitle'),
    current: '/sequences',
  });
}

function renderDetail(
  c: Context<SignedInEnv>,
  sequence: Sequence,
  state: { values?: SequenceFormValues; errors?: FieldErrors; message?: string | null; notice?: string | null } = {},
  status: 200 | 409 | 422 = 200,
) {
  const user = c.var.session;
  const shown = withWarnings(sequence, shopToday());
  c.status(status);
  return c.render(
    <SequencePage sequence={shown} canManage={can(user, 'sequences.manage')} branches={user.branches} {...state} />,
    { title: t('sequences.editTitle', { name: sequence.prefix }), current: '/sequences' },
  );
}

/** A refused write: field errors (422) or a message (409) for the form; anything else propagates. */
function refusal(error: unknown): { errors: FieldErrors; message: string | null; status: 409 | 422 } {
  if (error instanceof AppError && error.code === 'validation')
    return { errors: error.fields ?? {}, message: null, status: 422 };
  if (error instanceof AppError && error.code === 'conflict')
    return { errors: {}, message: error.publicMessage, status: 409 };
  throw error;
}

sequencesRoutes.get('/sequences', requirePermission('sequences.view'), async (c) => {
  const user = c.var.session;
  const today = shopToday();
  const sequences = (await listSequences(shopContext(c))).map((sequence) => withWarnings(sequence, today));
  return c.render(<SequencesPage sequences={sequences} canManage={can(user, 'sequences.manage')} />, {
    title: t('sequences.title'),
    current: '/sequences',
  });
});

sequencesRoutes.get('/sequences/new', requirePermission('sequences.manage'), (c) => {
  const type = c.req.query('docType') ?? '';
  return renderNew(c, { docType: type, active: true, isDefault: false });
});

sequencesRoutes.post(
  '/sequences',
  requirePermission('sequences.manage'),
  validForm(sequenceForm, (c, errors, submitted) => renderNew(c, submittedSequence(submitted), errors, 422)),
  async (c) => {
    const values = submittedSequence(await c.req.parseBody());
    try {
      const sequence = await createSequence(shopContext(c), c.req.valid('form'));
      return c.redirect(`/sequences/${sequence.id}?notice=created`, 303);
    } catch (error) {
      const result = refusal(error);
      const user = c.var.session;
      c.status(result.status);
      return c.render(
        <NewSequencePage values={values} errors={result.errors} message={result.message} branches={user.branches} />,
        { title: t('sequences.newTitle'), current: '/sequences' },
      );
    }
  },
);

sequencesRoutes.get('/sequences/:id', requirePermission('sequences.view'), async (c) => {
  const sequence = await sequenceOr404(c);
  const notice = c.req.query('notice');
  const text =
    notice === 'created'
      ? t('sequences.created')
      : notice === 'saved'
        ? t('sequences.saved')
        : notice === 'used'
          ? t('sequences.validation.deleteUsed')
          : null;
  return renderDetail(c, sequence, { notice: text });
});

sequencesRoutes.post(
  '/sequences/:id',
  requirePermission('sequences.manage'),
  validForm(sequenceForm, async (c, errors, submitted) =>
    renderDetail(
      c,
      await sequenceOr404(c as Context<SignedInEnv>),
      { values: submittedSequence(submitted), errors },
      422,
    ),
  ),
  async (c) => {
    const sequence = await sequenceOr404(c);
    const values = submittedSequence(await c.req.parseBody());
    try {
      await updateSequence(shopContext(c), sequence.id, c.req.valid('form'));
      return c.redirect(`/sequences/${sequence.id}?notice=saved`, 303);
    } catch (error) {
      const result = refusal(error);
      return renderDetail(c, sequence, { values, errors: result.errors, message: result.message }, result.status);
    }
  },
);

sequencesRoutes.post('/sequences/:id/delete', requirePermission('sequences.manage'), async (c) => {
  const id = idParam(c);
  try {
    await deleteSequence(shopContext(c), id);
  } catch (error) {
    if (error instanceof AppError && error.code === 'conflict') return c.redirect(`/sequences/${id}?notice=used`, 303);
    throw error;
  }
  return c.redirect('/sequences', 303);
});
