/**
 * Imports from a shop's old system: reading the file (CSV in UTF-8 or Windows-1252, comma, semicolon
 * or tab; or .xlsx), the target fields of each entity, and the guesses that map a file's headers to
 * them. Pure: the rules that need the shop's data (existing keys, customers, taxes) are applied by
 * src/services/shop/imports.ts with the lookups it loads in one batch.
 */
import { parseCsv } from 'hucre/csv';
import { streamXlsxRows } from 'hucre/xlsx';

/** What can be imported; the same list as the CHECK on import_runs.entity (src/db/tenant-schema.ts). */
export const importEntities = ['contacts', 'products', 'prescriptions', 'invoices'] as const;
export type ImportEntity = (typeof importEntities)[number];

export function isImportEntity(value: unknown): value is ImportEntity {
  return typeof value === 'string' && (importEntities as readonly string[]).includes(value);
}

/** Upload limits: a bigger file is refused with a 422 before anything is stored. */
export const importMaxBytes = 10 * 1024 * 1024;
export const importMaxRows = 50_000;

/** A file as rows of text: the header row, then one array per data row (row numbers start at 2). */
export interface ImportTable {
  headers: string[];
  rows: string[][];
}

export type ImportFileKind = 'csv' | 'xlsx';

export class ImportFileError extends Error {
  override name = 'ImportFileError';
  constructor(readonly reason: 'empty' | 'unreadable' | 'format' | 'tooManyRows' | 'noHeaders') {
    super(reason);
  }
}

/** `.xlsx` by name or by its zip signature (PK), otherwise CSV text. */
export function importFileKind(fileName: string, bytes: Uint8Array): ImportFileKind | null {
  const name = fileName.toLowerCase();
  const zip = bytes[0] === 0x50 && bytes[1] === 0x4b;
  if (name.endsWith('.xlsx')) return zip ? 'xlsx' : null;
  if (name.endsWith('.csv') || name.endsWith('.txt')) return zip ? null : 'csv';
  return zip ? 'xlsx' : null;
}

// Windows-1252 differs from Latin-1 only in 0x80-0x9F (undefined bytes decode to U+FFFD).
const cp1252High = [
  0x20ac, 0xfffd, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0xfffd,
  0x017d, 0xfffd, 0xfffd, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a,
  0x0153, 0xfffd, 0x017e, 0x0178,
];

/** UTF-8 when the bytes are valid UTF-8 (a BOM is dropped), else Windows-1252 (what Excel "CSV" writes here). */
export function decodeText(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    let text = '';
    for (let start = 0; start < bytes.length; start += 8192) {
      const codes = Array.from(bytes.subarray(start, start + 8192), (byte) =>
        byte >= 0x80 && byte <= 0x9f ? cp1252High[byte - 0x80]! : byte,
      );
      text += String.fromCharCode(...codes);
    }
    return text;
  }
}

/** The delimiter the header line uses most: `;` (Excel in Spanish), `,` or a tab. */
export function detectCsvDelimiter(text: string): string {
  const firstLine = text.slice(0, text.search(/\r?\n|$/));
  const count = (char: string) => firstLine.split(char).length - 1;
  const candidates = [';', ',', '\t'].map((char) => [char, count(char)] as const);
  candidates.sort((a, b) => b[1] - a[1]);
  return candidates[0]![1] > 0 ? candidates[0]![0] : ',';
}

function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? '' : value.toISOString().slice(0, 10);
  return String(value).trim();
}

/**
 * The first sheet's rows, parsed row by row (no workbook model: no styles, merges or other sheets
 * held); reading stops once the file has more rows than an import takes.
 */
async function readFirstSheet(bytes: Uint8Array): Promise<unknown[][]> {
  const rows: unknown[][] = [];
  try {
    for await (const row of streamXlsxRows(bytes, { sheet: 0 })) {
      if (!row.values.some((value) => value !== null && value !== undefined && value !== '')) continue;
      rows.push(row.values);
      // The header row plus the most data rows an import takes: beyond that the answer is already known.
      if (rows.length > importMaxRows + 1) break;
    }
  } catch {
    throw new ImportFileError('unreadable');
  }
  return rows;
}

/** Reads an uploaded file into text rows; blank rows are dropped, short rows padded to the headers. */
export async function readImportTable(kind: ImportFileKind, bytes: Uint8Array): Promise<ImportTable> {
  if (bytes.byteLength === 0) throw new ImportFileError('empty');
  let raw: unknown[][];
  if (kind === 'csv') {
    const text = decodeText(bytes).replace(/^\uFEFF/, '');
    raw = parseCsv(text, { delimiter: detectCsvDelimiter(text), typeInference: false });
  } else {
    raw = await readFirstSheet(bytes);
  }
  const rows = raw.map((row) => row.map(cellText));
  const headerIndex = rows.findIndex((row) => row.some((cell) => cell !== ''));
  if (headerIndex < 0) throw new ImportFileError('empty');
  const headers = rows[headerIndex]!;
  if (headers.filter((header) => header !== '').length === 0) throw new ImportFileError('noHeaders');
  const data = rows.slice(headerIndex + 1).filter((row) => row.some((cell) => cell !== ''));
  if (data.length === 0) throw new ImportFileError('empty');
  if (data.length > importMaxRows) throw new ImportFileError('tooManyRows');
  return {
    headers,
    rows: data.map((row) =>
      row.length >= headers.length ? row : [...row, ...Array(headers.length - row.length).fill('')],
    ),
  };
}

