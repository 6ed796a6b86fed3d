import { tenantCursor } from '../../src/http/cursors';
import { describe, expect, it } from 'vitest';
import { and, desc, eq } from 'drizzle-orm';
import { adminAuditLog, clients, domains, platformJobs, tenants } from '../../src/db/central-schema';
import { sqlClient } from '../../src/db/client';
import { migrations } from '../../src/db/migrations.generated';
import { TenantCache } from '../../src/tenancy/cache';
import { TenantFiles } from '../../src/tenancy/files';
import { tenantConnection } from '../../src/tenancy/lifecycle';
import { redeemPasswordLink } from '../../src/auth/users';
import { tenantDb } from '../../src/db/client';
import { getTenantRow } from '../../src/tenancy/provisioning';
import { cacheKeys } from '../../src/tenancy/record';
import { adminGet, adminPost, adminSignedIn, centralHost } from '../support/worker/admin';
import { createTestTenant, get, newTenantId, platform, testEnv } from '../support/worker/helpers';

const latest = migrations.tenant.length;
const adminSql = () => sqlClient(testEnv.POSTGRES_ADMIN_URL!);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function jobIdOf(response: Response): string {
  expect(response.status).toBe(303);
  const location = response.headers.get('Location') ?? '';
  const match = /^\/admin\/jobs\/([0-9a-f-]{36})$/.exec(location);
  expect(match, `redirect to a job page, got ${location}`).not.toBeNull();
  return match![1]!;
}

/** Polls the job row (the real queue consumer runs it) until it is finished. */
async function waitForJob(jobId: string, timeoutMs = 25_000) {
  const { central } = await platform();
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const [job] = await central.select().from(platformJobs).where(eq(platformJobs.id, jobId));
    if (job && (job.status === 'succeeded' || job.status === 'failed')) return job;
    await sleep(100);
  }
  throw new Error(`job ${jobId} did not finish in ${timeoutMs} ms`);
}

async function auditActions(tenantId: string): Promise<string[]> {
  const { central } = await platform();
  const rows = await central
    .select()
    .from(adminAuditLog)
    .where(eq(adminAuditLog.tenantId, tenantId))
    .orderBy(desc(adminAuditLog.id));
  return rows.map((row) => row.action);
}

async function databasesNamed(name: string): Promise<number> {
  const rows = await adminSql()`SELECT count(*)::int AS n FROM pg_database WHERE datname = ${name}`;
  return rows[0]!.n as number;
}

const timeout = 60_000;

describe('admin tenants: guards', () => {
  const routes: Array<[string, string]> = [
    ['GET', '/admin/tenants'],
    ['GET', '/admin/tenants/new'],
    ['POST', '/admin/tenants/new'],
    ['POST', '/admin/tenants/migrate'],
    ['GET', '/admin/tenants/some-shop'],
    ['POST', '/admin/tenants/some-shop'],
    ['POST', '/admin/tenants/some-shop/domains'],
    ['POST', '/admin/tenants/some-shop/domains/remove'],
    ['POST', '/admin/tenants/some-shop/suspend'],
    ['POST', '/admin/tenants/some-shop/resume'],
    ['POST', '/admin/tenants/some-shop/delete'],
    ['POST', '/admin/tenants/some-shop/owner'],
    ['GET', '/admin/jobs/00000000-0000-4000-8000-000000000000'],
    ['POST', '/admin/jobs/00000000-0000-4000-8000-000000000000/retry'],
    ['GET', '/admin/clients'],
    ['GET', '/admin/clients/new'],
    ['POST', '/admin/clients/new'],
    ['GET', '/admin/clients/00000000-0000-4000-8000-000000000000'],
    ['POST', '/admin/clients/00000000-0000-4000-8000-000000000000'],
    ['POST', '/admin/clients/00000000-0000-4000-8000-000000000000/delete'],
  ];

  it.each(routes)(
    '%s %s answers 303 to the login without a session, and nothing of it on a shop host',
    async (method, path) => {
      const response = method === 'GET' ? await adminGet(path, '') : await adminPost(path, {}, '');
      expect(response.status).toBe(303);
      expect(response.headers.get('Location')).toMatch(/^\/admin\/login/);
      const tenant = await createTestTenant();
      const host = `${tenant.id}.localhost`;
      const onShop = await get(host, path, { method, redirect: 'manual', headers: { Origin: `http://${host}` } });
      expect(onShop.status).toBe(404);
    },
    timeout,
  );

  it('answers htmx without a session with 401 and HX-Redirect', async () => {
    const response = await adminGet('/admin/jobs/00000000-0000-4000-8000-000000000000?fragment=1', '', {
      'HX-Request': 'true',
    });
    expect(response.status).toBe(401);
    expect(response.headers.get('HX-Redirect')).toMatch(/^\/admin\/login/);
  });
});

