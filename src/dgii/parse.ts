/**
 * Lines of the DGII taxpayer registry (what `optiflow sync:dgii` imports), already decoded to text.
 * Two layouts: the classic `DGII_RNC.TXT` (pipe-delimited, no header, 11 columns) and the newer CSV
 * (a header row naming the columns, comma-separated with double quotes). Pure functions, no I/O.
 */
import { compactTaxId } from '../domain/tax-id';

export interface TaxpayerRecord {
  /** 9 digits (RNC) or 11 (cédula); the check digit is not enforced: the registry is the authority. */
  taxId: string;
  name: string;
  commercialName: string | null;
  activity: string | null;
  status: string | null;
  regime: string | null;
  /** ISO `yyyy-mm-dd`, or null when absent or not a real date. */
  startedOn: string | null;
}

/** Why a line was not imported: `tax-id` not 9 or 11 digits, `name` empty, `columns` too few or too many. */
export type SkipReason = 'tax-id' | 'name' | 'columns';

export type ParsedLine = { ok: true; record: TaxpayerRecord } | { ok: false; reason: SkipReason };

/** Column positions of one layout; `null` when the layout has no such column. */
export interface RegistryLayout {
  kind: 'pipe' | 'csv';
  delimiter: string;
  /** How many columns a data row has (extra trailing empty columns are tolerated). */
  columns: number;
  taxId: number;
  name: number;
  commercialName: number | null;
  activity: number | null;
  startedOn: number | null;
  status: number | null;
  regime: number | null;
}

/** `DGII_RNC.TXT`: 0 RNC/cédula, 1 razón social, 2 nombre comercial, 3 actividad, 4-7 address/phone, 8 inicio, 9 estado, 10 régimen. */
export const pipeLayout: RegistryLayout = {
  kind: 'pipe',
  delimiter: '|',
  columns: 11,
  taxId: 0,
  name: 1,
  commercialName: 2,
  activity: 3,
  startedOn: 8,
  status: 9,
  regime: 10,
};

type Field = 'taxId' | 'name' | 'commercialName' | 'activity' | 'startedOn' | 'status' | 'regime';

/** Header names (lower case, accents and non-letters removed) -> field. */
const headerNames: Record<string, Field> = {
  rnc: 'taxId',
  cedula: 'taxId',
  rnccedula: 'taxId',
  cedularnc: 'taxId',
  identificacion: 'taxId',
  numeroidentificacion: 'taxId',
  razonsocial: 'name',
  nombre: 'name',
  nombrerazonsocial: 'name',
  nombrecomercial: 'commercialName',
  actividadeconomica: 'activity',
  actividad: 'activity',
  fechainicio: 'startedOn',
  fechadeinicio: 'startedOn',
  fechainiciooperaciones: 'startedOn',
  fechadeiniciooperaciones: 'startedOn',
  fechadeiniciodeoperaciones: 'startedOn',
  estado: 'status',
  regimen: 'regime',
  regimendepago: 'regime',
};

function normaliseHeader(name: string): string {
  return name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');
}

/**
 * The layout a file's first line announces: a header row naming at least the identification and
 * the name (comma, semicolon or pipe separated) means the CSV variant; anything else is the
 * classic headerless pipe file, whose first line is already data.
 */
export function detectLayout(firstLine: string): RegistryLayout {
  const line = firstLine.replace(/^\uFEFF/, '');
  for (const delimiter of [',', ';', '|']) {
    if (!line.includes(delimiter)) continue;
    const layout = headerLayout(splitDelimited(line, delimiter).map(normaliseHeader), delimiter);
    if (layout) return layout;
  }
  return pipeLayout;
}

function headerLayout(names: string[], delimiter: string): RegistryLayout | null {
  const position = (field: Field): number | null => {
    const index = names.findIndex((name) => headerNames[name] === field);
    return index === -1 ? null : index;
  };
  const taxId = position('taxId');
  const name = position('name');
  if (taxId === null || name === null) return null;
  return {
    kind: 'csv',
    delimiter,
    columns: names.length,
    taxId,
    name,
    commercialName: position('commercialName'),
    activity: position('activity'),
    startedOn: position('startedOn'),
    status: position('status'),
    regime: position('regime'),
  };
}

/** Splits one line on `delimiter`, honouring double quotes (`"a, b"`, `"say ""hi"""`) for the CSV variant. */
export function splitDelimited(line: string, delimiter: string): string[] {
  if (!line.includes('"')) return line.split(delimiter);
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let index = 0; index < line.length; index++) {
    const char = line[index]!;
    if (quoted) {
      if (char !== '"') field += char;
      else if (line[index + 1] === '"') {
        field += '"';
        index++;
      } else quoted = false;
    } else if (char === '"') quoted = true;
    else if (char === delimiter) {
      fields.push(field);
      field = '';
    } else field += char;
  }
  fields.push(field);
  return fields;
}

/** True while a CSV record is still inside a quoted field (an odd number of quotes so far): it continues on the next line. */
export function hasOpenQuote(text: string): boolean {
  let count = 0;
  for (let index = text.indexOf('"'); index !== -1; index = text.indexOf('"', index + 1)) count++;
  return count % 2 === 1;
}

/** Parses one data line (without its line break) in `layout`; blank lines are the caller's to skip. */
export function parseRegistryLine(line: string, layout: RegistryLayout = pipeLayout): ParsedLine {
  const fields = layout.kind === 'csv' ? splitDelimited(line, layout.delimiter) : line.split(layout.delimiter);
  if (fields.length < layout.columns) return { ok: false, reason: 'columns' };
  for (let index = layout.columns; index < fields.length; index++) {
    if (fields[index]!.trim() !== '') return { ok: false, reason: 'columns' };
  }
  const taxId = compactTaxId(fields[layout.taxId]!);
  if (!/^(\d{9}|\d{11})$/.test(taxId)) return { ok: false, reason: 'tax-id' };
  const name = fields[layout.name]!.trim();
  if (name === '') return { ok: false, reason: 'name' };
  const text = (index: number | null): string | null => (index === null ? null : fields[index]!.trim() || null);
  return {
    ok: true,
    record: {
      taxId,
      name,
      commercialName: text(layout.commercialName),
      activity: text(layout.activity),
      status: text(layout.status)?.toUpperCase() ?? null,
      regime: text(layout.regime)?.toUpperCase() ?? null,
      startedOn: parseRegistryDate(text(layout.startedOn)),
    },
  };
}

/** `dd/mm/yyyy` (also `dd-mm-yyyy`, or ISO `yyyy-mm-dd`) -> `yyyy-mm-dd`; null when empty or not a real date. */
export function parseRegistryDate(value: string | null): string | null {
  if (!value) return null;
  const dmy = /^(\d{1,2})[/-](\d{1,2})[/-](\d{4})$/.exec(value);
  const ymd = dmy ? null : /^(\d{4})-(\d{2})-(\d{2})(?:[T ].*)?$/.exec(value);
  const parts = dmy ? [dmy[3], dmy[2], dmy[1]] : ymd ? [ymd[1], ymd[2], ymd[3]] : null;
  if (!parts) return null;
  const [year, month, day] = parts.map(Number) as [number, number, number];
  if (year < 1800 || month < 1 || month > 12 || day < 1) return null;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day > daysInMonth) return null;
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}
