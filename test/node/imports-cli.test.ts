/**
 * `optiflow tenants:import`, run as a child process against the test stack (as test/node/cli.test.ts):
 * bad input is one line and exit 2 with nothing written; a good CSV and a good .xlsx import once.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { inArray, isNotNull } from 'drizzle-orm';
import { writeXlsx } from 'hucre/xlsx';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tenantDb } from '../../src/db/client';
import { contacts, importRuns, products } from '../../src/db/tenant-schema';
import { tenantConnection } from '../../src/tenancy/lifecycle';
import { createTenant } from '../../src/tenancy/provisioning';
import { openCliState, type CliResult, type CliState } from '../support/cli';

let state: CliState;
let dir: string;

beforeAll(async () => {
  state = await openCliState('imports-cli');
  dir = await mkdtemp(path.join(tmpdir(), 'optiflow-imports-cli-'));
});

afterAll(async () => {
  await state?.dispose();
  if (dir) await rm(dir, { recursive: true, force: true });
});

function expectUserError(result: CliResult, pattern: RegExp): void {
  expect(result.code, result.stdout + result.stderr).toBe(2);
  expect(result.stderr.trim().split('\n')).toHaveLength(1);
  expect(result.stderr).toMatch(/^error: /);
  expect(result.stderr).toMatch(pattern);
}

describe('optiflow tenants:import', () => {
  it('refuses bad input in one line (exit 2, nothing written), imports a CSV once and an .xlsx with stock', async () => {
    const id = `imp-${Math.random().toString(36).slice(2, 10)}`;
    await createTenant(state.platform, { id, name: `Shop ${id}`, domains: [] });
    const db = tenantDb((await tenantConnection(state.platform, id)).connectionString);
    const good = path.join(dir, 'clientes.csv');
    await writeFile(good, 'Código;Nombre;Cédula\nK-1;Ana Peña;001-1391820-5\nK-2;Luis Soto;\n');
    const bad = path.join(dir, 'malos.csv');
    await writeFile(bad, 'Código;Nombre;Cédula\nK-3;Eva Díaz;00113918204\nK-4;;\n');

    // Entity, file and --map are checked before the platform opens; the tenant and the rows after.
    const [unknownEntity, missingFile] = await Promise.all([
      state.cli('tenants:import', id, 'facturas', good),
      state.cli('tenants:import', id, 'contacts', path.join(dir, 'no-existe.csv')),
    ]);
    // One workerd at a time for the rest: on a loaded machine three at once pass the spawn timeout.
    const unknownTenant = await state.cli('tenants:import', 'no-such-shop', 'contacts', good);
    const badRows = await state.cli('tenants:import', id, 'contacts', bad, '--map', 'importKey=Código');
    expectUserError(unknownEntity, /unknown entity "facturas"/);
    expectUserError(unknownTenant, /Tenant "no-such-shop" does not exist/);
    expectUserError(missingFile, /cannot read .*no-existe\.csv.*ENOENT/);
    expectUserError(badRows, /2 rows with errors, nothing imported \(first: row 2, Cédula: La cédula no es válida/);
    expect(badRows.stdout).toContain('contacts: 2 rows, 0 to import, 0 already exist (skipped), 2 with errors');
    expect(badRows.stdout).toContain('  row 3, Nombre: ');
    expect(await db.select().from(contacts).where(isNotNull(contacts.importKey))).toEqual([]);
    expect(await db.select().from(importRuns)).toEqual([]);

    const first = await state.cli('tenants:import', id, 'contacts', good);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain('mapping: importKey=Código, name=Nombre, idNumber=Cédula');
    expect(first.stdout).toMatch(/imported 2 rows, 0 already existed/);
    const rows = await db.select().from(contacts).where(isNotNull(contacts.importKey)).orderBy(contacts.importKey);
    expect(rows.map((row) => [row.importKey, row.name, row.idType, row.idNumber])).toEqual([
      ['K-1', 'Ana Peña', 'cedula', '00113918205'],
      ['K-2', 'Luis Soto', null, null],
    ]);

    const xlsx = path.join(dir, 'productos.xlsx');
    await writeFile(
      xlsx,
      await writeXlsx({
        sheets: [
          {
            name: 'Productos',
            rows: [
              ['Código', 'Nombre', 'Categoría', 'Precio', 'Existencia PRINCIPAL'],
              ['X-1', 'Estuche rígido', 'Accesorios', 350, 7],
            ],
          },
        ],
      }),
    );
    const products1 = await state.cli('tenants:import', id, 'products', xlsx, '--map', 'sku=Código');
    expect(products1.code, products1.stdout + products1.stderr).toBe(0);
    expect(products1.stdout).toMatch(/imported 1 rows/);
    const [item] = await db
      .select()
      .from(products)
      .where(inArray(products.sku, ['X-1']));
    expect([item!.name, item!.category, item!.price]).toEqual(['Estuche rígido', 'accesorios', '350.0000']);
  });
});
