/**
 * A signed-in request's session check rides on its first database request: with the claims cookie
 * the Worker sets, a page costs the round trips of its own queries and no more (a page with none
 * costs one, the check alone), and the layout still shows who is signed in, where.
 */
import { describe, expect, it } from 'vitest';
import { contacts } from '../../src/db/tenant-schema';
import { countRoundTrips, get, postForm, sessionRoundTrips } from '../support/worker/helpers';
import { shopWithSeller } from '../support/worker/session';

function setCookies(response: Response): string[] {
  return response.headers.getSetCookie();
}

describe('one round trip per signed-in page', { timeout: 30_000 }, () => {
  it('the session check costs no round trip of its own: sessionRoundTrips is 0', () => {
    expect(sessionRoundTrips).toBe(0);
  });

  it('the home page (the dashboard: one batch) costs one round trip, the check riding on it, and shows the session', async () => {
    const s = await shopWithSeller();
    let response: Response | undefined;
    const trips = await countRoundTrips(s.database, async () => {
      response = await get(s.host, '/', { headers: { Cookie: s.cookie }, redirect: 'manual' });
    });
    expect(response!.status).toBe(200);
    expect(trips).toBe(1);
    const html = await response!.text();
    expect(html).toContain('Hola, Usuario ventas');
    expect(html).toContain('Óptica Los Prados');
    expect(html).toContain('Sucursal Centro');
    // Only the branches the user may work in.
    expect(html).not.toContain('Sucursal Norte');
  });

  it('a page whose queries are one request costs exactly that one round trip (the slow path: two)', async () => {
    const s = await shopWithSeller();
    await s.db.insert(contacts).values({ name: 'Ana Ríos' });
    const list = async (cookie: string) => {
      let html = '';
      const trips = await countRoundTrips(s.database, async () => {
        const page = await get(s.host, '/contacts', { headers: { Cookie: cookie }, redirect: 'manual' });
        expect(page.status).toBe(200);
        html = await page.text();
      });
      expect(html).toContain('Ana Ríos');
      expect(html).toContain('Usuario ventas');
      return trips;
    };
    expect(await list(s.cookie)).toBe(1);
    // The same page loading the session first, as every page did before the check rode along.
    expect(await list(`optiflow_session=${s.seller.token}`)).toBe(2);
  });

  it('without claims (an older cookie) the session is loaded first once, and the claims it sets make the next page ride', async () => {
    const s = await shopWithSeller();
    const oldCookie = `optiflow_session=${s.seller.token}`;
    let first: Response | undefined;
    const slow = await countRoundTrips(s.database, async () => {
      first = await get(s.host, '/', { headers: { Cookie: oldCookie }, redirect: 'manual' });
    });
    expect(first!.status).toBe(200);
    expect(slow).toBe(2); // the load, then the dashboard's batch
    const claims = setCookies(first!).find((cookie) => cookie.startsWith('optiflow_claims='));
    expect(claims).toMatch(/HttpOnly/i);
    expect(claims).toMatch(/SameSite=Lax/i);
    expect(claims).not.toMatch(/Domain=/i);
    const cookie = `${oldCookie}; ${claims!.split(';')[0]}`;
    const trips = await countRoundTrips(s.database, async () => {
      const page = await get(s.host, '/contacts', { headers: { Cookie: cookie }, redirect: 'manual' });
      expect(page.status).toBe(200);
    });
    expect(trips).toBe(1);
  });

  it('a form POST rides too: one request writes the contact and checks the session', async () => {
    const s = await shopWithSeller();
    const before = (await s.db.select().from(contacts)).length;
    let response: Response | undefined;
    const trips = await countRoundTrips(s.database, async () => {
      response = await postForm(s.host, '/contacts', { kind: 'customer', name: 'Luis Peña' }, { Cookie: s.cookie });
    });
    expect(response!.status).toBe(303);
    expect((await s.db.select().from(contacts)).length).toBe(before + 1);
    expect(trips).toBe(1);
  });

  it('signing out clears both cookies, and the old cookies then get the login page', async () => {
    const s = await shopWithSeller();
    const out = await postForm(s.host, '/logout', {}, { Cookie: s.cookie });
    expect(out.status).toBe(303);
    const cleared = setCookies(out);
    expect(cleared.some((cookie) => /^optiflow_session=;/.test(cookie) && /Max-Age=0/i.test(cookie))).toBe(true);
    expect(cleared.some((cookie) => /^optiflow_claims=;/.test(cookie) && /Max-Age=0/i.test(cookie))).toBe(true);
    const after = await get(s.host, '/', { headers: { Cookie: s.cookie }, redirect: 'manual' });
    expect(after.status).toBe(303);
    expect(after.headers.get('location')).toBe('/login');
  });
});
