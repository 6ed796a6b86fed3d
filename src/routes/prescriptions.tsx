import type { Context } from 'hono';
import { shopToday } from '../domain/dates';
import { comparePrescriptions, type RxField } from '../domain/prescription';
import { AppError, type FieldErrors } from '../errors';
import { prescriptionCursor } from '../http/cursors';
import type { SignedInEnv } from '../http/env';
import { factory } from '../http/factory';
import { validForm } from '../http/forms';
import { wantsFragment } from '../http/fragments';
import { branchQuery, idParam, isUuid } from '../http/ids';
import { requirePermission } from '../http/session';
import { shopContext } from '../http/shop';
import { t } from '../i18n/es-DO';
import { prescriptionFields } from '../schemas/prescriptions';
import {
  createPrescription,
  getPrescription,
  listPrescriptions,
  patientHistory,
  prescriptionEditForm,
  prescriptionForm,
  searchPatients,
  updatePrescription,
} from '../services/shop/prescriptions';
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

function href(path: string, params: Record<string, string | undefined>): string {
  const query = new URLSearchParams(
    Object.entries(params).filter((entry): entry is [string, string] => Boolean(entry[1])),
  ).toString();
  return query ? `${path}?${query}` : path;
}

const prescriptionOr404 = (c: Context<SignedInEnv>) => getPrescription(shopContext(c), idParam(c));

function submittedValues(body: Record<string, unknown>): PrescriptionFormValues {
  return Object.fromEntries(
    Object.entries(body).filter((entry): entry is [string, string] => typeof entry[1] === 'string'),
  );
}

/** The form's field errors of a refused write; anything else propagates. */
function formErrors(error: unknown): FieldErrors {
  if (error instanceof AppError && error.code === 'validation' && error.fields) return error.fields;
  throw error;
}

/** The form again with its errors (422); the patient must exist to show it at all. */
async function renderForm(
  c: Context<SignedInEnv>,
  options: {
    values: PrescriptionFormValues;
    errors?: FieldErrors;
    editingId?: string;
    data?: Awaited<ReturnType<typeof prescriptionForm>>;
  },
  status: 200 | 422 = 200,
) {
  const user = c.var.session;
  const data = options.data ?? (await prescriptionForm(shopContext(c), options.values.patientId ?? null));
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
  // Only `week` filters; anything else lists every prescription (a page to browse, not an API).
  const due = c.req.query('due') === 'week' ? 'week' : undefined;
  const after = prescriptionCursor.decode(c.req.query('cursor'));
  const branch = branchQuery(c);
  const page = await listPrescriptions(shopContext(c), { q, due, branch, after });
  const props = {
    q,
    due: due ?? '',
    branch: branch ?? '',
    rows: page.rows,
    nextHref: page.next
      ? href('/prescriptions', { q, due, branch, cursor: prescriptionCursor.encode(page.next) })
      : null,
    firstHref: after ? href('/prescriptions', { q, due, branch }) : null,
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
  const rows = await searchPatients(shopContext(c), q);
  return c.html(<PatientResults q={q} rows={rows} />);
});

prescriptionsRoutes.get('/prescriptions/new', requirePermission('prescriptions.manage'), async (c) => {
  const user = c.var.session;
  const patientId = c.req.query('patientId');
  if (!patientId) {
    const q = (c.req.query('q') ?? '').trim().slice(0, 100);
    const rows = await searchPatients(shopContext(c), q);
    return c.render(<PatientPickerPage q={q} rows={rows} />, {
      title: t('prescriptions.new'),
      current: '/prescriptions',
    });
  }
  if (!isUuid(patientId)) throw new AppError('not_found');
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
    if (!values.patientId || !isUuid(values.patientId))
      throw new AppError('validation', t('prescriptions.error.patient'), errors as Record<string, string>);
    return renderForm(c, { values, errors }, 422);
  }),
  async (c) => {
    const values = submittedValues(await c.req.parseBody());
    try {
      const prescription = await createPrescription(shopContext(c), c.req.valid('form'));
      return c.redirect(`/prescriptions/${prescription.id}?notice=created`, 303);
    } catch (error) {
      const errors = formErrors(error);
      if (errors.patientId) throw new AppError('not_found');
      return renderForm(c, { values, errors }, 422);
    }
  },
);

prescriptionsRoutes.get('/prescriptions/:id', requirePermission('prescriptions.view'), async (c) => {
  const prescription = await prescriptionOr404(c);
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
  const { prescription, ...data } = await prescriptionEditForm(shopContext(c), idParam(c));
  return renderForm(c, { values: prescriptionFormValues(prescription), editingId: prescription.id, data });
});

prescriptionsRoutes.post(
  '/prescriptions/:id/edit',
  requirePermission('prescriptions.manage'),
  validForm(prescriptionFields, async (c, errors) => {
    const prescription = await prescriptionOr404(c as Context<SignedInEnv>);
    const values = { ...submittedValues(await c.req.parseBody()), patientId: prescription.patientId };
    return renderForm(c, { values, errors, editingId: prescription.id }, 422);
  }),
  async (c) => {
    const prescription = await prescriptionOr404(c);
    const values = { ...submittedValues(await c.req.parseBody()), patientId: prescription.patientId };
    try {
      await updatePrescription(shopContext(c), prescription.id, c.req.valid('form'));
      return c.redirect(`/prescriptions/${prescription.id}?notice=saved`, 303);
    } catch (error) {
      return renderForm(c, { values, errors: formErrors(error), editingId: prescription.id }, 422);
    }
  },
);

prescriptionsRoutes.get('/prescriptions/:id/print', requirePermission('prescriptions.view'), async (c) => {
  const prescription = await prescriptionOr404(c);
  return c.html(<PrescriptionPrintPage prescription={prescription} company={prescription.company} />);
});

prescriptionsRoutes.get('/prescriptions/:id/certificate', requirePermission('prescriptions.view'), async (c) => {
  const prescription = await prescriptionOr404(c);
  return c.html(<CertificatePage prescription={prescription} company={prescription.company} />);
});

prescriptionsRoutes.get('/contacts/:id/prescriptions', requirePermission('prescriptions.view'), async (c) => {
  const history = await patientHistory(shopContext(c), idParam(c));
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
