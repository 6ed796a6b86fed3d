import { SELF } from 'cloudflare:test';
import { eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { sessions, users } from '../../src/db/tenant-schema';
import { issuePasswordLink } from '../../src/auth/users';
import { createTestTenant, get, postForm, signedIn, tenantContext } from '../support/worker/helpers';

const password = 'una-clave-larga-123';

function cookieFrom(response: Response): string | null {
  const header = response.headers.get('set-cookie');
  return header ? header.split(';')[0]! : null;
}

describe('login', () => {
  it('signs in with the right password and sets a host-only, HttpOnly, SameSite=Lax cookie', async () => {
    const tenant = await createTestTenant();
    const host = `${tenant.id}.localhost`;
    const { email } = await signedIn(tenant.id, 'ventas', { password });
    const response = await postForm(host, '/login?next=/account/password', { email: email.toUpperCase(), password });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe('/account/password');
    const setCookie = response.headers.get('set-cookie')!;
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    expect(setCookie).not.toMatch(/Domain=/i);
    const home = await get(host, '/', { headers: { Cookie: cookieFrom(response)! }, redirect: 'manual' });
    expect(home.status).toBe(200);
    expect(await home.text()).toContain('Hola, Usuario ventas');
  });

  it('answers the same for an unknown account and a wrong password, and writes a session for neither', async () => {
    const tenant = await createTestTenant();
    const host = `${tenant.id}.localhost`;
    const { email } = await signedIn(tenant.id, 'caja', { password });
    const wrong = await postForm(host, '/login', { email, password: 'otra-clave-mala' });
    const unknown = await postForm(host, '/login', { email: 'nadie@example.test', password });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    const [a, b] = [await wrong.text(), await unknown.text()];
    expect(a).toContain('Correo o contraseña incorrectos.');
    expect(b).toContain('Correo o contraseña incorrectos.');
    expect(wrong.headers.get('set-cookie')).toBeNull();
  });

  it('re-renders the form with field errors (422) for bad input', async () => {
    const tenant = await createTestTenant();
    const response = await postForm(`${tenant.id}.localhost`, '/login', { email: 'no-es-correo', password: '' });
    expect(response.status).toBe(422);
    const body = await response.text();
    expect(body).toContain('Escriba un correo electrónico válido.');
    expect(body).toContain('aria-invalid="true"');
    expect(body).toContain('value="no-es-correo"');
  });

  it('throttles repeated failures per account and address, even with the right password', async () => {
    const tenant = await createTestTenant();
    const host = `${tenant.id}.localhost`;
    const { email } = await signedIn(tenant.id, 'admin', { password });
    for (let i = 0; i < 5; i++)
      expect((await postForm(host, '/login', { email, password: `incorrecta-${i}` })).status).toBe(401);
    const blocked = await postForm(host, '/login', { email, password });
    expect(blocked.status).toBe(429);
    expect(await blocked.text()).toContain('Demasiados intentos fallidos');
    // Another address is not blocked.
    const elsewhere = await postForm(host, '/login', { email, password }, { 'CF-Connecting-IP': '203.0.113.9' });
    expect(elsewhere.status).toBe(303);
  });

  it('refuses a cross-site form post (CSRF)', async () => {
    const tenant = await createTestTenant();
    const { email } = await signedIn(tenant.id, 'admin', { password });
    const response = await postForm(
      `${tenant.id}.localhost`,
      '/login',
      { email, password },
      { Origin: 'http://evil.example' },
    );
    expect(response.status).toBe(403);
    expect(response.headers.get('set-cookie')).toBeNull();
  });

  it("never accepts one shop's session on another shop", async () => {
    const [a, b] = await Promise.all([createTestTenant(), createTestTenant()]);
    const { cookie } = await signedIn(a.id, 'owner');
    expect((await get(`${a.id}.localhost`, '/', { headers: { Cookie: cookie }, redirect: 'manual' })).status).toBe(200);
    const onB = await get(`${b.id}.localhost`, '/', { headers: { Cookie: cookie }, redirect: 'manual' });
    expect(onB.status).toBe(303);
    expect(onB.headers.get('location')).toBe('/login');
  });
});

describe('sessions', () => {
  it('stores only a hash of the session id', async () => {
    const tenant = await createTestTenant();
    const { token } = await signedIn(tenant.id, 'owner');
    const { db } = await tenantContext(tenant.id);
    const rows = await db.select().from(sessions);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.idHash).not.toContain(token);
    expect(rows[0]!.idHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('ends at logout, after the idle timeout, after the absolute limit, and when the user is disabled', async () => {
    const tenant = await createTestTenant();
    const host = `${tenant.id}.localhost`;
    const { db } = await tenantContext(tenant.id);
    const home = (cookie: string) => get(host, '/', { headers: { Cookie: cookie }, redirect: 'manual' });

    const idle = await signedIn(tenant.id, 'ventas');
    await db
      .update(sessions)
      .set({ lastSeenAt: sql`now() - interval '5 hours'` })
      .where(eq(sessions.userId, idle.user.id));
    expect((await home(idle.cookie)).status).toBe(303);

    const old = await signedIn(tenant.id, 'ventas');
    await db
      .update(sessions)
      .set({ expiresAt: sql`now() - interval '1 second'` })
      .where(eq(sessions.userId, old.user.id));
    expect((await home(old.cookie)).status).toBe(303);

    const disabled = await signedIn(tenant.id, 'caja');
    expect((await home(disabled.cookie)).status).toBe(200);
    await db.update(users).set({ status: 'disabled' }).where(eq(users.id, disabled.user.id));
    expect((await home(disabled.cookie)).status).toBe(303);

    const leaving = await signedIn(tenant.id, 'admin');
    const logout = await postForm(host, '/logout', {}, { Cookie: leaving.cookie });
    expect(logout.status).toBe(303);
    expect((await home(leaving.cookie)).status).toBe(303);
  });
});

describe('pruning', () => {
  it('removes expired and idle sessions and old login attempts, keeping live ones', async () => {
    const tenant = await createTestTenant();
    const { db } = await tenantContext(tenant.id);
    const { pruneAuthRecords } = await import('../../src/auth/session');
    const live = await signedIn(tenant.id, 'ventas');
    const expired = await signedIn(tenant.id, 'caja');
    const idle = await signedIn(tenant.id, 'admin');
    await db
      .update(sessions)
      .set({ expiresAt: sql`now() - interval '1 second'` })
      .where(eq(sessions.userId, expired.user.id));
    await db
      .update(sessions)
      .set({ lastSeenAt: sql`now() - interval '5 hours'` })
      .where(eq(sessions.userId, idle.user.id));
    await db.execute(sql`INSERT INTO login_attempts (account, ip_address, succeeded, created_at)
      VALUES ('old@example.test', 'x', false, now() - interval '1 hour'), ('new@example.test', 'x', false, now())`);

    expect(await pruneAuthRecords(db, 15)).toEqual({ sessions: 2, attempts: 1 });
    expect((await db.select().from(sessions)).map((row) => row.userId)).toEqual([live.user.id]);
    expect((await db.execute<{ account: string }>(sql`SELECT account FROM login_attempts`)).rows).toEqual([
      { account: 'new@example.test' },
    ]);
  });
});

describe('set-password links', () => {
  it('set the first password once; a used or expired link is refused', async () => {
    const tenant = await createTestTenant();
    const host = `${tenant.id}.localhost`;
    const { db } = await tenantContext(tenant.id);
    const link = await issuePasswordLink(db, { email: 'duena@example.test', name: 'Dueña', role: 'owner' });
    expect((await get(host, `/set-password/${link.token}`)).status).toBe(200);

    const mismatch = await postForm(host, `/set-password/${link.token}`, { password, confirm: `${password}x` });
    expect(mismatch.status).toBe(422);
    expect(await mismatch.text()).toContain('Las contraseñas no coinciden.');

    const done = await postForm(host, `/set-password/${link.token}`, { password, confirm: password });
    expect(done.status).toBe(303);
    expect(cookieFrom(done)).toMatch(/^optiflow_session=/);
    const again = await postForm(host, `/set-password/${link.token}`, {
      password: 'otra-clave-larga',
      confirm: 'otra-clave-larga',
    });
    expect(again.status).toBe(404);

    const login = await postForm(host, '/login', { email: 'duena@example.test', password });
    expect(login.status).toBe(303);

    const expired = await issuePasswordLink(db, { email: 'tarde@example.test', name: 'Tarde', role: 'caja' });
    await db.execute(
      sql`UPDATE user_tokens SET expires_at = now() - interval '1 minute' WHERE user_id = ${expired.userId}`,
    );
    expect((await get(host, `/set-password/${expired.token}`)).status).toBe(404);
  });

  it('works for exactly one of two racing requests', async () => {
    const tenant = await createTestTenant();
    const host = `${tenant.id}.localhost`;
    const { db } = await tenantContext(tenant.id);
    const link = await issuePasswordLink(db, { email: 'carrera@example.test', name: 'Carrera', role: 'ventas' });
    const results = await Promise.all([
      postForm(host, `/set-password/${link.token}`, { password: 'primera-clave-1', confirm: 'primera-clave-1' }),
      postForm(host, `/set-password/${link.token}`, { password: 'segunda-clave-2', confirm: 'segunda-clave-2' }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([303, 404]);
  });
});

describe('change password', () => {
  it('needs the current password and ends the other sessions', async () => {
    const tenant = await createTestTenant();
    const host = `${tenant.id}.localhost`;
    const me = await signedIn(tenant.id, 'optometrista', { password });
    const { db } = await tenantContext(tenant.id);
    const { createSession } = await import('../../src/auth/session');
    const other = await createSession(db, { userId: me.user.id });

    const wrong = await postForm(
      host,
      '/account/password',
      { current: 'no-es-esta-clave', password: 'nueva-clave-larga', confirm: 'nueva-clave-larga' },
      { Cookie: me.cookie },
    );
    expect(wrong.status).toBe(422);
    const ok = await postForm(
      host,
      '/account/password',
      { current: password, password: 'nueva-clave-larga', confirm: 'nueva-clave-larga' },
      { Cookie: me.cookie },
    );
    expect(ok.status).toBe(200);
    expect((await get(host, '/', { headers: { Cookie: me.cookie }, redirect: 'manual' })).status).toBe(200);
    expect(
      (await get(host, '/', { headers: { Cookie: `optiflow_session=${other.token}` }, redirect: 'manual' })).status,
    ).toBe(303);
    expect((await postForm(host, '/login', { email: me.email, password: 'nueva-clave-larga' })).status).toBe(303);
  });
});

void SELF;
