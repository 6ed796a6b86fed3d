import { writeCsvStream } from 'hucre/csv';
import { writeXlsxStream } from 'hucre/xlsx';
import {
  type ColumnKind,
  csvCell,
  csvText,
  numberFormats,
  partsOf,
  type ReportRow,
  type SheetCell,
  xlsxCell,
} from '../../domain/business-reports';
import type { TenantFiles } from '../../tenancy/files';

/** What a file needs of a report's columns. */
export interface FileColumn {
  key: string;
  header: string;
  kind: ColumnKind;
  /** Text shown for a stored value (a category code -> its name). */
  label?: (value: string) => string;
}

export const contentTypes = {
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  csv: 'text/csv; charset=utf-8',
} as const;

/** A row's value of a column as displayed: the label of a coded value, else the value. */
export function displayValue(column: FileColumn, row: ReportRow): string | number | null {
  const value = row[column.key] ?? null;
  return value !== null && column.label ? column.label(String(value)) : value;
}

/** Excel's sheet names: at most 31 characters, none of : \ / ? * [ ]. */
function sheetName(title: string): string {
  return title.replace(/[:\\/?*[\]]/g, ' ').slice(0, 31);
}

/**
 * A report as an .xlsx or CSV byte stream, pulled chunk by chunk from `chunks` as the consumer
 * reads (constant memory whatever the row count): typed .xlsx cells (numbers with a number format,
 * dates as dates), CSV in UTF-8 with a BOM so Excel reads the accents. The totals row closes the file.
 */
export function reportFileStream(
  format: 'xlsx' | 'csv',
  title: string,
  columns: readonly FileColumn[],
  chunks: AsyncIterable<ReportRow[]>,
  totals: { label: string; row: ReportRow } | null,
): ReadableStream<Uint8Array> {
  if (format === 'xlsx') {
    async function* cells(): AsyncGenerator<SheetCell[]> {
      for await (const chunk of chunks)
        for (const row of chunk) yield columns.map((column) => xlsxCell(column.kind, displayValue(column, row)));
      if (totals) yield totalsLine(columns, totals, (column, value) => xlsxCell(column.kind, value));
    }
    return writeXlsxStream(cells(), {
      name: sheetName(title),
      columns: columns.map((column) => ({
        header: column.header,
        numFmt: numberFormats[column.kind],
        width: column.kind === 'text' ? 32 : 14,
      })),
      freezePane: { rows: 1 },
    });
  }
  async function* lines(): AsyncGenerator<Array<string | null>> {
    yield columns.map((column) => csvText(column.header));
    for await (const chunk of chunks)
      for (const row of chunk) yield columns.map((column) => csvCell(column.kind, displayValue(column, row)));
    if (totals) yield totalsLine(columns, totals, (column, value) => csvCell(column.kind, value));
  }
  return writeCsvStream(lines(), { bom: true });
}

/** The totals row: the label in the first column, each totalled column's figure, blanks elsewhere. */
function totalsLine<T>(
  columns: readonly FileColumn[],
  totals: { label: string; row: ReportRow },
  cell: (column: FileColumn, value: string | number | null) => T,
): Array<T | string | null> {
  return columns.map((column, index) => {
    if (index === 0) return totals.label;
    return column.key in totals.row ? cell(column, totals.row[column.key] ?? null) : null;
  });
}

/** R2 multipart parts must be at least 5 MiB (all but the last). */
export const uploadPartSize = 5 * 1024 * 1024;

/**
 * Writes a stream of unknown length to R2 through a multipart upload, collecting it into parts of
 * `partSize` bytes (R2 needs each part's length): one part in memory at a time. Aborts the upload
 * when the stream fails. Returns the bytes written.
 */
export async function uploadStream(
  files: TenantFiles,
  key: string,
  stream: ReadableStream<Uint8Array>,
  contentType: string,
  partSize = uploadPartSize,
): Promise<number> {
  const upload = await files.createMultipartUpload(key, { httpMetadata: { contentType } });
  const uploaded: R2UploadedPart[] = [];
  let bytes = 0;
  try {
    for await (const part of partsOf(stream, partSize)) {
      uploaded.push(await upload.uploadPart(uploaded.length + 1, part));
      bytes += part.byteLength;
    }
    await upload.complete(uploaded);
    return bytes;
  } catch (error) {
    await upload.abort().catch(() => undefined);
    throw error;
  }
}
