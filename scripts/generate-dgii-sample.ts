/**
 * A fictional DGII taxpayer registry in the exact format of `DGII_RNC.zip`: a zip holding
 * `DGII_RNC.TXT`, pipe-delimited, no header, 11 columns, Windows-1252, CRLF. Deterministic
 * (seeded PRNG): the same options always give the same bytes.
 *
 *   npx tsx scripts/generate-dgii-sample.ts [--rows 500] [--seed 1] [--out data/dgii/sample.zip]
 *                                           [--format pipe|csv] [--encoding windows-1252|utf-8]
 *
 * `--out` ending in .zip writes a zip, anything else the bare text. `--format csv` writes the newer
 * variant (header row, comma-separated, double quotes; UTF-8 unless `--encoding` says otherwise).
 *
 * What the rows hold, so tests can rely on it:
 * - the first rows are always FIXED_ROWS below (e.g. 101850043 `ÓPTICA PEÑA`);
 * - every 97th row (row index % 97 === 50) is a taxpayer whose name starts with `REGISTRO ANTIGUO`
 *   and whose number FAILS its check digit: the real registry has some, and they must be imported;
 * - every 149th row (index % 149 === 80) has a MALFORMED identification (not 9 or 11 digits) and a
 *   name starting with `REGISTRO DEFECTUOSO`: the importer skips and counts those;
 * - all other numbers pass their check digit (RNC weights 7,9,8,6,5,4,3,2; cédula Luhn), and
 *   generated numbers never start with 9 (RNC) or 999 (cédula), which tests keep for their own rows.
 */
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Zip, ZipDeflate, zipSync } from 'fflate';
import { luhnValid, rncCheckDigit } from '../src/domain/tax-id';

export interface SampleOptions {
  /** Data lines to write (the CSV header is not counted). */
  rows: number;
  seed?: number;
  format?: 'pipe' | 'csv';
  encoding?: 'windows-1252' | 'utf-8';
}

export interface SampleSummary {
  rows: number;
  /** Lines whose identification is malformed (the importer skips them). */
  malformed: number;
  /** Rows with a well-formed number that fails its check digit (imported anyway). */
  checksumFailures: number;
  bytes: number;
}

type Row = [
  taxId: string,
  name: string,
  commercialName: string,
  activity: string,
  street: string,
  number: string,
  sector: string,
  phone: string,
  startedOn: string,
  status: string,
  regime: string,
];

/** Always the first rows, in this order. */
export const FIXED_ROWS: readonly Row[] = [
  [
    '101850043',
    'ÓPTICA PEÑA',
    'ÓPTICA PEÑA',
    'VENTA AL POR MENOR DE ARTÍCULOS ÓPTICOS',
    'CALLE DEL SOL',
    '45',
    'CENTRO DE LA CIUDAD',
    '8095551234',
    '15/03/1998',
    'ACTIVO',
    'NORMAL',
  ],
  [
    '131246796',
    'DISTRIBUIDORA ÑECO & ASOCIADOS, SRL',
    '',
    'COMERCIO AL POR MAYOR DE PRODUCTOS FARMACÉUTICOS',
    '',
    '',
    '',
    '',
    '02/11/2015',
    'SUSPENDIDO',
    'RST',
  ],
  [
    '401506254',
    'CONSTRUCTORA GÜIRO SAS',
    'GÜIRO CONSTRUCCIONES',
    'CONSTRUCCIÓN DE EDIFICIOS',
    'AV. INDEPENDENCIA',
    '1020',
    'GAZCUE',
    '',
    '29/02/2000',
    'DADO DE BAJA',
    'PST',
  ],
  [
    '00113918205',
    'JOSÉ ARGÜELLO NÚÑEZ',
    '',
    'SERVICIOS DE OPTOMETRÍA',
    '',
    '',
    '',
    '8295550000',
    '',
    'CESE TEMPORAL',
    'NORMAL',
  ],
];

