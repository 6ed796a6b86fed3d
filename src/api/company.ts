import { createRoute } from '@hono/zod-openapi';
import { requirePermission } from '../http/session';
import { shopContext } from '../http/shop';
import { companyOut, companyPatch } from '../schemas/company';
import { getCompany, updateCompany, type Company } from '../services/shop/company';
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
    return c.json(toJson(await getCompany(shopContext(c))), 200);
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
    return c.json(toJson(await updateCompany(shopContext(c), c.req.valid('json'))), 200);
  },
);
