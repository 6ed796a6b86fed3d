import { desc, eq, sql } from 'drizzle-orm';
import type { TenantDb } from '../db/client';
import { reportExports, users } from '../db/tenant-schema';

export type ReportExport = typeof reportExports.$inferSelect;

/** Records a background export, queued. */
export async function insertReportExport(
  db: TenantDb,
  values: Pick<
    typeof reportExports.$inferInsert,
    'report' | 'format' | 'filters' | 'rowsTotal' | 'fileName' | 'requestedBy'
  >,
): Promise<ReportExport> {
  const [row] = await db.insert(reportExports).values(values).returning();
  return row!;
}

export async function getReportExport(db: TenantDb, id: string): Promise<ReportExport | null> {
  const [row] = await db.select().from(reportExports).where(eq(reportExports.id, id));
  return row ?? null;
}

/** The latest exports with who asked, newest first (an unexecuted query, for a page's batch). */
export function recentReportExportsQuery(db: TenantDb, limit: number) {
  return db
    .select({
      id: reportExports.id,
      report: reportExports.report,
      format: reportExports.format,
      status: reportExports.status,
      rowsDone: reportExports.rowsDone,
      rowsTotal: reportExports.rowsTotal,
      fileName: reportExports.fileName,
      createdAt: reportExports.createdAt,
      requestedBy: users.name,
    })
    .from(reportExports)
    .leftJoin(users, eq(users.id, reportExports.requestedBy))
    .orderBy(desc(reportExports.createdAt), desc(reportExports.id))
    .limit(limit);
}

/**
 * Takes a queued export for running, atomically: a repeated queue message (at-least-once delivery)
 * finds it running or done and gets null. An export left running for 15 minutes (its Worker died) is
 * taken again.
 */
export async function claimReportExport(db: TenantDb, id: string): Promise<ReportExport | null> {
  const rows = await db
    .update(reportExports)
    .set({ status: 'running', startedAt: sql`now()`, rowsDone: 0, error: null })
    .where(
      sql`${reportExports.id} = ${id} AND (${reportExports.status} = 'queued'
          OR (${reportExports.status} = 'running' AND ${reportExports.startedAt} < now() - interval '15 minutes'))`,
    )
    .returning();
  return rows[0] ?? null;
}

export async function reportExportProgress(db: TenantDb, id: string, rowsDone: number): Promise<void> {
  await db.update(reportExports).set({ rowsDone }).where(eq(reportExports.id, id));
}

export async function finishReportExport(
  db: TenantDb,
  id: string,
  outcome: { fileKey: string; byteSize: number; rowsDone: number } | { error: string },
): Promise<void> {
  const values =
    'error' in outcome
      ? { status: 'failed' as const, error: outcome.error.slice(0, 500) }
      : { status: 'done' as const, fileKey: outcome.fileKey, byteSize: outcome.byteSize, rowsDone: outcome.rowsDone };
  await db
    .update(reportExports)
    .set({ ...values, finishedAt: sql`now()` })
    .where(eq(reportExports.id, id));
}

/** The shop's users, for the seller filter (an unexecuted query). */
export function sellerOptionsQuery(db: TenantDb) {
  return db.select({ id: users.id, name: users.name }).from(users).orderBy(sql`lower(${users.name})`, users.id);
}