describe('admin tenants: list', () => {
  it('lists with domains, client, status and schema, filters by search, status, client and schema behind, and pages by keyset', async () => {
    const { cookie } = await adminSignedIn();
    const p = await platform();
    const [client] = await p.central
      .insert(clients)
      .values({ name: `Cliente ${newTenantId()}` })
      .returning();
    const prefix = newTenantId('ls');
    const a = await createTestTenant({
      id: `${prefix}a`,
      name: 'Óptica Alfa',
      clientId: client!.id,
      domains: [`${prefix}a`, `${prefix}-alfa.example.com`],
    });
    const b = await createTestTenant({ id: `${prefix}b`, name: 'Óptica Beta' });
    await p.central.update(tenants).set({ status: 'suspended', schemaVersion: 0 }).where(eq(tenants.id, b.id));

    const all = await (await adminGet(`/admin/tenants?q=${prefix}`, cookie)).text();
    expect(all).toContain('Óptica Alfa');
    expect(all).toContain('Óptica Beta');
    expect(all).toContain(`${prefix}-alfa.example.com`);
    expect(all).toContain(client!.name);
    expect(all).toContain(`${latest}/${latest}`);
    expect(all).toContain(`0/${latest}`);

    const byDomain = await (await adminGet(`/admin/tenants?q=${prefix}-alfa.example`, cookie)).text();
    expect(byDomain).toContain('Óptica Alfa');
    expect(byDomain).not.toContain('Óptica Beta');

    const byName = await (
      await adminGet(`/admin/tenants?q=${encodeURIComponent('Óptica Beta')}&status=suspended`, cookie)
    ).text();
    expect(byName).toContain(b.id);

    const suspended = await (await adminGet(`/admin/tenants?q=${prefix}&status=suspended`, cookie)).text();
    expect(suspended).toContain(b.id);
    expect(suspended).not.toContain(`>${a.id}<`);

    const byClient = await (await adminGet(`/admin/tenants?client=${client!.id}`, cookie)).text();
    expect(byClient).toContain(a.id);
    expect(byClient).not.toContain(b.id);

    const behind = await (await adminGet(`/admin/tenants?q=${prefix}&behind=1`, cookie)).text();
    expect(behind).toContain(b.id);
    expect(behind).not.toContain(`>${a.id}<`);

    // Keyset: a page of one is not available from the UI, so check the cursor: after a, only b.
    const after = await (
      await adminGet(`/admin/tenants?q=${prefix}&cursor=${tenantCursor.encode({ id: a.id })}`, cookie)
    ).text();
    expect(after).toContain(b.id);
    expect(after).not.toContain(`>${a.id}<`);

    // The htmx pager swaps only the results.
    const fragment = await (
      await adminGet(`/admin/tenants?q=${prefix}`, cookie, { 'HX-Request': 'true', 'HX-Target': 'tenant-results' })
    ).text();
    expect(fragment).toMatch(/^<div id="tenant-results">/);
  });
});

