import { and, desc, eq } from 'drizzle-orm';
import { SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { inviteAdmin, readTotpSecret } from '../../src/services/platform/accounts';
import { recordAdminAudit } from '../../src/services/platform/audit';
import { createAdminSession } from '../../src/services/platform/sessions';
import { base32Decode, hotp, timeStep } from '../../src/services/platform/totp';
import { adminAuditLog, adminSessions, adminTokens, platformAdmins } from '../../src/db/central-schema';
import { adminGet, adminPost, adminSignedIn, centralHost, createTestAdmin } from '../support/worker/admin';
import { createTestTenant, get, platform } from '../support/worker/helpers';

const password = 'una-clave-de-prueba';

/** A fresh client address per test, so the per-address login throttle of one test never touches another. */
function freshIp(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(3));
  return `10.${bytes[0]}.${bytes[1]}.${bytes[2]}`;
}

function adminCookie(response: Response): string {
  const match = /optiflow_admin=([^;]*)/.exec(response.headers.get('set-cookie') ?? '');
  if (!match?.[1]) throw new Error('no admin cookie set');
  return `optiflow_admin=${match[1]}`;
}

async function auditActions(adminId: string): Promise<string[]> {
  const { central } = await platform();
  const rows = await central
    .select({ action: adminAuditLog.action })
    .from(adminAuditLog)
    .where(eq(adminAuditLog.adminId, adminId))
    .orderBy(desc(adminAuditLog.id));
  return rows.map((row) => row.action);
}

async function login(email: string, pass: string, ip: string, next?: string) {
  return adminPost(`/admin/login${next ? `?next=${encodeURIComponent(next)}` : ''}`, { email, password: pass }, '', {
    'cf-connecting-ip': ip,
  });
}

/** The code of a time step for an admin's stored (encrypted) secret. */
async function codeFor(adminId: string, step: number): Promise<string> {
  const { central, encryptionKey } = await platform();
  const [admin] = await central.select().from(platformAdmins).where(eq(platformAdmins.id, adminId));
  const secret = await readTotpSecret(encryptionKey, admin!);
  return hotp(base32Decode(secret!)!, step);
}

/** An admin with TOTP enabled through the panel at the current step; returns the step used. */
async function adminWithTotp() {
  const signed = await adminSignedIn({ password });
  expect((await adminPost('/admin/account/totp/setup', {}, signed.cookie)).status).toBe(303);
  const step = timeStep(Date.now());
  const enabled = await adminPost(
    '/admin/account/totp/enable',
    { code: await codeFor(signed.admin.id, step) },
    signed.cookie,
  );
  expect(enabled.status).toBe(303);
  return { ...signed, step };
}

describe('admin routes without a session', () => {
  it('redirect to the login page (htmx: 401 + HX-Redirect)', async () => {
    for (const path of ['/admin', '/admin/account', '/admin/audit', '/admin/login/totp']) {
      const response = await adminGet(path, '');
      expect(response.status, path).toBe(303);
      expect(response.headers.get('location'), path).toMatch(/^\/admin\/login/);
    }
    for (const path of [
      '/admin/logout',
      '/admin/account/password',
      '/admin/account/totp/setup',
      '/admin/account/totp/enable',
      '/admin/account/totp/disable',
      '/admin/login/totp',
    ]) {
      const response = await adminPost(path, {}, '');
      expect(response.status, path).toBe(303);
      expect(response.headers.get('location'), path).toMatch(/^\/admin\/login/);
    }
    const htmx = await adminGet('/admin/audit', '', { 'HX-Request': 'true' });
    expect(htmx.status).toBe(401);
    expect(htmx.headers.get('HX-Redirect')).toBe('/admin/login?next=%2Fadmin%2Faudit');
    expect((await adminGet('/admin/account', 'optiflow_admin=forged-token')).status).toBe(303);
  });

  it('work with a session', async () => {
    const { cookie } = await adminSignedIn();
    for (const path of ['/admin', '/admin/account', '/admin/audit'])
      expect((await adminGet(path, cookie)).status, path).toBe(200);
  });

  it('nothing of /admin answers on a tenant host', async () => {
    const tenant = await createTestTenant();
    const { cookie } = await adminSignedIn();
    const host = `${tenant.id}.${centralHost}`;
    for (const path of [
      '/admin',
      '/admin/login',
      '/admin/audit',
      '/admin/account',
      '/admin/set-password?token=x',
      '/admin/go?shop=acme',
    ]) {
      expect((await get(host, path, { headers: { Cookie: cookie }, redirect: 'manual' })).status, path).toBe(404);
    }
    const post = await SELF.fetch(`http://${host}/admin/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: `http://${host}` },
      body: 'email=a%40b.c&password=x',
    });
    expect(post.status).toBe(404);
  });
});

