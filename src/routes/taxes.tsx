import type { Context } from 'hono';
import { can } from '../auth/permissions';
import { AppError, type FieldErrors } from '../errors';
import type { SignedInEnv } from '../http/env';
import { factory } from '../http/factory';
import { validForm } from '../http/forms';
import { serialParam } from '../http/ids';
import { requirePermission } from '../http/session';
import { shopContext } from '../http/shop';
import { t, type MessageKey } from '../i18n/es-DO';
import { taxEditForm, taxForm, type TaxChanges } from '../schemas/taxes';
import { createTax, getTax, listTaxes, setTaxActive, updateTax, type TaxWithUsage } from '../services/shop/taxes';
import { TaxEditPage, TaxesPage, submittedTax, type TaxFormValues } from '../views/taxes';

/** Shop screens: taxes (ITBIS rates). */
export const taxesRoutes = factory.createApp();

/** The form's field errors of a refused write; anything else (a 404) propagates. */
function formErrors(error: unknown): FieldErrors {
  if (error instanceof AppError && error.code === 'validation' && error.fields) return error.fields;
  throw error;
}

const notices: Record<string, MessageKey> = {
  created: 'taxes.notice.created',
  saved: 'taxes.notice.saved',
  deactivated: 'taxes.notice.deactivated',
  activated: 'taxes.notice.activated',
};

async function renderTaxes(
  c: Context<SignedInEnv>,
  form: { values?: TaxFormValues; errors?: FieldErrors } = {},
  status: 200 | 422 = 200,
) {
  const user = c.var.session;
  const taxes = await listTaxes(shopContext(c));
  const canManage = can(user, 'products.manage');
  const noticeKey = notices[c.req.query('notice') ?? ''];
  c.status(status);
  return c.render(
    <TaxesPage
      taxes={taxes}
      canManage={canManage}
      notice={status === 200 && noticeKey ? t(noticeKey) : null}
      form={canManage ? { values: form.values ?? { exempt: false }, errors: form.errors } : null}
    />,
    { title: t('taxes.title'), current: '/taxes' },
  );
}

function renderEdit(
  c: Context<SignedInEnv>,
  tax: TaxWithUsage,
  form: { values?: TaxFormValues; errors?: FieldErrors } = {},
  status: 200 | 422 = 200,
) {
  const noticeKey = notices[c.req.query('notice') ?? ''];
  c.status(status);
  return c.render(
    <TaxEditPage
      tax={tax}
      values={form.values}
      errors={form.errors}
      notice={status === 200 && noticeKey ? t(noticeKey) : null}
    />,
    { title: t('taxes.edit.title', { code: tax.code }), current: '/taxes' },
  );
}

const taxOr404 = (c: Context<SignedInEnv>) => getTax(shopContext(c), serialParam(c));

taxesRoutes.get('/taxes', requirePermission('products.view'), (c) => renderTaxes(c));

taxesRoutes.post(
  '/taxes',
  requirePermission('products.manage'),
  validForm(taxForm, (c, errors, submitted) => renderTaxes(c, { values: submittedTax(submitted), errors }, 422)),
  async (c) => {
    try {
      await createTax(shopContext(c), c.req.valid('form'));
      return c.redirect('/taxes?notice=created', 303);
    } catch (error) {
      return renderTaxes(c, { values: submittedTax(await c.req.parseBody()), errors: formErrors(error) }, 422);
    }
  },
);

taxesRoutes.get('/taxes/:id', requirePermission('products.manage'), async (c) => renderEdit(c, await taxOr404(c)));

taxesRoutes.post(
  '/taxes/:id',
  requirePermission('products.manage'),
  validForm(taxEditForm, async (c, errors, submitted) =>
    renderEdit(c, await taxOr404(c as Context<SignedInEnv>), { values: submittedTax(submitted), errors }, 422),
  ),
  async (c) => {
    const id = serialParam(c);
    const input = c.req.valid('form');
    const changes: TaxChanges = input.locked
      ? { name: input.name, active: input.active }
      : { code: input.code, name: input.name, rate: input.rate, exempt: input.exempt, active: input.active };
    try {
      await updateTax(shopContext(c), id, changes);
      return c.redirect(`/taxes/${id}?notice=saved`, 303);
    } catch (error) {
      const errors = formErrors(error);
      return renderEdit(c, await taxOr404(c), { values: submittedTax(await c.req.parseBody()), errors }, 422);
    }
  },
);

for (const [action, active] of [
  ['deactivate', false],
  ['activate', true],
] as const) {
  taxesRoutes.post(`/taxes/:id/${action}`, requirePermission('products.manage'), async (c) => {
    await setTaxActive(shopContext(c), serialParam(c), active);
    return c.redirect(`/taxes?notice=${active ? 'activated' : 'deactivated'}`, 303);
  });
}
