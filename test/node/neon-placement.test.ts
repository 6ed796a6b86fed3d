/**
 * The Neon placements against the Neon API stand-in, which creates real roles and databases on an
 * embedded PostgreSQL: connection strings are checked by really connecting.
 */
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startPostgres, type LocalPostgres } from '../../dev/postgres';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNeonBranchPlacement, createNeonProjectPlacement } from '../../src/tenancy/placement/neon';
import {
  NeonApiClient,
  NeonApiError,
  NeonOperationError,
  NeonOperationTimeoutError,
  type NeonApiClientOptions,
} from '../../src/tenancy/placement/neon-api';
import type { DatabaseNames, Placement, ProvisionedDatabase } from '../../src/tenancy/placement/types';
import { start, type NeonApiStandIn } from '../support/neon-api-standin';

const API_KEY = 'test-neon-api-key';
const ADMIN_PASSWORD = 'admin-secret-pw';

let tempDir: string;
let dataDir: string;
let port: number;
let postgres: LocalPostgres;
let admin: pg.Client;
let standIn: NeonApiStandIn;

function namesFor(tenantId: string): DatabaseNames {
  return { databaseName: `optiflow_${tenantId}`, roleName: `optiflow_${tenantId}_owner` };
}

/** A client whose sleeps are recorded but do not wait. */
function makeClient(overrides: Partial<NeonApiClientOptions> = {}): { client: NeonApiClient; sleeps: number[] } {
  const sleeps: number[] = [];
  const client = new NeonApiClient({
    apiKey: API_KEY,
    baseUrl: standIn.url,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    ...overrides,
  });
  return { client, sleeps };
}

/** Connects as the connection string's role to its database, on the local Postgres. */
async function connectAs(connectionString: string, database?: string): Promise<pg.Client> {
  const url = new URL(connectionString);
  const client = new pg.Client({
    host: '127.0.0.1',
    port,
    user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
    database: database ?? decodeURIComponent(url.pathname.slice(1)),
  });
  await client.connect();
  return client;
}

async function whoAmI(connectionString: string): Promise<{ user: string; database: string }> {
  const client = await connectAs(connectionString);
  try {
    const result = await client.query<{ user: string; database: string }>(
      'SELECT current_user AS user, current_database() AS database',
    );
    return result.rows[0] as { user: string; database: string };
  } finally {
    await client.end();
  }
}

async function connectError(connectionString: string, database?: string): Promise<{ code?: string; message: string }> {
  try {
    const client = await connectAs(connectionString, database);
    await client.end();
  } catch (error) {
    return error as { code?: string; message: string };
  }
  throw new Error(`connecting to ${database ?? 'its own database'} unexpectedly succeeded`);
}

async function databaseExists(name: string): Promise<boolean> {
  const result = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
  return result.rowCount === 1;
}

async function roleExists(name: string): Promise<boolean> {
  const result = await admin.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [name]);
  return result.rowCount === 1;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port: found } = server.address() as net.AddressInfo;
      server.close(() => resolve(found));
    });
  });
}

/** Without password authentication every role could connect anywhere and the isolation checks would prove nothing. */
async function enforcePasswordAuth(): Promise<void> {
  const file = path.join(dataDir, 'pg_hba.conf');
  const original = await readFile(file, 'utf8');
  const rules = (text: string) => text.split('\n').filter((line) => line.trim() !== '' && !line.trim().startsWith('#'));
  if (rules(original).some((line) => /\btrust\b/.test(line))) {
    await writeFile(file, original.replace(/\btrust\b/g, 'scram-sha-256'));
    await admin.query('SELECT pg_reload_conf()');
  }
  const enforced = rules(await readFile(file, 'utf8'));
  expect(enforced.length).toBeGreaterThan(0);
  for (const line of enforced) expect(line).toMatch(/\s(scram-sha-256|password|md5)\s*$/);
}

function requestsSince(mark: number) {
  return standIn.requests.slice(mark);
}

function projectsNamed(name: string) {
  return standIn.snapshot().projects.filter((project) => project.name === name);
}

