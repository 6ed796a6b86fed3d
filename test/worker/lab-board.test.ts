/**
 * The lab board (issue 14 item 2): one column per active stage with hand-made cards, the overdue flag
 * against the shop's today, capped final columns, filters, one round trip; a drag move and its 409
 * when someone else moved the card first; the list with its filters and pages.
 */
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { branches, contacts, labOrders, labStages, userBranches } from '../../src/db/tenant-schema';
import { addDays, shopToday } from '../../src/domain/dates';
import { countRoundTrips, get, postForm } from '../support/worker/helpers';
import { issuedInvoice, paymentShop } from '../support/worker/payments';
import { colleague, shop, type Shop } from '../support/worker/shop';

const database = (s: Shop) => `optiflow_${s.tenant.id.replace(/-/g, '_')}`;

async function stagesOf(s: Pick<Shop, 'db'>) {
  const rows = await s.db.select().from(labStages);
  const byName = (name: string) => rows.find((stage) => stage.name === name)!;
  return {
    pending: byName('Pendiente'),
    sent: byName('Enviado al laboratorio'),
    process: byName('En proceso'),
    ready: byName('Listo para entregar'),
    delivered: byName('Entregado'),
    cancelled: byName('Cancelado'),
  };
}

type OrderValues = Partial<typeof labOrders.$inferInsert> & { stageId: string; customerId: string };

async function orders(s: Shop, values: OrderValues[]) {
  return s.db
    .insert(labOrders)
    .values(values.map((value) => ({ branchId: s.main.id, ...value })))
    .returning();
}

/** The cards of one column, as order numbers in the order shown. */
function column(html: string, stageId: string): number[] {
  const start = html.indexOf(`<ul class="lab-cards" data-stage-id="${stageId}"`);
  if (start < 0) return [];
  const end = html.indexOf('</ul>', start);
  return [...html.slice(start, end).matchAll(/>LAB-(\d{6})</g)].map((match) => Number(match[1]));
}

/** The article of one card (to read its flags). */
function card(html: string, orderId: string): string {
  const start = html.lastIndexOf('<li', html.indexOf(`id="card-${orderId}"`));
  expect(start, `card ${orderId}`).toBeGreaterThan(0);
  return html.slice(start, html.indexOf('</li>', start));
}

async function page(s: { host: string; cookie: string }, path: string, headers: Record<string, string> = {}) {
  const response = await get(s.host, path, { headers: { Cookie: s.cookie, ...headers } });
  return { status: response.status, html: await response.text() };
}

