/**
 * Per-tenant logical backups: a consistent snapshot of one tenant database (every table, read in
 * keyset pages inside one read-only REPEATABLE READ transaction), its schema version and sequence
 * values. Format 2 (written now): `backups/<tenant>/<stamp>.json.gz` is a multipart upload of gzip
 * members, one per chunk of at most `chunkRows` rows and about `chunkBytes` of JSON (a JSON line
 * `{"table","columns","rows"}`), followed by the manifest as the last member; the manifest (every
 * chunk's table, offset, length, rows and SHA-256) is also stored beside it as
 * `<stamp>.manifest.json` with its own SHA-256 in the metadata, so a restore reads chunk by chunk
 * with ranged reads. Format 1 (one gzipped JSON document) still restores. Shops never see these
 * keys: their files live under `tenants/<id>/`.
 */
import { Client } from '@neondatabase/serverless';
import { sqlClient, type Sql } from '../../db/client';
import { appliedVersion, migrate } from '../../db/migrate';
import { migrations } from '../../db/migrations.generated';
import { AppError, type FieldErrors } from '../../errors';
import { t } from '../../i18n/es-DO';
import { TenantCache } from '../../tenancy/cache';
import { listDomainsOf } from '../../tenancy/central-queries';
import { decryptSecret } from '../../tenancy/crypto';
import { migrateTenant, tenantConnection } from '../../tenancy/lifecycle';
import { purgeTenantKeys } from '../../tenancy/lookup';
import type { Platform } from '../../tenancy/platform';
import {
  createTenant,
  getTenantRow,
  requireTenantRow,
  runProvisioning,
  updateTenant,
  validateTenantId,
  type TenantRow,
} from '../../tenancy/provisioning';
import { recordPlatformAudit } from './audit';
import { assertActor, type PlatformContext } from './context';
import { enqueuePlatformJob, type PlatformJobRow } from './jobs/runner';

export const backupFormat = 'optiflow-tenant-backup';
/** The format this code writes: chunked (see the top of the file). Version 1 is still read. */
export const backupFormatVersion = 2;
const legacyFormatVersion = 1;

/** Rows of one keyset page, and so at most of one chunk. */
export const chunkRows = 1000;
/** A chunk is closed once its JSON passes this size, so one chunk's load stays far below the driver's 10 MB request limit. */
export const chunkBytes = 1024 * 1024;
/** R2 wants every part but the last at least 5 MiB and all of the same size. */
const partBytes = 5 * 1024 * 1024;

export interface BackupHeader {
  format: typeof backupFormat;
  version: typeof backupFormatVersion | typeof legacyFormatVersion;
  tenantId: string;
  tenantName: string;
  schemaVersion: number;
  /** Tags of the applied tenant migrations, in order. */
  migrations: string[];
  createdAt: string;
  /** Row count of each table, in foreign-key order (parents first). */
  tables: Record<string, number>;
}

export interface BackupTable {
  columns: string[];
  /** Every value as Postgres' text form (or null), ordered by primary key. */
  rows: Array<Array<string | null>>;
}

export interface BackupSequence {
  lastValue: string | null;
  isCalled: boolean;
}

export interface BackupDocument {
  header: BackupHeader;
  data: Record<string, BackupTable>;
  sequences: Record<string, BackupSequence>;
}

/** Where one chunk lies in the data object: a gzip member of `length` bytes at `offset`. */
export interface BackupChunk {
  table: string;
  offset: number;
  length: number;
  rows: number;
  /** SHA-256 of the chunk's uncompressed JSON line. */
  sha256: string;
}

export interface BackupManifest {
  header: BackupHeader;
  columns: Record<string, string[]>;
  sequences: Record<string, BackupSequence>;
  chunks: BackupChunk[];
}

export interface BackupObject {
  key: string;
  tenantId: string;
  stamp: string;
  createdAt: Date;
  size: number;
}

const stampPattern = /^\d{8}T\d{6}Z$/;

export function isBackupStamp(value: string): boolean {
  return stampPattern.test(value);
}

/** `2026-11-28T04:51:00.123Z` -> `20261128T045100Z`. */
export function backupStamp(date: Date): string {
  return date
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/[-:]/g, '');
}

export function stampDate(stamp: string): Date {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(stamp);
  if (!m) throw new AppError('validation', `"${stamp}" is not a backup timestamp (YYYYMMDDTHHmmssZ)`);
  return new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!));
}

export function backupPrefix(tenantId: string): string {
  return `backups/${tenantId}/`;
}

export function backupKey(tenantId: string, stamp: string): string {
  return `${backupPrefix(tenantId)}${stamp}.json.gz`;
}

/** A full key, or a timestamp of the given tenant's backups (`20261128T045100Z`). */
export function resolveBackupKey(tenantId: string, keyOrStamp: string): string {
  if (isBackupStamp(keyOrStamp)) return backupKey(tenantId, keyOrStamp);
  const match = /^backups\/([a-z0-9-]+)\/(\d{8}T\d{6}Z)\.json\.gz$/.exec(keyOrStamp);
  if (!match)
    throw new AppError(
      'validation',
      `"${keyOrStamp}" is neither a backup key (backups/<tenant>/<stamp>.json.gz) nor a timestamp (YYYYMMDDTHHmmssZ)`,
    );
  return keyOrStamp;
}

