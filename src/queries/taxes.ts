import { sql } from 'drizzle-orm';
import type { TenantDb } from '../db/client';
import type { TaxChanges, TaxCreateInput } from '../schemas/taxes';
import { sqlState } from '../db/raised';
import { activityInsert, type ActivityLog } from './audit';

export interface TaxWithUsage {
  id: number;
  code: string;
  name: string;
  rate: string;
  exempt: boolean;
  active: boolean;
  /** Products that reference the tax (any state). */
  productCount: number;
}

const taxColumns = sql`t.id, t.code, t.name, t.rate::text AS rate, t.exempt, t.active,
  (SELECT count(*) FROM products p WHERE p.tax_id = t.id)::int AS "productCount"`;

/** Every tax with the number of products using it, in one query (a shop has a handful of taxes). */
export async function listTaxesWithUsage(db: TenantDb): Promise<TaxWithUsage[]> {
  const result = await db.execute<TaxWithUsage & Record<string, unknown>>(
    sql`SELECT ${taxColumns} FROM taxes t ORDER BY t.active DESC, t.id`,
  );
  return result.rows;
}

export async function getTax(db: TenantDb, id: number): Promise<TaxWithUsage | null> {
  const result = await db.execute<TaxWithUsage & Record<string, unknown>>(
    sql`SELECT ${taxColumns} FROM taxes t WHERE t.id = ${id}`,
  );
  return result.rows[0] ?? null;
}

export type TaxWriteResult =
  | { ok: true; tax: TaxWithUsage }
  | { ok: false; reason: 'duplicate' | 'locked' | 'exemptRate' | 'not_found' };

const taxDetails = (withRate: boolean) =>
  withRate
    ? sql`jsonb_build_object('taxId', id, 'code', code, 'name', name, 'rate', rate)`
    : sql`jsonb_build_object('taxId', id, 'code', code, 'name', name)`;

/** A new tax and its activity entry, in one statement; an exempt tax gets rate 0. A code already taken answers `duplicate`. */
export async function createTax(db: TenantDb, input: TaxCreateInput, log: ActivityLog): Promise<TaxWriteResult> {
  const rate = input.exempt ? '0' : (input.rate ?? '0');
  const result = await db.execute<TaxWithUsage & Record<string, unknown>>(sql`
    WITH ins AS (
      INSERT INTO taxes (code, name, rate, exempt, active) VALUES (${input.code}, ${input.name}, ${rate}::numeric, ${input.exempt}, ${input.active ?? true})
      ON CONFLICT (code) DO NOTHING
      RETURNING id, code, name, rate::text AS rate, exempt, active, 0 AS "productCount"
    ),
    logged AS (${activityInsert(log, 'ins', taxDetails(true))})
    SELECT * FROM ins`);
  const row = result.rows[0];
  return row ? { ok: true, tax: row } : { ok: false, reason: 'duplicate' };
}

/**
 * Changes a tax in one statement. Code, rate and exempt of a tax used by products cannot change
 * (a new rate is a new tax, so past documents keep theirs): `locked`. An exempt tax keeps rate 0.
 * The activity entry is written by the same statement, only when the tax changed; `tax.updated`
 * entries carry the rate too.
 */
export async function updateTax(
  db: TenantDb,
  id: number,
  changes: TaxChanges,
  log: ActivityLog,
): Promise<TaxWriteResult> {
  const rate = changes.exempt === true && changes.rate === undefined ? '0' : (changes.rate ?? null);
  try {
    const result = await db.execute<
      { found: boolean; locked: boolean; exempt_rate: boolean } & Partial<TaxWithUsage> & Record<string, unknown>
    >(sql`
      WITH cur AS (
        SELECT t.id, t.code, t.rate, t.exempt, (SELECT count(*) FROM products p WHERE p.tax_id = t.id)::int AS used,
               coalesce(${changes.code ?? null}::text, t.code) AS n_code,
               coalesce(${rate}::numeric, t.rate) AS n_rate,
               coalesce(${changes.exempt ?? null}::boolean, t.exempt) AS n_exempt
          FROM taxes t WHERE t.id = ${id}
      ),
      checked AS (
        SELECT cur.*, (used > 0 AND (n_code <> code OR n_rate <> rate OR n_exempt <> exempt)) AS locked, (n_exempt AND n_rate <> 0) AS exempt_rate FROM cur
      ),
      upd AS (
        UPDATE taxes t SET code = checked.n_code, rate = checked.n_rate, exempt = checked.n_exempt,
               name = coalesce(${changes.name ?? null}::text, t.name), active = coalesce(${changes.active ?? null}::boolean, t.active)
          FROM checked WHERE t.id = checked.id AND NOT checked.locked AND NOT checked.exempt_rate
        RETURNING t.id, t.code, t.name, t.rate::text AS rate, t.exempt, t.active, checked.used AS "productCount"
      ),
      logged AS (${activityInsert(log, 'upd', taxDetails(log.action === 'tax.updated'))})
      SELECT checked.id IS NOT NULL AS found, coalesce(checked.locked, false) AS locked, coalesce(checked.exempt_rate, false) AS exempt_rate, upd.*
        FROM (SELECT 1) one LEFT JOIN checked ON true LEFT JOIN upd ON true`);
    const row = result.rows[0]!;
    if (!row.found) return { ok: false, reason: 'not_found' };
    if (row.locked) return { ok: false, reason: 'locked' };
    if (row.exempt_rate) return { ok: false, reason: 'exemptRate' };
    const { found: _found, locked: _locked, exempt_rate: _exemptRate, ...tax } = row;
    return { ok: true, tax: tax as TaxWithUsage };
  } catch (error) {
    if (sqlState(error) === '23505') return { ok: false, reason: 'duplicate' };
    throw error;
  }
}
