/**
 * Streaming import of the DGII taxpayer registry into the central `dgii_taxpayers` table, in
 * constant memory: bytes -> (unzip) -> decode -> lines -> records -> batches of INSERT ... unnest.
 *
 * Every run loads its own staging table `dgii_taxpayers_staging_<import id>`, created
 * `LIKE dgii_taxpayers INCLUDING ALL`. Only after the whole file is in does ONE transaction swap it
 * in (drop the live table, rename the staging one and its indexes to the live names), under a
 * transaction-scoped advisory lock. So a failed or interrupted run leaves the previous registry as it
 * was, and two concurrent runs cannot mix rows: each fills its own table and the swaps are
 * serialised (the last to finish wins, with a complete file).
 *
 * A run holds a session advisory lock on its own id over a WebSocket connection for as long as its
 * process lives. A run recorded `running` whose lock is free has lost its process (killed, crashed,
 * machine gone): the next run marks it failed and drops its staging table.
 *
 * A new file that would leave the registry more than `maxShrinkShare` smaller is refused unless the
 * caller allows it: the registry only grows by a few percent a year, so a big drop means a file cut
 * short (a half-copied .txt parses fine up to where it stops) rather than a real registry.
 *
 * Runtime-agnostic (web streams, TextDecoder, fflate); the database is reached through the Neon
 * HTTP driver only.
 */
import { Client } from '@neondatabase/serverless';
import { Unzip, UnzipInflate, type UnzipFile } from 'fflate';
import type { Sql } from '../db/client';
import { isValidCedula, isValidRnc } from '../domain/tax-id';
import {
  detectLayout,
  hasOpenQuote,
  parseRegistryLine,
  type RegistryLayout,
  type SkipReason,
  type TaxpayerRecord,
} from './parse';

/** Where the DGII publishes the registry (`DGII_RNC.zip`, about 790,000 rows). */
export const dgiiRegistryUrl = 'https://dgii.gov.do/app/WebApps/Consultas/RNC/DGII_RNC.zip';

/** Serialises swaps of `dgii_taxpayers` (src/db/migrate.ts uses 7243001). */
const swapLockKey = 7243101;
/** With a run's id, the session advisory lock its process holds while it lives. */
const liveRunLockClass = 7243102;
/**
 * The largest share of the live registry a new file may drop without `allowShrink` (0.10: a file
 * with fewer than 90% of the current rows is refused). The DGII's registry has only grown between
 * publications; 10% leaves room for a mass deregistration while catching any file cut short.
 */
export const maxShrinkShare = 0.1;
/** Enough of the start of the text to tell UTF-8 from Windows-1252. */
const sniffBytes = 64 * 1024;
/** Registry lines are a few hundred characters: anything this long is not the registry, and must not fill memory. */
const maxLineLength = 1024 * 1024;
/** A CSV quote left open stops joining lines here, so one stray quote cannot swallow the rest of the file. */
const maxRecordLength = 16 * 1024;

export interface DgiiImportProgress {
  /** Bytes of the input stream (the zip, when zipped) read so far. */
  bytesRead: number;
  /** Data lines parsed so far. */
  rowsRead: number;
  rowsImported: number;
  rowsSkipped: number;
}

export type DgiiSkipReason = SkipReason | 'duplicate';

export interface DgiiImportResult {
  importId: number;
  rowsImported: number;
  rowsSkipped: number;
  skipped: Record<DgiiSkipReason, number>;
  /** Imported rows whose check digit fails (the registry has some; they stay valid). */
  checksumFailures: number;
  container: 'zip' | 'text';
  layout: RegistryLayout['kind'];
  encoding: 'utf-8' | 'windows-1252';
  seconds: number;
}

