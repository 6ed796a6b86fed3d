/**
 * The Worker's DGII client, in workerd, against the DGII stand-in the test run started
 * (DGII_BASE_URL). Each test uses its own shops (tenants) with their own certificates and RNCs, so
 * the stand-in's per-RNC counts and modes are theirs alone. Certificates are made here with
 * WebCrypto (workerd cannot run openssl): self-signed, with DGII's SN (serialNumber) and the
 * company's RNC in organizationIdentifier, as Dominican CAs issue them.
 */
import { describe, expect, it } from 'vitest';
import { type DgiiClient, createDgiiClient } from '../../src/ecf/dgii/client';
import { dgiiBaseUrls, ecfFileName } from '../../src/ecf/dgii/endpoints';
import { DgiiRejectedError, DgiiUnauthorizedError, DgiiUnreachableError } from '../../src/ecf/dgii/errors';
import { seedSigner } from '../../src/ecf/dgii/signer';
import { signXml } from '../../src/ecf/sign';
import type { TenantCache } from '../../src/tenancy/cache';
import { tenantContext, testEnv } from '../support/worker/helpers';
import { shop } from '../support/worker/shop';
import { importSigningKey } from '../../src/ecf/certificate';
import { selfSignedCredentials } from '../support/worker/ecf-certificate';
import { control } from '../support/worker/ecf';

const standin = testEnv.DGII_BASE_URL;

interface TestShop {
  tenantId: string;
  rnc: string;
  cache: TenantCache;
  key: CryptoKey;
  certificateDer: Uint8Array;
}

/** A shop (its own tenant) with its own RNC and certificate. */
async function ecfShop(): Promise<TestShop> {
  const rnc = `1${String(crypto.getRandomValues(new Uint32Array(1))[0]! % 100_000_000).padStart(8, '0')}`;
  const s = await shop('owner', { rnc });
  const { cache } = await tenantContext(s.tenant.id);
  const { key, certificateDer } = await selfSignedCertificate(rnc, `001${rnc.slice(1)}0`);
  return { tenantId: s.tenant.id, rnc, cache, key, certificateDer };
}

function client(s: TestShop, options: { baseUrl?: string; timeoutMs?: number } = {}): DgiiClient {
  return createDgiiClient({
    environment: 'TesteCF',
    baseUrl: options.baseUrl ?? standin,
    cache: s.cache,
    signer: seedSigner({ key: s.key, certificateDer: s.certificateDer }),
    timeoutMs: options.timeoutMs ?? 10_000,
    statusApiKey: 'prueba',
  });
}

interface StandinState {
  authentications: number;
  counts: Record<string, number>;
  submissions: Array<{ rnc: string; encf: string; tokenIds: string[] }>;
  requests: Array<{ method: string; path: string; status: number; tokenIds?: string[]; rnc?: string }>;
}

async function state(rnc: string): Promise<StandinState> {
  return (await (await fetch(`${standin}/_control/state?rnc=${rnc}`)).json()) as StandinState;
}

function ecf31(rnc: string, encf: string): string {
  return `<?xml version="1.0" encoding="utf-8"?><ECF><Encabezado><Version>1.0</Version><IdDoc><TipoeCF>31</TipoeCF><eNCF>${encf}</eNCF><FechaVencimientoSecuencia>31-12-2027</FechaVencimientoSecuencia><TipoIngresos>01</TipoIngresos><TipoPago>1</TipoPago></IdDoc><Emisor><RNCEmisor>${rnc}</RNCEmisor><RazonSocialEmisor>Óptica Prueba SRL</RazonSocialEmisor><DireccionEmisor>Calle 1</DireccionEmisor><FechaEmision>05-12-2026</FechaEmision></Emisor><Comprador><RNCComprador>101850043</RNCComprador><RazonSocialComprador>Cliente SRL</RazonSocialComprador></Comprador><Totales><MontoExento>1180.00</MontoExento><MontoTotal>1180.00</MontoTotal></Totales></Encabezado><DetallesItems><Item><NumeroLinea>1</NumeroLinea><IndicadorFacturacion>4</IndicadorFacturacion><NombreItem>Lentes</NombreItem><IndicadorBienoServicio>1</IndicadorBienoServicio><CantidadItem>1</CantidadItem><PrecioUnitarioItem>1180.00</PrecioUnitarioItem><MontoItem>1180.00</MontoItem></Item></DetallesItems><FechaHoraFirma>05-12-2026 10:00:00</FechaHoraFirma></ECF>`;
}

async function signedEcf(s: TestShop, encf: string): Promise<string> {
  return signXml(ecf31(s.rnc, encf), { key: s.key, certificateDer: s.certificateDer });
}

function encf(n: number): string {
  return `E31${String(n).padStart(10, '0')}`;
}

