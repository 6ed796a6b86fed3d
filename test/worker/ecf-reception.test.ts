/**
 * The shop as an electronic receiver (/fe/ endpoints, src/services/shop/ecf-reception.ts): the seed
 * protocol with a supplier's certificate, e-CF received into the inbox with a signed ARECF, each
 * refusal DGII lists, and ACECF about the shop's own e-CF. Every test has its own shop and senders.
 */
import { eq } from 'drizzle-orm';
import { SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { auditLog, ecfDocuments, receivedEcf } from '../../src/db/tenant-schema';
import { seedSigner } from '../../src/ecf/dgii/signer';
import { PeerClient } from '../../src/ecf/peer/client';
import { securityCode } from '../../src/ecf/timbre';
import { verifySignedXml } from '../../src/ecf/verify';
import { ecfShop } from '../support/worker/ecf';
import {
  authenticate,
  field,
  issuedTo,
  paths,
  post,
  sender,
  signedAcecf,
  signedEcf,
  signedSeed,
} from '../support/worker/ecf-reception';
import { get } from '../support/worker/helpers';
import { invoiceShop } from '../support/worker/invoices';

describe('seed protocol', { timeout: 30_000 }, () => {
  it('hands out a seed, exchanges the signed seed for a token of an hour', async () => {
    const shop = await ecfShop();
    const supplier = await sender();
    const seed = await get(shop.host, paths.seed);
    expect(seed.status).toBe(200);
    expect(seed.headers.get('content-type')).toContain('application/xml');
    const seedXml = await seed.text();
    expect(seedXml).toMatch(
      /^<\?xml[^>]*\?><SemillaModel [^>]*><valor>[^<]+<\/valor><fecha>[^<]+<\/fecha><\/SemillaModel>$/,
    );

    const { signXml } = await import('../../src/ecf/sign');
    const response = await post(shop.host, paths.validate, await signXml(seedXml, supplier.credentials));
    expect(response.status).toBe(200);
    const token = (await response.json()) as { token: string; expira: string; expedido: string };
    expect(token.token).toMatch(/^[\w-]+\.[\w-]+$/);
    const lifetime = Date.parse(token.expira) - Date.parse(token.expedido);
    expect(lifetime).toBe(3_600_000);
  });

  it('refuses a seed that was not signed, or signed and then changed', async () => {
    const shop = await ecfShop();
    const supplier = await sender();
    const unsigned = await (await get(shop.host, paths.seed)).text();
    const notSigned = await post(shop.host, paths.validate, unsigned);
    expect(notSigned.status).toBe(400);
    expect(notSigned.headers.get('content-type')).toContain('application/problem+json');

    const signed = await signedSeed(shop.host, supplier);
    const tampered = signed.replace(/<fecha>(\d)/, (_, digit: string) => `<fecha>${(Number(digit) + 1) % 10}`);
    expect(tampered).not.toBe(signed);
    const refused = await post(shop.host, paths.validate, tampered);
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { detail: string }).detail).toContain('firma');
    // The untouched document was never used, so it still works.
    expect((await post(shop.host, paths.validate, signed)).status).toBe(200);
  });

  it('answers 400 without an xml part and for an oversized upload, never a 500', async () => {
    const shop = await ecfShop();
    const empty = await get(shop.host, paths.validate, { method: 'POST', body: new FormData() });
    expect(empty.status).toBe(400);
    const big = await post(shop.host, paths.validate, `<SemillaModel>${'x'.repeat(70 * 1024)}</SemillaModel>`);
    expect(big.status).toBe(400);
    for (const [type, body] of [
      ['text/plain', 'hola'],
      ['application/x-www-form-urlencoded', 'xml=%3CSemillaModel%2F%3E'],
      ['application/json', '{"xml":"<SemillaModel/>"}'],
      ['multipart/form-data', 'sin boundary'],
    ]) {
      const response = await get(shop.host, paths.validate, {
        method: 'POST',
        body,
        headers: { 'Content-Type': type! },
      });
      expect(response.status, type).toBe(400);
    }
  });

  it('a shop without a certificate is no receiver: 404 problem on every endpoint', async () => {
    const shop = await invoiceShop('owner');
    const seed = await get(shop.host, paths.seed);
    expect(seed.status).toBe(404);
    expect(seed.headers.get('content-type')).toContain('application/problem+json');
    expect(((await seed.json()) as { detail: string }).detail).toContain('certificado');
    for (const path of [paths.validate, paths.reception, paths.approval]) {
      expect((await post(shop.host, path, '<ECF/>', { token: 'x.y' })).status).toBe(404);
    }
  });
});

