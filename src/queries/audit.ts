import { and, desc, like, lt, or, sql, type SQL } from 'drizzle-orm';
import type { SessionUser } from '../auth/session';
import { auditLog } from '../db/tenant-schema';
import type { TenantDb } from '../db/client';

export type AuditEntry = typeof auditLog.$inferSelect;

/** Who an activity entry names: a user (actorLabel) or a ready label. */
export type Actor = Pick<SessionUser, 'name' | 'email' | 'impersonatedBy' | 'apiScope'>;

/** Who did it, as the activity log shows it: the user's name and e-mail (or the support admin acting as them), and whether through an API token. */
export function actorLabel(user: Actor): string {
  const who = user.impersonatedBy
    ? `${supportActor(user.impersonatedBy)} (como ${user.email})`
    : `${user.name} (${user.email})`;
  return user.apiScope ? `${who} · API` : who;
}

/**
 * Records one entry of the shop's activity log (/audit). `action` is a code of the catalogue
 * (`sequence.created`, `user.disabled`, ...); `details` are the few facts the log shows beside it.
 */
export async function recordActivity(
  db: TenantDb,
  actor: Actor | string | null,
  action: string,
  details: Record<string, unknown> = {},
): Promise<void> {
  await activityEntry(db, actor, action, details);
}

function actorText(actor: Actor | string | null): string | null {
  return actor === null || typeof actor === 'string' ? actor : actorLabel(actor);
}

/**
 * The activity entry of a change as an unexecuted statement, for the change's own `db.batch` (one
 * transaction): a change that fails takes its entry with it.
 */
export function activityEntry(
  db: TenantDb,
  actor: Actor | string | null,
  action: string,
  details: Record<string, unknown> = {},
) {
  return db.insert(auditLog).values({ action, actor: actorText(actor), details });
}

/**
 * Like activityEntry, for a change that may touch no row: one entry per row of `from` (a FROM ...
 * WHERE ... clause), its details a jsonb expression over that row. Placed after the change in the
 * same batch, it sees the change; a change that matched nothing leaves no entry.
 */
export function activityFrom(db: TenantDb, actor: Actor | string | null, action: string, details: SQL, from: SQL) {
  return db.execute(
    sql`INSERT INTO audit_log (action, actor, details) SELECT ${action}, ${actorText(actor)}, ${details} ${from}`,
  );
}

/** An activity entry to write with a change: who, the action code and, optionally, facts the query cannot know. */
export interface ActivityLog {
  actor: Actor | string | null;
  action: string;
  extra?: Record<string, unknown>;
}

/**
 * The INSERT of an activity entry as a data-modifying CTE body, one entry per row of `alias` (the
 * CTE holding the changed row): inside the change's own statement, a change that touched nothing
 * or failed writes no entry. `details` is a jsonb expression over that row.
 */
export function activityInsert(log: ActivityLog, alias: string, details: SQL): SQL {
  const extra = JSON.stringify(log.extra ?? {});
  return sql`INSERT INTO audit_log (action, actor, details)
    SELECT ${log.action}, ${actorText(log.actor)}, ${details} || ${extra}::jsonb FROM ${sql.raw(alias)}`;
}

/**
 * Runs a data-modifying statement (INSERT/UPDATE/DELETE ... RETURNING) and its activity entry as
 * ONE statement: an entry per returned row (`details`: jsonb over that row's columns, by their SQL
 * names), none when the change touched nothing or failed. Returns the changed rows as the database
 * named their columns.
 */
export async function changeWithActivity<Row extends Record<string, unknown>>(
  db: TenantDb,
  change: { getSQL(): SQL },
  log: ActivityLog,
  details: SQL,
): Promise<Row[]> {
  const result = await db.execute<Row>(
    sql`WITH changed AS (${change.getSQL()}), logged AS (${activityInsert(log, 'changed', details)}) SELECT * FROM changed`,
  );
  return result.rows;
}

/** Newest first, keyset on the id (bigserial: insertion order); `kinds` keeps actions starting with one of the prefixes. */
export async function listAuditLog(
  db: TenantDb,
  options: { before: number | null; limit: number; kinds?: readonly string[] },
): Promise<{ rows: AuditEntry[]; next: number | null }> {
  const filters: SQL[] = [];
  if (options.before !== null) filters.push(lt(auditLog.id, options.before));
  if (options.kinds?.length)
    filters.push(or(...options.kinds.map((prefix) => like(auditLog.action, `${prefix.replace(/[\\%_]/g, '\\$&')}%`)))!);
  const rows = await db
    .select()
    .from(auditLog)
    .where(filters.length ? and(...filters) : undefined)
    .orderBy(desc(auditLog.id))
    .limit(options.limit + 1);
  const page = rows.slice(0, options.limit);
  return { rows: page, next: rows.length > options.limit ? page[page.length - 1]!.id : null };
}

/** The names of the fields whose value differs between two versions of a record (for "campos: ..."). */
export function changedFields<T extends object>(before: T, after: Partial<T>): string[] {
  return (Object.keys(after) as Array<keyof T & string>).filter(
    (key) => after[key] !== undefined && String(before[key] ?? '') !== String(after[key] ?? ''),
  );
}

/** Support sessions are written in the shop's audit log under this actor. */
export function supportActor(adminEmail: string): string {
  return `OptiFlow soporte: ${adminEmail}`;
}
