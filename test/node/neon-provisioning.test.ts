/**
 * The whole provisioning pipeline on the Neon placements, through the CLI as an operator runs it,
 * against the Neon API stand-in (Neon is unreachable from here). The stand-in creates real roles
 * and databases on the test Postgres, so migrate, seed and the tenant's own queries are real.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { configureNeon, sqlClient } from '../../src/db/client';
import { decryptSecret, importEncryptionKey } from '../../src/tenancy/crypto';
import { start, type NeonApiStandIn } from '../support/neon-api-standin';

const root = fileURLToPath(new URL('../../', import.meta.url));
const stack = inject('stack');
const apiKey = 'neon-test-key';
let standIn: NeonApiStandIn;
let persistDir: string;

beforeAll(async () => {
  standIn = await start({ apiKey, adminUrl: stack.adminUrl, operationPolls: 1 });
  persistDir = await mkdtemp(path.join(tmpdir(), 'optiflow-neon-cli-'));
  configureNeon(stack.endpointUrl);
});

afterAll(async () => {
  await standIn?.close();
  if (persistDir) await rm(persistDir, { recursive: true, force: true });
});

function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      path.join(root, 'node_modules/.bin/node'),
      [path.join(root, 'bin/optiflow.mjs'), ...args, '--persist-to', persistDir],
      {
        cwd: root,
        env: {
          ...process.env,
          CENTRAL_DATABASE_URL: stack.centralUrl,
          ENCRYPTION_KEY: stack.encryptionKey,
          NEON_LOCAL_ENDPOINT: stack.endpointUrl,
          NEON_API_URL: standIn.url,
          NEON_API_KEY: apiKey,
        },
      },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

async function tenantRow(id: string) {
  const [row] = await sqlClient(
    stack.centralUrl,
  )`SELECT status, placement, placement_ref, connection_secret FROM tenants WHERE id = ${id}`;
  return row;
}

describe('neon-project placement through the CLI', () => {
  it('provisions a project per tenant, serves its data, and deletes the project', async () => {
    const id = `neon${Date.now().toString(36)}`;
    standIn.failNext(429, 1); // rate limited once: retried
    const created = await cli('tenants:create', id, '--name', 'Óptica Nube', '--placement', 'neon-project');
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    const row = await tenantRow(id);
    expect(row).toMatchObject({ status: 'active', placement: 'neon-project' });
    const projects = standIn.snapshot().projects.filter((project) => project.name === `optiflow_${id}`);
    expect(projects).toHaveLength(1);
    expect(row!.placement_ref.ids.projectId).toBe(projects[0]!.id);

    const connectionString = await decryptSecret(
      await importEncryptionKey(stack.encryptionKey),
      row!.connection_secret,
      id,
    );
    expect(new URL(connectionString).hostname).toMatch(/\.neon\.tech$/);
    const [company] = await sqlClient(connectionString)`SELECT name FROM company`;
    expect(company).toEqual({ name: 'Óptica Nube' });

    const deleted = await cli('tenants:delete', id, '--force');
    expect(deleted.code).toBe(0);
    expect(await tenantRow(id)).toBeUndefined();
    expect(standIn.snapshot().projects.filter((project) => project.name === `optiflow_${id}`)).toEqual([]);
  });

  it('fails clearly without an API key, creating nothing', async () => {
    const id = `neonx${Date.now().toString(36)}`;
    const result = await cli('tenants:create', id, '--name', 'Sin Llave', '--placement', 'neon-branch');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error: .*NEON_PROJECT_ID/m);
    expect(await tenantRow(id)).toBeUndefined();
  });
});