export interface DgiiImportOptions {
  /** Recorded in `dgii_imports.source`: the path or URL read. */
  source: string;
  /** The central database, for the WebSocket session that holds the run's liveness lock. */
  connectionString: string;
  /** Replace the registry even when the file has fewer than (1 - maxShrinkShare) of its rows. */
  allowShrink?: boolean;
  /** Rows per INSERT request (default 5,000). */
  batchSize?: number;
  /** INSERT requests in flight while the next batch is parsed (default 4). */
  concurrency?: number;
  signal?: AbortSignal;
  onProgress?: (progress: DgiiImportProgress) => void;
}

/** The input is not a registry this import accepts (encoding, binary data, truncated, too small). */
export class DgiiInputError extends Error {
  override name = 'DgiiInputError';
}

/** An import that failed; the previous registry is untouched and the run is recorded as `failed`. */
export class DgiiImportError extends Error {
  override name = 'DgiiImportError';
  /** True when the file itself was refused (DgiiInputError), not the database or the download. */
  readonly refused: boolean;
  constructor(
    readonly importId: number,
    readonly reason: string,
    options?: ErrorOptions,
  ) {
    super(`DGII import #${importId} failed: ${reason}; the previous registry is unchanged`, options);
    this.refused = options?.cause instanceof DgiiInputError;
  }
}

/** Reads the registry from `input` (a zip, or the bare .txt/.csv) and replaces `dgii_taxpayers` with it. */
export async function importDgiiRegistry(
  sql: Sql,
  input: ReadableStream<Uint8Array>,
  options: DgiiImportOptions,
): Promise<DgiiImportResult> {
  const started = performance.now();
  const { importId, release } = await beginImport(sql, options.connectionString, options.source);
  try {
    return await runImport(sql, importId, input, options, started);
  } finally {
    await release();
  }
}

async function runImport(
  sql: Sql,
  importId: number,
  input: ReadableStream<Uint8Array>,
  options: DgiiImportOptions,
  started: number,
): Promise<DgiiImportResult> {
  const staging = stagingTable(importId);
  const run = new ImportRun(sql, staging, importId, options);
  try {
    await sql.query(`CREATE TABLE ${staging} (LIKE dgii_taxpayers INCLUDING ALL)`);
    await run.read(input);
    const totals = run.totals();
    if (totals.rowsImported === 0)
      throw new DgiiInputError('no taxpayer rows found: this does not look like the DGII registry');
    if (totals.rowsSkipped > totals.rowsImported) {
      throw new DgiiInputError(
        `${totals.rowsSkipped} of ${totals.rowsSkipped + totals.rowsImported} lines are not taxpayer rows: this does not look like the DGII registry`,
      );
    }
    await sql.query(`ANALYZE ${staging}`);
    await sql.transaction([
      sql`SELECT pg_advisory_xact_lock(${swapLockKey})`,
      ...(options.allowShrink ? [] : [sql.query(shrinkGuardStatement(staging))]),
      sql.query(swapStatement(staging)),
      sql`UPDATE dgii_imports SET status = 'succeeded', finished_at = now(), updated_at = now(),
            rows_imported = ${totals.rowsImported}, rows_skipped = ${totals.rowsSkipped}, error = NULL
          WHERE id = ${importId}`,
    ]);
    return { importId, ...totals, ...run.format(), seconds: (performance.now() - started) / 1000 };
  } catch (caught) {
    await run.settle();
    const refusal = shrinkRefusal(caught);
    const error = refusal ? new DgiiInputError(refusal, { cause: caught }) : caught;
    const reason = options.signal?.aborted ? 'interrupted' : describeError(error);
    const totals = run.totals();
    try {
      await sql.transaction([
        sql.query(`DROP TABLE IF EXISTS ${staging}`),
        sql`UPDATE dgii_imports SET status = 'failed', finished_at = now(), updated_at = now(), error = ${reason},
              rows_imported = ${totals.rowsImported}, rows_skipped = ${totals.rowsSkipped}
            WHERE id = ${importId}`,
      ]);
    } catch (recordError) {
      // The next import drops the staging table and marks this run failed once its heartbeat is stale.
      throw new DgiiImportError(
        importId,
        `${reason} (recording the failure also failed: ${describeError(recordError)})`,
        { cause: error },
      );
    }
    throw new DgiiImportError(importId, reason, { cause: error });
  }
}