const statuses: Array<[string, number]> = [
  ['ACTIVO', 70],
  ['SUSPENDIDO', 10],
  ['DADO DE BAJA', 8],
  ['CESE TEMPORAL', 6],
  ['ANULADO', 4],
  ['RECHAZADO', 2],
];
const regimes: Array<[string, number]> = [
  ['NORMAL', 75],
  ['RST', 20],
  ['PST', 5],
];
const businessKinds = [
  'ÓPTICA',
  'FARMACIA',
  'COMERCIAL',
  'INVERSIONES',
  'DISTRIBUIDORA',
  'CONSTRUCTORA',
  'SUPERMERCADO',
  'FERRETERÍA',
  'PANADERÍA',
  'CLÍNICA',
  'CENTRO ÓPTICO',
  'LABORATORIO',
  'COLMADO',
  'TRANSPORTE',
  'IMPORTADORA',
];
const businessWords = [
  'SANTA MÓNICA',
  'EL CAÑAVERAL',
  'LOS PIÑONES',
  'SAN JOSÉ',
  'LA ESPAÑOLA',
  'DEL CARIBE',
  'QUISQUEYA',
  'EL PEÑÓN',
  'LA ÚNICA',
  'HERMANOS NÚÑEZ',
  'DEL CIBAO',
  'BAHÍA AZUL',
  'CIGÜEÑA',
  'ANTILLANA',
  'MARTÍNEZ & ASOCIADOS',
  'DEL ESTE',
];
const companySuffixes = ['SRL', 'SAS', 'EIRL', 'S.A.', ', SRL', ''];
const firstNames = [
  'JOSÉ',
  'MARÍA',
  'JUAN',
  'ANA',
  'RAMÓN',
  'ROSA',
  'MARTÍN',
  'LUCÍA',
  'ÁNGEL',
  'SOFÍA',
  'RAÚL',
  'INÉS',
  'JESÚS',
  'BEATRIZ',
  'FÉLIX',
  'ÁNGELA',
  'NOEMÍ',
  'ÓSCAR',
];
const lastNames = [
  'PÉREZ',
  'NÚÑEZ',
  'PEÑA',
  'GÓMEZ',
  'RODRÍGUEZ',
  'MUÑOZ',
  'ARGÜELLO',
  'MARTÍNEZ',
  'SÁNCHEZ',
  'JIMÉNEZ',
  'FERNÁNDEZ',
  'ÑECO',
  'DÍAZ',
  'CASTAÑOS',
  'BRITO',
  'GUZMÁN',
  'DE LA CRUZ',
  'AGÜERO',
];
const activities = [
  'VENTA AL POR MENOR DE ARTÍCULOS ÓPTICOS',
  'SERVICIOS DE OPTOMETRÍA',
  'COMERCIO AL POR MENOR EN COLMADOS',
  'ACTIVIDADES DE ASESORAMIENTO EMPRESARIAL',
  'CONSTRUCCIÓN DE EDIFICIOS',
  'TRANSPORTE DE CARGA POR CARRETERA',
  'VENTA DE PRODUCTOS FARMACÉUTICOS',
  'ELABORACIÓN DE PRODUCTOS DE PANADERÍA',
  'SERVICIOS MÉDICOS',
  'ALQUILER DE VIVIENDAS',
  '',
];
const streets = ['C/ DUARTE', 'AV. 27 DE FEBRERO', 'C/ SÁNCHEZ', 'AV. LUPERÓN', 'C/ EL CONDE', 'AV. MÁXIMO GÓMEZ'];
const sectors = ['LOS ALCARRIZOS', 'NACO', 'PIANTINI', 'VILLA CONSUELO', 'BELLA VISTA', 'LOS JARDINES'];
const cedulaPrefixes = ['001', '002', '031', '047', '054', '223', '402'];
const malformedIds = ['12345', '1-01-8500', '', 'A01850043', '1018500431', '001-1391820'];

/** mulberry32: small, fast, good enough for fixtures. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function cedulaCheckDigit(first10: string): number {
  for (let digit = 0; digit <= 9; digit++) if (luhnValid(`${first10}${digit}`)) return digit;
  throw new Error('unreachable');
}

const fixedIds = new Set(FIXED_ROWS.map((row) => row[0]));

/**
 * Row `index` of a sample. Numbers are unique without remembering them: the 7 digits after the
 * prefix are `index * stride mod 10^7` with a stride coprime to 10^7.
 */
