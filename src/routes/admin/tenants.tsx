import { tenantCursor } from '../../http/cursors';
import type { Context } from 'hono';
import { z } from 'zod';
import { placementKinds } from '../../config';
import { AppError, type FieldErrors } from '../../errors';
import { requireAdmin } from '../../http/admin-session';
import type { AdminEnv } from '../../http/env';
import { factory } from '../../http/factory';
import { validForm } from '../../http/forms';
import { isUuid } from '../../http/ids';
import { platformContext, tenantIdParam } from '../../http/platform';
import { t } from '../../i18n/es-DO';
import { emailField } from '../../schemas/common';
import { inviteTenantOwner, shopOwners, type OwnerInvite } from '../../services/platform/owners';
import {
  addTenantDomain,
  createTenant,
  deleteTenant,
  getTenantDetails,
  latestSchemaVersion,
  listClientOptions,
  listTenantPage,
  migrateTenants,
  removeTenantDomain,
  resumeTenant,
  suspendTenant,
  tenantStatuses,
  updateTenant,
  type TenantListFilter,
} from '../../services/platform/tenants';
import { listDomainsOf } from '../../tenancy/central-queries';
import {
  NewTenantForm,
  TenantListPage,
  TenantPage,
  TenantTable,
  type NewTenantValues,
  type TenantPageForms,
} from '../../views/admin-tenants';

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

const optional = z
  .string()
  .trim()
  .optional()
  .transform((value) => value || null);

