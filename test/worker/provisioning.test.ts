import { describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { sqlClient } from '../../src/db/client';
import { domains, provisioningLog, tenants } from '../../src/db/central-schema';
import { migrations } from '../../src/db/migrations.generated';
import { AppError } from '../../src/errors';
import { TenantCache } from '../../src/tenancy/cache';
import { TenantFiles } from '../../src/tenancy/files';
import { createTenant, deleteTenant, getTenantRow, provisioningSteps } from '../../src/tenancy/provisioning';
import { cacheKeys } from '../../src/tenancy/record';
import { createTestTenant, get, newTenantId, platform, testEnv } from '../support/worker/helpers';

const admin = () => sqlClient(testEnv.POSTGRES_ADMIN_URL!);

async function databasesNamed(name: string): Promise<number> {
  const rows = await admin()`SELECT count(*)::int AS n FROM pg_database WHERE datname = ${name}`;
  return rows[0]!.n as number;
}

/** Never settles: the process "dies" at this point and the rest of the pipeline never runs. */
const freezeAt = (step: string) => (current: string) => (current === step ? new Promise<void>(() => {}) : undefined);

describe('provisioning pipeline', () => {
  it('creates a record, a database, the schema and the seed, then activates', async () => {
    const p = await platform();
    const id = newTenantId();
    const seen: string[] = [];
    const row = await createTenant(
      p,
      { id, name: 'Óptica Pasos', domains: [id] },
      { afterStep: (step) => void seen.push(step) },
    );
    expect(seen).toEqual([...provisioningSteps]);
    expect(row).toMatchObject({
      status: 'active',
      provisioningStep: 'active',
      schemaVersion: migrations.tenant.length,
      lastError: null,
    });
    expect(await databasesNamed(`optiflow_${id}`)).toBe(1);
    const log = await p.central.select().from(provisioningLog).where(eq(provisioningLog.tenantId, id));
    expect(log.map((entry) => `${entry.step}:${entry.outcome}`)).toEqual(
      provisioningSteps.map((step) => `${step}:succeeded`),
    );
  });

  for (const step of provisioningSteps.slice(0, -1)) {
    it(`resumes after a crash right after "${step}" without making a second database`, async () => {
      const p = await platform();
      const id = newTenantId();
      void createTenant(p, { id, name: 'Óptica Interrumpida', domains: [id] }, { afterStep: freezeAt(step) });
      await expect.poll(async () => (await getTenantRow(p, id))?.provisioningStep, { timeout: 10_000 }).toBe(step);
      expect((await get(`${id}.localhost`)).status).toBe(503);

      const row = await createTenant(p, { id, name: 'Óptica Interrumpida', domains: [id] });
      expect(row.status).toBe('active');
      expect(await databasesNamed(`optiflow_${id}`)).toBe(1);
      const page = await get(`${id}.localhost`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('Óptica Interrumpida');
    });
  }

  it('marks a failing step as failed with the step and error, and a retry finishes the job', async () => {
    const p = await platform();
    const id = newTenantId();
    const failing = {
      ...p,
      placement: () => ({
        ...p.placement('postgres'),
        ensureDatabase: async () => {
          throw new Error('disk full');
        },
      }),
    };
    await expect(createTenant(failing, { id, name: 'Óptica Fallida', domains: [id] })).rejects.toThrow('disk full');
    expect(await getTenantRow(p, id)).toMatchObject({
      status: 'failed',
      provisioningStep: 'record',
      lastError: 'provision database: disk full',
    });
    expect((await get(`${id}.localhost`)).status).toBe(404);
    expect((await createTenant(p, { id, name: 'Óptica Fallida', domains: [id] })).status).toBe('active');
    expect((await get(`${id}.localhost`)).status).toBe(200);
  });

  it('refuses a duplicate id and a taken domain, changing nothing', async () => {
    const p = await platform();
    const existing = await createTestTenant({ name: 'Óptica Original' });
    await expect(createTenant(p, { id: existing.id, name: 'Otra', domains: [newTenantId()] })).rejects.toMatchObject({
      code: 'conflict',
    });
    expect((await getTenantRow(p, existing.id))?.name).toBe('Óptica Original');

    const id = newTenantId();
    await expect(createTenant(p, { id, name: 'Ladrona', domains: [existing.id] })).rejects.toMatchObject({
      code: 'conflict',
    });
    expect(await getTenantRow(p, id)).toBeNull();
    expect(await databasesNamed(`optiflow_${id}`)).toBe(0);
  });

  it.each([
    [{ id: 'Bad_Id', name: 'x' }, /Invalid tenant id/],
    [{ id: 'ok-id', name: '   ' }, /name/],
    [{ id: 'ok-id2', name: 'x', domains: ['bad_domain'] }, /not a valid/],
    [{ id: 'ok-id3', name: 'x', domains: ['www'] }, /reserved/],
    [{ id: 'ok-id4', name: 'x', placement: 'mysql' }, /Unknown placement/],
    [{ id: 'x'.repeat(60), name: 'x' }, /too long/],
  ])('rejects bad input %j before writing anything', async (input, message) => {
    const p = await platform();
    const error = await createTenant(p, { domains: [], ...input }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('validation');
    expect((error as Error).message).toMatch(message);
    expect(await p.central.select().from(tenants).where(eq(tenants.id, input.id))).toEqual([]);
  });

  it('deletes the database, role, domains, KV keys and files, leaving nothing behind', async () => {
    const p = await platform();
    const tenant = await createTestTenant();
    const id = tenant.id;
    await new TenantFiles(testEnv.FILES, id).put('a/b.txt', 'x');
    await new TenantCache(testEnv.KV, id).put('k', 1);
    expect((await get(`${id}.localhost`)).status).toBe(200);

    await deleteTenant(p, id);
    expect(await getTenantRow(p, id)).toBeNull();
    expect(await p.central.select().from(domains).where(eq(domains.tenantId, id))).toEqual([]);
    expect(await databasesNamed(`optiflow_${id}`)).toBe(0);
    expect(await admin()`SELECT 1 FROM pg_roles WHERE rolname = ${`optiflow_${id}`}`).toEqual([]);
    expect((await testEnv.FILES.list({ prefix: `tenants/${id}/` })).objects).toEqual([]);
    expect((await testEnv.KV.list({ prefix: cacheKeys.tenantCachePrefix(id) })).keys).toEqual([]);
    expect(await testEnv.KV.get(cacheKeys.host(id))).toBeNull();
    expect((await get(`${id}.localhost`)).status).toBe(404);
  });

  it('finishes an interrupted deletion when run again', async () => {
    const p = await platform();
    const tenant = await createTestTenant();
    void deleteTenant(p, tenant.id, { afterStep: freezeAt('files') });
    await expect.poll(async () => (await getTenantRow(p, tenant.id))?.status, { timeout: 10_000 }).toBe('deleting');
    expect((await get(`${tenant.id}.localhost`)).status).toBe(404);
    await deleteTenant(p, tenant.id);
    expect(await getTenantRow(p, tenant.id)).toBeNull();
    expect(await databasesNamed(`optiflow_${tenant.id}`)).toBe(0);
  });
});
