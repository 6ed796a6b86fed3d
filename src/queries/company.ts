import { and, eq, sql } from 'drizzle-orm';
import { company, currencies } from '../db/tenant-schema';
import type { TenantDb } from '../db/client';
import { type ActivityLog, activityEntry, changeWithActivity } from './audit';

export type Company = typeof company.$inferSelect;

export async function getCompany(db: TenantDb): Promise<Company | null> {
  const [row] = await db.select().from(company).where(eq(company.id, 1)).limit(1);
  return row ?? null;
}

export type CompanyChanges = Partial<Omit<typeof company.$inferInsert, 'id' | 'createdAt' | 'updatedAt'>>;

export interface CurrencyOption {
  code: string;
  name: string;
}

/** The company and the currencies it may choose as default, in one query (the settings form). */
export async function getCompanySettings(
  db: TenantDb,
): Promise<{ company: Company; currencies: CurrencyOption[] } | null> {
  const [row] = await db
    .select({
      company,
      currencies: sql<
        CurrencyOption[]
      >`(SELECT coalesce(json_agg(json_build_object('code', cur.code, 'name', cur.name) ORDER BY cur.is_base DESC, cur.code), '[]'::json)
        FROM ${currencies} cur WHERE cur.active OR cur.code = ${company.defaultCurrency})`,
    })
    .from(company)
    .where(eq(company.id, 1))
    .limit(1);
  return row ?? null;
}

/**
 * Saves the settings, with its activity entry in the same statement; the default currency must be
 * an active row of `currencies`, checked in that statement too. Null when it is not (nothing written).
 */
export async function saveCompanySettings(
  db: TenantDb,
  changes: CompanyChanges,
  log: ActivityLog,
): Promise<Company | null> {
  const currencyOk = changes.defaultCurrency
    ? sql`EXISTS (SELECT 1 FROM ${currencies} cur WHERE cur.code = ${changes.defaultCurrency} AND cur.active)`
    : sql`true`;
  const rows = await changeWithActivity(
    db,
    db
      .update(company)
      .set({ ...changes, updatedAt: sql`now()` })
      .where(and(eq(company.id, 1), currencyOk))
      .returning({ id: company.id }),
    log,
    sql`'{}'::jsonb`,
  );
  return rows.length ? getCompany(db) : null;
}

/** Points the company at its logo in R2, or at none, with its activity entry (one transaction). */
export async function setCompanyLogo(db: TenantDb, logoKey: string | null, log: ActivityLog): Promise<void> {
  await db.batch([
    db.update(company).set({ logoKey, updatedAt: sql`now()` }).where(eq(company.id, 1)),
    activityEntry(db, log.actor, log.action, log.extra),
  ]);
}
