import { wantsFragment } from '../http/fragments';
import { branchScope } from '../queries/branch-scope';
import type { Context } from 'hono';
import { requirePermission } from '../http/session';
import type { SessionUser } from '../auth/session';
import { shopToday } from '../domain/dates';
import { comparePrescriptions, type RxField } from '../domain/prescription';
import type { SignedInEnv } from '../http/env';
import { AppError } from '../errors';
import { factory } from '../http/factory';
import { validForm } from '../http/forms';
import { t } from '../i18n/es-DO';
import { listContacts } from '../queries/contacts';
import {
  createPrescription,
  getPrescription,
  listPrescriptions,
  patientHistory,
  prescriptionFormData,
  updatePrescription,
  type PrescriptionWrite,
} from '../queries/prescriptions';
import { prescriptionCursor } from '../http/cursors';
import { prescriptionFields, type PrescriptionInput } from '../schemas/prescriptions';
import type { FieldErrors } from '../errors';
import {
  PatientHistoryPage,
  PatientPickerPage,
  PatientResults,
  PrescriptionFormPage,
  prescriptionFormTitle,
  prescriptionTitle,
  patientHistoryTitle,
  PrescriptionPage,
  PrescriptionResults,
  PrescriptionsPage,
  prescriptionFormValues,
  type PrescriptionFormValues,
} from '../views/prescriptions';
import { CertificatePage, PrescriptionPrintPage } from '../views/prescriptions-print';

/** Shop screens: prescriptions. */
export const prescriptionsRoutes = factory.createApp();

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A fragment for htmx's own requests; boosted navigation and history restores want the whole page. */

function href(path: string, params: Record<string, string | undefined>): string {
  const query = new URLSearchParams(
    Object.entries(params).filter((entry): entry is [string, string] => Boolean(entry[1])),
  ).toString();
  return query ? `${path}?${query}` : path;
}

async function prescriptionOr404(c: Context<SignedInEnv>, id: string | undefined) {
  const prescription =
    id && uuidPattern.test(id) ? await getPrescription(c.var.db, id, branchScope(c.var.session)) : null;
  if (!prescription) throw new AppError('not_found');
  return prescription;
}

function submittedValues(body: Record<string, unknown>): PrescriptionFormValues {
  return Object.fromEntries(
    Object.entries(body).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
  );
}

/** The branch a write goes to: the chosen one if the user may work there, else a field error. */
function writeBranch(user: SessionUser, input: PrescriptionInput): { branchId: string } | { error: string } {
  const branchId = input.branchId ?? user.branch?.id ?? null;
  if (!branchId || !user.branches.some((branch) => branch.id === branchId))
    return { error: t('prescriptions.error.branch') };
  return { branchId };
}

function writeErrors(result: PrescriptionWrite): FieldErrors {
  if (result.ok) return {};
  return {
    ...(result.fields.patientId ? { patientId: t('prescriptions.error.patientNotFound') } : {}),
    ...(result.fields.branchId ? { branchId: t('prescriptions.error.branch') } : {}),
    ...(result.fields.optometristId ? { optometristId: t('prescriptions.error.optometristNotFound') } : {}),
  };
}

/** The form again with its errors (422); the patient must exist to show it at all. */
async function renderForm(
  c: Context<SignedInEnv>,
  options: { values: PrescriptionFormValues; errors?: FieldErrors; editingId?: string },
  status: 200 | 422 = 200,
) {
  const user = c.var.session;
  const data = await prescriptionFormData(c.var.db, options.values.patientId ?? null);
  if (!data.patient) throw new AppError('not_found');
  c.status(status);
  return c.render(
    <PrescriptionFormPage
      user={user}
      action={options.editingId ? `/prescriptions/${options.editingId}/edit` : '/prescriptions'}
      patient={data.patient}
      optometrists={data.optometrists}
      values={options.values}
      errors={options.errors}
      editing={Boolean(options.editingId)}
      cancelHref={options.editingId ? `/prescriptions/${options.editingId}` : '/prescriptions'}
    />,
    { title: prescriptionFormTitle(Boolean(options.editingId)), current: '/prescriptions' },
  );
}

prescriptionsRoutes.get('/prescriptions', requirePermission('prescriptions.view'), async (c) => {
  const q = (c.req.query('q') ?? '').trim().slice(0, 100);
  const after = prescriptionCursor.decode(c.req.query('cursor'));
  const page = await listPrescriptions(c.var.db, { scope: branchScope(c.var.session), q, after });
  const props = {
    q,
    rows: page.rows,
    nextHref: page.next ? href('/prescriptions', { q, cursor: prescriptionCursor.encode(page.next) }) : null,
    firstHref: after ? href('/prescriptions', { q }) : null,
  };
  if (wantsFragment(c.req.raw)) return c.html(<PrescriptionResults {...props} />);
  return c.render(<PrescriptionsPage user={c.var.session} {...props} />, {
    title: t('prescriptions.title'),
    current: '/prescriptions',
  });
});

/** Patient search for a new prescription (htmx fragment). */
prescriptionsRoutes.get('/prescriptions/patients', requirePermission('prescriptions.manage'), async (c) => {
  const q = (c.req.query('q') ?? '').trim().slice(0, 100);
  const rows = q ? (await listContacts(c.var.db, { q, limit: 20 })).rows : [];
  return c.html(<PatientResults q={q} rows={rows} />);
});