describe('recepción', { timeout: 30_000 }, () => {
  it('stores a supplier e-CF and answers a signed ARECF Estado 0 that verifies', async () => {
    const shop = await ecfShop();
    const supplier = await sender();
    const token = await authenticate(shop.host, supplier);
    const { xml, encf } = await signedEcf(supplier, shop.rnc);

    const response = await post(shop.host, paths.reception, xml, { token });
    expect(response.status).toBe(200);
    const arecf = await response.text();
    expect(field(arecf, 'Estado')).toBe('0');
    expect(field(arecf, 'RNCEmisor')).toBe(supplier.rnc);
    expect(field(arecf, 'RNCComprador')).toBe(shop.rnc);
    expect(field(arecf, 'eNCF')).toBe(encf);
    expect(field(arecf, 'CodigoMotivoNoRecibido')).toBeNull();
    const verified = await verifySignedXml(arecf);
    expect(verified.valid).toBe(true);
    expect(verified.certificate?.taxId).toBe(shop.rnc);
    // One byte changed and the acknowledgement no longer verifies.
    expect((await verifySignedXml(arecf.replace('<Estado>0</Estado>', '<Estado>1</Estado>'))).valid).toBe(false);

    const rows = await shop.db.select().from(receivedEcf).where(eq(receivedEcf.encf, encf));
    expect(rows).toHaveLength(1);
    const row = rows[0]!;
    expect(row).toMatchObject({
      issuerRnc: supplier.rnc,
      buyerRnc: shop.rnc,
      ecfType: '31',
      total: '10738.00',
      itbisTotal: '1638.00',
      currency: 'DOP',
      approval: 'pending',
      securityCode: securityCode(xml),
    });
    expect(row.xmlKey).toBe(`ecf/received/${supplier.rnc}/${encf}/${row.id}.xml`);
    expect(await (await shop.files.get(row.xmlKey))!.text()).toBe(xml);
    expect(await (await shop.files.get(row.arecfXmlKey!))!.text()).toBe(arecf);
    const entries = await shop.db.select().from(auditLog).where(eq(auditLog.action, 'ecf.received'));
    expect(entries).toHaveLength(1);
    expect(entries[0]!.actor).toBe(`ÓPTICA PEÑA, SRL (RNC ${supplier.rnc})`);
    expect(entries[0]!.details).toEqual({
      issuerRnc: supplier.rnc,
      issuerName: 'ÓPTICA PEÑA, SRL',
      encf,
      total: 10738,
    });
  });

  it('answers the paths in any letter case, as DGII requires of receivers', async () => {
    const shop = await ecfShop();
    const supplier = await sender();
    expect((await get(shop.host, '/FE/Autenticacion/api/Semilla')).status).toBe(200);
    const token = await authenticate(shop.host, supplier);
    const { xml } = await signedEcf(supplier, shop.rnc);
    const response = await post(shop.host, '/fe/Recepcion/API/ECF', xml, { token });
    expect(response.status).toBe(200);
    expect(field(await response.text(), 'Estado')).toBe('0');
    const unauthorized = await post(shop.host, '/Fe/AprobacionComercial/api/ecf', xml);
    expect(unauthorized.status).toBe(401);
    expect(unauthorized.headers.get('content-type')).toContain('application/problem+json');
  });

  it('answers Estado 1 with the reason DGII lists and stores nothing', async () => {
    const shop = await ecfShop();
    const supplier = await sender();
    const token = await authenticate(shop.host, supplier);
    const reasons: Array<[string, string, string]> = [];
    const refused = async (label: string, xml: string) => {
      const response = await post(shop.host, paths.reception, xml, { token });
      expect(response.status).toBe(200);
      const arecf = await response.text();
      expect((await verifySignedXml(arecf)).valid).toBe(true);
      reasons.push([label, field(arecf, 'Estado')!, field(arecf, 'CodigoMotivoNoRecibido')!]);
    };

    const signed = await signedEcf(supplier, shop.rnc);
    await refused('tampered', signed.xml.replace('<MontoTotal>10738.00', '<MontoTotal>10.00'));
    const other = await sender();
    await refused('signed by another taxpayer', (await signedEcf({ ...other, rnc: supplier.rnc }, shop.rnc)).xml);
    await refused(
      'no items',
      (await signedEcf(supplier, shop.rnc, { transform: (x) => x.replace(/<DetallesItems>.*<\/DetallesItems>/, '') }))
        .xml,
    );
    await refused('another buyer', (await signedEcf(supplier, '131246796')).xml);
    await refused(
      'signed after the certificate expired',
      (await signedEcf(supplier, shop.rnc, { signedAt: new Date(Date.now() + 60 * 86_400_000) })).xml,
    );

    expect(reasons).toEqual([
      ['tampered', '1', '2'],
      ['signed by another taxpayer', '1', '2'],
      ['no items', '1', '1'],
      ['another buyer', '1', '4'],
      ['signed after the certificate expired', '1', '2'],
    ]);
    expect(await shop.db.select().from(receivedEcf)).toEqual([]);
    expect(await shop.files.list('ecf/received')).toEqual([]);
  });

  it('a second delivery of the same e-NCF is "envío duplicado" (code 3), one row kept', async () => {
    const shop = await ecfShop();
    const supplier = await sender();
    const token = await authenticate(shop.host, supplier);
    const { xml, encf } = await signedEcf(supplier, shop.rnc);
    const [first, second] = await Promise.all([
      post(shop.host, paths.reception, xml, { token }),
      post(shop.host, paths.reception, xml, { token }),
    ]);
    const answers = [await first!.text(), await second!.text()].map((arecf) => [
      field(arecf, 'Estado'),
      field(arecf, 'CodigoMotivoNoRecibido'),
    ]);
    expect(answers.sort()).toEqual([
      ['0', null],
      ['1', '3'],
    ]);
    expect(await shop.db.select().from(receivedEcf).where(eq(receivedEcf.encf, encf))).toHaveLength(1);
    expect(await shop.files.list(`ecf/received/${supplier.rnc}/${encf}`)).toHaveLength(2);
    expect(await shop.db.select().from(auditLog).where(eq(auditLog.action, 'ecf.received'))).toHaveLength(1);
  });

  it('refuses a missing or forged token (401) and a token of another sender than the issuer (403)', async () => {
    const shop = await ecfShop();
    const supplier = await sender();
    const { xml } = await signedEcf(supplier, shop.rnc);
    const none = await post(shop.host, paths.reception, xml);
    expect(none.status).toBe(401);
    expect(none.headers.get('content-type')).toContain('application/problem+json');

    const token = await authenticate(shop.host, supplier);
    const [payload, mac] = token.split('.') as [string, string];
    const claims = JSON.parse(atob(payload.replace(/-/g, '+').replace(/_/g, '/'))) as { e: number };
    const longer = btoa(JSON.stringify({ ...claims, e: claims.e + 86_400 }))
      .replace(/\+/g, '-')
      .replace(/\//g, '_')
      .replace(/=+$/, '');
    expect((await post(shop.host, paths.reception, xml, { token: `${longer}.${mac}` })).status).toBe(401);

    const intermediary = await sender();
    const otherToken = await authenticate(shop.host, intermediary);
    expect((await post(shop.host, paths.reception, xml, { token: otherToken })).status).toBe(403);
    expect((await post(shop.host, paths.reception, xml, { token })).status).toBe(200);
  });

  it('answers 400 for something that is not an e-CF or is over 2 MB', async () => {
    const shop = await ecfShop();
    const supplier = await sender();
    const token = await authenticate(shop.host, supplier);
    for (const xml of ['<no-cierra', '<Factura/>', '<!DOCTYPE x [<!ENTITY a "b">]><ECF>&a;</ECF>']) {
      const response = await post(shop.host, paths.reception, xml, { token });
      expect(response.status).toBe(400);
    }
    const { xml } = await signedEcf(supplier, shop.rnc);
    const padded = xml.replace('</ECF>', `${' '.repeat(2 * 1024 * 1024)}</ECF>`);
    const tooLarge = await post(shop.host, paths.reception, padded, { token });
    expect(tooLarge.status).toBe(400);
    expect(((await tooLarge.json()) as { detail: string }).detail).toContain('2048 KB');
    expect(await shop.db.select().from(receivedEcf)).toEqual([]);
  });
});

describe('aprobación comercial', { timeout: 30_000 }, () => {
  it("records the buyer's approval of one of the shop's e-CF and keeps the ACECF", async () => {
    const shop = await ecfShop();
    const buyer = await sender();
    const issued = await issuedTo(shop, buyer.rnc);
    const token = await authenticate(shop.host, buyer);
    const acecf = await signedAcecf(buyer, { issuerRnc: shop.rnc, ...issued });

    const response = await post(shop.host, paths.approval, acecf, { token });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ encf: issued.encf, approval: 'approved' });
    const [row] = await shop.db.select().from(ecfDocuments).where(eq(ecfDocuments.id, issued.ecf.id));
    expect(row).toMatchObject({ buyerApproval: 'approved', buyerApprovalReason: null });
    expect(row!.buyerApprovalAt).toBeInstanceOf(Date);
    expect(await (await shop.files.get(row!.buyerAcecfKey!))!.text()).toBe(acecf);

    // The same answer again is fine; a different one is a conflict and changes nothing.
    expect((await post(shop.host, paths.approval, acecf, { token })).status).toBe(200);
    const rejection = await signedAcecf(buyer, { issuerRnc: shop.rnc, ...issued, rejection: 'Mercancía dañada' });
    expect((await post(shop.host, paths.approval, rejection, { token })).status).toBe(409);
    const [after] = await shop.db.select().from(ecfDocuments).where(eq(ecfDocuments.id, issued.ecf.id));
    expect(after).toMatchObject({ buyerApproval: 'approved', buyerAcecfKey: row!.buyerAcecfKey });
    const entries = await shop.db.select().from(auditLog).where(eq(auditLog.action, 'ecf.buyer_approval.approved'));
    expect(entries.map((entry) => [entry.actor, entry.details])).toEqual([
      [`ÓPTICA COMPRADORA, SRL (RNC ${buyer.rnc})`, { encf: issued.encf, reason: null }],
    ]);
    // The activity log says which e-CF in words.
    const log = await (await get(shop.host, '/audit', { headers: { Cookie: shop.cookie } })).text();
    expect(log).toContain(`e-NCF ${issued.encf}`);
  });

  it('an approval and a rejection at the same moment: one is recorded, the other is a conflict', async () => {
    const shop = await ecfShop();
    const buyer = await sender();
    const issued = await issuedTo(shop, buyer.rnc);
    const token = await authenticate(shop.host, buyer);
    const approve = await signedAcecf(buyer, { issuerRnc: shop.rnc, ...issued });
    const reject = await signedAcecf(buyer, { issuerRnc: shop.rnc, ...issued, rejection: 'No lo pedimos' });
    const responses = await Promise.all([
      post(shop.host, paths.approval, approve, { token }),
      post(shop.host, paths.approval, reject, { token }),
    ]);
    const statuses = responses.map((response) => response.status);
    expect([...statuses].sort()).toEqual([200, 409]);
    const [row] = await shop.db.select().from(ecfDocuments).where(eq(ecfDocuments.id, issued.ecf.id));
    expect(row!.buyerApproval).toBe(statuses[0] === 200 ? 'approved' : 'rejected');
    const entries = await shop.db.select().from(auditLog);
    expect(entries.filter((entry) => entry.action.startsWith('ecf.buyer_approval.'))).toHaveLength(1);
    expect(await shop.files.list(`ecf/approvals/${issued.encf}`)).toHaveLength(1);
  });

  it('records a rejection with its reason', async () => {
    const shop = await ecfShop();
    const buyer = await sender();
    const issued = await issuedTo(shop, buyer.rnc);
    const token = await authenticate(shop.host, buyer);
    const acecf = await signedAcecf(buyer, { issuerRnc: shop.rnc, ...issued, rejection: 'Precio no acordado' });
    expect((await post(shop.host, paths.approval, acecf, { token })).status).toBe(200);
    const [row] = await shop.db.select().from(ecfDocuments).where(eq(ecfDocuments.id, issued.ecf.id));
    expect(row).toMatchObject({ buyerApproval: 'rejected', buyerApprovalReason: 'Precio no acordado' });
  });

  it('refuses an ACECF about another issuer (422), an unknown e-NCF or someone else’s (404), a bad signature (400)', async () => {
    const shop = await ecfShop();
    const buyer = await sender();
    const issued = await issuedTo(shop, buyer.rnc);
    const token = await authenticate(shop.host, buyer);

    const otherIssuer = await post(
      shop.host,
      paths.approval,
      await signedAcecf(buyer, { ...issued, issuerRnc: '131246796' }),
      { token },
    );
    expect(otherIssuer.status).toBe(422);
    expect(otherIssuer.headers.get('content-type')).toContain('application/problem+json');
    const unknown = await signedAcecf(buyer, { issuerRnc: shop.rnc, ...issued, encf: 'E310000000001' });
    expect((await post(shop.host, paths.approval, unknown, { token })).status).toBe(404);

    const stranger = await sender();
    const strangerToken = await authenticate(shop.host, stranger);
    const notTheirs = await signedAcecf(stranger, { issuerRnc: shop.rnc, ...issued });
    expect((await post(shop.host, paths.approval, notTheirs, { token: strangerToken })).status).toBe(404);

    const good = await signedAcecf(buyer, { issuerRnc: shop.rnc, ...issued });
    const tampered = good.replace('<Estado>1</Estado>', '<Estado>2</Estado>');
    expect((await post(shop.host, paths.approval, tampered, { token })).status).toBe(400);
    const [row] = await shop.db.select().from(ecfDocuments).where(eq(ecfDocuments.id, issued.ecf.id));
    expect(row!.buyerApproval).toBeNull();
  });
});

