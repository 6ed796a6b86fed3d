/**
 * Every route of the admin panel, walked from the central app's route table (so a route added
 * later is covered too): each declares its guard, answers a login redirect without a session, works
 * with one (an empty form is bad input, never a server error), and does not exist on a shop's host.
 */
import { SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import type { AdminGuard } from '../../src/http/admin-session';
import { createCentralApp } from '../../src/app';
import { adminSignedIn, centralHost } from '../support/worker/admin';
import { createTestTenant } from '../support/worker/helpers';

interface WalkedRoute {
  method: string;
  path: string;
  guard: AdminGuard['admin'] | null;
}

function adminRoutes(): WalkedRoute[] {
  const byRoute = new Map<string, WalkedRoute>();
  for (const route of createCentralApp().routes) {
    if (route.method === 'ALL' || !route.path.startsWith('/admin')) continue;
    const key = `${route.method} ${route.path}`;
    const guard = (route.handler as Partial<AdminGuard>).admin ?? null;
    const known = byRoute.get(key);
    if (!known || (known.guard === null && guard !== null))
      byRoute.set(key, { method: route.method, path: route.path, guard });
  }
  return [...byRoute.values()];
}

const concrete = (path: string) =>
  path.replace(/:[a-zA-Z]+(\{[^}]*\})?/g, (match) =>
    match.startsWith(':stamp') ? '20260101T000000Z' : 'x0000000-0000-4000-8000-000000000000',
  );

function send(host: string, route: WalkedRoute, cookie?: string) {
  const unsafe = route.method !== 'GET';
  return SELF.fetch(`http://${host}${concrete(route.path)}`, {
    method: route.method,
    redirect: 'manual',
    headers: {
      ...(cookie ? { Cookie: cookie } : {}),
      ...(unsafe ? { Origin: `http://${host}`, 'Content-Type': 'application/x-www-form-urlencoded' } : {}),
    },
    body: unsafe ? '' : undefined,
  });
}

describe('admin panel routes', () => {
  const routes = adminRoutes();

  it('all declare a guard as their first handler', () => {
    expect(routes.length).toBeGreaterThan(20);
    expect(routes.filter((route) => route.guard === null).map((route) => `${route.method} ${route.path}`)).toEqual([]);
  });

  it('send a visitor without a session to the login page', async () => {
    const guarded = routes.filter((route) => route.guard !== 'public');
    const responses = await Promise.all(guarded.map((route) => send(centralHost, route)));
    guarded.forEach((route, index) => {
      expect(responses[index]!.status, `${route.method} ${route.path}`).toBe(303);
      expect(responses[index]!.headers.get('location'), `${route.method} ${route.path}`).toMatch(/^\/admin\/login/);
    });
  }, 120_000);

  it('answer a signed-in admin without refusing or failing (empty forms are bad input, not errors)', async () => {
    const { cookie } = await adminSignedIn();
    // Logging out ends the session the walk uses: it goes alone, after every other route has answered
    // (in a batch of its own: in parallel with others it could end the session before they are read).
    const isLogout = (route: (typeof routes)[number]) => route.path === '/admin/logout';
    const batches = [];
    const others = routes.filter((route) => !isLogout(route));
    for (let start = 0; start < others.length; start += 6) batches.push(others.slice(start, start + 6));
    batches.push(routes.filter(isLogout));
    for (const batch of batches) {
      const responses = await Promise.all(batch.map((route) => send(centralHost, route, cookie)));
      batch.forEach((route, index) => {
        const status = responses[index]!.status;
        const label = `${route.method} ${route.path} -> ${status}`;
        expect(status, label).toBeLessThan(500);
        expect([401, 403], label).not.toContain(status);
        if (route.guard === 'required')
          expect(responses[index]!.headers.get('location') ?? '', label).not.toMatch(/^\/admin\/login/);
      });
    }
  }, 120_000);

  it('do not exist on a shop host', async () => {
    const tenant = await createTestTenant();
    const { cookie } = await adminSignedIn();
    const responses = await Promise.all(routes.map((route) => send(`${tenant.id}.localhost`, route, cookie)));
    for (const [index, route] of routes.entries())
      expect(responses[index]!.status, `${route.method} ${route.path}`).toBe(404);
  }, 120_000);
});
