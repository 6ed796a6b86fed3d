/**
 * The DGII stand-in over HTTP, as a client sees it. Certificates are made here with openssl and
 * documents are signed with xmlsec1 (an implementation independent of ours and of the stand-in's).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DgiiStandin, mensajes, startDgiiStandin } from '../../dev/dgii-standin';

interface Identity {
  key: string;
  cert: string;
}

let dir: string;
let standin: DgiiStandin;
let base: string;
let rncCounter = 100_000_000 + Math.floor(Math.random() * 800_000_000);

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'optiflow-dgii-standin-'));
  standin = await startDgiiStandin({ settings: { resultDelayMs: 300 } });
  base = `${standin.url}/testecf`;
});

afterAll(async () => {
  await standin?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A fresh RNC per call, so tests never share state in the stand-in. */
function newRnc(): string {
  rncCounter = (rncCounter + 7919) % 900_000_000;
  return String(100_000_000 + rncCounter);
}

/** A legal person's certificate as Dominican CAs issue it: the holder's cédula in serialNumber, the RNC in organizationIdentifier. */
function identity(subject: string): Identity {
  const name = `id-${Math.random().toString(36).slice(2)}`;
  const key = path.join(dir, `${name}.key`);
  const cert = path.join(dir, `${name}.pem`);
  // biome-ignore format: one openssl command
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '30',
    '-utf8', '-subj', subject], { stdio: 'ignore' });
  return { key, cert };
}

function shopIdentity(rnc: string, cedula = `001${rnc.slice(0, 8)}`): Identity {
  return identity(
    `/C=DO/O=Óptica ${rnc}/organizationIdentifier=VATDO-${rnc}/serialNumber=IDCDO-${cedula}/CN=ÓPTICA ${rnc}`,
  );
}

const signatureTemplate =
  '<Signature xmlns="http://www.w3.org/2000/09/xmldsig#"><SignedInfo><CanonicalizationMethod Algorithm="http://www.w3.org/TR/2001/REC-xml-c14n-20010315"/><SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"/><Reference URI=""><Transforms><Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/></Transforms><DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><DigestValue/></Reference></SignedInfo><SignatureValue/><KeyInfo><X509Data><X509Certificate/></X509Data></KeyInfo></Signature>';

/** Enveloped RSA-SHA256 signature over the whole document, by xmlsec1. */
function sign(xml: string, signer: Identity): string {
  const closing = xml.lastIndexOf('</');
  const template = `${xml.slice(0, closing)}${signatureTemplate}${xml.slice(closing)}`;
  const input = path.join(dir, `in-${Math.random().toString(36).slice(2)}.xml`);
  const output = `${input}.signed`;
  writeFileSync(input, template);
  execFileSync('xmlsec1', ['--sign', '--privkey-pem', `${signer.key},${signer.cert}`, '--output', output, input], {
    stdio: 'ignore',
  });
  return readFileSync(output, 'utf8');
}

function upload(xml: string, fileName: string): FormData {
  const form = new FormData();
  form.append('xml', new Blob([xml], { type: 'text/xml' }), fileName);
  return form;
}

async function seed(): Promise<string> {
  const response = await fetch(`${base}/autenticacion/api/autenticacion/semilla`);
  expect(response.status).toBe(200);
  return response.text();
}

function validateSeed(signedSeed: string): Promise<Response> {
  return fetch(`${base}/autenticacion/api/autenticacion/validarsemilla`, {
    method: 'POST',
    headers: { accept: 'application/json' },
    body: upload(signedSeed, 'semilla.xml'),
  });
}

async function token(signer: Identity): Promise<string> {
  const response = await validateSeed(sign(await seed(), signer));
  expect(response.status).toBe(200);
  return ((await response.json()) as { token: string }).token;
}

