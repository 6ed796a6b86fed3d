import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { safeNextPath } from '../../src/http/forms';
import { createTestTenant, get, postForm, signedIn, tenantContext } from '../support/worker/helpers';

const password = 'una-clave-larga-123';

describe('safeNextPath', () => {
  it('keeps same-origin absolute paths', () => {
    for (const path of ['/', '/contacts', '/contacts?q=pe%C3%B1a&page=2', '/invoices/123#lines', '/a/b/c'])
      expect(safeNextPath(path)).toBe(path);
  });

  it('refuses anything a browser could read as another origin, and control characters', () => {
    const hostile = [
      '//evil.example',
      '/\\evil.example',
      '/\t/evil.example',
      '/%09/evil.example'.replace('%09', '\t'),
      '/\n/evil.example',
      '/\r\nSet-Cookie: x=1',
      '/ /evil.example',
      '\\\\evil.example',
      'https://evil.example',
      'evil.example',
      '/foo\\bar',
      '/a\u0000b',
      '/a\u007fb',
      '/a\u00a0b',
      '/a\u2028b',
      '',
      null,
      undefined,
    ];
    for (const path of hostile) expect(safeNextPath(path), JSON.stringify(path)).toBe('/');
  });
});

describe('login redirect', () => {
  it('never sends the browser off the shop, and CR/LF in next is not a 500', async () => {
    const tenant = await createTestTenant();
    const host = `${tenant.id}.localhost`;
    const { email, cookie } = await signedIn(tenant.id, 'ventas', { password });
    const reached: string[] = [];
    for (const next of [
      '/%09/evil.example',
      '/%5Cevil.example',
      '//evil.example',
      '/%0d%0aSet-Cookie:%20x=1',
      '/%0a/evil.example',
    ]) {
      const login = await postForm(
        host,
        `/login?next=${next}`,
        { email, password },
        { 'CF-Connecting-IP': `198.51.100.${Math.floor(Math.random() * 200)}` },
      );
      // Refused outright as malformed input (4xx), or signed in and sent to the shop's start.
      expect(login.status, next).toBeLessThan(500);
      if (login.status === 303) reached.push(next);
      if (login.status === 303) expect(login.headers.get('location'), next).toBe('/');
      const already = await get(host, `/login?next=${next}`, { headers: { Cookie: cookie }, redirect: 'manual' });
      expect(already.status, next).toBeLessThan(500);
      if (already.status === 303) expect(already.headers.get('location'), next).toBe('/');
    }
    // The ones no earlier layer refuses really reach the redirect.
    expect(reached).toEqual(expect.arrayContaining(['//evil.example', '/%5Cevil.example']));
  });
});

/** The number of password checks is what the throttle must bound: a 401 or a 303 means one was made. */
function checked(responses: Response[]): number {
  return responses.filter((response) => response.status !== 429).length;
}

describe('login throttle under concurrency', { timeout: 60_000 }, () => {
  it('checks at most the per-account-and-address limit of 50 simultaneous guesses, and refuses the right one after', async () => {
    const tenant = await createTestTenant();
    const host = `${tenant.id}.localhost`;
    const { email } = await signedIn(tenant.id, 'owner', { password });
    const guesses = Array.from({ length: 50 }, (_, i) =>
      postForm(host, '/login', { email, password: `incorrecta-${i}` }),
    );
    const responses = await Promise.all([...guesses, postForm(host, '/login', { email, password })]);
    expect(checked(responses)).toBeLessThanOrEqual(5);
    expect(responses.filter((response) => response.status === 429).length).toBeGreaterThanOrEqual(46);
    const after = await postForm(host, '/login', { email, password });
    expect(after.status).toBe(429);
  });

  it('limits one account across many addresses (each guess from its own address)', async () => {
    const tenant = await createTestTenant();
    const host = `${tenant.id}.localhost`;
    const { email } = await signedIn(tenant.id, 'owner', { password });
    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        postForm(host, '/login', { email, password: `incorrecta-${i}` }, { 'CF-Connecting-IP': `203.0.113.${i + 1}` }),
      ),
    );
    expect(checked(responses)).toBeLessThanOrEqual(10);
    const right = await postForm(host, '/login', { email, password }, { 'CF-Connecting-IP': '192.0.2.77' });
    expect(right.status).toBe(429);
  });

  it('limits one address across many accounts (password spraying) in parallel', async () => {
    const tenant = await createTestTenant();
    const host = `${tenant.id}.localhost`;
    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        postForm(
          host,
          '/login',
          { email: `nadie-${i}@example.test`, password: 'incorrecta' },
          { 'CF-Connecting-IP': '198.51.100.7' },
        ),
      ),
    );
    expect(checked(responses)).toBeLessThanOrEqual(30);
  });

  it('a successful login clears its own account failures, not the address count of other accounts', async () => {
    const tenant = await createTestTenant();
    const host = `${tenant.id}.localhost`;
    const { email } = await signedIn(tenant.id, 'caja', { password });
    for (let i = 0; i < 4; i++)
      expect((await postForm(host, '/login', { email, password: `mala-${i}` })).status).toBe(401);
    expect((await postForm(host, '/login', { email, password })).status).toBe(303);
    for (let i = 0; i < 4; i++)
      expect((await postForm(host, '/login', { email, password: `mala-otra-${i}` })).status).toBe(401);
    expect((await postForm(host, '/login', { email, password })).status).toBe(303);
    const { db } = await tenantContext(tenant.id);
    const rows = await db.execute<{ failures: number }>(
      sql`SELECT count(*)::int AS failures FROM login_attempts WHERE account = ${email} AND NOT succeeded`,
    );
    expect(rows.rows[0]!.failures).toBe(0);
  });
});
