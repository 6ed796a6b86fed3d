/**
 * The `optiflow` admin CLI, run as a child process against the test stack's Postgres and Neon
 * endpoint (process environment overlay) and a private KV/R2 state directory (--persist-to).
 * Every CLI spawn starts workerd, so tests set up their tenants in-process through the library,
 * spawn only the commands under test, and run independent spawns side by side (a few at a time).
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { commands, main } from '../../src/cli/main';
import { TenantCache } from '../../src/tenancy/cache';
import { TenantFiles } from '../../src/tenancy/files';
import { listTenants, tenantConnection, type TenantSummary } from '../../src/tenancy/lifecycle';
import type { Platform } from '../../src/tenancy/platform';
import { openCliState, type CliResult, type CliState } from '../support/cli';
import { createTenant } from '../../src/tenancy/provisioning';
import { and, eq } from 'drizzle-orm';
import { peekPasswordLink, redeemPasswordLink } from '../../src/auth/users';
import { tenantDb } from '../../src/db/client';
import { adminAuditLog } from '../../src/db/central-schema';
import { users } from '../../src/db/tenant-schema';

let state: CliState;
/** The same KV/R2 state as the CLI, opened in-process to set up tenants and inspect what the CLI did. */
let proxy: CliState['proxy'];
let platform: Platform;

beforeAll(async () => {
  state = await openCliState('cli-test');
  ({ proxy, platform } = state);
});

afterAll(async () => {
  await state?.dispose();
});

const cli = (...args: string[]): Promise<CliResult> => state.cli(...args);

function freshId(prefix = 'cli'): string {
  return `${prefix}-${Math.random().toString(36).slice(2, 10)}`;
}