async function finalStatus(c: DgiiClient, trackId: string) {
  for (let i = 0; i < 200; i++) {
    const result = await c.getStatus(trackId);
    if (result.estado !== 'En Proceso') return result;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`trackId ${trackId} stayed En Proceso`);
}

describe('DGII client: authentication and the token cache', { timeout: 60_000 }, () => {
  it('authenticates with the shop certificate and keeps the token in the shop cache for later requests', async () => {
    const s = await ecfShop();
    const first = await client(s).token();
    expect(first.token.split('.')).toHaveLength(3);
    expect(Date.parse(first.expira) - Date.parse(first.expedido)).toBe(3600_000);
    // A second client (another request or queue message of the shop) finds it in the cache.
    expect((await client(s).token()).token).toBe(first.token);
    expect((await state(s.rnc)).authentications).toBe(1);
    const keys = await s.cache.list('dgii:token:');
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatch(/^dgii:token:TesteCF:[0-9a-f]{24}$/);
    const raw = await testEnv.KV.list({ prefix: `t:${s.tenantId}:dgii:token:` });
    expect(raw.keys).toHaveLength(1);
  });

  it('20 simultaneous sends after one authentication give one validarsemilla, and each reaches DGII once', async () => {
    const s = await ecfShop();
    await client(s).authenticate();
    const documents = await Promise.all(Array.from({ length: 20 }, (_, i) => signedEcf(s, encf(i + 1))));
    const results = await Promise.all(
      documents.map((xml, i) => client(s).sendEcf(xml, ecfFileName(s.rnc, encf(i + 1)))),
    );
    expect(new Set(results.map((r) => r.trackId)).size).toBe(20);
    const after = await state(s.rnc);
    expect(after.authentications).toBe(1);
    expect(Object.values(after.counts)).toEqual(Array(20).fill(1));
    expect(after.requests.filter((r) => r.path.endsWith('/validarsemilla'))).toHaveLength(1);
    // The XMLDSig made in the Worker passes the stand-in's independent check (xml-crypto).
    expect((await finalStatus(client(s), results[0]!.trackId)).estado).toBe('Aceptado');
  });

  it('authenticates once when 20 sends of one client start with no token cached', async () => {
    const s = await ecfShop();
    const c = client(s);
    const documents = await Promise.all(Array.from({ length: 20 }, (_, i) => signedEcf(s, encf(i + 1))));
    await Promise.all(documents.map((xml, i) => c.sendEcf(xml, ecfFileName(s.rnc, encf(i + 1)))));
    expect((await state(s.rnc)).authentications).toBe(1);
  });

  it('renews the token once when DGII answers 401, then keeps using the new one', async () => {
    const s = await ecfShop();
    const c = client(s);
    const old = await c.token();
    await control('expire-tokens', { rnc: s.rnc });
    const { trackId } = await c.sendEcf(await signedEcf(s, encf(1)), ecfFileName(s.rnc, encf(1)));
    const renewed = await client(s).token();
    expect(renewed.token).not.toBe(old.token);
    await client(s).getStatus(trackId);
    const after = await state(s.rnc);
    expect(after.authentications).toBe(2);
    const receptions = after.requests.filter((r) => r.path.endsWith('/facturaselectronicas')).map((r) => r.status);
    expect(receptions).toEqual([401, 200]);
    expect(Object.values(after.counts)).toEqual([1]);
  });

  it('renews the token shortly before it expires, so a steady stream of requests never meets a 401', async () => {
    const s = await ecfShop();
    await control('configure', { rnc: s.rnc, tokenLifetimeSeconds: 6 });
    const c = client(s);
    const first = await c.token();
    const deadline = Date.now() + 8000;
    while (Date.now() < deadline) {
      await client(s).getStatus('no-such-track');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const after = await state(s.rnc);
    expect(after.authentications).toBeGreaterThanOrEqual(2);
    expect(after.requests.filter((r) => r.status === 401)).toEqual([]);
    expect((await c.token()).token).not.toBe(first.token);
  });

  it('authenticates again when the shop changes its certificate', async () => {
    const s = await ecfShop();
    const before = await client(s).token();
    const renewed = { ...s, ...(await selfSignedCertificate(s.rnc, `001${s.rnc.slice(1)}0`)) };
    const after = await client(renewed).token();
    expect(after.token).not.toBe(before.token);
    expect((await state(s.rnc)).authentications).toBe(2);
    expect(await s.cache.list('dgii:token:')).toHaveLength(2);
  });

  it('gives up with a typed error when even a fresh token is refused', async () => {
    const s = await ecfShop();
    const c = client(s);
    await c.token();
    // Tokens of this RNC now live for 0 seconds: every one is expired on arrival.
    await control('configure', { rnc: s.rnc, tokenLifetimeSeconds: 0 });
    await control('expire-tokens', { rnc: s.rnc });
    const error = await c.getStatus('no-such-track').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DgiiUnauthorizedError);
    expect((error as DgiiUnauthorizedError).kind).toBe('unauthorized');
  });
});

