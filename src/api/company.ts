import { createRoute } from '@hono/zod-openapi';
import { requirePermission } from '../http/session';
import { findTaxpayer } from '../dgii/lookup';
import { registrySql } from '../dgii/registry';
import { AppError } from '../errors';
import { changedFields, recordActivity } from '../queries/audit';
import { getCompany, saveCompanySettings, type Company } from '../queries/company';
import { t } from '../i18n/es-DO';
import { companyOut, companyPatch } from '../schemas/company';
import { taxIdIssue } from '../schemas/common';
import { createApiApp } from './app';
import { jsonBody, jsonResponse, problemResponses } from './openapi';

export const companyApi = createApiApp();

function toJson(company: Company) {
  return {
    name: company.name,
    rnc: company.rnc,
    address: company.address,
    phones: company.phones,
    email: company.email,
    invoiceFooter: company.invoiceFooter,
    defaultCurrency: company.defaultCurrency,
    hasLogo: company.logoKey !== null,
    updatedAt: company.updatedAt.toISOString(),
  };
}

companyApi.openapi(
  createRoute({
    method: 'get',
    path: '/company',
    operationId: 'getCompany',
    summary: 'The shop’s company data',
    tags: ['Company'],
    middleware: [requirePermission('company.view')] as const,
    responses: { 200: jsonResponse(companyOut, 'The company'), ...problemResponses(401, 403) },
  }),
  async (c) => {
    const company = await getCompany(c.var.db);
    if (!company) throw new AppError('not_found');
    return c.json(toJson(company), 200);
  },
);

companyApi.openapi(
  createRoute({
    method: 'patch',
    path: '/company',
    operationId: 'updateCompany',
    summary: 'Change the company data',
    tags: ['Company'],
    middleware: [requirePermission('company.manage')] as const,
    request: { body: jsonBody(companyPatch) },
    responses: { 200: jsonResponse(companyOut, 'The changed company'), ...problemResponses(401, 403, 422) },
  }),
  async (c) => {
    const changes = c.req.valid('json');
    if (changes.rnc) {
      const inRegistry =
        taxIdIssue('rnc', changes.rnc, false) !== null &&
        (await findTaxpayer(registrySql(c.env), changes.rnc)) !== null;
      const issue = taxIdIssue('rnc', changes.rnc, inRegistry);
      if (issue) throw new AppError('validation', issue, { rnc: issue });
      changes.rnc = changes.rnc.replace(/\D/g, '');
    }
    const before = await getCompany(c.var.db);
    const saved = await saveCompanySettings(c.var.db, changes);
    if (!saved)
      throw new AppError('validation', t('company.currencyInvalid'), { defaultCurrency: t('company.currencyInvalid') });
    await recordActivity(c.var.db, c.var.session, 'company.updated', {
      fields: before ? changedFields(before, changes) : Object.keys(changes),
    });
    return c.json(toJson(saved), 200);
  },
);
