/**
 * tenants:backup and tenants:restore. The `optiflow` admin CLI, run as a child process against the test stack's Postgres and Neon
 * endpoint (process environment overlay) and a private KV/R2 state directory (--persist-to).
 * Every CLI spawn starts workerd, so tests set up their tenants in-process through the library,
 * spawn only the commands under test, and run independent spawns side by side (a few at a time).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listBackups, readBackup } from '../../src/services/platform/backups';
import { sqlClient } from '../../src/db/client';
import { tenantConnection } from '../../src/tenancy/lifecycle';
import type { Platform } from '../../src/tenancy/platform';
import { openCliState, type CliResult, type CliState } from '../support/cli';
import { createTenant, getTenantRow } from '../../src/tenancy/provisioning';

let state: CliState;
/** The same KV/R2 state as the CLI, opened in-process to set up tenants and inspect what the CLI did. */
let platform: Platform;

beforeAll(async () => {
  state = await openCliState('backups-cli-test');
  ({ platform } = state);
});

afterAll(async () => {
  await state?.dispose();
});

const cli = (...args: string[]): Promise<CliResult> => state.cli(...args);

function freshId(prefix = 'cli'): string {
  return `${prefix}-${Math.random().toString(36).slice(2, 10)}`;
}

/** A tenant made through the library, for tests of other commands: no CLI spawn. */
async function createTestTenant(prefix?: string): Promise<string> {
  const id = freshId(prefix);
  await createTenant(platform, { id, name: `Shop ${id}`, domains: [] });
  return id;
}

/** One line on stderr starting with `error: `, exit 2. */
function expectUserError(result: CliResult, pattern: RegExp): void {
  expect(result.code, result.stdout + result.stderr).toBe(2);
  expect(result.stderr.trim().split('\n')).toHaveLength(1);
  expect(result.stderr).toMatch(/^error: /);
  expect(result.stderr).toMatch(pattern);
}

async function contactRows(tenantId: string): Promise<unknown[]> {
  const { connectionString } = await tenantConnection(platform, tenantId);
  const sql = sqlClient(connectionString);
  return sql`SELECT to_jsonb(c)::text AS row FROM contacts c ORDER BY id`;
}

async function addContact(tenantId: string, name: string): Promise<void> {
  const { connectionString } = await tenantConnection(platform, tenantId);
  await sqlClient(connectionString)`INSERT INTO contacts (name) VALUES (${name})`;
}

describe('optiflow tenants:backup / tenants:restore', () => {
  it('backs up the named tenants to R2 and refuses an unknown one', async () => {
    const [a, b] = await Promise.all([createTestTenant('bk'), createTestTenant('bk')]);
    await addContact(a, 'Paciente Uno');
    const [done, unknown] = await Promise.all([
      cli('tenants:backup', `--tenants=${a},${b}`),
      cli('tenants:backup', `--tenants=${a},no-such-shop`),
    ]);
    expect(done.code, done.stderr).toBe(0);
    for (const id of [a, b])
      expect(done.stdout).toMatch(new RegExp(`^${id}: backups/${id}/\\d{8}T\\d{6}Z\\.json\\.gz \\(`, 'm'));
    const backups = await listBackups(platform, a);
    expect(backups).toHaveLength(1);
    expect((await readBackup(platform, backups[0]!.key)).header.tenantId).toBe(a);
    expectUserError(unknown, /Unknown tenant: no-such-shop/);
    expect(await listBackups(platform, a)).toHaveLength(1);
  });

  it('restores as a new tenant and over the same one (only with --force); bad input and corrupted files change nothing', async () => {
    const id = await createTestTenant('rs');
    await addContact(id, 'Paciente Dos');
    const backedUp = await cli('tenants:backup', `--tenants=${id}`);
    expect(backedUp.code, backedUp.stderr).toBe(0);
    const [backup] = await listBackups(platform, id);
    const original = await contactRows(id);

    const copy = freshId('copy');
    const noForce = await cli('tenants:restore', id, backup!.stamp);
    expectUserError(noForce, /--force/);
    const badBackup = await cli('tenants:restore', id, 'yesterday', '--as', copy);
    expectUserError(badBackup, /neither a backup key/);
    const missing = await cli('tenants:restore', id, '20000101T000000Z', '--as', copy);
    expectUserError(missing, /does not exist/);

    const object = await platform.files.get(backup!.key);
    const bytes = new Uint8Array(await object!.arrayBuffer());
    const truncatedStamp = '20000101T000001Z';
    await platform.files.put(`backups/${id}/${truncatedStamp}.json.gz`, bytes.slice(0, bytes.length - 10), {
      customMetadata: object!.customMetadata,
    });
    const truncated = await cli('tenants:restore', id, truncatedStamp, '--as', copy);
    expectUserError(truncated, /corrupted or incomplete/);
    expect(await getTenantRow(platform, copy)).toBeNull();

    const restored = await cli('tenants:restore', id, backup!.key, '--as', copy);
    expect(restored.code, restored.stderr).toBe(0);
    expect(restored.stdout).toContain(`into "${copy}"`);
    expect((await getTenantRow(platform, copy))?.status).toBe('active');
    expect(await contactRows(copy)).toEqual(original);

    await addContact(id, 'Después de la copia');
    expect(await contactRows(id)).not.toEqual(original);
    const over = await cli('tenants:restore', id, backup!.stamp, '--force');
    expect(over.code, over.stderr).toBe(0);
    expect(over.stdout).toContain('Safety backup');
    expect(await contactRows(id)).toEqual(original);
  });
});