const listQuery = z.object({
  q: z.string().trim().max(100).optional().catch(undefined),
  status: z.enum(tenantStatuses).optional().catch(undefined),
  client: z.string().refine(isUuid).optional().catch(undefined),
  behind: z.literal('1').optional().catch(undefined),
  cursor: z.string().max(200).optional(),
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

async function renderNewForm(
  c: Context<AdminEnv>,
  values: NewTenantValues,
  errors?: FieldErrors,
  status: 200 | 422 = 200,
) {
  c.status(status);
  return c.render(
    <NewTenantForm
      values={values}
      errors={errors}
      clients={await listClientOptions(platformContext(c))}
      placements={placementKinds}
      defaultPlacement={c.var.platform.config.defaultPlacement}
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
  const ctx = platformContext(c);
  const [details, clients] = await Promise.all([getTenantDetails(ctx, tenantId), listClientOptions(ctx)]);
  if (!details) throw new AppError('not_found');
  // Only an active shop's database is read: who can sign in decides between support access and an invitation.
  // A shop whose database cannot be reached must still be manageable here (suspended, deleted): no owner section then.
  const owners =
    details.tenant.status === 'active'
      ? await shopOwners(ctx, tenantId).catch((error: unknown) => {
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
    after: tenantCursor.decode(query.cursor)?.id ?? null,
  };
  const ctx = platformContext(c);
  const { rows, nextAfter } = await listTenantPage(ctx, filter);
  const nextCursor = nextAfter ? tenantCursor.encode({ id: nextAfter }) : null;
  const latest = latestSchemaVersion();
  if (c.req.header('HX-Request') && c.req.header('HX-Target') === 'tenant-results') {
    return c.html(<TenantTable rows={rows} filter={filter} nextCursor={nextCursor} latest={latest} />);
  }
  return c.render(
    <TenantListPage
      rows={rows}
      filter={filter}
      nextCursor={nextCursor}
      latest={latest}
      clients={await listClientOptions(ctx)}
    />,
    { title: t('adminTenants.title'), current: '/admin/tenants' },
  );
});

adminTenantsRoutes.get('/tenants/new', requireAdmin, (c) => renderNewForm(c, {}));

/** A service's field refusal on one of the tenant page's forms: that form again, with the messages. */
function fieldErrors(error: unknown): FieldErrors | null {
  return error instanceof AppError && error.code === 'validation' && error.fields ? error.fields : null;
}

adminTenantsRoutes.post(
  '/tenants/new',
  requireAdmin,
  validForm(newTenantForm, (c, errors, submitted) => renderNewForm(c, submitted as NewTenantValues, errors, 422)),
  async (c) => {
    const form = c.req.valid('form');
    try {
      const job = await createTenant(platformContext(c), { ...form, placement: form.placement ?? '' });
      return c.redirect(`/admin/jobs/${job.id}`, 303);
    } catch (error) {
      const errors = fieldErrors(error);
      if (errors) return renderNewForm(c, form, errors, 422);
      throw error;
    }
  },
);

adminTenantsRoutes.post('/tenants/migrate', requireAdmin, async (c) => {
  const job = await migrateTenants(platformContext(c));
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
    try {
      await updateTenant(platformContext(c), id, form);
    } catch (error) {
      const errors = fieldErrors(error);
      if (errors) return renderTenantPage(c, id, { editErrors: errors, editValues: form }, 422);
      throw error;
    }
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
    let hostname: string;
    try {
      hostname = await addTenantDomain(platformContext(c), id, domain);
    } catch (error) {
      const errors = fieldErrors(error);
      if (errors) return renderTenantPage(c, id, { domainErrors: errors, domainValue: domain }, 422);
      throw error;
    }
    return c.redirect(`/admin/tenants/${id}?notice=domainAdded&domain=${encodeURIComponent(hostname)}`, 303);
  },
);

adminTenantsRoutes.post(
  '/tenants/:id/domains/remove',
  requireAdmin,
  validForm(domainForm, (c, errors) => renderTenantPage(c, tenantIdParam(c), { domainErrors: errors }, 422)),
  async (c) => {
    const id = tenantIdParam(c);
    const { domain } = c.req.valid('form');
    let hostname: string;
    try {
      ({ hostname } = await removeTenantDomain(platformContext(c), domain, id));
    } catch (error) {
      const errors = fieldErrors(error);
      if (errors) return renderTenantPage(c, id, { domainErrors: errors }, 422);
      throw error;
    }
    return c.redirect(`/admin/tenants/${id}?notice=domainRemoved&domain=${encodeURIComponent(hostname)}`, 303);
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

/** A status change refused (409): the tenant page with the tenant's current status. */
async function statusConflict<T>(c: Context<AdminEnv>, id: string, work: () => Promise<T>) {
  try {
    return { ok: true as const, value: await work() };
  } catch (error) {
    if (!(error instanceof AppError) || error.code !== 'conflict') throw error;
    const details = await getTenantDetails(platformContext(c), id);
    if (!details) throw new AppError('not_found');
    const page = await renderTenantPage(
      c,
      id,
      { statusError: t('adminTenants.error.status', { status: details.tenant.status }) },
      409,
    );
    return { ok: false as const, page };
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
    const outcome = await statusConflict(c, id, () => inviteTenantOwner(platformContext(c), id, form));
    if (!outcome.ok) return outcome.page;
    const invite = outcome.value;
    if (!invite.ok) return renderTenantPage(c, id, { ownerErrors: ownerRefusal(invite), ownerValues: form }, 422);
    const [hostname] = await listDomainsOf(c.var.platform.central, id);
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
    const outcome = await statusConflict(c, id, () => suspendTenant(platformContext(c), id, message));
    if (!outcome.ok) return outcome.page;
    return c.redirect(`/admin/tenants/${id}?notice=suspended`, 303);
  },
);

adminTenantsRoutes.post('/tenants/:id/resume', requireAdmin, async (c) => {
  const id = tenantIdParam(c);
  const outcome = await statusConflict(c, id, () => resumeTenant(platformContext(c), id));
  if (!outcome.ok) return outcome.page;
  return c.redirect(`/admin/tenants/${id}?notice=resumed`, 303);
});

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
    try {
      const job = await deleteTenant(platformContext(c), id, confirm);
      return c.redirect(`/admin/jobs/${job.id}`, 303);
    } catch (error) {
      const errors = fieldErrors(error);
      if (errors) return renderTenantPage(c, id, { deleteErrors: errors }, 422);
      throw error;
    }
  },
);
