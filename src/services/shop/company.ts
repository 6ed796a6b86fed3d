import { findTaxpayer } from '../../dgii/lookup';
import { registrySql } from '../../dgii/registry';
import { AppError } from '../../errors';
import { t } from '../../i18n/es-DO';
import { changedFields } from '../../queries/audit';
import {
  getCompany as selectCompany,
  getCompanySettings as selectCompanySettings,
  saveCompanySettings,
  setCompanyLogo,
  type Company,
  type CompanyChanges,
  type CurrencyOption,
} from '../../queries/company';
import { taxIdIssue } from '../../schemas/common';
import { imageDimensions, logoDimensionsAllowed, logoPolicy, sniffImageType } from '../../schemas/company';
import { requireRight, type ShopContext } from './context';

export type { Company, CompanyChanges, CurrencyOption };

/** Where the logo lives, under the shop's own R2 prefix (`tenants/<id>/company/logo`). */
const logoKey = 'company/logo';

export async function getCompany(ctx: ShopContext): Promise<Company> {
  requireRight(ctx, 'company.view');
  const company = await selectCompany(ctx.db);
  if (!company) throw new AppError('not_found');
  return company;
}

/** The company and the currencies it may choose as default (the settings form). */
export async function getCompanySettings(
  ctx: ShopContext,
): Promise<{ company: Company; currencies: CurrencyOption[] }> {
  requireRight(ctx, 'company.view');
  const settings = await selectCompanySettings(ctx.db);
  if (!settings) throw new AppError('not_found');
  return settings;
}

/** An RNC that fails its check digit is still accepted when the DGII registry has it. */
async function rncIssue(ctx: ShopContext, rnc: string): Promise<string | null> {
  const issue = taxIdIssue('rnc', rnc, false);
  if (!issue || issue === t('validation.rncFormat')) return issue;
  return (await findTaxpayer(registrySql(ctx.env), rnc)) ? null : issue;
}

/** Changes the company data (an RNC stored as digits); its activity entry names the fields that changed. */
export async function updateCompany(ctx: ShopContext, changes: CompanyChanges): Promise<Company> {
  requireRight(ctx, 'company.manage');
  const values = { ...changes };
  if (values.rnc) {
    const issue = await rncIssue(ctx, values.rnc);
    if (issue) throw new AppError('validation', issue, { rnc: issue });
    values.rnc = values.rnc.replace(/\D/g, '');
  }
  const before = await selectCompany(ctx.db);
  const fields = before ? changedFields(before, values) : Object.keys(values);
  const saved = await saveCompanySettings(ctx.db, values, {
    actor: ctx.actor,
    action: 'company.updated',
    extra: { fields },
  });
  if (!saved)
    throw new AppError('validation', t('company.currencyInvalid'), { defaultCurrency: t('company.currencyInvalid') });
  return saved;
}

function logoRefused(message: string): AppError {
  return new AppError('validation', message, { logo: message });
}

/** Checks an uploaded logo (size, PNG/JPEG/WebP by its bytes, dimensions) and stores it; 422 (`logo`) otherwise. */
export async function saveCompanyLogo(ctx: ShopContext, file: File | null): Promise<void> {
  requireRight(ctx, 'company.manage');
  if (!file || file.size === 0) throw logoRefused(t('company.logoMissing'));
  if (file.size > logoPolicy.maxBytes) throw logoRefused(t('company.logoSize'));
  const bytes = new Uint8Array(await file.arrayBuffer());
  const type = sniffImageType(bytes);
  if (!type) throw logoRefused(t('company.logoType'));
  const size = imageDimensions(bytes, type);
  if (!size) throw logoRefused(t('company.logoType'));
  if (!logoDimensionsAllowed(size)) throw logoRefused(t('company.logoDimensions', { max: logoPolicy.maxSide }));
  await ctx.files.put(logoKey, bytes, { httpMetadata: { contentType: type } });
  await setCompanyLogo(ctx.db, logoKey, { actor: ctx.actor, action: 'company.logo.updated' });
}

export async function removeCompanyLogo(ctx: ShopContext): Promise<void> {
  requireRight(ctx, 'company.manage');
  await setCompanyLogo(ctx.db, null, { actor: ctx.actor, action: 'company.logo.removed' });
  await ctx.files.delete(logoKey);
}

/** The stored logo the actor's session points at, or null. */
export async function companyLogo(ctx: ShopContext) {
  const key = ctx.actor.logoKey;
  return key ? ctx.files.get(key) : null;
}
