/**
 * Optical prescription (Rx) rules: ranges and 0.25 D steps, axis with cylinder, prism with base,
 * pupillary distances that add up, visual acuity as 20/x, ICD-10 codes, exam and next-visit dates,
 * and the comparison of two prescriptions. Pure: numbers are parsed as scaled integers, never floats.
 */

export const eyes = ['od', 'oi'] as const;
export type Eye = (typeof eyes)[number];

export const eyeMeasures = [
  'Sphere',
  'Cylinder',
  'Axis',
  'Add',
  'Prism',
  'PrismBase',
  'Pd',
  'Height',
  'VaSc',
  'VaCc',
  'BaseCurve',
  'Diameter',
  'Keratometry',
  'Iop',
] as const;
export type EyeMeasure = (typeof eyeMeasures)[number];
export type EyeField = `${Eye}${EyeMeasure}`;

export const prismBases = ['up', 'down', 'in', 'out'] as const;
export type PrismBase = (typeof prismBases)[number];

/** Every measurement field of a prescription: both eyes, binocular PD and the contact lens brand. */
export const rxFields: readonly (EyeField | 'pd' | 'contactLensBrand')[] = [
  ...eyes.flatMap((eye) => eyeMeasures.map((measure) => `${eye}${measure}` as EyeField)),
  'pd',
  'contactLensBrand',
];
export type RxField = (typeof rxFields)[number];

/** Why a value is refused; the catalogue key is `prescriptions.error.<code>`. */
export type RxIssueCode =
  | 'sphere'
  | 'cylinder'
  | 'axis'
  | 'axisRequired'
  | 'axisWithoutCylinder'
  | 'add'
  | 'prism'
  | 'prismBase'
  | 'prismBaseRequired'
  | 'prismBaseWithoutPrism'
  | 'pd'
  | 'monocularPd'
  | 'pdSum'
  | 'height'
  | 'va'
  | 'baseCurve'
  | 'diameter'
  | 'iop'
  | 'examFuture'
  | 'nextVisitAfterExam'
  | 'icd10';

export interface RxIssue {
  code: RxIssueCode;
  params?: Record<string, string>;
}

/** Raw text as typed (or sent by the API), keyed by field name; blank means "not measured". */
export type RxRaw = Partial<Record<RxField, string | null | undefined>>;

/** Normalised values as stored: decimals as strings (`-1.25`, `62.0`), the axis as an integer. */
export type RxValues = {
  [K in RxField]: K extends `${Eye}Axis`
    ? number | null
    : K extends `${Eye}PrismBase`
      ? PrismBase | null
      : string | null;
};

interface DecimalRule {
  code: RxIssueCode;
  scale: number;
  /** Inclusive bounds and step in units of 10^-scale. */
  min: number;
  max: number;
  step: number;
}

const rules = {
  Sphere: { code: 'sphere', scale: 2, min: -2000, max: 1975, step: 25 },
  Cylinder: { code: 'cylinder', scale: 2, min: -1000, max: 0, step: 25 },
  Add: { code: 'add', scale: 2, min: 75, max: 350, step: 25 },
  Prism: { code: 'prism', scale: 2, min: 25, max: 2000, step: 25 },
  Pd: { code: 'monocularPd', scale: 1, min: 200, max: 400, step: 1 },
  Height: { code: 'height', scale: 1, min: 100, max: 400, step: 1 },
  BaseCurve: { code: 'baseCurve', scale: 2, min: 700, max: 1000, step: 1 },
  Diameter: { code: 'diameter', scale: 2, min: 1200, max: 1600, step: 1 },
  Iop: { code: 'iop', scale: 1, min: 50, max: 600, step: 1 },
} as const satisfies Partial<Record<EyeMeasure, DecimalRule>>;

/** The powers a lens product may be made in: the Rx ranges and steps of sphere, cylinder and add. */
export const lensPowerRules = { sphere: rules.Sphere, cylinder: rules.Cylinder, add: rules.Add } as const;

const binocularPd: DecimalRule = { code: 'pd', scale: 1, min: 400, max: 800, step: 1 };

/**
 * `+1.25`, `1,25`, `-.5`, `2` -> the value in units of 10^-scale (125, -50, 200 for scale 2);
 * null when it is not a number or has more decimals than the scale (extra zeros are fine).
 */