function generatedRow(index: number, random: () => number): Row {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const weighted = (items: Array<[string, number]>): string => {
    let roll = random() * items.reduce((sum, [, weight]) => sum + weight, 0);
    for (const [item, weight] of items) {
      roll -= weight;
      if (roll < 0) return item;
    }
    return items[0]![0];
  };
  const serial = String((index * 7_654_321 + 1_234_567) % 10_000_000).padStart(7, '0');
  const company = random() < 0.6;
  const malformed = index % 149 === 80;
  const failsChecksum = !malformed && index % 97 === 50;

  let taxId: string;
  if (company) {
    let body = `1${serial}`;
    if (fixedIds.has(`${body}${rncCheckDigit(body)}`)) body = `5${serial}`;
    taxId = `${body}${rncCheckDigit(body)}`;
  } else {
    let body = `${pick(cedulaPrefixes)}${serial}`;
    if (fixedIds.has(`${body}${cedulaCheckDigit(body)}`)) body = `003${serial}`;
    taxId = `${body}${cedulaCheckDigit(body)}`;
  }
  if (failsChecksum) taxId = `${taxId.slice(0, -1)}${(Number(taxId.at(-1)) + 1) % 10}`;
  if (malformed) taxId = pick(malformedIds);

  const personName = `${pick(firstNames)} ${pick(lastNames)} ${pick(lastNames)}`;
  let name = company
    ? `${pick(businessKinds)} ${pick(businessWords)} ${pick(companySuffixes)}`.replace(/ ,/, ',').trim()
    : personName;
  if (failsChecksum) name = `REGISTRO ANTIGUO ${name}`;
  if (malformed) name = `REGISTRO DEFECTUOSO ${name}`;
  const commercialName = company
    ? random() < 0.5
      ? `${pick(businessKinds)} ${pick(businessWords)}`
      : ''
    : random() < 0.2
      ? `${pick(businessKinds)} ${pick(lastNames)}`
      : '';
  const withAddress = random() < 0.4;
  const startedOn =
    random() < 0.1 ? '' : formatDate(new Date(Date.UTC(1970, 0, 1) + Math.floor(random() * 55 * 365.25) * 86_400_000));
  return [
    taxId,
    name,
    commercialName,
    pick(activities),
    withAddress ? pick(streets) : '',
    withAddress ? String(1 + Math.floor(random() * 300)) : '',
    withAddress ? pick(sectors) : '',
    random() < 0.3 ? `809555${String(Math.floor(random() * 10_000)).padStart(4, '0')}` : '',
    startedOn,
    weighted(statuses),
    weighted(regimes),
  ];
}

function formatDate(date: Date): string {
  return `${String(date.getUTCDate()).padStart(2, '0')}/${String(date.getUTCMonth() + 1).padStart(2, '0')}/${date.getUTCFullYear()}`;
}

const csvHeader = [
  'RNC',
  'RAZÓN SOCIAL',
  'NOMBRE COMERCIAL',
  'ACTIVIDAD ECONÓMICA',
  'FECHA DE INICIO OPERACIONES',
  'ESTADO',
  'RÉGIMEN DE PAGO',
];

function csvField(value: string): string {
  return /[",\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

function formatLine(row: Row, format: 'pipe' | 'csv'): string {
  if (format === 'pipe') return row.join('|');
  const [taxId, name, commercialName, activity, , , , , startedOn, status, regime] = row;
  return [taxId, name, commercialName, activity, startedOn, status, regime].map(csvField).join(',');
}

/** The sample's lines, without line breaks (the CSV header first). */
export function* sampleLines(options: SampleOptions): Generator<string> {
  const format = options.format ?? 'pipe';
  const random = prng(options.seed ?? 1);
  if (format === 'csv') yield csvHeader.join(',');
  for (let index = 0; index < options.rows; index++) {
    const row = index < FIXED_ROWS.length ? FIXED_ROWS[index]! : generatedRow(index, random);
    yield formatLine(row, format);
  }
}

/** Summary counts of a sample with these options, without generating it. */
export function sampleCounts(rows: number): Pick<SampleSummary, 'rows' | 'malformed' | 'checksumFailures'> {
  let malformed = 0;
  let checksumFailures = 0;
  for (let index = FIXED_ROWS.length; index < rows; index++) {
    if (index % 149 === 80) malformed++;
    else if (index % 97 === 50) checksumFailures++;
  }
  return { rows, malformed, checksumFailures };
}

/** Windows-1252 for the Latin-1 letters the sample uses (U+0000-U+00FF map to the same byte). */
export function encodeWindows1252(text: string): Uint8Array {
  const bytes = new Uint8Array(text.length);
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code > 0xff || (code >= 0x80 && code < 0xa0))
      throw new Error(`"${text[index]}" has no Windows-1252 byte in this encoder`);
    bytes[index] = code;
  }
  return bytes;
}

