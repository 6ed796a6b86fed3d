/**
 * e-CF submission after issue (src/services/shop/ecf.ts) against the DGII stand-in the test run
 * started. Each test uses its own shops, each with its own RNC and certificate, so the stand-in's
 * per-RNC counts and modes (down, reject) are theirs alone.
 */
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { ecfDocuments } from '../../src/db/tenant-schema';
import { shopToday } from '../../src/domain/dates';
import { createDgiiClient } from '../../src/ecf/dgii/client';
import { ecfFileName } from '../../src/ecf/dgii/endpoints';
import { seedSigner } from '../../src/ecf/dgii/signer';
import { securityCode } from '../../src/ecf/timbre';
import { type EcfContext, pollEcf, prepareEcf, resendPending, submitEcf } from '../../src/services/shop/ecf';
import { EcfStatusPanel } from '../../src/views/ecf';
import { get, tenantContext, testEnv } from '../support/worker/helpers';
import { buildInvoices, invoiceShop } from '../support/worker/invoices';
import { ecfShop, issued, randomDigits, control, recordingJobs, ecfDocument as row } from '../support/worker/ecf';

const standin = testEnv.DGII_BASE_URL;

interface Received {
  counts: Record<string, number>;
  submissions: Array<{ kind: 'ecf' | 'rfce'; encf: string; tipo: string }>;
}

async function received(rnc: string): Promise<Received> {
  return (await (await fetch(`${standin}/_control/state?rnc=${rnc}`)).json()) as Received;
}

