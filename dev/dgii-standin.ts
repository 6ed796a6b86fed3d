/**
 * A local stand-in for DGII's e-CF web services, for the tests and `npm run dev` (DGII itself is
 * not reachable from here, and its test environment must not be hammered by a test suite).
 *
 * It follows "Descripción Técnica de Facturación Electrónica" v1.6 (DGII, June 2023): the same
 * paths under one base URL for every environment (`/{testecf|certecf|ecf}/<service>/api/...`; the
 * fc.dgii.gov.do and statusecf.dgii.gov.do paths do not collide with ecf.dgii.gov.do's, so one
 * origin plays the three hosts), paths matched case-insensitively (the document's "servicios no
 * sensitivos a mayúsculas y minúsculas"), multipart `xml` uploads, and the documented JSON shapes.
 * Where the document is silent (error bodies, message codes, the duplicate answer) the choices are
 * written next to the code and in the README.
 *
 * Checks are real: XSD with DGII's schemas (data/dgii/xsd, with the in-memory fixes of its README)
 * through xmllint-wasm, XMLDSig through xml-crypto, the signer's certificate (validity dates and an
 * RNC/cédula in its subject serialNumber, DGII's "SN"), bearer tokens with an expiry, duplicates.
 * Everything lives in memory for the life of the process. Node and npm packages only, so
 * `npm run dev` needs nothing installed by hand.
 */
import { createHmac, randomBytes, randomUUID, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DOMParser, type Element as XmlElement } from '@xmldom/xmldom';
import { SignedXml } from 'xml-crypto';
import { validateXML } from 'xmllint-wasm';
import { devPorts } from './ports';

const xsdDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'data', 'dgii', 'xsd');
const dsigNs = 'http://www.w3.org/2000/09/xmldsig#';
const environments = ['testecf', 'certecf', 'ecf'] as const;

/** DGII's state codes (ConsultaResultado, "ESTADOS SALIDA"). */
export const estados = {
  noEncontrado: { codigo: 0, estado: 'No encontrado' },
  aceptado: { codigo: 1, estado: 'Aceptado' },
  rechazado: { codigo: 2, estado: 'Rechazado' },
  enProceso: { codigo: 3, estado: 'En Proceso' },
  aceptadoCondicional: { codigo: 4, estado: 'Aceptado Condicional' },
} as const;

export type Estado = (typeof estados)[keyof typeof estados]['estado'];

export interface Mensaje {
  valor: string;
  codigo: number;
}

/**
 * Messages of the stand-in. Where DGII lists a reason (the reasons a rejected e-NCF may be reused,
 * under ConsultaResultado's `secuenciaUtilizada`) its wording is used; the other texts and every
 * numeric code are the stand-in's own (DGII publishes none).
 */
export const mensajes = {
  xsd: { codigo: 101, valor: 'Estructura del comprobante (XML) no es válida.' },
  firma: { codigo: 102, valor: 'Certificado y/o firma inválida.' },
  delegado: {
    codigo: 103,
    valor:
      'Firmante del comprobante fiscal electrónico no corresponde a un delegado autorizado para hacer transacciones para el RNC Emisor.',
  },
  duplicado: { codigo: 104, valor: 'El e-NCF ya fue utilizado por el RNC Emisor.' },
  anulado: { codigo: 105, valor: 'El e-NCF fue anulado por el RNC Emisor y no puede utilizarse.' },
  montoConsumo: {
    codigo: 106,
    valor:
      'Las Facturas de Consumo Electrónica con un monto inferior a los RD$250,000.00 se remiten como resumen al servicio de recepción FC.',
  },
  montoResumen: {
    codigo: 107,
    valor: 'Los resúmenes de factura de consumo solo se reciben para montos inferiores a RD$250,000.00.',
  },
  rechazoForzado: { codigo: 190, valor: 'Rechazado por el stand-in de DGII (modo rechazo).' },
  condicional: { codigo: 191, valor: 'Aceptado condicional por el stand-in de DGII (modo condicional).' },
} satisfies Record<string, Mensaje>;

export interface Submission {
  trackId: string;
  kind: 'ecf' | 'rfce';
  environment: string;
  rnc: string;
  encf: string;
  tipo: string;
  fileName: string;
  /** Who the bearer token was issued to: the certificate's SN, then the RNC of its organizationIdentifier. */
  tokenIds: string[];
  receivedAt: number;
  /** Final outcome once validated (before `readyAt` the status reads "En Proceso"). */
  outcome?: { estado: Estado; codigo: number; secuenciaUtilizada: boolean; mensajes: Mensaje[] };
  readyAt: number;
}

export interface RecordedRequest {
  method: string;
  path: string;
  status: number;
  /** Whom the bearer token presented was issued to (its SN, then its organization's RNC), if valid. */
  tokenIds?: string[];
  /** The RNC the request was about (the document's RNCEmisor, or the RNC queried). */
  rnc?: string;
  at: number;
}

export interface Cancellation {
  rnc: string;
  tipo: string;
  desde: string;
  hasta: string;
}

export interface DirectoryEntry {
  nombre: string;
  rnc: string;
  urlRecepcion: string;
  urlAceptacion: string;
  urlOpcional?: string;
}

/** What a scope (all requests, or one RNC's) is told to do. */
export interface Mode {
  /** Added before every answer. */
  delayMs?: number;
  /**
   * '503': answer 503; 'reset': drop the connection without an answer (the client sees a network
   * error); 'refuse' (for everyone only): stop listening, so connections are refused.
   */
  down?: false | '503' | 'reset' | 'refuse';
}

export interface Settings {
  /** Lifetime of the tokens (DGII: "1 hora por el momento"). */
  tokenLifetimeSeconds?: number;
  /** How long a received e-CF reads "En Proceso" (DGII: "el promedio estimado de validación es de 200 ms"). */
  resultDelayMs?: number;
}

export interface ForcedOutcome {
  kind: 'reject' | 'conditional';
  mensajes: Mensaje[];
}

export interface StandinState {
  /** Successful ValidarSemilla calls. */
  authentications: number;
  /** ValidarSemilla calls, refused ones included. */
  seedValidations: number;
  submissions: Submission[];
  /** How many times each e-NCF was received (e-CF and RFCE), keyed `${rnc}:${encf}`. */
  counts: Record<string, number>;
  cancellations: Cancellation[];
  requests: RecordedRequest[];
  /** Commercial approvals (ACECF) received, of e-CF issued by or to the RNC. */
  approvals: Approval[];
}