describe('set-password link', () => {
  it('sets the first password once, activates the admin and is audited', async () => {
    const { central } = await platform();
    const email = `Nueva-${crypto.randomUUID().slice(0, 8)}@OptiFlow.test`;
    const { admin, token } = await inviteAdmin(central, { email, name: 'Nueva' });
    expect(admin.email).toBe(email.toLowerCase());
    expect(admin.status).toBe('invited');
    const [stored] = await central.select().from(adminTokens).where(eq(adminTokens.adminId, admin.id));
    expect(stored!.tokenHash).not.toContain(token);

    const page = await adminGet(`/admin/set-password?token=${token}`, '');
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(admin.email);

    // Too short (12 minimum) and mismatched: 422, nothing changed, the link still works.
    const short = await adminPost(
      `/admin/set-password?token=${token}`,
      { password: 'corta-11car', confirm: 'corta-11car' },
      '',
    );
    expect(short.status).toBe(422);
    expect(await short.text()).toContain('entre 12 y 200');
    const mismatch = await adminPost(
      `/admin/set-password?token=${token}`,
      { password: 'una-clave-larga-1', confirm: 'otra-clave-larga' },
      '',
    );
    expect(mismatch.status).toBe(422);
    const [unchanged] = await central.select().from(platformAdmins).where(eq(platformAdmins.id, admin.id));
    expect(unchanged!.passwordHash).toBeNull();

    const done = await adminPost(
      `/admin/set-password?token=${token}`,
      { password: 'una-clave-larga-1', confirm: 'una-clave-larga-1' },
      '',
    );
    expect(done.status).toBe(303);
    expect(done.headers.get('location')).toBe('/admin/login?password_set=1');
    const [active] = await central.select().from(platformAdmins).where(eq(platformAdmins.id, admin.id));
    expect(active!.status).toBe('active');

    // Single use.
    expect((await adminGet(`/admin/set-password?token=${token}`, '')).status).toBe(404);
    const again = await adminPost(
      `/admin/set-password?token=${token}`,
      { password: 'otra-clave-larga', confirm: 'otra-clave-larga' },
      '',
    );
    expect(again.status).toBe(404);
    expect(await again.text()).toContain('ya se usó o venció');

    const ok = await login(admin.email, 'una-clave-larga-1', freshIp());
    expect(ok.status).toBe(303);
    expect(await auditActions(admin.id)).toContain('admin.password_set');
  });

  it('refuses an expired or unknown link', async () => {
    const { central } = await platform();
    const { admin, token } = await inviteAdmin(central, {
      email: `exp-${crypto.randomUUID().slice(0, 8)}@optiflow.test`,
      name: 'Exp',
    });
    await central
      .update(adminTokens)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(adminTokens.adminId, admin.id));
    expect((await adminGet(`/admin/set-password?token=${token}`, '')).status).toBe(404);
    const post = await adminPost(
      `/admin/set-password?token=${token}`,
      { password: 'una-clave-larga-1', confirm: 'una-clave-larga-1' },
      '',
    );
    expect(post.status).toBe(404);
    const [still] = await central.select().from(platformAdmins).where(eq(platformAdmins.id, admin.id));
    expect(still!.status).toBe('invited');
    expect((await adminGet('/admin/set-password?token=nope', '')).status).toBe(404);
    expect((await adminGet('/admin/set-password', '')).status).toBe(404);
  });

  it('refuses a second admin with the same email', async () => {
    const { central } = await platform();
    const email = `dup-${crypto.randomUUID().slice(0, 8)}@optiflow.test`;
    await inviteAdmin(central, { email, name: 'A' });
    await expect(inviteAdmin(central, { email: email.toUpperCase(), name: 'B' })).rejects.toThrow(/already exists/);
  });
});