describe('between two shops', { timeout: 30_000 }, () => {
  it("the delivery client of one shop gets a verified ARECF from another shop's receiver, and the approval back", async () => {
    const seller = await ecfShop();
    const buyer = await ecfShop();
    const endpoints = (shop: { rnc: string; host: string }) => {
      const url = `http://${shop.host}`;
      return { rnc: shop.rnc, urlRecepcion: url, urlAceptacion: url, urlOpcional: url };
    };
    const fetchWorker: typeof fetch = (input, init) => SELF.fetch(input, init);

    const issued = await issuedTo(seller, buyer.rnc);
    const { xml } = await signedEcf({ rnc: seller.rnc, credentials: seller.credentials }, buyer.rnc, {
      encf: issued.encf,
    });
    const sellerClient = new PeerClient({ signer: seedSigner(seller.credentials), fetch: fetchWorker });
    const ack = await sellerClient.sendEcf(endpoints(buyer), xml, { issuerRnc: seller.rnc, encf: issued.encf });
    expect(ack).toMatchObject({ received: true, buyerRnc: buyer.rnc, encf: issued.encf, notReceivedReason: null });
    const [inbox] = await buyer.db.select().from(receivedEcf);
    expect(inbox).toMatchObject({ issuerRnc: seller.rnc, encf: issued.encf });

    const acecf = await signedAcecf(
      { rnc: buyer.rnc, credentials: buyer.credentials },
      { issuerRnc: seller.rnc, encf: issued.encf, issuedOn: inbox!.issuedOn, total: inbox!.total },
    );
    const buyerClient = new PeerClient({ signer: seedSigner(buyer.credentials), fetch: fetchWorker });
    const answer = await buyerClient.sendApproval(endpoints(seller), acecf, { buyerRnc: buyer.rnc, encf: issued.encf });
    expect(answer.status).toBe(200);
    const [row] = await seller.db.select().from(ecfDocuments).where(eq(ecfDocuments.id, issued.ecf.id));
    expect(row!.buyerApproval).toBe('approved');
  });
});
