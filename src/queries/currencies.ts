import { sql } from 'drizzle-orm';
import type { TenantDb } from '../db/client';
import { activityInsert, type ActivityLog } from './audit';

export interface CurrencyWithRate {
  code: string;
  name: string;
  symbol: string;
  isBase: boolean;
  active: boolean;
  latestRate: string | null;
  latestRateOn: string | null;
}

export interface ExchangeRate {
  currency: string;
  rate: string;
  validOn: string;
}

/** The base currency is worth exactly one of itself. */
export const baseRate = '1.0000';

/** Every currency with its most recent rate (base first), in one query. */
export async function listCurrencies(db: TenantDb): Promise<CurrencyWithRate[]> {
  const result = await db.execute<CurrencyWithRate & Record<string, unknown>>(sql`
    SELECT c.code, c.name, c.symbol, c.is_base AS "isBase", c.active,
           CASE WHEN c.is_base THEN ${baseRate} ELSE r.rate::text END AS "latestRate", r.valid_on::text AS "latestRateOn"
      FROM currencies c
      LEFT JOIN LATERAL (SELECT rate, valid_on FROM exchange_rates WHERE currency_code = c.code ORDER BY valid_on DESC LIMIT 1) r ON NOT c.is_base
     ORDER BY c.is_base DESC, c.code`);
  return result.rows;
}

/**
 * A currency and one page of its rates (newest first, keyset on valid_on) in one query; null
 * for an unknown currency.
 */
export async function rateHistory(
  db: TenantDb,
  code: string,
  page: { before?: string | null; limit: number },
): Promise<{ currency: CurrencyWithRate; rates: ExchangeRate[]; next: string | null } | null> {
  const result = await db.execute<CurrencyWithRate & { rates: ExchangeRate[] } & Record<string, unknown>>(sql`
    SELECT c.code, c.name, c.symbol, c.is_base AS "isBase", c.active,
           coalesce((SELECT json_agg(json_build_object('currency', r.currency_code, 'rate', r.rate::text, 'validOn', r.valid_on::text) ORDER BY r.valid_on DESC)
                       FROM (SELECT * FROM exchange_rates WHERE currency_code = c.code
                               ${page.before ? sql`AND valid_on < ${page.before}::date` : sql``}
                              ORDER BY valid_on DESC LIMIT ${page.limit + 1}) r), '[]'::json) AS rates
      FROM currencies c WHERE c.code = ${code}`);
  const row = result.rows[0];
  if (!row) return null;
  const { rates, ...currency } = row;
  const shown = rates.slice(0, page.limit);
  return {
    currency: {
      ...currency,
      latestRate: currency.isBase ? baseRate : (rates[0]?.rate ?? null),
      latestRateOn: currency.isBase ? null : (rates[0]?.validOn ?? null),
    },
    rates: shown,
    next: rates.length > page.limit ? shown.at(-1)!.validOn : null,
  };
}

export type SaveRateResult =
  | { ok: true; rate: ExchangeRate; created: boolean }
  | { ok: false; reason: 'unknown' | 'base' };

/**
 * Records the rate of a currency for a day; a second rate for the same day replaces the first
 * (one rate per currency and day). The base currency takes no rates. With `log`, the activity
 * entry is written by the same statement, only when a rate was saved.
 */
export async function saveRate(
  db: TenantDb,
  code: string,
  rate: string,
  validOn: string,
  log?: ActivityLog,
): Promise<SaveRateResult> {
  const result = await db.execute<{
    currency: string;
    rate: string;
    valid_on: string;
    created: boolean;
    is_base: boolean | null;
  }>(sql`
    WITH currency AS (SELECT code, is_base FROM currencies WHERE code = ${code}),
    saved AS (
      INSERT INTO exchange_rates (currency_code, rate, valid_on)
      SELECT code, ${rate}::numeric, ${validOn}::date FROM currency WHERE NOT is_base
      ON CONFLICT (currency_code, valid_on) DO UPDATE SET rate = excluded.rate, created_at = now()
      RETURNING currency_code, rate::text, valid_on::text, xmax = 0 AS created
    )${
      log
        ? sql`, logged AS (${activityInsert(log, 'saved', sql`jsonb_build_object('currency', currency_code, 'rate', rate, 'validOn', valid_on)`)})`
        : sql``
    }
    SELECT (SELECT is_base FROM currency) AS is_base, saved.currency_code AS currency, saved.rate, saved.valid_on, saved.created
      FROM (SELECT 1) one LEFT JOIN saved ON true`);
  const row = result.rows[0]!;
  if (row.currency)
    return { ok: true, rate: { currency: row.currency, rate: row.rate, validOn: row.valid_on }, created: row.created };
  return { ok: false, reason: row.is_base === null ? 'unknown' : 'base' };
}

/**
 * DOP per one unit of `currency` on `date` (YYYY-MM-DD): the latest rate on or before that day.
 * The base currency is always 1.0000; null when the currency is unknown or has no rate yet.
 */
export async function rateOn(db: TenantDb, currency: string, date: string): Promise<string | null> {
  const result = await db.execute<{ is_base: boolean; rate: string | null }>(sql`
    SELECT c.is_base,
           (SELECT r.rate::text FROM exchange_rates r WHERE r.currency_code = c.code AND r.valid_on <= ${date}::date ORDER BY r.valid_on DESC LIMIT 1) AS rate
      FROM currencies c WHERE c.code = ${currency.toUpperCase()}`);
  const row = result.rows[0];
  if (!row) return null;
  return row.is_base ? baseRate : row.rate;
}
