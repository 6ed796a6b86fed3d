import { describe, expect, it } from 'vitest';
import { addDomain, removeDomain, resumeTenant, suspendTenant } from '../../src/tenancy/lifecycle';
import { deleteTenant } from '../../src/tenancy/provisioning';
import { cacheKeys } from '../../src/tenancy/record';
import { countQueries, createTestTenant, get, newTenantId, platform, testEnv } from '../support/worker/helpers';

const central = 'optiflow_central';

describe('KV-cached tenant lookup', () => {
  it('costs exactly one central query on a miss and none when warm', async () => {
    const tenant = await createTestTenant();
    await testEnv.KV.delete(cacheKeys.host(tenant.id));
    expect(await countQueries(central, () => get(`${tenant.id}.localhost`))).toBe(1);
    await expect.poll(() => testEnv.KV.get(cacheKeys.host(tenant.id))).not.toBeNull();
    expect(await countQueries(central, () => get(`${tenant.id}.localhost`))).toBe(0);
  });

  it('reads the tenant database once for the home page', async () => {
    const tenant = await createTestTenant();
    await get(`${tenant.id}.localhost`);
    expect(await countQueries(`optiflow_${tenant.id}`, () => get(`${tenant.id}.localhost`))).toBe(1);
  });

  it('caches unknown hosts negatively: a flood of requests reaches the central DB once per host', async () => {
    const hosts = Array.from({ length: 5 }, () => `${newTenantId('nope')}.localhost`);
    const queries = await countQueries(central, async () => {
      for (const host of hosts) expect((await get(host)).status).toBe(404);
      // Negative entries are written after the response (waitUntil): let them land.
      for (const host of hosts)
        await expect.poll(() => testEnv.KV.get(cacheKeys.host(host.split('.')[0]!))).not.toBeNull();
      for (let round = 0; round < 3; round++) {
        for (const host of hosts) expect((await get(host)).status).toBe(404);
      }
    });
    expect(queries).toBe(hosts.length);
  });

  it('makes a new tenant reachable at once even after its host was cached as unknown', async () => {
    const id = newTenantId();
    expect((await get(`${id}.localhost`)).status).toBe(404);
    // The KV write runs in waitUntil, after the response: wait for it.
    await expect.poll(() => testEnv.KV.get(cacheKeys.host(id), 'json')).toEqual({ tenant: null });
    await createTestTenant({ id, name: 'Óptica Recién Llegada' });
    const response = await get(`${id}.localhost`);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('Óptica Recién Llegada');
  });

  it('purges on domain add and remove', async () => {
    const tenant = await createTestTenant();
    const extra = newTenantId('extra');
    expect((await get(`${extra}.localhost`)).status).toBe(404); // cached negative
    const p = await platform();
    await addDomain(p, tenant.id, extra);
    expect((await get(`${extra}.localhost`)).status).toBe(200); // cached positive
    await removeDomain(p, extra);
    expect((await get(`${extra}.localhost`)).status).toBe(404);
    expect((await get(`${tenant.id}.localhost`)).status).toBe(200);
  });

  it('purges on suspend, resume and delete', async () => {
    const tenant = await createTestTenant();
    const host = `${tenant.id}.localhost`;
    expect((await get(host)).status).toBe(200);
    const p = await platform();
    await suspendTenant(p, tenant.id);
    expect((await get(host)).status).toBe(503);
    await resumeTenant(p, tenant.id);
    expect((await get(host)).status).toBe(200);
    await deleteTenant(p, tenant.id);
    expect((await get(host)).status).toBe(404);
  });

  it('stores no plaintext connection string in KV', async () => {
    const tenant = await createTestTenant();
    await get(`${tenant.id}.localhost`);
    const raw = await testEnv.KV.get(cacheKeys.host(tenant.id));
    expect(raw).toContain(tenant.id);
    expect(raw).not.toMatch(/postgres(ql)?:\/\//);
  });
});
