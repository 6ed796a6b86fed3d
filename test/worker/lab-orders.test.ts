/**
 * Lab orders: creation with the Rx copied, the detail page and its timeline, the atomic stage move
 * (simultaneous moves, delivery with an open balance), notes, photos and the ticket.
 */
import { and, asc, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import {
  catalogValues,
  fiscalSequences,
  invoices,
  labOrderEvents,
  labOrders,
  prescriptions,
  quotations,
  shopEvents,
} from '../../src/db/tenant-schema';
import { shopToday } from '../../src/domain/dates';
import { api, apiJson } from '../support/worker/api';
import { countRoundTrips, get, postForm } from '../support/worker/helpers';
import {
  createOrder,
  insertRx,
  issuedInvoice,
  labShop,
  postMultipart,
  type LabShop,
} from '../support/worker/lab-orders';

const move = (s: LabShop, id: string, fields: Record<string, string>, headers: Record<string, string> = {}) =>
  postForm(s.host, `/lab-orders/${id}/move`, fields, { Cookie: s.cookie, ...headers });

describe('lab orders', { timeout: 60_000 }, () => {
  it("copies the customer's latest Rx into a new order; a later prescription never changes it", async () => {
    const s = await labShop();
    await insertRx(s, { examinedOn: '2023-01-10', odSphere: '-1.00' });
    const latest = await insertRx(s, {
      examinedOn: '2024-06-01',
      odSphere: '-2.25',
      odCylinder: '-0.75',
      odAxis: 180,
      odAdd: '2.00',
      odPd: '31.5',
      odHeight: '18.0',
      oiSphere: '-2.00',
      oiPrism: '1.00',
      oiPrismBase: 'in',
      pd: '63.0',
    });
    const form = await get(s.host, `/lab-orders/new?customerId=${s.customer.id}`, { headers: { Cookie: s.cookie } });
    expect(form.status).toBe(200);
    expect(await form.text()).toContain('Laboratorio Óptico Caribe');

    const order = await createOrder(s, {
      labId: s.lab.id,
      lensMaterial: 'Policarbonato',
      lensIndex: '1.67',
      treatments: 'Antirreflejo',
      frameDescription: 'Ray-Ban RB5154 negra',
      frameA: '51',
      frameB: '40,5',
      frameDbl: '21',
      promisedOn: shopToday(),
      priority: 'urgent',
    });
    expect(order.prescriptionId).toBe(latest.id);
    expect([
      order.odSphere,
      order.odCylinder,
      order.odAxis,
      order.odAdd,
      order.oiPrism,
      order.oiPrismBase,
      order.pd,
    ]).toEqual(['-2.25', '-0.75', 180, '2.00', '1.00', 'in', '63.0']);
    expect([order.frameB, order.lensIndex, order.treatments, order.priority]).toEqual([
      '40.5',
      '1.67',
      ['Antirreflejo'],
      'urgent',
    ]);
    expect(order.stageId).toBe(s.stage('Pendiente').id);

    const timeline = await s.db.select().from(labOrderEvents).where(eq(labOrderEvents.labOrderId, order.id));
    expect(timeline.map((row) => [row.kind, row.toStageId])).toEqual([['created', s.stage('Pendiente').id]]);
    const events = await s.db.select().from(shopEvents).where(eq(shopEvents.subjectId, order.id));
    expect(events.map((row) => [row.type, row.key])).toEqual([
      ['lab_order.stage_entered', `lab_order.stage_entered:${timeline[0]!.id}`],
    ]);

    // A newer prescription (and an edit of the copied one) leave the order's Rx as it was.
    await insertRx(s, { examinedOn: '2025-01-01', odSphere: '-4.00' });
    await s.db.update(prescriptions).set({ odSphere: '-9.00' }).where(eq(prescriptions.id, latest.id));
    const [after] = await s.db.select().from(labOrders).where(eq(labOrders.id, order.id));
    expect(after!.odSphere).toBe('-2.25');
    const page = await (await get(s.host, `/lab-orders/${order.id}`, { headers: { Cookie: s.cookie } })).text();
    expect(page).toContain('-2.25');
    expect(page).not.toContain('-4.00');
    expect(page).toContain('Ray-Ban RB5154 negra');
    expect(page).toContain(`LAB-${String(order.number).padStart(6, '0')}`);
  });

  it('refuses bad input with 422 and field messages', async () => {
    const s = await labShop();
    const response = await postForm(
      s.host,
      '/lab-orders',
      {
        customerId: s.customer.id,
        promisedOn: '2020-01-01',
        lensType: 'telescopico',
        labId: s.customer.id, // a customer, not a supplier
        frameA: '5',
      },
      { Cookie: s.cookie },
    );
    expect(response.status).toBe(422);
    const html = await response.text();
    expect(html).toContain('La fecha prometida no puede ser anterior a hoy.');
    expect(html).toContain('Elige una opción de la lista.');
    expect(html).toContain('Escribe una medida en mm');
    expect(await s.db.select().from(labOrders)).toHaveLength(0);
    const labOnly = await postForm(
      s.host,
      '/lab-orders',
      { customerId: s.customer.id, labId: s.customer.id },
      { Cookie: s.cookie },
    );
    expect(labOnly.status).toBe(422);
    expect(await labOnly.text()).toContain('El laboratorio debe ser un contacto proveedor.');
  });

  it('describes the lens with the shop’s catalogue lists: a value added there is offered and taken, an archived one stays where it is', async () => {
    const s = await labShop('owner');
    // The shop adds its own treatment on the catalogue screen; the order form offers it.
    expect(
      (await postForm(s.host, '/catalog', { list: 'treatments', value: 'Espejado' }, { Cookie: s.cookie })).status,
    ).toBe(303);
    const form = await (
      await get(s.host, `/lab-orders/new?customerId=${s.customer.id}`, { headers: { Cookie: s.cookie } })
    ).text();
    for (const offered of ['value="Progresivo"', 'value="Alto índice"', 'value="1.74"', 'value="Espejado"'])
      expect(form).toContain(offered);
    const created = await apiJson(s.host, '/lab-orders', s.bearer, {
      method: 'POST',
      body: JSON.stringify({
        customerId: s.customer.id,
        lensType: 'Ocupacional',
        lensMaterial: 'Trivex',
        treatments: ['Espejado', 'Antirreflejo'],
      }),
    });
    expect(created.status).toBe(201);
    const [order] = await s.db.select().from(labOrders).where(eq(labOrders.id, created.body.id));
    expect([order!.lensType, order!.lensMaterial, order!.treatments]).toEqual([
      'Ocupacional',
      'Trivex',
      ['Espejado', 'Antirreflejo'],
    ]);
    // Archived: the order keeps it (its edit form still shows it and saves it), a new order cannot take it.
    await s.db.update(catalogValues).set({ active: false }).where(eq(catalogValues.value, 'Espejado'));
    const edit = await (await get(s.host, `/lab-orders/${order!.id}/edit`, { headers: { Cookie: s.cookie } })).text();
    expect(edit).toContain('value="Espejado"');
    const kept = await postForm(
      s.host,
      `/lab-orders/${order!.id}/edit`,
      { lensType: 'Ocupacional', lensMaterial: 'Trivex', treatments: 'Espejado', tint: 'Gris' },
      { Cookie: s.cookie },
    );
    expect(kept.status).toBe(303);
    const [after] = await s.db.select().from(labOrders).where(eq(labOrders.id, order!.id));
    expect([after!.treatments, after!.tint]).toEqual([['Espejado'], 'Gris']);
    const refused = await postForm(
      s.host,
      '/lab-orders',
      { customerId: s.customer.id, treatments: 'Espejado' },
      { Cookie: s.cookie },
    );
    expect(refused.status).toBe(422);
    expect(await refused.text()).toContain('Elige una opción de la lista.');
    expect(await s.db.select().from(labOrders)).toHaveLength(1);
    // The print shows the values as the lists name them.
    const print = await (await get(s.host, `/lab-orders/${order!.id}/print`, { headers: { Cookie: s.cookie } })).text();
    expect(print).toContain('Ocupacional · Trivex');
  });

  it('of 20 simultaneous moves of one order from the same stage exactly one wins; the rest get 409 with the current stage', async () => {
    const s = await labShop();
    const order = await createOrder(s);
    const from = s.stage('Pendiente').id;
    const targets = ['Enviado al laboratorio', 'En proceso', 'Recibido', 'Listo para entregar'];
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        move(s, order.id, { expectedStageId: from, toStageId: s.stage(targets[index % targets.length]!).id }),
      ),
    );
    const statuses = responses.map((response) => response.status);
    expect(statuses.filter((status) => status === 303)).toHaveLength(1);
    expect(statuses.filter((status) => status === 409)).toHaveLength(19);
    const [after] = await s.db.select().from(labOrders).where(eq(labOrders.id, order.id));
    expect(after!.version).toBe(order.version + 1);
    const winner = s.stage(targets[statuses.indexOf(303) % targets.length]!);
    expect(after!.stageId).toBe(winner.id);
    const loser = await responses.find((response) => response.status === 409)!.text();
    expect(loser).toContain(`ahora está en «${winner.name}»`);
    const moved = await s.db
      .select()
      .from(labOrderEvents)
      .where(and(eq(labOrderEvents.labOrderId, order.id), eq(labOrderEvents.kind, 'moved')));
    expect(moved.map((row) => [row.fromStageId, row.toStageId])).toEqual([[from, winner.id]]);
    const events = await s.db.select().from(shopEvents).where(eq(shopEvents.subjectId, order.id));
    expect(events).toHaveLength(2); // created + the one move
    expect(events.map((row) => row.key)).toContain(`lab_order.stage_entered:${moved[0]!.id}`);
  });

  it('delivery with an open invoice balance needs a reason; final stages close the order, leaving one reopens it', async () => {
    const s = await labShop();
    const invoice = await issuedInvoice(s, '8500.00', '5000.00');
    const order = await createOrder(s, { invoiceId: invoice.id });
    const ready = s.stage('Listo para entregar').id;
    const delivered = s.stage('Entregado').id;
    expect((await move(s, order.id, { expectedStageId: s.stage('Pendiente').id, toStageId: ready })).status).toBe(303);

    const refused = await move(s, order.id, { expectedStageId: ready, toStageId: delivered });
    expect(refused.status).toBe(409);
    const html = await refused.text();
    expect(html).toContain('RD$ 3,500.00');
    expect(html).toContain(`/invoices/${invoice.id}/payments/new`);
    expect((await s.db.select().from(labOrders).where(eq(labOrders.id, order.id)))[0]!.stageId).toBe(ready);

    const allowed = await move(s, order.id, {
      expectedStageId: ready,
      toStageId: delivered,
      overrideReason: 'Cliente paga el viernes',
    });
    expect(allowed.status).toBe(303);
    const [closed] = await s.db.select().from(labOrders).where(eq(labOrders.id, order.id));
    expect(closed!.closedAt).not.toBeNull();
    expect(closed!.deliveryOverrideReason).toBe('Cliente paga el viernes');
    const page = await (await get(s.host, `/lab-orders/${order.id}`, { headers: { Cookie: s.cookie } })).text();
    expect(page).toContain('Entregada con saldo pendiente: Cliente paga el viernes');

    // Back out of the final stage: open again.
    expect((await move(s, order.id, { expectedStageId: delivered, toStageId: ready })).status).toBe(303);
    expect((await s.db.select().from(labOrders).where(eq(labOrders.id, order.id)))[0]!.closedAt).toBeNull();

    // Paid in full: delivery needs no reason.
    await s.db.update(invoices).set({ paidTotal: '8500.00' }).where(eq(invoices.id, invoice.id));
    const paid = await createOrder(s, { invoiceId: invoice.id });
    expect((await move(s, paid.id, { expectedStageId: s.stage('Pendiente').id, toStageId: delivered })).status).toBe(
      303,
    );
    expect(
      (await s.db.select().from(labOrders).where(eq(labOrders.id, paid.id)))[0]!.deliveryOverrideReason,
    ).toBeNull();
  });

  it('moves with htmx swap the stage panel; notes and photos land on the timeline; the page is one round trip', async () => {
    const s = await labShop();
    const order = await createOrder(s);
    const swapped = await move(
      s,
      order.id,
      { expectedStageId: s.stage('Pendiente').id, toStageId: s.stage('En proceso').id },
      { 'HX-Request': 'true' },
    );
    expect(swapped.status).toBe(200);
    const fragment = await swapped.text();
    expect(fragment).toContain('id="lab-stage"');
    expect(fragment).toContain('En proceso');
    expect(fragment).not.toContain('<html');

    expect((await postForm(s.host, `/lab-orders/${order.id}/notes`, { note: '' }, { Cookie: s.cookie })).status).toBe(
      422,
    );
    expect(
      (
        await postForm(
          s.host,
          `/lab-orders/${order.id}/notes`,
          { note: 'Lente OD rayado, repetir' },
          { Cookie: s.cookie },
        )
      ).status,
    ).toBe(303);

    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 73, 72, 68, 82]);
    const upload = (bytes: Uint8Array, name: string) => {
      const body = new FormData();
      body.set('photo', new File([bytes], name, { type: 'image/png' }));
      return postMultipart(s, `/lab-orders/${order.id}/photos`, body);
    };
    expect((await upload(png, 'montura.png')).status).toBe(303);
    // Declared PNG, but the bytes are text: refused by the magic bytes.
    const fake = await upload(new TextEncoder().encode('<svg onload=alert(1)>'), 'montura.png');
    expect(fake.status).toBe(422);
    expect(await fake.text()).toContain('La foto debe ser JPEG, PNG o WebP.');

    const timeline = await s.db
      .select()
      .from(labOrderEvents)
      .where(eq(labOrderEvents.labOrderId, order.id))
      .orderBy(asc(labOrderEvents.createdAt));
    expect(timeline.map((row) => row.kind)).toEqual(['created', 'moved', 'note', 'photo']);
    const photo = timeline[3]!;
    expect(photo.photoKey).toMatch(new RegExp(`^lab-orders/${order.id}/`));
    const served = await get(s.host, `/lab-orders/${order.id}/photos/${photo.id}`, { headers: { Cookie: s.cookie } });
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe('image/png');
    expect(new Uint8Array(await served.arrayBuffer())).toEqual(png);
    expect((await get(s.host, `/lab-orders/${order.id}/photos/${photo.id}`, { redirect: 'manual' })).status).toBe(303);

    let html = '';
    const trips = await countRoundTrips(`optiflow_${s.tenant.id}`, async () => {
      html = await (await get(s.host, `/lab-orders/${order.id}`, { headers: { Cookie: s.cookie } })).text();
    });
    expect(trips).toBe(1);
    // Newest first: the photo, then the note, the move, the creation.
    const at = (text: string) => html.indexOf(text);
    expect(at('Lente OD rayado')).toBeGreaterThan(at(`/photos/${photo.id}`));
    expect(at('Movida de «Pendiente» a «En proceso»')).toBeGreaterThan(at('Lente OD rayado'));
    expect(at('Orden creada en «Pendiente»')).toBeGreaterThan(at('Movida de'));
  });

  it('prints the ticket in A4 and 80 mm without prices, and with the invoice lines when asked', async () => {
    const s = await labShop();
    await insertRx(s, { examinedOn: '2024-06-01', odSphere: '-2.25', oiSphere: '-1.50', odAxis: 90 });
    const invoice = await issuedInvoice(s, '8500.00');
    const order = await createOrder(s, { invoiceId: invoice.id, tint: 'Gris 50 %', notes: 'Montaje con cuidado' });
    for (const format of ['a4', '80mm']) {
      const response = await get(s.host, `/lab-orders/${order.id}/print?format=${format}`, {
        headers: { Cookie: s.cookie },
      });
      expect(response.status).toBe(200);
      const html = await response.text();
      expect(html).toContain(`print-${format}`);
      expect(html).toContain(`LAB-${String(order.number).padStart(6, '0')}`);
      expect(html).toContain('Ana Lucía Reyes');
      expect(html).toContain('8095551234');
      expect(html).toContain('-2.25');
      expect(html).toContain('Gris 50 %');
      expect(html).not.toContain('Lentes progresivos antirreflejo');
      expect(html).not.toContain('8,500.00');
    }
    const priced = await (
      await get(s.host, `/lab-orders/${order.id}/print?format=a4&prices=1`, { headers: { Cookie: s.cookie } })
    ).text();
    expect(priced).toContain('Lentes progresivos antirreflejo');
    expect(priced).toContain('RD$ 8,500.00');
  });

  it('starts an order from an invoice with its customer, branch and lines', async () => {
    const s = await labShop();
    const invoice = await issuedInvoice(s, '8500.00');
    const form = await get(s.host, `/lab-orders/new?invoiceId=${invoice.id}`, { headers: { Cookie: s.cookie } });
    expect(form.status).toBe(200);
    const html = await form.text();
    expect(html).toContain('Ana Lucía Reyes');
    expect(html).toContain(`name="invoiceId" value="${invoice.id}"`);
    expect(html).toContain('Lentes progresivos antirreflejo');
    expect(
      (await get(s.host, `/lab-orders/new?invoiceId=${crypto.randomUUID()}`, { headers: { Cookie: s.cookie } })).status,
    ).toBe(404);
  });
});

