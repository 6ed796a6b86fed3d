import { createMessageBatch, getQueueResult, createExecutionContext } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import worker from '../../src/index';
import { auditLog, company } from '../../src/db/tenant-schema';
import { openTenantContext } from '../../src/tenancy/context';
import { FileKeyError, normalizeFileKey } from '../../src/tenancy/files';
import type { JobMessage } from '../../src/tenancy/jobs';
import { findTenantById } from '../../src/tenancy/central-queries';
import { sqlClient } from '../../src/db/client';
import { tenantConnectionString } from '../../src/tenancy/context';
import { createTestTenant, get, platform, testEnv } from '../support/worker/helpers';

async function contextOf(tenantId: string) {
  const record = await findTenantById((await platform()).central, tenantId);
  if (!record) throw new Error(`no tenant ${tenantId}`);
  return openTenantContext(testEnv, record);
}

async function twoTenants() {
  const [a, b] = await Promise.all([createTestTenant({ name: 'Óptica A' }), createTestTenant({ name: 'Óptica B' })]);
  return { a: await contextOf(a.id), b: await contextOf(b.id) };
}

describe('bootstrapper isolation (database, cache, files, queue)', () => {
  it('keeps database rows apart, through the context and through HTTP', async () => {
    const { a, b } = await twoTenants();
    await a.db.update(company).set({ name: 'Óptica A renombrada' });
    await a.db.insert(auditLog).values({ action: 'secret-of-a' });
    expect(await b.db.select().from(auditLog)).toEqual([]);
    expect((await b.db.select().from(company))[0]?.name).toBe('Óptica B');
    const pageB = await (await get(`${b.tenant.id}.localhost`)).text();
    expect(pageB).toContain('Óptica B');
    expect(pageB).not.toContain('Óptica A');
    expect(await (await get(`${a.tenant.id}.localhost`)).text()).toContain('Óptica A renombrada');
  });

  it("gives each tenant a role that cannot connect to another tenant's database", async () => {
    const { a, b } = await twoTenants();
    const urlOfA = new URL(await tenantConnectionString(testEnv, a.tenant));
    urlOfA.pathname = `/optiflow_${b.tenant.id}`;
    await expect(sqlClient(urlOfA.toString())`SELECT 1`).rejects.toMatchObject({ code: '42501' });
    urlOfA.pathname = '/optiflow_central';
    await expect(sqlClient(urlOfA.toString())`SELECT 1`).rejects.toMatchObject({ code: '42501' });
  });

  it('keeps cache keys apart, even for identical names', async () => {
    const { a, b } = await twoTenants();
    await a.cache.put('settings', { owner: 'a' });
    expect(await b.cache.get('settings')).toBeNull();
    await b.cache.put('settings', { owner: 'b' });
    expect(await a.cache.get('settings')).toEqual({ owner: 'a' });
    expect(await b.cache.list()).toEqual(['settings']);
    await a.cache.clear();
    expect(await a.cache.get('settings')).toBeNull();
    expect(await b.cache.get('settings')).toEqual({ owner: 'b' });
  });

  it('keeps files apart and refuses keys that try to leave the prefix', async () => {
    const { a, b } = await twoTenants();
    await a.files.put('logos/logo.png', 'png-of-a');
    expect(await b.files.get('logos/logo.png')).toBeNull();
    expect(await b.files.list()).toEqual([]);
    expect(await (await a.files.get('/logos//./logo.png'))?.text()).toBe('png-of-a');
    await expect(async () => b.files.get(`../${a.tenant.id}/logos/logo.png`)).rejects.toThrow(FileKeyError);
    expect(() => normalizeFileKey('a/../../x')).toThrow(FileKeyError);
    expect(() => normalizeFileKey('a\\..\\x')).toThrow(FileKeyError);
    expect(normalizeFileKey('//a/./b//c')).toBe('a/b/c');
    const stored = await testEnv.FILES.list({ prefix: `tenants/${a.tenant.id}/` });
    expect(stored.objects.map((o) => o.key)).toEqual([`tenants/${a.tenant.id}/logos/logo.png`]);
  });

  it('runs a queued job against the tenant stamped on it, and only that tenant', async () => {
    const { a, b } = await twoTenants();
    const sent: JobMessage[] = [];
    const recordingQueue = {
      send: async (body: JobMessage) => void sent.push(body),
      sendBatch: async () => {},
    } as unknown as Queue;
    const { TenantJobs } = await import('../../src/tenancy/jobs');
    await new TenantJobs(recordingQueue, a.tenant.id).send('audit.record', { action: 'job-for-a' });
    expect(sent).toEqual([expect.objectContaining({ tenantId: a.tenant.id, job: 'audit.record' })]);

    const batch = createMessageBatch<JobMessage>('optiflow-jobs', [
      { id: 'm1', timestamp: new Date(), attempts: 1, body: sent[0]! },
    ]);
    const ctx = createExecutionContext();
    await worker.queue(batch, testEnv);
    const result = await getQueueResult(batch, ctx);
    expect(result.explicitAcks).toEqual(['m1']);
    expect((await a.db.select().from(auditLog)).map((row) => row.action)).toEqual(['job-for-a']);
    expect(await b.db.select().from(auditLog)).toEqual([]);
  });

  it('retries a failing job instead of acking it', async () => {
    const { a } = await twoTenants();
    const batch = createMessageBatch<JobMessage>('optiflow-jobs', [
      {
        id: 'bad',
        timestamp: new Date(),
        attempts: 1,
        body: { tenantId: a.tenant.id, job: 'audit.record', payload: { action: '' } },
      },
      {
        id: 'unknown',
        timestamp: new Date(),
        attempts: 1,
        body: { tenantId: a.tenant.id, job: 'no.such.job', payload: {} },
      },
    ]);
    const ctx = createExecutionContext();
    await worker.queue(batch, testEnv);
    const result = await getQueueResult(batch, ctx);
    expect(result.explicitAcks).toEqual([]);
    expect(result.retryMessages.map((m) => m.msgId).sort()).toEqual(['bad', 'unknown']);
  });

  it('sends jobs through the real queue binding to the consumer', async () => {
    const { a } = await twoTenants();
    await a.jobs.send('audit.record', { action: 'through-the-queue' });
    await expect
      .poll(async () => (await a.db.select().from(auditLog)).map((row) => row.action), {
        timeout: 10_000,
        interval: 200,
      })
      .toEqual(['through-the-queue']);
  });
});
