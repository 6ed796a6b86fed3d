import { SELF } from 'cloudflare:test';
import { and, eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { createApiToken } from '../../src/auth/api-tokens';
import { adminAuditLog, platformAdmins } from '../../src/db/central-schema';
import { auditLog, sessions } from '../../src/db/tenant-schema';
import { adminPost, adminSignedIn } from '../support/worker/admin';
import { createTestTenant, get, platform, postForm, signedIn, tenantContext } from '../support/worker/helpers';

/** A shop with an owner, and an admin's browser inside it through "Abrir como dueño". */
async function supportSession() {
  const tenant = await createTestTenant();
  const host = `${tenant.id}.localhost`;
  const owner = await signedIn(tenant.id, 'owner', { password: 'clave-del-dueno-1' });
  const admin = await adminSignedIn();
  const started = await adminPost(`/admin/tenants/${tenant.id}/impersonate`, {}, admin.cookie);
  expect(started.status).toBe(303);
  const entered = await SELF.fetch(started.headers.get('location')!, { redirect: 'manual' });
  expect(entered.status).toBe(303);
  const match = /optiflow_session=([^;]+)/.exec(entered.headers.get('set-cookie') ?? '');
  return {
    tenantId: tenant.id,
    host,
    owner,
    admin,
    cookie: `optiflow_session=${match![1]}`,
    setCookie: entered.headers.get('set-cookie')!,
  };
}

const home = (host: string, cookie: string) => get(host, '/', { headers: { Cookie: cookie }, redirect: 'manual' });

describe('support sessions', () => {
  it('last one hour at most', async () => {
    const { tenantId, admin, setCookie } = await supportSession();
    const { db } = await tenantContext(tenantId);
    const [row] = await db.select().from(sessions).where(eq(sessions.impersonatedBy, admin.admin.email));
    const lifetime = row!.expiresAt.getTime() - row!.createdAt.getTime();
    expect(lifetime).toBeLessThanOrEqual(3600_000 + 5_000);
    const expires = Date.parse(/Expires=([^;]+)/i.exec(setCookie)![1]!);
    expect(expires - Date.now()).toBeLessThanOrEqual(3600_000 + 5_000);
  });

  it('end at once when the admin is disabled', async () => {
    const { host, cookie, admin, tenantId } = await supportSession();
    expect((await home(host, cookie)).status).toBe(200);
    const { central } = await platform();
    await central.update(platformAdmins).set({ status: 'disabled' }).where(eq(platformAdmins.id, admin.admin.id));
    const after = await home(host, cookie);
    expect(after.status).toBe(303);
    expect(after.headers.get('location')).toMatch(/^\/login/);
    const { db } = await tenantContext(tenantId);
    expect(await db.select().from(sessions).where(eq(sessions.impersonatedBy, admin.admin.email))).toHaveLength(0);
  });

  it('cannot create API tokens, invite users, issue set-password links or change the password (403, clear message)', async () => {
    const { host, cookie, tenantId, owner } = await supportSession();
    const { db } = await tenantContext(tenantId);
    const invited = await signedIn(tenantId, 'ventas');
    await db.execute(sql`UPDATE users SET status = 'invited' WHERE id = ${invited.user.id}`);
    const attempts: Array<[string, Record<string, string>]> = [
      ['/api-tokens', { name: 'Soporte', scope: 'read_write' }],
      ['/users', { email: 'nuevo@example.test', name: 'Nuevo', role: 'admin' }],
      [`/users/${invited.user.id}/link`, {}],
      [
        '/account/password',
        { current: 'clave-del-dueno-1', password: 'otra-clave-larga-2', confirm: 'otra-clave-larga-2' },
      ],
    ];
    const page = await (await get(host, '/api-tokens', { headers: { Cookie: cookie } })).text();
    expect(page).toContain('no está permitido en una sesión de soporte');
    expect(page).not.toContain('action="/api-tokens"');
    for (const [path, fields] of attempts) {
      const response = await postForm(host, path, fields, { Cookie: cookie });
      expect(response.status, path).toBe(403);
      expect(await response.text(), path).toContain('no está permitido en una sesión de soporte');
    }
    const tokens = await db.execute<{ n: number }>(
      sql`SELECT count(*)::int AS n FROM api_tokens WHERE name = 'Soporte'`,
    );
    expect(tokens.rows[0]!.n).toBe(0);
    expect(
      (await db.execute<{ n: number }>(sql`SELECT count(*)::int AS n FROM users WHERE email = 'nuevo@example.test'`))
        .rows[0]!.n,
    ).toBe(0);
    // The owner's password is unchanged.
    expect((await postForm(host, '/login', { email: owner.email, password: 'clave-del-dueno-1' })).status).toBe(303);
  });

  it('writes every state-changing request in the shop’s audit log and the central one', async () => {
    const { host, cookie, tenantId, admin } = await supportSession();
    const response = await postForm(
      host,
      '/contacts',
      { name: 'Paciente de soporte', kind: 'person' },
      { Cookie: cookie },
    );
    expect(response.status).toBeLessThan(500);
    const refused = await postForm(host, '/api-tokens', { name: 'X', scope: 'read' }, { Cookie: cookie });
    expect(refused.status).toBe(403);
    const { db } = await tenantContext(tenantId);
    const shop = await db.select().from(auditLog).where(eq(auditLog.action, 'support.request'));
    expect(shop.map((line) => line.details)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ method: 'POST', path: '/contacts', status: response.status }),
        expect.objectContaining({ method: 'POST', path: '/api-tokens', status: 403 }),
      ]),
    );
    expect(shop.every((line) => line.actor === `OptiFlow soporte: ${admin.admin.email}`)).toBe(true);
    const { central } = await platform();
    const lines = await central
      .select()
      .from(adminAuditLog)
      .where(and(eq(adminAuditLog.tenantId, tenantId), eq(adminAuditLog.action, 'tenant.impersonate.request')));
    expect(lines.map((line) => line.details)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ method: 'POST', path: '/contacts' }),
        expect.objectContaining({ method: 'POST', path: '/api-tokens', status: 403 }),
      ]),
    );
    expect(lines.every((line) => line.adminId === admin.admin.id)).toBe(true);
  });

  it('leaving revokes what the session could have created (API tokens of the session)', async () => {
    const { host, cookie, tenantId, owner } = await supportSession();
    const { db } = await tenantContext(tenantId);
    // A token that reached the database during the session by any path.
    const during = await createApiToken(db, { name: 'durante soporte', scope: 'read_write', userId: owner.user.id });
    const api = (token: string) =>
      SELF.fetch(`http://${host}/api/v1/company`, { headers: { Authorization: `Bearer ${token}` } });
    expect((await api(during.token)).status).toBe(200);
    expect((await postForm(host, '/support/leave', {}, { Cookie: cookie })).status).toBe(303);
    expect((await api(during.token)).status).toBe(401);
    // The owner's token from before the session still works.
    expect((await api(owner.bearer.slice(7))).status).toBe(200);
  });
});
