import type { Context } from 'hono';
import { z } from 'zod';
import { recordAdminAudit } from '../../services/platform/audit';
import { inviteOwner, shopOwners, type OwnerInvite } from '../../services/platform/owners';
import { enqueuePlatformJob } from '../../services/platform/jobs/runner';
import { requireAdmin } from '../../http/admin-session';
import {
  checkDomain,
  checkNewTenant,
  clientExists,
  getTenantDetails,
  insertTenantRecord,
  latestSchemaVersion,
  listClientOptions,
  listTenantPage,
  tenantOwnsDomain,
  tenantStatuses,
  type TenantListFilter,
} from '../../services/platform/tenants';
import type { AdminEnv } from '../../http/env';
import { AppError } from '../../errors';
import { factory } from '../../http/factory';
import { validForm } from '../../http/forms';
import { emailField } from '../../schemas/common';
import { t } from '../../i18n/es-DO';
import { listDomainsOf } from '../../tenancy/central-queries';
import { addDomain, removeDomain, resumeTenant, suspendTenant } from '../../tenancy/lifecycle';
import { purgeTenantKeys } from '../../tenancy/lookup';
import { placementKinds } from '../../config';
import { getTenantRow, updateTenant } from '../../tenancy/provisioning';
import {
  NewTenantForm,
  TenantListPage,
  TenantPage,
  TenantTable,
  type NewTenantValues,
  type TenantPageForms,
} from '../../views/admin-tenants';
import type { FieldErrors } from '../../errors';

/** Admin panel (central domain): tenants, their domains, status, deletion and schema migrations. */
export const adminTenantsRoutes = factory.createApp();

/**
 * Where a shop answers, seen from this admin request: a label under the central host the admin
 * is on (same scheme and port, so `http://acme.localhost:8787` in development), or a custom host.
 */
