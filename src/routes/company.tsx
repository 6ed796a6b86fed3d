import type { Context } from 'hono';
import { can } from '../auth/permissions';
import { AppError, type FieldErrors } from '../errors';
import type { SignedInEnv } from '../http/env';
import { factory } from '../http/factory';
import { validForm } from '../http/forms';
import { parseFormBytes, readLimitedBody } from '../http/limited-body';
import { requirePermission } from '../http/session';
import { shopContext } from '../http/shop';
import { t } from '../i18n/es-DO';
import { companyFields, logoPolicy } from '../schemas/company';
import {
  companyLogo,
  getCompanySettings,
  removeCompanyLogo,
  saveCompanyLogo,
  updateCompany,
} from '../services/shop/company';
import { CompanyPage, companyFormValues, type CompanyFormValues } from '../views/company';

/** Shop screens: company. */
export const companyRoutes = factory.createApp();

async function renderCompany(
  c: Context<SignedInEnv>,
  options: {
    values?: CompanyFormValues;
    errors?: FieldErrors;
    saved?: boolean;
    logoError?: string | null;
    logoNotice?: string | null;
  } = {},
  status: 200 | 422 = 200,
) {
  const settings = await getCompanySettings(shopContext(c));
  const user = c.var.session;
  const canManage = can(user, 'company.manage');
  c.status(status);
  return c.render(
    <CompanyPage
      form={{
        values: options.values ?? companyFormValues(settings.company),
        currencies: settings.currencies,
        canManage,
        errors: options.errors,
        saved: options.saved,
      }}
      logo={{
        hasLogo: settings.company.logoKey !== null,
        canManage,
        error: options.logoError,
        notice: options.logoNotice,
      }}
    />,
    { title: t('company.title'), current: '/company' },
  );
}

companyRoutes.get('/company', requirePermission('company.view'), (c) =>
  renderCompany(c, {
    saved: c.req.query('saved') === '1',
    logoNotice:
      c.req.query('logo') === 'saved'
        ? t('company.logoSaved')
        : c.req.query('logo') === 'removed'
          ? t('company.logoRemoved')
          : null,
  }),
);

companyRoutes.post(
  '/company',
  requirePermission('company.manage'),
  validForm(companyFields, (c, errors, submitted) =>
    renderCompany(c, { values: submitted as CompanyFormValues, errors }, 422),
  ),
  async (c) => {
    const form = c.req.valid('form');
    const values = { ...form } as CompanyFormValues;
    // Blank optional fields clear the value; the currency is required by the form's select.
    const changes = {
      name: form.name,
      rnc: form.rnc ?? null,
      address: form.address ?? null,
      phones: form.phones ?? null,
      email: form.email ?? null,
      invoiceFooter: form.invoiceFooter ?? null,
      ...(form.defaultCurrency ? { defaultCurrency: form.defaultCurrency } : {}),
    };
    try {
      await updateCompany(shopContext(c), changes);
    } catch (error) {
      if (!(error instanceof AppError) || error.code !== 'validation' || !error.fields) throw error;
      return renderCompany(c, { values, errors: error.fields }, 422);
    }
    return c.redirect('/company?saved=1', 303);
  },
);

companyRoutes.post('/company/logo', requirePermission('company.manage'), async (c) => {
  const contentType = c.req.header('content-type') ?? '';
  if (!contentType.toLowerCase().startsWith('multipart/form-data'))
    return renderCompany(c, { logoError: t('company.logoMissing') }, 422);
  // Counted while it streams in: a missing or lying Content-Length changes nothing.
  const body = await readLimitedBody(c.req.raw, logoPolicy.maxBytes + logoPolicy.envelopeBytes);
  if (!body.ok) return renderCompany(c, { logoError: t('company.logoSize') }, 422);
  const form = await parseFormBytes(body.bytes, contentType);
  const file = form?.get('logo');
  try {
    await saveCompanyLogo(shopContext(c), file instanceof File ? file : null);
  } catch (error) {
    if (!(error instanceof AppError) || error.code !== 'validation') throw error;
    return renderCompany(c, { logoError: error.publicMessage }, 422);
  }
  return c.redirect('/company?logo=saved', 303);
});

companyRoutes.post('/company/logo/delete', requirePermission('company.manage'), async (c) => {
  await removeCompanyLogo(shopContext(c));
  return c.redirect('/company?logo=removed', 303);
});

/** Served only to signed-in users of this shop; the key comes from the session's own company row. */
companyRoutes.get('/company/logo', requirePermission('dashboard.view'), async (c) => {
  const object = await companyLogo(shopContext(c));
  if (!object) throw new AppError('not_found');
  const headers = new Headers({
    'Content-Type': object.httpMetadata?.contentType ?? 'application/octet-stream',
    'Cache-Control': 'private, no-cache',
    ETag: object.httpEtag,
    'X-Content-Type-Options': 'nosniff',
  });
  if (c.req.header('if-none-match') === object.httpEtag) {
    await object.body.cancel();
    return new Response(null, { status: 304, headers });
  }
  return new Response(object.body, { status: 200, headers });
});