describe('admin tenants: create through a job', () => {
  it('validates the form with field messages and writes nothing', async () => {
    const { cookie } = await adminSignedIn();
    const p = await platform();
    const cases: Array<[Record<string, string>, string]> = [
      [{ id: 'Bad_Id', name: 'x' }, 'id'],
      [{ id: 'www', name: 'x' }, 'id'],
      [{ id: newTenantId(), name: '' }, 'name'],
      [{ id: newTenantId(), name: 'x', subdomain: 'bad_domain' }, 'subdomain'],
      [{ id: newTenantId(), name: 'x', placement: 'neon-project' }, 'placement'],
      [{ id: newTenantId(), name: 'x', placement: 'mysql' }, 'placement'],
      [{ id: newTenantId(), name: 'x', ownerEmail: 'not-an-email' }, 'ownerEmail'],
      [{ id: newTenantId(), name: 'x', ownerEmail: 'duena@example.test' }, 'ownerName'],
      [{ id: newTenantId(), name: 'x', clientId: '00000000-0000-4000-8000-000000000000' }, 'clientId'],
    ];
    for (const [fields, field] of cases) {
      const response = await adminPost('/admin/tenants/new', fields, cookie);
      expect(response.status, JSON.stringify(fields)).toBe(422);
      expect(await response.text()).toContain(`id="field-${field}-error"`);
      if (fields.id) expect(await getTenantRow(p, fields.id)).toBeNull();
    }
  });

  it(
    'creates the record, runs the pipeline as a job with each step, shows the owner link once, and the shop answers',
    async () => {
      const { cookie } = await adminSignedIn();
      const id = newTenantId();
      const response = await adminPost(
        '/admin/tenants/new',
        {
          id,
          name: 'Óptica Panel',
          subdomain: `${id}-shop`,
          ownerEmail: 'duena@example.test',
          ownerName: 'Dueña Panel',
          placement: 'postgres',
        },
        cookie,
      );
      const jobId = jobIdOf(response);
      const p = await platform();
      expect((await getTenantRow(p, id))?.status).toMatch(/provisioning|active/);

      const page = await adminGet(`/admin/jobs/${jobId}`, cookie);
      expect(page.status).toBe(200);
      const html = await page.text();
      expect(html).toContain('Crear óptica');

      const job = await waitForJob(jobId);
      expect(job.status).toBe('succeeded');
      expect(job.steps.filter((step) => step.outcome === 'succeeded').map((step) => step.step)).toEqual([
        'database',
        'migrate',
        'seed',
        'active',
        'owner',
      ]);
      expect(JSON.stringify(job.result)).not.toContain('set-password');

      const done = await (await adminGet(`/admin/jobs/${jobId}?fragment=1`, cookie)).text();
      expect(done).not.toContain('hx-trigger');
      const link = /(http:\/\/[^<\s]+\/set-password\/[A-Za-z0-9_-]+)/.exec(done)?.[1];
      expect(link).toBeDefined();
      expect(link).toContain(`${id}-shop.${centralHost}`);
      const again = await (await adminGet(`/admin/jobs/${jobId}`, cookie)).text();
      expect(again).not.toContain('/set-password/');
      expect(again).toContain('ya se mostró');

      const setPassword = await get(`${id}-shop.localhost`, new URL(link!).pathname);
      expect(setPassword.status).toBe(200);
      const shop = await get(`${id}-shop.localhost`, '/login');
      expect(shop.status).toBe(200);
      expect(await getTenantRow(p, id)).toMatchObject({ status: 'active', schemaVersion: latest });
      expect(await auditActions(id)).toContain('tenant.create');
    },
    timeout,
  );

  it('shows a running job with htmx polling and a no-JS refresh', async () => {
    const { cookie } = await adminSignedIn();
    const p = await platform();
    const [job] = await p.central
      .insert(platformJobs)
      .values({ kind: 'tenants.migrate', status: 'running' })
      .returning();
    const html = await (await adminGet(`/admin/jobs/${job!.id}`, cookie)).text();
    expect(html).toContain(`hx-get="/admin/jobs/${job!.id}?fragment=1"`);
    expect(html).toContain('hx-trigger="every 1s"');
    expect(html).toContain('http-equiv="refresh"');
    expect(html).toContain('Actualizar');
    await p.central.delete(platformJobs).where(eq(platformJobs.id, job!.id));
  });

  it(
    'shows the failed step and error, and Retry resumes and finishes it',
    async () => {
      const { cookie } = await adminSignedIn();
      const id = newTenantId();
      // A database that exists but belongs to another role: the "database" step succeeds, "migrate" cannot create anything.
      await adminSql().query(`CREATE DATABASE optiflow_${id}`);
      const jobId = jobIdOf(
        await adminPost('/admin/tenants/new', { id, name: 'Óptica Tropiezo', placement: 'postgres' }, cookie),
      );
      const failed = await waitForJob(jobId);
      expect(failed.status).toBe('failed');
      expect(failed.steps.at(-1)).toMatchObject({ step: 'migrate', outcome: 'failed' });
      const p = await platform();
      expect(await getTenantRow(p, id)).toMatchObject({ status: 'failed', provisioningStep: 'database' });
      const html = await (await adminGet(`/admin/jobs/${jobId}`, cookie)).text();
      expect(html).toContain('Falló en el paso «Migraciones del esquema»');
      expect(html).toContain(`action="/admin/jobs/${jobId}/retry"`);
      expect((await get(`${id}.localhost`)).status).toBe(404);

      await adminSql().query(`ALTER DATABASE optiflow_${id} OWNER TO optiflow_${id}`);
      const retry = await adminPost(`/admin/jobs/${jobId}/retry`, {}, cookie);
      expect(retry.status).toBe(303);
      const finished = await waitForJob(jobId);
      expect(finished.status).toBe('succeeded');
      expect(finished.steps.filter((step) => step.outcome === 'succeeded').map((step) => step.step)).toEqual([
        'database',
        'migrate',
        'seed',
        'active',
      ]);
      expect(await databasesNamed(`optiflow_${id}`)).toBe(1);
      expect((await get(`${id}.localhost`, '/login')).status).toBe(200);
      expect(await auditActions(id)).toEqual(expect.arrayContaining(['tenant.create', 'job.retry']));

      // Only a failed job can be retried.
      expect((await adminPost(`/admin/jobs/${jobId}/retry`, {}, cookie)).status).toBe(409);
    },
    timeout,
  );

  it(
    'makes one tenant out of 10 concurrent creates of the same id; the others get 422',
    async () => {
      const { cookie } = await adminSignedIn();
      const id = newTenantId();
      const responses = await Promise.all(
        Array.from({ length: 10 }, () =>
          adminPost('/admin/tenants/new', { id, name: 'Óptica Carrera', placement: 'postgres' }, cookie),
        ),
      );
      const statuses = responses.map((response) => response.status).sort();
      expect(statuses.filter((status) => status === 303)).toHaveLength(1);
      expect(statuses.filter((status) => status === 422)).toHaveLength(9);
      const loser = responses.find((response) => response.status === 422)!;
      expect(await loser.text()).toMatch(/Ya existe una óptica|ya está en uso/);
      const p = await platform();
      expect(await p.central.select().from(tenants).where(eq(tenants.id, id))).toHaveLength(1);
      const jobs = await p.central
        .select()
        .from(platformJobs)
        .where(and(eq(platformJobs.tenantId, id), eq(platformJobs.kind, 'tenant.create')));
      expect(jobs).toHaveLength(1);
      expect((await waitForJob(jobs[0]!.id)).status).toBe('succeeded');
      expect(await databasesNamed(`optiflow_${id}`)).toBe(1);
    },
    timeout,
  );
});

