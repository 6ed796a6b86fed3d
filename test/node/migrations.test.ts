import { randomBytes } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { neon } from '@neondatabase/serverless';
import { afterAll, describe, expect, inject, it } from 'vitest';
// @ts-expect-error plain ESM script without types
import { render } from '../../scripts/bundle-migrations.mjs';
import { configureNeon, type Sql } from '../../src/db/client';
import { migrate, type BundledFunction, type BundledMigration } from '../../src/db/migrate';
import { functions, migrations } from '../../src/db/migrations.generated';

const stack = inject('stack');
configureNeon(stack.endpointUrl);
const admin = neon(stack.adminUrl);
const created: string[] = [];

/** A new empty database on the test server, dropped after the file. */
async function freshDatabase(): Promise<Sql> {
  const name = `optiflow_fn_${randomBytes(5).toString('hex')}`;
  await admin.query(`CREATE DATABASE ${name}`);
  created.push(name);
  const url = new URL(stack.adminUrl);
  url.pathname = `/${name}`;
  return neon(url.toString());
}

afterAll(async () => {
  for (const name of created) await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
});

/** The database's own functions (extensions' left out): name, arguments and pg_get_functiondef. */
async function functionDefinitions(sql: Sql): Promise<Array<{ name: string; args: string; definition: string }>> {
  return (await sql`
    SELECT p.proname AS name, pg_get_function_identity_arguments(p.oid) AS args, pg_get_functiondef(p.oid) AS definition
      FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
     WHERE n.nspname = 'public' AND p.prokind = 'f'
       AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')
     ORDER BY 1, 2`) as Array<{ name: string; args: string; definition: string }>;
}

async function recordedHashes(sql: Sql): Promise<Record<string, string>> {
  const rows = await sql`SELECT name, hash FROM drizzle.optiflow_functions ORDER BY name`;
  return Object.fromEntries(rows.map((row) => [row.name as string, row.hash as string]));
}

const hashesOf = (bundle: readonly BundledFunction[]) => Object.fromEntries(bundle.map((fn) => [fn.name, fn.hash]));

describe('bundled migrations', () => {
  it('match drizzle/central and drizzle/tenant, their migrations and function files (run `npm run db:generate` after changing either)', async () => {
    const committed = await readFile(new URL('../../src/db/migrations.generated.ts', import.meta.url), 'utf8');
    expect(committed).toBe(render());
    for (const scope of ['central', 'tenant'] as const) {
      const files = (await readdir(new URL(`../../drizzle/${scope}/functions/`, import.meta.url))).filter((file) =>
        file.endsWith('.sql'),
      );
      expect(functions[scope].map((fn) => `${fn.name}.sql`)).toEqual(files.sort());
      for (const fn of functions[scope])
        expect(fn.sql, fn.name).toMatch(new RegExp(`^(--[^\\n]*\\n)*CREATE OR REPLACE FUNCTION ${fn.name}\\(`));
    }
  });
});