describe('lab board', () => {
  it('shows each active stage with its cards, overdue flagged in text, final columns capped to recent days, in one round trip', {
    timeout: 60_000,
  }, async () => {
    const s = await shop('owner', { branchAccess: 'all' });
    const stage = await stagesOf(s);
    const today = shopToday();
    const [ana, beto, lab] = await s.db
      .insert(contacts)
      .values([{ name: 'Ana Pérez' }, { name: 'Beto Gómez' }, { name: 'Laboratorio Visión', kind: 'supplier' }])
      .returning();
    const now = Date.now();
    const [late, onTime, sent, deliveredRecently, deliveredLongAgo, cancelledLate] = await orders(s, [
      { stageId: stage.pending.id, customerId: ana!.id, promisedOn: addDays(today, -1), priority: 'urgent' },
      { stageId: stage.pending.id, customerId: beto!.id, promisedOn: today, labId: lab!.id },
      {
        stageId: stage.sent.id,
        customerId: beto!.id,
        promisedOn: addDays(today, 3),
        stageEnteredAt: new Date(now - 3 * 86_400_000 - 60_000),
      },
      { stageId: stage.delivered.id, customerId: ana!.id, closedAt: new Date(now - 2 * 86_400_000) },
      { stageId: stage.delivered.id, customerId: ana!.id, closedAt: new Date(now - 30 * 86_400_000) },
      // Closed orders are never overdue, even promised long ago.
      {
        stageId: stage.cancelled.id,
        customerId: beto!.id,
        promisedOn: addDays(today, -10),
        closedAt: new Date(now - 86_400_000),
      },
    ]);

    let board = { status: 0, html: '' };
    const trips = await countRoundTrips(database(s), async () => {
      board = await page(s, '/lab');
    });
    expect(board.status).toBe(200);
    expect(trips).toBe(1);

    // Columns in position order, every active stage.
    const headings = [
      ...board.html.matchAll(/<section class="lab-column[^"]*" aria-labelledby="stage-[^"]+" data-stage-id="([^"]+)"/g),
    ].map((match) => match[1]);
    const active = (await s.db.select().from(labStages)).sort((a, b) => a.position - b.position).map((row) => row.id);
    expect(headings).toEqual(active);

    // Urgent first within a column; the delivered column holds only the recent one.
    expect(column(board.html, stage.pending.id)).toEqual([late!.number, onTime!.number]);
    expect(column(board.html, stage.sent.id)).toEqual([sent!.number]);
    expect(column(board.html, stage.delivered.id)).toEqual([deliveredRecently!.number]);
    expect(column(board.html, stage.delivered.id)).not.toContain(deliveredLongAgo!.number);
    expect(column(board.html, stage.cancelled.id)).toEqual([cancelledLate!.number]);

    // Overdue: promised before today and open - in words, not only a colour.
    expect(card(board.html, late!.id)).toContain('Atrasada');
    expect(card(board.html, late!.id)).toContain('lab-card-overdue');
    expect(card(board.html, late!.id)).toContain('Urgente');
    expect(card(board.html, onTime!.id)).not.toContain('Atrasada');
    expect(card(board.html, cancelledLate!.id)).not.toContain('Atrasada');
    expect(card(board.html, onTime!.id)).toContain('Lab: Laboratorio Visión');
    expect(card(board.html, sent!.id)).toContain('3 días en la etapa');
    expect(card(board.html, late!.id)).toContain('Entró hoy a la etapa');

    // Every card has the keyboard / no-JavaScript move menu, back to this board.
    const menu = card(board.html, onTime!.id);
    expect(menu).toContain(`action="/lab-orders/${onTime!.id}/move"`);
    expect(menu).toContain(`name="expectedStageId" value="${stage.pending.id}"`);
    expect(menu).toContain('name="next" value="/lab"');
    expect(menu).not.toContain(`<option value="${stage.pending.id}"`);

    // Filters: overdue only, lab, customer search (name or number).
    expect(column((await page(s, '/lab?overdue=1')).html, stage.pending.id)).toEqual([late!.number]);
    expect(column((await page(s, `/lab?lab=${lab!.id}`)).html, stage.pending.id)).toEqual([onTime!.number]);
    const search = (await page(s, '/lab?q=beto')).html;
    expect(column(search, stage.pending.id)).toEqual([onTime!.number]);
    expect(column(search, stage.sent.id)).toEqual([sent!.number]);
    expect(column((await page(s, `/lab?q=LAB-${String(sent!.number).padStart(6, '0')}`)).html, stage.sent.id)).toEqual([
      sent!.number,
    ]);
    expect((await page(s, '/lab?lab=nope')).status).toBe(422);
  });

  it('caps an open column and a final column with a window function, the count and a link saying so', {
    timeout: 60_000,
  }, async () => {
    const s = await shop('owner', { branchAccess: 'all' });
    const stage = await stagesOf(s);
    const [ana] = await s.db.insert(contacts).values({ name: 'Ana Pérez' }).returning();
    const closedAt = new Date(Date.now() - 3_600_000);
    await orders(s, [
      ...Array.from({ length: 55 }, () => ({ stageId: stage.process.id, customerId: ana!.id })),
      ...Array.from({ length: 25 }, () => ({ stageId: stage.delivered.id, customerId: ana!.id, closedAt })),
    ]);
    const { html } = await page(s, '/lab');
    expect(column(html, stage.process.id)).toHaveLength(50);
    expect(html).toContain('55 órdenes');
    expect(html).toContain(`Se muestran 50 de 55: ver todas`);
    expect(column(html, stage.delivered.id)).toHaveLength(20);
    expect(html).toContain('Últimos 7 días: 25');
    expect(html).toContain(`href="/lab-orders?stage=${stage.delivered.id}"`);
  });

  it('a seller sees only the orders of their branches; another branch never appears', { timeout: 60_000 }, async () => {
    const s = await shop('owner', { branchAccess: 'all' });
    const stage = await stagesOf(s);
    const [north] = await s.db.insert(branches).values({ code: 'NOR', name: 'Sucursal Norte' }).returning();
    const [ana] = await s.db.insert(contacts).values({ name: 'Ana Pérez' }).returning();
    const [main, other] = await orders(s, [
      { stageId: stage.pending.id, customerId: ana!.id },
      { stageId: stage.pending.id, customerId: ana!.id, branchId: north!.id },
    ]);
    const seller = await colleague(s, 'ventas');
    const own = (await page({ host: s.host, cookie: seller.cookie }, '/lab')).html;
    expect(column(own, stage.pending.id)).toEqual([main!.number]);
    // The owner sees both, and may narrow to one branch.
    await s.db.insert(userBranches).values({ userId: s.user.id, branchId: north!.id }).onConflictDoNothing();
    expect(column((await page(s, '/lab')).html, stage.pending.id).sort()).toEqual([main!.number, other!.number].sort());
    expect(column((await page(s, `/lab?branch=${north!.id}`)).html, stage.pending.id)).toEqual([other!.number]);
  });
});

