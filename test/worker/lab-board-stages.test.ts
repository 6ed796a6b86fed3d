/**
 * The lab board's stages (issue 14 item 2): add, rename, reorder, colour, exactly one initial even
 * when two admins choose different ones at once, final with its outcome, archive refused while a
 * stage holds open orders; owner and admin only; another shop's stages are out of reach.
 */
import { and, eq, isNull } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { contacts, labOrders, labStages } from '../../src/db/tenant-schema';
import { get, postForm } from '../support/worker/helpers';
import { colleague, shop, type Shop } from '../support/worker/shop';

async function active(s: Shop) {
  const rows = await s.db.select().from(labStages).where(isNull(labStages.archivedAt));
  return rows.sort((a, b) => a.position - b.position || a.id.localeCompare(b.id));
}

const named = async (s: Shop, name: string) => (await active(s)).find((stage) => stage.name === name)!;

const post = (s: { host: string; cookie: string }, path: string, fields: Record<string, string> = {}) =>
  postForm(s.host, path, fields, { Cookie: s.cookie });

describe('lab stage settings', () => {
  it('adds, renames, recolours and reorders stages; refuses duplicate names and bad values with 422', {
    timeout: 60_000,
  }, async () => {
    const s = await shop('owner');
    const page = await get(s.host, '/settings/lab-stages', { headers: { Cookie: s.cookie } });
    const html = await page.text();
    expect(page.status).toBe(200);
    const names = [...html.matchAll(/<li class="card lab-stage[^"]*" id="stage-[^"]+"><h2>([^<]+)/g)].map((m) => m[1]);
    expect(names).toEqual([
      'Pendiente',
      'Enviado al laboratorio',
      'En proceso',
      'Recibido',
      'Listo para entregar',
      'Entregado',
      'Cancelado',
    ]);

    const added = await post(s, '/settings/lab-stages', { name: 'Biselado', color: 'blue', outcome: '' });
    expect(added.status).toBe(303);
    const after = await active(s);
    expect(after.at(-1)).toMatchObject({ name: 'Biselado', color: 'blue', isFinal: false, outcome: null, position: 8 });

    const duplicate = await post(s, '/settings/lab-stages', { name: '  biselado ', color: 'gray', outcome: '' });
    expect(duplicate.status).toBe(422);
    expect(await duplicate.text()).toContain('Ya hay una etapa con ese nombre.');
    for (const fields of [
      { name: '', color: 'gray', outcome: '' },
      { name: 'X', color: 'pink; background: url(x)', outcome: '' },
      { name: 'X', color: 'gray', outcome: 'lost' },
      { name: 'x'.repeat(61), color: 'gray', outcome: '' },
    ])
      expect((await post(s, '/settings/lab-stages', fields)).status, JSON.stringify(fields)).toBe(422);
    expect(await active(s)).toHaveLength(8);

    const biselado = await named(s, 'Biselado');
    const renamed = await post(s, `/settings/lab-stages/${biselado.id}`, {
      name: 'Biselado y montaje',
      color: 'violet',
      outcome: '',
    });
    expect(renamed.status).toBe(303);
    expect(await named(s, 'Biselado y montaje')).toMatchObject({ id: biselado.id, color: 'violet' });

    // Up swaps with the stage before; the first stage going up changes nothing.
    const process = await named(s, 'En proceso');
    expect((await post(s, `/settings/lab-stages/${process.id}/move`, { direction: 'up' })).status).toBe(303);
    expect((await active(s)).slice(0, 3).map((stage) => stage.name)).toEqual([
      'Pendiente',
      'En proceso',
      'Enviado al laboratorio',
    ]);
    const first = await named(s, 'Pendiente');
    expect((await post(s, `/settings/lab-stages/${first.id}/move`, { direction: 'up' })).status).toBe(303);
    expect((await active(s))[0]!.name).toBe('Pendiente');
    expect((await post(s, `/settings/lab-stages/${process.id}/move`, { direction: 'sideways' })).status).toBe(422);
    // The board follows the new order.
    const board = await (await get(s.host, '/lab', { headers: { Cookie: s.cookie } })).text();
    const columns = [...board.matchAll(/<h2 id="stage-[^"]+">([^<]+)/g)].map((m) => m[1]!.trim());
    expect(columns.slice(0, 3)).toEqual(['Pendiente', 'En proceso', 'Enviado al laboratorio']);
    expect(columns.at(-1)).toBe('Biselado y montaje');
  });

  it('keeps exactly one initial stage when two admins mark different stages at once', { timeout: 60_000 }, async () => {
    const s = await shop('owner');
    const admin = { host: s.host, cookie: (await colleague(s, 'admin')).cookie };
    const sent = await named(s, 'Enviado al laboratorio');
    const process = await named(s, 'En proceso');
    const received = await named(s, 'Recibido');
    for (let round = 0; round < 3; round++) {
      const answers = await Promise.all([
        post(s, `/settings/lab-stages/${sent.id}/initial`),
        post(admin, `/settings/lab-stages/${process.id}/initial`),
        post(s, `/settings/lab-stages/${received.id}/initial`),
      ]);
      expect(answers.map((answer) => answer.status)).toEqual([303, 303, 303]);
      const initial = (await active(s)).filter((stage) => stage.isInitial);
      expect(initial).toHaveLength(1);
      expect([sent.id, process.id, received.id]).toContain(initial[0]!.id);
    }
    // A final stage cannot be the initial one; the initial stays where it was.
    const before = (await active(s)).find((stage) => stage.isInitial)!;
    const delivered = await named(s, 'Entregado');
    const refused = await post(s, `/settings/lab-stages/${delivered.id}/initial`);
    expect(refused.status).toBe(409);
    expect((await active(s)).filter((stage) => stage.isInitial).map((stage) => stage.id)).toEqual([before.id]);
    // Nor can the initial stage become final.
    const toFinal = await post(s, `/settings/lab-stages/${before.id}`, {
      name: before.name,
      color: before.color,
      outcome: 'delivered',
    });
    expect(toFinal.status).toBe(422);
    expect(await toFinal.text()).toContain('La etapa inicial no puede ser final');
  });

  it('archives a stage only without open orders (clear message otherwise), never the initial one', {
    timeout: 60_000,
  }, async () => {
    const s = await shop('owner');
    const [ana] = await s.db.insert(contacts).values({ name: 'Ana Pérez' }).returning();
    const received = await named(s, 'Recibido');
    const delivered = await named(s, 'Entregado');
    const [open1] = await s.db
      .insert(labOrders)
      .values([
        { branchId: s.main.id, customerId: ana!.id, stageId: received.id },
        { branchId: s.main.id, customerId: ana!.id, stageId: received.id },
      ])
      .returning();
    const refused = await post(s, `/settings/lab-stages/${received.id}/archive`);
    expect(refused.status).toBe(409);
    expect(await refused.text()).toContain('No se puede archivar «Recibido»: tiene 2 órdenes abiertas.');
    expect((await named(s, 'Recibido')).id).toBe(received.id);

    // A final stage holding only closed orders may go; so may Recibido once its orders moved on.
    await s.db
      .update(labOrders)
      .set({ stageId: delivered.id, closedAt: new Date() })
      .where(eq(labOrders.stageId, received.id));
    // Changing whether a stage is final while orders passed through it would leave them wrongly closed.
    const finalChange = await post(s, `/settings/lab-stages/${delivered.id}`, {
      name: 'Entregado',
      color: 'teal',
      outcome: '',
    });
    expect(finalChange.status).toBe(422);
    expect((await post(s, `/settings/lab-stages/${received.id}/archive`)).status).toBe(303);
    expect((await active(s)).map((stage) => stage.name)).not.toContain('Recibido');
    const board = await (await get(s.host, '/lab', { headers: { Cookie: s.cookie } })).text();
    expect(board).not.toContain(`data-stage-id="${received.id}"`);
    const [still] = await s.db.select().from(labOrders).where(eq(labOrders.id, open1!.id));
    expect(still!.stageId).toBe(delivered.id);

    const pending = await named(s, 'Pendiente');
    const initial = await post(s, `/settings/lab-stages/${pending.id}/archive`);
    expect(initial.status).toBe(409);
    expect(await initial.text()).toContain('es la etapa inicial');
    const stillInitial = await s.db
      .select()
      .from(labStages)
      .where(and(eq(labStages.id, pending.id), isNull(labStages.archivedAt)));
    expect(stillInitial).toHaveLength(1);
  });

  it('an archive racing a move into the stage never leaves an open order in an archived stage', {
    timeout: 60_000,
  }, async () => {
    const s = await shop('owner', { branchAccess: 'all' });
    const [ana] = await s.db.insert(contacts).values({ name: 'Ana Pérez' }).returning();
    const pending = await named(s, 'Pendiente');
    for (const name of ['Enviado al laboratorio', 'En proceso', 'Recibido', 'Listo para entregar']) {
      const target = await named(s, name);
      const [order] = await s.db
        .insert(labOrders)
        .values({ branchId: s.main.id, customerId: ana!.id, stageId: pending.id })
        .returning();
      const [archive, move] = await Promise.all([
        post(s, `/settings/lab-stages/${target.id}/archive`),
        postForm(
          s.host,
          '/lab/move',
          { orderId: order!.id, toStageId: target.id, expectedStageId: pending.id },
          { Cookie: s.cookie, 'HX-Request': 'true' },
        ),
      ]);
      const [stage] = await s.db.select().from(labStages).where(eq(labStages.id, target.id));
      const [row] = await s.db.select().from(labOrders).where(eq(labOrders.id, order!.id));
      // One of the two wins: archived with the order still waiting, or the order moved and the stage kept.
      if (stage!.archivedAt) {
        expect(row!.stageId, name).toBe(pending.id);
        expect(archive.status).toBe(303);
        expect(move.status).toBe(422);
      } else {
        expect(row!.stageId, name).toBe(target.id);
        expect(archive.status).toBe(409);
        expect(move.status).toBe(200);
      }
    }
  });

  it('is for owners and admins only', { timeout: 60_000 }, async () => {
    const s = await shop('owner');
    const seller = { host: s.host, cookie: (await colleague(s, 'ventas')).cookie };
    const pending = await named(s, 'Pendiente');
    expect((await get(s.host, '/settings/lab-stages', { headers: { Cookie: seller.cookie } })).status).toBe(403);
    expect((await post(seller, '/settings/lab-stages', { name: 'Nueva', color: 'gray', outcome: '' })).status).toBe(
      403,
    );
    expect((await post(seller, `/settings/lab-stages/${pending.id}/archive`)).status).toBe(403);
    expect(await active(s)).toHaveLength(7);
    // The board itself is for everyone, without the settings link.
    const board = await get(s.host, '/lab', { headers: { Cookie: seller.cookie } });
    expect(board.status).toBe(200);
    expect(await board.text()).not.toContain('href="/settings/lab-stages"');
  });
});

describe('lab stage isolation', () => {
  it('another shop’s stage cannot be renamed, moved, made initial or archived by id (404), nor appears', {
    timeout: 60_000,
  }, async () => {
    const mine = await shop('owner');
    const theirs = await shop('owner');
    const target = await named(theirs, 'En proceso');
    for (const [path, fields] of [
      [`/settings/lab-stages/${target.id}`, { name: 'Robada', color: 'red', outcome: '' }],
      [`/settings/lab-stages/${target.id}/move`, { direction: 'up' }],
      [`/settings/lab-stages/${target.id}/initial`, {}],
      [`/settings/lab-stages/${target.id}/archive`, {}],
    ] as const)
      expect((await post(mine, path, fields)).status, path).toBe(404);
    expect(await named(theirs, 'En proceso')).toEqual(target);
    expect((await active(theirs)).find((stage) => stage.isInitial)!.name).toBe('Pendiente');
    const page = await (await get(mine.host, '/settings/lab-stages', { headers: { Cookie: mine.cookie } })).text();
    expect(page).not.toContain(target.id);
  });
});
