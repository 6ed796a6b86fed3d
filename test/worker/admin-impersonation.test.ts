import { SELF } from 'cloudflare:test';
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { impersonationSigningKey, issueImpersonationToken } from '../../src/services/platform/impersonation';
import { base64url, fromBase64url, randomToken } from '../../src/auth/crypto';
import { adminAuditLog, impersonationTokens } from '../../src/db/central-schema';
import { auditLog, sessions } from '../../src/db/tenant-schema';
import { suspendTenant } from '../../src/tenancy/lifecycle';
import { adminPost, adminSignedIn, centralHost } from '../support/worker/admin';
import { createTestTenant, get, platform, postForm, signedIn, tenantContext, testEnv } from '../support/worker/helpers';

/** A tenant with an active owner, and a signed-in admin. */
async function setup() {
  const tenant = await createTestTenant();
  const owner = await signedIn(tenant.id, 'owner');
  const admin = await adminSignedIn();
  return { tenantId: tenant.id, host: `${tenant.id}.localhost`, owner, admin };
}

async function issue(tenantId: string, adminId: string, ttlSeconds?: number) {
  const key = await impersonationSigningKey(testEnv.ENCRYPTION_KEY);
  return (await issueImpersonationToken((await platform()).central, key, { adminId, tenantId, ttlSeconds })).token;
}

function enter(host: string, token: string) {
  return SELF.fetch(`http://${host}/support/enter?token=${encodeURIComponent(token)}`, { redirect: 'manual' });
}

async function supportSessions(tenantId: string): Promise<number> {
  const { db } = await tenantContext(tenantId);
  const rows = await db.select().from(sessions);
  return rows.filter((row) => row.impersonatedBy !== null).length;
}

function sessionCookie(response: Response): string {
  const match = /optiflow_session=([^;]+)/.exec(response.headers.get('set-cookie') ?? '');
  if (!match) throw new Error('no session cookie');
  return `optiflow_session=${match[1]}`;
}

async function centralAudit(tenantId: string) {
  return (await platform()).central.select().from(adminAuditLog).where(eq(adminAuditLog.tenantId, tenantId));
}