export function parseScaled(raw: string, scale: number): number | null {
  const text = raw.trim().replace(',', '.');
  const match = /^([+-]?)(\d{0,4})(?:\.(\d+))?$/.exec(text);
  if (!match || (match[2] === '' && match[3] === undefined) || (match[2] === '' && match[3] === '')) return null;
  const decimals = match[3] ?? '';
  if (decimals.length > scale && !/^0*$/.test(decimals.slice(scale))) return null;
  const units = Number(match[2] || '0') * 10 ** scale + Number(decimals.slice(0, scale).padEnd(scale, '0'));
  return match[1] === '-' ? -units : units;
}

/** Units of 10^-scale back to a decimal string (`-125`, 2 -> `-1.25`). */
export function formatScaled(units: number, scale: number): string {
  const sign = units < 0 ? '-' : '';
  const digits = String(Math.abs(units)).padStart(scale + 1, '0');
  return scale === 0 ? `${sign}${digits}` : `${sign}${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
}

/** A diopter value as optometrists write it: always signed (`+1.25`, `-0.50`, `0.00`). */
export function formatDiopter(value: string | null | undefined): string {
  if (value === null || value === undefined || value === '') return '';
  const units = parseScaled(value, 2);
  if (units === null) return value;
  return `${units > 0 ? '+' : ''}${formatScaled(units, 2)}`;
}

function blank(value: string | null | undefined): value is null | undefined | '' {
  return value === null || value === undefined || value.trim() === '';
}

function checkDecimal(raw: string, rule: DecimalRule): number | RxIssue {
  const text = /^(pl|plano|neutro)$/i.test(raw.trim()) && rule.code === 'sphere' ? '0' : raw;
  const units = parseScaled(text, rule.scale);
  if (units === null || units < rule.min || units > rule.max || Math.abs(units) % rule.step !== 0)
    return { code: rule.code };
  return units;
}

/** `20/40`, `20 / 40` -> `20/40`; x from 10 to 400. */
export function normaliseVa(raw: string): string | null {
  const match = /^20\s*\/\s*(\d{1,3})$/.exec(raw.trim());
  if (!match) return null;
  const x = Number(match[1]);
  return x >= 10 && x <= 400 ? `20/${x}` : null;
}

export const icd10Pattern = /^[A-TV-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?$/;

/** Comma-separated codes -> upper-case list without duplicates; the first invalid one is reported. */
export function parseIcd10Codes(raw: string | readonly string[] | null | undefined): {
  codes: string[];
  invalid: string | null;
} {
  const parts = (typeof raw === 'string' ? raw.split(/[,;\s]+/) : (raw ?? []).flatMap((part) => part.split(/[,;\s]+/)))
    .map((part) => part.trim().toUpperCase())
    .filter(Boolean);
  const codes: string[] = [];
  for (const code of parts) {
    if (!icd10Pattern.test(code)) return { codes: [], invalid: code };
    if (!codes.includes(code)) codes.push(code);
  }
  return { codes, invalid: null };
}

/**
 * Checks and normalises the measurements. Issues are keyed by the field they belong beside; a
 * field with an issue has a null value.
 */
export function checkRx(raw: RxRaw): { values: RxValues; issues: Partial<Record<RxField, RxIssue>> } {
  const values = Object.fromEntries(rxFields.map((field) => [field, null])) as RxValues;
  const issues: Partial<Record<RxField, RxIssue>> = {};
  const units: Partial<Record<RxField, number>> = {};
  const set = (field: RxField, value: unknown) => Object.assign(values, { [field]: value });

  for (const eye of eyes) {
    for (const measure of Object.keys(rules) as Array<keyof typeof rules>) {
      const field: RxField = `${eye}${measure}`;
      const text = raw[field];
      if (blank(text)) continue;
      const result = checkDecimal(text, rules[measure]);
      if (typeof result === 'number') {
        units[field] = result;
        set(field, formatScaled(result, rules[measure].scale));
      } else issues[field] = result;
    }

    const axisField: RxField = `${eye}Axis`;
    const axisText = raw[axisField];
    const cylinderUnits = units[`${eye}Cylinder`];
    const hasCylinder = cylinderUnits !== undefined && cylinderUnits !== 0;
    if (!blank(axisText)) {
      const axis = /^\d{1,3}$/.test(axisText.trim().replace(/°$/, ''))
        ? Number(axisText.trim().replace(/°$/, ''))
        : NaN;
      if (!(axis >= 0 && axis <= 180)) issues[axisField] = { code: 'axis' };
      else if (!hasCylinder && !issues[`${eye}Cylinder`]) issues[axisField] = { code: 'axisWithoutCylinder' };
      else set(axisField, axis);
    } else if (hasCylinder) issues[axisField] = { code: 'axisRequired' };

    const baseField: RxField = `${eye}PrismBase`;
    const baseText = raw[baseField];
    const hasPrism = units[`${eye}Prism`] !== undefined;
    if (!blank(baseText)) {
      const base = baseText.trim().toLowerCase();
      if (!(prismBases as readonly string[]).includes(base)) issues[baseField] = { code: 'prismBase' };
      else if (!hasPrism && !issues[`${eye}Prism`]) issues[baseField] = { code: 'prismBaseWithoutPrism' };
      else set(baseField, base);
    } else if (hasPrism) issues[baseField] = { code: 'prismBaseRequired' };

    for (const measure of ['VaSc', 'VaCc'] as const) {
      const field: RxField = `${eye}${measure}`;
      const text = raw[field];
      if (blank(text)) continue;
      const va = normaliseVa(text);
      if (va) set(field, va);
      else issues[field] = { code: 'va' };
    }

    const keratometry = raw[`${eye}Keratometry`];
    if (!blank(keratometry)) set(`${eye}Keratometry`, keratometry.trim());
  }

  if (!blank(raw.pd)) {
    const result = checkDecimal(raw.pd, binocularPd);
    if (typeof result === 'number') {
      set('pd', formatScaled(result, 1));
      const right = units.odPd;
      const left = units.oiPd;
      if (right !== undefined && left !== undefined && right + left !== result) {
        issues.pd = { code: 'pdSum', params: { sum: formatScaled(right + left, 1), pd: formatScaled(result, 1) } };
        set('pd', null);
      }
    } else issues.pd = result;
  }
  if (!blank(raw.contactLensBrand)) set('contactLensBrand', raw.contactLensBrand.trim());
  return { values, issues };
}

/** Exam date not after today; next visit (when given) strictly after the exam. Dates `YYYY-MM-DD`. */
export function checkRxDates(
  examinedOn: string,
  nextVisitOn: string | null,
  today: string,
): { examinedOn?: RxIssue; nextVisitOn?: RxIssue } {
  const issues: { examinedOn?: RxIssue; nextVisitOn?: RxIssue } = {};
  if (examinedOn > today) issues.examinedOn = { code: 'examFuture' };
  if (nextVisitOn !== null && nextVisitOn <= examinedOn) issues.nextVisitOn = { code: 'nextVisitAfterExam' };
  return issues;
}

/** The last day a prescription is valid: one year after the exam (29 Feb -> 28 Feb). */
export function rxValidUntil(examinedOn: string): string {
  const [year, month, day] = examinedOn.slice(0, 10).split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(year + 1, month - 1, day));
  if (date.getUTCMonth() !== month - 1) date.setUTCDate(0);
  return date.toISOString().slice(0, 10);
}

/** A value as compared: decimals by magnitude (`1.25` = `1.250`), the rest as text; blank is null. */
function comparable(field: RxField, value: unknown): string | null {
  if (value === null || value === undefined || value === '') return null;
  const text = String(value).trim();
  const measure = field.slice(2) as EyeMeasure;
  const scale = field === 'pd' ? 1 : measure in rules ? rules[measure as keyof typeof rules].scale : null;
  if (scale !== null && field !== 'contactLensBrand') {
    const units = parseScaled(text, scale);
    if (units !== null) return String(units);
  }
  return text.toLowerCase();
}

export interface RxChange {
  field: RxField;
  older: string | number | null;
  newer: string | number | null;
}

/** The measurement fields whose value differs between an older and a newer prescription. */
export function comparePrescriptions(
  older: Partial<Record<RxField, unknown>>,
  newer: Partial<Record<RxField, unknown>>,
): RxChange[] {
  const changes: RxChange[] = [];
  for (const field of rxFields) {
    if (comparable(field, older[field]) !== comparable(field, newer[field])) {
      changes.push({
        field,
        older: (older[field] ?? null) as string | number | null,
        newer: (newer[field] ?? null) as string | number | null,
      });
    }
  }
  return changes;
}