describe('admin tenants: edit, domains, suspend, delete', () => {
  it(
    'edits the name and client, refusing an unknown client',
    async () => {
      const { cookie } = await adminSignedIn();
      const p = await platform();
      const tenant = await createTestTenant();
      const [client] = await p.central.insert(clients).values({ name: 'Cliente Edición' }).returning();
      const page = await adminGet(`/admin/tenants/${tenant.id}`, cookie);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain(`action="/admin/tenants/${tenant.id}"`);

      const bad = await adminPost(`/admin/tenants/${tenant.id}`, { name: '', clientId: '' }, cookie);
      expect(bad.status).toBe(422);
      expect(await bad.text()).toContain('id="field-name-error"');
      const unknown = await adminPost(
        `/admin/tenants/${tenant.id}`,
        { name: 'Otra', clientId: '00000000-0000-4000-8000-000000000000' },
        cookie,
      );
      expect(unknown.status).toBe(422);
      expect((await getTenantRow(p, tenant.id))?.name).toBe(tenant.name);

      const ok = await adminPost(
        `/admin/tenants/${tenant.id}`,
        { name: 'Óptica Renombrada', clientId: client!.id },
        cookie,
      );
      expect(ok.status).toBe(303);
      expect(await getTenantRow(p, tenant.id)).toMatchObject({ name: 'Óptica Renombrada', clientId: client!.id });
      expect(await testEnv.KV.get(cacheKeys.tenant(tenant.id))).toBeNull(); // the cached record (with the name) is purged
      expect(await auditActions(tenant.id)).toContain('tenant.update');
      expect((await adminGet('/admin/tenants/no-such-shop', cookie)).status).toBe(404);
    },
    timeout,
  );

  it(
    'adds and removes domains with the cache purged at once',
    async () => {
      const { cookie } = await adminSignedIn();
      const tenant = await createTestTenant();
      const label = newTenantId('d');
      expect((await get(`${label}.localhost`)).status).toBe(404); // now a negative entry in KV

      expect((await adminPost(`/admin/tenants/${tenant.id}/domains`, { domain: 'bad_domain' }, cookie)).status).toBe(
        422,
      );
      expect((await adminPost(`/admin/tenants/${tenant.id}/domains`, { domain: 'www' }, cookie)).status).toBe(422);
      const taken = await adminPost(`/admin/tenants/${tenant.id}/domains`, { domain: tenant.id }, cookie);
      expect(taken.status).toBe(422);
      expect(await taken.text()).toContain('ya está en uso');

      expect((await adminPost(`/admin/tenants/${tenant.id}/domains`, { domain: label }, cookie)).status).toBe(303);
      expect((await get(`${label}.localhost`, '/login')).status).toBe(200);

      const other = await createTestTenant();
      const foreign = await adminPost(`/admin/tenants/${tenant.id}/domains/remove`, { domain: other.id }, cookie);
      expect(foreign.status).toBe(422);
      const { central } = await platform();
      expect(await central.select().from(domains).where(eq(domains.hostname, other.id))).toHaveLength(1);

      expect((await adminPost(`/admin/tenants/${tenant.id}/domains/remove`, { domain: label }, cookie)).status).toBe(
        303,
      );
      expect((await get(`${label}.localhost`)).status).toBe(404);
      expect(await auditActions(tenant.id)).toEqual(
        expect.arrayContaining(['tenant.domain.add', 'tenant.domain.remove']),
      );
    },
    timeout,
  );

  it(
    'suspends with a message shown on the 503 page, and resumes',
    async () => {
      const { cookie } = await adminSignedIn();
      const tenant = await createTestTenant();
      const host = `${tenant.id}.localhost`;
      expect((await get(host, '/login')).status).toBe(200);
      expect(
        (
          await adminPost(
            `/admin/tenants/${tenant.id}/suspend`,
            { message: 'Pago pendiente: llame al 809-555-0100' },
            cookie,
          )
        ).status,
      ).toBe(303);
      const suspended = await get(host, '/login');
      expect(suspended.status).toBe(503);
      expect(await suspended.text()).toContain('Pago pendiente: llame al 809-555-0100');
      expect(await (await adminGet(`/admin/tenants/${tenant.id}`, cookie)).text()).toContain(
        `action="/admin/tenants/${tenant.id}/resume"`,
      );

      expect((await adminPost(`/admin/tenants/${tenant.id}/resume`, {}, cookie)).status).toBe(303);
      expect((await get(host, '/login')).status).toBe(200);
      expect(await auditActions(tenant.id)).toEqual(expect.arrayContaining(['tenant.suspend', 'tenant.resume']));
    },
    timeout,
  );

  it(
    'refuses a delete without the typed id, and with it a job removes the database, domains, KV keys and files',
    async () => {
      const { cookie } = await adminSignedIn();
      const tenant = await createTestTenant();
      const id = tenant.id;
      await new TenantFiles(testEnv.FILES, id).put('a/b.txt', 'x');
      await new TenantCache(testEnv.KV, id).put('k', 1);
      expect((await get(`${id}.localhost`, '/login')).status).toBe(200);

      for (const confirm of ['', 'otra-cosa', id.toUpperCase()]) {
        const refused = await adminPost(`/admin/tenants/${id}/delete`, { confirm }, cookie);
        expect(refused.status).toBe(422);
        expect(await refused.text()).toContain('id="field-confirm-error"');
      }
      const p = await platform();
      expect((await getTenantRow(p, id))?.status).toBe('active');

      const jobId = jobIdOf(await adminPost(`/admin/tenants/${id}/delete`, { confirm: id }, cookie));
      const job = await waitForJob(jobId);
      expect(job.status).toBe('succeeded');
      expect(job.steps.filter((step) => step.outcome === 'succeeded').map((step) => step.step)).toEqual([
        'deleting',
        'files',
        'cache',
        'database',
        'record',
      ]);
      expect(await getTenantRow(p, id)).toBeNull();
      expect(await p.central.select().from(domains).where(eq(domains.tenantId, id))).toEqual([]);
      expect(await databasesNamed(`optiflow_${id}`)).toBe(0);
      expect((await testEnv.FILES.list({ prefix: `tenants/${id}/` })).objects).toEqual([]);
      expect((await testEnv.KV.list({ prefix: cacheKeys.tenantCachePrefix(id) })).keys).toEqual([]);
      expect((await get(`${id}.localhost`)).status).toBe(404);
      expect(await auditActions(id)).toContain('tenant.delete');
      const page = await (await adminGet(`/admin/jobs/${jobId}`, cookie)).text();
      expect(page).toContain('Terminada');
    },
    timeout,
  );
});