/** Writes the sample to `file` (.zip: a zip holding DGII_RNC.TXT or .csv; otherwise the bare text), streaming. */
export async function writeDgiiSample(file: string, options: SampleOptions): Promise<SampleSummary> {
  const format = options.format ?? 'pipe';
  const encoding = options.encoding ?? (format === 'csv' ? 'utf-8' : 'windows-1252');
  const encode = encoding === 'utf-8' ? (text: string) => new TextEncoder().encode(text) : encodeWindows1252;
  await mkdir(path.dirname(path.resolve(file)), { recursive: true });
  const out = createWriteStream(file);
  const closed = new Promise<void>((resolve, reject) => {
    out.on('finish', resolve);
    out.on('error', reject);
  });
  let bytes = 0;
  let full = false;
  const write = (chunk: Uint8Array) => {
    bytes += chunk.byteLength;
    if (!out.write(chunk)) full = true;
  };

  const zipped = file.toLowerCase().endsWith('.zip');
  const entryName = format === 'csv' ? 'RNC_CONTRIBUYENTES.csv' : 'DGII_RNC.TXT';
  let push: (chunk: Uint8Array, final: boolean) => void;
  if (!zipped) push = (chunk) => write(chunk);
  else if (options.rows <= 10_000) {
    // Small samples are zipped in one go, with sizes in the local header (as the DGII's file has).
    const chunks: Uint8Array[] = [];
    push = (chunk, final) => {
      chunks.push(chunk);
      if (final)
        write(zipSync({ [entryName]: [concat(chunks), { mtime: new Date('2025-01-01T00:00:00Z') }] }, { level: 9 }));
    };
  } else {
    // Large ones stream (sizes in a data descriptor after the data), so memory stays flat.
    const zip = new Zip((error, chunk) => {
      if (error) throw error;
      write(chunk);
    });
    const entry = new ZipDeflate(entryName, { level: 6 });
    entry.mtime = new Date('2025-01-01T00:00:00Z');
    zip.add(entry);
    push = (chunk, final) => {
      entry.push(chunk, final);
      if (final) zip.end();
    };
  }

  let buffered = '';
  for (const line of sampleLines(options)) {
    buffered += `${line}\r\n`;
    if (buffered.length >= 256 * 1024) {
      push(encode(buffered), false);
      buffered = '';
      if (full) {
        await once(out, 'drain');
        full = false;
      }
    }
  }
  push(encode(buffered), true);
  out.end();
  await closed;
  return { ...sampleCounts(options.rows), bytes };
}

function concat(chunks: Uint8Array[]): Uint8Array {
  const joined = new Uint8Array(chunks.reduce((sum, chunk) => sum + chunk.byteLength, 0));
  let offset = 0;
  for (const chunk of chunks) {
    joined.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return joined;
}

async function cli(): Promise<void> {
  const { values } = parseArgs({
    options: {
      rows: { type: 'string', default: '500' },
      seed: { type: 'string', default: '1' },
      out: { type: 'string', default: 'data/dgii/sample.zip' },
      format: { type: 'string', default: 'pipe' },
      encoding: { type: 'string' },
    },
    strict: true,
  });
  const rows = Number(values.rows);
  if (!Number.isInteger(rows) || rows < 1) throw new Error(`--rows must be a positive integer, got "${values.rows}"`);
  if (values.format !== 'pipe' && values.format !== 'csv')
    throw new Error(`--format must be pipe or csv, got "${values.format}"`);
  if (values.encoding !== undefined && values.encoding !== 'utf-8' && values.encoding !== 'windows-1252') {
    throw new Error(`--encoding must be utf-8 or windows-1252, got "${values.encoding}"`);
  }
  const summary = await writeDgiiSample(values.out, {
    rows,
    seed: Number(values.seed),
    format: values.format,
    encoding: values.encoding,
  });
  console.log(
    `${values.out}: ${summary.rows} rows (${summary.malformed} malformed, ${summary.checksumFailures} failing the check digit), ${summary.bytes} bytes`,
  );
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await cli();
}
