import type { Context } from 'hono';
import { requirePermission } from '../http/session';
import { can } from '../auth/permissions';
import type { SignedInEnv } from '../http/env';
import { AppError } from '../errors';
import { changedFields, recordActivity } from '../queries/audit';
import { factory } from '../http/factory';
import { validForm } from '../http/forms';
import { t } from '../i18n/es-DO';
import {
  createBranch,
  DuplicateBranchCode,
  getBranch,
  listBranches,
  updateBranch,
  type Branch,
} from '../queries/branches';
import { branchForm } from '../schemas/branches';
import { idParam } from '../schemas/users';
import { BranchForm, BranchList, type BranchFormValues } from '../views/branches';
import type { FieldErrors } from '../errors';

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

/** A path id that is not a uuid cannot name a branch: 404 without a query. */
function branchId(c: Context<SignedInEnv>): string {
  const parsed = idParam.safeParse({ id: c.req.param('id') });
  if (!parsed.success) throw new AppError('not_found');
  return parsed.data.id;
}

branchesRoutes.get('/branches', requirePermission('branches.view'), async (c) => {
  const user = c.var.session;
  const created = c.req.query('created');
  return c.render(
    <BranchList
      branches={await listBranches(c.var.db)}
      canManage={can(user.role, 'branches.manage')}
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
      const branch = await createBranch(c.var.db, {
        name: form.name,
        code: form.code,
        address: form.address ?? null,
        phone: form.phone ?? null,
      });
      await recordActivity(c.var.db, c.var.session, 'branch.created', {
        branchId: branch.id,
        name: branch.name,
        code: branch.code,
      });
      return c.redirect(`/branches?created=${encodeURIComponent(branch.name)}`, 303);
    } catch (error) {
      if (error instanceof DuplicateBranchCode)
        return renderForm(c, { values: form, errors: { code: t('branches.codeTaken') } }, 422);
      throw error;
    }
  },
);

branchesRoutes.get('/branches/:id', requirePermission('branches.manage'), async (c) => {
  const id = branchId(c);
  const branch = await getBranch(c.var.db, id);
  if (!branch) throw new AppError('not_found');
  return renderForm(c, { id, values: formValues(branch), saved: c.req.query('saved') === '1' });
});

branchesRoutes.post(
  '/branches/:id',
  requirePermission('branches.manage'),
  validForm(branchForm, (c, errors, submitted) =>
    renderForm(c, { id: branchId(c), values: submitted as BranchFormValues, errors }, 422),
  ),
  async (c) => {
    const id = branchId(c);
    const form = c.req.valid('form');
    const values = {
      name: form.name,
      code: form.code,
      address: form.address ?? null,
      phone: form.phone ?? null,
      active: form.active ?? false,
    };
    try {
      const before = await getBranch(c.var.db, id);
      const result = await updateBranch(c.var.db, id, values);
      if (!result.branch) throw new AppError('not_found');
      if (result.lastActive) return renderForm(c, { id, values, message: t('branches.lastActive') }, 409);
      await recordActivity(c.var.db, c.var.session, 'branch.updated', {
        branchId: id,
        name: values.name,
        code: values.code,
        fields: before ? changedFields(before, values) : [],
      });
      return c.redirect(`/branches/${id}?saved=1`, 303);
    } catch (error) {
      if (error instanceof DuplicateBranchCode)
        return renderForm(c, { id, values, errors: { code: t('branches.codeTaken') } }, 422);
      throw error;
    }
  },
);
