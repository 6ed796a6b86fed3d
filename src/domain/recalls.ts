/**
 * Recall reminders ("su próximo control"): on the run for `period` (the shop-local date), a patient
 * is due N days before the next visit their LATEST prescription sets, for each N of the shop's
 * recall automations (7 when it has none). An older prescription's date never counts: a newer exam
 * replaced it, even one without a next visit. Dates are calendar dates (`YYYY-MM-DD`), so month
 * ends and 29 February are plain day arithmetic. The database query (src/queries/schedule.ts)
 * applies the same rule; test/worker/domain/recalls.test.ts pins both to one table of dates.
 */
import { addDays } from './dates';

/** When the shop has no recall automation (or none with a day count), patients hear a week before. */
export const defaultRecallDays = [7] as const;

/** At most a year ahead; a day count outside 0..365 is ignored. */
export function recallDayCounts(configured: readonly number[]): number[] {
  const valid = [...new Set(configured.filter((days) => Number.isInteger(days) && days >= 0 && days <= 365))];
  return (valid.length > 0 ? valid : [...defaultRecallDays]).sort((a, b) => a - b);
}

export interface RecallPrescription {
  id: string;
  patientId: string;
  examinedOn: string;
  /** Tie-break between two exams of one day: the later entry is the latest. */
  createdAt: string;
  nextVisitOn: string | null;
}

export interface DueRecall {
  prescriptionId: string;
  patientId: string;
  daysBefore: number;
  nextVisitOn: string;
}

/** The patient's latest prescription: the last exam date, then the last entered, then the greatest id. */
export function latestPrescriptions<P extends RecallPrescription>(prescriptions: readonly P[]): P[] {
  const latest = new Map<string, P>();
  for (const rx of prescriptions) {
    const current = latest.get(rx.patientId);
    if (
      !current ||
      rx.examinedOn > current.examinedOn ||
      (rx.examinedOn === current.examinedOn &&
        (rx.createdAt > current.createdAt || (rx.createdAt === current.createdAt && rx.id > current.id)))
    )
      latest.set(rx.patientId, rx);
  }
  return [...latest.values()];
}

/** The next-visit dates a run on `period` looks for, one per day count. */
export function recallTargets(
  period: string,
  dayCounts: readonly number[],
): Array<{ daysBefore: number; nextVisitOn: string }> {
  return recallDayCounts(dayCounts).map((daysBefore) => ({ daysBefore, nextVisitOn: addDays(period, daysBefore) }));
}

/** The recalls due on `period`, sorted by patient then day count. */
export function dueRecalls(
  period: string,
  dayCounts: readonly number[],
  prescriptions: readonly RecallPrescription[],
): DueRecall[] {
  const targets = recallTargets(period, dayCounts);
  const due: DueRecall[] = [];
  for (const rx of latestPrescriptions(prescriptions)) {
    if (!rx.nextVisitOn) continue;
    for (const target of targets)
      if (target.nextVisitOn === rx.nextVisitOn)
        due.push({
          prescriptionId: rx.id,
          patientId: rx.patientId,
          daysBefore: target.daysBefore,
          nextVisitOn: rx.nextVisitOn,
        });
  }
  return due.sort((a, b) => a.patientId.localeCompare(b.patientId) || a.daysBefore - b.daysBefore);
}

/** The outbox key of one recall: once per prescription and day count (common.md's contract). */
export function recallEventKey(prescriptionId: string, daysBefore: number): string {
  return `recall.due:${prescriptionId}:${daysBefore}`;
}
