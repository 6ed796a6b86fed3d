import { SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { impersonationSigningKey, issueImpersonationToken } from '../../src/admin/impersonation';
import { auditLog } from '../../src/db/tenant-schema';
import { createTestAdmin } from './admin-helpers';
import { createTestTenant, get, platform, signedIn, tenantContext, testEnv } from './helpers';

describe("the shop's audit log", () => {
  it('shows the owner the support sessions; other roles get 403', async () => {
    const tenant = await createTestTenant();
    const host = `${tenant.id}.localhost`;
    const owner = await signedIn(tenant.id, 'owner');
    const admin = await createTestAdmin();
    const key = await impersonationSigningKey(testEnv.ENCRYPTION_KEY);
    const { token } = await issueImpersonationToken((await platform()).central, key, { adminId: admin.id, tenantId: tenant.id });
    const entered = await SELF.fetch(`http://${host}/support/enter?token=${encodeURIComponent(token)}`, { redirect: 'manual' });
    expect(entered.status).toBe(303);

    const page = await get(host, '/audit', { headers: { Cookie: owner.cookie } });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('Registro de actividad');
    expect(html).toContain('Inicio de sesión de soporte');
    expect(html).toContain('Soporte OptiFlow');
    expect(html).toContain(`OptiFlow soporte: ${admin.email}`);
    expect(html).toContain(owner.email);

    for (const role of ['ventas', 'admin', 'caja', 'optometrista'] as const) {
      const other = await signedIn(tenant.id, role);
      expect((await get(host, '/audit', { headers: { Cookie: other.cookie }, redirect: 'manual' })).status, role).toBe(403);
    }
    const anonymous = await get(host, '/audit', { redirect: 'manual' });
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.get('location')).toMatch(/^\/login/);
  });

  it('pages newest first with a keyset cursor', async () => {
    const tenant = await createTestTenant();
    const host = `${tenant.id}.localhost`;
    const owner = await signedIn(tenant.id, 'owner');
    const { db } = await tenantContext(tenant.id);
    await db.insert(auditLog).values(Array.from({ length: 60 }, (_, index) => ({ action: `test.entry.${String(index).padStart(2, '0')}`, actor: 'pruebas' })));

    const first = await (await get(host, '/audit', { headers: { Cookie: owner.cookie } })).text();
    expect(first).toContain('test.entry.59');
    expect(first).toContain('test.entry.10');
    expect(first).not.toContain('test.entry.09');
    expect(first.indexOf('test.entry.59')).toBeLessThan(first.indexOf('test.entry.58'));
    const next = /href="(\/audit\?before=\d+)"/.exec(first)?.[1];
    expect(next).toBeDefined();

    const second = await get(host, next!, { headers: { Cookie: owner.cookie, 'HX-Request': 'true' } });
    const fragment = await second.text();
    expect(fragment).toContain('test.entry.09');
    expect(fragment).toContain('test.entry.00');
    expect(fragment).not.toContain('test.entry.10');
    expect(fragment).not.toContain('<html');
    expect(fragment).not.toMatch(/before=\d+/);

    expect((await get(host, '/audit?before=abc', { headers: { Cookie: owner.cookie } })).status).toBe(200);
  });
});