/** Delivers ecf.poll until DGII's answer is final (the stand-in says En Proceso for 200 ms). */
async function pollUntilFinal(ctx: EcfContext, id: string) {
  for (let i = 0; i < 40; i++) {
    const state = await pollEcf(ctx, id);
    if (state !== 'sent') return state;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('still waiting for DGII');
}

describe('e-CF submission', { timeout: 60_000 }, () => {
  it('signs, stores and queues an E31 and an E32; the real queue takes both to Aceptado, the 32 as an RFCE summary', async () => {
    const s = await ecfShop();
    const e31 = await issued(s, 'E31');
    const e32 = await issued(s, 'E32');
    const [a, b] = await Promise.all([prepareEcf(s.ctx, e31.id), prepareEcf(s.ctx, e32.id)]);
    expect(a).toMatchObject({ encf: e31.ncf, ecfType: '31', channel: 'ecf', environment: 'TesteCF' });
    expect(b).toMatchObject({ encf: e32.ncf, ecfType: '32', channel: 'rfce', totalDop: '1770.00' });
    // The signed XML is in the shop's own R2 prefix, and its security code is the row's.
    const signed = await testEnv.FILES.get(`tenants/${s.tenant.id}/${a!.signedXmlKey}`);
    const xml = await signed!.text();
    expect(xml).toContain(`<eNCF>${e31.ncf}</eNCF>`);
    expect(securityCode(xml)).toBe(a!.securityCode);
    expect(await s.ctx.files.get(b!.rfceXmlKey!)).not.toBeNull();

    // A second prepare (a retried issue request) signs, stores and queues nothing new.
    const before = await s.ctx.files.list('ecf/');
    const again = await prepareEcf(s.ctx, e31.id);
    expect(again!.id).toBe(a!.id);
    expect(again!.signedXmlKey).toBe(a!.signedXmlKey);
    expect((await s.ctx.files.list('ecf/')).filter((f) => f.key.endsWith('.xml'))).toEqual(
      before.filter((f) => f.key.endsWith('.xml')),
    );

    await expect
      .poll(async () => [(await row(s.ctx, a!.id)).state, (await row(s.ctx, b!.id)).state], {
        timeout: 30_000,
        interval: 250,
      })
      .toEqual(['accepted', 'accepted']);
    const done31 = await row(s.ctx, a!.id);
    expect(done31.trackId).toBeTruthy();
    expect(done31.dgiiStatus).toBe('Aceptado');
    expect(done31.sequenceUsed).toBe(true);
    expect(done31.attempts).toBe(1);
    // Every stored exchange is in R2 under the shop's prefix.
    expect(done31.exchanges.map((e) => e.service)).toEqual(expect.arrayContaining(['recepcion', 'consultaresultado']));
    for (const exchange of done31.exchanges) expect(await s.ctx.files.head(exchange.responseKey!)).not.toBeNull();

    const dgii = await received(s.rnc);
    expect(dgii.counts).toEqual({ [`${s.rnc}:${e31.ncf}`]: 1, [`${s.rnc}:${e32.ncf}`]: 1 });
    expect(dgii.submissions.map((x) => [x.encf, x.kind]).sort()).toEqual(
      [
        [e31.ncf, 'ecf'],
        [e32.ncf, 'rfce'],
      ].sort(),
    );
  });

  it('a consumer invoice of RD$250,000 or more goes whole to Recepción, not as a summary', async () => {
    const s = await ecfShop();
    const big = await issued(s, 'E32', { unitPrice: '250000' });
    const { jobs, sent } = recordingJobs();
    const ctx = { ...s.ctx, jobs };
    const prepared = await prepareEcf(ctx, big.id);
    expect(prepared).toMatchObject({ channel: 'ecf', rfceXmlKey: null });
    expect(await submitEcf(ctx, prepared!.id)).toBe('sent');
    // Its poll message lost: once the poll is due, the sweep queues another.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect(await resendPending(ctx)).toBe(1);
    expect(sent.at(-1)).toEqual({ job: 'ecf.poll', payload: { id: prepared!.id }, delaySeconds: undefined });
    expect(await pollUntilFinal(ctx, prepared!.id)).toBe('accepted');
    expect(sent.map((m) => m.job)).toEqual(['ecf.submit', 'ecf.poll', ...sent.slice(2).map(() => 'ecf.poll')]);
    expect((await received(s.rnc)).submissions).toEqual([expect.objectContaining({ kind: 'ecf', tipo: '32' })]);
  });

  it('the same ecf.submit delivered 5 times at once sends the e-CF to DGII exactly once', async () => {
    const s = await ecfShop();
    const doc = await issued(s, 'E31');
    const { jobs, sent } = recordingJobs();
    const ctx = { ...s.ctx, jobs };
    // Two issue requests finishing at once (a retried request): one row, one signed XML, one message.
    const [prepared, twin] = await Promise.all([prepareEcf(ctx, doc.id), prepareEcf(ctx, doc.id)]);
    expect(twin!.id).toBe(prepared!.id);
    expect(sent).toEqual([{ job: 'ecf.submit', payload: { id: prepared!.id }, delaySeconds: undefined }]);
    expect((await ctx.files.list('ecf/')).map((f) => f.key)).toEqual([prepared!.signedXmlKey]);

    const outcomes = await Promise.all(Array.from({ length: 5 }, () => submitEcf(ctx, prepared!.id)));
    expect(outcomes.filter((o) => o !== 'skipped')).toEqual(['sent']);
    expect(outcomes.filter((o) => o === 'skipped')).toHaveLength(4);
    // Five concurrent polls too: one final answer, recorded once.
    const polls = await Promise.all(Array.from({ length: 5 }, () => pollUntilFinal(ctx, prepared!.id)));
    expect(polls.filter((p) => p === 'accepted').length).toBeLessThanOrEqual(1);
    const done = await row(ctx, prepared!.id);
    expect(done.state).toBe('accepted');
    expect(done.attempts).toBe(1);
    // Late redeliveries after the answer change nothing.
    expect(await Promise.all(Array.from({ length: 5 }, () => submitEcf(ctx, prepared!.id)))).toEqual(
      Array(5).fill('skipped'),
    );
    expect((await received(s.rnc)).counts).toEqual({ [`${s.rnc}:${doc.ncf}`]: 1 });

    // The count would show a second send: the same XML sent again by hand counts 2.
    const client = createDgiiClient({
      environment: 'TesteCF',
      baseUrl: standin,
      cache: ctx.cache,
      signer: seedSigner(s.credentials),
    });
    const xml = await (await ctx.files.get(done.signedXmlKey))!.text();
    await client.sendEcf(xml, ecfFileName(s.rnc, doc.ncf));
    expect((await received(s.rnc)).counts).toEqual({ [`${s.rnc}:${doc.ncf}`]: 2 });
  });

  it('a send abandoned mid-way (DGII got it, the Worker died) is taken up again without a second reception', async () => {
    const s = await ecfShop();
    const doc = await issued(s, 'E31');
    const { jobs } = recordingJobs();
    const ctx = { ...s.ctx, jobs };
    const prepared = await prepareEcf(ctx, doc.id);
    expect(await submitEcf(ctx, prepared!.id)).toBe('sent');
    const { trackId } = await row(ctx, prepared!.id);
    // As if the Worker died after DGII took the upload and before the row was updated.
    await ctx.db
      .update(ecfDocuments)
      .set({ state: 'sending', trackId: null, updatedAt: new Date(Date.now() - 10 * 60_000) })
      .where(eq(ecfDocuments.id, prepared!.id));
    expect(await resendPending(ctx)).toBe(1);
    expect(await submitEcf(ctx, prepared!.id)).toBe('sent');
    const resumed = await row(ctx, prepared!.id);
    expect(resumed).toMatchObject({ attempts: 2, trackId });
    expect(resumed.exchanges.map((e) => e.service)).toContain('consultatrackids');
    expect(await pollUntilFinal(ctx, prepared!.id)).toBe('accepted');
    expect((await received(s.rnc)).counts).toEqual({ [`${s.rnc}:${doc.ncf}`]: 1 });
  });

  it('DGII down: contingency with backoff and nothing received; back up: sent once and accepted', async () => {
    const s = await ecfShop();
    const doc = await issued(s, 'E31');
    const { jobs, sent } = recordingJobs();
    const ctx = { ...s.ctx, jobs };
    await control('mode', { rnc: s.rnc, down: '503' });
    try {
      const prepared = await prepareEcf(ctx, doc.id);
      expect(prepared!.state).toBe('pending');
      expect(await submitEcf(ctx, prepared!.id)).toBe('contingency');
      const parked = await row(ctx, prepared!.id);
      expect(parked).toMatchObject({ state: 'contingency', attempts: 1 });
      expect(parked.lastError).toBe('La DGII no respondió (HTTP 503); se reintentará automáticamente.');
      expect(parked.nextAttemptAt.getTime() - Date.now()).toBeGreaterThan(50_000);
      expect(sent.at(-1)).toEqual({ job: 'ecf.submit', payload: { id: prepared!.id }, delaySeconds: 60 });
      // Not due yet: a redelivery or the sweep does not send.
      expect(await submitEcf(ctx, prepared!.id)).toBe('skipped');
      expect(await resendPending(ctx)).toBe(0);
      expect((await received(s.rnc)).counts).toEqual({});

      // Due again (the backoff elapsed), still down: contingency, two minutes this time.
      await ctx.db.update(ecfDocuments).set({ nextAttemptAt: new Date(Date.now() - 1000) });
      expect(await resendPending(ctx)).toBe(1);
      expect(await submitEcf(ctx, prepared!.id)).toBe('contingency');
      expect(sent.at(-1)?.delaySeconds).toBe(120);
      expect((await row(ctx, prepared!.id)).attempts).toBe(2);

      await control('mode', { rnc: s.rnc, down: false });
      await ctx.db.update(ecfDocuments).set({ nextAttemptAt: new Date(Date.now() - 1000) });
      const outcomes = await Promise.all(Array.from({ length: 3 }, () => submitEcf(ctx, prepared!.id)));
      expect(outcomes.filter((o) => o === 'sent')).toHaveLength(1);
      expect(await pollUntilFinal(ctx, prepared!.id)).toBe('accepted');
      const done = await row(ctx, prepared!.id);
      expect(done).toMatchObject({ state: 'accepted', attempts: 3, lastError: null });
      // The failed attempts are on record too (DGII's 503 answers).
      expect(done.exchanges.filter((e) => e.status === 503).length).toBeGreaterThanOrEqual(2);
      expect((await received(s.rnc)).counts).toEqual({ [`${s.rnc}:${doc.ncf}`]: 1 });
    } finally {
      await control('mode', { rnc: s.rnc, down: false });
    }
  });

  it('through the real queue: an outage shows on /ecf, and Reintentar ahora sends it once DGII is back', async () => {
    const s = await ecfShop();
    const doc = await issued(s, 'E31');
    await control('mode', { rnc: s.rnc, down: 'reset' });
    try {
      const prepared = await prepareEcf(s.ctx, doc.id);
      await expect
        .poll(async () => (await row(s.ctx, prepared!.id)).state, { timeout: 20_000, interval: 200 })
        .toBe('contingency');
      const page = await get(s.host, '/ecf', { headers: { Cookie: s.cookie } });
      const html = await page.text();
      expect(page.status).toBe(200);
      expect(html).toContain(doc.ncf);
      expect(html).toContain('En contingencia');
      expect(html).toContain('Reintentar ahora');
      expect(html).toMatch(/Esperando: \d+ min/);
      expect(html).toContain('La DGII no respondió (sin conexión con sus servicios); se reintentará automáticamente.');
      expect(html).not.toContain('cannot reach');
      expect((await received(s.rnc)).counts).toEqual({});

      await control('mode', { rnc: s.rnc, down: false });
      const retry = await get(s.host, `/ecf/${prepared!.id}/retry`, {
        method: 'POST',
        redirect: 'manual',
        headers: { Cookie: s.cookie, Origin: `http://${s.host}` },
      });
      expect(retry.status).toBe(303);
      expect(retry.headers.get('location')).toBe(`/ecf?retried=${doc.ncf}`);
      await expect
        .poll(async () => (await row(s.ctx, prepared!.id)).state, { timeout: 30_000, interval: 250 })
        .toBe('accepted');
      expect((await received(s.rnc)).counts).toEqual({ [`${s.rnc}:${doc.ncf}`]: 1 });
      // Accepted leaves the list; retrying it now is refused (409), not a 500.
      expect(await (await get(s.host, '/ecf', { headers: { Cookie: s.cookie } })).text()).not.toContain(doc.ncf);
      const late = await get(s.host, `/ecf/${prepared!.id}/retry`, {
        method: 'POST',
        redirect: 'manual',
        headers: { Cookie: s.cookie, Origin: `http://${s.host}` },
      });
      expect(late.status).toBe(409);
      expect(await late.text()).toContain('ya tiene respuesta final de la DGII');
      // While another delivery is sending it, a retry says so rather than "final answer".
      await s.db.update(ecfDocuments).set({ state: 'sending' }).where(eq(ecfDocuments.id, prepared!.id));
      const busy = await get(s.host, `/ecf/${prepared!.id}/retry`, {
        method: 'POST',
        redirect: 'manual',
        headers: { Cookie: s.cookie, Origin: `http://${s.host}` },
      });
      expect(busy.status).toBe(409);
      expect(await busy.text()).toContain('Se está enviando a la DGII en este momento');
    } finally {
      await control('mode', { rnc: s.rnc, down: false });
    }
  });

  it('an E34 credit note carries the E31 it modifies and is accepted', async () => {
    const s = await ecfShop();
    const invoice = await issued(s, 'E31');
    const ncf = `E34${randomDigits(10)}`;
    const [note] = await buildInvoices(
      s.db,
      [
        {
          description: 'Montura clásica',
          quantity: '1',
          unitPrice: '1500',
          discount: '0',
          taxRate: '18.00',
          exempt: false,
          taxId: s.tax('ITBIS18').id,
        },
      ],
      [
        {
          kind: 'credit_note',
          ncfType: 'E34',
          ncf,
          status: 'issued',
          issuedOn: shopToday(),
          customerId: s.company.id,
          branchId: s.main.id,
          currencyCode: 'DOP',
          exchangeRate: '1',
          referenceInvoiceId: invoice.id,
          modifiedNcf: invoice.ncf,
          refundsItbis: true,
          creditReason: 'Devolución de la montura',
        },
      ],
    );
    const { jobs } = recordingJobs();
    const ctx = { ...s.ctx, jobs };
    const prepared = await prepareEcf(ctx, note!.id);
    expect(prepared).toMatchObject({ ecfType: '34', channel: 'ecf' });
    const xml = await (await ctx.files.get(prepared!.signedXmlKey))!.text();
    expect(xml).toContain(`<NCFModificado>${invoice.ncf}</NCFModificado>`);
    expect(await submitEcf(ctx, prepared!.id)).toBe('sent');
    expect(await pollUntilFinal(ctx, prepared!.id)).toBe('accepted');
  });

  it('the ecf.sweep job (what the Cron Trigger queues per shop) sends a due e-CF in contingency through the real queue', async () => {
    const s = await ecfShop();
    const doc = await issued(s, 'E31');
    const { jobs } = recordingJobs();
    await control('mode', { rnc: s.rnc, down: '503' });
    let id: string;
    try {
      const prepared = await prepareEcf({ ...s.ctx, jobs }, doc.id);
      id = prepared!.id;
      expect(await submitEcf({ ...s.ctx, jobs }, id)).toBe('contingency');
    } finally {
      await control('mode', { rnc: s.rnc, down: false });
    }
    // Its delayed retry message was never queued (recording producer): only the sweep can find it.
    await s.ctx.db.update(ecfDocuments).set({ nextAttemptAt: new Date(Date.now() - 1000) });
    await s.ctx.jobs.send('ecf.sweep', {});
    await expect.poll(async () => (await row(s.ctx, id)).state, { timeout: 30_000, interval: 250 }).toBe('accepted');
    expect((await received(s.rnc)).counts).toEqual({ [`${s.rnc}:${doc.ncf}`]: 1 });
  });

  it('a rejection keeps DGII messages and whether the e-NCF was consumed', async () => {
    const s = await ecfShop();
    const doc = await issued(s, 'E31');
    const mensajes = [{ codigo: 190, valor: 'Rechazado por prueba: monto inválido.' }];
    await control('reject-next', { rnc: s.rnc, count: 1, mensajes });
    const { jobs } = recordingJobs();
    const ctx = { ...s.ctx, jobs };
    const prepared = await prepareEcf(ctx, doc.id);
    expect(await submitEcf(ctx, prepared!.id)).toBe('sent');
    expect(await pollUntilFinal(ctx, prepared!.id)).toBe('rejected');
    const done = await row(ctx, prepared!.id);
    expect(done).toMatchObject({ state: 'rejected', dgiiStatus: 'Rechazado', sequenceUsed: true, messages: mensajes });
    // The document's panel shows DGII's words and its rule on the e-NCF, and offers no retry.
    const panel = await EcfStatusPanel({ ecf: done, canRetry: true }).toString();
    expect(panel).toContain('Rechazado por prueba: monto inválido.');
    expect(panel).toContain('La DGII dio el e-NCF por utilizado');
    expect(panel).toContain(done.trackId!);
    expect(panel).toContain(done.securityCode);
    expect(panel).not.toContain('Reintentar ahora');
    // Rejected is final: neither a redelivery nor the sweep sends it again.
    expect(await submitEcf(ctx, prepared!.id)).toBe('skipped');
    expect(await resendPending(ctx)).toBe(0);
    expect((await received(s.rnc)).counts).toEqual({ [`${s.rnc}:${doc.ncf}`]: 1 });
  });

  it('a shop without e-CF settings issues as before: no row, nothing queued', async () => {
    const s = await invoiceShop('owner');
    const doc = await issued(s, 'E31');
    const { jobs, sent } = recordingJobs();
    const ctx = { ...(await tenantContext(s.tenant.id)), env: testEnv, jobs };
    expect(await prepareEcf(ctx, doc.id)).toBeNull();
    expect(sent).toEqual([]);
    expect(await ctx.db.select().from(ecfDocuments)).toEqual([]);
  });

  it("isolation: another shop sees none of a shop's e-CF rows or XML", async () => {
    const a = await ecfShop();
    const b = await ecfShop();
    const doc = await issued(a, 'E31');
    const { jobs } = recordingJobs();
    const prepared = await prepareEcf({ ...a.ctx, jobs }, doc.id);
    const stored = await testEnv.FILES.list({ prefix: `tenants/${a.tenant.id}/ecf/` });
    expect(stored.objects.map((o) => o.key)).toContain(`tenants/${a.tenant.id}/${prepared!.signedXmlKey}`);
    expect(await b.ctx.files.list('ecf/')).toEqual([]);
    expect(await b.ctx.files.get(prepared!.signedXmlKey)).toBeNull();
    expect(await b.ctx.db.select().from(ecfDocuments)).toEqual([]);
    // A message of A's row delivered in B's context finds nothing to send.
    expect(await submitEcf({ ...b.ctx, jobs }, prepared!.id)).toBe('skipped');
    expect((await row(a.ctx, prepared!.id)).state).toBe('pending');
    // B's pending page does not list it, nor can B retry it.
    const page = await get(b.host, '/ecf', { headers: { Cookie: b.cookie } });
    expect(page.status).toBe(200);
    expect(await page.text()).not.toContain(doc.ncf);
    const retry = await get(b.host, `/ecf/${prepared!.id}/retry`, {
      method: 'POST',
      headers: { Cookie: b.cookie, Origin: `http://${b.host}` },
    });
    expect(retry.status).toBe(404);
    const own = await get(a.host, '/ecf', { headers: { Cookie: a.cookie } });
    expect(await own.text()).toContain(doc.ncf);
  });
});