function ecf(rnc: string, encf: string, options: { monto?: string; tipo?: string; extra?: string } = {}): string {
  const tipo = options.tipo ?? encf.slice(1, 3);
  const monto = options.monto ?? '1180.00';
  const comprador =
    tipo === '31'
      ? '<RNCComprador>101850043</RNCComprador><RazonSocialComprador>Cliente SRL</RazonSocialComprador>'
      : '';
  const vencimiento = tipo === '32' ? '' : '<FechaVencimientoSecuencia>31-12-2027</FechaVencimientoSecuencia>';
  return `<?xml version="1.0" encoding="utf-8"?><ECF><Encabezado><Version>1.0</Version><IdDoc><TipoeCF>${tipo}</TipoeCF><eNCF>${encf}</eNCF>${vencimiento}<TipoIngresos>01</TipoIngresos><TipoPago>1</TipoPago></IdDoc><Emisor><RNCEmisor>${rnc}</RNCEmisor><RazonSocialEmisor>Optica Prueba SRL</RazonSocialEmisor><DireccionEmisor>Calle 1</DireccionEmisor><FechaEmision>05-12-2026</FechaEmision></Emisor><Comprador>${comprador}</Comprador><Totales>${options.extra ?? ''}<MontoExento>${monto}</MontoExento><MontoTotal>${monto}</MontoTotal></Totales></Encabezado><DetallesItems><Item><NumeroLinea>1</NumeroLinea><IndicadorFacturacion>4</IndicadorFacturacion><NombreItem>Lentes</NombreItem><IndicadorBienoServicio>1</IndicadorBienoServicio><CantidadItem>1</CantidadItem><PrecioUnitarioItem>${monto}</PrecioUnitarioItem><MontoItem>${monto}</MontoItem></Item></DetallesItems><FechaHoraFirma>05-12-2026 10:00:00</FechaHoraFirma></ECF>`;
}

function rfce(rnc: string, encf: string, monto = '1180.00'): string {
  return `<?xml version="1.0" encoding="utf-8"?><RFCE><Encabezado><Version>1.0</Version><IdDoc><TipoeCF>32</TipoeCF><eNCF>${encf}</eNCF><TipoIngresos>01</TipoIngresos><TipoPago>1</TipoPago></IdDoc><Emisor><RNCEmisor>${rnc}</RNCEmisor><RazonSocialEmisor>Optica Prueba SRL</RazonSocialEmisor><FechaEmision>05-12-2026</FechaEmision></Emisor><Comprador/><Totales><MontoExento>${monto}</MontoExento><MontoTotal>${monto}</MontoTotal></Totales><CodigoSeguridadeCF>aB3dE6</CodigoSeguridadeCF></Encabezado></RFCE>`;
}

function anecf(rnc: string, desde: string, hasta: string): string {
  const count = Number(hasta.slice(3)) - Number(desde.slice(3)) + 1;
  return `<?xml version="1.0" encoding="utf-8"?><ANECF><Encabezado><Version>1.0</Version><RncEmisor>${rnc}</RncEmisor><CantidadeNCFAnulados>${count}</CantidadeNCFAnulados><FechaHoraAnulacioneNCF>05-12-2026 10:00:00</FechaHoraAnulacioneNCF></Encabezado><DetalleAnulacion><Anulacion><NoLinea>1</NoLinea><TipoeCF>${desde.slice(1, 3)}</TipoeCF><TablaRangoSecuenciasAnuladaseNCF><Secuencias><SecuenciaeNCFDesde>${desde}</SecuenciaeNCFDesde><SecuenciaeNCFHasta>${hasta}</SecuenciaeNCFHasta></Secuencias></TablaRangoSecuenciasAnuladaseNCF><CantidadeNCFAnulados>${count}</CantidadeNCFAnulados></Anulacion></DetalleAnulacion></ANECF>`;
}

function auth(bearer: string) {
  return { Authorization: `bearer ${bearer}`, accept: 'application/json' };
}

async function send(bearer: string, xml: string, fileName: string): Promise<Response> {
  return fetch(`${base}/recepcion/api/facturaselectronicas`, {
    method: 'POST',
    headers: auth(bearer),
    body: upload(xml, fileName),
  });
}

interface Status {
  trackId: string;
  codigo: number;
  estado: string;
  rnc: string;
  eNCF: string;
  secuenciaUtilizada: boolean;
  fechaRecepcion: string;
  mensajes: Array<{ valor: string; codigo: number }>;
}

async function status(bearer: string, trackId: string): Promise<Status> {
  const response = await fetch(`${base}/consultaresultado/api/consultas/estado?trackid=${trackId}`, {
    headers: auth(bearer),
  });
  expect(response.status).toBe(200);
  return (await response.json()) as Status;
}