describe('function files', () => {
  it('a fresh database gets every function from its file, and the hashes recorded; a second run changes nothing', async () => {
    for (const scope of ['tenant', 'central'] as const) {
      const sql = await freshDatabase();
      const result = await migrate(sql, migrations[scope], functions[scope]);
      expect(result).toEqual({
        version: migrations[scope].length,
        applied: migrations[scope].map((m) => m.tag),
        functions: functions[scope].map((fn) => fn.name),
      });
      expect(await recordedHashes(sql)).toEqual(hashesOf(functions[scope]));
      expect([...new Set((await functionDefinitions(sql)).map((fn) => fn.name))]).toEqual(
        functions[scope].map((fn) => fn.name).sort(),
      );
      expect(await migrate(sql, migrations[scope], functions[scope])).toEqual({
        version: migrations[scope].length,
        applied: [],
        functions: [],
      });
    }
  });

  it('a changed function file reaches every tenant database on the next migrate, with no migration pending', async () => {
    const tenants = await Promise.all([freshDatabase(), freshDatabase(), freshDatabase()]);
    await Promise.all(tenants.map((sql) => migrate(sql, migrations.tenant, functions.tenant)));
    const settle = (sql: Sql) => sql`SELECT payments_settlement_status('issued', 100, 40, 0) AS status`;
    expect((await settle(tenants[0]!))[0]!.status).toBe('partially_paid');

    const marker = `changed-${randomBytes(4).toString('hex')}`;
    const original = functions.tenant.find((fn) => fn.name === 'payments_settlement_status')!;
    const body = original.sql.replace(/AS \$\$[\s\S]*\$\$;$/, () => `AS $$\n  SELECT '${marker}'::text\n$$;`);
    expect(body).not.toBe(original.sql);
    const changed = functions.tenant.map((fn) =>
      fn === original ? { ...fn, sql: body, hash: `${fn.hash}-changed` } : fn,
    );

    const results = await Promise.all(tenants.map((sql) => migrate(sql, migrations.tenant, changed)));
    for (const sql of tenants) expect((await settle(sql))[0]!.status).toBe(marker);
    for (const result of results)
      expect(result).toEqual({
        version: migrations.tenant.length,
        applied: [],
        functions: ['payments_settlement_status'],
      });
    for (const sql of tenants)
      expect((await recordedHashes(sql)).payments_settlement_status).toBe(`${original.hash}-changed`);
    // Back to the file as committed: applied again, once.
    const restored = await Promise.all(tenants.map((sql) => migrate(sql, migrations.tenant, functions.tenant)));
    for (const result of restored) expect(result.functions).toEqual(['payments_settlement_status']);
    expect((await settle(tenants[1]!))[0]!.status).toBe('partially_paid');
    expect((await migrate(tenants[2]!, migrations.tenant, functions.tenant)).functions).toEqual([]);
  });

  it('a database migrated before the function files existed gets them on its next migrate', async () => {
    const sql = await freshDatabase();
    await migrate(sql, migrations.tenant, []);
    const result = await migrate(sql, migrations.tenant, functions.tenant);
    expect(result).toEqual({
      version: migrations.tenant.length,
      applied: [],
      functions: functions.tenant.map((fn) => fn.name),
    });
    expect(await recordedHashes(sql)).toEqual(hashesOf(functions.tenant));
  });

  it('a failing function file rolls back the pending migrations with it', async () => {
    const sql = await freshDatabase();
    const broken = [
      ...functions.tenant,
      {
        name: 'broken',
        hash: 'x',
        sql: 'CREATE OR REPLACE FUNCTION broken() RETURNS int LANGUAGE sql AS $$ SELECT no_such_column FROM no_such_table $$;',
      },
    ];
    await expect(migrate(sql, migrations.tenant, broken)).rejects.toThrow(/no_such_table/);
    const [state] =
      await sql`SELECT to_regclass('drizzle.__drizzle_migrations') IS NULL AS clean, to_regclass('public.invoices') IS NULL AS no_tables`;
    expect(state).toEqual({ clean: true, no_tables: true });
  });

  /**
   * The files and the migrations say the same: each function a fresh database has after its
   * migrations alone is exactly one file (same name, same arguments, so CREATE OR REPLACE replaces it
   * rather than adding an overload) and its definition is the file's. A function later changed by
   * its file alone (no migration re-creates it) is listed in `changedByFileOnly`.
   */
  it('each function file defines what the migrations left, and nothing else is left', async () => {
    // Changed (or, the second set, created) by their file since the migrations: listed here on purpose.
    const changedByFileOnly = new Set<string>([
      'allocate_document_number',
      'invoice_stock_movements',
      'issue_credit_note',
      'receivables_track',
      'record_payment',
      'update_payment',
      'void_payment',
    ]);
    const newInFilesOnly = new Set<string>([
      'apply_credit',
      'cash_close_number',
      'cash_close_pending',
      'close_cash',
      'close_cash_branch',
      'credit_note_type',
      'credit_refunds_itbis',
      'document_number',
      'invoice_creditable',
      'invoice_payable',
      'record_stock_movement',
      'refund_credit',
      'reserve_ecf_cancellation',
      'session_check',
      'void_refund',
    ]);
    for (const scope of ['tenant', 'central'] as const) {
      const sql = await freshDatabase();
      await migrate(sql, migrations[scope] as BundledMigration[], []);
      const fromMigrations = await functionDefinitions(sql);
      await migrate(sql, migrations[scope], functions[scope]);
      const withFiles = (await functionDefinitions(sql)).filter((fn) => !newInFilesOnly.has(fn.name));
      expect(
        withFiles.map(({ name, args }) => `${name}(${args})`),
        `${scope}: one function per file, same signature`,
      ).toEqual(fromMigrations.map(({ name, args }) => `${name}(${args})`));
      expect(fromMigrations.map((fn) => fn.name)).toEqual(
        functions[scope]
          .map((fn) => fn.name)
          .filter((name) => !newInFilesOnly.has(name))
          .sort(),
      );
      for (const [index, fn] of withFiles.entries()) {
        if (changedByFileOnly.has(fn.name)) continue;
        expect(fn.definition, `${scope}: ${fn.name} differs from its last migration`).toBe(
          fromMigrations[index]!.definition,
        );
      }
    }
  });
});
