/**
 * Business reports: what a report's columns are and how a value of each kind becomes a spreadsheet
 * cell. Pure: the registry (src/services/shop/business-reports.ts) declares the reports, the
 * queries compute the figures in SQL (numeric, half-up), and these rules turn them into cells.
 */

/** How a column's values read: money and quantities are exact decimal strings from SQL. */
export type ColumnKind = 'text' | 'date' | 'money' | 'quantity' | 'integer' | 'percent';

/** A row of a report: one value per column key, as SQL returned it (decimals as strings). */
export type ReportRow = Record<string, string | number | null>;

/** Rows read per query when a report is walked whole (exports): never a query per row. */
export const reportChunkSize = 2_000;

/** Rows shown on screen (and in print); beyond it the page says to export to see everything. */
export const reportScreenRows = 200;

/** Above this many rows an export runs in the background (queue job) instead of in the response. */
export const backgroundExportRows = 5_000;

/** Excel number formats of each kind (money in DOP with two decimals, percent as a fraction). */
export const numberFormats: Record<ColumnKind, string | undefined> = {
  text: undefined,
  date: 'dd/mm/yyyy',
  money: '#,##0.00',
  quantity: '#,##0.##',
  integer: '#,##0',
  percent: '0.0%',
};

/** A spreadsheet cell: numbers as numbers, dates as dates, text as text, nothing as empty. */
export type SheetCell = string | number | Date | null;

/** A date (`YYYY-MM-DD`) as a UTC midnight Date, which spreadsheet writers store as that calendar day. */
export function sheetDate(value: string): Date {
  const [year, month, day] = value.split('-').map(Number);
  return new Date(Date.UTC(year!, month! - 1, day!));
}

/** The .xlsx cell of a value of `kind`. */
export function xlsxCell(kind: ColumnKind, value: string | number | null | undefined): SheetCell {
  if (value === null || value === undefined || value === '') return null;
  switch (kind) {
    case 'text':
      return String(value);
    case 'date':
      return sheetDate(String(value));
    default:
      return Number(value);
  }
}

/**
 * A text cell of a CSV made safe for spreadsheets: a value starting with =, +, -, @ or a control
 * character would be read as a formula (CSV injection), so it gets a leading apostrophe. Numbers are
 * written as their exact decimal strings and are never touched.
 */
export function csvText(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/** The CSV field of a value of `kind`: exact decimals as SQL gave them, dates as YYYY-MM-DD. */
export function csvCell(kind: ColumnKind, value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  if (kind === 'text') return csvText(String(value));
  return String(value);
}

/** A date range's problem, if any: the end before the start, or longer than `maxDays`. */
export function checkRange(from: string, to: string, maxDays = 3_660): 'order' | 'length' | null {
  if (to < from) return 'order';
  const days = (sheetDate(to).getTime() - sheetDate(from).getTime()) / 86_400_000;
  return days > maxDays ? 'length' : null;
}

/** The first and last day of the month of `day` (YYYY-MM-DD). */
export function monthOf(day: string): { from: string; to: string } {
  const [year, month] = day.split('-').map(Number);
  const last = new Date(Date.UTC(year!, month!, 0)).getUTCDate();
  const mm = String(month).padStart(2, '0');
  return { from: `${year}-${mm}-01`, to: `${year}-${mm}-${String(last).padStart(2, '0')}` };
}

/** A download's file name: `ventas-por-dia_2025-01-01_2025-01-31.xlsx`. */
export function exportFileName(slug: string, from: string | null, to: string | null, format: 'xlsx' | 'csv'): string {
  const range = from && to ? `_${from}_${to}` : '';
  return `${slug}${range}.${format}`;
}

/**
 * Collects a byte stream into parts of at least `partSize` bytes (the last may be smaller), as R2's
 * multipart upload needs known lengths: at most one part is held in memory at a time.
 */
export async function* partsOf(stream: ReadableStream<Uint8Array>, partSize: number): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader();
  let chunks: Uint8Array[] = [];
  let size = 0;
  const flush = () => {
    const part = new Uint8Array(size);
    let offset = 0;
    for (const chunk of chunks) {
      part.set(chunk, offset);
      offset += chunk.byteLength;
    }
    chunks = [];
    size = 0;
    return part;
  };
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
      if (size >= partSize) yield flush();
    }
    if (size > 0) yield flush();
  } finally {
    reader.releaseLock();
  }
}