async function listTenantsJson(): Promise<TenantSummary[]> {
  const result = await cli('tenants:list', '--json');
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as TenantSummary[];
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

describe('optiflow CLI', () => {
  it('creates a tenant, lists it, and refuses a duplicate id, a taken domain and a bad id without writing', async () => {
    const id = freshId();
    const created = await cli(
      'tenants:create',
      id,
      '--name',
      'Óptica Prueba',
      '--domain',
      id,
      '--domain',
      `${id}.example.com`,
    );
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toContain('[1/5] record');
    expect(created.stdout).toContain('[5/5] active');
    expect(created.stdout).toContain(`http://${id}.localhost:8787`);
    expect(created.stdout).toContain(`https://${id}.example.com`);

    const other = freshId();
    const [duplicate, takenDomain, badId] = await Promise.all([
      cli('tenants:create', id, '--name', 'Otra'),
      cli('tenants:create', other, '--name', 'Otra', '--domain', `${other}-free`, '--domain', id),
      cli('tenants:create', 'Bad_Id', '--name', 'Mala'),
    ]);
    expectUserError(duplicate, /already exists/);
    expectUserError(takenDomain, new RegExp(`"${id}" is already taken`));
    expectUserError(badId, /Invalid tenant id "Bad_Id"/);

    const tenants = await listTenantsJson();
    const tenant = tenants.find((candidate) => candidate.id === id);
    expect(tenant).toMatchObject({
      name: 'Óptica Prueba',
      status: 'active',
      domains: [id, `${id}.example.com`].sort(),
    });
    expect(tenant!.schemaVersion).toBe(tenant!.latestSchemaVersion);
    expect(tenants.find((candidate) => candidate.id === other)).toBeUndefined();
    expect(tenants.flatMap((candidate) => candidate.domains)).not.toContain(`${other}-free`);
  });

  it('prints help for the CLI and for every command', async () => {
    const [overview, commandHelp] = await Promise.all([cli('--help'), cli('tenants:migrate', '--help')]);
    expect(overview.code).toBe(0);
    for (const command of commands) expect(overview.stdout).toContain(command.name);
    expect(commandHelp.code).toBe(0);
    expect(commandHelp.stdout).toContain('optiflow tenants:migrate');
    expect(commandHelp.stdout).toContain('--concurrency');

    // Every command, in-process: the same code path without a process start per command.
    for (const command of commands) {
      let output = '';
      const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
        output += String(chunk);
        return true;
      });
      try {
        expect(await main([command.name, '--help'])).toBe(0);
      } finally {
        write.mockRestore();
      }
      expect(output).toContain(`Usage: optiflow ${command.name}`);
    }
  });

  it('rejects bad command lines with exit 2 before touching anything', async () => {
    const results = await Promise.all([
      cli('tenants:frobnicate'),
      cli('tenants:create', freshId()),
      cli('tenants:list', '--bogus'),
      cli('tenants:migrate', '--concurrency=0'),
      cli('tenants:run', 'no:such-task'),
    ]);
    const [unknownCommand, missingName, unknownFlag, badConcurrency, unknownTask] = results;
    expectUserError(unknownCommand!, /unknown command "tenants:frobnicate"/);
    expectUserError(missingName!, /--name is required/);
    expectUserError(unknownFlag!, /--bogus/);
    expectUserError(badConcurrency!, /--concurrency must be an integer/);
    expectUserError(unknownTask!, /unknown task "no:such-task".*cache:clear.*files:usage.*db:analyze/);
  });

  it('adds and removes domains, suspends and resumes', async () => {
    const id = await createTestTenant();
    const extra = `${id}-extra`;
    const [added, suspended] = await Promise.all([
      cli('domains:add', id, extra),
      cli('tenants:suspend', id, '--message', 'Cerrado por inventario'),
    ]);
    expect(added.code, added.stderr).toBe(0);
    expect(added.stdout).toContain(`http://${extra}.localhost:8787`);
    expect(suspended.code, suspended.stderr).toBe(0);
    expect((await listTenantsJson()).find((tenant) => tenant.id === id)).toMatchObject({
      status: 'suspended',
      domains: [id, extra],
    });

    const [removed, resumed] = await Promise.all([cli('domains:remove', extra), cli('tenants:resume', id)]);
    expect(removed.code, removed.stderr).toBe(0);
    expect(removed.stdout).toContain(`Domain "${extra}" removed from tenant "${id}"`);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect((await listTenants(platform)).find((tenant) => tenant.id === id)).toMatchObject({
      status: 'active',
      domains: [id],
    });
  });

  it('migrates the listed tenants and refuses an unknown one', async () => {
    const [first, second] = await Promise.all([createTestTenant(), createTestTenant()]);
    const [migrated, unknown] = await Promise.all([
      cli('tenants:migrate', `--tenants=${first},${second}`, '--concurrency=2'),
      cli('tenants:migrate', '--tenants=nope'),
    ]);
    expect(migrated.code, migrated.stderr).toBe(0);
    expect(migrated.stdout).toMatch(new RegExp(`^${first}: up to date \\(version \\d+\\)$`, 'm'));
    expect(migrated.stdout).toMatch(new RegExp(`^${second}: up to date \\(version \\d+\\)$`, 'm'));
    expect(migrated.stdout).toContain('2 tenants: 2 succeeded, 0 failed');
    expectUserError(unknown, /Unknown tenant: nope/);
  });

  it('runs cache:clear and files:usage in a tenant context', async () => {
    const [id, neighbour] = await Promise.all([createTestTenant(), createTestTenant()]);
    const files = new TenantFiles(proxy.env.FILES, id);
    await files.put('recetas/a.pdf', 'x'.repeat(1000));
    await files.put('logo.png', 'y'.repeat(23));
    await new TenantCache(proxy.env.KV, id).put('dashboard', { total: 1 });
    await new TenantCache(proxy.env.KV, neighbour).put('dashboard', { total: 2 });

    const [usage, cleared] = await Promise.all([
      cli('tenants:run', 'files:usage', `--tenants=${id}`),
      cli('tenants:run', 'cache:clear', `--tenants=${id}`),
    ]);
    expect(usage.code, usage.stderr).toBe(0);
    expect(usage.stdout).toContain(`${id}: 2 objects, 1023 B`);
    expect(cleared.code, cleared.stderr).toBe(0);
    expect(cleared.stdout).toContain(`${id}: removed 1 cache entry`);
    expect(await new TenantCache(proxy.env.KV, id).list()).toEqual([]);
    expect(await new TenantCache(proxy.env.KV, neighbour).list()).toEqual(['dashboard']);
  });

  it("invites a shop's first owner with a name, again when the link was lost, and refuses bad input and a shop that has one", async () => {
    const id = await createTestTenant('own');
    const [badEmail, unknown, nameless, createWithoutName] = await Promise.all([
      cli('tenants:invite-owner', id, 'not-an-email', '--name', 'Ana'),
      cli('tenants:invite-owner', freshId('nobody'), 'ana@ejemplo.test', '--name', 'Ana'),
      cli('tenants:invite-owner', id, 'ana@ejemplo.test'),
      cli('tenants:create', freshId(), '--name', 'Sin Nombre', '--owner-email', 'x@ejemplo.test'),
    ]);
    expectUserError(badEmail, /not an email address/);
    expectUserError(unknown, /does not exist/);
    expectUserError(nameless, /--name is required for a new owner/);
    expectUserError(createWithoutName, /--owner-name is required with --owner-email/);

    const first = await cli('tenants:invite-owner', id, 'Ana@Ejemplo.test', '--name', 'Ana Pérez');
    expect(first.code, first.stderr).toBe(0);
    const linkPattern = /\/set-password\/([A-Za-z0-9_-]+)/;
    const firstToken = linkPattern.exec(first.stdout)?.[1];
    expect(firstToken, first.stdout).toBeDefined();
    const { connectionString } = await tenantConnection(platform, id);
    const db = tenantDb(connectionString);
    expect(
      await db
        .select({ name: users.name, role: users.role, status: users.status })
        .from(users)
        .where(eq(users.email, 'ana@ejemplo.test')),
    ).toEqual([{ name: 'Ana Pérez', role: 'owner', status: 'invited' }]);

    // The first link was lost: a second invitation gives a new one and the old one stops working.
    const again = await cli('tenants:invite-owner', id, 'ana@ejemplo.test');
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('invited again');
    const secondToken = linkPattern.exec(again.stdout)![1]!;
    expect(secondToken).not.toBe(firstToken);
    expect(await peekPasswordLink(db, firstToken!)).toBeNull();
    expect(await peekPasswordLink(db, secondToken)).toMatchObject({ email: 'ana@ejemplo.test', name: 'Ana Pérez' });
    const audit = await platform.central
      .select()
      .from(adminAuditLog)
      .where(and(eq(adminAuditLog.tenantId, id), eq(adminAuditLog.action, 'tenant.owner_invited')));
    expect(audit).toHaveLength(2);

    expect(await redeemPasswordLink(db, secondToken, 'una-clave-larga-de-ana')).not.toBeNull();
    const [active, other] = await Promise.all([
      cli('tenants:invite-owner', id, 'ana@ejemplo.test', '--name', 'Ana'),
      cli('tenants:invite-owner', id, 'otro@ejemplo.test', '--name', 'Otro'),
    ]);
    expectUserError(active, /already an active owner/);
    expectUserError(other, /already has an active owner \(ana@ejemplo\.test\)/);
  });

  it('deletes a tenant only with --force, with its database', async () => {
    const id = await createTestTenant('cli-del');
    const refused = await cli('tenants:delete', id);
    expectUserError(refused, /irreversible.*--force/);

    const deleted = await cli('tenants:delete', id, '--force');
    expect(deleted.code, deleted.stderr).toBe(0);
    expect(deleted.stdout).toContain('[4/5] database');
    expect(deleted.stdout).toContain(`Tenant "${id}" deleted.`);
    expect((await listTenants(platform)).map((tenant) => tenant.id)).not.toContain(id);

    const admin = new pg.Client({ connectionString: inject('stack').adminUrl });
    await admin.connect();
    try {
      const { rows } = await admin.query('SELECT datname FROM pg_database WHERE datname = $1', [
        `optiflow_${id.replace(/-/g, '_')}`,
      ]);
      expect(rows).toEqual([]);
    } finally {
      await admin.end();
    }
  });
});