async function finalStatus(bearer: string, trackId: string): Promise<Status> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const current = await status(bearer, trackId);
    if (current.estado !== 'En Proceso' || Date.now() > deadline) return current;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Sends a signed e-CF and returns its trackId. */
async function submit(bearer: string, xml: string, signer: Identity, rnc: string, encf: string): Promise<string> {
  const response = await send(bearer, sign(xml, signer), `${rnc}${encf}.xml`);
  expect(response.status).toBe(200);
  const body = (await response.json()) as { trackId: string };
  expect(body.trackId).toMatch(/^[0-9a-f-]{36}$/);
  return body.trackId;
}

describe('authentication', () => {
  it('hands out a SemillaModel, and a signed one for a one-hour token', async () => {
    const seedXml = await seed();
    expect(seedXml).toMatch(/^<\?xml version="1.0" encoding="utf-8"\?><SemillaModel [^>]*><valor>[^<]{40,}<\/valor>/);
    expect(seedXml).toMatch(/<fecha>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}-04:00<\/fecha>/);
    const rnc = newRnc();
    const response = await validateSeed(sign(seedXml, shopIdentity(rnc)));
    expect(response.status).toBe(200);
    const body = (await response.json()) as { token: string; expira: string; expedido: string };
    expect(body.expira).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(Date.parse(body.expira) - Date.parse(body.expedido)).toBe(3600_000);
    expect(body.token.split('.')).toHaveLength(3);
    expect(standin.control.state({ rnc }).authentications).toBe(1);
    // DGII's paths are case-insensitive.
    const upper = await fetch(`${standin.url}/TesteCF/Autenticacion/api/Autenticacion/Semilla`);
    expect(upper.status).toBe(200);
  });

  it('refuses an unsigned seed, a tampered one, a reused one and a certificate without RNC or cédula', async () => {
    const rnc = newRnc();
    const signer = shopIdentity(rnc);

    const unsigned = await validateSeed(await seed());
    expect(unsigned.status).toBe(400);

    const signed = sign(await seed(), signer);
    const tampered = signed.replace(/<valor>(.)/, (_, first: string) => `<valor>${first === 'A' ? 'B' : 'A'}`);
    expect(tampered).not.toBe(signed);
    expect((await validateSeed(tampered)).status).toBe(400);

    const good = sign(await seed(), signer);
    expect((await validateSeed(good)).status).toBe(200);
    const reused = await validateSeed(good);
    expect(reused.status).toBe(400);
    expect(await reused.json()).toMatchObject({ error: 'Semilla no válida o vencida' });

    const anonymous = identity('/C=DO/O=Sin Identificacion/CN=Nadie');
    const noId = await validateSeed(sign(await seed(), anonymous));
    expect(noId.status).toBe(400);
    expect(await noId.json()).toMatchObject({ error: 'El certificado no contiene un RNC o Cédula (SN).' });

    expect(standin.control.state({ rnc }).authentications).toBe(1);
  });

  it('answers 401 without a token, with a made-up one, and once the stand-in expires tokens', async () => {
    const rnc = newRnc();
    const signer = shopIdentity(rnc);
    const bearer = await token(signer);
    expect((await send('', ecf(rnc, 'E310000000001'), `${rnc}E310000000001.xml`)).status).toBe(401);
    const forged = `${bearer.slice(0, -4)}AAAA`;
    expect((await send(forged, ecf(rnc, 'E310000000001'), `${rnc}E310000000001.xml`)).status).toBe(401);
    const trackId = await submit(bearer, ecf(rnc, 'E310000000001'), signer, rnc, 'E310000000001');
    expect((await status(bearer, trackId)).trackId).toBe(trackId);

    standin.control.expireTokens({ rnc });
    const expired = await fetch(`${base}/consultaresultado/api/consultas/estado?trackid=${trackId}`, {
      headers: auth(bearer),
    });
    expect(expired.status).toBe(401);
    expect(expired.headers.get('www-authenticate')).toMatch(/^Bearer/);
    // A new authentication works again.
    expect((await status(await token(signer), trackId)).trackId).toBe(trackId);
  });

  it('issues tokens with the configured short lifetime, which then stop working', async () => {
    const rnc = newRnc();
    const signer = shopIdentity(rnc);
    standin.control.configure({ rnc, tokenLifetimeSeconds: 1 });
    const response = await validateSeed(sign(await seed(), signer));
    const body = (await response.json()) as { token: string; expira: string; expedido: string };
    expect(Date.parse(body.expira) - Date.parse(body.expedido)).toBe(1000);
    const query = () =>
      fetch(`${base}/consultatrackids/api/trackids/consulta?rncemisor=${rnc}&encf=E310000000001`, {
        headers: auth(body.token),
      });
    expect((await query()).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect((await query()).status).toBe(401);
  });
});

