import { createRoute, z } from '@hono/zod-openapi';
import { requirePermission } from '../http/session';
import { AppError } from '../errors';
import { t } from '../i18n/es-DO';
import { recordActivity } from '../queries/audit';
import { listCurrencies, rateHistory, rateOn, saveRate } from '../queries/currencies';
import { currencyOut, dateField, isIsoDate, rateCreate, rateOut } from '../schemas/currencies';
import { createApiApp } from './app';
import { jsonBody, jsonResponse, pageOf, pageQuery, problemResponses } from './openapi';
import { decodeCursor, encodeCursor } from '../http/cursors';

/** `/api/v1` resources: currencies. */
export const currenciesApi = createApiApp();

const codeParams = z.object({ code: z.string().openapi({ param: { name: 'code', in: 'path' }, example: 'USD' }) });

/** A currency code from the path: three letters, or the resource does not exist. */
function currencyCode(code: string): string {
  if (!/^[A-Za-z]{3}$/.test(code)) throw new AppError('not_found');
  return code.toUpperCase();
}

currenciesApi.openapi(
  createRoute({
    method: 'get',
    path: '/currencies',
    operationId: 'listCurrencies',
    summary: 'Currencies with their latest rate (DOP per unit; DOP is the base, always 1.0000)',
    tags: ['Currencies'],
    middleware: [requirePermission('currencies.view')] as const,
    responses: {
      200: jsonResponse(z.object({ data: z.array(currencyOut) }), 'Every currency'),
      ...problemResponses(401, 403),
    },
  }),
  async (c) => c.json({ data: await listCurrencies(c.var.db) }, 200),
);

currenciesApi.openapi(
  createRoute({
    method: 'get',
    path: '/currencies/{code}/rates',
    operationId: 'listExchangeRates',
    summary: 'Rate history of a currency, newest first',
    tags: ['Currencies'],
    middleware: [requirePermission('currencies.view')] as const,
    request: { params: codeParams, query: pageQuery },
    responses: { 200: jsonResponse(pageOf(rateOut), 'One page of rates'), ...problemResponses(401, 403, 404, 422) },
  }),
  async (c) => {
    const code = currencyCode(c.req.valid('param').code);
    const { limit, cursor } = c.req.valid('query');
    const values = decodeCursor(cursor);
    if (cursor && (values?.length !== 1 || !isIsoDate(String(values[0]))))
      throw new AppError('validation', 'Invalid cursor', { cursor: 'Invalid cursor' });
    const history = await rateHistory(c.var.db, code, { before: values ? String(values[0]) : null, limit });
    if (!history) throw new AppError('not_found');
    return c.json({ data: history.rates, nextCursor: history.next ? encodeCursor([history.next]) : null }, 200);
  },
);

currenciesApi.openapi(
  createRoute({
    method: 'post',
    path: '/currencies/{code}/rates',
    operationId: 'recordExchangeRate',
    summary: 'Record the rate of a day (a second rate for the same day replaces it)',
    tags: ['Currencies'],
    middleware: [requirePermission('currencies.manage')] as const,
    request: { params: codeParams, body: jsonBody(rateCreate) },
    responses: {
      201: jsonResponse(rateOut, 'The new rate'),
      200: jsonResponse(rateOut, 'The day’s rate, replaced'),
      ...problemResponses(401, 403, 404, 422),
    },
  }),
  async (c) => {
    const code = currencyCode(c.req.valid('param').code);
    const { rate, validOn } = c.req.valid('json');
    const saved = await saveRate(c.var.db, code, rate, validOn);
    if (!saved.ok) {
      if (saved.reason === 'unknown') throw new AppError('not_found');
      throw new AppError('validation', t('currencies.validation.base'), { currency: t('currencies.validation.base') });
    }
    await recordActivity(c.var.db, c.var.session, 'currency.rate.saved', {
      currency: code,
      rate: saved.rate.rate,
      validOn: saved.rate.validOn,
    });
    return c.json(saved.rate, saved.created ? 201 : 200);
  },
);

currenciesApi.openapi(
  createRoute({
    method: 'get',
    path: '/currencies/{code}/rate',
    operationId: 'getExchangeRateOnDate',
    summary: 'The rate on a date: the latest rate on or before it',
    tags: ['Currencies'],
    middleware: [requirePermission('currencies.view')] as const,
    request: { params: codeParams, query: z.object({ date: dateField.openapi({ example: '2025-01-31' }) }) },
    responses: {
      200: jsonResponse(
        z.object({ currency: z.string(), date: z.string(), rate: z.string() }).openapi('RateOnDate'),
        'The applicable rate',
      ),
      ...problemResponses(401, 403, 404, 422),
    },
  }),
  async (c) => {
    const code = currencyCode(c.req.valid('param').code);
    const { date } = c.req.valid('query');
    const rate = await rateOn(c.var.db, code, date);
    if (rate === null) throw new AppError('not_found', t('currencies.history.empty'));
    return c.json({ currency: code, date, rate }, 200);
  },
);
