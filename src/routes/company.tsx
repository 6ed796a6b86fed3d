import type { Context } from 'hono';
import { requirePermission } from '../http/session';
import { can } from '../auth/permissions';
import { findTaxpayer } from '../dgii/lookup';
import { registrySql } from '../dgii/registry';
import type { SignedInEnv } from '../http/env';
import { AppError } from '../errors';
import { factory } from '../http/factory';
import { validForm } from '../http/forms';
import { parseFormBytes, readLimitedBody } from '../http/limited-body';
import { t } from '../i18n/es-DO';
import { changedFields, recordActivity } from '../queries/audit';
import { getCompany, getCompanySettings, saveCompanySettings, setCompanyLogo } from '../queries/company';
import { taxIdIssue } from '../schemas/common';
import { companyFields, imageDimensions, logoDimensionsAllowed, logoPolicy, sniffImageType } from '../schemas/company';
import type { FieldErrors } from '../errors';
import { CompanyPage, companyFormValues, type CompanyFormValues } from '../views/company';

/** Shop screens: company. */
export const companyRoutes = factory.createApp();

/** Where the logo lives, under the shop's own R2 prefix (`tenants/<id>/company/logo`). */
const logoKey = 'company/logo';

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
  const settings = await getCompanySettings(c.var.db);
  if (!settings) throw new AppError('not_found');
  const user = c.var.session;
  const canManage = can(user.role, 'company.manage');
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

/** An RNC that fails its check digit is still accepted when the DGII registry has it. */
async function rncIssue(c: Context<SignedInEnv>, rnc: string): Promise<string | null> {
  const issue = taxIdIssue('rnc', rnc, false);
  if (!issue || issue === t('validation.rncFormat')) return issue;
  return (await findTaxpayer(registrySql(c.env), rnc)) ? null : issue;
}

companyRoutes.post(
  '/company',
  requirePermission('company.manage'),
  validForm(companyFields, (c, errors, submitted) =>
    renderCompany(c, { values: submitted as CompanyFormValues, errors }, 422),
  ),
  async (c) => {
    const form = c.req.valid('form');
    const values = { ...form } as CompanyFormValues;
    if (form.rnc) {
      const issue = await rncIssue(c, form.rnc);
      if (issue) return renderCompany(c, { values, errors: { rnc: issue } }, 422);
      form.rnc = form.rnc.replace(/\D/g, '');
    }
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
    const before = await getCompany(c.var.db);
    const saved = await saveCompanySettings(c.var.db, changes);
    if (!saved) return renderCompany(c, { values, errors: { defaultCurrency: t('company.currencyInvalid') } }, 422);
    await recordActivity(c.var.db, c.var.session, 'company.updated', {
      fields: before ? changedFields(before, changes) : Object.keys(changes),
    });
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
  if (!(file instanceof File) || file.size === 0) return renderCompany(c, { logoError: t('company.logoMissing') }, 422);
  if (file.size > logoPolicy.maxBytes) return renderCompany(c, { logoError: t('company.logoSize') }, 422);
  const bytes = new Uint8Array(await file.arrayBuffer());
  const type = sniffImageType(bytes);
  if (!type) return renderCompany(c, { logoError: t('company.logoType') }, 422);
  const size = imageDimensions(bytes, type);
  if (!size) return renderCompany(c, { logoError: t('company.logoType') }, 422);
  if (!logoDimensionsAllowed(size))
    return renderCompany(c, { logoError: t('company.logoDimensions', { max: logoPolicy.maxSide }) }, 422);
  await c.var.files.put(logoKey, bytes, { httpMetadata: { contentType: type } });
  await setCompanyLogo(c.var.db, logoKey);
  await recordActivity(c.var.db, c.var.session, 'company.logo.updated');
  return c.redirect('/company?logo=saved', 303);
});

companyRoutes.post('/company/logo/delete', requirePermission('company.manage'), async (c) => {
  await setCompanyLogo(c.var.db, null);
  await c.var.files.delete(logoKey);
  await recordActivity(c.var.db, c.var.session, 'company.logo.removed');
  return c.redirect('/company?logo=removed', 303);
});

/** Served only to signed-in users of this shop; the key comes from the session's own company row. */
companyRoutes.get('/company/logo', requirePermission('dashboard.view'), async (c) => {
  const key = c.var.session.logoKey;
  const object = key ? await c.var.files.get(key) : null;
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
