import type { Context } from 'hono';
import { z } from 'zod';
import {
  createClient,
  deleteClient,
  getClient,
  listClients,
  normalizeClientTaxId,
  updateClient,
  type ClientRow,
} from '../../services/platform/clients';
import { requireAdmin } from '../../http/admin-session';
import type { AdminEnv } from '../../http/env';
import { AppError } from '../../errors';
import { factory } from '../../http/factory';
import { idParam } from '../../http/ids';
import { platformContext } from '../../http/platform';
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
  return c.render(<ClientList clients={await listClients(platformContext(c))} notice={notice} />, {
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
    const client = await createClient(platformContext(c), form);
    return c.redirect(`/admin/clients?created=${encodeURIComponent(client.name)}`, 303);
  },
);

adminClientsRoutes.get('/clients/:id', requireAdmin, async (c) => {
  const id = idParam(c);
  const client = await getClient(platformContext(c), id);
  return renderForm(c, { id, values: formValues(client), saved: c.req.query('saved') === '1' });
});

adminClientsRoutes.post(
  '/clients/:id',
  requireAdmin,
  validForm(clientForm, (c, errors, submitted) =>
    renderForm(c, { id: idParam(c), values: submitted as ClientFormValues, errors }, 422),
  ),
  async (c) => {
    const id = idParam(c);
    const form = c.req.valid('form');
    await updateClient(platformContext(c), id, form);
    return c.redirect(`/admin/clients/${id}?saved=1`, 303);
  },
);

adminClientsRoutes.post('/clients/:id/delete', requireAdmin, async (c) => {
  const id = idParam(c);
  const ctx = platformContext(c);
  const client = await getClient(ctx, id);
  try {
    await deleteClient(ctx, id);
  } catch (error) {
    if (!(error instanceof AppError) || error.code !== 'conflict') throw error;
    return renderForm(c, { id, values: formValues(client), message: error.publicMessage }, 409);
  }
  return c.redirect(`/admin/clients?deleted=${encodeURIComponent(client.name)}`, 303);
});