/** A tenant's backups in R2, newest first. */
export async function listBackups(platform: Platform, tenantId: string): Promise<BackupObject[]> {
  const found: BackupObject[] = [];
  let cursor: string | undefined;
  do {
    const page = await platform.files.list({ prefix: backupPrefix(tenantId), cursor });
    for (const object of page.objects) {
      const stamp = object.key.slice(backupPrefix(tenantId).length).replace(/\.json\.gz$/, '');
      if (!isBackupStamp(stamp)) continue;
      found.push({ key: object.key, tenantId, stamp, createdAt: stampDate(stamp), size: object.size });
    }
    cursor = page.truncated ? page.cursor : undefined;
  } while (cursor);
  return found.sort((a, b) => b.stamp.localeCompare(a.stamp));
}

// ---------------------------------------------------------------------------------------------
// Catalogue of a tenant database

interface TableInfo {
  name: string;
  columns: Array<{ name: string; type: string }>;
  primaryKey: string[];
}

const quote = (identifier: string) => `"${identifier.replace(/"/g, '""')}"`;

/** The tables of the `public` schema in foreign-key order (parents first), with their columns and keys. */
async function readCatalogue(sql: Sql): Promise<TableInfo[]> {
  const [tables = [], columns = [], keys = [], references = []] = await sql.transaction([
    sql`SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') ORDER BY c.relname`,
    sql`SELECT c.relname AS table, a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type
        FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = ''
        ORDER BY c.relname, a.attnum`,
    sql`SELECT c.relname AS table, a.attname AS name
        FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
        JOIN LATERAL unnest(k.conkey) WITH ORDINALITY AS u(attnum, position) ON true
        JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = u.attnum
        WHERE n.nspname = 'public' AND k.contype = 'p' ORDER BY c.relname, u.position`,
    sql`SELECT c.relname AS child, p.relname AS parent
        FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_class p ON p.oid = k.confrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND k.contype = 'f'`,
  ]);
  const byName = new Map<string, TableInfo>();
  for (const row of tables) byName.set(row.name as string, { name: row.name as string, columns: [], primaryKey: [] });
  for (const row of columns)
    byName.get(row.table as string)?.columns.push({ name: row.name as string, type: row.type as string });
  for (const row of keys) byName.get(row.table as string)?.primaryKey.push(row.name as string);
  const parents = new Map<string, Set<string>>();
  for (const row of references) {
    if (row.child === row.parent) continue;
    if (!parents.has(row.child as string)) parents.set(row.child as string, new Set());
    parents.get(row.child as string)!.add(row.parent as string);
  }
  // Kahn's algorithm, alphabetical among equals so the order is stable.
  const ordered: TableInfo[] = [];
  const placed = new Set<string>();
  while (placed.size < byName.size) {
    const ready = [...byName.keys()].filter(
      (name) =>
        !placed.has(name) &&
        [...(parents.get(name) ?? [])].every((parent) => placed.has(parent) || !byName.has(parent)),
    );
    if (ready.length === 0)
      throw new Error(
        `Foreign-key cycle between tables: ${[...byName.keys()].filter((name) => !placed.has(name)).join(', ')}`,
      );
    for (const name of ready) {
      placed.add(name);
      ordered.push(byName.get(name)!);
    }
  }
  return ordered;
}

// ---------------------------------------------------------------------------------------------
// Writing

async function sha256Hex(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return [...digest].map((byte) => byte.toString(16).padStart(2, '0')).join('');
}

