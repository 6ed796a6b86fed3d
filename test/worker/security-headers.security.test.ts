import { SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { createCentralApp, createTenantApp } from '../../src/app';
import { adminSignedIn, centralHost } from '../support/worker/admin';
import { createTestTenant, signedIn } from '../support/worker/helpers';

/** Every GET path of an app, with parameters filled in (a made-up id answers a 404 page, which is a page too). */
function getPaths(app: { routes: Array<{ method: string; path: string }> }, keep: (path: string) => boolean): string[] {
  const paths = new Set<string>();
  for (const route of app.routes) {
    if (route.method !== 'GET' || !keep(route.path)) continue;
    paths.add(
      route.path.replace(/:[a-zA-Z]+(\{[^}]*\})?/g, (match) =>
        match.startsWith(':stamp') ? '20260101T000000Z' : '00000000-0000-4000-8000-000000000000',
      ),
    );
  }
  return [...paths];
}

function expectCsp(response: Response, path: string) {
  const csp = response.headers.get('content-security-policy') ?? '';
  expect(csp, path).toContain("default-src 'self'");
  expect(csp, path).toContain("script-src 'self'");
  expect(csp, path).not.toMatch(/script-src[^;]*unsafe-inline/);
  expect(csp, path).toContain("frame-ancestors 'none'");
  expect(csp, path).toContain("object-src 'none'");
}

async function walk(host: string, paths: string[], cookie: string | null) {
  const results: Array<{ path: string; response: Response }> = [];
  for (let i = 0; i < paths.length; i += 8) {
    const batch = paths.slice(i, i + 8);
    results.push(
      ...(await Promise.all(
        batch.map(async (path) => ({
          path,
          response: await SELF.fetch(`http://${host}${path}`, {
            redirect: 'manual',
            headers: cookie ? { Cookie: cookie } : {},
          }),
        })),
      )),
    );
  }
  return results;
}

describe('security headers', { timeout: 120_000 }, () => {
  it('every GET page of a shop carries the CSP; signed in, every one is no-store', async () => {
    const tenant = await createTestTenant();
    const host = `${tenant.id}.localhost`;
    const owner = await signedIn(tenant.id, 'owner');
    const paths = getPaths(createTenantApp(), (path) => !path.startsWith('/api/'));
    expect(paths.length).toBeGreaterThan(20);
    for (const { path, response } of await walk(host, paths, owner.cookie)) {
      expect(response.status, path).toBeLessThan(500);
      expectCsp(response, path);
      expect(response.headers.get('cache-control') ?? '', path).toMatch(/no-store|private/);
      if ((response.headers.get('content-type') ?? '').includes('text/html'))
        expect(response.headers.get('cache-control'), path).toContain('no-store');
      await response.body?.cancel();
    }
    const signedOut = await walk(host, ['/login', '/'], null);
    for (const { path, response } of signedOut) {
      expectCsp(response, path);
      await response.body?.cancel();
    }
  });

  it('every GET page of the admin panel carries the CSP; signed in, every one is no-store', async () => {
    const admin = await adminSignedIn();
    const paths = getPaths(createCentralApp(), () => true);
    expect(paths.length).toBeGreaterThan(10);
    for (const { path, response } of await walk(centralHost, paths, admin.cookie)) {
      expect(response.status, path).toBeLessThan(500);
      expectCsp(response, path);
      if (
        path.startsWith('/admin') &&
        !path.startsWith('/admin/login') &&
        !path.startsWith('/admin/set-password') &&
        !path.startsWith('/admin/go')
      ) {
        expect(response.headers.get('cache-control'), path).toContain('no-store');
      }
      await response.body?.cancel();
    }
  });
});
