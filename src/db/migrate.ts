import type { NeonQueryFunction, NeonQueryPromise } from '@neondatabase/serverless';

export interface BundledMigration {
  tag: string;
  /** drizzle-kit's journal timestamp; the migrations table orders by it. */
  when: number;
  hash: string;
  statements: string[];
}

export interface BundledMigrations {
  central: BundledMigration[];
  tenant: BundledMigration[];
}

/** A function file (drizzle/<scope>/functions/<name>.sql): one `CREATE OR REPLACE FUNCTION`. */
export interface BundledFunction {
  name: string;
  /** sha256 of the file; the migrator applies the file when it differs from the hash the database recorded. */
  hash: string;
  sql: string;
}

export interface BundledFunctions {
  central: BundledFunction[];
  tenant: BundledFunction[];
}

export interface MigrationResult {
  /** Number of migrations applied to the database after this run (its schema version). */
  version: number;
  applied: string[];
  /** Functions created or replaced from their files by this run. */
  functions: string[];
}

type Sql = NeonQueryFunction<false, false>;

/**
 * Applies pending migrations, then every function file that is new or changed, in ONE transaction
 * (one HTTP round trip): a failure leaves the database exactly as it was. Uses drizzle-kit's own
 * bookkeeping table for migrations, so `drizzle-kit migrate` agrees, and drizzle.optiflow_functions
 * for the hash of each function file last applied. When migrations run, every function file is
 * applied again after them, so a migration can never leave a function other than its file says.
 */
export async function migrate(
  sql: Sql,
  migrations: readonly BundledMigration[],
  functions: readonly BundledFunction[],
): Promise<MigrationResult> {
  const state = await readState(sql);
  const current = checkedVersion(state.migrations, migrations);
  const pending = migrations.slice(current);
  const toApply = pending.length > 0 ? functions : functions.filter((fn) => state.functions.get(fn.name) !== fn.hash);
  if (pending.length === 0 && toApply.length === 0) return { version: current, applied: [], functions: [] };

  const queries: NeonQueryPromise<false, false>[] = [
    sql`CREATE SCHEMA IF NOT EXISTS drizzle`,
    sql`CREATE TABLE IF NOT EXISTS drizzle.__drizzle_migrations (id SERIAL PRIMARY KEY, hash text NOT NULL, created_at bigint)`,
    sql`CREATE TABLE IF NOT EXISTS drizzle.optiflow_functions (name text PRIMARY KEY, hash text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
    // Two migrators racing on one database: the second waits, then fails on its first statement
    // (the object already exists) and rolls back, instead of applying a migration twice; function
    // files are CREATE OR REPLACE, so applying one twice is harmless.
    sql`SELECT pg_advisory_xact_lock(7243001)`,
  ];
  for (const migration of pending) {
    for (const statement of migration.statements) queries.push(sql.query(statement));
    queries.push(
      sql`INSERT INTO drizzle.__drizzle_migrations (hash, created_at) VALUES (${migration.hash}, ${migration.when})`,
    );
  }
  for (const fn of toApply) {
    queries.push(sql.query(fn.sql));
    queries.push(sql`INSERT INTO drizzle.optiflow_functions (name, hash) VALUES (${fn.name}, ${fn.hash})
                     ON CONFLICT (name) DO UPDATE SET hash = excluded.hash, applied_at = now()`);
  }
  await sql.transaction(queries);
  return {
    version: current + pending.length,
    applied: pending.map((m) => m.tag),
    functions: toApply.map((fn) => fn.name),
  };
}

/** How many of `migrations` the database already has, checking that they are the same ones. */
export async function appliedVersion(sql: Sql, migrations: readonly BundledMigration[]): Promise<number> {
  const [table] = await sql`SELECT to_regclass('drizzle.__drizzle_migrations') IS NOT NULL AS present`;
  if (!table?.present) return 0;
  const rows = await sql`SELECT hash FROM drizzle.__drizzle_migrations ORDER BY created_at, id`;
  return checkedVersion(
    rows.map((row) => row.hash as string),
    migrations,
  );
}

/** The applied migrations' hashes (in order) and the recorded function hashes: two round trips, one when the database is new. */
async function readState(sql: Sql): Promise<{ migrations: string[]; functions: Map<string, string> }> {
  const [tables] = await sql`SELECT to_regclass('drizzle.__drizzle_migrations') IS NOT NULL AS migrations,
                                    to_regclass('drizzle.optiflow_functions') IS NOT NULL AS functions`;
  const reads: NeonQueryPromise<false, false>[] = [];
  if (tables?.migrations) reads.push(sql`SELECT hash FROM drizzle.__drizzle_migrations ORDER BY created_at, id`);
  if (tables?.functions) reads.push(sql`SELECT name, hash FROM drizzle.optiflow_functions`);
  const results =
    reads.length > 0
      ? ((await sql.transaction(reads, { readOnly: true })) as Array<Array<Record<string, unknown>>>)
      : [];
  const migrationRows = tables?.migrations ? results.shift()! : [];
  const functionRows = tables?.functions ? results.shift()! : [];
  return {
    migrations: migrationRows.map((row) => row.hash as string),
    functions: new Map(functionRows.map((row) => [row.name as string, row.hash as string])),
  };
}

function checkedVersion(hashes: readonly string[], migrations: readonly BundledMigration[]): number {
  hashes.forEach((hash, index) => {
    const expected = migrations[index];
    if (!expected) throw new Error(`Database has ${hashes.length} migrations; this code knows ${migrations.length}`);
    if (hash !== expected.hash)
      throw new Error(`Migration ${expected.tag} differs from the one applied to the database`);
  });
  return hashes.length;
}
