/**
 * The inbox of received e-CF (/ecf/recibidos, /api/v1/received-ecf) and the commercial decision
 * (ACECF to DGII and to the issuer). Shop A issues, DGII (the stand-in) accepts, A delivers to
 * shop B's real /fe endpoints in this same Worker (SELF.fetch as the peer fetcher), B decides and
 * its ACECF reaches A's /fe endpoint. Every test has its own shops and RNCs.
 */
import { SELF } from 'cloudflare:test';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { ecfDocuments, invoices, receivedEcf } from '../../src/db/tenant-schema';
import { verifySignedXml } from '../../src/ecf/verify';
import { type EcfContext, pollEcf, prepareEcf, submitEcf } from '../../src/services/shop/ecf';
import { deliverEcf, queueEcfDelivery } from '../../src/services/shop/ecf-delivery';
import { decideReceivedEcfDocument, sendApprovalCopies } from '../../src/services/shop/received-ecf';
import { api, apiJson } from '../support/worker/api';
import { ecfShop, issued, control, recordingJobs } from '../support/worker/ecf';
import { authenticate, paths, post, sender, signedEcf } from '../support/worker/ecf-reception';
import { get, tenantContext, testEnv } from '../support/worker/helpers';

const standin = testEnv.DGII_BASE_URL;
const selfFetch = ((input: RequestInfo | URL, init?: RequestInit) => SELF.fetch(input, init)) as typeof fetch;

async function standinState(rnc: string) {
  return (await (await fetch(`${standin}/_control/state?rnc=${rnc}`)).json()) as {
    approvals: Array<{ issuerRnc: string; buyerRnc: string; encf: string; estado: string }>;
  };
}

type Shop = Awaited<ReturnType<typeof ecfShop>>;

async function register(shop: Shop) {
  const host = `http://${shop.host}`;
  await control('directory', {
    nombre: `Óptica ${shop.rnc}`,
    rnc: shop.rnc,
    urlRecepcion: host,
    urlAceptacion: host,
    urlOpcional: host,
  });
}