describe('DGII client: shop isolation', { timeout: 60_000 }, () => {
  it("never sends one shop's request with another shop's token, nor lets one read the other's cache entry", async () => {
    const [a, b] = await Promise.all([ecfShop(), ecfShop()]);
    const [tokenA, tokenB] = await Promise.all([client(a).token(), client(b).token()]);
    expect(tokenA.token).not.toBe(tokenB.token);

    const [keyA] = await a.cache.list('dgii:token:');
    expect(keyA).toBeDefined();
    expect(await b.cache.get(keyA!)).toBeNull();
    expect(await b.cache.list('dgii:token:')).not.toContain(keyA);
    expect((await b.cache.get<{ token: string }>((await b.cache.list('dgii:token:'))[0]!))?.token).toBe(tokenB.token);

    const sends = async (s: TestShop) => {
      const docs = await Promise.all(Array.from({ length: 5 }, (_, i) => signedEcf(s, encf(i + 1))));
      return Promise.all(docs.map((xml, i) => client(s).sendEcf(xml, ecfFileName(s.rnc, encf(i + 1)))));
    };
    const [sentA] = await Promise.all([sends(a), sends(b)]);
    for (const [own, other] of [
      [a, b],
      [b, a],
    ] as const) {
      const seen = await state(own.rnc);
      const aboutOwn = seen.requests.filter((r) => r.rnc === own.rnc);
      expect(aboutOwn.length).toBeGreaterThanOrEqual(5);
      for (const request of aboutOwn) {
        expect(request.tokenIds).toContain(own.rnc);
        expect(request.tokenIds).not.toContain(other.rnc);
      }
      expect(seen.submissions.every((x) => x.tokenIds.includes(own.rnc) && !x.tokenIds.includes(other.rnc))).toBe(true);
    }
    // A trackId of A reads as unknown with B's token, and as A's with A's.
    expect((await client(b).getStatus(sentA[0]!.trackId)).estado).toBe('No encontrado');
    expect((await client(a).getStatus(sentA[0]!.trackId)).rnc).toBe(a.rnc);
  });
});