describe('moving from the board', () => {
  it('a drag moves the card; two people dragging the same card at once: one wins, the other sees where it is', {
    timeout: 60_000,
  }, async () => {
    const s = await shop('owner', { branchAccess: 'all' });
    const stage = await stagesOf(s);
    const [ana] = await s.db.insert(contacts).values({ name: 'Ana Pérez' }).returning();
    const [order] = await orders(s, [{ stageId: stage.pending.id, customerId: ana!.id }]);
    const drag = (toStageId: string, expectedStageId: string) =>
      postForm(
        s.host,
        '/lab/move',
        { orderId: order!.id, toStageId, expectedStageId, back: '/lab?overdue=1' },
        { Cookie: s.cookie, 'HX-Request': 'true' },
      );

    const moved = await drag(stage.sent.id, stage.pending.id);
    const movedHtml = await moved.text();
    expect(moved.status, movedHtml).toBe(200);
    expect(movedHtml).toContain(`data-order-id="${order!.id}" data-stage-id="${stage.sent.id}"`);
    expect(movedHtml).toContain('pasó a «Enviado al laboratorio»');
    expect(movedHtml).toContain('name="next" value="/lab?overdue=1"');
    const [afterDrag] = await s.db.select().from(labOrders).where(eq(labOrders.id, order!.id));
    expect(afterDrag!.stageId).toBe(stage.sent.id);

    // Both saw it in "Enviado"; one moves it to "En proceso", the other to "Recibido".
    const [first, second] = await Promise.all([
      drag(stage.process.id, stage.sent.id),
      drag(stage.ready.id, stage.sent.id),
    ]);
    const answers = [
      { status: first.status, html: await first.text() },
      { status: second.status, html: await second.text() },
    ];
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 409]);
    const [row] = await s.db.select().from(labOrders).where(eq(labOrders.id, order!.id));
    expect([stage.process.id, stage.ready.id]).toContain(row!.stageId);
    const loser = answers.find((answer) => answer.status === 409)!;
    const winnerStage = row!.stageId === stage.process.id ? 'En proceso' : 'Listo para entregar';
    expect(loser.html).toContain(`Otra persona ya movió la orden LAB-${String(order!.number).padStart(6, '0')}`);
    expect(loser.html).toContain(`está en «${winnerStage}»`);
    // The card in the answer sits in the order's real column.
    expect(loser.html).toContain(`data-order-id="${order!.id}" data-stage-id="${row!.stageId}"`);

    // Without htmx the same stale move shows the board with the message (409), and a good one goes back.
    const stale = await postForm(
      s.host,
      '/lab/move',
      { orderId: order!.id, toStageId: stage.pending.id, expectedStageId: stage.sent.id, back: '/lab' },
      { Cookie: s.cookie },
    );
    expect(stale.status).toBe(409);
    expect(await stale.text()).toContain('Otra persona ya movió la orden');
    const plain = await postForm(
      s.host,
      '/lab/move',
      { orderId: order!.id, toStageId: stage.pending.id, expectedStageId: row!.stageId, back: 'https://evil.example/' },
      { Cookie: s.cookie },
    );
    expect(plain.status).toBe(303);
    expect(plain.headers.get('Location')).toBe('/lab');
  });

  it('a drag to "Entregado" with an open balance shows the balance, the payment link and a deliver-anyway form', {
    timeout: 60_000,
  }, async () => {
    const s = await paymentShop('owner');
    const stage = await stagesOf(s);
    const invoice = await issuedInvoice(s);
    const [order] = await s.db
      .insert(labOrders)
      .values({ branchId: s.main.id, customerId: s.customer.id, stageId: stage.ready.id, invoiceId: invoice.id })
      .returning();
    const drag = await postForm(
      s.host,
      '/lab/move',
      { orderId: order!.id, toStageId: stage.delivered.id, expectedStageId: stage.ready.id, back: '/lab' },
      { Cookie: s.cookie, 'HX-Request': 'true' },
    );
    const html = await drag.text();
    expect(drag.status, html).toBe(409);
    // The balance in words (RD$ 1,000.00 of the exempt line), the card back in "Listo para entregar".
    expect(html).toMatch(/saldo pendiente de RD\$\s?1,000\.00/);
    expect(html).toContain(`data-order-id="${order!.id}" data-stage-id="${stage.ready.id}"`);
    expect(html).toContain(`href="/invoices/${invoice.id}/payments/new"`);
    expect(html).toContain(`action="/lab-orders/${order!.id}/move"`);
    expect(html).toContain(`name="toStageId" value="${stage.delivered.id}"`);
    expect(html).toContain('name="overrideReason"');
    const [unmoved] = await s.db.select().from(labOrders).where(eq(labOrders.id, order!.id));
    expect(unmoved!.stageId).toBe(stage.ready.id);

    // The override form (the order's own move endpoint) delivers it with the reason and comes back to the board.
    const override = await postForm(
      s.host,
      `/lab-orders/${order!.id}/move`,
      {
        toStageId: stage.delivered.id,
        expectedStageId: stage.ready.id,
        overrideReason: 'Paga el viernes, cliente frecuente',
        next: '/lab',
      },
      { Cookie: s.cookie },
    );
    expect(override.status).toBe(303);
    expect(override.headers.get('Location')).toBe('/lab');
    const [delivered] = await s.db.select().from(labOrders).where(eq(labOrders.id, order!.id));
    expect(delivered).toMatchObject({
      stageId: stage.delivered.id,
      deliveryOverrideReason: 'Paga el viernes, cliente frecuente',
    });
    expect(delivered!.closedAt).not.toBeNull();
  });

  it('another shop’s order cannot be moved by id (404) nor seen on the board', { timeout: 60_000 }, async () => {
    const mine = await shop('owner', { branchAccess: 'all' });
    const theirs = await shop('owner', { branchAccess: 'all' });
    const theirStages = await stagesOf(theirs);
    const myStages = await stagesOf(mine);
    const [customer] = await theirs.db.insert(contacts).values({ name: 'Cliente Ajeno' }).returning();
    const [foreign] = await orders(theirs, [{ stageId: theirStages.pending.id, customerId: customer!.id }]);
    const attempt = await postForm(
      mine.host,
      '/lab/move',
      { orderId: foreign!.id, toStageId: theirStages.sent.id, expectedStageId: theirStages.pending.id },
      { Cookie: mine.cookie, 'HX-Request': 'true' },
    );
    expect(attempt.status).toBe(404);
    const withMyStages = await postForm(
      mine.host,
      '/lab/move',
      { orderId: foreign!.id, toStageId: myStages.sent.id, expectedStageId: myStages.pending.id },
      { Cookie: mine.cookie, 'HX-Request': 'true' },
    );
    expect(withMyStages.status).toBe(404);
    const [still] = await theirs.db.select().from(labOrders).where(eq(labOrders.id, foreign!.id));
    expect(still!.stageId).toBe(theirStages.pending.id);
    const board = (await page(mine, '/lab')).html;
    expect(board).not.toContain(foreign!.id);
    expect(board).not.toContain('Cliente Ajeno');
    expect(board).not.toContain(theirStages.pending.id);
  });
});

