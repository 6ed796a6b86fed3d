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

export interface MigrationResult {
  /** Number of migrations applied to the database after this run (its schema version). */
  version: number;
  applied: string[];
}

type Sql = NeonQueryFunction<false, false>;

/**
 * Applies pending migrations in ONE transaction (one HTTP round trip): a failure leaves the database
 * exactly as it was. Uses drizzle-kit's own bookkeeping table, so `drizzle-kit migrate` agrees.
 */
export async function migrate(sql: Sql, migrations: readonly BundledMigration[]): Promise<MigrationResult> {
  const current = await appliedVersion(sql, migrations);
  const pending = migrations.slice(current);
  if (pending.length === 0) return { version: current, applied: [] };

  const queries: NeonQueryPromise<false, false>[] = [
    sql`CREATE SCHEMA IF NOT EXISTS drizzle`,
    sql`CREATE TABLE IF NOT EXISTS drizzle.__drizzle_migrations (id SERIAL PRIMARY KEY, hash text NOT NULL, created_at bigint)`,
    // Two migrators racing on one database: the second waits, then fails on its first statement
    // (the object already exists) and rolls back, instead of applying a migration twice.
    sql`SELECT pg_advisory_xact_lock(7243001)`,
  ];
  for (const migration of pending) {
    for (const statement of migration.statements) queries.push(sql.query(statement));
    queries.push(sql`INSERT INTO drizzle.__drizzle_migrations (hash, created_at) VALUES (${migration.hash}, ${migration.when})`);
  }
  await sql.transaction(queries);
  return { version: current + pending.length, applied: pending.map((m) => m.tag) };
}

/** How many of `migrations` the database already has, checking that they are the same ones. */
export async function appliedVersion(sql: Sql, migrations: readonly BundledMigration[]): Promise<number> {
  const [table] = await sql`SELECT to_regclass('drizzle.__drizzle_migrations') IS NOT NULL AS present`;
  if (!table?.present) return 0;
  const rows = await sql`SELECT hash FROM drizzle.__drizzle_migrations ORDER BY created_at, id`;
  rows.forEach((row, index) => {
    const expected = migrations[index];
    if (!expected) throw new Error(`Database has ${rows.length} migrations; this code knows ${migrations.length}`);
    if (row.hash !== expected.hash) throw new Error(`Migration ${expected.tag} differs from the one applied to the database`);
  });
  return rows.length;
}
