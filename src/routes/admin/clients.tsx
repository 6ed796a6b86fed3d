import type { Context } from 'hono';
import { z } from 'zod';
import { recordAdminAudit } from '../../services/platform/audit';
import {
  createClient,
  deleteClient,
  getClient,
  listClientsWithTenantCount,
  normalizeClientTaxId,
  updateClient,
  type ClientRow,
} from '../../services/platform/clients';
import { requireAdmin } from '../../http/admin-session';
import type { AdminEnv } from '../../http/env';
import { AppError } from '../../errors';
import { factory } from '../../http/factory';
import { validForm } from '../../http/forms';
import { emailField } from '../../schemas/common';
import { t } from '../../i18n/es-DO';
import { ClientForm, ClientList, type ClientFormValues } from '../../views/admin-clients';
import type { FieldErrors } from '../../errors';

/** Admin panel (central domain): clients, OptiFlow's own customers. */
export const adminClientsRoutes = factory.createApp();

const optionalText = (max: number, message: string) =>
  z
    .string()
    .trim()
    .max(max, message)
    .optional()
    .transform((value) => value || null);

export const clientForm = z.object({
  name: z
    .string({ error: t('validation.required') })
    .trim()
    .min(1, t('adminTenants.clients.error.name'))
    .max(200, t('adminTenants.clients.error.name')),
  rnc: z
    .string()
    .trim()
    .optional()
    .transform((value, ctx) => {
      if (!value) return null;
      const digits = normalizeClientTaxId(value);
      if (!digits) {
        ctx.addIssue({ code: 'custom', message: t('adminTenants.clients.error.rnc') });
        return z.NEVER;
      }
      return digits;
    }),
  email: z
    .union([z.literal(''), emailField])
    .optional()
    .transform((value) => value || null),
  phone: optionalText(40, t('adminTenants.clients.error.phone')),
});

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A path id that is not a uuid names no client: 404 without a query. */
function clientId(c: Context<AdminEnv>): string {
  const id = c.req.param('id') ?? '';
  if (!uuidPattern.test(id)) throw new AppError('not_found');
  return id;
}

function renderForm(
  c: Context<AdminEnv>,
  props: { id?: string; values: ClientFormValues; errors?: FieldErrors; message?: string | null; saved?: boolean },
  status: 200 | 409 | 422 = 200,
) {
  c.status(status);
  return c.render(<ClientForm {...props} />, {
    title: props.id ? t('adminTenants.clients.edit') : t('adminTenants.clients.new'),
    current: '/admin/clients',
  });
}

const formValues = (client: ClientRow): ClientFormValues => ({
  name: client.name,
  rnc: client.rnc,
  email: client.email,
  phone: client.phone,
});

adminClientsRoutes.get('/clients', requireAdmin, async (c) => {
  const created = c.req.query('created');
  const deleted = c.req.query('deleted');
  const notice = created
    ? t('adminTenants.clients.created', { name: created })
    : deleted
      ? t('adminTenants.clients.deleted', { name: deleted })
      : null;
  return c.render(<ClientList clients={await listClientsWithTenantCount(c.var.platform.central)} notice={notice} />, {
    title: t('adminTenants.clients.title'),
    current: '/admin/clients',
  });
});

adminClientsRoutes.get('/clients/new', requireAdmin, (c) => renderForm(c, { values: {} }));

adminClientsRoutes.post(
  '/clients/new',
  requireAdmin,
  validForm(clientForm, (c, errors, submitted) =>
    renderForm(c, { values: submitted as ClientFormValues, errors }, 422),
  ),
  async (c) => {
    const form = c.req.valid('form');
    const client = await createClient(c.var.platform.central, form);
    await recordAdminAudit(c.var.platform.central, {
      admin: c.var.admin,
      action: 'client.create',
      details: { clientId: client.id, name: client.name },
    });
    return c.redirect(`/admin/clients?created=${encodeURIComponent(client.name)}`, 303);
  },
);

adminClientsRoutes.get('/clients/:id', requireAdmin, async (c) => {
  const id = clientId(c);
  const client = await getClient(c.var.platform.central, id);
  if (!client) throw new AppError('not_found');
  return renderForm(c, { id, values: formValues(client), saved: c.req.query('saved') === '1' });
});

adminClientsRoutes.post(
  '/clients/:id',
  requireAdmin,
  validForm(clientForm, (c, errors, submitted) =>
    renderForm(c, { id: clientId(c), values: submitted as ClientFormValues, errors }, 422),
  ),
  async (c) => {
    const id = clientId(c);
    const form = c.req.valid('form');
    const client = await updateClient(c.var.platform.central, id, form);
    if (!client) throw new AppError('not_found');
    await recordAdminAudit(c.var.platform.central, {
      admin: c.var.admin,
      action: 'client.update',
      details: { clientId: id, ...form },
    });
    return c.redirect(`/admin/clients/${id}?saved=1`, 303);
  },
);

adminClientsRoutes.post('/clients/:id/delete', requireAdmin, async (c) => {
  const id = clientId(c);
  const client = await getClient(c.var.platform.central, id);
  if (!client) throw new AppError('not_found');
  const outcome = await deleteClient(c.var.platform.central, id);
  if (!outcome.deleted) {
    return renderForm(
      c,
      { id, values: formValues(client), message: t('adminTenants.clients.hasTenants', { count: outcome.tenantCount }) },
      409,
    );
  }
  await recordAdminAudit(c.var.platform.central, {
    admin: c.var.admin,
    action: 'client.delete',
    details: { clientId: id, name: client.name },
  });
  return c.redirect(`/admin/clients?deleted=${encodeURIComponent(client.name)}`, 303);
});
