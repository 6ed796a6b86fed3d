import type { Context } from 'hono';
import { can } from '../auth/permissions';
import { AppError, type FieldErrors } from '../errors';
import type { SignedInEnv } from '../http/env';
import { factory } from '../http/factory';
import { validForm } from '../http/forms';
import { idParam } from '../http/ids';
import { requirePermission } from '../http/session';
import { shopContext } from '../http/shop';
import { t } from '../i18n/es-DO';
import { branchForm } from '../schemas/branches';
import { createBranch, getBranch, listBranches, updateBranch, type Branch } from '../services/shop/branches';
import { BranchForm, BranchList, type BranchFormValues } from '../views/branches';

/** Shop screens: branches. */
export const branchesRoutes = factory.createApp();

function renderForm(
  c: Context<SignedInEnv>,
  props: { id?: string; values: BranchFormValues; errors?: FieldErrors; message?: string | null; saved?: boolean },
  status: 200 | 409 | 422 = 200,
) {
  c.status(status);
  return c.render(<BranchForm {...props} />, {
    title: props.id ? t('branches.edit') : t('branches.new'),
    current: '/branches',
  });
}

function formValues(branch: Branch): BranchFormValues {
  return { name: branch.name, code: branch.code, address: branch.address, phone: branch.phone, active: branch.active };
}

/** A taken code: the form's field error (422); anything else propagates. */
function codeTaken(error: unknown): FieldErrors {
  if (error instanceof AppError && error.code === 'conflict' && error.fields?.code) return { code: error.fields.code };
  throw error;
}

branchesRoutes.get('/branches', requirePermission('branches.view'), async (c) => {
  const user = c.var.session;
  const created = c.req.query('created');
  return c.render(
    <BranchList
      branches={await listBranches(shopContext(c))}
      canManage={can(user, 'branches.manage')}
      notice={created ? t('branches.created', { name: created }) : null}
    />,
    { title: t('branches.title'), current: '/branches' },
  );
});

branchesRoutes.get('/branches/new', requirePermission('branches.manage'), (c) => renderForm(c, { values: {} }));

branchesRoutes.post(
  '/branches',
  requirePermission('branches.manage'),
  validForm(branchForm, (c, errors, submitted) =>
    renderForm(c, { values: submitted as BranchFormValues, errors }, 422),
  ),
  async (c) => {
    const form = c.req.valid('form');
    try {
      const branch = await createBranch(shopContext(c), {
        name: form.name,
        code: form.code,
        address: form.address ?? null,
        phone: form.phone ?? null,
      });
      return c.redirect(`/branches?created=${encodeURIComponent(branch.name)}`, 303);
    } catch (error) {
      return renderForm(c, { values: form, errors: codeTaken(error) }, 422);
    }
  },
);

branchesRoutes.get('/branches/:id', requirePermission('branches.manage'), async (c) => {
  const id = idParam(c);
  const branch = await getBranch(shopContext(c), id);
  return renderForm(c, { id, values: formValues(branch), saved: c.req.query('saved') === '1' });
});

branchesRoutes.post(
  '/branches/:id',
  requirePermission('branches.manage'),
  validForm(branchForm, (c, errors, submitted) =>
    renderForm(c, { id: idParam(c), values: submitted as BranchFormValues, errors }, 422),
  ),
  async (c) => {
    const id = idParam(c);
    const form = c.req.valid('form');
    const values = {
      name: form.name,
      code: form.code,
      address: form.address ?? null,
      phone: form.phone ?? null,
      active: form.active ?? false,
    };
    try {
      await updateBranch(shopContext(c), id, values);
      return c.redirect(`/branches/${id}?saved=1`, 303);
    } catch (error) {
      if (error instanceof AppError && error.code === 'conflict' && error.fields?.active)
        return renderForm(c, { id, values, message: t('branches.lastActive') }, 409);
      return renderForm(c, { id, values, errors: codeTaken(error) }, 422);
    }
  },
);
