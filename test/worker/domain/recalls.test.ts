import { describe, expect, it } from 'vitest';
import { dueRecalls, latestPrescriptions, recallDayCounts, recallTargets } from '../../../src/domain/recalls';

const rx = (
  id: string,
  patientId: string,
  examinedOn: string,
  nextVisitOn: string | null,
  createdAt = `${examinedOn}T10:00:00Z`,
) => ({
  id,
  patientId,
  examinedOn,
  createdAt,
  nextVisitOn,
});

describe('recall day counts', () => {
  it('defaults to 7, drops duplicates and impossible counts, sorts', () => {
    expect(recallDayCounts([])).toEqual([7]);
    expect(recallDayCounts([30, 0, 7, 7])).toEqual([0, 7, 30]);
    expect(recallDayCounts([-1, 1.5, 400])).toEqual([7]);
    expect(recallDayCounts([-1, 3])).toEqual([3]);
  });
});

describe('recall targets (hand-computed)', () => {
  const table: Array<[string, number[], string[]]> = [
    ['2026-12-06', [0, 7, 30], ['2026-12-06', '2026-12-13', '2027-01-05']],
    ['2026-01-31', [1, 28, 30], ['2026-02-01', '2026-02-28', '2026-03-02']],
    ['2028-02-22', [7], ['2028-02-29']],
    ['2028-02-28', [1, 2], ['2028-02-29', '2028-03-01']],
    ['2027-02-28', [1], ['2027-03-01']],
    ['2026-12-31', [1, 31], ['2027-01-01', '2027-01-31']],
    ['2026-04-30', [0, 30], ['2026-04-30', '2026-05-30']],
  ];
  it.each(table)('%s with %j -> %j', (period, days, expected) => {
    expect(recallTargets(period, days).map((target) => target.nextVisitOn)).toEqual(expected);
  });
});

describe('due recalls', () => {
  it('uses only each patient latest prescription', () => {
    const prescriptions = [
      // Ana: an old Rx points at the target date, her latest points elsewhere -> nothing.
      rx('a-old', 'ana', '2025-12-01', '2026-12-13'),
      rx('a-new', 'ana', '2026-06-01', '2027-06-01'),
      // Beto: latest Rx is due in 7 days.
      rx('b-old', 'beto', '2025-01-10', '2026-01-10'),
      rx('b-new', 'beto', '2026-05-10', '2026-12-13'),
      // Carla: latest Rx has no next visit -> nothing, though an older one matches.
      rx('c-old', 'carla', '2025-12-06', '2026-12-13'),
      rx('c-new', 'carla', '2026-10-01', null),
      // Dario: two exams the same day; the one entered later wins.
      rx('d-first', 'dario', '2026-11-01', '2026-12-13', '2026-11-01T09:00:00Z'),
      rx('d-second', 'dario', '2026-11-01', '2027-01-05', '2026-11-01T11:00:00Z'),
      // Eva: due today (N = 0) and Fede in 30 days.
      rx('e', 'eva', '2025-12-06', '2026-12-06'),
      rx('f', 'fede', '2026-01-05', '2027-01-05'),
      // Gabi: due tomorrow, which no day count asks for.
      rx('g', 'gabi', '2025-12-07', '2026-12-07'),
    ];
    expect(
      latestPrescriptions(prescriptions)
        .map((p) => p.id)
        .sort(),
    ).toEqual(['a-new', 'b-new', 'c-new', 'd-second', 'e', 'f', 'g'].sort());
    expect(dueRecalls('2026-12-06', [0, 7, 30], prescriptions)).toEqual([
      { prescriptionId: 'b-new', patientId: 'beto', daysBefore: 7, nextVisitOn: '2026-12-13' },
      { prescriptionId: 'd-second', patientId: 'dario', daysBefore: 30, nextVisitOn: '2027-01-05' },
      { prescriptionId: 'e', patientId: 'eva', daysBefore: 0, nextVisitOn: '2026-12-06' },
      { prescriptionId: 'f', patientId: 'fede', daysBefore: 30, nextVisitOn: '2027-01-05' },
    ]);
    // With no automation day counts, only the 7-day default applies.
    expect(dueRecalls('2026-12-06', [], prescriptions).map((due) => due.prescriptionId)).toEqual(['b-new']);
  });

  it('finds a leap-day visit and a month-end visit on the right runs only', () => {
    const prescriptions = [rx('leap', 'p1', '2027-02-28', '2028-02-29'), rx('end', 'p2', '2026-01-31', '2026-02-28')];
    expect(dueRecalls('2028-02-22', [7], prescriptions).map((d) => d.prescriptionId)).toEqual(['leap']);
    expect(dueRecalls('2028-02-21', [7], prescriptions)).toEqual([]);
    expect(dueRecalls('2028-02-23', [7], prescriptions)).toEqual([]);
    expect(dueRecalls('2026-01-29', [30], prescriptions)).toEqual([
      { prescriptionId: 'end', patientId: 'p2', daysBefore: 30, nextVisitOn: '2026-02-28' },
    ]);
    expect(dueRecalls('2026-02-21', [7], prescriptions).map((d) => d.prescriptionId)).toEqual(['end']);
  });
});