describe('DGII client: failures the caller turns into contingency', { timeout: 60_000 }, () => {
  it('answers unreachable at once when nothing listens, instead of hanging', async () => {
    const s = await ecfShop();
    const started = Date.now();
    const error = await client(s, { baseUrl: 'http://127.0.0.1:9', timeoutMs: 3000 })
      .sendEcf(await signedEcf(s, encf(1)), ecfFileName(s.rnc, encf(1)))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DgiiUnreachableError);
    expect((error as DgiiUnreachableError).kind).toBe('unreachable');
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('times out a DGII that does not answer, and takes a 503 or a dropped connection as unreachable', async () => {
    const s = await ecfShop();
    // Authenticated with the usual deadline (the stand-in checks the seed's XSD and signature first).
    await client(s).token();
    const c = client(s, { timeoutMs: 300 });
    await control('mode', { rnc: s.rnc, delayMs: 5000 });
    const started = Date.now();
    const slow = await c.getStatus('x').catch((e: unknown) => e);
    expect(slow).toBeInstanceOf(DgiiUnreachableError);
    expect((slow as Error).message).toContain('no answer within 300 ms');
    expect(Date.now() - started).toBeLessThan(4000);

    await control('mode', { rnc: s.rnc, delayMs: 0, down: '503' });
    const down = await c.getStatus('x').catch((e: unknown) => e);
    expect(down).toBeInstanceOf(DgiiUnreachableError);
    expect((down as DgiiUnreachableError).status).toBe(503);

    await control('mode', { rnc: s.rnc, down: 'reset' });
    expect(await c.getStatus('x').catch((e: unknown) => e)).toBeInstanceOf(DgiiUnreachableError);

    await control('mode', { rnc: s.rnc, down: false });
    expect((await c.getStatus('x')).estado).toBe('No encontrado');
  });

  it("rejections carry DGII's words: a refused upload, and a Rechazado result with its messages", async () => {
    const s = await ecfShop();
    const c = client(s);
    const refused = await c.sendEcf(await signedEcf(s, encf(1)), 'factura.xml').catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(DgiiRejectedError);
    expect((refused as DgiiRejectedError).status).toBe(400);
    expect((refused as Error).message).toContain('Nombre de archivo no válido');

    const message = { codigo: 145, valor: 'El monto total no coincide.' };
    await control('reject-next', { rnc: s.rnc, mensajes: [message] });
    const { trackId } = await c.sendEcf(await signedEcf(s, encf(2)), ecfFileName(s.rnc, encf(2)));
    expect(await finalStatus(c, trackId)).toMatchObject({
      trackId,
      codigo: 2,
      estado: 'Rechazado',
      rnc: s.rnc,
      encf: encf(2),
      secuenciaUtilizada: true,
      mensajes: [message],
    });
    expect(await c.trackIds(s.rnc, encf(2))).toEqual([expect.objectContaining({ trackId, estado: 'Rechazado' })]);
  });
});

describe('DGII client: the other services', { timeout: 60_000 }, () => {
  it('sends an RFCE, cancels a range, looks up a receiver and reads the services status', async () => {
    const s = await ecfShop();
    const c = client(s);
    const signer = { key: s.key, certificateDer: s.certificateDer };
    const rfce = await signXml(
      `<RFCE><Encabezado><Version>1.0</Version><IdDoc><TipoeCF>32</TipoeCF><eNCF>E320000000001</eNCF><TipoIngresos>01</TipoIngresos><TipoPago>1</TipoPago></IdDoc><Emisor><RNCEmisor>${s.rnc}</RNCEmisor><RazonSocialEmisor>Óptica</RazonSocialEmisor><FechaEmision>05-12-2026</FechaEmision></Emisor><Comprador/><Totales><MontoExento>500.00</MontoExento><MontoTotal>500.00</MontoTotal></Totales><CodigoSeguridadeCF>aB3dE6</CodigoSeguridadeCF></Encabezado></RFCE>`,
      signer,
    );
    expect(await c.sendRfce(rfce, ecfFileName(s.rnc, 'E320000000001'))).toEqual({
      codigo: 1,
      estado: 'Aceptado',
      mensajes: [],
      encf: 'E320000000001',
      secuenciaUtilizada: true,
    });

    const anecf = await signXml(
      `<ANECF><Encabezado><Version>1.0</Version><RncEmisor>${s.rnc}</RncEmisor><CantidadeNCFAnulados>5</CantidadeNCFAnulados><FechaHoraAnulacioneNCF>05-12-2026 10:00:00</FechaHoraAnulacioneNCF></Encabezado><DetalleAnulacion><Anulacion><NoLinea>1</NoLinea><TipoeCF>31</TipoeCF><TablaRangoSecuenciasAnuladaseNCF><Secuencias><SecuenciaeNCFDesde>E310000000101</SecuenciaeNCFDesde><SecuenciaeNCFHasta>E310000000105</SecuenciaeNCFHasta></Secuencias></TablaRangoSecuenciasAnuladaseNCF><CantidadeNCFAnulados>5</CantidadeNCFAnulados></Anulacion></DetalleAnulacion></ANECF>`,
      signer,
    );
    expect(await c.cancelRange(anecf)).toMatchObject({ rnc: s.rnc, codigo: '1' });

    const receiver = await ecfShop();
    const entry = {
      nombre: 'Óptica Receptora',
      rnc: receiver.rnc,
      urlRecepcion: 'http://receptora.localhost:8787',
      urlAceptacion: 'http://receptora.localhost:8787',
      urlOpcional: 'http://receptora.localhost:8787',
    };
    await control('directory', entry);
    expect(await c.lookupReceiver(receiver.rnc)).toEqual(entry);
    expect(await c.lookupReceiver('999999999')).toBeNull();

    expect(await c.serviceStatus()).toEqual({ estado: 'Disponible', available: true });
  });

  it("maps environments to DGII's hosts unless DGII_BASE_URL overrides them", () => {
    expect(dgiiBaseUrls('TesteCF')).toEqual({
      ecf: 'https://ecf.dgii.gov.do/testecf',
      fc: 'https://fc.dgii.gov.do/testecf',
      status: 'https://statusecf.dgii.gov.do',
    });
    expect(dgiiBaseUrls('eCF', '').ecf).toBe('https://ecf.dgii.gov.do/ecf');
    expect(dgiiBaseUrls('CerteCF', 'http://127.0.0.1:54322/')).toEqual({
      ecf: 'http://127.0.0.1:54322/certecf',
      fc: 'http://127.0.0.1:54322/certecf',
      status: 'http://127.0.0.1:54322',
    });
    expect(ecfFileName('101672919', 'E310000000001')).toBe('101672919E310000000001.xml');
  });
});

/** The shared WebCrypto certificate (test/support/worker/ecf-certificate.ts), as a signing key and its DER. */
async function selfSignedCertificate(rnc: string, cedula: string) {
  const credentials = await selfSignedCredentials(rnc, cedula);
  return { key: await importSigningKey(credentials), certificateDer: credentials.certificateDer };
}
