/**
 * Isolation and roles of the inbox of received e-CF: another shop cannot list, view, download,
 * print or decide a shop's received e-CF through the UI or the API (404, as for every resource),
 * and inside a shop only the roles of the matrix see or decide.
 */
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { receivedEcf } from '../../src/db/tenant-schema';
import { api, apiJson } from '../support/worker/api';
import { ecfShop } from '../support/worker/ecf';
import { authenticate, paths, post, sender, signedEcf } from '../support/worker/ecf-reception';
import { get, signedIn } from '../support/worker/helpers';

type Shop = Awaited<ReturnType<typeof ecfShop>>;

async function withReceived(shop: Shop) {
  const supplier = await sender();
  const { xml, encf } = await signedEcf(supplier, shop.rnc);
  const token = await authenticate(shop.host, supplier);
  expect((await post(shop.host, paths.reception, xml, { token })).status).toBe(200);
  const [row] = await shop.db.select().from(receivedEcf).where(eq(receivedEcf.encf, encf));
  return row!;
}

function form(host: string, path: string, cookie: string, body: string) {
  return get(host, path, {
    method: 'POST',
    redirect: 'manual',
    headers: { Cookie: cookie, Origin: `http://${host}`, 'Content-Type': 'application/x-www-form-urlencoded' },
    body,
  });
}

describe('inbox isolation', { timeout: 60_000 }, () => {
  it("shop B cannot list, view, download, print or decide shop A's received e-CF (UI and API: 404)", async () => {
    const [a, b] = await Promise.all([ecfShop(), ecfShop()]);
    const row = await withReceived(a);
    const own = await withReceived(b);
    const base = `/ecf/recibidos/${row.id}`;
    // Shop A itself sees it: the same requests would succeed with A's credentials.
    expect((await get(a.host, base, { headers: { Cookie: a.cookie } })).status).toBe(200);
    expect((await api(a.host, `/received-ecf/${row.id}/xml`, a.bearer)).status).toBe(200);

    for (const path of [base, `${base}/xml`, `${base}/print`])
      expect((await get(b.host, path, { headers: { Cookie: b.cookie } })).status, path).toBe(404);
    expect((await form(b.host, `${base}/decision`, b.cookie, 'decision=approved')).status).toBe(404);
    for (const path of [`/received-ecf/${row.id}`, `/received-ecf/${row.id}/xml`])
      expect((await api(b.host, path, b.bearer)).status, path).toBe(404);
    const decided = await api(b.host, `/received-ecf/${row.id}/decision`, b.bearer, {
      method: 'POST',
      body: JSON.stringify({ decision: 'rejected', reason: 'no' }),
    });
    expect(decided.status).toBe(404);
    expect(decided.headers.get('content-type')).toContain('application/problem+json');

    // B's lists hold only B's own e-CF, whatever the search.
    const listed = await apiJson(b.host, `/received-ecf?q=${row.issuerRnc}`, b.bearer);
    expect(listed.body.data).toEqual([]);
    expect((await apiJson(b.host, '/received-ecf', b.bearer)).body.data.map((r: { id: string }) => r.id)).toEqual([
      own.id,
    ]);
    const results = await get(b.host, `/ecf/recibidos?q=${row.encf}`, {
      headers: { Cookie: b.cookie, 'HX-Request': 'true' },
    });
    expect(await results.text()).toContain('No hay e-CF recibidos con esos criterios.');
    // A's e-CF is untouched and nothing was written under A's files by B.
    const [after] = await a.db.select().from(receivedEcf).where(eq(receivedEcf.id, row.id));
    expect(after).toMatchObject({ approval: 'pending', acecfXmlKey: null });
    // A malformed id is a 404 too, never a 500.
    expect((await get(b.host, '/ecf/recibidos/not-a-uuid', { headers: { Cookie: b.cookie } })).status).toBe(404);
    expect((await api(b.host, '/received-ecf/not-a-uuid', b.bearer)).status).toBe(404);
  });

  it('roles: sales cannot see the inbox, the cashier sees it but cannot decide; owner and admin decide', async () => {
    const a = await ecfShop();
    const row = await withReceived(a);
    const [ventas, caja, admin] = await Promise.all([
      signedIn(a.tenant.id, 'ventas'),
      signedIn(a.tenant.id, 'caja'),
      signedIn(a.tenant.id, 'admin'),
    ]);
    const base = `/ecf/recibidos/${row.id}`;
    expect((await get(a.host, '/ecf/recibidos', { headers: { Cookie: ventas.cookie } })).status).toBe(403);
    expect((await api(a.host, '/received-ecf', ventas.bearer)).status).toBe(403);
    const cashierView = await get(a.host, base, { headers: { Cookie: caja.cookie } });
    expect(cashierView.status).toBe(200);
    expect(await cashierView.text()).not.toContain('name="decision"');
    expect((await form(a.host, `${base}/decision`, caja.cookie, 'decision=approved')).status).toBe(403);
    const refused = await api(a.host, `/received-ecf/${row.id}/decision`, caja.bearer, {
      method: 'POST',
      body: JSON.stringify({ decision: 'approved' }),
    });
    expect(refused.status).toBe(403);
    const [still] = await a.db.select().from(receivedEcf).where(eq(receivedEcf.id, row.id));
    expect(still!.approval).toBe('pending');
    const accepted = await form(a.host, `${base}/decision`, admin.cookie, 'decision=approved');
    expect(accepted.status).toBe(303);
    expect(accepted.headers.get('location')).toBe(`${base}?decided=approved`);
    const [done] = await a.db.select().from(receivedEcf).where(eq(receivedEcf.id, row.id));
    expect(done).toMatchObject({ approval: 'approved', approvedBy: admin.user.id });
  });
});
