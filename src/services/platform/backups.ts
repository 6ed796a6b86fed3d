/**
 * Per-tenant logical backups: a consistent snapshot of one tenant database (every table, read in
 * one read-only REPEATABLE READ transaction), its schema version and sequence values, as gzipped
 * JSON in R2 under `backups/<tenant>/<stamp>.json.gz`, with a SHA-256 of the JSON in the object's
 * metadata. Shops never see these keys: their files live under `tenants/<id>/`.
 */
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
export const backupFormatVersion = 1;

export interface BackupHeader {
  format: typeof backupFormat;
  version: typeof backupFormatVersion;
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

/** Reads the whole tenant database in ONE read-only REPEATABLE READ transaction. */
export async function snapshotTenant(
  sql: Sql,
  tenant: { id: string; name: string },
  now = new Date(),
): Promise<BackupDocument> {
  const catalogue = await readCatalogue(sql);
  const queries = [
    sql`SELECT to_regclass('drizzle.__drizzle_migrations') IS NOT NULL AS present`,
    sql`SELECT string_agg(c.relname, ',' ORDER BY c.relname) AS names FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')`,
    sql`SELECT schemaname, sequencename, last_value::text AS last_value, last_value IS NOT NULL AS is_called FROM pg_sequences WHERE schemaname = 'public' ORDER BY sequencename`,
    ...catalogue.map((table) => {
      const values = table.columns.map((column) => `${quote(column.name)}::text`).join(', ');
      const order = (table.primaryKey.length ? table.primaryKey : table.columns.map((column) => column.name))
        .map(quote)
        .join(', ');
      return sql.query(
        `SELECT coalesce(json_agg(json_build_array(${values}) ORDER BY ${order}), '[]'::json)::text AS rows, count(*)::int AS count FROM ${quote(table.name)}`,
      );
    }),
  ];
  const results = await sql.transaction(queries, { isolationLevel: 'RepeatableRead', readOnly: true });
  const [[present], [names], sequenceRows] = results as [
    Array<{ present: boolean }>,
    Array<{ names: string | null }>,
    Array<Record<string, unknown>>,
  ];
  if (
    (names?.names ?? '') !==
    catalogue
      .map((table) => table.name)
      .sort()
      .join(',')
  ) {
    throw new Error('The tenant schema changed while the backup was being taken; try again');
  }
  const applied = present?.present ? await appliedVersion(sql, migrations.tenant) : 0;
  const document: BackupDocument = {
    header: {
      format: backupFormat,
      version: backupFormatVersion,
      tenantId: tenant.id,
      tenantName: tenant.name,
      schemaVersion: applied,
      migrations: migrations.tenant.slice(0, applied).map((migration) => migration.tag),
      createdAt: now.toISOString(),
      tables: {},
    },
    data: {},
    sequences: {},
  };
  catalogue.forEach((table, index) => {
    const [row] = results[index + 3] as Array<{ rows: string; count: number }>;
    const rows = JSON.parse(row!.rows) as Array<Array<string | null>>;
    document.header.tables[table.name] = rows.length;
    document.data[table.name] = { columns: table.columns.map((column) => column.name), rows };
  });
  for (const row of sequenceRows) {
    document.sequences[row.sequencename as string] = {
      lastValue: (row.last_value as string | null) ?? null,
      isCalled: row.is_called === true,
    };
  }
  return document;
}

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

/** Serialises a backup document: the gzipped bytes and the SHA-256 of the uncompressed JSON. */
export async function encodeBackup(
  document: BackupDocument,
): Promise<{ body: Uint8Array<ArrayBuffer>; sha256: string; uncompressedBytes: number }> {
  const json = new Uint8Array(new TextEncoder().encode(JSON.stringify(document)));
  return { body: await gzip(json), sha256: await sha256Hex(json), uncompressedBytes: json.byteLength };
}

export interface BackupResult {
  key: string;
  size: number;
  tenantId: string;
  schemaVersion: number;
  rows: number;
  createdAt: string;
}

/** Backs up one tenant to R2 (`backups/<tenant>/<stamp>.json.gz`). */
export async function backupTenant(platform: Platform, tenantId: string, now = new Date()): Promise<BackupResult> {
  const { row, connectionString } = await tenantConnection(platform, tenantId);
  if (row.status !== 'active' && row.status !== 'suspended') {
    throw new AppError(
      'conflict',
      `Tenant "${tenantId}" is ${row.status}; only an active or suspended tenant can be backed up`,
    );
  }
  const document = await snapshotTenant(sqlClient(connectionString), { id: row.id, name: row.name }, now);
  const { body, sha256, uncompressedBytes } = await encodeBackup(document);
  // Two backups in the same second must not overwrite each other (a restore's safety backup, a retry).
  let at = now;
  while (await platform.files.head(backupKey(tenantId, backupStamp(at)))) at = new Date(at.getTime() + 1000);
  const key = backupKey(tenantId, backupStamp(at));
  const rows = Object.values(document.header.tables).reduce((sum, count) => sum + count, 0);
  await platform.files.put(key, body, {
    httpMetadata: { contentType: 'application/gzip' },
    customMetadata: {
      sha256,
      tenantId,
      schemaVersion: String(document.header.schemaVersion),
      createdAt: document.header.createdAt,
      rows: String(rows),
      uncompressedBytes: String(uncompressedBytes),
    },
  });
  return {
    key,
    size: body.byteLength,
    tenantId,
    schemaVersion: document.header.schemaVersion,
    rows,
    createdAt: document.header.createdAt,
  };
}

// ---------------------------------------------------------------------------------------------
// Reading and verifying

function corrupted(key: string, reason: string): AppError {
  return new AppError('validation', `Backup ${key} is corrupted or incomplete: ${reason}; nothing was changed`);
}

/** Reads a backup and verifies ALL of it (gzip, checksum, JSON, format, row counts) before anyone uses it. */
export async function readBackup(platform: Platform, key: string): Promise<BackupDocument> {
  const object = await platform.files.get(key);
  if (!object) throw new AppError('not_found', `Backup ${key} does not exist`);
  const expected = object.customMetadata?.sha256;
  if (!expected) throw corrupted(key, 'it has no checksum');
  return decodeBackup(key, new Uint8Array(await object.arrayBuffer()), expected);
}

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
  const header = document?.header;
  if (header?.format !== backupFormat) throw corrupted(key, 'not an OptiFlow tenant backup');
  if (header.version !== backupFormatVersion)
    throw new AppError(
      'validation',
      `Backup ${key} has format version ${header.version}; this code reads version ${backupFormatVersion}`,
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

const batchRows = 500;

/**
 * The statements that replace every row of the database with the backup's: truncate all tables,
 * insert table by table in foreign-key order (each value cast from its text form to the column's
 * type in the TARGET database), then set every sequence.
 */
async function loadStatements(sql: Sql, document: BackupDocument) {
  const catalogue = await readCatalogue(sql);
  const target = new Map(catalogue.map((table) => [table.name, table]));
  for (const table of Object.keys(document.header.tables)) {
    const info = target.get(table);
    if (!info) throw new AppError('conflict', `The target database has no table "${table}"`);
    const missing = document.data[table]!.columns.filter((column) => !info.columns.some((c) => c.name === column));
    if (missing.length)
      throw new AppError('conflict', `Table "${table}" of the target database has no column ${missing.join(', ')}`);
  }
  const statements = [];
  if (catalogue.length)
    statements.push(
      sql.query(`TRUNCATE ${catalogue.map((table) => quote(table.name)).join(', ')} RESTART IDENTITY CASCADE`),
    );
  for (const info of catalogue) {
    const data = document.data[info.name];
    if (!data || data.rows.length === 0) continue;
    const types = data.columns.map((column) => info.columns.find((c) => c.name === column)!.type);
    const select = data.columns.map((_, index) => `(r->>${index})::${types[index]}`).join(', ');
    const text = `INSERT INTO ${quote(info.name)} (${data.columns.map(quote).join(', ')}) OVERRIDING SYSTEM VALUE SELECT ${select} FROM json_array_elements($1::json) AS r`;
    for (let start = 0; start < data.rows.length; start += batchRows) {
      statements.push(sql.query(text, [JSON.stringify(data.rows.slice(start, start + batchRows))]));
    }
  }
  for (const [name, sequence] of Object.entries(document.sequences)) {
    const regclass = `public.${quote(name)}`;
    statements.push(
      sequence.lastValue === null
        ? sql.query(
            `SELECT setval($1::regclass, (SELECT start_value FROM pg_sequences WHERE schemaname = 'public' AND sequencename = $2), false)`,
            [regclass, name],
          )
        : sql.query(`SELECT setval($1::regclass, $2::bigint, true)`, [regclass, sequence.lastValue]),
    );
  }
  return statements;
}

/** Loads the rows in ONE transaction: it all lands or nothing does. */
async function loadBackup(sql: Sql, document: BackupDocument): Promise<void> {
  await sql.transaction(await loadStatements(sql, document));
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
 * Restores a backup into a new tenant (created, migrated to the backup's schema version, loaded,
 * then migrated forward) or over the tenant it came from (after a safety backup: every table
 * truncated and loaded in one transaction, then migrated forward). The whole file is verified
 * first: a corrupted or truncated backup changes nothing. Rerunning a restore into a new tenant that
 * was interrupted resumes it.
 */
export async function restoreBackup(platform: Platform, options: RestoreOptions): Promise<RestoreResult> {
  const report = async (step: string, message?: string) => options.progress?.(step, message);
  const document = await readBackup(platform, options.backupKey);
  const header = document.header;
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
    await loadBackup(sql, document);
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
      await loadBackup(sql, document);
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
  if (expired.length) await platform.files.delete(expired);
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
