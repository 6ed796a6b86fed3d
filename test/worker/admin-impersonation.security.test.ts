import { SELF } from 'cloudflare:test';
import { and, eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { createApiToken } from '../../src/auth/api-tokens';
import { sha256Hex } from '../../src/auth/crypto';
import { adminAuditLog, platformAdmins } from '../../src/db/central-schema';
import { auditLog, sessions, shareLinks } from '../../src/db/tenant-schema';
import { adminPost, adminSignedIn } from '../support/worker/admin';
import { documentsShop, insertInvoice } from '../support/worker/documents';
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
  it('share links made in a support session expire with it, even when the session just runs out', {
    timeout: 30_000,
  }, async () => {
    const shop = await documentsShop('owner');
    const invoice = await insertInvoice(shop.db, { branchId: shop.branch.id });
    const admin = await adminSignedIn();
    const started = await adminPost(`/admin/tenants/${shop.tenant.id}/impersonate`, {}, admin.cookie);
    const entered = await SELF.fetch(started.headers.get('location')!, { redirect: 'manual' });
    const cookie = `optiflow_session=${/optiflow_session=([^;]+)/.exec(entered.headers.get('set-cookie') ?? '')![1]}`;
    // The support session has two seconds left; the owner's own session is a normal one.
    await shop.db
      .update(sessions)
      .set({ expiresAt: sql`now() + interval '2 seconds'` })
      .where(eq(sessions.impersonatedBy, admin.admin.email));
    const [support] = await shop.db.select().from(sessions).where(eq(sessions.impersonatedBy, admin.admin.email));

    const share = async (sessionCookie: string) => {
      const response = await postForm(
        shop.host,
        `/invoices/${invoice.id}/share-links`,
        { days: '7' },
        {
          Cookie: sessionCookie,
        },
      );
      expect(response.status).toBe(200);
      return /\/share\/([A-Za-z0-9_-]{43})"/.exec(await response.text())![1]!;
    };
    const [bySupport, byOwner] = await Promise.all([share(cookie), share(shop.cookie)]);
    const linkOf = async (token: string) =>
      (
        await shop.db
          .select()
          .from(shareLinks)
          .where(eq(shareLinks.tokenHash, await sha256Hex(token)))
      )[0]!;
    // The support link ends with the session; the owner's keeps the 7 days asked for.
    expect((await linkOf(bySupport)).expiresAt.getTime()).toBe(support!.expiresAt.getTime());
    const owned = await linkOf(byOwner);
    expect((owned.expiresAt.getTime() - owned.createdAt.getTime()) / 86_400_000).toBeCloseTo(7, 3);
    expect((await get(shop.host, `/share/${bySupport}`)).status).toBe(200);

    await new Promise((resolve) => setTimeout(resolve, 2_500));
    // The session ran out without anyone leaving it: it no longer opens the shop, nor does its link.
    expect((await home(shop.host, cookie)).status).toBe(303);
    expect((await get(shop.host, `/share/${bySupport}`)).status).toBe(404);
    expect((await get(shop.host, `/share/${byOwner}`)).status).toBe(200);
  });
});