prescriptionsRoutes.get('/prescriptions/new', requirePermission('prescriptions.manage'), async (c) => {
  const user = c.var.session;
  const patientId = c.req.query('patientId');
  if (!patientId) {
    const q = (c.req.query('q') ?? '').trim().slice(0, 100);
    const rows = q ? (await listContacts(c.var.db, { q, limit: 20 })).rows : [];
    return c.render(<PatientPickerPage q={q} rows={rows} />, {
      title: t('prescriptions.new'),
      current: '/prescriptions',
    });
  }
  if (!uuidPattern.test(patientId)) throw new AppError('not_found');
  return renderForm(c, {
    values: {
      patientId,
      branchId: user.branch?.id ?? '',
      examinedOn: shopToday(),
      optometristId: user.role === 'optometrista' ? user.id : '',
    },
  });
});

prescriptionsRoutes.post(
  '/prescriptions',
  requirePermission('prescriptions.manage'),
  validForm(prescriptionFields, async (c, errors) => {
    const values = submittedValues(await c.req.parseBody());
    if (!values.patientId || !uuidPattern.test(values.patientId))
      throw new AppError('validation', t('prescriptions.error.patient'), errors as Record<string, string>);
    return renderForm(c, { values, errors }, 422);
  }),
  async (c) => {
    const user = c.var.session;
    const input = c.req.valid('form');
    const values = submittedValues(await c.req.parseBody());
    const branch = writeBranch(user, input);
    if ('error' in branch) return renderForm(c, { values, errors: { branchId: branch.error } }, 422);
    const result = await createPrescription(c.var.db, { ...input, branchId: branch.branchId }, user.id);
    if (result.ok) return c.redirect(`/prescriptions/${result.id}?notice=created`, 303);
    if (result.fields.patientId) throw new AppError('not_found');
    return renderForm(c, { values, errors: writeErrors(result) }, 422);
  },
);

prescriptionsRoutes.get('/prescriptions/:id', requirePermission('prescriptions.view'), async (c) => {
  const prescription = await prescriptionOr404(c, c.req.param('id'));
  const notice = c.req.query('notice');
  return c.render(
    <PrescriptionPage
      user={c.var.session}
      prescription={prescription}
      notice={notice === 'created' || notice === 'saved' ? notice : null}
    />,
    {
      title: prescriptionTitle(prescription),
      current: '/prescriptions',
    },
  );
});

prescriptionsRoutes.get('/prescriptions/:id/edit', requirePermission('prescriptions.manage'), async (c) => {
  const prescription = await prescriptionOr404(c, c.req.param('id'));
  return renderForm(c, { values: prescriptionFormValues(prescription), editingId: prescription.id });
});

prescriptionsRoutes.post(
  '/prescriptions/:id/edit',
  requirePermission('prescriptions.manage'),
  validForm(prescriptionFields, async (c, errors) => {
    const prescription = await prescriptionOr404(c, c.req.param('id'));
    const values = { ...submittedValues(await c.req.parseBody()), patientId: prescription.patientId };
    return renderForm(c, { values, errors, editingId: prescription.id }, 422);
  }),
  async (c) => {
    const user = c.var.session;
    const prescription = await prescriptionOr404(c, c.req.param('id'));
    const input = { ...c.req.valid('form'), patientId: prescription.patientId };
    const values = { ...submittedValues(await c.req.parseBody()), patientId: prescription.patientId };
    const branch = writeBranch(user, input);
    if ('error' in branch)
      return renderForm(c, { values, errors: { branchId: branch.error }, editingId: prescription.id }, 422);
    const result = await updatePrescription(
      c.var.db,
      prescription.id,
      { ...input, branchId: branch.branchId },
      branchScope(user),
    );
    if (result.ok) return c.redirect(`/prescriptions/${prescription.id}?notice=saved`, 303);
    if (result.notFound) throw new AppError('not_found');
    return renderForm(c, { values, errors: writeErrors(result), editingId: prescription.id }, 422);
  },
);

prescriptionsRoutes.get('/prescriptions/:id/print', requirePermission('prescriptions.view'), async (c) => {
  const prescription = await prescriptionOr404(c, c.req.param('id'));
  return c.html(<PrescriptionPrintPage prescription={prescription} company={prescription.company} />);
});

prescriptionsRoutes.get('/prescriptions/:id/certificate', requirePermission('prescriptions.view'), async (c) => {
  const prescription = await prescriptionOr404(c, c.req.param('id'));
  return c.html(<CertificatePage prescription={prescription} company={prescription.company} />);
});

prescriptionsRoutes.get('/contacts/:id/prescriptions', requirePermission('prescriptions.view'), async (c) => {
  const id = c.req.param('id');
  const history = uuidPattern.test(id) ? await patientHistory(c.var.db, id, branchScope(c.var.session)) : null;
  if (!history) throw new AppError('not_found');
  const [newest, previous] = history.prescriptions;
  const changed = new Set<RxField>(
    newest && previous ? comparePrescriptions(previous, newest).map((change) => change.field) : [],
  );
  return c.render(
    <PatientHistoryPage
      user={c.var.session}
      patient={history.patient}
      prescriptions={history.prescriptions}
      changed={changed}
    />,
    {
      title: patientHistoryTitle(history.patient),
      current: '/prescriptions',
    },
  );
});
