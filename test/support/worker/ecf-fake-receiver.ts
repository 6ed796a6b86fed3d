/**
 * A fake electronic receiver (another taxpayer's /fe services) as a fetch function, for testing the
 * peer client without a network: it hands out seeds, checks the signed seed and the bearer token,
 * verifies the e-CF's signature, counts what it received and answers a signed ARECF. `mode`
 * switches it to misbehave (down, hanging, a tampered or foreign acknowledgement, refusing).
 */
import type { SigningCredentials } from '../../../src/ecf/certificate';
import { signXml } from '../../../src/ecf/sign';
import { verifySignedXml } from '../../../src/ecf/verify';
import { buildArecfXml } from '../../../src/ecf/xml';

export type FakeReceiverMode =
  | 'ok'
  | 'down'
  | 'unreachable'
  | 'hang'
  | 'tampered'
  | 'foreign'
  | 'refuse'
  | 'not_received';

export function fakeReceiver(options: {
  rnc: string;
  credentials: SigningCredentials;
  /** Signs the acknowledgement when mode is 'foreign': someone other than the buyer. */
  foreignCredentials?: SigningCredentials;
  /** The issuers whose certificate may authenticate. */
  issuers: string[];
}) {
  const seeds = new Set<string>();
  const tokens = new Set<string>();
  const received: string[] = [];
  const approvals: string[] = [];
  const requests: string[] = [];
  const state = { mode: 'ok' as FakeReceiverMode };

  const fetcher = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    const path = new URL(request.url).pathname.toLowerCase();
    requests.push(`${request.method} ${path}`);
    if (state.mode === 'unreachable') throw new TypeError('Network connection lost.');
    if (state.mode === 'hang')
      return new Promise((_, reject) =>
        init?.signal?.addEventListener('abort', () => reject(init.signal!.reason), { once: true }),
      );
    if (state.mode === 'down') return new Response('Service Unavailable', { status: 503 });
    if (path.endsWith('/fe/autenticacion/api/semilla')) {
      const valor = crypto.randomUUID();
      seeds.add(valor);
      return new Response(
        `<?xml version="1.0" encoding="utf-8"?><SemillaModel><valor>${valor}</valor><fecha>2026-12-05T10:00:00-04:00</fecha></SemillaModel>`,
        { headers: { 'Content-Type': 'application/xml' } },
      );
    }
    if (path.endsWith('/fe/autenticacion/api/validacioncertificado')) {
      const xml = await upload(request);
      const verified = await verifySignedXml(xml);
      const valor = /<valor>([^<]+)<\/valor>/.exec(xml)?.[1] ?? '';
      if (!verified.valid || !seeds.delete(valor) || !options.issuers.includes(verified.certificate?.taxId ?? ''))
        return Response.json({ error: 'firma no válida' }, { status: 400 });
      const token = crypto.randomUUID();
      tokens.add(token);
      return Response.json({ token, expira: '2099-01-01T00:00:00Z', expedido: '2026-12-05T00:00:00Z' });
    }
    const bearer = /^bearer\s+(\S+)$/i.exec(request.headers.get('authorization') ?? '')?.[1];
    if (!bearer || !tokens.has(bearer)) return new Response(null, { status: 401 });
    if (path.endsWith('/fe/recepcion/api/ecf')) {
      if (state.mode === 'refuse') return Response.json({ error: 'no' }, { status: 400 });
      const xml = await upload(request);
      if (!(await verifySignedXml(xml)).valid) return Response.json({ error: 'firma' }, { status: 400 });
      received.push(xml);
      const value = (name: string) => new RegExp(`<${name}>([^<]+)</${name}>`).exec(xml)?.[1] ?? '';
      const arecf = buildArecfXml({
        issuerRnc: value('RNCEmisor'),
        buyerRnc: options.rnc,
        encf: value('eNCF'),
        notReceived: state.mode === 'not_received' ? 3 : undefined,
        at: new Date(),
      });
      let signed = await signXml(
        arecf,
        state.mode === 'foreign' && options.foreignCredentials ? options.foreignCredentials : options.credentials,
      );
      if (state.mode === 'tampered') signed = signed.replace('<Estado>0</Estado>', '<Estado>1</Estado>');
      return new Response(signed, { headers: { 'Content-Type': 'application/xml' } });
    }
    if (path.endsWith('/fe/aprobacioncomercial/api/ecf')) {
      const xml = await upload(request);
      if (!(await verifySignedXml(xml)).valid) return new Response(null, { status: 400 });
      approvals.push(xml);
      return new Response(null, { status: 200 });
    }
    return new Response('not found', { status: 404 });
  };

  return { fetch: fetcher as typeof fetch, received, approvals, requests, tokens, state };
}

async function upload(request: Request): Promise<string> {
  const form = await request.formData();
  const part = form.get('xml');
  return typeof part === 'string' ? part : ((await part?.text()) ?? '');
}
