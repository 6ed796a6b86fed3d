import { statSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import cliProgress from 'cli-progress';
import { downloadRegistry } from '../dgii/download';
import {
  DgiiImportError,
  dgiiRegistryUrl,
  importDgiiRegistry,
  maxShrinkShare,
  type DgiiImportProgress,
  type DgiiImportResult,
} from '../dgii/import';
import { defineCommand, UsageError } from './command';
import { formatBytes, print } from './output';

/** Without a terminal, one progress line per this many rows. */
const progressLineEvery = 100_000;

export const syncDgiiCommand = defineCommand({
  name: 'sync:dgii',
  summary: 'Import the DGII taxpayer registry (RNC and cédula) into the central database',
  args: [],
  options: {
    file: {
      type: 'string',
      placeholder: 'path',
      description: 'Read this DGII_RNC.zip (or the bare .txt/.csv) instead of downloading it',
    },
    url: { type: 'string', placeholder: 'url', description: `Download from this address (default ${dgiiRegistryUrl})` },
    'allow-shrink': {
      type: 'boolean',
      description: `Accept a file with more than ${maxShrinkShare * 100}% fewer rows than the current registry`,
    },
  },
  notes: [
    'The new registry replaces the old one only once the whole file is in; a failed or interrupted',
    'import leaves the previous data as it was. Every run is recorded in dgii_imports; a run whose',
    'process was killed is marked failed, and its staging table dropped, by the next run.',
    `A file that would shrink the registry by more than ${maxShrinkShare * 100}% (a file cut short) is refused`,
    'with exit code 2 unless --allow-shrink is given; so is a file that is not the registry',
    '(binary, UTF-16, a broken zip).',
  ],
  prepare({ values }) {
    if (values.file !== undefined && values.url !== undefined)
      throw new UsageError('--file and --url cannot be used together');
    const source = values.file !== undefined ? fileSource(values.file) : urlSource(values.url ?? dgiiRegistryUrl);
    return async ({ platform, env }) => {
      const progress = createProgress();
      const outcome = await withInterrupt(async (signal) => {
        const input = source.open(signal, (total) => progress.setTotal(total));
        print(`Importing the DGII registry from ${source.name}`);
        const options = {
          source: source.name,
          connectionString: env.CENTRAL_DATABASE_URL,
          allowShrink: values['allow-shrink'] === true,
          signal,
          onProgress: progress.update,
        };
        return importDgiiRegistry(platform.centralSql, input, options).finally(progress.stop);
      });
      if (outcome.ok) return print(summaryLine(outcome.value));
      const { error } = outcome;
      if (!(error instanceof DgiiImportError) || !(outcome.interrupted || error.refused)) throw error;
      process.stderr.write(`error: ${error.message}\n`);
      return outcome.interrupted ? 130 : 2;
    };
  },
});

interface Source {
  name: string;
  open(signal: AbortSignal, onTotal: (bytes: number | null) => void): ReadableStream<Uint8Array>;
}

function fileSource(file: string): Source {
  const resolved = path.resolve(file);
  let size: number;
  try {
    const stats = statSync(resolved);
    if (!stats.isFile()) throw new UsageError(`--file ${file} is not a file`);
    size = stats.size;
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`--file ${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  return {
    name: file,
    open(_signal, onTotal) {
      onTotal(size);
      return readFileStream(resolved);
    },
  };
}

/**
 * The file as a pull stream. Not `Readable.toWeb(createReadStream())`: when the import stops early
 * (a refused file), Node's adapter keeps pushing and crashes the process with "Controller is
 * already closed".
 */
function readFileStream(file: string): ReadableStream<Uint8Array> {
  let handle: FileHandle | null = null;
  let cancelled = false;
  const close = async () => {
    const open = handle;
    handle = null;
    await open?.close();
  };
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        handle ??= await open(file, 'r');
        if (cancelled) return close();
        const { bytesRead, buffer } = await handle.read(new Uint8Array(256 * 1024), 0, 256 * 1024, null);
        if (cancelled) return;
        if (bytesRead > 0) return controller.enqueue(buffer.subarray(0, bytesRead));
        await close();
        controller.close();
      },
      async cancel() {
        cancelled = true;
        await close();
      },
    },
    { highWaterMark: 0 },
  );
}

function urlSource(url: string): Source {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`--url "${url}" is not a URL`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')
    throw new UsageError(`--url must be http or https, got "${url}"`);
  return { name: url, open: (signal, onTotal) => downloadRegistry(url, { signal, onLength: onTotal }) };
}

type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown; interrupted: boolean };

/**
 * Runs `work` owning Ctrl-C: the first one aborts it (the import then records itself as failed and
 * drops its staging table), a second one exits at once. The CLI's own handler, which disposes and
 * exits straight away, is set aside meanwhile and put back after.
 */
async function withInterrupt<T>(work: (signal: AbortSignal) => Promise<T>): Promise<Outcome<T>> {
  const controller = new AbortController();
  const others = process.listeners('SIGINT');
  const onInterrupt = () => {
    if (controller.signal.aborted) process.exit(130);
    process.stderr.write('\ninterrupted: recording the failed import (Ctrl-C again to quit at once)\n');
    controller.abort(new Error('interrupted'));
  };
  process.removeAllListeners('SIGINT');
  process.on('SIGINT', onInterrupt);
  try {
    return { ok: true, value: await work(controller.signal) };
  } catch (error) {
    return { ok: false, error, interrupted: controller.signal.aborted };
  } finally {
    process.off('SIGINT', onInterrupt);
    for (const listener of others) process.on('SIGINT', listener as () => void);
  }
}

interface Progress {
  setTotal(bytes: number | null): void;
  update(progress: DgiiImportProgress): void;
  stop(): void;
}

/** A bar on stderr (bytes read of the total, when known) on a terminal; otherwise a line every 100,000 rows. */
function createProgress(): Progress {
  if (!process.stderr.isTTY) {
    let nextLine = progressLineEvery;
    return {
      setTotal() {},
      update(progress) {
        if (progress.rowsRead < nextLine) return;
        nextLine = (Math.floor(progress.rowsRead / progressLineEvery) + 1) * progressLineEvery;
        process.stderr.write(
          `${count(progress.rowsRead)} rows read, ${count(progress.rowsImported)} imported, ${count(progress.rowsSkipped)} skipped\n`,
        );
      },
      stop() {},
    };
  }
  let total: number | null = null;
  let bar: cliProgress.SingleBar | null = null;
  const values = (progress: DgiiImportProgress) => ({
    read: formatBytes(progress.bytesRead),
    rows: count(progress.rowsRead),
    imported: count(progress.rowsImported),
  });
  return {
    setTotal(bytes) {
      total = bytes;
    },
    update(progress) {
      if (bar === null) {
        const known = total !== null;
        bar = new cliProgress.SingleBar(
          {
            stream: process.stderr,
            hideCursor: true,
            clearOnComplete: true,
            format: known
              ? 'DGII registry [{bar}] {percentage}% | {read} of {size} | {rows} rows'
              : 'DGII registry {read} | {rows} rows',
          },
          cliProgress.Presets.shades_classic,
        );
        bar.start(total ?? 0, 0, { ...values(progress), size: formatBytes(total ?? 0) });
      }
      bar.update(progress.bytesRead, values(progress));
    },
    stop() {
      bar?.stop();
    },
  };
}

function summaryLine(result: DgiiImportResult): string {
  const reasons = Object.entries(result.skipped)
    .filter(([, skipped]) => skipped > 0)
    .map(([reason, skipped]) => `${count(skipped)} ${reasonLabels[reason as keyof typeof reasonLabels]}`);
  const skipped = reasons.length > 0 ? ` (${reasons.join(', ')})` : '';
  const rate = result.seconds > 0 ? Math.round(result.rowsImported / result.seconds) : result.rowsImported;
  return (
    `DGII registry imported: ${count(result.rowsImported)} rows imported, ${count(result.rowsSkipped)} skipped${skipped}, ` +
    `${result.seconds.toFixed(1)} s, ${count(rate)} rows/s; ${count(result.checksumFailures)} kept despite a failing check digit (import #${result.importId})`
  );
}

const reasonLabels = {
  'tax-id': 'malformed identification',
  name: 'without a name',
  columns: 'with a wrong column count',
  duplicate: 'duplicate',
} as const;

function count(value: number): string {
  return value.toLocaleString('en-US');
}