describe('login', () => {
  it('signs in, sets the cookie, redirects to a local /admin path only, and is audited', async () => {
    const admin = await createTestAdmin({ password });
    const response = await login(admin.email, password, freshIp(), '/admin/audit');
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/admin/audit');
    const setCookie = response.headers.get('set-cookie')!;
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    const cookie = adminCookie(response);
    const home = await adminGet('/admin', cookie);
    expect(home.status).toBe(200);
    expect(await home.text()).toContain(admin.email);
    expect(await auditActions(admin.id)).toContain('admin.login');

    for (const next of ['//evil.example/admin', 'https://evil.example/', '/contacts']) {
      const other = await login(admin.email, password, freshIp(), next);
      expect(other.headers.get('location'), next).toBe('/admin');
    }
    // Signed in already: the login page sends on.
    expect((await adminGet('/admin/login', cookie)).status).toBe(303);
  });

  it('fails with the same message whether the account exists or not; bad input is 422', async () => {
    const admin = await createTestAdmin({ password });
    const ip = freshIp();
    const wrong = await login(admin.email, 'not-the-password', ip);
    const unknown = await login(`nadie-${crypto.randomUUID().slice(0, 6)}@optiflow.test`, 'not-the-password', ip);
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    const wrongText = await wrong.text();
    expect(wrongText).toContain('El correo o la contraseña no son correctos.');
    expect(await unknown.text()).toContain('El correo o la contraseña no son correctos.');
    expect(wrong.headers.get('set-cookie')).toBeNull();
    expect(await auditActions(admin.id)).toContain('admin.login_failed');

    const invalid = await adminPost('/admin/login', { email: 'no-es-correo', password: '' }, '', {
      'cf-connecting-ip': ip,
    });
    expect(invalid.status).toBe(422);
    const text = await invalid.text();
    expect(text).toContain('Escriba un correo electrónico válido.');
    expect(text).toContain('Este campo es obligatorio.');

    const invited = await createTestAdmin({ password, status: 'invited' });
    expect((await login(invited.email, password, ip)).status).toBe(401);
    const disabled = await createTestAdmin({ password, status: 'disabled' });
    expect((await login(disabled.email, password, ip)).status).toBe(401);
  });

  it('throttles 5 failures per account and address, and 30 per address', async () => {
    const admin = await createTestAdmin({ password });
    const ip = freshIp();
    for (let i = 0; i < 5; i++) expect((await login(admin.email, `wrong-${i}-password`, ip)).status).toBe(401);
    const blocked = await login(admin.email, password, ip);
    expect(blocked.status).toBe(429);
    expect(blocked.headers.get('retry-after')).toBe('900');
    expect(await blocked.text()).toContain('Demasiados intentos fallidos');
    // Another address is not blocked for this account.
    expect((await login(admin.email, password, freshIp())).status).toBe(303);

    const { central } = await platform();
    const sprayIp = freshIp();
    const { adminLoginAttempts } = await import('../../src/db/central-schema');
    await central.insert(adminLoginAttempts).values(
      Array.from({ length: 30 }, (_, i) => ({
        account: `spray-${i}@optiflow.test`,
        ipAddress: sprayIp,
        succeeded: false,
      })),
    );
    const other = await createTestAdmin({ password });
    expect((await login(other.email, password, sprayIp)).status).toBe(429);
  });

  it('logout ends the session and is audited', async () => {
    const { admin, cookie } = await adminSignedIn();
    const response = await adminPost('/admin/logout', {}, cookie);
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/admin/login?logged_out=1');
    expect((await adminGet('/admin', cookie)).status).toBe(303);
    expect(await auditActions(admin.id)).toContain('admin.logout');
  });

  it('refuses a POST from another origin (CSRF)', async () => {
    const { cookie } = await adminSignedIn();
    const response = await adminPost('/admin/logout', {}, cookie, { Origin: 'http://evil.example' });
    expect(response.status).toBe(403);
    expect((await adminGet('/admin', cookie)).status).toBe(200);
  });
});

