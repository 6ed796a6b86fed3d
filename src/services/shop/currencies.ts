import { AppError } from '../../errors';
import { t } from '../../i18n/es-DO';
import {
  listCurrencies as selectCurrencies,
  rateHistory as selectRateHistory,
  rateOn,
  saveRate,
  type CurrencyWithRate,
  type ExchangeRate,
} from '../../queries/currencies';
import { requireRight, type ShopContext } from './context';

export type { CurrencyWithRate, ExchangeRate };

export async function listCurrencies(ctx: ShopContext): Promise<CurrencyWithRate[]> {
  requireRight(ctx, 'currencies.view');
  return selectCurrencies(ctx.db);
}

/** A currency and one page of its rates, newest first; 404 for an unknown currency. */
export async function rateHistory(
  ctx: ShopContext,
  code: string,
  page: { before: string | null; limit: number },
): Promise<{ currency: CurrencyWithRate; rates: ExchangeRate[]; next: string | null }> {
  requireRight(ctx, 'currencies.view');
  const history = await selectRateHistory(ctx.db, code, page);
  if (!history) throw new AppError('not_found');
  return history;
}

/**
 * Records the rate of a day (replacing that day's rate) with its activity entry. An unknown
 * currency is a 404 and the base currency a 422, both with a message for the form's currency field.
 */
export async function recordRate(
  ctx: ShopContext,
  input: { currency: string; rate: string; validOn: string },
): Promise<{ rate: ExchangeRate; created: boolean }> {
  requireRight(ctx, 'currencies.manage');
  const saved = await saveRate(ctx.db, input.currency, input.rate, input.validOn, {
    actor: ctx.actor,
    action: 'currency.rate.saved',
  });
  if (saved.ok) return saved;
  if (saved.reason === 'unknown')
    throw new AppError('not_found', null, { currency: t('currencies.validation.unknown') });
  throw new AppError('validation', t('currencies.validation.base'), { currency: t('currencies.validation.base') });
}

/** DOP per unit on a date (the latest rate on or before it); 404 when there is none. */
export async function rateOnDate(ctx: ShopContext, code: string, date: string): Promise<string> {
  requireRight(ctx, 'currencies.view');
  const rate = await rateOn(ctx.db, code, date);
  if (rate === null) throw new AppError('not_found', t('currencies.history.empty'));
  return rate;
}