describe('admin tenants: migrate pending', () => {
  it(
    'migrates every tenant behind the latest schema as a job with per-tenant results',
    async () => {
      const { cookie, admin } = await adminSignedIn();
      const p = await platform();
      const tenant = await createTestTenant();
      const sql = sqlClient((await tenantConnection(p, tenant.id)).connectionString);
      await sql.transaction([
        sql`DROP SCHEMA IF EXISTS drizzle CASCADE`,
        sql`DROP SCHEMA public CASCADE`,
        sql`CREATE SCHEMA public`,
      ]);
      await p.central.update(tenants).set({ schemaVersion: 0 }).where(eq(tenants.id, tenant.id));
      const list = await (await adminGet(`/admin/tenants?q=${tenant.id}&behind=1`, cookie)).text();
      expect(list).toContain(`0/${latest}`);

      const jobId = jobIdOf(await adminPost('/admin/tenants/migrate', {}, cookie));
      const job = await waitForJob(jobId, 45_000);
      expect(job.steps).toContainEqual(
        expect.objectContaining({ step: tenant.id, outcome: 'succeeded', message: `0 → ${latest}` }),
      );
      if (job.status === 'succeeded') {
        expect((job.result as { results: unknown[] }).results).toContainEqual({
          tenantId: tenant.id,
          from: 0,
          to: latest,
        });
        expect(await (await adminGet(`/admin/jobs/${jobId}`, cookie)).text()).toContain(`0 → ${latest}`);
      }
      expect((await getTenantRow(p, tenant.id))?.schemaVersion).toBe(latest);
      expect((await get(`${tenant.id}.localhost`, '/login')).status).toBe(200);
      const [line] = await p.central
        .select()
        .from(adminAuditLog)
        .where(and(eq(adminAuditLog.adminId, admin.id), eq(adminAuditLog.action, 'tenants.migrate')));
      expect(line?.details).toMatchObject({ jobId });
    },
    timeout,
  );
});