describe('account', () => {
  it('changes the password with the current one, ends the other sessions, is audited', async () => {
    const { admin, cookie } = await adminSignedIn({ password });
    const { central } = await platform();
    const other = await createAdminSession(central, { adminId: admin.id, verified: true });
    const wrong = await adminPost(
      '/admin/account/password',
      { current: 'no-es-la-actual', password: 'clave-nueva-larga', confirm: 'clave-nueva-larga' },
      cookie,
    );
    expect(wrong.status).toBe(422);
    expect(await wrong.text()).toContain('La contraseña actual no es correcta.');
    const short = await adminPost(
      '/admin/account/password',
      { current: password, password: 'corta', confirm: 'corta' },
      cookie,
    );
    expect(short.status).toBe(422);
    expect((await adminGet('/admin', `optiflow_admin=${other.token}`)).status).toBe(200);

    const done = await adminPost(
      '/admin/account/password',
      { current: password, password: 'clave-nueva-larga', confirm: 'clave-nueva-larga' },
      cookie,
    );
    expect(done.status).toBe(200);
    expect(await done.text()).toContain('Contraseña cambiada');
    expect((await adminGet('/admin', cookie)).status).toBe(200);
    expect((await adminGet('/admin', `optiflow_admin=${other.token}`)).status).toBe(303);
    expect((await login(admin.email, 'clave-nueva-larga', freshIp())).status).toBe(303);
    expect(await auditActions(admin.id)).toContain('admin.password_changed');
  });

  it('enrols TOTP: QR and key shown, stored encrypted, enabled only after a correct code', async () => {
    const { admin, cookie } = await adminSignedIn({ password });
    expect((await adminPost('/admin/account/totp/setup', {}, cookie)).status).toBe(303);
    const page = await (await adminGet('/admin/account', cookie)).text();
    expect(page).toContain('data:image/svg+xml;base64,');
    expect(page).toMatch(/otpauth:\/\/totp\/OptiFlow:/);
    const { central } = await platform();
    const [row] = await central.select().from(platformAdmins).where(eq(platformAdmins.id, admin.id));
    const secret = await readTotpSecret((await platform()).encryptionKey, row!);
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(row!.totpSecret).not.toContain(secret!);
    expect(page).toContain(secret!);
    expect(row!.totpEnabledAt).toBeNull();

    const wrong = await adminPost(
      '/admin/account/totp/enable',
      { code: '000000' === (await codeFor(admin.id, timeStep(Date.now()))) ? '111111' : '000000' },
      cookie,
    );
    expect(wrong.status).toBe(422);
    const badFormat = await adminPost('/admin/account/totp/enable', { code: '12ab' }, cookie);
    expect(badFormat.status).toBe(422);
    expect(await badFormat.text()).toContain('El código tiene 6 dígitos.');
    const [still] = await central.select().from(platformAdmins).where(eq(platformAdmins.id, admin.id));
    expect(still!.totpEnabledAt).toBeNull();

    const enabled = await adminPost(
      '/admin/account/totp/enable',
      { code: await codeFor(admin.id, timeStep(Date.now())) },
      cookie,
    );
    expect(enabled.status).toBe(303);
    const [on] = await central.select().from(platformAdmins).where(eq(platformAdmins.id, admin.id));
    expect(on!.totpEnabledAt).not.toBeNull();
    expect(await auditActions(admin.id)).toEqual(
      expect.arrayContaining(['admin.totp_setup_started', 'admin.totp_enabled']),
    );
    // A second setup cannot replace the active secret.
    expect((await adminPost('/admin/account/totp/setup', {}, cookie)).status).toBe(409);
  });

  it('asks for the code at login; a code is accepted once; the pending session opens nothing else', async () => {
    const { admin, step } = await adminWithTotp();
    const first = await login(admin.email, password, freshIp(), '/admin/audit');
    expect(first.status).toBe(303);
    expect(first.headers.get('location')).toBe('/admin/login/totp?next=%2Fadmin%2Faudit');
    const pending = adminCookie(first);
    expect((await adminGet('/admin', pending)).headers.get('location')).toBe('/admin/login/totp');
    expect((await adminGet('/admin/login/totp', pending)).status).toBe(200);

    // The code already used to enable TOTP is refused.
    const reused = await adminPost('/admin/login/totp', { code: await codeFor(admin.id, step) }, pending);
    expect(reused.status).toBe(401);
    expect(await reused.text()).toContain('El código no es correcto o ya se usó.');

    const code = await codeFor(admin.id, step + 1);
    const ok = await adminPost('/admin/login/totp?next=%2Fadmin%2Faudit', { code }, pending);
    expect(ok.status).toBe(303);
    expect(ok.headers.get('location')).toBe('/admin/audit');
    expect((await adminGet('/admin', pending)).status).toBe(200);
    expect(await auditActions(admin.id)).toEqual(expect.arrayContaining(['admin.login', 'admin.login_totp_failed']));

    // Same code in a new login: refused.
    const second = adminCookie(await login(admin.email, password, freshIp()));
    expect((await adminPost('/admin/login/totp', { code }, second)).status).toBe(401);
    expect((await adminGet('/admin', second)).status).toBe(303);
  });

  it('ends the half-signed-in session after 5 wrong codes', async () => {
    const { admin, step } = await adminWithTotp();
    const pending = adminCookie(await login(admin.email, password, freshIp()));
    const valid = new Set(await Promise.all([step - 1, step, step + 1, step + 2].map((s) => codeFor(admin.id, s))));
    const wrongCodes = ['000000', '111111', '222222', '333333', '444444', '555555', '666666'].filter(
      (code) => !valid.has(code),
    );
    for (let i = 0; i < 4; i++)
      expect((await adminPost('/admin/login/totp', { code: wrongCodes[i]! }, pending)).status).toBe(401);
    const last = await adminPost('/admin/login/totp', { code: wrongCodes[4]! }, pending);
    expect(last.status).toBe(303);
    expect(last.headers.get('location')).toBe('/admin/login?locked=1');
    const { central } = await platform();
    const sessions = await central
      .select()
      .from(adminSessions)
      .where(and(eq(adminSessions.adminId, admin.id)));
    // Only the session that enabled TOTP is left.
    expect(sessions).toHaveLength(1);
    const after = await adminPost(
      '/admin/login/totp',
      { code: await codeFor(admin.id, timeStep(Date.now()) + 1) },
      pending,
    );
    expect(after.status).toBe(303);
    expect(after.headers.get('location')).toMatch(/^\/admin\/login(\?|$)/);
  });

  it('disables TOTP with password and a fresh code', async () => {
    const { admin, cookie, step } = await adminWithTotp();
    const noPassword = await adminPost(
      '/admin/account/totp/disable',
      { password: 'no-es-la-clave', code: await codeFor(admin.id, step + 1) },
      cookie,
    );
    expect(noPassword.status).toBe(422);
    const missing = await adminPost('/admin/account/totp/disable', {}, cookie);
    expect(missing.status).toBe(422);
    const reused = await adminPost(
      '/admin/account/totp/disable',
      { password, code: await codeFor(admin.id, step) },
      cookie,
    );
    expect(reused.status).toBe(422);
    const done = await adminPost(
      '/admin/account/totp/disable',
      { password, code: await codeFor(admin.id, step + 1) },
      cookie,
    );
    expect(done.status).toBe(303);
    const { central } = await platform();
    const [row] = await central.select().from(platformAdmins).where(eq(platformAdmins.id, admin.id));
    expect(row!.totpEnabledAt).toBeNull();
    expect(row!.totpSecret).toBeNull();
    expect(await auditActions(admin.id)).toContain('admin.totp_disabled');
    expect((await login(admin.email, password, freshIp())).headers.get('location')).toBe('/admin');
  });
});