beforeAll(async () => {
  tempDir = await mkdtemp(path.join(tmpdir(), 'optiflow-neon-'));
  // The cluster runs as the unprivileged `postgres` user, which must be able to reach its data dir.
  await chmod(tempDir, 0o755);
  dataDir = path.join(tempDir, 'data');
  port = await freePort();
  postgres = await startPostgres({ dataDir, port, password: ADMIN_PASSWORD, fast: true, log: () => {} });
  const adminUrl = `postgresql://postgres:${ADMIN_PASSWORD}@127.0.0.1:${port}/postgres`;
  admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await enforcePasswordAuth();
  standIn = await start({ apiKey: API_KEY, adminUrl, operationPolls: 2 });
}, 120_000);

afterAll(async () => {
  await standIn?.close();
  await admin?.end();
  await postgres?.stop();
  if (tempDir) await rm(tempDir, { recursive: true, force: true });
}, 60_000);

describe('neon-project placement', () => {
  let placement: Placement;
  let acme: ProvisionedDatabase;
  let globex: ProvisionedDatabase;

  beforeAll(async () => {
    placement = createNeonProjectPlacement({ client: makeClient().client, regionId: 'aws-us-east-2' });
    acme = await placement.ensureDatabase('acme', namesFor('acme'), null);
    globex = await placement.ensureDatabase('globex', namesFor('globex'), null);
  });

  it('creates one project per tenant and returns a working connection string for its own role', async () => {
    expect(acme.ref).toMatchObject({
      kind: 'neon-project',
      databaseName: 'optiflow_acme',
      roleName: 'optiflow_acme_owner',
    });
    expect(Object.keys(acme.ref.ids).sort()).toEqual(['branchId', 'endpointId', 'projectId']);
    expect(acme.connectionString).toMatch(
      /^postgresql:\/\/optiflow_acme_owner:[^@]+@ep-[a-z]+-[a-z]+-[a-z0-9]+\.us-east-2\.aws\.neon\.tech\/optiflow_acme\?sslmode=require$/,
    );
    const [project] = projectsNamed('optiflow_acme');
    expect(project?.id).toBe(acme.ref.ids.projectId);
    expect(project?.branches).toHaveLength(1);
    expect(project?.branches[0]).toMatchObject({ roles: ['optiflow_acme_owner'], databases: ['optiflow_acme'] });

    expect(await whoAmI(acme.connectionString)).toEqual({ user: 'optiflow_acme_owner', database: 'optiflow_acme' });
    expect(await whoAmI(globex.connectionString)).toEqual({
      user: 'optiflow_globex_owner',
      database: 'optiflow_globex',
    });
  });

  it("does not let a tenant's role connect to another tenant's database", async () => {
    const error = await connectError(acme.connectionString, 'optiflow_globex');
    expect(error.code).toBe('42501');
    expect((await connectError(globex.connectionString, 'optiflow_acme')).code).toBe('42501');
  });

  it('rejects a wrong password (password authentication, not trust)', async () => {
    const url = new URL(acme.connectionString);
    url.password = 'not-the-password';
    expect((await connectError(url.toString())).code).toBe('28P01');
  });

  it('reuses the same project on a second run and after a crash, with a new working password', async () => {
    const again = await placement.ensureDatabase('acme', namesFor('acme'), acme.ref);
    expect(again.ref).toEqual(acme.ref);
    expect(await whoAmI(again.connectionString)).toEqual({ user: 'optiflow_acme_owner', database: 'optiflow_acme' });

    // Crash simulation: the project exists but no ref was recorded.
    const afterCrash = await placement.ensureDatabase('acme', namesFor('acme'), null);
    expect(afterCrash.ref).toEqual(acme.ref);
    expect(afterCrash.connectionString).not.toBe(again.connectionString);
    expect(await whoAmI(afterCrash.connectionString)).toEqual({
      user: 'optiflow_acme_owner',
      database: 'optiflow_acme',
    });
    expect((await connectError(again.connectionString)).code).toBe('28P01');

    expect(projectsNamed('optiflow_acme')).toHaveLength(1);
    acme = afterCrash;
  });

  it('drops the project; dropping again succeeds', async () => {
    await placement.dropDatabase('globex', namesFor('globex'), globex.ref);
    expect(projectsNamed('optiflow_globex')).toHaveLength(0);
    expect(await databaseExists('optiflow_globex')).toBe(false);
    expect(await roleExists('optiflow_globex_owner')).toBe(false);

    const mark = standIn.requests.length;
    await placement.dropDatabase('globex', namesFor('globex'), globex.ref);
    expect(requestsSince(mark)).toContainEqual(
      expect.objectContaining({ method: 'DELETE', path: `/api/v2/projects/${globex.ref.ids.projectId}`, status: 404 }),
    );
    await placement.dropDatabase('globex', namesFor('globex'), null);
    expect(await databaseExists('optiflow_acme')).toBe(true);
  });
});