describe('admin tenants: the owner of a shop', () => {
  it(
    'a shop without an owner explains it, invites one with a name (link shown once, audited), again when lost, and refuses once there is one',
    async () => {
      const { cookie } = await adminSignedIn();
      const tenant = await createTestTenant();
      const base = `/admin/tenants/${tenant.id}`;
      const page = await (await adminGet(base, cookie)).text();
      expect(page).toContain('todavía no tiene un dueño');
      expect(page).toContain(`action="${base}/owner"`);
      expect(page).not.toContain(`action="${base}/impersonate"`);
      // Support access cannot open a shop nobody can sign in to: it says so and points to the invitation.
      const impersonate = await adminPost(`${base}/impersonate`, {}, cookie);
      expect(impersonate.status).toBe(409);
      expect(await impersonate.text()).toContain(`href="${base}#tenant-owner"`);

      const invalid = await Promise.all([
        adminPost(`${base}/owner`, { email: 'no-es-correo', name: 'Ana' }, cookie),
        adminPost(`${base}/owner`, { email: 'ana@example.test', name: '  ' }, cookie),
      ]);
      expect(invalid.map((response) => response.status)).toEqual([422, 422]);
      expect(await invalid[0]!.text()).toContain('id="field-email-error"');
      expect(await invalid[1]!.text()).toContain('id="field-name-error"');

      const invited = await adminPost(`${base}/owner`, { email: 'Ana@Example.test', name: 'Ana Pérez' }, cookie);
      expect(invited.status).toBe(200);
      expect(invited.headers.get('Cache-Control')).toContain('no-store');
      const firstLink = /http:\/\/[^<\s]+\/set-password\/([A-Za-z0-9_-]+)/.exec(await invited.text());
      expect(firstLink).not.toBeNull();
      const reloaded = await (await adminGet(base, cookie)).text();
      expect(reloaded).not.toContain('/set-password/');
      expect(reloaded).toContain('Ana Pérez (ana@example.test)');

      const again = await adminPost(`${base}/owner`, { email: 'ana@example.test', name: 'Ana Pérez' }, cookie);
      const secondToken = /\/set-password\/([A-Za-z0-9_-]+)/.exec(await again.text())![1]!;
      expect(secondToken).not.toBe(firstLink![1]);
      const host = `${tenant.id}.localhost`;
      expect((await get(host, `/set-password/${firstLink![1]}`)).status).toBe(404);
      expect((await get(host, `/set-password/${secondToken}`)).status).toBe(200);
      expect((await auditActions(tenant.id)).filter((action) => action === 'tenant.owner_invited')).toHaveLength(2);

      const { connectionString } = await tenantConnection(await platform(), tenant.id);
      expect(
        await redeemPasswordLink(tenantDb(connectionString), secondToken, 'una-clave-larga-de-ana'),
      ).not.toBeNull();
      const withOwner = await (await adminGet(base, cookie)).text();
      expect(withOwner).toContain(`action="${base}/impersonate"`);
      expect(withOwner).toContain('Dueño: Ana Pérez (ana@example.test)');
      const refused = await adminPost(`${base}/owner`, { email: 'otra@example.test', name: 'Otra' }, cookie);
      expect(refused.status).toBe(422);
      const refusedHtml = await refused.text();
      expect(refusedHtml, refusedHtml.slice(refusedHtml.indexOf('<main'))).toContain(
        'ya tiene un dueño activo (ana@example.test)',
      );
    },
    timeout,
  );
});

