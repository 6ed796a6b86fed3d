/**
 * `optiflow tenants:migrate` with no migration pending brings every tenant's SQL functions to their
 * files (drizzle/tenant/functions) and says which it replaced. Tenants are set up in-process; the
 * command under test is spawned once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqlClient, type Sql } from '../../src/db/client';
import { migrations } from '../../src/db/migrations.generated';
import { tenantConnection } from '../../src/tenancy/lifecycle';
import { createTenant } from '../../src/tenancy/provisioning';
import { openCliState, type CliState } from '../support/cli';

let state: CliState;

beforeAll(async () => {
  state = await openCliState('functions-cli');
});

afterAll(async () => {
  await state?.dispose();
});

async function tenantSql(id: string): Promise<Sql> {
  return sqlClient((await tenantConnection(state.platform, id)).connectionString);
}

const settle = async (sql: Sql) =>
  (await sql`SELECT payments_settlement_status('issued', 100, 40, 0) AS status`)[0]!.status as string;

describe('tenants:migrate and the function files', () => {
  it('replaces, in every tenant, a function that differs from its file, with no migration pending, and prints it per tenant', async () => {
    const ids = [0, 1].map(() => `fn-${Math.random().toString(36).slice(2, 10)}`);
    await Promise.all(
      ids.map((id) => createTenant(state.platform, { id, name: `Shop ${id}`, domains: [], seed: false })),
    );
    // What a tenant looks like when its function predates the file: another body, another recorded hash.
    for (const id of ids) {
      const sql = await tenantSql(id);
      await sql.transaction([
        sql`CREATE OR REPLACE FUNCTION payments_settlement_status(p_status text, p_total numeric, p_paid numeric, p_credited numeric)
            RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT 'older'::text $$`,
        sql`UPDATE drizzle.optiflow_functions SET hash = 'older' WHERE name = 'payments_settlement_status'`,
      ]);
      expect(await settle(sql)).toBe('older');
    }

    const result = await state.cli('tenants:migrate', `--tenants=${ids.join(',')}`);
    expect(result.code, result.stderr).toBe(0);
    for (const id of ids) {
      expect(result.stdout).toContain(
        `${id}: up to date (version ${migrations.tenant.length}); functions: payments_settlement_status\n`,
      );
      expect(await settle(await tenantSql(id))).toBe('partially_paid');
    }
  });
});
