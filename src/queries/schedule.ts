import { type SQL, sql } from 'drizzle-orm';
import type { TenantDb } from '../db/client';

/** A run still `running` this long after it started died with its Worker and may be claimed again. */
const abandonedRunAfter = sql`interval '15 minutes'`;

/**
 * Takes the run of `job` for `period`, atomically: a new run, a failed one or an abandoned one
 * becomes `running`; a run that is done, or running elsewhere, is not taken. True when taken.
 */
export async function claimScheduledRun(db: TenantDb, job: string, period: string): Promise<boolean> {
  const result = await db.execute<{ job: string }>(sql`
    INSERT INTO scheduled_runs AS r (job, period) VALUES (${job}, ${period})
    ON CONFLICT (job, period) DO UPDATE SET status = 'running', started_at = now(), finished_at = NULL, detail = '{}'::jsonb
      WHERE r.status = 'failed' OR (r.status = 'running' AND r.started_at < now() - ${abandonedRunAfter})
    RETURNING job`);
  return result.rows.length === 1;
}

/** The end of a claimed run (unexecuted, for the run's own batch). */
export function finishScheduledRunQuery(
  db: TenantDb,
  job: string,
  period: string,
  status: 'done' | 'failed',
  detail: Record<string, unknown>,
) {
  return db.execute(sql`
    UPDATE scheduled_runs SET status = ${status}, finished_at = now(), detail = ${JSON.stringify(detail)}::jsonb
     WHERE job = ${job} AND period = ${period} AND status = 'running'`);
}

export async function scheduledRun(db: TenantDb, job: string, period: string) {
  const result = await db.execute<{ status: string; detail: Record<string, unknown> }>(
    sql`SELECT status, detail FROM scheduled_runs WHERE job = ${job} AND period = ${period}`,
  );
  return result.rows[0] ?? null;
}

function eventsFrom(select: SQL): SQL {
  return sql`
    WITH inserted AS (
      INSERT INTO shop_events (type, key, subject_id, payload)
      ${select}
      ON CONFLICT (key) DO NOTHING
      RETURNING key
    ) SELECT count(*)::int AS count FROM inserted`;
}

/**
 * recall.due for each patient whose LATEST prescription (last exam date, then last entered, then
 * greatest id - src/domain/recalls.ts) has its next visit `days` days after `period`.
 */
export function recallEventsQuery(db: TenantDb, period: string, days: readonly number[]) {
  return db.execute<{ count: number }>(
    eventsFrom(sql`
      SELECT 'recall.due', 'recall.due:' || l.id || ':' || d.days, l.id,
             jsonb_build_object('daysBefore', d.days, 'nextVisitOn', to_char(l.next_visit_on, 'YYYY-MM-DD'), 'patientId', l.patient_id)
        FROM (SELECT DISTINCT ON (p.patient_id) p.id, p.patient_id, p.next_visit_on
                FROM prescriptions p
               ORDER BY p.patient_id, p.examined_on DESC, p.created_at DESC, p.id DESC) l
        JOIN contacts c ON c.id = l.patient_id AND c.archived_at IS NULL
        JOIN unnest(${`{${days.join(',')}}`}::int[]) AS d(days) ON l.next_visit_on = ${period}::date + d.days`),
  );
}

/** lab_order.overdue for every open order promised before `period`, once per order and promised date. */
export function overdueLabOrderEventsQuery(db: TenantDb, period: string) {
  return db.execute<{ count: number }>(
    eventsFrom(sql`
      SELECT 'lab_order.overdue', 'lab_order.overdue:' || o.id || ':' || to_char(o.promised_on, 'YYYY-MM-DD'), o.id,
             jsonb_build_object('number', o.number, 'promisedOn', to_char(o.promised_on, 'YYYY-MM-DD'),
                                'stageId', o.stage_id, 'customerId', o.customer_id, 'branchId', o.branch_id)
        FROM lab_orders o
       WHERE o.closed_at IS NULL AND o.promised_on < ${period}::date`),
  );
}

/**
 * fiscal.range_low for active fiscal sequences (those with a DGII expiry): when the numbers left
 * reach the low mark (the larger of `lowCount` and 10% of the range), then 10, then none - once
 * per level; and once per expiry date when it is `expiryDays` days away or past.
 */
export function fiscalRangeEventsQuery(db: TenantDb, period: string, lowCount: number, expiryDays: number) {
  return db.execute<{ count: number }>(
    eventsFrom(sql`
      SELECT 'fiscal.range_low', 'fiscal.range_low:' || s.id || ':' || x.threshold, s.id,
             jsonb_build_object('reason', x.reason, 'prefix', s.prefix, 'docType', s.doc_type, 'remaining', s.remaining,
                                'threshold', x.threshold, 'validUntil', to_char(s.valid_until, 'YYYY-MM-DD'))
        FROM (SELECT f.*, f.range_end - f.next_number + 1 AS remaining,
                     greatest(${lowCount}, ceil((f.range_end - f.range_start + 1) * 0.1))::bigint AS low
                FROM fiscal_sequences f WHERE f.active AND f.valid_until IS NOT NULL) s
        CROSS JOIN LATERAL (
          SELECT 'remaining' AS reason,
                 (CASE WHEN s.remaining <= 0 THEN 0 WHEN s.remaining <= 10 THEN 10 ELSE s.low END)::text AS threshold
           WHERE s.remaining <= s.low
          UNION ALL
          SELECT 'expiring', 'expires-' || to_char(s.valid_until, 'YYYY-MM-DD')
           WHERE s.valid_until <= ${period}::date + ${expiryDays}::int
        ) x`),
  );
}

/** ecf.certificate_expiring when the certificate's last day (Santo Domingo time) is 30, then 7, days away or less. */
export function certificateEventsQuery(db: TenantDb, period: string) {
  return db.execute<{ count: number }>(
    eventsFrom(sql`
      SELECT 'ecf.certificate_expiring', 'ecf.certificate_expiring:' || e.serial_number || ':' || x.threshold, NULL::uuid,
             jsonb_build_object('serialNumber', e.serial_number, 'notAfter', e.not_after, 'daysLeft', x.days_left, 'threshold', x.threshold)
        FROM ecf_settings e
        CROSS JOIN LATERAL (
          SELECT (e.not_after AT TIME ZONE 'America/Santo_Domingo')::date - ${period}::date AS days_left
        ) d
        CROSS JOIN LATERAL (
          SELECT d.days_left AS days_left, CASE WHEN d.days_left <= 7 THEN 7 ELSE 30 END AS threshold
           WHERE d.days_left <= 30
        ) x`),
  );
}