describe('reception of e-CF and results', () => {
  it('gives a trackId, reads En Proceso first and Aceptado after the delay; ConsultaTrackIds lists it', async () => {
    const rnc = newRnc();
    const signer = shopIdentity(rnc);
    const bearer = await token(signer);
    const trackId = await submit(bearer, ecf(rnc, 'E310000000007'), signer, rnc, 'E310000000007');
    const first = await status(bearer, trackId);
    expect(first).toMatchObject({ trackId, codigo: 3, estado: 'En Proceso', rnc, eNCF: 'E310000000007' });
    expect(first.fechaRecepcion).toMatch(/^\d\d-\d\d-\d{4} \d\d:\d\d:\d\d$/);
    const final = await finalStatus(bearer, trackId);
    expect(final).toMatchObject({ codigo: 1, estado: 'Aceptado', secuenciaUtilizada: true, mensajes: [] });

    const list = await fetch(`${base}/consultatrackids/api/trackids/consulta?rncemisor=${rnc}&encf=E310000000007`, {
      headers: auth(bearer),
    });
    expect(await list.json()).toEqual([{ trackId, estado: 'Aceptado', fechaRecepcion: final.fechaRecepcion }]);
    // Another RNC cannot read it.
    const other = await token(shopIdentity(newRnc()));
    expect((await status(other, trackId)).estado).toBe('No encontrado');
  });

  it('refuses an upload that is not the e-CF file DGII names RNCEmisor+e-NCF.xml', async () => {
    const rnc = newRnc();
    const signer = shopIdentity(rnc);
    const bearer = await token(signer);
    const wrongName = await send(bearer, sign(ecf(rnc, 'E310000000002'), signer), 'factura.xml');
    expect(wrongName.status).toBe(400);
    expect(await wrongName.json()).toMatchObject({ trackId: null, error: 'Nombre de archivo no válido' });
    const notXml = await send(bearer, 'hola', `${rnc}E310000000002.xml`);
    expect(notXml.status).toBe(400);
  });

  it('rejects an e-CF that breaks its XSD, with the e-NCF free to use again', async () => {
    const rnc = newRnc();
    const signer = shopIdentity(rnc);
    const bearer = await token(signer);
    // TipoPago 9 does not exist in the e-CF 31 schema.
    const broken = ecf(rnc, 'E310000000003').replace('<TipoPago>1</TipoPago>', '<TipoPago>9</TipoPago>');
    const trackId = await submit(bearer, broken, signer, rnc, 'E310000000003');
    const final = await finalStatus(bearer, trackId);
    expect(final).toMatchObject({ estado: 'Rechazado', codigo: 2, secuenciaUtilizada: false });
    expect(final.mensajes[0]).toEqual(mensajes.xsd);
    expect(final.mensajes.map((m) => m.valor).join(' ')).toContain('TipoPago');

    const again = await submit(bearer, ecf(rnc, 'E310000000003'), signer, rnc, 'E310000000003');
    expect((await finalStatus(bearer, again)).estado).toBe('Aceptado');
  });

  it('rejects a document whose signed content was changed afterwards', async () => {
    const rnc = newRnc();
    const signer = shopIdentity(rnc);
    const bearer = await token(signer);
    const signed = sign(ecf(rnc, 'E310000000004'), signer);
    const tampered = signed.replace('<NombreItem>Lentes</NombreItem>', '<NombreItem>Lentez</NombreItem>');
    expect(tampered).not.toBe(signed);
    const response = await send(bearer, tampered, `${rnc}E310000000004.xml`);
    const { trackId } = (await response.json()) as { trackId: string };
    const final = await finalStatus(bearer, trackId);
    expect(final).toMatchObject({ estado: 'Rechazado', secuenciaUtilizada: false, mensajes: [mensajes.firma] });
  });

  it("rejects an e-CF of an RNC the token's holder does not act for", async () => {
    const rnc = newRnc();
    const other = newRnc();
    const signer = shopIdentity(rnc);
    const bearer = await token(signer);
    const trackId = await submit(bearer, ecf(other, 'E310000000005'), signer, other, 'E310000000005');
    expect(await finalStatus(bearer, trackId)).toMatchObject({ estado: 'Rechazado', mensajes: [mensajes.delegado] });
    standin.control.delegate(`001${rnc.slice(0, 8)}`, other);
    const allowed = await submit(bearer, ecf(other, 'E310000000006'), signer, other, 'E310000000006');
    expect((await finalStatus(bearer, allowed)).estado).toBe('Aceptado');
  });

  it('answers a second submission of an accepted e-NCF as a duplicate and counts both', async () => {
    const rnc = newRnc();
    const signer = shopIdentity(rnc);
    const bearer = await token(signer);
    const xml = ecf(rnc, 'E310000000010');
    const [first, second] = await Promise.all([
      submit(bearer, xml, signer, rnc, 'E310000000010'),
      submit(bearer, xml, signer, rnc, 'E310000000010'),
    ]);
    const outcomes = await Promise.all([finalStatus(bearer, first), finalStatus(bearer, second)]);
    expect(outcomes.map((o) => o.estado).sort()).toEqual(['Aceptado', 'Rechazado']);
    expect(outcomes.find((o) => o.estado === 'Rechazado')).toMatchObject({
      secuenciaUtilizada: true,
      mensajes: [mensajes.duplicado],
    });
    expect(standin.control.state({ rnc }).counts).toEqual({ [`${rnc}:E310000000010`]: 2 });
  });

  it('rejects and conditionally accepts on command, only for the RNC named', async () => {
    const rnc = newRnc();
    const bystander = newRnc();
    const signer = shopIdentity(rnc);
    const bystanderSigner = shopIdentity(bystander);
    const bearer = await token(signer);
    const bystanderToken = await token(bystanderSigner);
    const message = { codigo: 145, valor: 'El monto total no coincide con la suma de los ítems.' };
    await fetch(`${standin.url}/_control/reject-next`, {
      method: 'POST',
      body: JSON.stringify({ rnc, count: 1, mensajes: [message] }),
    });
    standin.control.acceptConditionallyNext({ rnc });
    const bystanderTrack = await submit(
      bystanderToken,
      ecf(bystander, 'E310000000001'),
      bystanderSigner,
      bystander,
      'E310000000001',
    );
    const rejected = await submit(bearer, ecf(rnc, 'E310000000001'), signer, rnc, 'E310000000001');
    const conditional = await submit(bearer, ecf(rnc, 'E310000000002'), signer, rnc, 'E310000000002');
    const normal = await submit(bearer, ecf(rnc, 'E310000000003'), signer, rnc, 'E310000000003');
    expect(await finalStatus(bearer, rejected)).toMatchObject({ estado: 'Rechazado', codigo: 2, mensajes: [message] });
    expect(await finalStatus(bearer, conditional)).toMatchObject({
      estado: 'Aceptado Condicional',
      codigo: 4,
      mensajes: [mensajes.condicional],
    });
    expect((await finalStatus(bearer, normal)).estado).toBe('Aceptado');
    expect((await finalStatus(bystanderToken, bystanderTrack)).estado).toBe('Aceptado');
  });
});