describe('lab orders API', { timeout: 60_000 }, () => {
  it('creates, lists with a cursor, moves (409 with the current stage for a stale move) and adds notes', async () => {
    const s = await labShop('owner');
    await insertRx(s, { examinedOn: '2024-06-01', odSphere: '-1.75' });
    // The body's shape first (a date in the past), then the shop's lists (an index the list lacks).
    for (const [body, field] of [
      [{ promisedOn: '2001-01-01', frameA: '5' }, ['frameA', 'promisedOn']],
      [{ lensIndex: '2.00', treatments: ['Antirreflejo', 'Dorado'] }, ['lensIndex', 'treatments']],
    ] as const) {
      const bad = await api(s.host, '/lab-orders', s.bearer, {
        method: 'POST',
        body: JSON.stringify({ customerId: s.customer.id, ...body }),
      });
      expect(bad.status).toBe(422);
      expect(bad.headers.get('content-type')).toContain('application/problem+json');
      const problem = (await bad.json()) as { errors: Array<{ field: string }> };
      expect(problem.errors.map((error) => error.field).sort()).toEqual(field);
    }

    const ids: string[] = [];
    for (const lensType of ['Monofocal', 'Bifocal', 'Progresivo']) {
      const created = await apiJson(s.host, '/lab-orders', s.bearer, {
        method: 'POST',
        body: JSON.stringify({
          customerId: s.customer.id,
          lensType,
          treatments: ['Polarizado', 'Antirreflejo'],
          labId: s.lab.id,
        }),
      });
      expect(created.status).toBe(201);
      expect(created.body.od.sphere).toBe('-1.75');
      expect(created.body.stage.name).toBe('Pendiente');
      expect(created.body.lab.name).toBe('Laboratorio Óptico Caribe');
      ids.push(created.body.id);
    }
    const first = await apiJson(s.host, '/lab-orders?limit=2', s.bearer);
    expect(first.body.data.map((row: { id: string }) => row.id)).toEqual([ids[2], ids[1]]);
    const second = await apiJson(s.host, `/lab-orders?limit=2&cursor=${first.body.nextCursor}`, s.bearer);
    expect(second.body.data.map((row: { id: string }) => row.id)).toEqual([ids[0]]);
    expect(second.body.nextCursor).toBeNull();

    const body = (to: string) =>
      JSON.stringify({ expectedStageId: s.stage('Pendiente').id, toStageId: s.stage(to).id });
    const moved = await apiJson(s.host, `/lab-orders/${ids[0]}/move`, s.bearer, {
      method: 'POST',
      body: body('En proceso'),
    });
    expect(moved.status).toBe(200);
    expect([moved.body.stage.name, moved.body.version]).toEqual(['En proceso', 2]);
    const stale = await api(s.host, `/lab-orders/${ids[0]}/move`, s.bearer, { method: 'POST', body: body('Recibido') });
    expect(stale.status).toBe(409);
    expect(stale.headers.get('content-type')).toContain('application/problem+json');
    expect(((await stale.json()) as { currentStage: { name: string } }).currentStage.name).toBe('En proceso');

    const note = await api(s.host, `/lab-orders/${ids[0]}/notes`, s.bearer, {
      method: 'POST',
      body: JSON.stringify({ note: 'Llamar al cliente' }),
    });
    expect(note.status).toBe(204);
    const events = await apiJson(s.host, `/lab-orders/${ids[0]}/events`, s.bearer);
    expect(events.body.data.map((row: { kind: string }) => row.kind)).toEqual(['note', 'moved', 'created']);
  });
});