/** One target field of an entity: whether it must be mapped, and header names that usually mean it. */
export interface ImportField {
  name: string;
  required: boolean;
  guesses: readonly string[];
}

const field = (name: string, required: boolean, ...guesses: string[]): ImportField => ({ name, required, guesses });

const eyeFields = (eye: 'od' | 'oi', words: string[]): ImportField[] =>
  (
    [
      ['Sphere', ['esfera', 'esf', 'sph', 'sphere']],
      ['Cylinder', ['cilindro', 'cil', 'cyl', 'cylinder']],
      ['Axis', ['eje', 'axis']],
      ['Add', ['adicion', 'add']],
      ['Pd', ['dp', 'dnp', 'pd']],
      ['Height', ['altura', 'height']],
      ['VaSc', ['av sc', 'avsc', 'va sc']],
      ['VaCc', ['av cc', 'avcc', 'va cc']],
    ] as const
  ).map(([measure, names]) =>
    field(
      `${eye}${measure}`,
      false,
      ...names.flatMap((name) => words.flatMap((word) => [`${name} ${word}`, `${word} ${name}`])),
    ),
  );

/** The fields of each entity, in form order. Products add one opening-stock field per branch (`stock:<code>`). */
export const importFields: Record<ImportEntity, readonly ImportField[]> = {
  contacts: [
    field(
      'importKey',
      false,
      'id anterior',
      'codigo',
      'codigo cliente',
      'id cliente',
      'old id',
      'id',
      'code',
      'customer id',
    ),
    field('name', true, 'nombre', 'nombre completo', 'cliente', 'paciente', 'razon social', 'name', 'full name'),
    field('idType', false, 'tipo de documento', 'tipo documento', 'tipo id', 'id type'),
    field(
      'idNumber',
      false,
      'cedula',
      'cedula/rnc',
      'cedula o rnc',
      'rnc',
      'rnc/cedula',
      'documento',
      'identificacion',
      'id number',
      'tax id',
    ),
    field('kind', false, 'tipo', 'tipo de contacto', 'kind', 'type'),
    field('phone', false, 'telefono', 'tel', 'telefono casa', 'phone'),
    field('mobile', false, 'celular', 'movil', 'whatsapp', 'mobile', 'cell'),
    field('email', false, 'correo', 'correo electronico', 'email', 'e-mail'),
    field('address', false, 'direccion', 'address'),
    field(
      'birthDate',
      false,
      'fecha de nacimiento',
      'nacimiento',
      'fecha nacimiento',
      'birth date',
      'birthdate',
      'date of birth',
    ),
    field('gender', false, 'sexo', 'genero', 'gender', 'sex'),
    field('notes', false, 'notas', 'observaciones', 'comentarios', 'notes'),
  ],
  products: [
    field('sku', true, 'sku', 'codigo', 'referencia', 'ref', 'code', 'item'),
    field('name', true, 'nombre', 'descripcion', 'producto', 'articulo', 'name', 'description'),
    field('category', true, 'categoria', 'tipo', 'category'),
    field('brand', false, 'marca', 'brand'),
    field('price', true, 'precio', 'precio de venta', 'precio venta', 'price'),
    field('cost', false, 'costo', 'cost', 'precio de costo'),
    field('taxCode', false, 'itbis', 'impuesto', 'tax', 'codigo impuesto'),
  ],
  prescriptions: [
    field('importKey', true, 'id anterior', 'id receta', 'codigo', 'receta', 'id', 'old id', 'prescription id'),
    field('patientKey', true, 'paciente', 'id paciente', 'codigo paciente', 'cliente', 'patient', 'patient id'),
    field('examinedOn', true, 'fecha', 'fecha examen', 'fecha de examen', 'date', 'exam date'),
    field('optometristName', false, 'optometra', 'optometrista', 'doctor', 'optometrist'),
    field('branchCode', false, 'sucursal', 'branch'),
    ...eyeFields('od', ['od', 'derecho']),
    ...eyeFields('oi', ['oi', 'os', 'izquierdo']),
    field('pd', false, 'dp', 'distancia pupilar', 'pd'),
    field('diagnosis', false, 'diagnostico', 'diagnosis'),
    field('nextVisitOn', false, 'proxima visita', 'proxima cita', 'next visit'),
    field('notes', false, 'notas', 'observaciones', 'notes'),
  ],
  invoices: [
    field('ncf', true, 'ncf', 'comprobante', 'e-ncf', 'encf'),
    field('customerKey', true, 'cliente', 'id cliente', 'codigo cliente', 'cedula', 'rnc', 'customer'),
    field('issuedOn', true, 'fecha', 'fecha factura', 'fecha de emision', 'date', 'issue date'),
    field('dueOn', false, 'vencimiento', 'fecha de vencimiento', 'due date'),
    field('total', true, 'total', 'monto', 'monto total', 'amount'),
    field('itbis', false, 'itbis', 'impuesto', 'tax'),
    field('balance', true, 'balance', 'saldo', 'pendiente', 'balance due'),
    field('branchCode', false, 'sucursal', 'branch'),
    field('notes', false, 'notas', 'observaciones', 'notes'),
  ],
};

