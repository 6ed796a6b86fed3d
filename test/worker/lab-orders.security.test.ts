/**
 * Lab orders isolation: another shop never reads, moves, edits, prints or sees the photos of an
 * order by its id, in the UI or the API; a user outside the order's branch gets the same 404.
 */
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { branches, labOrderEvents, labOrders, userBranches } from '../../src/db/tenant-schema';
import { api } from '../support/worker/api';
import { claimsFor, get, postForm, signedIn } from '../support/worker/helpers';
import { createOrder, labShop, postMultipart, type LabShop } from '../support/worker/lab-orders';

const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3, 4]);

/** An order of shop A with a photo on its timeline. */
async function orderWithPhoto(a: LabShop) {
  const order = await createOrder(a);
  const body = new FormData();
  body.set('photo', new File([png], 'foto.png', { type: 'image/png' }));
  expect((await postMultipart(a, `/lab-orders/${order.id}/photos`, body)).status).toBe(303);
  const [photo] = await a.db.select().from(labOrderEvents).where(eq(labOrderEvents.kind, 'photo'));
  return { order, photo: photo! };
}

/** Every way in to one order, as a user with `cookie` and `bearer` on `host` sees it. */
async function attempts(
  host: string,
  cookie: string,
  bearer: string,
  order: { id: string; stageId: string },
  photoId: string,
) {
  const target = order.stageId;
  const headers = { headers: { Cookie: cookie }, redirect: 'manual' as const };
  const move = { expectedStageId: target, toStageId: target.replace(/.$/, (c) => (c === '0' ? '1' : '0')) };
  return {
    detail: (await get(host, `/lab-orders/${order.id}`, headers)).status,
    edit: (await get(host, `/lab-orders/${order.id}/edit`, headers)).status,
    print: (await get(host, `/lab-orders/${order.id}/print?format=a4`, headers)).status,
    photo: (await get(host, `/lab-orders/${order.id}/photos/${photoId}`, headers)).status,
    note: (await postForm(host, `/lab-orders/${order.id}/notes`, { note: 'x' }, { Cookie: cookie })).status,
    move: (await postForm(host, `/lab-orders/${order.id}/move`, move, { Cookie: cookie })).status,
    apiGet: (await api(host, `/lab-orders/${order.id}`, bearer)).status,
    apiEvents: (await api(host, `/lab-orders/${order.id}/events`, bearer)).status,
    apiMove: (await api(host, `/lab-orders/${order.id}/move`, bearer, { method: 'POST', body: JSON.stringify(move) }))
      .status,
    apiNote: (
      await api(host, `/lab-orders/${order.id}/notes`, bearer, { method: 'POST', body: JSON.stringify({ note: 'x' }) })
    ).status,
  };
}

const allNotFound = {
  detail: 404,
  edit: 404,
  print: 404,
  photo: 404,
  note: 404,
  move: 404,
  apiGet: 404,
  apiEvents: 404,
  apiMove: 404,
  apiNote: 404,
};

describe('lab orders isolation', { timeout: 60_000 }, () => {
  it("another shop cannot read, move, note, print or see the photos of an order by id; the order's own shop can", async () => {
    const a = await labShop('owner');
    const b = await labShop('owner');
    const { order, photo } = await orderWithPhoto(a);

    expect(await attempts(b.host, b.cookie, b.bearer, order, photo.id)).toEqual(allNotFound);
    // Shop A's photo entry named on an order of B's own: still not served (the key is A's, under A's prefix).
    const own = await createOrder(b);
    expect(
      (await get(b.host, `/lab-orders/${own.id}/photos/${photo.id}`, { headers: { Cookie: b.cookie } })).status,
    ).toBe(404);
    // A's session on B's host is no session at all.
    expect(
      (await get(b.host, `/lab-orders/${order.id}`, { headers: { Cookie: a.cookie }, redirect: 'manual' })).status,
    ).toBe(303);
    const [unchanged] = await a.db.select().from(labOrders).where(eq(labOrders.id, order.id));
    expect(unchanged!.version).toBe(order.version);
    expect(
      (await a.db.select().from(labOrderEvents).where(eq(labOrderEvents.labOrderId, order.id))).map((row) => row.kind),
    ).toEqual(['created', 'photo']);

    // The same requests by shop A itself succeed (the 404s above are isolation, not broken routes).
    const served = await get(a.host, `/lab-orders/${order.id}/photos/${photo.id}`, { headers: { Cookie: a.cookie } });
    expect(served.status).toBe(200);
    expect(new Uint8Array(await served.arrayBuffer())).toEqual(png);
    expect((await api(a.host, `/lab-orders/${order.id}`, a.bearer)).status).toBe(200);
    expect((await get(a.host, `/lab-orders/${order.id}/print`, { headers: { Cookie: a.cookie } })).status).toBe(200);
  });

  it("a user outside the order's branch gets 404 on every way in", async () => {
    const a = await labShop('owner');
    const { order, photo } = await orderWithPhoto(a);
    const [other] = await a.db.insert(branches).values({ code: 'STI', name: 'Santiago' }).returning();
    const seller = await signedIn(a.tenant.id, 'ventas');
    await a.db.insert(userBranches).values({ userId: seller.user.id, branchId: other!.id });
    const cookie = `optiflow_session=${seller.token}; optiflow_claims=${await claimsFor(a.tenant.id, seller.token)}`;
    expect(await attempts(a.host, cookie, seller.bearer, order, photo.id)).toEqual(allNotFound);
    // And cannot create an order in a branch that is not theirs.
    const refused = await postForm(
      a.host,
      '/lab-orders',
      { customerId: a.customer.id, branchId: a.main.id },
      { Cookie: cookie },
    );
    expect(refused.status).toBe(422);
    expect(await refused.text()).toContain('Elige una de tus sucursales.');
  });
});