describe('lab orders edit and entry points', { timeout: 60_000 }, () => {
  it('edits the order’s own fields (never its Rx), writes an edited row, and is linked from the invoice and the prescription', async () => {
    const s = await labShop('owner');
    const rx = await insertRx(s, { examinedOn: '2024-06-01', odSphere: '-1.25' });
    const invoice = await issuedInvoice(s, '1000.00');
    const order = await createOrder(s, { invoiceId: invoice.id });
    const form = await get(s.host, `/lab-orders/${order.id}/edit`, { headers: { Cookie: s.cookie } });
    expect(form.status).toBe(200);
    const refused = await postForm(
      s.host,
      `/lab-orders/${order.id}/edit`,
      { lensMaterial: 'vidrio' },
      { Cookie: s.cookie },
    );
    expect(refused.status).toBe(422);
    const saved = await postForm(
      s.host,
      `/lab-orders/${order.id}/edit`,
      { lensType: 'Bifocal', tint: 'Marrón', odSphere: '+9.00', customerId: crypto.randomUUID() },
      { Cookie: s.cookie },
    );
    expect(saved.status).toBe(303);
    const [after] = await s.db.select().from(labOrders).where(eq(labOrders.id, order.id));
    expect([after!.lensType, after!.tint, after!.odSphere, after!.customerId, after!.version]).toEqual([
      'Bifocal',
      'Marrón',
      '-1.25',
      s.customer.id,
      order.version + 1,
    ]);
    const kinds = (await s.db.select().from(labOrderEvents).where(eq(labOrderEvents.labOrderId, order.id))).map(
      (row) => row.kind,
    );
    expect(kinds.sort()).toEqual(['created', 'edited']);

    const invoicePage = await (await get(s.host, `/invoices/${invoice.id}`, { headers: { Cookie: s.cookie } })).text();
    expect(invoicePage).toContain(`/lab-orders/new?invoiceId=${invoice.id}`);
    const rxPage = await (await get(s.host, `/prescriptions/${rx.id}`, { headers: { Cookie: s.cookie } })).text();
    expect(rxPage).toContain(`/lab-orders/new?prescriptionId=${rx.id}`);
    const fromRx = await (
      await get(s.host, `/lab-orders/new?prescriptionId=${rx.id}`, { headers: { Cookie: s.cookie } })
    ).text();
    expect(fromRx).toContain('Ana Lucía Reyes');
    expect(fromRx).toMatch(new RegExp(`<option value="${rx.id}" selected`));

    const [sequence] = await s.db.select().from(fiscalSequences).limit(1);
    const [quotation] = await s.db
      .insert(quotations)
      .values({
        number: 'COT-LAB-1',
        sequenceId: sequence!.id,
        customerId: s.customer.id,
        branchId: s.main.id,
        currencyCode: 'DOP',
        status: 'sent',
        quotedOn: shopToday(),
        validUntil: '2099-01-01',
      })
      .returning();
    const quotationPage = await (
      await get(s.host, `/quotations/${quotation!.id}`, { headers: { Cookie: s.cookie } })
    ).text();
    expect(quotationPage).toContain(`/lab-orders/new?quotationId=${quotation!.id}`);
    const fromQuotation = await createOrder(s, { quotationId: quotation!.id });
    expect(fromQuotation.quotationId).toBe(quotation!.id);
  });
});