describe('neon-branch placement', () => {
  let placement: Placement;
  let sharedProjectId: string;
  let templateBranchId: string;
  let initech: ProvisionedDatabase;
  let umbrella: ProvisionedDatabase;

  beforeAll(async () => {
    const { client } = makeClient();
    const shared = await client.createProject({
      project: { name: 'optiflow-shared', branch: { role_name: 'shared_owner', database_name: 'shared_admin' } },
    });
    sharedProjectId = shared.project.id;
    await client.waitForOperations(sharedProjectId, shared.operations);
    const template = await client.createBranch(sharedProjectId, {
      branch: { name: 'tenant-template', parent_id: shared.branch.id },
    });
    await client.waitForOperations(sharedProjectId, template.operations);
    templateBranchId = template.branch.id;
    placement = createNeonBranchPlacement({ client, projectId: sharedProjectId, parentBranchId: templateBranchId });
    initech = await placement.ensureDatabase('initech', namesFor('initech'), null);
    umbrella = await placement.ensureDatabase('umbrella', namesFor('umbrella'), null);
  });

  function tenantBranches(name: string) {
    const shared = standIn.snapshot().projects.find((project) => project.id === sharedProjectId);
    return shared?.branches.filter((branch) => branch.name === name) ?? [];
  }

  it('creates a branch with its own endpoint, role and database per tenant', async () => {
    expect(initech.ref).toMatchObject({ kind: 'neon-branch', databaseName: 'optiflow_initech' });
    expect(initech.ref.ids.projectId).toBe(sharedProjectId);
    expect(initech.ref.ids.branchId).not.toBe(umbrella.ref.ids.branchId);
    expect(initech.ref.ids.endpointId).not.toBe(umbrella.ref.ids.endpointId);
    const [branch] = tenantBranches('optiflow_initech');
    expect(branch?.id).toBe(initech.ref.ids.branchId);
    expect(branch?.endpoints).toEqual([new URL(initech.connectionString).hostname]);
    expect(initech.connectionString).toMatch(/^postgresql:\/\/optiflow_initech_owner:.+\?sslmode=require$/);

    expect(await whoAmI(initech.connectionString)).toEqual({
      user: 'optiflow_initech_owner',
      database: 'optiflow_initech',
    });
    expect(await whoAmI(umbrella.connectionString)).toEqual({
      user: 'optiflow_umbrella_owner',
      database: 'optiflow_umbrella',
    });
  });

  it("does not let a tenant's role connect to another tenant's database", async () => {
    expect((await connectError(initech.connectionString, 'optiflow_umbrella')).code).toBe('42501');
    expect((await connectError(umbrella.connectionString, 'optiflow_initech')).code).toBe('42501');
    expect((await connectError(umbrella.connectionString, 'shared_admin')).code).toBe('42501');
  });

  it('reuses the same branch on a second run and after a crash, with a new working password', async () => {
    const again = await placement.ensureDatabase('initech', namesFor('initech'), initech.ref);
    expect(again.ref).toEqual(initech.ref);
    const afterCrash = await placement.ensureDatabase('initech', namesFor('initech'), null);
    expect(afterCrash.ref).toEqual(initech.ref);
    expect(await whoAmI(afterCrash.connectionString)).toEqual({
      user: 'optiflow_initech_owner',
      database: 'optiflow_initech',
    });
    expect((await connectError(again.connectionString)).code).toBe('28P01');
    expect(tenantBranches('optiflow_initech')).toHaveLength(1);
    initech = afterCrash;
  });

  it('finishes a branch whose role and database were never made (crash right after branch creation)', async () => {
    const { client } = makeClient();
    const names = namesFor('wayne');
    const orphan = await client.createBranch(sharedProjectId, {
      branch: { name: names.databaseName, parent_id: templateBranchId },
      endpoints: [{ type: 'read_write' }],
    });
    await client.waitForOperations(sharedProjectId, orphan.operations);
    const wayne = await placement.ensureDatabase('wayne', names, null);
    expect(wayne.ref.ids.branchId).toBe(orphan.branch.id);
    expect(await whoAmI(wayne.connectionString)).toEqual({ user: 'optiflow_wayne_owner', database: 'optiflow_wayne' });
    await placement.dropDatabase('wayne', names, wayne.ref);
  });

  it('drops the branch; dropping again succeeds', async () => {
    await placement.dropDatabase('umbrella', namesFor('umbrella'), umbrella.ref);
    expect(tenantBranches('optiflow_umbrella')).toHaveLength(0);
    expect(await databaseExists('optiflow_umbrella')).toBe(false);
    expect(await roleExists('optiflow_umbrella_owner')).toBe(false);
    await placement.dropDatabase('umbrella', namesFor('umbrella'), umbrella.ref);
    await placement.dropDatabase('umbrella', namesFor('umbrella'), null);
    expect(await whoAmI(initech.connectionString)).toMatchObject({ database: 'optiflow_initech' });
  });

  it('retries 423 Locked (injected, and while an operation runs) with backoff, then succeeds', async () => {
    const { client, sleeps } = makeClient();
    const retrying = createNeonBranchPlacement({
      client,
      projectId: sharedProjectId,
      parentBranchId: templateBranchId,
    });
    const mark = standIn.requests.length;
    standIn.failNext(423, 2);
    const hooli = await retrying.ensureDatabase('hooli', namesFor('hooli'), null);
    expect(await whoAmI(hooli.connectionString)).toMatchObject({ database: 'optiflow_hooli' });
    const locked = requestsSince(mark).filter((request) => request.status === 423);
    expect(locked).toHaveLength(2);
    expect(locked.every((request) => request.method === 'POST' && request.path.endsWith('/branches'))).toBe(true);
    // Backoff: the second wait is at least as long as the first (500 ms base, doubling, equal jitter).
    expect(sleeps[0]).toBeGreaterThanOrEqual(250);
    expect(sleeps[1]).toBeGreaterThanOrEqual(sleeps[0] as number);

    // Not waiting for an operation before the next change: Neon answers 423 until it finishes.
    const branchId = hooli.ref.ids.branchId as string;
    await client.createRole(sharedProjectId, branchId, { role: { name: 'hooli_reader' } });
    const before = standIn.requests.length;
    const created = await client.createDatabase(sharedProjectId, branchId, {
      database: { name: 'hooli_reports', owner_name: 'hooli_reader' },
    });
    await client.waitForOperations(sharedProjectId, created.operations);
    expect(requestsSince(before).some((request) => request.status === 423)).toBe(true);
    expect(await databaseExists('hooli_reports')).toBe(true);
    await retrying.dropDatabase('hooli', namesFor('hooli'), hooli.ref);
    expect(await databaseExists('hooli_reports')).toBe(false);
  });
});