async function gzip(bytes: Uint8Array<ArrayBuffer>): Promise<Uint8Array<ArrayBuffer>> {
  const stream = new Blob([bytes]).stream().pipeThrough(new CompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

async function gunzip(bytes: Uint8Array<ArrayBuffer>): Promise<Uint8Array<ArrayBuffer>> {
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

const utf8 = (text: string) => new Uint8Array(new TextEncoder().encode(text));

/** Serialises a format-1 backup document: the gzipped bytes and the SHA-256 of the uncompressed JSON. */
export async function encodeBackup(
  document: BackupDocument,
): Promise<{ body: Uint8Array<ArrayBuffer>; sha256: string; uncompressedBytes: number }> {
  const json = utf8(JSON.stringify(document));
  return { body: await gzip(json), sha256: await sha256Hex(json), uncompressedBytes: json.byteLength };
}

/** Writes bytes to an R2 multipart upload in parts of exactly `partBytes` (the last one shorter), holding at most one part. */
class PartWriter {
  private readonly parts: R2UploadedPart[] = [];
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  written = 0;

  constructor(private readonly upload: R2MultipartUpload) {}

  async write(bytes: Uint8Array): Promise<void> {
    this.pending.push(bytes);
    this.pendingBytes += bytes.byteLength;
    this.written += bytes.byteLength;
    while (this.pendingBytes >= partBytes) await this.flush(partBytes);
  }

  private async flush(size: number): Promise<void> {
    const all = new Uint8Array(this.pendingBytes);
    let at = 0;
    for (const piece of this.pending) {
      all.set(piece, at);
      at += piece.byteLength;
    }
    this.parts.push(await this.upload.uploadPart(this.parts.length + 1, all.slice(0, size)));
    this.pending = size < all.byteLength ? [all.slice(size)] : [];
    this.pendingBytes = all.byteLength - size;
  }

  async complete(): Promise<void> {
    if (this.pendingBytes > 0 || this.parts.length === 0) await this.flush(this.pendingBytes);
    await this.upload.complete(this.parts);
  }

  abort(): Promise<void> {
    return this.upload.abort().catch(() => undefined);
  }
}

export function manifestKey(key: string): string {
  return key.replace(/\.json\.gz$/, '.manifest.json');
}

/**
 * A WebSocket session for work that must span many statements in one transaction. A dropped
 * connection also fails the pending query; the listener only keeps the event from being unhandled.
 */
async function openSession(connectionString: string): Promise<Client> {
  const session = new Client(connectionString);
  session.on('error', () => undefined);
  await session.connect();
  return session;
}

/**
 * Reads the tenant database in keyset pages of `chunkRows` rows, all inside ONE read-only
 * REPEATABLE READ transaction on a WebSocket session (one snapshot, as the whole-document backup
 * had), and hands each chunk's JSON line to `emit`. Memory holds one page.
 */
async function streamSnapshot(
  sql: Sql,
  connectionString: string,
  emit: (table: string, line: string, rows: number) => Promise<void>,
): Promise<{
  columns: Record<string, string[]>;
  sequences: Record<string, BackupSequence>;
  tables: Record<string, number>;
}> {
  const catalogue = await readCatalogue(sql);
  const session = await openSession(connectionString);
  try {
    await session.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const { rows: names } = await session.query<{ names: string | null }>(
      `SELECT string_agg(c.relname, ',' ORDER BY c.relname) AS names FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')`,
    );
    const expected = catalogue
      .map((table) => table.name)
      .sort()
      .join(',');
    if ((names[0]?.names ?? '') !== expected)
      throw new Error('The tenant schema changed while the backup was being taken; try again');
    const columns: Record<string, string[]> = {};
    const tables: Record<string, number> = {};
    for (const table of catalogue) {
      columns[table.name] = table.columns.map((column) => column.name);
      tables[table.name] = 0;
      const key = table.primaryKey;
      const keyTypes = key.map((name) => table.columns.find((column) => column.name === name)!.type);
      const values = table.columns.map((column) => `${quote(column.name)}::text`).join(', ');
      const order = (key.length ? key : table.columns.map((column) => column.name)).map(quote).join(', ');
      const keyColumns = key.map((name, index) => `, ${quote(name)}::text AS k${index}`).join('');
      let after: string[] | null = null;
      let offset = 0;
      for (;;) {
        const where: string =
          after && key.length
            ? `WHERE (${key.map(quote).join(', ')}) > (${keyTypes.map((type, index) => `$${index + 1}::${type}`).join(', ')})`
            : '';
        // A table without a primary key is paged by OFFSET: still one snapshot, so still consistent.
        const text: string = `SELECT json_build_array(${values})::text AS r${keyColumns} FROM ${quote(table.name)} ${where} ORDER BY ${order} LIMIT ${chunkRows}${key.length ? '' : ` OFFSET ${offset}`}`;
        const rows: Array<Record<string, string>> = (await session.query(text, after && key.length ? after : [])).rows;
        if (rows.length === 0) break;
        let start = 0;
        let size = 0;
        for (let index = 0; index < rows.length; index++) {
          size += rows[index]!.r!.length + 1;
          if (size >= chunkBytes || index === rows.length - 1) {
            const slice = rows.slice(start, index + 1);
            await emit(
              table.name,
              `{"table":${JSON.stringify(table.name)},"columns":${JSON.stringify(columns[table.name])},"rows":[${slice.map((row) => row.r).join(',')}]}\n`,
              slice.length,
            );
            start = index + 1;
            size = 0;
          }
        }
        tables[table.name]! += rows.length;
        offset += rows.length;
        const last: Record<string, string> = rows[rows.length - 1]!;
        after = key.map((_, index) => last[`k${index}`]!);
        if (rows.length < chunkRows) break;
      }
    }
    const { rows: sequenceRows } = await session.query<Record<string, unknown>>(
      `SELECT sequencename, last_value::text AS last_value, last_value IS NOT NULL AS is_called FROM pg_sequences WHERE schemaname = 'public' ORDER BY sequencename`,
    );
    await session.query('COMMIT');
    const sequences: Record<string, BackupSequence> = {};
    for (const row of sequenceRows)
      sequences[row.sequencename as string] = {
        lastValue: (row.last_value as string | null) ?? null,
        isCalled: row.is_called === true,
      };
    return { columns, sequences, tables };
  } finally {
    await session.end().catch(() => undefined);
  }
}

export interface BackupResult {
  key: string;
  size: number;
  tenantId: string;
  schemaVersion: number;
  rows: number;
  createdAt: string;
}

/**
 * Backs up one tenant to R2 (`backups/<tenant>/<stamp>.json.gz` and its manifest), streamed: at
 * most one page of rows and one R2 part are held at a time.
 */
export async function backupTenant(platform: Platform, tenantId: string, now = new Date()): Promise<BackupResult> {
  const { row, connectionString } = await tenantConnection(platform, tenantId);
  if (row.status !== 'active' && row.status !== 'suspended') {
    throw new AppError(
      'conflict',
      `Tenant "${tenantId}" is ${row.status}; only an active or suspended tenant can be backed up`,
    );
  }
  const sql = sqlClient(connectionString);
  const present = await sql`SELECT to_regclass('drizzle.__drizzle_migrations') IS NOT NULL AS present`;
  const applied = present[0]?.present ? await appliedVersion(sql, migrations.tenant) : 0;
  // Two backups in the same second must not overwrite each other (a restore's safety backup, a retry).
  let at = now;
  while (await platform.files.head(backupKey(tenantId, backupStamp(at)))) at = new Date(at.getTime() + 1000);
  const key = backupKey(tenantId, backupStamp(at));
  const createdAt = now.toISOString();
  const writer = new PartWriter(
    await platform.files.createMultipartUpload(key, {
      httpMetadata: { contentType: 'application/gzip' },
      customMetadata: { format: String(backupFormatVersion), tenantId, schemaVersion: String(applied), createdAt },
    }),
  );
  const chunks: BackupChunk[] = [];
  let manifest: BackupManifest;
  try {
    const snapshot = await streamSnapshot(sql, connectionString, async (table, line, rows) => {
      const json = utf8(line);
      const member = await gzip(json);
      chunks.push({ table, offset: writer.written, length: member.byteLength, rows, sha256: await sha256Hex(json) });
      await writer.write(member);
    });
    manifest = {
      header: {
        format: backupFormat,
        version: backupFormatVersion,
        tenantId: row.id,
        tenantName: row.name,
        schemaVersion: applied,
        migrations: migrations.tenant.slice(0, applied).map((migration) => migration.tag),
        createdAt,
        tables: snapshot.tables,
      },
      columns: snapshot.columns,
      sequences: snapshot.sequences,
      chunks,
    };
    // The manifest also ends the data object, so a downloaded backup is complete on its own.
    await writer.write(await gzip(utf8(`${JSON.stringify(manifest)}\n`)));
    await writer.complete();
  } catch (error) {
    await writer.abort();
    throw error;
  }
  const manifestJson = utf8(JSON.stringify(manifest));
  const rows = Object.values(manifest.header.tables).reduce((sum, count) => sum + count, 0);
  await platform.files.put(manifestKey(key), manifestJson, {
    httpMetadata: { contentType: 'application/json' },
    customMetadata: { sha256: await sha256Hex(manifestJson), tenantId, rows: String(rows) },
  });
  return { key, size: writer.written, tenantId, schemaVersion: applied, rows, createdAt };
}

// ---------------------------------------------------------------------------------------------
// Reading and verifying

function corrupted(key: string, reason: string): AppError {
  return new AppError('validation', `Backup ${key} is corrupted or incomplete: ${reason}; nothing was changed`);
}

/** One chunk of rows, verified: `line` is JSON with the rows under `rows`, as the restore's INSERT reads it. */
interface LoadChunk {
  table: string;
  columns: string[];
  rows: number;
  line: string;
}

/** A verified backup read one chunk at a time, whatever its format. */
interface BackupSource {
  header: BackupHeader;
  sequences: Record<string, BackupSequence>;
  columns: Record<string, string[]>;
  chunks: Array<{ table: string; rows: number }>;
  read(index: number): Promise<LoadChunk>;
}

function checkHeader(key: string, header: BackupHeader | undefined, version: number): BackupHeader {
  if (header?.format !== backupFormat) throw corrupted(key, 'not an OptiFlow tenant backup');
  if (header.version !== version)
    throw new AppError(
      'validation',
      `Backup ${key} has format version ${header.version}; this code reads versions ${legacyFormatVersion} and ${backupFormatVersion}`,
    );
  if (!Array.isArray(header.migrations) || header.migrations.length !== header.schemaVersion)
    throw corrupted(key, 'inconsistent schema version');
  const known = migrations.tenant.map((migration) => migration.tag);
  header.migrations.forEach((tag, index) => {
    if (known[index] !== tag)
      throw new AppError(
        'validation',
        `Backup ${key} was taken with migration ${tag}, which this code does not know at position ${index + 1}`,
      );
  });
  return header;
}

/** Opens a backup of either format: format 2 checks its manifest now and each chunk as it is read; format 1 is verified whole. */
async function openBackup(platform: Platform, key: string): Promise<BackupSource> {
  const head = await platform.files.head(key);
  if (!head) throw new AppError('not_found', `Backup ${key} does not exist`);
  if (head.customMetadata?.format !== String(backupFormatVersion)) return legacySource(await readBackup(platform, key));
  const stored = await platform.files.get(manifestKey(key));
  if (!stored) throw corrupted(key, 'its manifest is missing');
  const expected = stored.customMetadata?.sha256;
  if (!expected) throw corrupted(key, 'its manifest has no checksum');
  const json = new Uint8Array(await stored.arrayBuffer());
  if ((await sha256Hex(json)) !== expected) throw corrupted(key, 'manifest checksum mismatch');
  let manifest: BackupManifest;
  try {
    manifest = JSON.parse(new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(json)) as BackupManifest;
  } catch {
    throw corrupted(key, 'the manifest is not valid JSON');
  }
  const header = checkHeader(key, manifest?.header, backupFormatVersion);
  const counted: Record<string, number> = {};
  let end = 0;
  for (const chunk of manifest.chunks ?? []) {
    if (
      chunk.offset !== end ||
      !(chunk.length > 0) ||
      !(chunk.table in header.tables) ||
      !manifest.columns?.[chunk.table]
    )
      throw corrupted(key, 'its manifest lists chunks that do not follow each other');
    end += chunk.length;
    counted[chunk.table] = (counted[chunk.table] ?? 0) + chunk.rows;
  }
  if (end > head.size) throw corrupted(key, `the data object is ${head.size} bytes, its chunks need ${end}`);
  for (const [table, count] of Object.entries(header.tables))
    if ((counted[table] ?? 0) !== count)
      throw corrupted(key, `table ${table} does not have the ${count} rows its header says`);
  return {
    header,
    sequences: manifest.sequences ?? {},
    columns: manifest.columns,
    chunks: manifest.chunks.map((chunk) => ({ table: chunk.table, rows: chunk.rows })),
    async read(index) {
      const chunk = manifest.chunks[index]!;
      const object = await platform.files.get(key, { range: { offset: chunk.offset, length: chunk.length } });
      if (!object) throw corrupted(key, 'the data object is gone');
      const bytes = new Uint8Array(await object.arrayBuffer());
      if (bytes.byteLength !== chunk.length) throw corrupted(key, `chunk ${index + 1} is truncated`);
      let json: Uint8Array<ArrayBuffer>;
      try {
        json = await gunzip(bytes);
      } catch (error) {
        throw corrupted(key, `chunk ${index + 1}: gzip: ${error instanceof Error ? error.message : String(error)}`);
      }
      if ((await sha256Hex(json)) !== chunk.sha256) throw corrupted(key, `chunk ${index + 1} checksum mismatch`);
      const line = new TextDecoder().decode(json);
      let parsed: { table?: string; rows?: unknown[] };
      try {
        parsed = JSON.parse(line) as typeof parsed;
      } catch {
        throw corrupted(key, `chunk ${index + 1} is not valid JSON`);
      }
      const columns = manifest.columns[chunk.table]!;
      if (
        parsed.table !== chunk.table ||
        !Array.isArray(parsed.rows) ||
        parsed.rows.length !== chunk.rows ||
        parsed.rows.some((row) => !Array.isArray(row) || row.length !== columns.length)
      )
        throw corrupted(key, `chunk ${index + 1} of table ${chunk.table} has malformed rows`);
      return { table: chunk.table, columns, rows: chunk.rows, line };
    },
  };
}

/** A format-1 document cut into chunks of at most `chunkRows` rows and about `chunkBytes`. */
function legacySource(document: BackupDocument): BackupSource {
  const slices: Array<{ table: string; start: number; end: number }> = [];
  for (const table of Object.keys(document.header.tables)) {
    const rows = document.data[table]!.rows;
    let start = 0;
    let size = 0;
    for (let index = 0; index < rows.length; index++) {
      size += JSON.stringify(rows[index]).length + 1;
      if (size >= chunkBytes || index - start + 1 === chunkRows || index === rows.length - 1) {
        slices.push({ table, start, end: index + 1 });
        start = index + 1;
        size = 0;
      }
    }
  }
  return {
    header: document.header,
    sequences: document.sequences,
    columns: Object.fromEntries(Object.entries(document.data).map(([table, data]) => [table, data.columns])),
    chunks: slices.map((slice) => ({ table: slice.table, rows: slice.end - slice.start })),
    async read(index) {
      const slice = slices[index]!;
      const data = document.data[slice.table]!;
      const rows = data.rows.slice(slice.start, slice.end);
      return { table: slice.table, columns: data.columns, rows: rows.length, line: JSON.stringify({ rows }) };
    },
  };
}

/** Reads every chunk once, so a corrupted or truncated backup is refused before anything changes. */
async function verifyChunks(source: BackupSource): Promise<void> {
  for (let index = 0; index < source.chunks.length; index++) await source.read(index);
}

/** Reads a whole backup into memory, verified (either format). For small backups and tests: restores stream instead. */
export async function readBackup(platform: Platform, key: string): Promise<BackupDocument> {
  const object = await platform.files.get(key);
  if (!object) throw new AppError('not_found', `Backup ${key} does not exist`);
  if (object.customMetadata?.format === String(backupFormatVersion)) {
    await object.body.cancel();
    const source = await openBackup(platform, key);
    const data: Record<string, BackupTable> = {};
    for (const table of Object.keys(source.header.tables)) data[table] = { columns: source.columns[table]!, rows: [] };
    for (let index = 0; index < source.chunks.length; index++) {
      const chunk = await source.read(index);
      data[chunk.table]!.rows.push(...(JSON.parse(chunk.line) as { rows: Array<Array<string | null>> }).rows);
    }
    return { header: source.header, data, sequences: source.sequences };
  }
  const expected = object.customMetadata?.sha256;
  if (!expected) throw corrupted(key, 'it has no checksum');
  return decodeBackup(key, new Uint8Array(await object.arrayBuffer()), expected);
}

/** Decodes a format-1 backup (one gzipped JSON document) and verifies all of it. */
export async function decodeBackup(
  key: string,
  body: Uint8Array<ArrayBuffer>,
  expectedSha256: string,
): Promise<BackupDocument> {
  let json: Uint8Array<ArrayBuffer>;
  try {
    json = await gunzip(body);
  } catch (error) {
    throw corrupted(key, `gzip: ${error instanceof Error ? error.message : String(error)}`);
  }
  if ((await sha256Hex(json)) !== expectedSha256) throw corrupted(key, 'checksum mismatch');
  let document: BackupDocument;
  try {
    document = JSON.parse(new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(json)) as BackupDocument;
  } catch {
    throw corrupted(key, 'not valid JSON');
  }
  const header = checkHeader(key, document?.header, legacyFormatVersion);
  for (const [table, count] of Object.entries(header.tables ?? {})) {
    const data = document.data?.[table];
    if (!data || !Array.isArray(data.rows) || data.rows.length !== count)
      throw corrupted(key, `table ${table} does not have the ${count} rows its header says`);
    if (data.rows.some((row) => !Array.isArray(row) || row.length !== data.columns.length))
      throw corrupted(key, `table ${table} has malformed rows`);
  }
  if (Object.keys(document.data ?? {}).some((table) => !(table in header.tables)))
    throw corrupted(key, 'a table is missing from the header');
  return document;
}

// ---------------------------------------------------------------------------------------------
// Restoring

interface Statement {
  text: string;
  params: unknown[];
}

/**
 * How the backup's chunks land in the target database: the truncate of every table, one INSERT per
 * table (each value cast from its text form to the column's type in the TARGET database, reading a
 * chunk's rows from its JSON line), the chunks in the target's foreign-key order, then the sequences.
 */
async function loadPlan(sql: Sql, source: BackupSource) {
  const catalogue = await readCatalogue(sql);
  const target = new Map(catalogue.map((table) => [table.name, table]));
  for (const table of Object.keys(source.header.tables)) {
    const info = target.get(table);
    if (!info) throw new AppError('conflict', `The target database has no table "${table}"`);
    const missing = (source.columns[table] ?? []).filter((column) => !info.columns.some((c) => c.name === column));
    if (missing.length)
      throw new AppError('conflict', `Table "${table}" of the target database has no column ${missing.join(', ')}`);
  }
  const position = new Map(catalogue.map((table, index) => [table.name, index]));
  const order = source.chunks
    .map((chunk, index) => ({ index, at: position.get(chunk.table)! }))
    .sort((a, b) => a.at - b.at || a.index - b.index)
    .map((entry) => entry.index);
  const truncate = catalogue.length
    ? `TRUNCATE ${catalogue.map((table) => quote(table.name)).join(', ')} RESTART IDENTITY CASCADE`
    : null;
  const insert = (chunk: LoadChunk): Statement => {
    const info = target.get(chunk.table)!;
    const types = chunk.columns.map((column) => info.columns.find((c) => c.name === column)!.type);
    const select = chunk.columns.map((_, index) => `(r->>${index})::${types[index]}`).join(', ');
    return {
      text: `INSERT INTO ${quote(info.name)} (${chunk.columns.map(quote).join(', ')}) OVERRIDING SYSTEM VALUE SELECT ${select} FROM json_array_elements(($1::json)->'rows') AS r`,
      params: [chunk.line],
    };
  };
  const sequences: Statement[] = Object.entries(source.sequences).map(([name, sequence]) => {
    const regclass = `public.${quote(name)}`;
    return sequence.lastValue === null
      ? {
          text: `SELECT setval($1::regclass, (SELECT start_value FROM pg_sequences WHERE schemaname = 'public' AND sequencename = $2), false)`,
          params: [regclass, name],
        }
      : { text: `SELECT setval($1::regclass, $2::bigint, true)`, params: [regclass, sequence.lastValue] };
  });
  return { truncate, order, insert, sequences };
}

/**
 * Over a live tenant: everything in ONE transaction on a WebSocket session (it all lands or
 * nothing does), sent chunk by chunk so no message holds more than one chunk.
 */
async function loadAtomically(sql: Sql, connectionString: string, source: BackupSource): Promise<void> {
  const plan = await loadPlan(sql, source);
  const session = await openSession(connectionString);
  try {
    await session.query('BEGIN');
    if (plan.truncate) await session.query(plan.truncate);
    for (const index of plan.order) {
      const statement = plan.insert(await source.read(index));
      await session.query(statement.text, statement.params);
    }
    for (const statement of plan.sequences) await session.query(statement.text, statement.params);
    await session.query('COMMIT');
  } catch (error) {
    await session.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    await session.end().catch(() => undefined);
  }
}

/** Where a restore into a new tenant keeps its place: outside `public`, so no backup or catalogue sees it. */
const progressTable = 'optiflow_restore.progress';

/**
 * Into a new tenant: one transaction (one HTTP request) per chunk, each recording the next chunk
 * in `optiflow_restore.progress` with its rows, so an interrupted load resumes at its last
 * committed chunk. The schema is dropped with the last step (the sequences).
 */
async function loadResumably(
  sql: Sql,
  source: BackupSource,
  backupKey: string,
  report: (step: string, message?: string) => Promise<void>,
): Promise<void> {
  const plan = await loadPlan(sql, source);
  if (/[$'\\]/.test(backupKey)) throw new AppError('validation', `"${backupKey}" is not a backup key`);
  await sql.transaction([
    sql.query('CREATE SCHEMA IF NOT EXISTS optiflow_restore'),
    sql.query(`CREATE TABLE IF NOT EXISTS ${progressTable} (backup_key text NOT NULL, next_chunk int NOT NULL)`),
    sql.query(`DO $start$ BEGIN
      IF NOT EXISTS (SELECT 1 FROM ${progressTable}) THEN
        ${plan.truncate ? `${plan.truncate};` : ''}
        INSERT INTO ${progressTable} VALUES ('${backupKey}', 0);
      END IF;
    END $start$`),
  ]);
  const [state] = await sql.query(`SELECT backup_key, next_chunk FROM ${progressTable}`);
  if (state?.backup_key !== backupKey)
    throw new AppError(
      'conflict',
      `The database holds part of a restore of ${String(state?.backup_key)}, not ${backupKey}`,
    );
  const from = state.next_chunk as number;
  if (from > 0) await report('resume', `${from}/${plan.order.length}`);
  for (let position = from; position < plan.order.length; position++) {
    const statement = plan.insert(await source.read(plan.order[position]!));
    await sql.transaction([
      // Two runs of the same restore at once: the second one's chunk is refused, not loaded twice.
      sql.query(
        `DO $guard$ BEGIN IF (SELECT next_chunk FROM ${progressTable}) <> ${position} THEN RAISE EXCEPTION 'restore progress moved'; END IF; END $guard$`,
      ),
      sql.query(statement.text, statement.params),
      sql.query(`UPDATE ${progressTable} SET next_chunk = ${position + 1}`),
    ]);
  }
  await sql.transaction([
    ...plan.sequences.map((statement) => sql.query(statement.text, statement.params)),
    sql.query('DROP SCHEMA optiflow_restore CASCADE'),
  ]);
}

export interface RestoreOptions {
  backupKey: string;
  /** A new tenant id ("restore as a copy") or the backup's own tenant (over it). */
  into: string;
  /** Name of the new tenant (default: the backup's tenant name). */
  name?: string;
  progress?: (step: string, message?: string) => Promise<void> | void;
}

export interface RestoreResult {
  tenantId: string;
  backupKey: string;
  mode: 'new' | 'same';
  fromSchemaVersion: number;
  schemaVersion: number;
  rows: number;
  /** Over the same tenant: the backup taken just before it was overwritten. */
  safetyBackupKey?: string;
}

class StopAfterDatabase extends Error {}

/**
 * Restores a backup into a new tenant (created, migrated to the backup's schema version, loaded
 * chunk by chunk, then migrated forward) or over the tenant it came from (after a safety backup:
 * every table truncated and loaded in one transaction, then migrated forward). Every chunk is
 * verified first: a corrupted or truncated backup changes nothing. A restore into a new tenant that
 * fails or is interrupted leaves the tenant `failed` with its committed chunks; running the same
 * restore again resumes at the next chunk.
 */
export async function restoreBackup(platform: Platform, options: RestoreOptions): Promise<RestoreResult> {
  const report = async (step: string, message?: string) => options.progress?.(step, message);
  const source = await openBackup(platform, options.backupKey);
  await verifyChunks(source);
  const header = source.header;
  const rows = Object.values(header.tables).reduce((sum, count) => sum + count, 0);
  await report('verify', `${rows} filas, esquema ${header.schemaVersion}`);
  const target = validateTenantId(platform, options.into);

  if (target === header.tenantId) {
    const { row, connectionString } = await tenantConnection(platform, target);
    if (row.status !== 'active' && row.status !== 'suspended') {
      throw new AppError(
        'conflict',
        `Tenant "${target}" is ${row.status}; only an active or suspended tenant can be restored over`,
      );
    }
    const sql = sqlClient(connectionString);
    const current = await appliedVersion(sql, migrations.tenant);
    if (header.schemaVersion > current) {
      throw new AppError(
        'conflict',
        `Backup schema version ${header.schemaVersion} is newer than the tenant's (${current}); run tenants:migrate first`,
      );
    }
    const safety = await backupTenant(platform, target);
    await report('safety-backup', safety.key);
    await loadAtomically(sql, connectionString, source);
    await report('load', `${rows} filas`);
    const migrated = await migrateTenant(platform, target);
    await report('migrate', `${migrated.version}`);
    await purgeTenant(platform, target);
    return {
      tenantId: target,
      backupKey: options.backupKey,
      mode: 'same',
      fromSchemaVersion: header.schemaVersion,
      schemaVersion: migrated.version,
      rows,
      safetyBackupKey: safety.key,
    };
  }

  let row = await getTenantRow(platform, target);
  if (row && row.status !== 'provisioning' && row.status !== 'failed') {
    throw new AppError('conflict', `Tenant "${target}" already exists (status ${row.status})`);
  }
  if (!row || row.provisioningStep === null || row.provisioningStep === 'record') {
    const input = {
      id: target,
      name: (options.name ?? header.tenantName ?? target).slice(0, 200),
      domains: [target],
      seed: false,
      emptyDatabase: true,
    };
    try {
      await createTenant(platform, input, {
        afterStep: (step) => {
          if (step === 'database') throw new StopAfterDatabase();
        },
      });
    } catch (error) {
      if (!(error instanceof StopAfterDatabase)) throw error;
    }
    row = await requireTenantRow(platform, target);
    await report('tenant', target);
  }
  if (row.provisioningStep === 'database') {
    try {
      const sql = sqlClient(await decryptSecret(platform.encryptionKey, row.connectionSecret ?? '', row.id));
      // Only up to the backup's version: its rows fit that schema; later migrations then carry them
      // forward. No function files yet: they are written for the latest schema (applied by that last step).
      const partial = await migrate(sql, migrations.tenant.slice(0, header.schemaVersion), []);
      await updateTenant(platform, target, { schemaVersion: partial.version });
      await report('migrate-to-backup', `${partial.version}`);
      await loadResumably(sql, source, options.backupKey, report);
      await report('load', `${rows} filas`);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      await updateTenant(platform, target, { status: 'failed', lastError: `restore load: ${message}` });
      throw error;
    }
    row = await requireTenantRow(platform, target);
  }
  row = await runProvisioning(platform, row, { seed: false });
  await report('migrate', `${row.schemaVersion}`);
  await purgeTenant(platform, target);
  return {
    tenantId: target,
    backupKey: options.backupKey,
    mode: 'new',
    fromSchemaVersion: header.schemaVersion,
    schemaVersion: row.schemaVersion,
    rows,
  };
}

async function purgeTenant(platform: Platform, tenantId: string): Promise<void> {
  await purgeTenantKeys(platform.kv, tenantId, await listDomainsOf(platform.central, tenantId));
  await new TenantCache(platform.kv, tenantId).clear();
}

// ---------------------------------------------------------------------------------------------
// Retention

/** Deletes the tenant's backups older than `days` (by their timestamp), never its newest one. */
export async function pruneBackups(
  platform: Platform,
  tenantId: string,
  days: number,
  now = new Date(),
): Promise<string[]> {
  const cutoff = now.getTime() - days * 86_400_000;
  const [, ...older] = await listBackups(platform, tenantId);
  const expired = older.filter((backup) => backup.createdAt.getTime() < cutoff).map((backup) => backup.key);
  if (expired.length) await platform.files.delete(expired.flatMap((key) => [key, manifestKey(key)]));
  return expired;
}

/** Tenant ids that have backups in R2 (including deleted tenants). */
export async function tenantsWithBackups(platform: Platform): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await platform.files.list({ prefix: 'backups/', delimiter: '/', cursor });
    for (const prefix of page.delimitedPrefixes) ids.push(prefix.slice('backups/'.length, -1));
    cursor = page.truncated ? page.cursor : undefined;
  } while (cursor);
  return ids;
}

// The panel's backups area: a tenant's backups, taking one, downloading one, restoring one.

/** The tenant of a backups page (404 if unknown): backups of deleted tenants are reachable from the CLI only. */
export async function getBackupTenant(ctx: PlatformContext, tenantId: string): Promise<TenantRow> {
  const row = await getTenantRow(ctx.platform, tenantId);
  if (!row) throw new AppError('not_found');
  return row;
}

/** A backup of the tenant by its timestamp, which must exist in R2 under the tenant's prefix (404 otherwise). */
export async function getBackup(
  ctx: PlatformContext,
  tenantId: string,
  stamp: string,
): Promise<{ stamp: string; key: string; createdAt: Date }> {
  if (!isBackupStamp(stamp)) throw new AppError('not_found');
  const key = backupKey(tenantId, stamp);
  if (!(await ctx.platform.files.head(key))) throw new AppError('not_found');
  return { stamp, key, createdAt: stampDate(stamp) };
}

/** The panel's list of a tenant's backups, newest first. */
export function listTenantBackups(ctx: PlatformContext, tenantId: string): Promise<BackupObject[]> {
  return listBackups(ctx.platform, tenantId);
}

/** Takes a backup of an active or suspended tenant, as a platform job. */
export async function createBackup(ctx: PlatformContext, tenantId: string): Promise<PlatformJobRow> {
  assertActor(ctx);
  const tenant = await getBackupTenant(ctx, tenantId);
  if (tenant.status !== 'active' && tenant.status !== 'suspended') throw new AppError('conflict');
  const job = await enqueuePlatformJob(ctx.platform, ctx.env.JOBS, {
    kind: 'tenant.backup',
    tenantId: tenant.id,
    createdBy: ctx.actor.kind === 'admin' ? ctx.actor.id : null,
  });
  await recordPlatformAudit(ctx, { action: 'tenant.backup', tenantId: tenant.id, details: { jobId: job.id } });
  return job;
}

/** The backup's gzipped object, for a download that the audit log records. */
export async function downloadBackup(ctx: PlatformContext, tenantId: string, stamp: string): Promise<R2ObjectBody> {
  assertActor(ctx);
  const { key } = await getBackup(ctx, tenantId, stamp);
  const object = await ctx.platform.files.get(key);
  if (!object) throw new AppError('not_found');
  await recordPlatformAudit(ctx, { action: 'tenant.backup.download', tenantId, details: { key } });
  return object;
}

export interface RestoreRequest {
  mode?: string;
  newTenant?: string;
  confirm?: string;
}

/**
 * Restores a backup as a new tenant (`copy`, the new id must be free) or over the tenant itself
 * (`same`, its id typed to confirm), as a platform job. Bad input is a 422 with field messages.
 */
export async function restoreTenantBackup(
  ctx: PlatformContext,
  tenantId: string,
  stamp: string,
  values: RestoreRequest,
): Promise<PlatformJobRow> {
  assertActor(ctx);
  const { platform } = ctx;
  const tenant = await getBackupTenant(ctx, tenantId);
  const { key } = await getBackup(ctx, tenant.id, stamp);
  const errors: FieldErrors = {};
  let into = tenant.id;
  if (values.mode === 'copy') {
    try {
      into = validateTenantId(platform, values.newTenant ?? '');
      if (await getTenantRow(platform, into)) errors.newTenant = t('backups.error.tenantExists');
    } catch {
      errors.newTenant = t('backups.error.newTenant');
    }
  } else if (values.mode === 'same') {
    if (values.confirm !== tenant.id) errors.confirm = t('backups.error.confirm');
  } else {
    errors.mode = t('backups.error.mode');
  }
  const fields = Object.fromEntries(Object.entries(errors).filter((entry): entry is [string, string] => !!entry[1]));
  if (Object.keys(fields).length > 0) throw new AppError('validation', Object.values(fields)[0]!, fields);
  const job = await enqueuePlatformJob(platform, ctx.env.JOBS, {
    kind: 'tenant.restore',
    tenantId: into,
    input: { backupKey: key, into, from: tenant.id, mode: values.mode },
    createdBy: ctx.actor.kind === 'admin' ? ctx.actor.id : null,
  });
  await recordPlatformAudit(ctx, {
    action: 'tenant.restore',
    tenantId: into,
    details: { jobId: job.id, backupKey: key, from: tenant.id, mode: values.mode },
  });
  return job;
}

/** A backup taken now, inline (the CLI's tenants:backup), with its audit line. */
export async function backUpTenant(ctx: PlatformContext, tenantId: string): Promise<BackupResult> {
  assertActor(ctx);
  const result = await backupTenant(ctx.platform, tenantId);
  await recordPlatformAudit(ctx, { action: 'tenant.backup', tenantId, details: { key: result.key } });
  return result;
}

/** A restore run inline (the CLI's tenants:restore), with its audit line. */
export async function restoreTenant(ctx: PlatformContext, options: RestoreOptions): Promise<RestoreResult> {
  assertActor(ctx);
  const result = await restoreBackup(ctx.platform, options);
  await recordPlatformAudit(ctx, {
    action: 'tenant.restore',
    tenantId: result.tenantId,
    details: { backupKey: options.backupKey, into: options.into, safetyBackupKey: result.safetyBackupKey ?? null },
  });
  return result;
}
