import { describe, expect, it } from 'vitest';
import { suspendTenant } from '../../src/tenancy/lifecycle';
import { createTestTenant, get, newTenantId, platform } from '../support/worker/helpers';

describe('tenant identification over HTTP', () => {
  it('serves the tenant whatever the case, port or trailing dot of the host', async () => {
    const tenant = await createTestTenant({ name: 'Óptica Mayúsculas' });
    for (const host of [
      `${tenant.id}.localhost`,
      `${tenant.id.toUpperCase()}.LOCALHOST:8787`,
      `${tenant.id}.localhost.`,
      `${tenant.id}.opticanet.test`,
    ]) {
      const response = await get(host, '/', { headers: { host } });
      expect(response.status, host).toBe(200);
      expect(await response.text()).toContain('Óptica Mayúsculas');
    }
  });

  it('serves a custom domain of the tenant', async () => {
    const id = newTenantId();
    await createTestTenant({ id, name: 'Óptica Propia', domains: [id, `${id}.example.com`] });
    const response = await get(`${id}.example.com`);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('Óptica Propia');
  });

  it('does not treat a nested subdomain as the tenant', async () => {
    const tenant = await createTestTenant();
    const response = await get(`x.${tenant.id}.localhost`);
    expect(response.status).toBe(404);
    expect(await response.text()).not.toContain(tenant.name);
  });

  it('ignores X-Forwarded-Host and similar headers', async () => {
    const tenant = await createTestTenant({ name: 'Óptica Reenviada' });
    const spoofed = await get('localhost', '/', {
      headers: {
        'X-Forwarded-Host': `${tenant.id}.localhost`,
        Forwarded: `host=${tenant.id}.localhost`,
        'X-Original-Host': `${tenant.id}.localhost`,
      },
    });
    expect(spoofed.status).toBe(200);
    expect(await spoofed.text()).not.toContain('Óptica Reenviada');
    const unknown = await get('nadie-aqui.localhost', '/', {
      headers: { 'X-Forwarded-Host': `${tenant.id}.localhost` },
    });
    expect(unknown.status).toBe(404);
  });

  it('answers the central app on central domains', async () => {
    for (const host of ['localhost', 'opticanet.test', 'LOCALHOST:8787']) {
      const response = await get(host, '/', { headers: { host } });
      expect(response.status, host).toBe(200);
      expect(await response.text()).toContain('ópticas');
    }
  });

  it('answers an unknown host with a 404 page that reveals nothing', async () => {
    const response = await get(`${newTenantId()}.localhost`);
    expect(response.status).toBe(404);
    const body = await response.text();
    expect(body).toContain('Página no encontrada');
    expect(body).not.toMatch(/tenant|optiflow_|postgres/i);
  });

  it('answers 400 for host names that are not DNS names', async () => {
    const response = await get('bad_host.localhost');
    expect(response.status).toBe(400);
  });

  it('answers a suspended tenant with a 503 page showing the notice, without touching its data', async () => {
    const tenant = await createTestTenant({ name: 'Óptica Suspendida' });
    await suspendTenant(await platform(), tenant.id, 'Pago pendiente: llame al 809-555-0100');
    const response = await get(`${tenant.id}.localhost`);
    expect(response.status).toBe(503);
    const body = await response.text();
    expect(body).toContain('Pago pendiente');
    expect(body).not.toContain('Óptica Suspendida');
  });

  it('answers the JSON API with problem+json', async () => {
    const response = await get(`${newTenantId()}.localhost`, '/api/v1/anything');
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    expect(await response.json()).toMatchObject({ status: 404, code: 'not_found' });
  });
});