describe('Neon API client', () => {
  it('retries 429 honouring Retry-After, then succeeds', async () => {
    const { client, sleeps } = makeClient();
    const placement = createNeonProjectPlacement({ client });
    const mark = standIn.requests.length;
    standIn.failNext(429, 3);
    const stark = await placement.ensureDatabase('stark', namesFor('stark'), null);
    expect(await whoAmI(stark.connectionString)).toMatchObject({ database: 'optiflow_stark' });
    expect(requestsSince(mark).filter((request) => request.status === 429)).toHaveLength(3);
    expect(sleeps.slice(0, 3).every((ms) => ms >= 1000)).toBe(true);
    expect(projectsNamed('optiflow_stark')).toHaveLength(1);
    await placement.dropDatabase('stark', namesFor('stark'), stark.ref);
  });

  it('gives up after maxRetries with the NeonApiError', async () => {
    const { client, sleeps } = makeClient({ maxRetries: 2 });
    standIn.failNext(429, 5);
    const error = await client.listProjects().catch((caught: unknown) => caught);
    standIn.failNext(429, 0);
    expect(error).toBeInstanceOf(NeonApiError);
    expect(error).toMatchObject({ status: 429, code: 'TOO_MANY_REQUESTS', neonMessage: 'rate limit exceeded' });
    expect(sleeps).toHaveLength(2);
  });

  it('retries a 500 on GET but not on POST', async () => {
    const { client } = makeClient();
    standIn.failNext(500, 1);
    await expect(client.listProjects()).resolves.toHaveProperty('projects');

    standIn.failNext(500, 1);
    const mark = standIn.requests.length;
    const error = await client.createProject({ project: { name: 'never-made' } }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(NeonApiError);
    expect(error).toMatchObject({ status: 500 });
    expect(requestsSince(mark)).toHaveLength(1);
    expect(projectsNamed('never-made')).toHaveLength(0);
  });

  it('polls operations until they are finished', async () => {
    const { client, sleeps } = makeClient({ pollIntervalMs: 250 });
    standIn.setOperationPolls(4);
    try {
      const created = await client.createProject({
        project: { name: 'optiflow_polled', branch: { role_name: 'polled_owner', database_name: 'polled' } },
      });
      expect(created.operations.length).toBeGreaterThan(0);
      expect(created.operations.every((operation) => operation.status === 'running')).toBe(true);
      const mark = standIn.requests.length;
      const finished = await client.waitForOperations(created.project.id, created.operations);
      expect(finished.every((operation) => operation.status === 'finished')).toBe(true);
      const polls = requestsSince(mark).filter((request) => request.path.includes('/operations/'));
      expect(polls).toHaveLength(4 * created.operations.length);
      expect(sleeps).toEqual([250, 250, 250, 250]);
      await client.deleteProject(created.project.id);
    } finally {
      standIn.setOperationPolls(2);
    }
  });

  it('fails clearly on a failed operation; a later run finishes the job', async () => {
    const placement = createNeonProjectPlacement({ client: makeClient().client });
    standIn.failNextOperations(1);
    const error = await placement.ensureDatabase('hooli', namesFor('hooli'), null).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(NeonOperationError);
    expect((error as Error).message).toMatch(
      /Neon operation .+ \(create_timeline\) on project .+ ended with status "failed": injected failure/,
    );

    const retried = await placement.ensureDatabase('hooli', namesFor('hooli'), null);
    expect(await whoAmI(retried.connectionString)).toMatchObject({ database: 'optiflow_hooli' });
    expect(projectsNamed('optiflow_hooli')).toHaveLength(1);
    await placement.dropDatabase('hooli', namesFor('hooli'), retried.ref);
    expect(await databaseExists('optiflow_hooli')).toBe(false);
  });

  it('times out clearly when operations never finish; a later run finishes the job', async () => {
    const placement = createNeonProjectPlacement({
      client: makeClient({ timeoutMs: 5_000, pollIntervalMs: 1_000 }).client,
    });
    standIn.stallOperations(true);
    let error: unknown;
    try {
      error = await placement.ensureDatabase('oscorp', namesFor('oscorp'), null).catch((caught: unknown) => caught);
    } finally {
      standIn.stallOperations(false);
    }
    expect(error).toBeInstanceOf(NeonOperationTimeoutError);
    expect((error as Error).message).toMatch(
      /Timed out after 5000 ms waiting for Neon operation\(s\) on project .+: .+ \(create_timeline, running\)/,
    );

    const retried = await placement.ensureDatabase('oscorp', namesFor('oscorp'), null);
    expect(await whoAmI(retried.connectionString)).toMatchObject({ database: 'optiflow_oscorp' });
    expect(projectsNamed('optiflow_oscorp')).toHaveLength(1);
    await placement.dropDatabase('oscorp', namesFor('oscorp'), retried.ref);
  });

  it('answers an invalid API key with NeonApiError 401', async () => {
    const { client } = makeClient({ apiKey: 'wrong-key' });
    const error = await createNeonProjectPlacement({ client })
      .ensureDatabase('acme', namesFor('acme'), null)
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(NeonApiError);
    expect(error).toMatchObject({ status: 401, neonMessage: 'authentication required', method: 'GET' });
    expect((error as Error).message).toContain('401');
  });
});
