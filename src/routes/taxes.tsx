import type { Context } from 'hono';
import { requirePermission } from '../http/session';
import { can } from '../auth/permissions';
import type { SignedInEnv } from '../http/env';
import { AppError } from '../errors';
import { recordActivity } from '../queries/audit';
import { factory } from '../http/factory';
import { validForm } from '../http/forms';
import { t, type MessageKey } from '../i18n/es-DO';
import { getTax, listTaxesWithUsage, updateTax, type TaxWithUsage, type TaxWriteResult } from '../queries/taxes';
import { createTax } from '../queries/taxes';
import { taxEditForm, taxForm, type TaxChanges } from '../schemas/taxes';
import type { FieldErrors } from '../errors';
import { TaxEditPage, TaxesPage, submittedTax, type TaxFormValues } from '../views/taxes';

/** Shop screens: taxes (ITBIS rates). */
export const taxesRoutes = factory.createApp();

/** A tax id from a path: a positive 32-bit integer, or the tax does not exist. */
export function taxId(value: string | undefined): number {
  if (!value || !/^\d{1,10}$/.test(value)) throw new AppError('not_found');
  const id = Number(value);
  if (id < 1 || id > 2147483647) throw new AppError('not_found');
  return id;
}

/** Field errors of a refused write (null when it was not refused for a field). */
export function writeErrors(result: TaxWriteResult): FieldErrors | null {
  if (result.ok || result.reason === 'not_found') return null;
  if (result.reason === 'duplicate') return { code: t('taxes.validation.duplicate') };
  if (result.reason === 'exemptRate') return { rate: t('taxes.validation.exemptRate') };
  return { rate: t('taxes.validation.locked'), _form: t('taxes.validation.locked') };
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
  const taxes = await listTaxesWithUsage(c.var.db);
  const canManage = can(user.role, 'products.manage');
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

async function taxOr404(c: Context<SignedInEnv>): Promise<TaxWithUsage> {
  const tax = await getTax(c.var.db, taxId(c.req.param('id')));
  if (!tax) throw new AppError('not_found');
  return tax;
}

taxesRoutes.get('/taxes', requirePermission('products.view'), (c) => renderTaxes(c));

taxesRoutes.post(
  '/taxes',
  requirePermission('products.manage'),
  validForm(taxForm, (c, errors, submitted) => renderTaxes(c, { values: submittedTax(submitted), errors }, 422)),
  async (c) => {
    const input = c.req.valid('form');
    const created = await createTax(c.var.db, input);
    if (created.ok) {
      const { tax } = created;
      await recordActivity(c.var.db, c.var.session, 'tax.created', {
        taxId: tax.id,
        code: tax.code,
        name: tax.name,
        rate: tax.rate,
      });
      return c.redirect('/taxes?notice=created', 303);
    }
    return renderTaxes(c, { values: submittedTax(await c.req.parseBody()), errors: writeErrors(created) ?? {} }, 422);
  },
);

taxesRoutes.get('/taxes/:id', requirePermission('products.manage'), async (c) => renderEdit(c, await taxOr404(c)));

taxesRoutes.post(
  '/taxes/:id',
  requirePermission('products.manage'),
  validForm(taxEditForm, async (c, errors, submitted) =>
    renderEdit(c, await taxOr404(c), { values: submittedTax(submitted), errors }, 422),
  ),
  async (c) => {
    const id = taxId(c.req.param('id'));
    const input = c.req.valid('form');
    const changes: TaxChanges = input.locked
      ? { name: input.name, active: input.active }
      : { code: input.code, name: input.name, rate: input.rate, exempt: input.exempt, active: input.active };
    const saved = await updateTax(c.var.db, id, changes);
    if (saved.ok) {
      const { tax } = saved;
      await recordActivity(c.var.db, c.var.session, 'tax.updated', {
        taxId: tax.id,
        code: tax.code,
        name: tax.name,
        rate: tax.rate,
        fields: Object.keys(changes),
      });
      return c.redirect(`/taxes/${id}?notice=saved`, 303);
    }
    const errors = writeErrors(saved);
    if (!errors) throw new AppError('not_found');
    return renderEdit(c, await taxOr404(c), { values: submittedTax(await c.req.parseBody()), errors }, 422);
  },
);

for (const [action, active] of [
  ['deactivate', false],
  ['activate', true],
] as const) {
  taxesRoutes.post(`/taxes/:id/${action}`, requirePermission('products.manage'), async (c) => {
    const saved = await updateTax(c.var.db, taxId(c.req.param('id')), { active });
    if (!saved.ok) throw new AppError('not_found');
    await recordActivity(c.var.db, c.var.session, active ? 'tax.activated' : 'tax.deactivated', {
      taxId: saved.tax.id,
      code: saved.tax.code,
      name: saved.tax.name,
    });
    return c.redirect(`/taxes?notice=${active ? 'activated' : 'deactivated'}`, 303);
  });
}