/**
 * Takes a new run id and its liveness lock on a WebSocket session (held until `release`), marks runs
 * whose process is gone failed and drops every staging table no live run owns, then records the run.
 * The lock is taken before the row exists, so no other run ever sees this one `running` and unlocked.
 */
async function beginImport(
  sql: Sql,
  connectionString: string,
  source: string,
): Promise<{ importId: number; release: () => Promise<void> }> {
  const session = new Client(connectionString);
  await session.connect();
  const release = () => session.end().catch(() => undefined);
  try {
    const { rows } = await session
      .query<{ id: string }>(`SELECT nextval(pg_get_serial_sequence('dgii_imports', 'id')) AS id`)
      .catch((error: unknown) => {
        const missing = (error as { code?: unknown } | null)?.code === '42P01';
        throw missing
          ? new Error('the central database has no DGII tables yet: run `optiflow central:migrate` first', {
              cause: error,
            })
          : error;
      });
    const importId = Number(rows[0]!.id);
    await session.query('SELECT pg_advisory_lock($1, $2)', [liveRunLockClass, importId]);
    await sql.transaction([
      sql.query(`DO $cleanup$
        DECLARE leftover record;
        BEGIN
          UPDATE dgii_imports SET status = 'failed', finished_at = now(), updated_at = now(),
                 error = 'abandoned: its process ended without finishing (killed or crashed)'
            WHERE status = 'running' AND pg_try_advisory_xact_lock(${liveRunLockClass}, id::int);
          FOR leftover IN
            SELECT c.relname FROM pg_class c
            WHERE c.relkind = 'r' AND c.relnamespace = current_schema()::regnamespace
              AND c.relname LIKE 'dgii\\_taxpayers\\_staging\\_%'
              AND NOT EXISTS (SELECT 1 FROM dgii_imports i WHERE i.status = 'running' AND c.relname = 'dgii_taxpayers_staging_' || i.id)
              AND c.relname <> 'dgii_taxpayers_staging_${importId}'
          LOOP
            EXECUTE format('DROP TABLE %I', leftover.relname);
          END LOOP;
        END
        $cleanup$`),
      sql`INSERT INTO dgii_imports (id, source) VALUES (${importId}, ${source})`,
    ]);
    return { importId, release };
  } catch (error) {
    await release();
    throw error;
  }
}

/**
 * Raises `optiflow:dgii_shrink` (inside the swap transaction, so nothing changes) when the staging
 * table holds fewer than (1 - maxShrinkShare) of the live table's rows.
 */
function shrinkGuardStatement(staging: string): string {
  return `DO $guard$
    DECLARE live bigint; incoming bigint;
    BEGIN
      SELECT count(*) INTO live FROM dgii_taxpayers;
      SELECT count(*) INTO incoming FROM ${staging};
      IF live > 0 AND incoming < live * (1 - ${maxShrinkShare}) THEN
        RAISE EXCEPTION 'optiflow:dgii_shrink' USING DETAIL = live || ' ' || incoming;
      END IF;
    END
    $guard$`;
}

/** The one-line refusal for a shrink-guard error, or null for any other error. */
function shrinkRefusal(error: unknown): string | null {
  const { message, detail } = (error ?? {}) as { message?: unknown; detail?: unknown };
  if (typeof message !== 'string' || !message.includes('optiflow:dgii_shrink')) return null;
  const [live = 0, incoming = 0] = String(detail ?? '')
    .split(' ')
    .map(Number);
  const share = live > 0 ? Math.round((1 - incoming / live) * 100) : 0;
  return (
    `the file would shrink the registry from ${live} to ${incoming} rows (-${share}%, more than the ${maxShrinkShare * 100}% allowed): ` +
    'a file cut short? Check it, or rerun with --allow-shrink if the drop is real'
  );
}

