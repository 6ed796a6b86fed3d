import { createRoute, z } from '@hono/zod-openapi';
import { AppError } from '../errors';
import { rateCursor } from '../http/cursors';
import { requirePermission } from '../http/session';
import { shopContext } from '../http/shop';
import { currencyOut, dateField, rateCreate, rateOut } from '../schemas/currencies';
import { listCurrencies, rateHistory, rateOnDate, recordRate } from '../services/shop/currencies';
import { createApiApp } from './app';
import { jsonBody, jsonResponse, pageOf, pageQuery, problemResponses } from './openapi';

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
  async (c) => c.json({ data: await listCurrencies(shopContext(c)) }, 200),
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
    const before = rateCursor.decode(cursor)?.validOn ?? null;
    const history = await rateHistory(shopContext(c), code, { before, limit });
    return c.json(
      { data: history.rates, nextCursor: history.next ? rateCursor.encode({ validOn: history.next }) : null },
      200,
    );
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
    const saved = await recordRate(shopContext(c), { currency: code, rate, validOn });
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
    const rate = await rateOnDate(shopContext(c), code, date);
    return c.json({ currency: code, date, rate }, 200);
  },
);
