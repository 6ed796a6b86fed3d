/**
 * Lens products: the powers each is made in (sphere, cylinder, add: min-max in 0.25 D steps, within
 * the prescription's ranges, min <= max, both ends or neither) and what that covers in words.
 */
import { formatDiopter, formatScaled, lensPowerRules, parseScaled } from './prescription';

export const powerRangeFields = ['sphereMin', 'sphereMax', 'cylinderMin', 'cylinderMax', 'addMin', 'addMax'] as const;
export type PowerRangeField = (typeof powerRangeFields)[number];
export type PowerRanges = Record<PowerRangeField, string | null>;

/** Why an end of a range is refused: not a power in the Rx range and step, only one end, or min above max. */
export type PowerRangeIssue = 'power' | 'bothEnds' | 'order';

const measures = ['sphere', 'cylinder', 'add'] as const;

/** Checks the six ends; values come back as `-2.00`-style decimals (2 places) or null. */
export function checkPowerRanges(raw: Partial<Record<PowerRangeField, string | null | undefined>>): {
  values: PowerRanges;
  issues: Partial<Record<PowerRangeField, PowerRangeIssue>>;
} {
  const values = {} as PowerRanges;
  const issues: Partial<Record<PowerRangeField, PowerRangeIssue>> = {};
  for (const measure of measures) {
    const rule = lensPowerRules[measure];
    const ends = [`${measure}Min`, `${measure}Max`] as const;
    const units = ends.map((field) => {
      const text = raw[field]?.trim() ?? '';
      if (!text) return null;
      const value = parseScaled(text, rule.scale);
      if (value === null || value < rule.min || value > rule.max || value % rule.step !== 0) {
        issues[field] = 'power';
        return undefined;
      }
      return value;
    });
    ends.forEach((field, index) => {
      const value = units[index];
      values[field] = typeof value === 'number' ? formatScaled(value, rule.scale) : null;
    });
    const [min, max] = units;
    if (min === undefined || max === undefined) continue;
    if ((min === null) !== (max === null)) issues[min === null ? ends[0] : ends[1]] = 'bothEnds';
    else if (min !== null && max !== null && min > max) issues[ends[1]] = 'order';
  }
  return { values, issues };
}

/** `Esfera -6.00 a +4.00 · Cilindro -2.00 a 0.00 · Adición +0.75 a +3.50`: the parts that are set. */
export function powerCoverage(
  ranges: Partial<PowerRanges>,
  labels: Record<(typeof measures)[number], string>,
  to: string,
): string | null {
  const parts = measures.flatMap((measure) => {
    const min = ranges[`${measure}Min`];
    const max = ranges[`${measure}Max`];
    return min != null && max != null ? [`${labels[measure]} ${formatDiopter(min)} ${to} ${formatDiopter(max)}`] : [];
  });
  return parts.length ? parts.join(' · ') : null;
}