export interface Approval {
  issuerRnc: string;
  buyerRnc: string;
  encf: string;
  /** ACECF Estado: 1 approved, 2 rejected. */
  estado: string;
  receivedAt: number;
}

export interface DgiiStandinControl {
  /**
   * Without `rnc`, for every request; with it, only for requests of that RNC (token, certificate or
   * document). `forMs` with 'refuse': listen again after that long (how the HTTP control API, which
   * is refused too, brings it back).
   */
  setMode(mode: Mode & { rnc?: string; forMs?: number }): Promise<void>;
  configure(settings: Settings & { rnc?: string }): void;
  /** The next `count` e-CF/RFCE received (of `rnc`, or of anyone) end Rechazado with these messages. */
  rejectNext(options?: { count?: number; rnc?: string; mensajes?: Mensaje[] }): void;
  /** The next `count` that would be accepted end Aceptado Condicional instead. */
  acceptConditionallyNext(options?: { count?: number; rnc?: string; mensajes?: Mensaje[] }): void;
  /** Every token issued so far (to `rnc`, or to anyone) is expired now. */
  expireTokens(options?: { rnc?: string }): void;
  /** The holder of a certificate (its SN, or its organization's RNC) may act for another RNC. */
  delegate(identity: string, rnc: string): void;
  addDirectoryEntry(entry: DirectoryEntry): void;
  /** What was received (for `rnc`, or everything). */
  state(options?: { rnc?: string }): StandinState;
  /** Forget everything of `rnc` (or everything). */
  reset(options?: { rnc?: string }): void;
}

export interface DgiiStandin {
  /** Base URL that replaces https://ecf.dgii.gov.do, https://fc.dgii.gov.do and https://statusecf.dgii.gov.do. */
  url: string;
  control: DgiiStandinControl;
  close(): Promise<void>;
}

export interface DgiiStandinOptions {
  /** 0 or absent: any free port. */
  port?: number;
  host?: string;
  log?: (line: string) => void;
  settings?: Settings;
}

interface Token {
  ids: string[];
  expiresAt: number;
}

interface Seed {
  issuedAt: number;
  used: boolean;
}

interface Scoped<T> {
  global: T;
  byRnc: Map<string, T>;
}

const seedLifetimeMs = 5 * 60_000;
const consumoThreshold = 250_000;

