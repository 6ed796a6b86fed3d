/**
 * The export pipeline the Worker runs (src/services/shop/report-files.ts: hucre's streaming writers
 * fed chunk by chunk, cut into 5 MiB parts for R2's multipart upload) over 50,000 rows, with the
 * heap sampled after every chunk: the peak must stay far below the Worker's 128 MB and must not grow
 * with the row count (5,000 rows vs 50,000). The figures are printed for the README.
 */
import { readXlsx } from 'hucre/xlsx';
import { describe, expect, it } from 'vitest';
import { partsOf, type ReportRow, reportChunkSize } from '../../src/domain/business-reports';
import { type FileColumn, reportFileStream, uploadPartSize } from '../../src/services/shop/report-files';

const columns: FileColumn[] = [
  { key: 'day', header: 'Fecha', kind: 'date' },
  { key: 'sku', header: 'Código', kind: 'text' },
  { key: 'product', header: 'Producto', kind: 'text' },
  { key: 'category', header: 'Categoría', kind: 'text', label: (value) => `Categoría ${value}` },
  { key: 'quantity', header: 'Cantidad', kind: 'integer' },
  { key: 'net', header: 'Ventas netas', kind: 'money' },
  { key: 'share', header: 'Participación', kind: 'percent' },
];

/** Rows as the database hands them over: chunks of 2,000, decimals as strings, every text different. */
async function* source(rows: number): AsyncGenerator<ReportRow[]> {
  for (let start = 0; start < rows; start += reportChunkSize) {
    const chunk: ReportRow[] = [];
    for (let index = start; index < Math.min(rows, start + reportChunkSize); index += 1)
      chunk.push({
        day: `2025-03-${String((index % 28) + 1).padStart(2, '0')}`,
        sku: `SKU-${String(index).padStart(6, '0')}`,
        product: `Montura acetato modelo ${index} color café ñandú`,
        category: String(index % 5),
        quantity: (index % 7) + 1,
        net: `${(index * 37) % 100000}.${String(index % 100).padStart(2, '0')}`,
        share: '0.0001',
        _k: String(index),
      });
    yield chunk;
    // Let the event loop run between chunks, as a database round trip would.
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** Runs the pipeline to the parts an upload would send; the peak heap above the start, in MB. */
async function run(format: 'xlsx' | 'csv', rows: number) {
  const before = process.memoryUsage().heapUsed;
  let peak = before;
  const sample = () => {
    peak = Math.max(peak, process.memoryUsage().heapUsed);
  };
  async function* sampled(): AsyncGenerator<ReportRow[]> {
    for await (const chunk of source(rows)) {
      sample();
      yield chunk;
    }
  }
  const stream = reportFileStream(format, 'Ventas por producto', columns, sampled(), {
    label: 'Total',
    row: { quantity: 4, net: '123.45' },
  });
  let bytes = 0;
  let parts = 0;
  const keep = rows <= 5_000;
  const kept: Uint8Array[] = [];
  for await (const part of partsOf(stream, uploadPartSize)) {
    sample();
    bytes += part.byteLength;
    parts += 1;
    if (keep) kept.push(part);
  }
  sample();
  return { peakMb: (peak - before) / 2 ** 20, bytes, parts, kept };
}

describe('report export memory', () => {
  it('50,000 rows to .xlsx and CSV stay within a few MB of heap, the same as 5,000 rows', async () => {
    const results: string[] = [];
    for (const format of ['xlsx', 'csv'] as const) {
      const small = await run(format, 5_000);
      const large = await run(format, 50_000);
      results.push(
        `${format}: 5,000 rows ${small.bytes} B, peak heap +${small.peakMb.toFixed(1)} MB; 50,000 rows ${large.bytes} B in ${large.parts} part(s), peak heap +${large.peakMb.toFixed(1)} MB`,
      );
      expect(large.peakMb).toBeLessThan(48);
      expect(large.peakMb).toBeLessThan(small.peakMb + 24);
      if (format === 'xlsx') {
        const whole = new Uint8Array(small.bytes);
        let offset = 0;
        for (const part of small.kept) {
          whole.set(part, offset);
          offset += part.byteLength;
        }
        const book = await readXlsx(whole);
        const sheet = book.sheets[0]!.rows;
        expect(sheet).toHaveLength(5_002);
        expect(sheet[1]).toEqual([
          new Date(Date.UTC(2025, 2, 1)),
          'SKU-000000',
          'Montura acetato modelo 0 color café ñandú',
          'Categoría 0',
          1,
          0,
          0.0001,
        ]);
        expect(sheet.at(-1)).toEqual(['Total', null, null, null, 4, 123.45, null]);
      }
    }
    console.log(`report export memory (Node ${process.version}):\n  ${results.join('\n  ')}`);
  }, 120_000);
});