function stagingTable(importId: number): string {
  if (!Number.isSafeInteger(importId) || importId <= 0) throw new Error(`Invalid import id ${importId}`);
  return `dgii_taxpayers_staging_${importId}`;
}

/**
 * Drops the live table and renames the staging table into its place; each staging index takes the
 * name of the live index with the same definition, so later drizzle-kit migrations find the names
 * they generated.
 */
function swapStatement(staging: string): string {
  const indexKey = `i.indisprimary::text || i.indisunique::text || regexp_replace(pg_get_indexdef(i.indexrelid), '^.* USING ', '')`;
  return `DO $swap$
    DECLARE
      live_names text[];
      live_keys text[];
      staged record;
      position int;
    BEGIN
      SELECT array_agg(c.relname::text), array_agg(${indexKey}) INTO live_names, live_keys
        FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = 'dgii_taxpayers'::regclass;
      DROP TABLE dgii_taxpayers;
      ALTER TABLE ${staging} RENAME TO dgii_taxpayers;
      FOR staged IN
        SELECT c.relname::text AS name, ${indexKey} AS key
          FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = 'dgii_taxpayers'::regclass
      LOOP
        position := array_position(live_keys, staged.key);
        IF position IS NULL THEN
          RAISE EXCEPTION 'staging index % matches no index of dgii_taxpayers', staged.name;
        END IF;
        EXECUTE format('ALTER INDEX %I RENAME TO %I', staged.name, live_names[position]);
      END LOOP;
    END
    $swap$`;
}

/** One line, for `dgii_imports.error` and the CLI. */
function describeError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/\s*\n\s*/g, ' ').trim() || 'unknown error';
}

class ImportRun {
  private readonly batchSize: number;
  private readonly concurrency: number;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly batch = new Batch();
  private bytesRead = 0;
  private rowsRead = 0;
  private rowsImported = 0;
  private checksumFailures = 0;
  private readonly skipped: Record<DgiiSkipReason, number> = { 'tax-id': 0, name: 0, columns: 0, duplicate: 0 };
  /** Parse skips not yet reported to `dgii_imports` by a batch's heartbeat. */
  private unreportedSkips = 0;
  private container: DgiiImportResult['container'] = 'text';
  private lines: LineReader | null = null;

  constructor(
    private readonly sql: Sql,
    private readonly staging: string,
    private readonly importId: number,
    private readonly options: DgiiImportOptions,
  ) {
    this.batchSize = options.batchSize ?? 5000;
    this.concurrency = options.concurrency ?? 4;
  }

  async read(input: ReadableStream<Uint8Array>): Promise<void> {
    const { signal } = this.options;
    signal?.throwIfAborted();
    const reader = input.getReader();
    // A pending read() resolves as done once the reader is cancelled: Ctrl-C must not wait for a stalled download.
    const cancel = () => void reader.cancel(signal?.reason).catch(() => undefined);
    signal?.addEventListener('abort', cancel, { once: true });
    let decoder: ContainerDecoder | null = null;
    let head: Uint8Array = new Uint8Array(0);
    let finished = false;
    try {
      for (;;) {
        const { done, value } = await reader.read();
        signal?.throwIfAborted();
        if (done) break;
        this.bytesRead += value.byteLength;
        if (decoder === null) {
          // The first four bytes say zip or text.
          head = concat([head, value]);
          if (head.byteLength < 4) continue;
          decoder = this.openContainer(head);
          decoder.push(head, false);
        } else decoder.push(value, false);
        await this.drain();
        this.report();
      }
      finished = true;
      if (decoder === null) this.openContainer(head).push(head, true);
      else decoder.push(new Uint8Array(0), true);
      await this.drain(true);
      await this.settle(true);
      this.report();
    } finally {
      signal?.removeEventListener('abort', cancel);
      if (!finished) await reader.cancel().catch(() => undefined); // the input's own error, if any, is already on its way up
    }
  }