export async function startDgiiStandin(options: DgiiStandinOptions = {}): Promise<DgiiStandin> {
  const log = options.log ?? (() => {});
  const tokenSecret = randomBytes(32);
  const seeds = new Map<string, Seed>();
  const tokens = new Map<string, Token>();
  const submissions = new Map<string, Submission>();
  const byEncf = new Map<string, Submission[]>();
  const chains = new Map<string, Promise<void>>();
  const cancellations: Cancellation[] = [];
  const approvals: Approval[] = [];
  const directory = new Map<string, DirectoryEntry>();
  const delegations = new Map<string, Set<string>>();
  const requests: RecordedRequest[] = [];
  const authCounts = new Map<string, { ok: number; all: number }>();
  const modes: Scoped<Mode> = { global: {}, byRnc: new Map() };
  const settings: Scoped<Settings> = {
    global: { tokenLifetimeSeconds: 3600, resultDelayMs: 200, ...options.settings },
    byRnc: new Map(),
  };
  const forced: Scoped<ForcedOutcome[]> = { global: [], byRnc: new Map() };
  const schemas = loadSchemas();

  const setting = <K extends keyof Settings>(rnc: string | undefined, key: K): NonNullable<Settings[K]> =>
    ((rnc ? settings.byRnc.get(rnc)?.[key] : undefined) ?? settings.global[key]) as NonNullable<Settings[K]>;

  /** A signer acts for its own SN, its organization's RNC, and what it was delegated. */
  const authorized = (ids: string[], rnc: string) =>
    !!rnc && ids.some((id) => id === rnc || delegations.get(id)?.has(rnc));

  const countAuth = (ids: string[], ok: boolean) => {
    for (const id of ['', ...ids]) {
      const entry = authCounts.get(id) ?? { ok: 0, all: 0 };
      entry.all++;
      if (ok) entry.ok++;
      authCounts.set(id, entry);
    }
  };

  function issueToken(ids: string[]) {
    const now = Date.now();
    const scoped = ids.find((id) => settings.byRnc.get(id)?.tokenLifetimeSeconds !== undefined);
    const lifetime = setting(scoped, 'tokenLifetimeSeconds');
    // The shape of DGII's tokens (a JWT whose claims are those of the example in the document).
    const header = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
    const payload = b64url(
      JSON.stringify({
        'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name': ids[0],
        jti: randomUUID(),
        nbf: Math.floor(now / 1000),
        exp: Math.floor(now / 1000) + lifetime,
        iss: 'DGII.FE',
        aud: 'USUARIOS.DGII.FE',
      }),
    );
    const signature = createHmac('sha256', tokenSecret).update(`${header}.${payload}`).digest('base64url');
    const token = `${header}.${payload}.${signature}`;
    if (tokens.size > 1_000) for (const [old, t] of tokens) if (t.expiresAt < now) tokens.delete(old);
    tokens.set(token, { ids, expiresAt: now + lifetime * 1000 });
    return { token, expira: universal(now + lifetime * 1000), expedido: universal(now) };
  }

  function bearer(req: IncomingMessage): Token | undefined {
    const match = /^bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    const token = match ? tokens.get(match[1]!) : undefined;
    return token && token.expiresAt > Date.now() ? token : undefined;
  }

  function takeForced(rnc: string): ForcedOutcome | undefined {
    const own = forced.byRnc.get(rnc);
    if (own?.length) return own.shift();
    return forced.global.shift();
  }

  /** Validations of one e-NCF run one after another in arrival order, so "duplicate" has one meaning. */
  function enqueue(submission: Submission, xml: string, ids: string[]) {
    const key = `${submission.rnc}:${submission.encf}`;
    const forcedOutcome = takeForced(submission.rnc);
    const previous = chains.get(key) ?? Promise.resolve();
    const next = previous.then(async () => {
      submission.outcome = await evaluate(submission, xml, ids, forcedOutcome);
      log(
        `${submission.kind} ${submission.rnc} ${submission.encf} trackId ${submission.trackId}: ${submission.outcome.estado}`,
      );
    });
    chains.set(
      key,
      next.catch((error: unknown) => {
        log(`validation of ${submission.trackId} failed: ${error instanceof Error ? error.message : String(error)}`);
        submission.outcome = reject([mensajes.xsd], false);
      }),
    );
    return next;
  }

  async function evaluate(
    submission: Submission,
    xml: string,
    ids: string[],
    forcedOutcome: ForcedOutcome | undefined,
  ): Promise<NonNullable<Submission['outcome']>> {
    const schema = submission.kind === 'rfce' ? schemas.get('RFCE') : schemas.get(submission.tipo);
    const xsdErrors = schema ? await schema(xml) : ['TipoeCF desconocido'];
    if (xsdErrors.length)
      return reject(
        [mensajes.xsd, ...xsdErrors.slice(0, 5).map((valor) => ({ codigo: mensajes.xsd.codigo, valor }))],
        false,
      );
    const signature = verifySignature(xml);
    if (!signature.ok) return reject([mensajes.firma], false);
    if (!authorized(ids, submission.rnc) || !authorized(signature.ids, submission.rnc))
      return reject([mensajes.delegado], false);
    // DGII: cancelled sequences cannot be used afterwards.
    if (isCancelled(submission.rnc, submission.encf)) return reject([mensajes.anulado], true);
    const earlier = (byEncf.get(`${submission.rnc}:${submission.encf}`) ?? []).filter(
      (other) => other !== submission && other.receivedAt <= submission.receivedAt && other.outcome,
    );
    // DGII: a sequence is consumed unless it was rejected for one of the reasons it lists.
    if (earlier.some((other) => other.outcome?.secuenciaUtilizada)) return reject([mensajes.duplicado], true);
    const monto = Number(text(xml, 'MontoTotal') ?? '0');
    if (submission.kind === 'ecf' && submission.tipo === '32' && monto < consumoThreshold)
      return reject([mensajes.montoConsumo], false);
    // The wrong service for the amount: nothing was received, so the e-NCF stays free.
    if (submission.kind === 'rfce' && monto >= consumoThreshold) return reject([mensajes.montoResumen], false);
    if (forcedOutcome?.kind === 'reject') return reject(forcedOutcome.mensajes, true);
    if (forcedOutcome?.kind === 'conditional')
      return { ...estados.aceptadoCondicional, secuenciaUtilizada: true, mensajes: forcedOutcome.mensajes };
    return { ...estados.aceptado, secuenciaUtilizada: true, mensajes: [] };
  }

  function isCancelled(rnc: string, encf: string) {
    return cancellations.some(
      (range) => range.rnc === rnc && encf.length === range.desde.length && encf >= range.desde && encf <= range.hasta,
    );
  }

  function receive(kind: Submission['kind'], environment: string, xml: string, fileName: string, token: Token) {
    const rnc = text(xml, 'RNCEmisor') ?? '';
    const encf = text(xml, 'eNCF') ?? '';
    const now = Date.now();
    const submission: Submission = {
      trackId: randomUUID(),
      kind,
      environment,
      rnc,
      encf,
      tipo: text(xml, 'TipoeCF') ?? '',
      fileName,
      tokenIds: token.ids,
      receivedAt: now,
      readyAt: now + setting(rnc, 'resultDelayMs'),
    };
    submissions.set(submission.trackId, submission);
    const key = `${rnc}:${encf}`;
    byEncf.set(key, [...(byEncf.get(key) ?? []), submission]);
    return { submission, done: enqueue(submission, xml, token.ids) };
  }

  function statusOf(submission: Submission) {
    const ready = submission.outcome && Date.now() >= submission.readyAt;
    const outcome = ready ? submission.outcome! : { ...estados.enProceso, secuenciaUtilizada: false, mensajes: [] };
    return {
      trackId: submission.trackId,
      codigo: outcome.codigo,
      estado: outcome.estado,
      rnc: submission.rnc,
      eNCF: submission.encf,
      secuenciaUtilizada: outcome.secuenciaUtilizada,
      fechaRecepcion: dgiiDate(submission.receivedAt),
      mensajes: outcome.mensajes,
    };
  }

  const routes: Array<{
    method: string;
    path: RegExp;
    handle: (req: IncomingMessage, url: URL, env: string) => Promise<Answer>;
  }> = [
    {
      method: 'GET',
      path: /^\/autenticacion\/api\/autenticacion\/semilla$/,
      handle: async () => {
        if (seeds.size > 1_000)
          for (const [old, seed] of seeds) if (Date.now() - seed.issuedAt > seedLifetimeMs) seeds.delete(old);
        const valor = randomBytes(96).toString('base64');
        seeds.set(valor, { issuedAt: Date.now(), used: false });
        const body = `<?xml version="1.0" encoding="utf-8"?><SemillaModel xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema"><valor>${valor}</valor><fecha>${seedDate(Date.now())}</fecha></SemillaModel>`;
        return { status: 200, type: 'application/xml; charset=utf-8', body };
      },
    },
    {
      method: 'POST',
      path: /^\/autenticacion\/api\/autenticacion\/validarsemilla$/,
      handle: async (req) => {
        const upload = await readUpload(req);
        if (!upload) return fail(400, 'Tipo de archivo no valido, favor proveer un XML');
        const signature = verifySignature(upload.xml);
        const seed = seeds.get(text(upload.xml, 'valor') ?? '');
        const fresh = !!seed && !seed.used && Date.now() - seed.issuedAt <= seedLifetimeMs;
        // A seed is good for one attempt, successful or not (DGII: "variar el valor de la semilla").
        if (seed) seed.used = true;
        const xsdErrors = await schemas.get('Semilla')!(upload.xml);
        countAuth(signature.ids, fresh && !xsdErrors.length && signature.ok && signature.ids.length > 0);
        if (xsdErrors.length) return fail(400, 'La semilla no cumple el formato', xsdErrors[0]);
        if (!fresh) return fail(400, 'Semilla no válida o vencida');
        if (!signature.ok) return fail(400, 'La firma del documento no es válida.', signature.reason);
        if (!signature.ids.length) return fail(400, 'El certificado no contiene un RNC o Cédula (SN).');
        return json(200, issueToken(signature.ids), signature.ids);
      },
    },
    {
      method: 'POST',
      path: /^\/recepcion\/api\/facturaselectronicas$/,
      handle: async (req, _url, env) => {
        const token = bearer(req);
        if (!token) return unauthorized();
        const upload = await readUpload(req);
        if (!upload)
          return json(400, { trackId: null, error: 'Tipo de archivo no valido, favor proveer un XML', mensaje: null });
        if (root(upload.xml) !== 'ECF')
          return json(400, { trackId: null, error: 'El documento no es un e-CF', mensaje: root(upload.xml) });
        const expected = `${text(upload.xml, 'RNCEmisor')}${text(upload.xml, 'eNCF')}.xml`;
        if (upload.fileName.toLowerCase() !== expected.toLowerCase())
          return json(400, {
            trackId: null,
            error: 'Nombre de archivo no válido',
            mensaje: `El nombre del archivo debe ser RNCEmisor+e-NCF: ${expected}`,
          });
        const { submission } = receive('ecf', env, upload.xml, upload.fileName, token);
        return json(200, { trackId: submission.trackId, error: null, mensaje: null }, token.ids, submission.rnc);
      },
    },
    {
      method: 'GET',
      path: /^\/consultaresultado\/api\/consultas\/estado$/,
      handle: async (req, url) => {
        const token = bearer(req);
        if (!token) return unauthorized();
        const trackId = param(url, 'trackid') ?? '';
        const submission = submissions.get(trackId);
        // Another RNC's trackId reads as unknown.
        const mine = submission && (authorized(token.ids, submission.rnc) || submission.tokenIds[0] === token.ids[0]);
        if (submission?.kind !== 'ecf' || !mine)
          return json(
            200,
            {
              trackId,
              ...estados.noEncontrado,
              rnc: null,
              eNCF: null,
              secuenciaUtilizada: false,
              fechaRecepcion: null,
              mensajes: [],
            },
            token.ids,
          );
        return json(200, statusOf(submission), token.ids, submission.rnc);
      },
    },
    {
      method: 'GET',
      path: /^\/consultatrackids\/api\/trackids\/consulta$/,
      handle: async (req, url) => {
        const token = bearer(req);
        if (!token) return unauthorized();
        const rnc = param(url, 'rncemisor') ?? '';
        const encf = param(url, 'encf') ?? '';
        if (!rnc) return fail(400, 'El campo RNC Emisor es requerido.');
        if (!encf) return fail(400, 'El campo ENCF es requerido.');
        if (!authorized(token.ids, rnc))
          return fail(
            400,
            'El RNC del token no está autorizado a consultar el trackid de este e-NCF, favor verificar que se encuentre delegado por el emisor y volver a intentarlo.',
          );
        const list = (byEncf.get(`${rnc}:${encf}`) ?? []).map((submission) => {
          const status = statusOf(submission);
          return { trackId: status.trackId, estado: status.estado, fechaRecepcion: status.fechaRecepcion };
        });
        return json(200, list, token.ids, rnc);
      },
    },
    {
      method: 'POST',
      path: /^\/recepcionfc\/api\/recepcion\/ecf$/,
      handle: async (req, _url, env) => {
        const token = bearer(req);
        if (!token) return unauthorized();
        const upload = await readUpload(req);
        if (!upload || root(upload.xml) !== 'RFCE')
          return json(400, {
            codigo: estados.rechazado.codigo,
            estado: estados.rechazado.estado,
            mensajes: [{ codigo: '0', valor: 'Tipo de archivo no valido, favor proveer un XML' }],
            encf: null,
            secuenciaUtilizada: false,
          });
        // The RFCE service answers the final state at once (no trackId).
        const { submission, done } = receive('rfce', env, upload.xml, upload.fileName, token);
        rfceCodes.set(submission.trackId, text(upload.xml, 'CodigoSeguridadeCF') ?? '');
        await done;
        const outcome = submission.outcome!;
        return json(
          200,
          {
            codigo: outcome.codigo,
            estado: outcome.estado,
            mensajes: outcome.mensajes.map((m) => ({ codigo: String(m.codigo), valor: m.valor })),
            encf: submission.encf,
            secuenciaUtilizada: outcome.secuenciaUtilizada,
          },
          token.ids,
          submission.rnc,
        );
      },
    },
    {
      method: 'POST',
      path: /^\/anulacionrangos\/api\/operaciones\/anularrango$/,
      handle: async (req) => {
        const token = bearer(req);
        if (!token) return unauthorized();
        const upload = await readUpload(req);
        if (!upload) return anulacion(400, '', 'Tipo de archivo no valido, favor proveer un XML');
        const rnc = text(upload.xml, 'RncEmisor') ?? '';
        const xsdErrors = await schemas.get('ANECF')!(upload.xml);
        if (xsdErrors.length) return anulacion(400, rnc, 'Estructura del documento (XML) no es válida.', xsdErrors[0]);
        const signature = verifySignature(upload.xml);
        if (!signature.ok) return anulacion(400, rnc, 'La firma del documento no es válida');
        if (!authorized(token.ids, rnc) || !authorized(signature.ids, rnc))
          return anulacion(400, rnc, 'El RNC del certificado no está delegado para realizar transacciones para el RNC');
        const ranges = anulaciones(upload.xml, rnc);
        for (const range of ranges) {
          if (range.desde > range.hasta)
            return anulacion(400, rnc, 'El valor del campoSecuenciaeNCFDesde es mayor al del campo SecuenciaeNCFHasta');
          if (!range.desde.startsWith(`E${range.tipo}`) || !range.hasta.startsWith(`E${range.tipo}`))
            return anulacion(400, rnc, 'El tipo de comprobante no es válido');
          const used = [...byEncf.values()]
            .flat()
            .some(
              (s) =>
                s.rnc === rnc && s.encf.length === range.desde.length && s.encf >= range.desde && s.encf <= range.hasta,
            );
          if (used) return anulacion(400, rnc, 'Las secuencias que está intentando anular han sido utilizadas');
        }
        cancellations.push(...ranges);
        return anulacion(200, rnc, 'Las secuencias fueron anuladas correctamente.');
      },
    },
    {
      method: 'GET',
      path: /^\/consultadirectorio\/api\/consultas\/(listado|obtenerdirectorioporrnc)$/,
      handle: async (req, url) => {
        const token = bearer(req);
        if (!token) return unauthorized();
        const rnc = param(url, 'rnc');
        const all = [...directory.values()];
        if (url.pathname.toLowerCase().endsWith('/listado')) return json(200, all, token.ids);
        if (!rnc) return fail(400, 'El campo RNC es requerido.');
        return json(
          200,
          all.filter((entry) => entry.rnc === rnc),
          token.ids,
        );
      },
    },
  ];

  // Aprobación comercial: the buyer's copy of its ACECF on an e-CF DGII accepted (Descripción Técnica v1.6).
  routes.push({
    method: 'POST',
    path: /^\/aprobacioncomercial\/api\/aprobacioncomercial$/,
    handle: async (req) => {
      const token = bearer(req);
      if (!token) return unauthorized();
      const upload = await readUpload(req);
      const answer = (status: number, mensaje: string, detalle?: string) =>
        json(status, {
          mensaje: detalle ? [mensaje, detalle] : [mensaje],
          estado: status === 200 ? 'Aceptado' : 'Rechazado',
          codigo: status === 200 ? '1' : '2',
        });
      if (!upload || root(upload.xml) !== 'ACECF')
        return answer(400, 'Tipo de archivo no válido, favor proveer un XML');
      const xsdErrors = await schemas.get('ACECF')!(upload.xml);
      if (xsdErrors.length)
        return answer(
          400,
          'La estructura del archivo XML no es válido, favor proveer un XML con una estructura válida, verificar el XSD correspondiente',
          xsdErrors[0],
        );
      const signature = verifySignature(upload.xml);
      if (!signature.ok) return answer(400, 'La firma del XML no es válida');
      const buyerRnc = text(upload.xml, 'RNCComprador') ?? '';
      const issuerRnc = text(upload.xml, 'RNCEmisor') ?? '';
      const encf = text(upload.xml, 'eNCF') ?? '';
      if (!authorized(token.ids, buyerRnc) || !authorized(signature.ids, buyerRnc))
        return answer(
          400,
          `El RNC del certificado no está delegado para realizar transacciones para el RNC: ${buyerRnc}`,
        );
      if (['32', '41', '43', '46', '47'].includes(encf.slice(1, 3)))
        return answer(400, 'Aprobación Comercial no es requerida para este tipo de e-CF');
      const accepted = (byEncf.get(`${issuerRnc}:${encf}`) ?? []).some(
        (s) => s.kind === 'ecf' && s.outcome && s.outcome.codigo !== estados.rechazado.codigo,
      );
      if (!accepted) return answer(400, 'Factura no encontrada para esta Aprobación comercial.');
      approvals.push({ issuerRnc, buyerRnc, encf, estado: text(upload.xml, 'Estado') ?? '', receivedAt: Date.now() });
      return { ...answer(200, 'Aprobación comercial recibida.'), ids: token.ids, rnc: buyerRnc };
    },
  });

  // ConsultaRFCE: DGII's answer on a received consumer invoice summary, by issuer, e-NCF and security code.
  const rfceCodes = new Map<string, string>();
  routes.push({
    method: 'GET',
    path: /^\/consultarfce\/api\/consultas\/consulta$/i,
    handle: async (req, url) => {
      const token = bearer(req);
      if (!token) return unauthorized();
      const rnc = param(url, 'rnc_emisor') ?? '';
      const encf = param(url, 'encf') ?? '';
      const code = param(url, 'cod_seguridad_ecf') ?? '';
      if (!rnc || !encf || !code) return fail(400, 'Los campos RNC_Emisor, ENCF y Cod_Seguridad_eCF son requeridos.');
      if (!authorized(token.ids, rnc))
        return fail(400, 'El RNC del token no está autorizado a consultar este e-NCF, favor verificar la delegación.');
      const found = (byEncf.get(`${rnc}:${encf}`) ?? [])
        .filter((s) => s.kind === 'rfce' && s.outcome && rfceCodes.get(s.trackId) === code)
        .at(-1);
      const outcome = found?.outcome ?? { ...estados.noEncontrado, secuenciaUtilizada: false, mensajes: [] };
      return json(
        200,
        {
          rnc,
          encf,
          secuenciaUtilizada: outcome.secuenciaUtilizada,
          codigo: String(outcome.codigo),
          estado: outcome.estado,
          mensajes: outcome.mensajes.map((m) => ({ codigo: String(m.codigo), valor: m.valor })),
        },
        token.ids,
        rnc,
      );
    },
  });

  const statusRoutes: Record<string, (url: URL) => Answer> = {
    '/api/estatusservicios/obtenerestatus': () => {
      const estatus = modes.global.down ? 'No Disponible' : 'Disponible';
      const names = [
        'Autenticación',
        'Recepción',
        'Consulta Resultado',
        'Consulta Estado',
        'Consulta Directorio',
        'Consulta TrackIds',
        'Aprobación Comercial',
        'Anulación Rangos',
        'Recepción FC',
      ];
      return json(
        200,
        ['PreCertificacion', 'Certificacion', 'Produccion'].flatMap((ambiente) =>
          names.map((servicio) => ({ servicio, estatus, ambiente })),
        ),
      );
    },
    '/api/estatusservicios/obtenerventanasmantenimiento': () => json(200, { ventanaMantenimientos: [] }),
    '/api/estatusservicios/verificarestado': (url) => {
      if (!['1', '2', '3'].includes(param(url, 'ambiente') ?? '')) return fail(400, 'Parámetro ambiente no válido');
      return json(200, { estado: modes.global.down ? 'No Disponible' : 'Disponible' });
    },
  };

  const control: DgiiStandinControl = {
    async setMode({ rnc, forMs, ...mode }) {
      if (mode.down === 'refuse' && rnc) throw new RangeError("'refuse' closes the port: it applies to every RNC");
      if (rnc) modes.byRnc.set(rnc, { ...modes.byRnc.get(rnc), ...mode });
      else modes.global = { ...modes.global, ...mode };
      if (modes.global.down === 'refuse') {
        await stopListening();
        if (forMs) setTimeout(() => void control.setMode({ down: false }), forMs).unref();
      } else await startListening();
    },
    configure({ rnc, ...values }) {
      if (rnc) settings.byRnc.set(rnc, { ...settings.byRnc.get(rnc), ...values });
      else settings.global = { ...settings.global, ...values };
    },
    rejectNext({ count = 1, rnc, mensajes: list = [mensajes.rechazoForzado] } = {}) {
      pushForced(rnc, count, { kind: 'reject', mensajes: list });
    },
    acceptConditionallyNext({ count = 1, rnc, mensajes: list = [mensajes.condicional] } = {}) {
      pushForced(rnc, count, { kind: 'conditional', mensajes: list });
    },
    expireTokens({ rnc } = {}) {
      for (const token of tokens.values()) if (!rnc || token.ids.includes(rnc)) token.expiresAt = 0;
    },
    delegate(identity, rnc) {
      delegations.set(identity, new Set([...(delegations.get(identity) ?? []), rnc]));
    },
    addDirectoryEntry(entry) {
      directory.set(entry.rnc, entry);
    },
    state({ rnc } = {}) {
      const mine = [...submissions.values()].filter((s) => !rnc || s.rnc === rnc);
      const counts: Record<string, number> = {};
      for (const s of mine) counts[`${s.rnc}:${s.encf}`] = (counts[`${s.rnc}:${s.encf}`] ?? 0) + 1;
      const auth = authCounts.get(rnc ?? '') ?? { ok: 0, all: 0 };
      return {
        authentications: auth.ok,
        seedValidations: auth.all,
        submissions: mine.map((s) => ({ ...s })),
        counts,
        cancellations: cancellations.filter((c) => !rnc || c.rnc === rnc),
        approvals: approvals.filter((a) => !rnc || a.issuerRnc === rnc || a.buyerRnc === rnc),
        requests: requests.filter((r) => !rnc || r.tokenIds?.includes(rnc) || r.rnc === rnc),
      };
    },
    reset({ rnc } = {}) {
      const gone = (value: string) => !rnc || value === rnc;
      for (const [id, s] of submissions) if (gone(s.rnc)) submissions.delete(id);
      for (const key of byEncf.keys()) if (gone(key.split(':')[0]!)) byEncf.delete(key);
      for (const key of authCounts.keys()) if (rnc ? key === rnc : true) authCounts.delete(key);
      for (const [key, token] of tokens) if (!rnc || token.ids.includes(rnc)) tokens.delete(key);
      cancellations.splice(0, cancellations.length, ...cancellations.filter((c) => !gone(c.rnc)));
      if (rnc) {
        modes.byRnc.delete(rnc);
        settings.byRnc.delete(rnc);
        forced.byRnc.delete(rnc);
      } else {
        modes.global = {};
        void startListening();
        modes.byRnc.clear();
        settings.byRnc.clear();
        forced.global = [];
        forced.byRnc.clear();
        requests.length = 0;
      }
    },
  };

  function pushForced(rnc: string | undefined, count: number, outcome: ForcedOutcome) {
    const list = rnc ? (forced.byRnc.get(rnc) ?? []) : forced.global;
    for (let i = 0; i < count; i++) list.push(outcome);
    if (rnc) forced.byRnc.set(rnc, list);
  }

  async function controlRoute(req: IncomingMessage, url: URL): Promise<Answer> {
    const action = url.pathname.slice('/_control/'.length);
    const query = Object.fromEntries(url.searchParams);
    if (req.method === 'GET' && action === 'state') return json(200, control.state({ rnc: query.rnc }));
    if (req.method !== 'POST') return fail(405, 'Método no permitido');
    const body = (await readJson(req)) as Record<string, unknown>;
    switch (action) {
      case 'mode': {
        const mode = body as Mode & { rnc?: string; forMs?: number };
        if (mode.down === 'refuse' && mode.rnc) return fail(400, "'refuse' applies to every RNC");
        // Answer first: 'refuse' closes the port this very request came through.
        if (mode.down === 'refuse') setTimeout(() => void control.setMode(mode), 20);
        else await control.setMode(mode);
        break;
      }
      case 'configure':
        control.configure(body as Settings & { rnc?: string });
        break;
      case 'reject-next':
        control.rejectNext(body as Parameters<DgiiStandinControl['rejectNext']>[0]);
        break;
      case 'accept-conditionally-next':
        control.acceptConditionallyNext(body as Parameters<DgiiStandinControl['rejectNext']>[0]);
        break;
      case 'expire-tokens':
        control.expireTokens(body as { rnc?: string });
        break;
      case 'delegate':
        control.delegate(String(body.identity), String(body.rnc));
        break;
      case 'directory':
        control.addDirectoryEntry(body as unknown as DirectoryEntry);
        break;
      case 'reset':
        control.reset(body as { rnc?: string });
        break;
      default:
        return fail(404, `Acción desconocida: ${action}`);
    }
    return json(200, { ok: true });
  }

  /**
   * Whom a request is about, before it is handled, so a mode scoped to an RNC applies to it: the
   * bearer token's holder, or for ValidarSemilla the signer of the seed (an RNC that is down cannot
   * authenticate either, while another RNC does). The seed request and the status service carry no
   * identity: only a mode for everyone reaches them.
   */
  async function requestIds(req: IncomingMessage, url: URL): Promise<string[]> {
    const match = /^bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    const held = match ? tokens.get(match[1]!)?.ids : undefined;
    if (held) return held;
    if (req.method !== 'POST' || !/\/autenticacion\/api\/autenticacion\/validarsemilla\/?$/i.test(url.pathname))
      return [];
    const upload = await readUpload(req);
    return upload ? signerIds(upload.xml) : [];
  }

  const sockets = new Set<Socket>();
  let listening = false;
  let closed = false;
  let port = options.port ?? 0;
  const host = options.host ?? '127.0.0.1';

  async function startListening() {
    if (listening || closed) return;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ port, host, exclusive: true }, () => {
        server.off('error', reject);
        resolve();
      });
    });
    listening = true;
    port = (server.address() as AddressInfo).port;
  }

  async function stopListening() {
    if (!listening) return;
    listening = false;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const socket of sockets) socket.destroy();
    await closed;
  }
  const server = createServer((req, res) => {
    void handle(req, res).catch((error: unknown) => {
      log(`error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      if (!res.headersSent) send(res, fail(500, 'Error interno del stand-in'));
    });
  });
  // Idle keep-alive connections outlive the clients' own idle timeouts (undici: 4 s), so a client
  // never reuses a connection the stand-in is closing at that moment (ECONNRESET under load).
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://standin');
    if (url.pathname.startsWith('/_control/')) return send(res, await controlRoute(req, url));
    const ids = await requestIds(req, url);
    const mode = Object.assign({}, modes.global, ...ids.map((id) => modes.byRnc.get(id))) as Mode;
    if (mode.delayMs) await new Promise((resolve) => setTimeout(resolve, mode.delayMs));
    if (mode.down === 'reset') {
      req.socket.destroy();
      log(`${req.method} ${url.pathname} -> connection dropped (down)`);
      return;
    }
    const answer =
      mode.down === '503' ? { status: 503, type: 'text/plain', body: 'Service Unavailable' } : await route(req, url);
    if (requests.length >= 10_000) requests.splice(0, 1_000);
    requests.push({
      method: req.method ?? 'GET',
      path: url.pathname + url.search,
      status: answer.status,
      tokenIds: answer.ids ?? (ids.length ? ids : undefined),
      rnc: answer.rnc,
      at: Date.now(),
    });
    log(`${req.method} ${url.pathname} -> ${answer.status}`);
    send(res, answer);
  }

  async function route(req: IncomingMessage, url: URL): Promise<Answer> {
    const pathname = url.pathname.toLowerCase().replace(/\/+$/, '');
    const status = statusRoutes[pathname];
    if (status) {
      if (!/^apikey\s+\S+/i.test(req.headers.authorization ?? '')) return unauthorized('Apikey');
      return req.method === 'GET' ? status(url) : fail(405, 'Método no permitido');
    }
    const [, env, rest] = /^\/([^/]+)(\/.*)$/.exec(pathname) ?? [];
    if (!env || !rest || !(environments as readonly string[]).includes(env)) return fail(404, 'Recurso no encontrado');
    const match = routes.find((r) => r.path.test(rest));
    if (!match) return fail(404, 'Recurso no encontrado');
    if (match.method !== req.method) return fail(405, 'Método no permitido');
    return match.handle(req, url, env);
  }

  await startListening();
  const url = `http://${host}:${port}`;
  log(`DGII stand-in listening on ${url}`);
  return {
    url,
    control,
    close: () => {
      closed = true;
      return stopListening();
    },
  };
}

interface Answer {
  status: number;
  type?: string;
  body?: string;
  headers?: Record<string, string>;
  /** The identity the request acted as, and the RNC it was about, for the request log. */
  ids?: string[];
  rnc?: string;
}

function send(res: ServerResponse, answer: Answer) {
  res.writeHead(answer.status, {
    ...(answer.type ? { 'Content-Type': answer.type } : {}),
    ...answer.headers,
  });
  res.end(answer.body ?? '');
}

function json(status: number, value: unknown, ids?: string[], rnc?: string): Answer {
  return { status, type: 'application/json; charset=utf-8', body: JSON.stringify(value), ids, rnc };
}

/** Error bodies: DGII documents none; the recepción answer's `error`/`mensaje` pair is reused. */
function fail(status: number, error: string, mensaje?: string): Answer {
  return json(status, { error, mensaje: mensaje ?? error });
}

/** RFC 6750, which DGII's document cites for its tokens. */
function unauthorized(scheme = 'Bearer'): Answer {
  return { status: 401, headers: { 'WWW-Authenticate': `${scheme} error="invalid_token"` } };
}

function anulacion(status: number, rnc: string, mensaje: string, detalle?: string): Answer {
  return json(status, {
    rnc,
    codigo: status === 200 ? '1' : '2',
    nombre: status === 200 ? 'Anulación aceptada' : 'Anulación rechazada',
    mensajes: detalle ? [mensaje, detalle] : [mensaje],
  });
}

function reject(list: Mensaje[], secuenciaUtilizada: boolean): NonNullable<Submission['outcome']> {
  return { ...estados.rechazado, secuenciaUtilizada, mensajes: list };
}

function param(url: URL, name: string): string | undefined {
  for (const [key, value] of url.searchParams) if (key.toLowerCase() === name) return value;
  return undefined;
}

/** Bodies already read (to find whom a request is about), so its route reads the same bytes again. */
const readBodies = new WeakMap<IncomingMessage, Buffer>();

async function readBody(req: IncomingMessage, limit = 10 * 1024 * 1024): Promise<Buffer> {
  const read = readBodies.get(req);
  if (read) return read;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new Error('request body too large');
    chunks.push(chunk as Buffer);
  }
  const body = Buffer.concat(chunks);
  readBodies.set(req, body);
  return body;
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const body = (await readBody(req)).toString('utf8');
  return body ? JSON.parse(body) : {};
}

/** The `xml` part of a multipart/form-data upload, as DGII's services take it. */
async function readUpload(req: IncomingMessage): Promise<{ xml: string; fileName: string } | undefined> {
  const type = req.headers['content-type'] ?? '';
  if (!type.toLowerCase().startsWith('multipart/form-data')) return undefined;
  const body = await readBody(req);
  try {
    const form = await new Request('http://standin/', {
      method: 'POST',
      headers: { 'Content-Type': type },
      body: new Uint8Array(body),
    }).formData();
    const part = [...form.entries()].find(([name]) => name.toLowerCase() === 'xml')?.[1];
    if (!part || typeof part === 'string') return undefined;
    const xml = await part.text();
    return root(xml) ? { xml, fileName: part.name } : undefined;
  } catch {
    return undefined;
  }
}

function parse(xml: string) {
  try {
    const doc = new DOMParser({ onError: () => {} }).parseFromString(xml, 'text/xml');
    return doc.documentElement ? doc : undefined;
  } catch {
    return undefined;
  }
}

function root(xml: string): string | undefined {
  return parse(xml)?.documentElement?.localName ?? undefined;
}

/** The text of the first element with this local name (DGII's documents have no namespace). */
function text(xml: string, name: string): string | undefined {
  const element = parse(xml)?.getElementsByTagName(name)[0];
  return element?.textContent?.trim() || undefined;
}

function anulaciones(xml: string, rnc: string): Cancellation[] {
  const doc = parse(xml);
  if (!doc) return [];
  return Array.from(doc.getElementsByTagName('Anulacion')).flatMap((anulacion) => {
    const tipo = anulacion.getElementsByTagName('TipoeCF')[0]?.textContent?.trim() ?? '';
    return Array.from(anulacion.getElementsByTagName('Secuencias')).map((secuencia) => ({
      rnc,
      tipo,
      desde: secuencia.getElementsByTagName('SecuenciaeNCFDesde')[0]?.textContent?.trim() ?? '',
      hasta: secuencia.getElementsByTagName('SecuenciaeNCFHasta')[0]?.textContent?.trim() ?? '',
    }));
  });
}

/**
 * An enveloped XMLDSig over the whole document (one Reference, URI ""), as DGII's "Firmado de
 * e-CF" describes, checked with xml-crypto; the signer is the certificate in KeyInfo, valid today,
 * whose subject serialNumber carries an RNC (9 digits) or cédula (11 digits).
 */
export function verifySignature(xml: string): { ok: boolean; ids: string[]; reason?: string } {
  const refused = (reason: string, ids: string[] = []) => ({ ok: false, ids, reason });
  const doc = parse(xml);
  const rootElement = doc?.documentElement;
  if (!doc || !rootElement) return refused('XML mal formado');
  const signatures = Array.from(doc.getElementsByTagNameNS(dsigNs, 'Signature'));
  if (signatures.length !== 1) return refused('Se espera una firma');
  const signature = signatures[0] as XmlElement;
  if (signature.parentNode !== rootElement) return refused('La firma no es envolvente');
  const references = Array.from(signature.getElementsByTagNameNS(dsigNs, 'Reference'));
  if (references.length !== 1 || references[0]!.getAttribute('URI') !== '')
    return refused('La firma debe cubrir el documento completo');
  const certificateText = signature.getElementsByTagNameNS(dsigNs, 'X509Certificate')[0]?.textContent ?? '';
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(Buffer.from(certificateText.replace(/\s+/g, ''), 'base64'));
  } catch {
    return refused('Certificado ilegible');
  }
  const ids = certificateIds(certificate);
  const now = Date.now();
  if (now < Date.parse(certificate.validFrom) || now > Date.parse(certificate.validTo))
    return refused('Certificado fuera de vigencia', ids);
  try {
    const verifier = new SignedXml({ publicCert: certificate.toString() });
    verifier.loadSignature(signature as unknown as Parameters<SignedXml['loadSignature']>[0]);
    return verifier.checkSignature(xml) ? { ok: true, ids } : refused('Firma inválida', ids);
  } catch (error) {
    return refused(error instanceof Error ? error.message : 'Firma inválida', ids);
  }
}

/** Whom the certificate in a signed document's KeyInfo speaks for (nothing if there is none). */
function signerIds(xml: string): string[] {
  const certificateText = /<(?:\w+:)?X509Certificate>([^<]+)</.exec(xml)?.[1] ?? '';
  try {
    return certificateIds(new X509Certificate(Buffer.from(certificateText.replace(/\s+/g, ''), 'base64')));
  } catch {
    return [];
  }
}

/**
 * Whom a certificate speaks for: DGII's "SN" (the subject serialNumber: RNC, cédula or passport
 * of the holder; prefixes such as IDCDO- dropped), then the RNC in organizationIdentifier
 * (VATDO-<RNC>) that a legal person's certificate carries.
 */
export function certificateIds(certificate: X509Certificate): string[] {
  const attribute = (name: string) =>
    (new RegExp(`(?:^|\\n)${name}=([^\\n]+)`, 'i').exec(certificate.subject)?.[1] ?? '').replace(/\D/g, '');
  return [attribute('serialNumber'), attribute('organizationIdentifier')].filter(
    (id, i, all) => (id.length === 9 || id.length === 11) && all.indexOf(id) === i,
  );
}

type Validator = (xml: string) => Promise<string[]>;

/** The schemas by TipoeCF ('31'...'47') and by name ('RFCE', 'ANECF', 'Semilla', ...), fixed as data/dgii/xsd/README.md says. */
function loadSchemas(): Map<string, Validator> {
  const files: Record<string, string> = {
    RFCE: 'RFCE 32 v.1.0.xsd',
    ANECF: 'ANECF v.1.0.xsd',
    ACECF: 'ACECF v.1.0.xsd',
    ARECF: 'ARECF v1.0.xsd',
    Semilla: 'Semilla v.1.0.xsd',
  };
  for (const tipo of ['31', '32', '33', '34', '41', '43', '44', '45', '46', '47'])
    files[tipo] = `e-CF ${tipo} v.1.0.xsd`;
  const schemas = new Map<string, Validator>();
  for (const [name, file] of Object.entries(files)) {
    let validator: Validator | undefined;
    schemas.set(name, (xml) => {
      validator ??= batchValidator(fixSchema(readFileSync(path.join(xsdDir, file), 'utf8')));
      return validator(xml);
    });
  }
  return schemas;
}

export function fixSchema(xsd: string): string {
  return xsd
    .replace('name=" IndicadorServicioTodoIncluidoType"', 'name="IndicadorServicioTodoIncluidoType"')
    .replaceAll('(?:', '(');
}

/**
 * xmllint-wasm starts a fresh WebAssembly instance per call (hundreds of milliseconds), so the
 * documents waiting for one schema are validated together in one call.
 */
function batchValidator(schema: string): Validator {
  let waiting: Array<{ xml: string; resolve: (errors: string[]) => void; reject: (error: unknown) => void }> = [];
  let running = false;
  const validateBatch = async (xmls: string[]) => {
    const result = await validateXML({
      xml: xmls.map((xml, i) => ({ fileName: `doc${i}.xml`, contents: xml })),
      schema: [{ fileName: 'schema.xsd', contents: schema }],
    });
    return xmls.map((_, i) =>
      result.errors
        .filter((error) => error.loc?.fileName === `doc${i}.xml` || error.rawMessage.startsWith(`doc${i}.xml `))
        .map((error) => error.message),
    );
  };
  const run = async () => {
    running = true;
    while (waiting.length) {
      const batch = waiting.slice(0, 50);
      waiting = waiting.slice(batch.length);
      try {
        const errors = await validateBatch(batch.map((item) => item.xml));
        for (const [i, item] of batch.entries()) item.resolve(errors[i]!);
      } catch (error) {
        // xmllint gives up on the whole batch when one document is not well-formed: one by one, then.
        for (const item of batch)
          await validateBatch([item.xml]).then(
            ([errors]) => item.resolve(errors!),
            (single: unknown) => item.resolve([single instanceof Error ? single.message : String(error)]),
          );
      }
    }
    running = false;
  };
  return (xml) =>
    new Promise((resolve, reject) => {
      waiting.push({ xml, resolve, reject });
      if (!running) void run();
    });
}

function b64url(value: string) {
  return Buffer.from(value).toString('base64url');
}

/** yyyy-MM-ddTHH:mm:ssZ, the "universal sortable" format the document names for expira/expedido. */
function universal(ms: number) {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Santo Domingo time (UTC-4, no DST) with seven fraction digits, as in the document's seed example. */
function seedDate(ms: number) {
  const local = new Date(ms - 4 * 3_600_000).toISOString().replace('Z', '');
  return `${local}0000-04:00`;
}

/** dd-MM-yyyy HH:mm:ss in Santo Domingo time, the date-time format of DGII's XML formats. */
function dgiiDate(ms: number) {
  const iso = new Date(ms - 4 * 3_600_000).toISOString();
  return `${iso.slice(8, 10)}-${iso.slice(5, 7)}-${iso.slice(0, 4)} ${iso.slice(11, 19)}`;
}

async function main() {
  const port = Number(process.argv[2] ?? devPorts.dgii);
  const standin = await startDgiiStandin({ port, log: (line) => console.log(line) });
  console.log(`DGII stand-in: ${standin.url}  (control: ${standin.url}/_control/state)`);
  const stop = () => void standin.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
