/**
 * Login throttling for shops (`login_attempts`) and the admin panel (`admin_login_attempts`).
 * Counting and checking are one atomic step: a slot is reserved by the SQL function
 * `reserve_login_attempt` (drizzle/tenant/0010, drizzle/central/0004) BEFORE the password or code
 * is checked, so parallel guesses cannot all be checked. The slot counts as a failure until
 * `markAttemptSucceeded` says otherwise.
 */
import { sql } from 'drizzle-orm';
import type { CentralDb } from '../db/client';
import type { TenantDb } from '../db/client';

export interface ThrottleLimits {
  windowMinutes: number;
  /** Failures for one account from one address. */
  maxPerAccountAndAddress: number;
  /** Failures for one account from every address together (a distributed guess). */
  maxPerAccount: number;
  /** Failures from one address, whatever the account (password spraying). */
  maxPerAddress: number;
}

type AttemptsTable = 'login_attempts' | 'admin_login_attempts';

/** The id of the reserved attempt, or null when a limit is reached (answer 429 without checking anything). */
export async function reserveLoginAttempt(
  db: TenantDb | CentralDb,
  account: string,
  ipAddress: string,
  limits: ThrottleLimits,
): Promise<number | null> {
  const result = await (db as TenantDb).execute<{ slot: string | number | null }>(sql`
    SELECT reserve_login_attempt(${account}, ${ipAddress}, ${limits.maxPerAccountAndAddress}, ${limits.maxPerAccount},
                                 ${limits.maxPerAddress}, ${limits.windowMinutes})::text AS slot`);
  const slot = result.rows[0]?.slot;
  return slot === null || slot === undefined ? null : Number(slot);
}

/** The check passed: the slot is a success, and this account's earlier failures are forgiven. */
export async function markAttemptSucceeded(
  db: TenantDb | CentralDb,
  table: AttemptsTable,
  account: string,
  slot: number,
): Promise<void> {
  const attempts = sql.identifier(table);
  await (db as TenantDb).execute(sql`
    WITH succeeded AS (UPDATE ${attempts} SET succeeded = true WHERE id = ${slot})
    DELETE FROM ${attempts} WHERE account = ${account} AND NOT succeeded AND id <> ${slot}`);
}

/** Failures of one account in the window, from every address (to end a TOTP step once it has none left). */
export async function accountFailures(
  db: TenantDb | CentralDb,
  table: AttemptsTable,
  account: string,
  windowMinutes: number,
): Promise<number> {
  const result = await (db as TenantDb).execute<{ failures: number }>(sql`
    SELECT count(*)::int AS failures FROM ${sql.identifier(table)}
     WHERE account = ${account} AND NOT succeeded AND created_at > now() - make_interval(mins => ${windowMinutes})`);
  return result.rows[0]?.failures ?? 0;
}
