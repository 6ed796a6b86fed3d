import { describe, expect, it } from 'vitest';
import { createTenantApp } from '../../src/app';
import { permissionMatrix, type Permission } from '../../src/auth/permissions';
import { roles } from '../../src/db/tenant-schema';
import { createTestTenant, signedIn } from '../support/worker/helpers';
import { SELF } from 'cloudflare:test';

interface WalkedRoute {
  method: string;
  path: string;
  permission: Permission | 'public';
}

/** Every route of the shop app with the permission its guard declares. */
function shopRoutes(): WalkedRoute[] {
  const byRoute = new Map<string, { method: string; path: string; permission: Permission | 'public' | null }>();
  for (const route of createTenantApp().routes) {
    if (route.method === 'ALL') continue; // app-wide middleware
    const key = `${route.method} ${route.path}`;
    const permission = (route.handler as { permission?: Permission | 'public' }).permission ?? null;
    const known = byRoute.get(key);
    if (!known || (known.permission === null && permission !== null))
      byRoute.set(key, { method: route.method, path: route.path, permission });
  }
  return [...byRoute.values()] as WalkedRoute[];
}

function concrete(path: string): string {
  return path.replace(/:[a-zA-Z]+(\{[^}]*\})?/g, '00000000-0000-4000-8000-000000000000');
}

/** Browser routes get the session cookie and a form body; API routes a bearer token and JSON. */
function request(host: string, route: WalkedRoute, credentials?: { cookie: string; bearer: string }) {
  const unsafe = route.method !== 'GET' && route.method !== 'HEAD';
  const isApi = route.path.startsWith('/api/');
  const auth: Record<string, string> = credentials
    ? isApi
      ? { Authorization: credentials.bearer }
      : { Cookie: credentials.cookie }
    : {};
  return SELF.fetch(`http://${host}${concrete(route.path)}`, {
    method: route.method.toUpperCase(),
    redirect: 'manual',
    headers: {
      ...auth,
      ...(unsafe
        ? { Origin: `http://${host}`, 'Content-Type': isApi ? 'application/json' : 'application/x-www-form-urlencoded' }
        : {}),
    },
    body: unsafe ? (isApi ? '{}' : '') : undefined,
  });
}

describe('route permissions', () => {
  const routes = shopRoutes();

  it('has a declared permission (or public) on every route', () => {
    expect(routes.length).toBeGreaterThan(5);
    const undeclared = routes
      .filter((route) => route.permission === null)
      .map((route) => `${route.method} ${route.path}`);
    expect(undeclared).toEqual([]);
  });

  it('answers every guarded route without a session with a login redirect (browser) or 401 (API)', async () => {
    const tenant = await createTestTenant();
    const host = `${tenant.id}.localhost`;
    const guarded = routes.filter((r) => r.permission !== 'public');
    const responses = await Promise.all(guarded.map((route) => request(host, route)));
    guarded.forEach((route, index) => {
      const response = responses[index]!;
      if (route.path.startsWith('/api/')) expect(response.status, `${route.method} ${route.path}`).toBe(401);
      else {
        expect(response.status, `${route.method} ${route.path}`).toBe(303);
        expect(response.headers.get('location'), `${route.method} ${route.path}`).toMatch(/^\/login/);
      }
    });
  }, 120_000);

  it.each(roles)(
    'enforces the matrix for the %s role on every route',
    async (role) => {
      const tenant = await createTestTenant();
      const host = `${tenant.id}.localhost`;
      const credentials = await signedIn(tenant.id, role);
      // Logging out ends the session the walk uses: it goes last, after all the others (sent 8 at a time).
      const walked = routes.filter((route) => route.path !== '/logout');
      const responses: Response[] = [];
      for (let start = 0; start < walked.length; start += 8) {
        responses.push(
          ...(await Promise.all(walked.slice(start, start + 8).map((route) => request(host, route, credentials)))),
        );
      }
      const logout = routes.filter((route) => route.path === '/logout');
      for (const route of logout) responses.push(await request(host, route, credentials));
      [...walked, ...logout].forEach((route, index) => {
        const response = responses[index]!;
        const label = `${role} ${route.method} ${route.path} -> ${response.status}`;
        const allowed =
          route.permission === 'public' || (permissionMatrix[route.permission] as readonly string[]).includes(role);
        // An empty form or JSON body is bad input, never a server error.
        expect(response.status, label).toBeLessThan(500);
        // WhatsApp's webhook is public but answers only Meta: an unsigned POST is 401, a handshake without the shop's token 403.
        if (route.path === '/hooks/whatsapp') expect([401, 403], label).toContain(response.status);
        else if (allowed) expect([401, 403], label).not.toContain(response.status);
        else expect(response.status, label).toBe(403);
      });
    },
    120_000,
  );
});
