import type { Context } from 'hono';
import { z } from 'zod';
import { requirePermission } from '../http/session';
import { can } from '../auth/permissions';
import { shopToday } from '../domain/dates';
import type { SignedInEnv } from '../http/env';
import { AppError } from '../errors';
import { factory } from '../http/factory';
import { validForm } from '../http/forms';
import { t } from '../i18n/es-DO';
import { changedFields, recordActivity } from '../queries/audit';
import {
  createSequence,
  deleteSequence,
  getSequence,
  listSequences,
  sequenceDetails,
  updateSequence,
  withWarnings,
  type Sequence,
} from '../queries/sequences';
import { checkSequence, sequenceForm } from '../schemas/sequences';
import type { FieldErrors } from '../errors';
import {
  NewSequencePage,
  SequencePage,
  SequencesPage,
  submittedSequence,
  type SequenceFormValues,
} from '../views/sequences';

/** Shop screens: sequences. */
export const sequencesRoutes = factory.createApp();

const uuid = z.uuid();

async function sequenceOr404(c: Context<SignedInEnv>, id: string | undefined): Promise<Sequence> {
  const sequence = uuid.safeParse(id).success ? await getSequence(c.var.db, id!) : null;
  if (!sequence) throw new AppError('not_found');
  return sequence;
}

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
    <SequencePage
      sequence={shown}
      canManage={can(user.role, 'sequences.manage')}
      branches={user.branches}
      {...state}
    />,
    { title: t('sequences.editTitle', { name: sequence.prefix }), current: '/sequences' },
  );
}

/** Runs a write; rule violations come back as field errors for the form. */
async function attempt<T>(
  write: () => Promise<T>,
): Promise<{ ok: T } | { errors: FieldErrors; message: string | null; status: 409 | 422 }> {
  try {
    return { ok: await write() };
  } catch (error) {
    if (error instanceof AppError && error.code === 'validation')
      return { errors: error.fields ?? {}, message: null, status: 422 };
    if (error instanceof AppError && error.code === 'conflict')
      return { errors: {}, message: error.publicMessage, status: 409 };
    throw error;
  }
}

sequencesRoutes.get('/sequences', requirePermission('sequences.view'), async (c) => {
  const user = c.var.session;
  const today = shopToday();
  const sequences = (await listSequences(c.var.db)).map((sequence) => withWarnings(sequence, today));
  return c.render(<SequencesPage sequences={sequences} canManage={can(user.role, 'sequences.manage')} />, {
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
    const checked = checkSequence(c.req.valid('form'));
    const values = submittedSequence(await c.req.parseBody());
    if ('errors' in checked) return renderNew(c, values, checked.errors, 422);
    const result = await attempt(() => createSequence(c.var.db, checked.values));
    if ('ok' in result) {
      await recordActivity(c.var.db, c.var.session, 'sequence.created', sequenceDetails(result.ok));
      return c.redirect(`/sequences/${result.ok.id}?notice=created`, 303);
    }
    const user = c.var.session;
    c.status(result.status);
    return c.render(
      <NewSequencePage values={values} errors={result.errors} message={result.message} branches={user.branches} />,
      { title: t('sequences.newTitle'), current: '/sequences' },
    );
  },
);

sequencesRoutes.get('/sequences/:id', requirePermission('sequences.view'), async (c) => {
  const sequence = await sequenceOr404(c, c.req.param('id'));
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
    renderDetail(c, await sequenceOr404(c, c.req.param('id')), { values: submittedSequence(submitted), errors }, 422),
  ),
  async (c) => {
    const sequence = await sequenceOr404(c, c.req.param('id'));
    const values = submittedSequence(await c.req.parseBody());
    const form = c.req.valid('form');
    const checked = checkSequence(
      { ...form, authorizedOn: form.authorizedOn ?? sequence.authorizedOn },
      shopToday(),
      sequence.createdAt.slice(0, 10),
    );
    if ('errors' in checked) return renderDetail(c, sequence, { values, errors: checked.errors }, 422);
    const result = await attempt(() => updateSequence(c.var.db, sequence, checked.values));
    if ('ok' in result) {
      await recordActivity(c.var.db, c.var.session, 'sequence.updated', {
        ...sequenceDetails({ ...sequence, ...checked.values }),
        fields: changedFields(sequence, checked.values),
      });
      return c.redirect(`/sequences/${sequence.id}?notice=saved`, 303);
    }
    return renderDetail(c, sequence, { values, errors: result.errors, message: result.message }, result.status);
  },
);

sequencesRoutes.post('/sequences/:id/delete', requirePermission('sequences.manage'), async (c) => {
  const id = c.req.param('id');
  if (!uuid.safeParse(id).success) throw new AppError('not_found');
  const sequence = await getSequence(c.var.db, id);
  const outcome = await deleteSequence(c.var.db, id);
  if (outcome === 'not_found') throw new AppError('not_found');
  if (outcome === 'used') return c.redirect(`/sequences/${id}?notice=used`, 303);
  if (sequence) await recordActivity(c.var.db, c.var.session, 'sequence.deleted', sequenceDetails(sequence));
  return c.redirect('/sequences', 303);
});