describe('lab orders list', () => {
  it('filters by stage, lab, overdue, due this week and customer, pages by keyset, one round trip, 422 on bad filters', {
    timeout: 60_000,
  }, async () => {
    const s = await shop('owner', { branchAccess: 'all' });
    const stage = await stagesOf(s);
    const today = shopToday();
    const [ana, beto, lab] = await s.db
      .insert(contacts)
      .values([{ name: 'Ana Pérez' }, { name: 'Beto Gómez' }, { name: 'Lab Norte', kind: 'supplier' }])
      .returning();
    const [late, thisWeek, later, labbed, done] = await orders(s, [
      { stageId: stage.pending.id, customerId: ana!.id, promisedOn: addDays(today, -20) },
      { stageId: stage.sent.id, customerId: beto!.id, promisedOn: today },
      { stageId: stage.sent.id, customerId: beto!.id, promisedOn: addDays(today, 30) },
      { stageId: stage.process.id, customerId: ana!.id, labId: lab!.id },
      { stageId: stage.delivered.id, customerId: ana!.id, promisedOn: today, closedAt: new Date() },
    ]);
    const numbers = (html: string) => [...html.matchAll(/>LAB-(\d{6})</g)].map((match) => Number(match[1]));
    let all = { status: 0, html: '' };
    expect(
      await countRoundTrips(database(s), async () => {
        all = await page(s, '/lab-orders');
      }),
    ).toBe(1);
    expect(numbers(all.html)).toEqual([done, labbed, later, thisWeek, late].map((order) => order!.number));
    expect(all.html).toMatch(/class="lab-row-overdue"[\s\S]*Atrasada/);
    expect(numbers((await page(s, `/lab-orders?stage=${stage.sent.id}`)).html)).toEqual([
      later!.number,
      thisWeek!.number,
    ]);
    expect(numbers((await page(s, `/lab-orders?lab=${lab!.id}`)).html)).toEqual([labbed!.number]);
    expect(numbers((await page(s, '/lab-orders?overdue=1')).html)).toEqual([late!.number]);
    // Due this week: open and promised Monday to Sunday (the delivered one is not due).
    const week = numbers((await page(s, '/lab-orders?due=week')).html);
    expect(week).toContain(thisWeek!.number);
    expect(week).not.toContain(done!.number);
    expect(week).not.toContain(later!.number);
    expect(numbers((await page(s, '/lab-orders?q=beto')).html)).toEqual([later!.number, thisWeek!.number]);
    // Fragment for the live search.
    const fragment = await page(s, '/lab-orders?q=ana', { 'HX-Request': 'true' });
    expect(fragment.html).not.toContain('<html');
    expect(numbers(fragment.html)).toEqual([done, labbed, late].map((order) => order!.number));

    for (const bad of ['/lab-orders?stage=x', '/lab-orders?lab=1', '/lab-orders?due=year', '/lab-orders?cursor=zzz'])
      expect((await page(s, bad)).status, bad).toBe(422);
  });

  it('pages through many orders newest first without repeating or skipping one', { timeout: 60_000 }, async () => {
    const s = await shop('owner', { branchAccess: 'all' });
    const stage = await stagesOf(s);
    const [ana] = await s.db.insert(contacts).values({ name: 'Ana Pérez' }).returning();
    const rows = await orders(
      s,
      Array.from({ length: 120 }, () => ({ stageId: stage.pending.id, customerId: ana!.id })),
    );
    const seen: number[] = [];
    let path: string | null = '/lab-orders';
    while (path) {
      const { html } = await page(s, path);
      seen.push(...[...html.matchAll(/>LAB-(\d{6})</g)].map((match) => Number(match[1])));
      const next = /<a class="button" href="([^"]+)"[^>]*>Siguientes/.exec(html);
      path = next ? next[1]!.replaceAll('&amp;', '&') : null;
    }
    expect(seen).toEqual(rows.map((row) => row.number).sort((a, b) => b - a));
  });
});