export function shopUrl(c: Context, hostname: string): string {
  const url = new URL(c.req.url);
  const host = hostname.includes('.') ? hostname : `${hostname}.${url.hostname}`;
  return `${url.protocol}//${host}${url.port ? `:${url.port}` : ''}`;
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const optional = z
  .string()
  .trim()
  .optional()
  .transform((value) => value || null);

const listQuery = z.object({
  q: z.string().trim().max(100).optional().catch(undefined),
  status: z.enum(tenantStatuses).optional().catch(undefined),
  client: z.string().regex(uuidPattern).optional().catch(undefined),
  behind: z.literal('1').optional().catch(undefined),
  after: z.string().max(63).optional().catch(undefined),
});

const newTenantForm = z
  .object({
    id: z
      .string({ error: t('validation.required') })
      .trim()
      .min(1, t('validation.required')),
    name: z
      .string({ error: t('validation.required') })
      .trim()
      .min(1, t('validation.required'))
      .max(200, t('adminTenants.error.nameLength')),
    subdomain: optional,
    clientId: optional,
    ownerEmail: z
      .union([z.literal(''), emailField])
      .optional()
      .transform((value) => value || null),
    ownerName: z
      .string()
      .trim()
      .max(200, t('adminTenants.error.nameLength'))
      .optional()
      .transform((value) => value || null),
    placement: z.string().optional(),
  })
  .superRefine((form, context) => {
    if (form.ownerEmail && !form.ownerName)
      context.addIssue({ code: 'custom', path: ['ownerName'], message: t('adminTenants.owner.error.nameRequired') });
  });

const ownerInviteForm = z.object({
  email: emailField,
  name: z
    .string({ error: t('validation.required') })
    .trim()
    .min(1, t('adminTenants.owner.error.nameRequired'))
    .max(200, t('adminTenants.error.nameLength')),
});

const editTenantForm = z.object({
  name: z
    .string({ error: t('validation.required') })
    .trim()
    .min(1, t('adminTenants.error.nameLength'))
    .max(200, t('adminTenants.error.nameLength')),
  clientId: optional,
});

function tenantIdParam(c: Context<AdminEnv>): string {
  const id = c.req.param('id') ?? '';
  if (!/^[a-z0-9-]{1,63}$/.test(id)) throw new AppError('not_found');
  return id;
}

async function renderNewForm(
  c: Context<AdminEnv>,
  values: NewTenantValues,
  errors?: FieldErrors,
  status: 200 | 422 = 200,
) {
  const platform = c.var.platform;
  c.status(status);
  return c.render(
    <NewTenantForm
      values={values}
      errors={errors}
      clients={await listClientOptions(platform)}
      placements={placementKinds}
      defaultPlacement={platform.config.defaultPlacement}
    />,
    { title: t('adminTenants.new'), current: '/admin/tenants' },
  );
}

async function renderTenantPage(
  c: Context<AdminEnv>,
  tenantId: string,
  forms: TenantPageForms = {},
  status: 200 | 409 | 422 = 200,
) {
  const platform = c.var.platform;
  const [details, clients] = await Promise.all([getTenantDetails(platform, tenantId), listClientOptions(platform)]);
  if (!details) throw new AppError('not_found');
  // Only an active shop's database is read: who can sign in decides between support access and an invitation.
  // A shop whose database cannot be reached must still be manageable here (suspended, deleted): no owner section then.
  const owners =
    details.tenant.status === 'active'
      ? await shopOwners(platform, tenantId).catch((error: unknown) => {
          console.error(`tenant page: owners of ${tenantId} unavailable`, error);
          return null;
        })
      : null;
  c.status(status);
  return c.render(
    <TenantPage
      details={details}
      owners={owners}
      latest={latestSchemaVersion()}
      clients={clients}
      shopUrl={(hostname) => shopUrl(c, hostname)}
      forms={forms}
    />,
    { title: details.tenant.name, current: '/admin/tenants' },
  );
}

adminTenantsRoutes.get('/tenants', requireAdmin, async (c) => {
  const query = listQuery.parse(c.req.query());
  const filter: TenantListFilter = {
    q: query.q ?? null,
    status: query.status ?? null,
    clientId: query.client ?? null,
    behind: query.behind === '1',
    after: query.after ?? null,
  };
  const platform = c.var.platform;
  const { rows, nextAfter } = await listTenantPage(platform, filter);
  const latest = latestSchemaVersion();
  if (c.req.header('HX-Request') && c.req.header('HX-Target') === 'tenant-results') {
    return c.html(<TenantTable rows={rows} filter={filter} nextAfter={nextAfter} latest={latest} />);
  }
  return c.render(
    <TenantListPage
      rows={rows}
      filter={filter}
      nextAfter={nextAfter}
      latest={latest}
      clients={await listClientOptions(platform)}
    />,
    { title: t('adminTenants.title'), current: '/admin/tenants' },
  );
});

adminTenantsRoutes.get('/tenants/new', requireAdmin, (c) => renderNewForm(c, {}));

adminTenantsRoutes.post(
  '/tenants/new',
  requireAdmin,
  validForm(newTenantForm, (c, errors, submitted) => renderNewForm(c, submitted as NewTenantValues, errors, 422)),
  async (c) => {
    const form = c.req.valid('form');
    const platform = c.var.platform;
    const checked = await checkNewTenant(platform, {
      ...form,
      placement: form.placement || platform.config.defaultPlacement,
    });
    if (!checked.ok) return renderNewForm(c, form, checked.errors, 422);
    const inserted = await insertTenantRecord(platform, checked.value);
    if (!inserted.ok) return renderNewForm(c, form, inserted.errors, 422);
    const admin = c.var.admin;
    const job = await enqueuePlatformJob(platform, c.env.JOBS, {
      kind: 'tenant.create',
      tenantId: checked.value.id,
      input: { seed: true, ownerEmail: form.ownerEmail, ownerName: form.ownerName },
      createdBy: admin.id,
    });
    await recordAdminAudit(platform.central, {
      admin,
      action: 'tenant.create',
      tenantId: checked.value.id,
      details: {
        name: checked.value.name,
        domain: checked.value.hostname,
        clientId: checked.value.clientId,
        placement: checked.value.placement,
        ownerEmail: form.ownerEmail,
        ownerName: form.ownerName,
        jobId: job.id,
      },
    });
    return c.redirect(`/admin/jobs/${job.id}`, 303);
  },
);

adminTenantsRoutes.post('/tenants/migrate', requireAdmin, async (c) => {
  const platform = c.var.platform;
  const admin = c.var.admin;
  const job = await enqueuePlatformJob(platform, c.env.JOBS, {
    kind: 'tenants.migrate',
    input: { latest: latestSchemaVersion() },
    createdBy: admin.id,
  });
  await recordAdminAudit(platform.central, {
    admin,
    action: 'tenants.migrate',
    details: { jobId: job.id, latest: latestSchemaVersion() },
  });
  return c.redirect(`/admin/jobs/${job.id}`, 303);
});

adminTenantsRoutes.get('/tenants/:id', requireAdmin, async (c) => {
  const notice = c.req.query('notice');
  const known: Record<string, string> = {
    saved: t('adminTenants.saved'),
    suspended: t('adminTenants.suspended'),
    resumed: t('adminTenants.resumed'),
  };
  const domain = c.req.query('domain') ?? '';
  const text =
    notice === 'domainAdded'
      ? t('adminTenants.domainAdded', { domain })
      : notice === 'domainRemoved'
        ? t('adminTenants.domainRemoved', { domain })
        : notice
          ? (known[notice] ?? null)
          : null;
  return renderTenantPage(c, tenantIdParam(c), { notice: text });
});

adminTenantsRoutes.post(
  '/tenants/:id',
  requireAdmin,
  validForm(editTenantForm, (c, errors, submitted) =>
    renderTenantPage(
      c,
      tenantIdParam(c),
      { editErrors: errors, editValues: submitted as { name?: string; clientId?: string } },
      422,
    ),
  ),
  async (c) => {
    const id = tenantIdParam(c);
    const form = c.req.valid('form');
    const platform = c.var.platform;
    if (form.clientId && !(await clientExists(platform, form.clientId))) {
      return renderTenantPage(
        c,
        id,
        { editErrors: { clientId: t('adminTenants.error.clientUnknown') }, editValues: form },
        422,
      );
    }
    await updateTenant(platform, id, { name: form.name, clientId: form.clientId });
    // The cached tenant record carries the name: purge it so the shop shows the new one at once.
    await purgeTenantKeys(platform.kv, id, await listDomainsOf(platform.central, id));
    await recordAdminAudit(platform.central, {
      admin: c.var.admin,
      action: 'tenant.update',
      tenantId: id,
      details: form,
    });
    return c.redirect(`/admin/tenants/${id}?notice=saved`, 303);
  },
);

const domainForm = z.object({
  domain: z
    .string({ error: t('validation.required') })
    .trim()
    .min(1, t('validation.required')),
});

adminTenantsRoutes.post(
  '/tenants/:id/domains',
  requireAdmin,
  validForm(domainForm, (c, errors) => renderTenantPage(c, tenantIdParam(c), { domainErrors: errors }, 422)),
  async (c) => {
    const id = tenantIdParam(c);
    const { domain } = c.req.valid('form');
    const platform = c.var.platform;
    const checked = checkDomain(platform, domain);
    if (!checked.ok)
      return renderTenantPage(c, id, { domainErrors: { domain: checked.message }, domainValue: domain }, 422);
    try {
      await addDomain(platform, id, checked.hostname);
    } catch (error) {
      if (error instanceof AppError && error.code === 'conflict') {
        return renderTenantPage(
          c,
          id,
          {
            domainErrors: { domain: t('adminTenants.error.domainTaken', { domain: checked.hostname }) },
            domainValue: domain,
          },
          422,
        );
      }
      throw error;
    }
    await recordAdminAudit(platform.central, {
      admin: c.var.admin,
      action: 'tenant.domain.add',
      tenantId: id,
      details: { domain: checked.hostname },
    });
    return c.redirect(`/admin/tenants/${id}?notice=domainAdded&domain=${encodeURIComponent(checked.hostname)}`, 303);
  },
);

adminTenantsRoutes.post(
  '/tenants/:id/domains/remove',
  requireAdmin,
  validForm(domainForm, (c, errors) => renderTenantPage(c, tenantIdParam(c), { domainErrors: errors }, 422)),
  async (c) => {
    const id = tenantIdParam(c);
    const { domain } = c.req.valid('form');
    const platform = c.var.platform;
    const checked = checkDomain(platform, domain);
    if (!checked.ok || !(await tenantOwnsDomain(platform, id, checked.hostname))) {
      return renderTenantPage(
        c,
        id,
        { domainErrors: { domain: t('adminTenants.error.domainUnknown', { domain }) } },
        422,
      );
    }
    await removeDomain(platform, checked.hostname);
    await recordAdminAudit(platform.central, {
      admin: c.var.admin,
      action: 'tenant.domain.remove',
      tenantId: id,
      details: { domain: checked.hostname },
    });
    return c.redirect(`/admin/tenants/${id}?notice=domainRemoved&domain=${encodeURIComponent(checked.hostname)}`, 303);
  },
);

/** The refusal of an owner invitation, as a field message. */
function ownerRefusal(invite: Extract<OwnerInvite, { ok: false }>): FieldErrors {
  switch (invite.reason) {
    case 'active_owner':
      return { email: t('adminTenants.owner.error.activeOwner', { email: invite.email }) };
    case 'already_active':
      return { email: t('adminTenants.owner.error.alreadyActive', { email: invite.email }) };
    case 'other_role':
      return { email: t('adminTenants.owner.error.otherRole', { email: invite.email }) };
    case 'disabled':
      return { email: t('adminTenants.owner.error.disabled', { email: invite.email }) };
    case 'name_required':
      return { name: t('adminTenants.owner.error.nameRequired') };
  }
}

/** Invites the shop's first owner (again, if the link expired or was lost); the link is shown once, in this answer only. */
adminTenantsRoutes.post(
  '/tenants/:id/owner',
  requireAdmin,
  validForm(ownerInviteForm, (c, errors, submitted) =>
    renderTenantPage(
      c,
      tenantIdParam(c),
      { ownerErrors: errors, ownerValues: submitted as { email?: string; name?: string } },
      422,
    ),
  ),
  async (c) => {
    const id = tenantIdParam(c);
    const form = c.req.valid('form');
    const platform = c.var.platform;
    const row = await getTenantRow(platform, id);
    if (!row) throw new AppError('not_found');
    if (row.status !== 'active') return statusConflict(c, id);
    const invite = await inviteOwner(platform, id, form);
    if (!invite.ok) return renderTenantPage(c, id, { ownerErrors: ownerRefusal(invite), ownerValues: form }, 422);
    await recordAdminAudit(platform.central, {
      admin: c.var.admin,
      action: 'tenant.owner_invited',
      tenantId: id,
      details: {
        email: invite.email,
        name: invite.name,
        reinvited: invite.reinvited,
        expiresAt: invite.expiresAt.toISOString(),
      },
    });
    const [hostname] = await listDomainsOf(platform.central, id);
    c.header('Cache-Control', 'no-store');
    const url = `${shopUrl(c, hostname ?? id)}/set-password/${invite.token}`;
    return renderTenantPage(c, id, {
      ownerLink: { email: invite.email, name: invite.name, url, expiresAt: invite.expiresAt },
    });
  },
);

const suspendForm = z.object({
  message: z
    .string()
    .trim()
    .max(500)
    .optional()
    .transform((value) => value || null),
});

adminTenantsRoutes.post(
  '/tenants/:id/suspend',
  requireAdmin,
  validForm(suspendForm, (c) => renderTenantPage(c, tenantIdParam(c), { statusError: t('validation.summary') }, 422)),
  async (c) => {
    const id = tenantIdParam(c);
    const { message } = c.req.valid('form');
    const platform = c.var.platform;
    try {
      await suspendTenant(platform, id, message);
    } catch (error) {
      if (error instanceof AppError && error.code === 'conflict') return statusConflict(c, id);
      throw error;
    }
    await recordAdminAudit(platform.central, {
      admin: c.var.admin,
      action: 'tenant.suspend',
      tenantId: id,
      details: { message },
    });
    return c.redirect(`/admin/tenants/${id}?notice=suspended`, 303);
  },
);

adminTenantsRoutes.post('/tenants/:id/resume', requireAdmin, async (c) => {
  const id = tenantIdParam(c);
  const platform = c.var.platform;
  try {
    await resumeTenant(platform, id);
  } catch (error) {
    if (error instanceof AppError && error.code === 'conflict') return statusConflict(c, id);
    throw error;
  }
  await recordAdminAudit(platform.central, { admin: c.var.admin, action: 'tenant.resume', tenantId: id });
  return c.redirect(`/admin/tenants/${id}?notice=resumed`, 303);
});

async function statusConflict(c: Context<AdminEnv>, id: string) {
  const details = await getTenantDetails(c.var.platform, id);
  if (!details) throw new AppError('not_found');
  return renderTenantPage(
    c,
    id,
    { statusError: t('adminTenants.error.status', { status: details.tenant.status }) },
    409,
  );
}

const deleteForm = z.object({
  confirm: z
    .string()
    .trim()
    .optional()
    .transform((value) => value ?? ''),
});

adminTenantsRoutes.post(
  '/tenants/:id/delete',
  requireAdmin,
  validForm(deleteForm, (c) => renderTenantPage(c, tenantIdParam(c), {}, 422)),
  async (c) => {
    const id = tenantIdParam(c);
    const { confirm } = c.req.valid('form');
    const platform = c.var.platform;
    if (confirm !== id)
      return renderTenantPage(c, id, { deleteErrors: { confirm: t('adminTenants.error.confirm', { id }) } }, 422);
    const details = await getTenantDetails(platform, id);
    if (!details) throw new AppError('not_found');
    const admin = c.var.admin;
    const job = await enqueuePlatformJob(platform, c.env.JOBS, {
      kind: 'tenant.delete',
      tenantId: id,
      createdBy: admin.id,
    });
    await recordAdminAudit(platform.central, {
      admin,
      action: 'tenant.delete',
      tenantId: id,
      details: { jobId: job.id, domains: details.domains },
    });
    return c.redirect(`/admin/jobs/${job.id}`, 303);
  },
);