describe('admin tenants: wording', () => {
  /** What a code or a JSON dump looks like in the HTML: any of these is a raw code on screen. */
  const rawCodes = [
    />\s*(record|database|migrate|seed|active|owner|provision|succeeded|started)\s*</,
    /tenantId/,
    /\{&quot;|\{"/,
    /admin\.login|tenant\.create|tenant\.owner_invited/,
    /<dt>hostnames<\/dt>/,
  ];

  it(
    'the job page, the tenant page and the audit page show Spanish labels, never step names, audit codes or JSON',
    async () => {
      const { cookie } = await adminSignedIn();
      const id = newTenantId();
      const created = await adminPost(
        '/admin/tenants/new',
        { id, name: 'Óptica Palabras', ownerEmail: 'luz@example.test', ownerName: 'Luz Díaz', placement: 'postgres' },
        cookie,
      );
      const jobId = jobIdOf(created);
      expect((await waitForJob(jobId)).status).toBe('succeeded');
      const { central } = await platform();
      await central
        .insert(adminAuditLog)
        .values({ action: 'admin.login', tenantId: id, details: { via: 'cli', reinvited: true } });
      await central.insert(adminAuditLog).values({ action: 'tenant.backup_pruned', tenantId: id });

      const jobPage = await (await adminGet(`/admin/jobs/${jobId}`, cookie)).text();
      const tenantPage = await (await adminGet(`/admin/tenants/${id}`, cookie)).text();
      const auditPage = await (await adminGet(`/admin/audit?tenant=${id}`, cookie)).text();
      for (const [name, html] of Object.entries({ jobPage, tenantPage, auditPage })) {
        const main = html.slice(html.indexOf('<main')); // the head carries htmx's JSON configuration
        for (const raw of rawCodes) expect(main, `${name} shows ${raw}`).not.toMatch(raw);
      }
      expect(jobPage).toContain('Base de datos y rol');
      expect(jobPage).toContain('Invitación del dueño');
      expect(jobPage).toContain('<dt>Dominios</dt>');
      expect(tenantPage).toContain('Creación');
      expect(tenantPage).toContain('Óptica creada');
      expect(auditPage).toContain('Inicio de sesión');
      expect(auditPage).toContain('Desde: la línea de comandos');
      expect(auditPage).toContain('Invitado de nuevo: sí');
      // A code the catalogue does not know yet is still readable.
      expect(auditPage).toContain('Tenant backup pruned');
    },
    timeout,
  );
});