  totals() {
    return {
      rowsImported: this.rowsImported,
      rowsSkipped: Object.values(this.skipped).reduce((sum, count) => sum + count, 0),
      skipped: { ...this.skipped },
      checksumFailures: this.checksumFailures,
    };
  }

  format(): Pick<DgiiImportResult, 'container' | 'layout' | 'encoding'> {
    return {
      container: this.container,
      layout: this.lines?.layout?.kind ?? 'pipe',
      encoding: this.lines?.encoding ?? 'windows-1252',
    };
  }

  /** Waits for every INSERT in flight; with `rethrow`, fails on the first that failed. */
  async settle(rethrow = false): Promise<void> {
    const results = await Promise.allSettled([...this.inFlight]);
    const failed = results.find((result) => result.status === 'rejected');
    if (rethrow && failed) throw failed.reason;
  }

  private openContainer(head: Uint8Array): ContainerDecoder {
    const lines = new LineReader((line) => this.onLine(line));
    this.lines = lines;
    const zipped =
      head[0] === 0x50 &&
      head[1] === 0x4b &&
      ((head[2] === 0x03 && head[3] === 0x04) || (head[2] === 0x05 && head[3] === 0x06));
    this.container = zipped ? 'zip' : 'text';
    return zipped ? new ZipDecoder(lines) : lines;
  }

  private onLine(line: string): void {
    const lines = this.lines!;
    const parsed = parseRegistryLine(line, lines.layout!);
    this.rowsRead++;
    if (!parsed.ok) {
      this.skipped[parsed.reason]++;
      this.unreportedSkips++;
      return;
    }
    const { taxId } = parsed.record;
    if (!(taxId.length === 9 ? isValidRnc(taxId) : isValidCedula(taxId))) this.checksumFailures++;
    this.batch.add(parsed.record);
  }

  /** Sends full batches (all remaining rows when `final`), keeping at most `concurrency` requests in flight. */
  private async drain(final = false): Promise<void> {
    while (this.batch.length >= this.batchSize || (final && this.batch.length > 0)) {
      const batch = this.batch.take(this.batchSize);
      while (this.inFlight.size >= this.concurrency) await Promise.race(this.inFlight);
      const request = this.insert(batch);
      this.inFlight.add(request);
      // Observed here so a failure never goes unhandled; settle() and the race above rethrow it.
      request.then(
        () => this.inFlight.delete(request),
        () => undefined,
      );
    }
  }

  private async insert(batch: BatchColumns): Promise<void> {
    const skipsBefore = this.unreportedSkips;
    this.unreportedSkips = 0;
    const [row] = await this.sql.query(
      `WITH inserted AS (
         INSERT INTO ${this.staging} (tax_id, name, commercial_name, activity, status, regime, started_on)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::date[])
         ON CONFLICT (tax_id) DO NOTHING
         RETURNING 1
       ), heartbeat AS (
         UPDATE dgii_imports SET updated_at = now(),
           rows_imported = rows_imported + (SELECT count(*) FROM inserted),
           rows_skipped = rows_skipped + $9::int + $10::int - (SELECT count(*) FROM inserted)
         WHERE id = $8
       )
       SELECT count(*)::int AS inserted FROM inserted`,
      [
        batch.taxId,
        batch.name,
        batch.commercialName,
        batch.activity,
        batch.status,
        batch.regime,
        batch.startedOn,
        this.importId,
        skipsBefore,
        batch.taxId.length,
      ],
    );
    const inserted = Number((row as { inserted: number }).inserted);
    this.rowsImported += inserted;
    this.skipped.duplicate += batch.taxId.length - inserted;
    this.report();
  }

  private report(): void {
    this.options.onProgress?.({
      bytesRead: this.bytesRead,
      rowsRead: this.rowsRead,
      rowsImported: this.rowsImported,
      rowsSkipped: Object.values(this.skipped).reduce((sum, count) => sum + count, 0),
    });
  }
}

