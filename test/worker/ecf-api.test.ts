/**
 * Issue 11 items 7 and 10: the e-CF of a document comes with it (getInvoice / getCreditNote read
 * it in the same statement) to the page, the API and the print; the API serves the signed XML; the
 * printed stamp is made from the e-CF row and the document, and matches what the signed XML says.
 */
import { eq } from 'drizzle-orm';
import { renderSVG } from 'uqr';
import { describe, expect, it } from 'vitest';
import { ecfDocuments, fiscalSequences } from '../../src/db/tenant-schema';
import { addDays, shopToday } from '../../src/domain/dates';
import { qrUrl, rfceQrUrl, securityCode, stampOfSignedEcf } from '../../src/ecf/timbre';
import { verifySignedXml } from '../../src/ecf/verify';
import { getInvoice } from '../../src/queries/invoices';
import { prepareEcf } from '../../src/services/shop/ecf';
import { ecfPrintStamp } from '../../src/services/shop/ecf-stamp';
import type { TenantJobs } from '../../src/tenancy/jobs';
import { api, apiJson } from '../support/worker/api';
import { ecfShop, issued } from '../support/worker/ecf';
import { countQueries, get } from '../support/worker/helpers';
import { pdfText } from '../support/worker/pdf-text';

type EcfJson = {
  status: string;
  dgiiStatus: string | null;
  trackId: string | null;
  encf: string;
  ecfType: string;
  securityCode: string;
  signedAt: string;
  environment: string;
  channel: string;
  qrUrl: string | null;
  messages: Array<{ codigo: number | string; valor: string }>;
  sequenceUsed: boolean | null;
  sentAt: string | null;
  finishedAt: string | null;
  buyerApproval: { status: string; reason: string | null; at: string | null } | null;
  delivery: { status: string; deliveredAt: string | null; error: string | null } | null;
};

/** A queue producer that drops every message: the e-CF stays as issuing left it (pending). */
const noJobs = { send: async () => {} } as unknown as TenantJobs;

async function sequences(s: Awaited<ReturnType<typeof ecfShop>>, types: string[]) {
  for (const docType of types)
    await s.db.insert(fiscalSequences).values({
      docType,
      prefix: docType,
      rangeStart: 1,
      rangeEnd: 1000,
      nextNumber: 1,
      validUntil: addDays(shopToday(), 365),
      isDefault: true,
    });
}

async function issueThroughApi(s: Awaited<ReturnType<typeof ecfShop>>, body: object) {
  const created = await apiJson<{ id: string }>(s.host, '/invoices', s.bearer, {
    method: 'POST',
    body: JSON.stringify(body),
  });
  expect(created.status).toBe(201);
  return apiJson<{ id: string; ncf: string; ecf: EcfJson | null }>(
    s.host,
    `/invoices/${created.body.id}/issue`,
    s.bearer,
    { method: 'POST' },
  );
}

/** The QR URL rebuilt from the signed XML itself (what DGII would read). */
function urlOfXml(xml: string, channel: string): string {
  const stamp = stampOfSignedEcf(xml, 'TesteCF');
  return channel === 'rfce' ? rfceQrUrl(stamp) : qrUrl(stamp);
}

