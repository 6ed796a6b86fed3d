import { and, eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../../src/auth/crypto';
import {
  contacts,
  labOrders,
  labStages,
  prescriptions,
  quotations,
  shareLinks,
  shopEvents,
} from '../../src/db/tenant-schema';
import type { SessionUser } from '../../src/auth/session';
import { moveLabOrder } from '../../src/services/shop/lab-orders';
import { issueShareLink, shareLinkForEvent } from '../../src/services/shop/share-links';
import { type Db, documentsShop, insertInvoice, insertPayment, insertQuotation } from '../support/worker/documents';
import { api } from '../support/worker/api';
import { countRoundTrips, get, postForm, signedIn, tenantContext, testEnv } from '../support/worker/helpers';

type DocShop = Awaited<ReturnType<typeof documentsShop>>;

/** The token of the URL a share page shows once, on the shop's own host (SHOP_ORIGIN: http://{host}:8787). */
function tokenFrom(page: string, host: string): string {
  const match = new RegExp(`value="http://${host.replace(/\./g, '\\.')}:8787/share/([A-Za-z0-9_-]{43})"`).exec(page);
  expect(match, 'share URL on the page').not.toBeNull();
  return match![1]!;
}

async function createLink(s: DocShop, base: string, days = '7') {
  const response = await postForm(s.host, `${base}/share-links`, { days }, { Cookie: s.cookie });
  expect(response.status).toBe(200);
  const page = await response.text();
  return { token: tokenFrom(page, s.host), page };
}

async function customer(db: Db, values: Partial<typeof contacts.$inferInsert> = {}) {
  const [row] = await db
    .insert(contacts)
    .values({ name: 'María Fernanda Pérez Almonte', phone: '809-555-1234', email: 'maria@example.com', ...values })
    .returning();
  return row!;
}

async function stageNamed(db: Db, name: string) {
  const [stage] = await db.select().from(labStages).where(eq(labStages.name, name));
  return stage!;
}

async function insertLabOrder(s: DocShop, customerId: string) {
  const initial = await stageNamed(s.db, 'Pendiente');
  const [order] = await s.db
    .insert(labOrders)
    .values({
      branchId: s.branch.id,
      customerId,
      stageId: initial.id,
      promisedOn: '2026-12-18',
      odSphere: '-2.25',
      oiSphere: '-1.75',
      odCylinder: '-0.50',
      odAxis: 90,
      lensType: 'Progresivo',
      notes: 'Cliente exigente, revisar montura',
    })
    .returning();
  return order!;
}

async function insertPrescription(s: DocShop, patientId: string) {
  const [rx] = await s.db
    .insert(prescriptions)
    .values({
      patientId,
      branchId: s.branch.id,
      examinedOn: '2026-11-20',
      odSphere: '-3.25',
      oiSphere: '-2.75',
      diagnosis: 'Miopía',
      notes: 'Nota interna del optometrista',
      biomicroscopy: 'Hallazgo interno',
    })
    .returning();
  return rx!;
}

/** The signed-in owner as a service sees them (what shopContext(c) builds from the session). */
function actorOf(s: DocShop): SessionUser {
  return {
    sessionHash: 'test',
    id: s.user.id,
    email: 'owner@example.com',
    name: 'Dueña',
    role: 'owner',
    shopName: 'Óptica Visión Clara',
    logoKey: null,
    branches: [{ id: s.branch.id, name: s.branch.name }],
    branch: null,
    impersonatedBy: null,
    needsTouch: false,
  } as SessionUser;
}

function expectPrivate(response: Response) {
  expect(response.headers.get('x-robots-tag')).toContain('noindex');
  expect(response.headers.get('referrer-policy')).toBe('no-referrer');
  expect(response.headers.get('cache-control')).toContain('no-store');
}

describe('share links for every document', { timeout: 60_000 }, () => {
  it('shares a quotation: only the hash stored, quotation.shared emitted with the link, the print view opens without a cookie', async () => {
    const s = await documentsShop();
    const maria = await customer(s.db);
    const quotation = await insertQuotation(s.db, { branchId: s.branch.id, customerId: maria.id });
    const { token, page } = await createLink(s, `/quotations/${quotation.id}`, '5');
    // The WhatsApp button carries the customer's first name, the quotation and the URL.
    const wa = /href="(https:\/\/wa\.me\/18095551234\?text=[^"]+)"/.exec(page);
    expect(wa, 'wa.me link').not.toBeNull();
    const text = decodeURIComponent(new URL(wa![1]!.replace(/&amp;/g, '&')).searchParams.get('text')!);
    expect(text).toContain('Hola María,');
    expect(text).toContain(quotation.number);
    expect(text).toContain(`/share/${token}`);

    const [link] = await s.db.select().from(shareLinks).where(eq(shareLinks.quotationId, quotation.id));
    expect(link!.tokenHash).toBe(await sha256Hex(token));
    expect(link!.invoiceId).toBeNull();
    expect((link!.expiresAt.getTime() - link!.createdAt.getTime()) / 86_400_000).toBeCloseTo(5, 3);
    const events = await s.db.select().from(shopEvents).where(eq(shopEvents.type, 'quotation.shared'));
    expect(events.map((e) => [e.key, e.subjectId])).toEqual([[`quotation.shared:${link!.id}`, quotation.id]]);

    const opened = await get(s.host, `/share/${token}`);
    expect(opened.status).toBe(200);
    expectPrivate(opened);
    const body = await opened.text();
    expect(body).toContain(quotation.number);
    expect(body).toContain('Examen visual');
    expect(body).not.toContain('/company/logo');
    expect(body).not.toContain(`href="/quotations/${quotation.id}"`);
    const [after] = await s.db.select().from(shareLinks).where(eq(shareLinks.id, link!.id));
    expect(after!.lastOpenedAt).not.toBeNull();
    // The share page (links, customer, label) is one round trip, the session check included.
    const database = `optiflow_${s.tenant.id}`;
    const sharePage = () =>
      get(s.host, `/quotations/${quotation.id}/share-links`, { headers: { Cookie: s.cookie } }).then((r) => r.text());
    expect(await countRoundTrips(database, sharePage)).toBe(1);
    // The 80 mm format switch works on the public copy too.
    expect(await (await get(s.host, `/share/${token}?format=80mm`)).text()).toContain('print-80mm');
  });

  it('shares a prescription as the patient may see it: the Rx, no internal notes', async () => {
    const s = await documentsShop();
    const maria = await customer(s.db);
    const rx = await insertPrescription(s, maria.id);
    const { token } = await createLink(s, `/prescriptions/${rx.id}`);
    const [link] = await s.db.select().from(shareLinks).where(eq(shareLinks.prescriptionId, rx.id));
    expect(link).toBeDefined();
    const opened = await get(s.host, `/share/${token}`);
    expect(opened.status).toBe(200);
    expectPrivate(opened);
    const body = await opened.text();
    expect(body).toContain('María Fernanda Pérez Almonte');
    expect(body).toContain('-3.25');
    expect(body).toContain('Miopía');
    expect(body).not.toContain('Nota interna del optometrista');
    expect(body).not.toContain('Hallazgo interno');
    expect(body).not.toContain(`href="/prescriptions/${rx.id}"`);
  });

  it('shares a payment receipt; a voided payment can no longer be shared or opened', async () => {
    const s = await documentsShop();
    const maria = await customer(s.db);
    const invoice = await insertInvoice(s.db, { branchId: s.branch.id, customerId: maria.id });
    const payment = await insertPayment(s.db, {
      invoiceId: invoice.id,
      branchId: s.branch.id,
      amount: '500.00',
      number: `REC-${Math.floor(Math.random() * 1e8)}`,
    });
    const { token } = await createLink(s, `/payments/${payment.id}`);
    const opened = await get(s.host, `/share/${token}`);
    expect(opened.status).toBe(200);
    const body = await opened.text();
    expect(body).toContain(payment.number);
    expect(body).toContain('500.00');

    await s.db.execute(sql`UPDATE payments SET status = 'voided' WHERE id = ${payment.id}::uuid`);
    expect((await get(s.host, `/share/${token}`)).status).toBe(404);
    const refused = await postForm(s.host, `/payments/${payment.id}/share-links`, { days: '7' }, { Cookie: s.cookie });
    expect(refused.status).toBe(409);
    expect(await s.db.select().from(shareLinks).where(eq(shareLinks.paymentId, payment.id))).toHaveLength(1);
  });

  it('issues a lab order link from a job (no request, no actor) on the shop host; the status page follows the stage and shows no price, Rx or notes', async () => {
    const s = await documentsShop();
    const maria = await customer(s.db);
    const order = await insertLabOrder(s, maria.id);
    const job = await tenantContext(s.tenant.id);
    const issued = await issueShareLink(
      { db: job.db, tenant: job.tenant, env: testEnv },
      { kind: 'lab_order', id: order.id },
    );
    const url = new URL(issued.url);
    expect(url.origin).toBe(`http://${s.host}:8787`);
    const [link] = await s.db.select().from(shareLinks).where(eq(shareLinks.id, issued.id));
    expect(link!.labOrderId).toBe(order.id);
    expect(link!.createdBy).toBeNull();
    expect(link!.expiresAt.toISOString()).toBe(new Date(issued.expiresAt).toISOString());

    const statusPage = async () => {
      const response = await get(s.host, url.pathname);
      expect(response.status).toBe(200);
      expectPrivate(response);
      return response.text();
    };
    const first = await statusPage();
    expect(first).toContain('¿Ya están listos mis lentes?');
    expect(first).toContain('Hola, María.');
    expect(first).not.toContain('Pérez');
    expect(first).toContain(`LAB-${String(order.number).padStart(6, '0')}`);
    expect(first).toContain('Recibimos su orden');
    expect(first).toContain('18/12/2026');
    expect(first).toContain('Óptica Visión Clara');
    expect(first).toContain('Av. Churchill 12');
    expect(first).toContain('https://wa.me/18095550101');
    for (const secret of ['-2.25', '-1.75', '-0.50', 'Progresivo', 'Cliente exigente', 'RD$', '0.00']) {
      expect(first, secret).not.toContain(secret);
    }

    // Each stage in the customer's words, after the board's own move (moveLabOrder).
    expect(first).toContain('class="status-phase status-initial"><strong>Recibimos su orden</strong>');
    const expectations: Array<[string, string, string]> = [
      ['Enviado al laboratorio', 'lab', 'En el laboratorio'],
      ['Recibido', 'lab', 'En el laboratorio'],
      ['Listo para entregar', 'ready', 'Listo para recoger'],
      ['Entregado', 'delivered', 'Entregado'],
      ['Cancelado', 'cancelled', 'Cancelado'],
    ];
    const owner = { ...job, env: testEnv, requestId: 'test', actor: actorOf(s) };
    let current = order.stageId;
    for (const [stage, phase, words] of expectations) {
      const target = await stageNamed(s.db, stage);
      await moveLabOrder(owner, order.id, { toStageId: target.id, expectedStageId: current });
      current = target.id;
      const page = await statusPage();
      expect(page, stage).toContain(`class="status-phase status-${phase}"><strong>${words}</strong>`);
    }
  });

  it('answers expired, revoked, forged and malformed tokens of any kind with one neutral 404', async () => {
    const s = await documentsShop();
    const maria = await customer(s.db);
    const order = await insertLabOrder(s, maria.id);
    const quotation = await insertQuotation(s.db, { branchId: s.branch.id, customerId: maria.id });
    const lab = await createLink(s, `/lab-orders/${order.id}`);
    const quote = await createLink(s, `/quotations/${quotation.id}`);
    await s.db
      .update(shareLinks)
      .set({ expiresAt: sql`now() - interval '1 second'` })
      .where(eq(shareLinks.labOrderId, order.id));
    const [quoteLink] = await s.db.select().from(shareLinks).where(eq(shareLinks.quotationId, quotation.id));
    const revoke = await postForm(
      s.host,
      `/quotations/${quotation.id}/share-links/${quoteLink!.id}/revoke`,
      {},
      { Cookie: s.cookie },
    );
    expect(revoke.status).toBe(303);
    expect(revoke.headers.get('location')).toBe(`/quotations/${quotation.id}/share-links?revoked=1`);
    const listed = await (
      await get(s.host, `/quotations/${quotation.id}/share-links?revoked=1`, { headers: { Cookie: s.cookie } })
    ).text();
    expect(listed).toContain('Enlace revocado.');
    expect(listed).toContain('Revocado');

    const responses = await Promise.all([
      get(s.host, `/share/${lab.token}`),
      get(s.host, `/share/${quote.token}`),
      get(s.host, `/share/${lab.token.slice(0, -2)}AA`),
      get(s.host, '/share/abc'),
    ]);
    const bodies: string[] = [];
    for (const response of responses) {
      expect(response.status).toBe(404);
      expectPrivate(response);
      bodies.push(await response.text());
    }
    expect(new Set(bodies).size).toBe(1);
    expect(bodies[0]).not.toContain(quotation.number);
    expect(bodies[0]).not.toContain('María');
  });

  it('validates the days (422, nothing written) and refuses a cancelled quotation (409)', async () => {
    const s = await documentsShop();
    const quotation = await insertQuotation(s.db, { branchId: s.branch.id });
    for (const days of ['0', '31', 'abc', '']) {
      const response = await postForm(
        s.host,
        `/quotations/${quotation.id}/share-links`,
        { days },
        { Cookie: s.cookie },
      );
      expect(response.status, days).toBe(422);
      const page = await response.text();
      expect(page).toContain('Indique un número entero de días entre 1 y 30.');
      expect(page).toContain('aria-invalid="true"');
    }
    await s.db.update(quotations).set({ status: 'cancelled' }).where(eq(quotations.id, quotation.id));
    expect(
      (await postForm(s.host, `/quotations/${quotation.id}/share-links`, { days: '7' }, { Cookie: s.cookie })).status,
    ).toBe(409);
    expect(await s.db.select().from(shareLinks)).toEqual([]);
    expect(await s.db.select().from(shopEvents).where(eq(shopEvents.type, 'quotation.shared'))).toEqual([]);
  });

  it('makes one link and one quotation.shared event per request when five share at once', async () => {
    const s = await documentsShop();
    const quotation = await insertQuotation(s.db, { branchId: s.branch.id });
    const responses = await Promise.all(
      Array.from({ length: 5 }, () =>
        postForm(s.host, `/quotations/${quotation.id}/share-links`, { days: '7' }, { Cookie: s.cookie }),
      ),
    );
    const tokens = await Promise.all(
      responses.map(async (response) => {
        expect(response.status).toBe(200);
        return tokenFrom(await response.text(), s.host);
      }),
    );
    expect(new Set(tokens).size).toBe(5);
    const links = await s.db.select().from(shareLinks).where(eq(shareLinks.quotationId, quotation.id));
    expect(links).toHaveLength(5);
    const events = await s.db.select().from(shopEvents).where(eq(shopEvents.subjectId, quotation.id));
    expect(events.map((event) => event.key).sort()).toEqual(links.map((link) => `quotation.shared:${link.id}`).sort());
    const opened = await Promise.all(tokens.map((token) => get(s.host, `/share/${token}`)));
    expect(opened.map((response) => response.status)).toEqual([200, 200, 200, 200, 200]);
  });

  it('works through the API with the same service: create (url on the shop host), list, revoke, 422 and 403', async () => {
    const s = await documentsShop('admin');
    const maria = await customer(s.db);
    const order = await insertLabOrder(s, maria.id);
    const created = await api(s.host, `/lab-orders/${order.id}/share-links`, s.bearer, {
      method: 'POST',
      body: JSON.stringify({ expiresInDays: 2 }),
    });
    expect(created.status).toBe(201);
    const link = (await created.json()) as { id: string; url: string; expiresAt: string; active: boolean };
    expect(link.url).toMatch(new RegExp(`^http://${s.host.replace(/\./g, '\\.')}:8787/share/[A-Za-z0-9_-]{43}$`));
    expect(link.active).toBe(true);
    expect((await get(s.host, new URL(link.url).pathname)).status).toBe(200);
    const listed = (await (await api(s.host, `/lab-orders/${order.id}/share-links`, s.bearer)).json()) as {
      data: Array<{ id: string }>;
    };
    expect(listed.data.map((row) => row.id)).toEqual([link.id]);
    const revoked = await api(s.host, `/lab-orders/${order.id}/share-links/${link.id}/revoke`, s.bearer, {
      method: 'POST',
    });
    expect(revoked.status).toBe(200);
    expect(((await revoked.json()) as { active: boolean }).active).toBe(false);
    expect((await get(s.host, new URL(link.url).pathname)).status).toBe(404);
    const invalid = await api(s.host, `/lab-orders/${order.id}/share-links`, s.bearer, {
      method: 'POST',
      body: JSON.stringify({ expiresInDays: 31 }),
    });
    expect(invalid.status).toBe(422);
    expect(invalid.headers.get('content-type')).toContain('application/problem+json');
    const optometrist = await signedIn(s.tenant.id, 'optometrista');
    const quotation = await insertQuotation(s.db, { branchId: s.branch.id });
    expect(
      (await api(s.host, `/quotations/${quotation.id}/share-links`, optometrist.bearer, { method: 'POST', body: '{}' }))
        .status,
    ).toBe(403);
  });

  it('refuses (CHECK) a link with two subjects or none', async () => {
    const s = await documentsShop();
    const invoice = await insertInvoice(s.db, { branchId: s.branch.id });
    const quotation = await insertQuotation(s.db, { branchId: s.branch.id });
    const insert = (values: Partial<typeof shareLinks.$inferInsert>) =>
      s.db
        .insert(shareLinks)
        .values({ tokenHash: crypto.randomUUID(), expiresAt: new Date(Date.now() + 86_400_000), ...values })
        .then(
          () => 'inserted',
          (error: { cause?: { constraint?: string }; constraint?: string }) =>
            error.cause?.constraint ?? error.constraint ?? String(error),
        );
    expect(await insert({ invoiceId: invoice.id, quotationId: quotation.id })).toBe('share_links_one_subject');
    expect(await insert({})).toBe('share_links_one_subject');
    expect(await insert({ quotationId: quotation.id })).toBe('inserted');
  });

  it('links an event to its subject for {{enlace}}; an event without a shareable subject gets none', async () => {
    const s = await documentsShop();
    const maria = await customer(s.db);
    const order = await insertLabOrder(s, maria.id);
    const job = await tenantContext(s.tenant.id);
    const ctx = { db: job.db, tenant: job.tenant, env: testEnv };
    const url = await shareLinkForEvent(ctx, { type: 'lab_order.stage_entered', subjectId: order.id });
    expect(url).toMatch(/\/share\/[A-Za-z0-9_-]{43}$/);
    expect((await get(s.host, new URL(url!).pathname)).status).toBe(200);
    expect(await shareLinkForEvent(ctx, { type: 'fiscal.range_low', subjectId: order.id })).toBeNull();
    expect(await shareLinkForEvent(ctx, { type: 'invoice.issued', subjectId: crypto.randomUUID() })).toBeNull();
    // A quotation linked by a job emits no quotation.shared (its message would share it again, forever).
    const quotation = await insertQuotation(s.db, { branchId: s.branch.id, customerId: maria.id });
    expect(await shareLinkForEvent(ctx, { type: 'quotation.shared', subjectId: quotation.id })).not.toBeNull();
    expect(
      await s.db
        .select()
        .from(shopEvents)
        .where(and(eq(shopEvents.type, 'quotation.shared'), eq(shopEvents.subjectId, quotation.id))),
    ).toEqual([]);
  });
});