describe('modes', () => {
  it('is down with 503 or dropped connections, and slow, for one RNC, then back', async () => {
    const rnc = newRnc();
    const bystander = newRnc();
    const signer = shopIdentity(rnc);
    const bearer = await token(signer);
    const bystanderToken = await token(shopIdentity(bystander));
    const lookup = (value: string) =>
      fetch(
        `${base}/consultatrackids/api/trackids/consulta?rncemisor=${value === bearer ? rnc : bystander}&encf=E310000000001`,
        {
          headers: auth(value),
        },
      );

    await standin.control.setMode({ rnc, down: '503' });
    expect((await lookup(bearer)).status).toBe(503);
    expect((await lookup(bystanderToken)).status).toBe(200);

    await fetch(`${standin.url}/_control/mode`, { method: 'POST', body: JSON.stringify({ rnc, down: 'reset' }) });
    await expect(lookup(bearer)).rejects.toThrow();

    await standin.control.setMode({ rnc, down: false, delayMs: 400 });
    const started = Date.now();
    expect((await lookup(bearer)).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(390);

    await standin.control.setMode({ rnc, delayMs: 0 });
    expect((await lookup(bearer)).status).toBe(200);
  });

  it('down for one RNC refuses that RNC its token too, while another RNC authenticates at the same moment', async () => {
    const rnc = newRnc();
    const bystander = newRnc();
    const signer = shopIdentity(rnc);
    try {
      await standin.control.setMode({ rnc, down: '503' });
      const [own, other] = await Promise.all([
        validateSeed(sign(await seed(), signer)),
        validateSeed(sign(await seed(), shopIdentity(bystander))),
      ]);
      expect(own.status).toBe(503);
      expect(other.status).toBe(200);
      expect(standin.control.state({ rnc }).seedValidations).toBe(0);
      await standin.control.setMode({ rnc, down: false });
      expect((await validateSeed(sign(await seed(), signer))).status).toBe(200);
      expect(standin.control.state({ rnc }).authentications).toBe(1);
    } finally {
      await standin.control.setMode({ rnc, down: false });
    }
  });

  it('refuses connections while down for everyone, and listens again on the same port', async () => {
    const semilla = () => fetch(`${base}/autenticacion/api/autenticacion/semilla`);
    // A pooled keep-alive connection may fail first ("other side closed"); the next one is refused.
    const refusal = async () => {
      await semilla().catch(() => undefined);
      return String(((await semilla().catch((error: unknown) => error)) as TypeError).cause);
    };
    try {
      await standin.control.setMode({ down: 'refuse' });
      expect(await refusal()).toContain('ECONNREFUSED');
      await standin.control.setMode({ down: false });
      expect((await semilla()).status).toBe(200);

      // Over HTTP the control API is refused too, so it comes back by itself after forMs.
      const answer = await fetch(`${standin.url}/_control/mode`, {
        method: 'POST',
        body: JSON.stringify({ down: 'refuse', forMs: 800 }),
      });
      expect(answer.status).toBe(200);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(await refusal()).toContain('ECONNREFUSED');
      await new Promise((resolve) => setTimeout(resolve, 800));
      expect((await semilla()).status).toBe(200);
    } finally {
      await standin.control.setMode({ down: false });
    }
  });

  it('lists what it received over the control API', async () => {
    const rnc = newRnc();
    const signer = shopIdentity(rnc);
    const bearer = await token(signer);
    await submit(bearer, ecf(rnc, 'E310000000001'), signer, rnc, 'E310000000001');
    const state = (await (await fetch(`${standin.url}/_control/state?rnc=${rnc}`)).json()) as {
      authentications: number;
      counts: Record<string, number>;
      submissions: Array<{ encf: string; fileName: string; tokenIds: string[] }>;
      requests: Array<{ path: string; status: number }>;
    };
    expect(state.authentications).toBe(1);
    expect(state.counts).toEqual({ [`${rnc}:E310000000001`]: 1 });
    expect(state.submissions[0]).toMatchObject({ encf: 'E310000000001', fileName: `${rnc}E310000000001.xml` });
    expect(state.submissions[0]!.tokenIds).toContain(rnc);
    expect(state.requests.map((r) => `${r.status} ${r.path}`)).toContain(
      '200 /testecf/recepcion/api/facturaselectronicas',
    );
  });
});

describe('consumer invoices, cancellations, directory and status', () => {
  it('takes an RFCE on the fc path with an immediate answer, and refuses a small E32 on the e-CF path', async () => {
    const rnc = newRnc();
    const signer = shopIdentity(rnc);
    const bearer = await token(signer);
    const response = await fetch(`${base}/recepcionfc/api/recepcion/ecf`, {
      method: 'POST',
      headers: auth(bearer),
      body: upload(sign(rfce(rnc, 'E320000000001'), signer), `${rnc}E320000000001.xml`),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      codigo: 1,
      estado: 'Aceptado',
      mensajes: [],
      encf: 'E320000000001',
      secuenciaUtilizada: true,
    });

    const small = await submit(bearer, ecf(rnc, 'E320000000002'), signer, rnc, 'E320000000002');
    expect(await finalStatus(bearer, small)).toMatchObject({
      estado: 'Rechazado',
      secuenciaUtilizada: false,
      mensajes: [mensajes.montoConsumo],
    });
    // Sent to the wrong service, so its e-NCF is still free for the summary.
    const summary = await fetch(`${base}/recepcionfc/api/recepcion/ecf`, {
      method: 'POST',
      headers: auth(bearer),
      body: upload(sign(rfce(rnc, 'E320000000002'), signer), `${rnc}E320000000002.xml`),
    });
    expect(await summary.json()).toMatchObject({ estado: 'Aceptado', encf: 'E320000000002' });
    const large = await submit(bearer, ecf(rnc, 'E320000000003', { monto: '300000.00' }), signer, rnc, 'E320000000003');
    expect((await finalStatus(bearer, large)).estado).toBe('Aceptado');
  });

  it('cancels an unused range with a signed ANECF, refuses a used one, and then rejects a cancelled e-NCF', async () => {
    const rnc = newRnc();
    const signer = shopIdentity(rnc);
    const bearer = await token(signer);
    await submit(bearer, ecf(rnc, 'E310000000001'), signer, rnc, 'E310000000001');
    const cancel = (xml: string) =>
      fetch(`${base}/anulacionrangos/api/operaciones/anularrango`, {
        method: 'POST',
        headers: auth(bearer),
        body: upload(xml, `${rnc}.xml`),
      });
    const used = await cancel(sign(anecf(rnc, 'E310000000001', 'E310000000005'), signer));
    expect(used.status).toBe(400);
    expect(await used.json()).toMatchObject({
      rnc,
      mensajes: ['Las secuencias que está intentando anular han sido utilizadas'],
    });
    const unsigned = await cancel(anecf(rnc, 'E310000000010', 'E310000000020'));
    expect(unsigned.status).toBe(400);
    const ok = await cancel(sign(anecf(rnc, 'E310000000010', 'E310000000020'), signer));
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({
      rnc,
      codigo: '1',
      mensajes: ['Las secuencias fueron anuladas correctamente.'],
    });
    expect(standin.control.state({ rnc }).cancellations).toEqual([
      { rnc, tipo: '31', desde: 'E310000000010', hasta: 'E310000000020' },
    ]);
    const cancelled = await submit(bearer, ecf(rnc, 'E310000000015'), signer, rnc, 'E310000000015');
    expect(await finalStatus(bearer, cancelled)).toMatchObject({
      estado: 'Rechazado',
      secuenciaUtilizada: true,
      mensajes: [mensajes.anulado],
    });
  });

  it("serves the directory of receivers' URLs and the services' status", async () => {
    const rnc = newRnc();
    const bearer = await token(shopIdentity(rnc));
    const entry = {
      nombre: 'Óptica Receptora',
      rnc,
      urlRecepcion: 'http://receptora.localhost:8787',
      urlAceptacion: 'http://receptora.localhost:8787',
      urlOpcional: 'http://receptora.localhost:8787',
    };
    standin.control.addDirectoryEntry(entry);
    const byRnc = await fetch(`${base}/consultadirectorio/api/consultas/obtenerdirectorioporrnc?RNC=${rnc}`, {
      headers: auth(bearer),
    });
    expect(await byRnc.json()).toEqual([entry]);
    const none = await fetch(`${base}/consultadirectorio/api/consultas/obtenerdirectorioporrnc?RNC=999999999`, {
      headers: auth(bearer),
    });
    expect(await none.json()).toEqual([]);

    const noKey = await fetch(`${standin.url}/api/estatusservicios/verificarestado?ambiente=1`);
    expect(noKey.status).toBe(401);
    const estado = await fetch(`${standin.url}/api/estatusservicios/verificarestado?ambiente=1`, {
      headers: { Authorization: 'Apikey prueba' },
    });
    expect(await estado.json()).toEqual({ estado: 'Disponible' });
    const list = (await (
      await fetch(`${standin.url}/api/estatusservicios/obtenerestatus`, { headers: { Authorization: 'Apikey prueba' } })
    ).json()) as Array<{ servicio: string; estatus: string; ambiente: string }>;
    expect(list).toContainEqual({ servicio: 'Recepción FC', estatus: 'Disponible', ambiente: 'Produccion' });
  });
});
