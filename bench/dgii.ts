/**
 * `sync:dgii` at full size: generates a registry of `rows` rows (the real one has about 790,000) as
 * a zip in a temporary directory, imports it with the library the CLI uses, and reports the rate
 * and the peak resident memory of this process during the import (sampled every 20 ms).
 * Replaces `dgii_taxpayers` of the database at `centralUrl`: point it at a throwaway stack. The
 * Neon driver must already be configured for that stack (`configureNeon`, as ensureCentralDatabase does).
 */
import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { writeDgiiSample } from '../scripts/generate-dgii-sample';
import { sqlClient } from '../src/db/client';
import { importDgiiRegistry } from '../src/dgii/import';

export interface DgiiBenchResult {
  rows: number;
  seconds: number;
  rowsPerSecond: number;
  peakRssMb: number;
}

export async function benchmarkDgiiImport(centralUrl: string, rows = 800_000): Promise<DgiiBenchResult> {
  const dir = await mkdtemp(path.join(tmpdir(), 'optiflow-bench-dgii-'));
  try {
    const file = path.join(dir, 'DGII_RNC.zip');
    await writeDgiiSample(file, { rows, seed: 7 });
    let peakRss = process.memoryUsage.rss();
    const sampler = setInterval(() => {
      peakRss = Math.max(peakRss, process.memoryUsage.rss());
    }, 20);
    try {
      const input = Readable.toWeb(createReadStream(file, { highWaterMark: 256 * 1024 })) as ReadableStream<Uint8Array>;
      const result = await importDgiiRegistry(sqlClient(centralUrl), input, {
        source: `bench: ${rows} generated rows`,
        connectionString: centralUrl,
        allowShrink: true,
      });
      peakRss = Math.max(peakRss, process.memoryUsage.rss());
      return {
        rows: result.rowsImported,
        seconds: result.seconds,
        rowsPerSecond: Math.round(result.rowsImported / result.seconds),
        peakRssMb: Math.round(peakRss / (1024 * 1024)),
      };
    } finally {
      clearInterval(sampler);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