describe('e-CF in the API', { timeout: 90_000 }, () => {
  it('an E31 and its E34 carry their e-CF in the API, ecf.xml is the signed document; a B02 has none', async () => {
    const s = await ecfShop();
    await sequences(s, ['E31', 'E34']);
    const issued31 = await issueThroughApi(s, {
      ncfType: 'E31',
      customerId: s.company.id,
      lines: [{ productId: s.frame.id, quantity: '2', unitPrice: '1500' }],
    });
    expect(issued31.status).toBe(200);
    const invoice = issued31.body;
    expect(invoice.ecf).toMatchObject({ encf: invoice.ncf, ecfType: '31', channel: 'ecf', environment: 'TesteCF' });
    expect(['pending', 'sending', 'sent', 'accepted']).toContain(invoice.ecf!.status);

    const xmlResponse = await api(s.host, `/invoices/${invoice.id}/ecf.xml`, s.bearer);
    expect(xmlResponse.status).toBe(200);
    expect(xmlResponse.headers.get('content-type')).toContain('application/xml');
    expect(xmlResponse.headers.get('content-disposition')).toContain(`${invoice.ncf}.xml`);
    const xml = await xmlResponse.text();
    expect(xml).toContain(`<eNCF>${invoice.ncf}</eNCF>`);
    expect((await verifySignedXml(xml)).valid).toBe(true);
    // The check can fail: one changed byte in what was signed breaks it.
    expect((await verifySignedXml(xml.replace('<MontoTotal>3540.00', '<MontoTotal>3540.01'))).valid).toBe(false);
    expect(securityCode(xml)).toBe(invoice.ecf!.securityCode);
    expect(invoice.ecf!.qrUrl).toBe(urlOfXml(xml, 'ecf'));

    // The real queue takes it to DGII's stand-in; the invoice then says so, in the same shape.
    await expect
      .poll(
        async () => (await apiJson<{ ecf: EcfJson }>(s.host, `/invoices/${invoice.id}`, s.bearer)).body.ecf.status,
        { timeout: 30_000, interval: 300 },
      )
      .toBe('accepted');
    const accepted = (await apiJson<{ ecf: EcfJson }>(s.host, `/invoices/${invoice.id}`, s.bearer)).body.ecf;
    expect(accepted).toMatchObject({
      dgiiStatus: 'Aceptado',
      sequenceUsed: true,
      securityCode: invoice.ecf!.securityCode,
    });
    expect(accepted.trackId).toBeTruthy();
    expect(Date.parse(accepted.finishedAt!)).toBeGreaterThanOrEqual(Date.parse(accepted.signedAt));
    // The buyer's commercial answer comes with it too, once recorded.
    expect(accepted.buyerApproval).toBeNull();
    await s.db
      .update(ecfDocuments)
      .set({ buyerApproval: 'rejected', buyerApprovalReason: 'Precio distinto', buyerApprovalAt: new Date() })
      .where(eq(ecfDocuments.invoiceId, invoice.id));
    const answered = (await apiJson<{ ecf: EcfJson }>(s.host, `/invoices/${invoice.id}`, s.bearer)).body.ecf;
    expect(answered.buyerApproval).toMatchObject({ status: 'rejected', reason: 'Precio distinto' });
    // The page shows the same e-CF (no second lookup: it is part of the invoice).
    const page = await (await get(s.host, `/invoices/${invoice.id}`, { headers: { Cookie: s.cookie } })).text();
    expect(page).toContain(accepted.trackId!);
    expect(page).toContain(accepted.securityCode);

    // A full E34 against it: the note's e-CF in its answer and its XML under /credit-notes.
    const note = await apiJson<{ id: string; ncf: string; ecf: EcfJson | null }>(
      s.host,
      `/invoices/${invoice.id}/credit-notes`,
      s.bearer,
      { method: 'POST', body: JSON.stringify({ reason: 'Devolución', full: true }) },
    );
    expect(note.status).toBe(201);
    expect(note.body.ncf).toMatch(/^E34/);
    expect(note.body.ecf).toMatchObject({ encf: note.body.ncf, ecfType: '34', channel: 'ecf' });
    const noteXml = await api(s.host, `/credit-notes/${note.body.id}/ecf.xml`, s.bearer);
    expect(noteXml.status).toBe(200);
    const noteText = await noteXml.text();
    expect(noteText).toContain(`<NCFModificado>${invoice.ncf}</NCFModificado>`);
    expect(note.body.ecf!.qrUrl).toBe(urlOfXml(noteText, 'ecf'));
    const again = await apiJson<{ ecf: EcfJson }>(s.host, `/credit-notes/${note.body.id}`, s.bearer);
    expect(again.body.ecf.securityCode).toBe(securityCode(noteText));
    // Each route serves its own kind only.
    const crossed = await api(s.host, `/invoices/${note.body.id}/ecf.xml`, s.bearer);
    expect(crossed.status).toBe(404);
    expect((await api(s.host, `/credit-notes/${invoice.id}/ecf.xml`, s.bearer)).status).toBe(404);

    // A B-series invoice: ecf null, no XML (problem+json 404); a malformed id is a 404 too.
    const plain = await issueThroughApi(s, {
      ncfType: 'B02',
      lines: [{ productId: s.frame.id, quantity: '1', unitPrice: '1500' }],
    });
    expect(plain.body.ecf).toBeNull();
    const none = await api(s.host, `/invoices/${plain.body.id}/ecf.xml`, s.bearer);
    expect(none.status).toBe(404);
    expect(none.headers.get('content-type')).toContain('application/problem+json');
    expect(((await none.json()) as { status: number }).status).toBe(404);
    expect((await api(s.host, '/invoices/not-a-uuid/ecf.xml', s.bearer)).status).toBe(404);

    // The lists carry each row's e-CF status, joined in the list's own statement.
    const list = await apiJson<{ data: Array<{ id: string; ecfStatus: string | null }> }>(
      s.host,
      '/invoices',
      s.bearer,
    );
    expect(list.body.data.find((row) => row.id === invoice.id)?.ecfStatus).toBe('accepted');
    expect(list.body.data.find((row) => row.id === plain.body.id)?.ecfStatus).toBeNull();
    const notes = await apiJson<{ data: Array<{ id: string; ecfStatus: string | null }> }>(
      s.host,
      '/credit-notes',
      s.bearer,
    );
    expect(notes.body.data.find((row) => row.id === note.body.id)?.ecfStatus).toEqual(expect.any(String));
    expect((await api(s.host, `/invoices/${invoice.id}/ecf.xml`)).status).toBe(401);
  });

  it('the printed stamp is made from the e-CF row and the document, equals the signed XML’s, and needs no XML read', async () => {
    const s = await ecfShop();
    const ctx = { ...s.ctx, jobs: noJobs };
    const docs = {
      e31: await issued(s, 'E31'),
      small32: await issued(s, 'E32'),
      big32: await issued(s, 'E32', { unitPrice: '250000' }),
    };
    const channels: Record<string, string> = {};
    for (const [name, doc] of Object.entries(docs)) {
      const row = (await prepareEcf(ctx, doc.id))!;
      channels[name] = row.channel;
      const xml = await (await ctx.files.get(row.signedXmlKey))!.text();
      const invoice = (await getInvoice(s.db, doc.id))!;
      expect(invoice.ecf).toMatchObject({ id: row.id, state: 'pending', encf: doc.ncf, totalDop: row.totalDop });
      const stamp = ecfPrintStamp(invoice)!;
      expect(stamp.qrUrl, name).toBe(urlOfXml(xml, row.channel));
      expect(stamp.signedAt).toBe(stampOfSignedEcf(xml, 'TesteCF').fechaFirma);
      expect(stamp.securityCode).toBe(securityCode(xml));
    }
    expect(channels).toEqual({ e31: 'ecf', small32: 'rfce', big32: 'ecf' });
    // The buyer's RNC is in the E31's QR; the summarised E32 has the short consultatimbrefc form.
    const e31 = ecfPrintStamp((await getInvoice(s.db, docs.e31.id))!)!;
    expect(e31.qrUrl).toContain('rnccomprador=130991731');
    expect(ecfPrintStamp((await getInvoice(s.db, docs.small32.id))!)!.qrUrl).toMatch(
      /^https:\/\/fc\.dgii\.gov\.do\/testecf\/consultatimbrefc\?rncemisor=\d+&encf=E32\d+&montototal=1770\.00&codigoseguridad=/,
    );

    // Reading the e-CF with the document costs no round trip: the same count as an E31 without one.
    const bare = await issued(s, 'E31');
    const database = `optiflow_${s.tenant.id}`;
    for (const path of ['/api/v1/invoices/{}', '/invoices/{}', '/invoices/{}/print']) {
      const request = (id: string) =>
        path.startsWith('/api')
          ? api(s.host, path.slice(7).replace('{}', id), s.bearer)
          : get(s.host, path.replace('{}', id), { headers: { Cookie: s.cookie } });
      await request(bare.id); // once first: a token's or session's first use is recorded once
      const withEcf = await countQueries(database, () => request(docs.e31.id));
      expect(withEcf, path).toBe(await countQueries(database, () => request(bare.id)));
    }

    // With every stored XML gone, the print still carries the stamp: it never reads them.
    for (const file of await ctx.files.list('ecf/')) await ctx.files.delete(file.key);
    const page = await (await get(s.host, `/invoices/${docs.e31.id}/print`, { headers: { Cookie: s.cookie } })).text();
    expect(page).toContain(`data:image/svg+xml;base64,${btoa(renderSVG(e31.qrUrl))}`);
    expect(page).toContain(e31.signedAt);
  });

  it('prints DGII’s legend while DGII has not received it: 24 h pending, 72 h in contingency, none once accepted', async () => {
    const s = await ecfShop();
    const doc = await issued(s, 'E31');
    const row = (await prepareEcf({ ...s.ctx, jobs: noJobs }, doc.id))!;
    const print = async (format: string) =>
      (await get(s.host, `/invoices/${doc.id}/print?format=${format}`, { headers: { Cookie: s.cookie } })).text();
    const setState = (state: 'contingency' | 'accepted') =>
      s.db.update(ecfDocuments).set({ state }).where(eq(ecfDocuments.id, row.id));
    const deferred = 'Consulte su validez después de 24 horas';
    const contingency = 'Consulte su validez después de 72 horas';

    for (const format of ['a4', '80mm']) {
      const html = await print(format);
      expect(html).toContain(deferred);
      expect(html).not.toContain(contingency);
      expect(html).toContain('e-NCF');
      expect(html).toContain('Factura de crédito fiscal electrónica');
    }
    await setState('contingency');
    for (const format of ['a4', '80mm']) {
      const html = await print(format);
      expect(html).toContain(contingency);
      expect(html).not.toContain(deferred);
    }
    // The PDF is drawn from the same model.
    const pdf = await get(s.host, `/invoices/${doc.id}/pdf`, { headers: { Cookie: s.cookie } });
    expect(pdf.status).toBe(200);
    expect(pdfText(new Uint8Array(await pdf.arrayBuffer()))).toContain(contingency);
    await setState('accepted');
    for (const format of ['a4', '80mm']) {
      const html = await print(format);
      expect(html).not.toContain(deferred);
      expect(html).not.toContain(contingency);
      expect(html).toContain(row.securityCode);
    }
  });
});