interface BatchColumns {
  taxId: string[];
  name: string[];
  commercialName: Array<string | null>;
  activity: Array<string | null>;
  status: Array<string | null>;
  regime: Array<string | null>;
  startedOn: Array<string | null>;
}

/** Rows gathered column by column, as `unnest` takes them. */
class Batch implements BatchColumns {
  taxId: string[] = [];
  name: string[] = [];
  commercialName: Array<string | null> = [];
  activity: Array<string | null> = [];
  status: Array<string | null> = [];
  regime: Array<string | null> = [];
  startedOn: Array<string | null> = [];

  get length(): number {
    return this.taxId.length;
  }

  add(record: TaxpayerRecord): void {
    this.taxId.push(record.taxId);
    this.name.push(record.name);
    this.commercialName.push(record.commercialName);
    this.activity.push(record.activity);
    this.status.push(record.status);
    this.regime.push(record.regime);
    this.startedOn.push(record.startedOn);
  }

  /** Removes and returns the first `count` rows. */
  take(count: number): BatchColumns {
    if (count >= this.length) {
      const all: BatchColumns = { ...this };
      this.taxId = [];
      this.name = [];
      this.commercialName = [];
      this.activity = [];
      this.status = [];
      this.regime = [];
      this.startedOn = [];
      return all;
    }
    return {
      taxId: this.taxId.splice(0, count),
      name: this.name.splice(0, count),
      commercialName: this.commercialName.splice(0, count),
      activity: this.activity.splice(0, count),
      status: this.status.splice(0, count),
      regime: this.regime.splice(0, count),
      startedOn: this.startedOn.splice(0, count),
    };
  }
}

export interface ContainerDecoder {
  /** Feeds bytes (`final` with the last ones); lines come out synchronously through the LineReader's callback. Throws on bad input. */
  push(bytes: Uint8Array, final: boolean): void;
}

/** The first .txt or .csv entry of a zip, inflated as it streams in; other entries are skipped. */
class ZipDecoder implements ContainerDecoder {
  private readonly unzip: Unzip;
  private entry: string | null = null;
  private entryDone = false;
  private error: Error | null = null;

  constructor(private readonly lines: LineReader) {
    this.unzip = new Unzip((file) => this.onFile(file));
    this.unzip.register(UnzipInflate);
  }

  push(bytes: Uint8Array, final: boolean): void {
    try {
      this.unzip.push(bytes, final);
    } catch (error) {
      this.error ??= zipError(error);
    }
    if (this.error) throw this.error;
    if (!final) return;
    if (this.entry === null) throw new DgiiInputError('the zip holds no .txt or .csv file');
    if (!this.entryDone) throw new DgiiInputError(`the zip ends in the middle of ${this.entry} (truncated download?)`);
  }

  private onFile(file: UnzipFile): void {
    const wanted = this.entry === null && /\.(txt|csv)$/i.test(file.name);
    if (!wanted) {
      // Started and discarded, or fflate would keep the entry's bytes until the end.
      file.ondata = () => undefined;
      file.start();
      return;
    }
    this.entry = file.name;
    file.ondata = (error, data, final) => {
      if (this.error) return;
      if (error) {
        this.error = zipError(error);
        return;
      }
      try {
        this.lines.push(data, final);
        if (final) this.entryDone = true;
      } catch (lineError) {
        this.error = lineError instanceof Error ? lineError : new Error(String(lineError));
      }
    };
    file.start();
  }
}

function zipError(error: unknown): Error {
  const message = error instanceof Error ? error.message : String(error);
  return new DgiiInputError(`corrupt or truncated zip (${message})`, { cause: error });
}

/**
 * Bytes to lines. The encoding is chosen once from the first 64 KiB: a UTF-8 byte order mark, or
 * non-ASCII bytes that are valid UTF-8, mean UTF-8 (then decoded strictly, so a stray byte fails the
 * import); anything else is the registry's Windows-1252. The first non-blank line picks the layout.
 */