describe('audit log page and dashboard', () => {
  it('lists newest first with keyset pages, filters by tenant and admin, dates in Santo Domingo time', async () => {
    const { admin, cookie } = await adminSignedIn();
    const { central } = await platform();
    const tenantId = `aud${crypto.randomUUID().replace(/-/g, '').slice(0, 10)}`;
    for (let i = 0; i < 55; i++)
      await recordAdminAudit(central, { admin, action: `test.action_${i}`, tenantId, details: { i } });
    const other = await createTestAdmin();
    await recordAdminAudit(central, { admin: other, action: 'test.other_admin', tenantId });

    const first = await adminGet(`/admin/audit?tenant=${tenantId}&admin=${admin.id}`, cookie);
    expect(first.status).toBe(200);
    const html = await first.text();
    expect(html).toContain('Test action 54');
    expect(html).not.toContain('Test other admin');
    expect(html.indexOf('Test action 54')).toBeLessThan(html.indexOf('Test action 53'));
    expect(html).not.toContain('Test action 4<');
    expect(html).toMatch(/\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}/);
    const nextHref = /href="(\/admin\/audit\?[^"]*cursor=[\w-]+)"/.exec(html)?.[1]?.replace(/&amp;/g, '&');
    expect(nextHref).toBeDefined();
    const second = await (await adminGet(nextHref!, cookie)).text();
    expect(second).toContain('Test action 4<');
    expect(second).toContain('Test action 0<');
    expect(second).not.toContain('Test action 5<');

    const byTenant = await (await adminGet(`/admin/audit?tenant=${tenantId}`, cookie)).text();
    expect(byTenant).toContain('Test other admin');
    const fragment = await adminGet(nextHref!, cookie, { 'HX-Request': 'true' });
    expect(await fragment.text()).not.toContain('<html');

    const bad = await adminGet('/admin/audit?tenant=No%20Valido!', cookie);
    expect(bad.status).toBe(422);
    expect(await bad.text()).toContain('Escriba un id de óptica válido.');
    const badAdmin = await adminGet('/admin/audit?admin=nope', cookie);
    expect(badAdmin.status).toBe(422);
    expect(await badAdmin.text()).toContain('Elija un administrador de la lista.');
  });

  it('the dashboard shows tenants by status and recent activity', async () => {
    await createTestTenant();
    const { cookie } = await adminSignedIn();
    const html = await (await adminGet('/admin', cookie)).text();
    expect(html).toContain('Ópticas por estado');
    expect(html).toContain('Activas');
    expect(html).toContain('/admin/audit');
  });
});

describe('central landing page', () => {
  it('describes the product in Spanish with a shop address form and an admin link', async () => {
    const response = await get(centralHost, '/');
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('lang="es-DO"');
    for (const text of ['Pacientes y recetas', 'NCF', '607', '608', 'Entrar a su óptica']) expect(html).toContain(text);
    expect(html).toContain('action="/admin/go"');
    expect(html).toContain('name="shop"');
    expect(html).toContain('href="/admin/login"');
  });

  it('sends a valid shop address to its login page, refuses an invalid one with 422', async () => {
    const ok = await get(centralHost, '/admin/go?shop=%20Acme%20', { redirect: 'manual' });
    expect(ok.status).toBe(303);
    expect(ok.headers.get('location')).toBe(`http://acme.${centralHost}/login`);
    for (const shop of ['', 'no_valida', '-acme', 'a.b', 'x'.repeat(70)]) {
      const bad = await get(centralHost, `/admin/go?shop=${encodeURIComponent(shop)}`, { redirect: 'manual' });
      expect(bad.status, shop).toBe(422);
      expect(await bad.text()).toContain('Escriba una dirección válida');
    }
  });
});