/** Products: one opening-stock field per branch, named after its code. */
export const stockField = (branchCode: string) => `stock:${branchCode}`;

export function fieldsFor(entity: ImportEntity, branchCodes: readonly string[] = []): ImportField[] {
  const fields = [...importFields[entity]];
  if (entity === 'products')
    for (const code of branchCodes)
      fields.push(field(stockField(code), false, `existencia ${code}`, `stock ${code}`, `inventario ${code}`, code));
  return fields;
}

/** Lower-case, accents and punctuation removed: `Cédula/RNC` -> `cedula/rnc`, `Teléfono:` -> `telefono`. */
export function headerKey(header: string): string {
  return header
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[_.:#()*-]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * The mapping offered on the form: the shop's last mapping for the entity where its column is still
 * in the file, else the first header matching one of the field's guesses; a header is used once.
 */
export function guessMapping(
  fields: readonly ImportField[],
  headers: readonly string[],
  remembered: Record<string, string> | null,
): Record<string, string> {
  const mapping: Record<string, string> = {};
  const used = new Set<string>();
  for (const target of fields) {
    const previous = remembered?.[target.name];
    if (previous && headers.includes(previous)) {
      mapping[target.name] = previous;
      used.add(previous);
    }
  }
  const keyed = headers.map((header) => [header, headerKey(header)] as const);
  for (const target of fields) {
    if (mapping[target.name]) continue;
    for (const guess of target.guesses) {
      const match = keyed.find(([header, key]) => key === guess && !used.has(header));
      if (match) {
        mapping[target.name] = match[0];
        used.add(match[0]);
        break;
      }
    }
  }
  return mapping;
}

/** One problem of one row: its number in the file (header = 1), the column, the value and the message. */
export interface RowIssue {
  row: number;
  column: string;
  value: string;
  message: string;
}

/** The result of checking every row, before anything is written. */
export interface ImportPreview {
  total: number;
  /** Rows that would be written. */
  ready: number;
  /** Rows whose natural key already exists: left alone. */
  skipped: number;
  /** Rows with at least one error. */
  errorRows: number;
  /** Every error, by row; then one line per skipped row. */
  issues: RowIssue[];
  skippedRows: Array<{ row: number; key: string }>;
}

/** A row's cells by target field, through the mapping (unmapped or blank: ''). */
export function mappedRow(
  headers: readonly string[],
  row: readonly string[],
  mapping: Record<string, string>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [target, header] of Object.entries(mapping)) {
    const index = headers.indexOf(header);
    out[target] = index >= 0 ? (row[index] ?? '').trim() : '';
  }
  return out;
}

/** `RD$1,234.50`, `1.234,50` (Spanish style) or `1234.5` -> `1234.50`-like text; null when not a number. */
export function amountText(raw: string): string | null {
  let value = raw.replace(/RD\$|US\$|\$|\s/gi, '');
  if (value === '') return null;
  if (/^-?\d{1,3}(\.\d{3})+(,\d+)?$/.test(value) || /^-?\d+,\d{1,4}$/.test(value))
    value = value.replace(/\./g, '').replace(',', '.');
  else value = value.replace(/,/g, '');
  return /^-?\d+(\.\d+)?$/.test(value) ? value : null;
}

/** A whole number of units (`12`, `12.0`); null when not one. */
export function quantityValue(raw: string): number | null {
  const text = amountText(raw);
  if (text === null || !/^-?\d+(\.0+)?$/.test(text)) return null;
  const value = Number.parseInt(text, 10);
  return Number.isSafeInteger(value) ? value : null;
}

/** Identification digits: 11 -> cédula, 9 -> RNC, anything else (letters) a passport. */
export function inferIdType(raw: string): 'cedula' | 'rnc' | 'pasaporte' {
  const digits = raw.replace(/[\s-]/g, '');
  if (/^\d{11}$/.test(digits)) return 'cedula';
  if (/^\d{9}$/.test(digits)) return 'rnc';
  return 'pasaporte';
}

/** The CSV of the error report: row, column, value, message (UTF-8 with a BOM, so Excel reads the accents). */
export function errorReportCsv(issues: readonly RowIssue[], header: readonly [string, string, string, string]): string {
  const cell = (value: string) => (/[",;\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);
  // A value that a spreadsheet would run as a formula is written as text.
  const inert = (value: string) => (/^[=+@\t\r]/.test(value) ? `'${value}` : value);
  const lines = [header.map(cell).join(',')];
  for (const issue of issues)
    lines.push([String(issue.row), issue.column, inert(issue.value), issue.message].map(cell).join(','));
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}