export class LineReader implements ContainerDecoder {
  layout: RegistryLayout | null = null;
  encoding: 'utf-8' | 'windows-1252' | null = null;
  private decoder: TextDecoder | null = null;
  private head: Uint8Array[] = [];
  private headBytes = 0;
  private rest = '';
  /** A CSV record whose quoted field continues on the next line. */
  private open = '';

  constructor(private readonly onLine: (line: string) => void) {}

  push(bytes: Uint8Array, final: boolean): void {
    if (this.decoder === null) {
      this.head.push(bytes);
      this.headBytes += bytes.byteLength;
      if (this.headBytes < sniffBytes && !final) return;
      const head = concat(this.head);
      this.head = [];
      this.decoder = this.chooseDecoder(head);
      bytes = head;
    }
    let text: string;
    try {
      text = this.decoder.decode(bytes, { stream: !final });
    } catch {
      throw new DgiiInputError('invalid UTF-8 in a file that starts as UTF-8 (bad encoding)');
    }
    this.split(text, final);
  }

  private chooseDecoder(head: Uint8Array): TextDecoder {
    const utf16 = utf16Kind(head);
    if (utf16)
      throw new DgiiInputError(
        `the file is ${utf16} text; save it as Windows-1252 (as the DGII publishes it) or UTF-8 and import it again`,
      );
    if (head.includes(0)) throw new DgiiInputError('binary data where text was expected (not the DGII registry)');
    const bom = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf;
    let utf8 = bom;
    if (!utf8 && head.some((byte) => byte >= 0x80)) {
      try {
        new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(head, { stream: true });
        utf8 = true;
      } catch {
        utf8 = false;
      }
    }
    this.encoding = utf8 ? 'utf-8' : 'windows-1252';
    return utf8 ? new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }) : new TextDecoder('windows-1252');
  }

  private split(text: string, final: boolean): void {
    const lines = (this.rest + text).split('\n');
    this.rest = final ? '' : lines.pop()!;
    if (this.rest.length > maxLineLength)
      throw new DgiiInputError(`a line longer than ${maxLineLength} characters (not the DGII registry)`);
    for (const raw of lines) {
      const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
      if (this.layout === null) {
        if (line.trim() === '') continue;
        this.layout = detectLayout(line);
        if (this.layout.kind === 'csv') continue; // the header row
      }
      if (this.layout.kind === 'csv') {
        const record = this.open === '' ? line : `${this.open}\n${line}`;
        if (hasOpenQuote(record) && record.length < maxRecordLength) {
          this.open = record;
          continue;
        }
        this.open = '';
        if (record.trim() !== '') this.onLine(record);
      } else if (line.trim() !== '') this.onLine(line);
    }
    if (final && this.open !== '') this.onLine(this.open);
  }
}

/**
 * UTF-16 by its byte order mark, or without one by its zero bytes: text in a Latin script has a zero
 * in every other byte (the high byte of each character) and hardly any in the other position.
 */
function utf16Kind(head: Uint8Array): 'UTF-16LE' | 'UTF-16BE' | null {
  if (head[0] === 0xff && head[1] === 0xfe) return 'UTF-16LE';
  if (head[0] === 0xfe && head[1] === 0xff) return 'UTF-16BE';
  const pairs = head.byteLength >> 1;
  if (pairs < 8) return null;
  let evenZeros = 0;
  let oddZeros = 0;
  for (let index = 0; index < pairs * 2; index += 2) {
    if (head[index] === 0) evenZeros++;
    if (head[index + 1] === 0) oddZeros++;
  }
  if (oddZeros > pairs * 0.9 && evenZeros < pairs * 0.05) return 'UTF-16LE';
  if (evenZeros > pairs * 0.9 && oddZeros < pairs * 0.05) return 'UTF-16BE';
  return null;
}

function concat(chunks: Uint8Array[]): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  const total = chunks.reduce((sum, chunk) => sum + chunk.byteLength, 0);
  const joined = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    joined.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return joined;
}