describe('impersonation (support access)', () => {
  it('opens the shop as its owner with a banner, and leaving ends the session; both audit logs written', async () => {
    const { tenantId, host, owner, admin } = await setup();
    const started = await adminPost(`/admin/tenants/${tenantId}/impersonate`, {}, admin.cookie);
    expect(started.status).toBe(303);
    const location = started.headers.get('location')!;
    expect(location).toMatch(new RegExp(`^http://${host}/support/enter\\?token=`));

    const entered = await SELF.fetch(location, { redirect: 'manual' });
    expect(entered.status).toBe(303);
    expect(entered.headers.get('location')).toBe('/');
    const cookie = sessionCookie(entered);

    const home = await get(host, '/', { headers: { Cookie: cookie } });
    expect(home.status).toBe(200);
    const html = await home.text();
    expect(html).toContain('Sesión de soporte de OptiFlow');
    expect(html).toContain(admin.admin.email);
    expect(html).toContain('/support/leave');

    const { db } = await tenantContext(tenantId);
    const [session] = await db.select().from(sessions).where(eq(sessions.impersonatedBy, admin.admin.email));
    expect(session?.userId).toBe(owner.user.id);

    const left = await postForm(host, '/support/leave', {}, { Cookie: cookie });
    expect(left.status).toBe(303);
    expect(left.headers.get('location')).toBe(`http://${centralHost}/admin/tenants/${tenantId}`);
    expect(left.headers.get('set-cookie')).toMatch(/optiflow_session=;/);
    expect(await supportSessions(tenantId)).toBe(0);
    const after = await get(host, '/', { headers: { Cookie: cookie }, redirect: 'manual' });
    expect(after.status).toBe(303);
    expect(after.headers.get('location')).toMatch(/^\/login/);

    const shopLines = await db.select().from(auditLog);
    expect(shopLines.map((line) => line.action).sort()).toEqual(['support.session.end', 'support.session.start']);
    expect(shopLines.every((line) => line.actor === `OptiFlow soporte: ${admin.admin.email}`)).toBe(true);

    const lines = await centralAudit(tenantId);
    expect(lines.map((line) => line.action).sort()).toEqual([
      'tenant.impersonate',
      'tenant.impersonate.enter',
      'tenant.impersonate.leave',
    ]);
    expect(lines.every((line) => line.adminId === admin.admin.id && line.adminEmail === admin.admin.email)).toBe(true);
  });

  it('stores only the hash of the nonce, expiring 60 seconds after issue', async () => {
    const { tenantId, admin } = await setup();
    const started = await adminPost(`/admin/tenants/${tenantId}/impersonate`, {}, admin.cookie);
    const token = new URL(started.headers.get('location')!).searchParams.get('token')!;
    const payload = JSON.parse(new TextDecoder().decode(fromBase64url(token.split('.')[0]!)));
    const [row] = await (await platform()).central
      .select()
      .from(impersonationTokens)
      .where(eq(impersonationTokens.tenantId, tenantId));
    expect(row!.adminId).toBe(admin.admin.id);
    expect(row!.tokenHash).not.toContain(payload.n);
    expect(token).not.toContain(row!.tokenHash);
    const seconds = (row!.expiresAt.getTime() - row!.createdAt.getTime()) / 1000;
    expect(seconds).toBeGreaterThan(55);
    expect(seconds).toBeLessThanOrEqual(61);
  });

  it('refuses an expired token', async () => {
    const { tenantId, host, admin } = await setup();
    const token = await issue(tenantId, admin.admin.id, -5);
    expect((await enter(host, token)).status).toBe(404);
    expect(await supportSessions(tenantId)).toBe(0);
  });

  it('refuses a token used a second time', async () => {
    const { tenantId, host, admin } = await setup();
    const token = await issue(tenantId, admin.admin.id);
    expect((await enter(host, token)).status).toBe(303);
    const again = await enter(host, token);
    expect(again.status).toBe(404);
    expect(again.headers.get('set-cookie')).toBeNull();
    expect(await supportSessions(tenantId)).toBe(1);
  });

  it('refuses forged tokens: altered payload, wrong signature, random strings', async () => {
    const { tenantId, host, admin } = await setup();
    const token = await issue(tenantId, admin.admin.id);
    const [encoded, signature] = token.split('.') as [string, string];
    const payload = JSON.parse(new TextDecoder().decode(fromBase64url(encoded)));
    const longer = base64url(new TextEncoder().encode(JSON.stringify({ ...payload, e: payload.e + 3600 })));
    const otherKey = await crypto.subtle.importKey(
      'raw',
      crypto.getRandomValues(new Uint8Array(32)),
      { name: 'HMAC', hash: 'SHA-256' },
      false,
      ['sign'],
    );
    const wrongSignature = base64url(
      new Uint8Array(await crypto.subtle.sign('HMAC', otherKey, new TextEncoder().encode(encoded))),
    );
    const forged = [
      `${longer}.${signature}`,
      `${encoded}.${wrongSignature}`,
      `${encoded}.${randomToken()}`,
      `${encoded}.`,
      encoded,
      randomToken(),
      `${randomToken()}.${randomToken()}`,
      'not a token!',
      `${token}.x`,
    ];
    for (const candidate of forged) {
      const response = await enter(host, candidate);
      expect(response.status, candidate).toBe(404);
      expect(response.headers.get('set-cookie'), candidate).toBeNull();
    }
    expect((await SELF.fetch(`http://${host}/support/enter`, { redirect: 'manual' })).status).toBe(404);
    expect(await supportSessions(tenantId)).toBe(0);
    // None of that consumed the genuine token.
    expect((await enter(host, token)).status).toBe(303);
  });

  it("refuses a token on another tenant's host, and a payload re-pointed at it", async () => {
    const a = await setup();
    const b = await setup();
    const token = await issue(a.tenantId, a.admin.admin.id);
    expect((await enter(b.host, token)).status).toBe(404);
    const [encoded, signature] = token.split('.') as [string, string];
    const payload = JSON.parse(new TextDecoder().decode(fromBase64url(encoded)));
    const repointed = base64url(new TextEncoder().encode(JSON.stringify({ ...payload, t: b.tenantId })));
    expect((await enter(b.host, `${repointed}.${signature}`)).status).toBe(404);
    expect(await supportSessions(b.tenantId)).toBe(0);
    expect(await supportSessions(a.tenantId)).toBe(0);
    expect((await enter(a.host, token)).status).toBe(303);
  });

  it('refuses to impersonate a suspended tenant or one without an active owner', async () => {
    const { tenantId, admin } = await setup();
    await suspendTenant(await platform(), tenantId, 'Pago pendiente');
    const refused = await adminPost(`/admin/tenants/${tenantId}/impersonate`, {}, admin.cookie);
    expect(refused.status).toBe(409);
    expect(await refused.text()).toContain('activa');

    const ownerless = await createTestTenant();
    const noOwner = await adminPost(`/admin/tenants/${ownerless.id}/impersonate`, {}, admin.cookie);
    expect(noOwner.status).toBe(409);

    expect((await adminPost('/admin/tenants/no-such-tenant-x/impersonate', {}, admin.cookie)).status).toBe(404);

    const { central } = await platform();
    for (const id of [tenantId, ownerless.id]) {
      expect(await central.select().from(impersonationTokens).where(eq(impersonationTokens.tenantId, id))).toEqual([]);
      expect(
        await central
          .select()
          .from(adminAuditLog)
          .where(and(eq(adminAuditLog.tenantId, id), eq(adminAuditLog.action, 'tenant.impersonate'))),
      ).toEqual([]);
    }
  });

  it('answers the login redirect without an admin session and nothing on a tenant host', async () => {
    const { tenantId, host, owner } = await setup();
    const anonymous = await adminPost(`/admin/tenants/${tenantId}/impersonate`, {}, '');
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.get('location')).toMatch(/^\/admin\/login/);
    const onShop = await postForm(host, `/admin/tenants/${tenantId}/impersonate`, {}, { Cookie: owner.cookie });
    expect(onShop.status).toBe(404);
    expect(await supportSessions(tenantId)).toBe(0);
  });

  it('leaving is only for a support session', async () => {
    const { host, owner } = await setup();
    const response = await postForm(host, '/support/leave', {}, { Cookie: owner.cookie });
    expect(response.status).toBe(409);
    expect((await get(host, '/', { headers: { Cookie: owner.cookie }, redirect: 'manual' })).status).toBe(200);
    const anonymous = await postForm(host, '/support/leave', {});
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.get('location')).toMatch(/^\/login/);
  });
});