async function pollUntilFinal(ctx: EcfContext, id: string) {
  for (let i = 0; i < 40; i++) {
    const state = await pollEcf(ctx, id);
    if (state !== 'sent') return state;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('still waiting for DGII');
}

/** Shop A issues an E31 to shop B, DGII accepts it, A delivers it to B's /fe endpoints: B's received row. */
async function exchange() {
  const [a, b] = await Promise.all([ecfShop(), ecfShop()]);
  const doc = await issued(a, 'E31');
  await a.db
    .update(invoices)
    .set({ buyerName: 'Óptica compradora SRL', buyerIdType: 'rnc', buyerIdNumber: b.rnc })
    .where(eq(invoices.id, doc.id));
  const ctxA = { ...a.ctx, jobs: recordingJobs().jobs };
  const prepared = await prepareEcf(ctxA, doc.id);
  expect(await submitEcf(ctxA, prepared!.id)).toBe('sent');
  expect(await pollUntilFinal(ctxA, prepared!.id)).toBe('accepted');
  await register(b);
  expect(await queueEcfDelivery(ctxA, prepared!.id)).toBe(true);
  expect(await deliverEcf(ctxA, prepared!.id, { peerFetch: selfFetch })).toBe('delivered');
  const [row] = await b.db.select().from(receivedEcf).where(eq(receivedEcf.encf, doc.ncf));
  expect(row).toMatchObject({ issuerRnc: a.rnc, buyerRnc: b.rnc, approval: 'pending' });
  return { a, b, doc, ecfId: prepared!.id, received: row! };
}

/** A supplier's e-CF posted straight to `shop`'s /fe/recepcion (no DGII involved). */
async function receiveFromSupplier(shop: Shop) {
  const supplier = await sender();
  const { xml, encf } = await signedEcf(supplier, shop.rnc);
  const token = await authenticate(shop.host, supplier);
  const response = await post(shop.host, paths.reception, xml, { token });
  expect(response.status).toBe(200);
  const [row] = await shop.db.select().from(receivedEcf).where(eq(receivedEcf.encf, encf));
  return { supplier, encf, xml, row: row! };
}

describe('inbox of received e-CF', { timeout: 90_000 }, () => {
  it("shop A's E31 delivered to shop B: B's inbox lists, searches, filters, shows lines and totals, downloads and prints it", async () => {
    const { a, b, doc, received } = await exchange();
    const list = await get(b.host, '/ecf/recibidos', { headers: { Cookie: b.cookie } });
    const html = await list.text();
    expect(list.status).toBe(200);
    expect(html).toContain(doc.ncf);
    expect(html).toContain('Pendiente');
    // Search by the issuer's RNC and by e-NCF; a filter that excludes it; another RNC finds nothing.
    for (const q of [a.rnc, doc.ncf.slice(0, 8)]) {
      const found = await get(b.host, `/ecf/recibidos?q=${q}`, { headers: { Cookie: b.cookie, 'HX-Request': 'true' } });
      expect(await found.text()).toContain(doc.ncf);
    }
    const approved = await get(b.host, '/ecf/recibidos?approval=approved', { headers: { Cookie: b.cookie } });
    expect(await approved.text()).not.toContain(doc.ncf);
    const bad = await get(b.host, '/ecf/recibidos?approval=maybe', { headers: { Cookie: b.cookie } });
    expect(bad.status).toBe(422);

    const view = await get(b.host, `/ecf/recibidos/${received.id}`, { headers: { Cookie: b.cookie } });
    const page = await view.text();
    expect(view.status).toBe(200);
    expect(page).toContain('Montura clásica');
    expect(page).toContain('RD$ 1,770.00');
    expect(page).toContain('RD$ 270.00');
    expect(page).toContain('Aceptar');

    const xml = await get(b.host, `/ecf/recibidos/${received.id}/xml`, { headers: { Cookie: b.cookie } });
    expect(xml.headers.get('content-disposition')).toBe(`attachment; filename="${a.rnc}${doc.ncf}.xml"`);
    const body = await xml.text();
    expect((await verifySignedXml(body)).valid).toBe(true);
    expect(body).toBe(await (await a.ctx.files.get((await ecfRow(a.ctx, doc.id)).signedXmlKey))!.text());

    const printed = await get(b.host, `/ecf/recibidos/${received.id}/print`, { headers: { Cookie: b.cookie } });
    const sheet = await printed.text();
    expect(printed.status).toBe(200);
    expect(sheet).toContain('Factura de crédito fiscal electrónica');
    expect(sheet).toContain(received.securityCode);
    expect(sheet).toContain('consultatimbre');

    const listed = await apiJson(b.host, '/received-ecf', b.bearer);
    expect(listed.status).toBe(200);
    expect(listed.body.data).toEqual([
      expect.objectContaining({
        id: received.id,
        encf: doc.ncf,
        issuerRnc: a.rnc,
        approval: 'pending',
        total: '1770.00',
      }),
    ]);
    const one = await apiJson(b.host, `/received-ecf/${received.id}`, b.bearer);
    expect(one.body).toMatchObject({
      encf: doc.ncf,
      buyerRnc: b.rnc,
      totals: { itbis: '270.00', total: '1770.00' },
      lines: [expect.objectContaining({ name: 'Montura clásica', quantity: '1.00', billing: '1' })],
      approvalSent: { dgii: null, issuer: null },
    });
    const apiXml = await api(b.host, `/received-ecf/${received.id}/xml`, b.bearer);
    expect(await apiXml.text()).toBe(body);
  });

  it('accepting sends the signed ACECF once to DGII and once to the issuer, whose e-CF then carries the approval', async () => {
    const { a, b, ecfId, received } = await exchange();
    await register(a);
    const { jobs, sent } = recordingJobs();
    const ctxB = {
      ...(await tenantContext(b.tenant.id)),
      env: testEnv,
      jobs,
      requestId: 'test',
      actor: b.user,
    } as never;
    const decided = await decideReceivedEcfDocument(ctxB, received.id, { decision: 'approved' });
    expect(decided).toMatchObject({
      approval: 'approved',
      approvalDgiiState: 'pending',
      approvalIssuerState: 'pending',
    });
    expect(sent).toEqual([{ job: 'ecf.approval.send', payload: { id: received.id }, delaySeconds: undefined }]);
    const acecf = await (await b.ctx.files.get(decided.acecfXmlKey!))!.text();
    expect((await verifySignedXml(acecf)).certificate?.taxId).toBe(b.rnc);

    const ctx = { ...b.ctx, jobs };
    const outcomes = await Promise.all(
      Array.from({ length: 5 }, () => sendApprovalCopies(ctx, received.id, { peerFetch: selfFetch })),
    );
    expect(outcomes.filter((o) => o !== 'skipped')).toEqual([{ dgii: 'sent', issuer: 'sent' }]);
    expect(await sendApprovalCopies(ctx, received.id, { peerFetch: selfFetch })).toBe('skipped');
    const done = (await b.db.select().from(receivedEcf).where(eq(receivedEcf.id, received.id)))[0]!;
    expect(done).toMatchObject({ approvalDgiiState: 'sent', approvalIssuerState: 'sent', approvalError: null });
    expect(done.approvalExchanges.map((e) => e.status)).toEqual([200, 200]);
    // DGII got one copy; the issuer's own e-CF row records the buyer's approval.
    expect((await standinState(a.rnc)).approvals).toEqual([
      expect.objectContaining({ issuerRnc: a.rnc, buyerRnc: b.rnc, encf: received.encf, estado: '1' }),
    ]);
    const [issuerSide] = await a.db.select().from(ecfDocuments).where(eq(ecfDocuments.id, ecfId));
    expect(issuerSide).toMatchObject({ buyerApproval: 'approved' });
  });

  it('a rejection needs its reason (UI 422 with the field, API 422 problem); of two simultaneous decisions one wins, the other is a 409', async () => {
    const b = await ecfShop();
    const { row } = await receiveFromSupplier(b);
    const form = await get(b.host, `/ecf/recibidos/${row.id}/decision`, {
      method: 'POST',
      headers: { Cookie: b.cookie, Origin: `http://${b.host}`, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'decision=rejected&reason=',
    });
    expect(form.status).toBe(422);
    expect(await form.text()).toContain('Indique el motivo del rechazo.');
    const problem = await apiJson(b.host, `/received-ecf/${row.id}/decision`, b.bearer, {
      method: 'POST',
      body: JSON.stringify({ decision: 'rejected' }),
    });
    expect(problem.status).toBe(422);
    expect(problem.body.errors).toEqual([{ field: 'reason', message: 'Indique el motivo del rechazo.' }]);

    const decide = (decision: string) =>
      api(b.host, `/received-ecf/${row.id}/decision`, b.bearer, {
        method: 'POST',
        body: JSON.stringify({ decision, reason: 'Precio distinto al acordado' }),
      });
    const answers = await Promise.all([decide('approved'), decide('rejected'), decide('approved'), decide('rejected')]);
    expect(answers.map((r) => r.status).sort()).toEqual([200, 409, 409, 409]);
    const [final] = await b.db.select().from(receivedEcf).where(eq(receivedEcf.id, row.id));
    // One ACECF stored: the losers' files were removed.
    const acecfs = (await b.ctx.files.list('')).filter((f) => f.key.includes('/acecf-') && f.key.endsWith('.xml'));
    expect(acecfs.map((f) => f.key)).toEqual([final!.acecfXmlKey]);
    // Final once decided: the UI says so too.
    const again = await get(b.host, `/ecf/recibidos/${row.id}/decision`, {
      method: 'POST',
      headers: { Cookie: b.cookie, Origin: `http://${b.host}`, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'decision=approved',
    });
    expect(again.status).toBe(409);
    expect(await again.text()).toContain('ya tiene una decisión comercial');
    // The real queue sends it: DGII refuses a copy about an e-CF it never accepted, the issuer is not in the directory.
    await expect
      .poll(
        async () => {
          const [r] = await b.db.select().from(receivedEcf).where(eq(receivedEcf.id, row.id));
          return [r!.approvalDgiiState, r!.approvalIssuerState];
        },
        { timeout: 30_000, interval: 250 },
      )
      .toEqual(['failed', 'failed']);
    const [sentRow] = await b.db.select().from(receivedEcf).where(eq(receivedEcf.id, row.id));
    expect(sentRow!.approvalError).toContain('El emisor no aparece en el directorio');
    expect(sentRow!.approvalError).toContain('La DGII no tomó la aprobación comercial (HTTP 400)');
  });

  it("through the real queue and the app itself: A issues, DGII accepts, B receives it, approves it on screen, and A's e-CF records the approval", async () => {
    const [a, b] = await Promise.all([ecfShop(), ecfShop()]);
    await Promise.all([register(a), register(b)]);
    const doc = await issued(a, 'E31');
    await a.db
      .update(invoices)
      .set({ buyerName: 'Óptica compradora SRL', buyerIdType: 'rnc', buyerIdNumber: b.rnc })
      .where(eq(invoices.id, doc.id));
    const prepared = await prepareEcf(a.ctx, doc.id);
    await expect
      .poll(async () => (await ecfRow(a.ctx, doc.id)).deliveryState, { timeout: 45_000, interval: 250 })
      .toBe('delivered');
    const [row] = await b.db.select().from(receivedEcf).where(eq(receivedEcf.encf, doc.ncf));
    expect(row).toMatchObject({ issuerRnc: a.rnc, approval: 'pending' });
    const decided = await get(b.host, `/ecf/recibidos/${row!.id}/decision`, {
      method: 'POST',
      redirect: 'manual',
      headers: { Cookie: b.cookie, Origin: `http://${b.host}`, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'decision=approved',
    });
    expect(decided.status).toBe(303);
    await expect
      .poll(
        async () => {
          const [r] = await b.db.select().from(receivedEcf).where(eq(receivedEcf.id, row!.id));
          return [r!.approvalDgiiState, r!.approvalIssuerState];
        },
        { timeout: 45_000, interval: 250 },
      )
      .toEqual(['sent', 'sent']);
    expect((await ecfRow(a.ctx, doc.id)).buyerApproval).toBe('approved');
    expect((await standinState(a.rnc)).approvals).toHaveLength(1);
    expect(prepared!.encf).toBe(doc.ncf);
    // A's invoice page shows the buyer's side: received, then approved.
    const page = await (await get(a.host, `/invoices/${doc.id}`, { headers: { Cookie: a.cookie } })).text();
    expect(page).toContain('data-delivery-state="delivered"');
    expect(page).toContain('Recibido por el cliente');
    expect(page).toContain('data-buyer-approval="approved"');
    expect(page).toContain('Aprobado por el cliente');
  });

  it('pages with the keyset cursor, newest first, and a cursor it did not write is a 422', async () => {
    const b = await ecfShop();
    const first = await receiveFromSupplier(b);
    const second = await receiveFromSupplier(b);
    const page1 = await apiJson(b.host, '/received-ecf?limit=1', b.bearer);
    expect(page1.body.data.map((r: { id: string }) => r.id)).toEqual([second.row.id]);
    const page2 = await apiJson(b.host, `/received-ecf?limit=1&cursor=${page1.body.nextCursor}`, b.bearer);
    expect(page2.body.data.map((r: { id: string }) => r.id)).toEqual([first.row.id]);
    expect(page2.body.nextCursor).toBeNull();
    const ui = await get(b.host, '/ecf/recibidos?cursor=bm9wZQ', { headers: { Cookie: b.cookie } });
    expect(ui.status).toBe(422);
    const filtered = await apiJson(b.host, '/received-ecf?approval=pending', b.bearer);
    expect(filtered.body.data).toHaveLength(2);
    expect((await apiJson(b.host, '/received-ecf?approval=rejected', b.bearer)).body.data).toEqual([]);
  });
});

async function ecfRow(ctx: EcfContext, invoiceId: string) {
  const [row] = await ctx.db.select().from(ecfDocuments).where(eq(ecfDocuments.invoiceId, invoiceId));
  return row!;
}
