/**
 * The Worker's client for DGII's e-CF services (TesteCF, CerteCF, eCF), one per shop: requests and
 * answers as "Descripción Técnica de Facturación Electrónica" v1.6 describes them (multipart `xml`
 * uploads, JSON answers, `Authorization: Bearer`). The token comes from the seed protocol (semilla
 * -> signed with the shop's certificate -> validarsemilla) and is kept in the shop's own cache
 * until shortly before it expires, then renewed; a 401 renews it once.
 */
import type { TenantCache } from '../../tenancy/cache';
import { type DgiiBaseUrls, type DgiiEnvironment, dgiiBaseUrls, dgiiPaths, statusAmbiente } from './endpoints';
import { DgiiRejectedError, DgiiUnauthorizedError, DgiiUnreachableError } from './errors';

/** Signs the seed with the shop's certificate; `certificateDer` tells certificates apart in the token cache. */
export interface SeedSigner {
  certificateDer: Uint8Array;
  sign(xml: string): Promise<string>;
}

export interface DgiiClientOptions {
  environment: DgiiEnvironment;
  /** The DGII_BASE_URL binding: replaces DGII's hosts (the stand-in locally and in tests); empty in production. */
  baseUrl?: string | null;
  /** The shop's cache (keys under the tenant's prefix): the token never leaves the shop. */
  cache: TenantCache;
  signer: SeedSigner;
  /** Every request gives up after this long (default 20 s) and counts as unreachable. */
  timeoutMs?: number;
  /** The status service's APIKEY, which DGII hands out separately. */
  statusApiKey?: string;
  fetch?: typeof fetch;
}

export interface DgiiToken {
  token: string;
  /** yyyy-MM-ddTHH:mm:ssZ */
  expira: string;
  expedido: string;
}

export type DgiiEstado = 'No encontrado' | 'Aceptado' | 'Rechazado' | 'En Proceso' | 'Aceptado Condicional';

/** DGII's codes (ConsultaResultado "ESTADOS SALIDA"). */
const estadoByCodigo: Record<number, DgiiEstado> = {
  0: 'No encontrado',
  1: 'Aceptado',
  2: 'Rechazado',
  3: 'En Proceso',
  4: 'Aceptado Condicional',
};

export interface DgiiMensaje {
  valor: string;
  codigo: number | string;
}

export interface DgiiResult {
  trackId: string;
  codigo: number;
  estado: DgiiEstado;
  rnc: string | null;
  encf: string | null;
  /** true: the e-NCF is consumed and cannot be used again (DGII decides, even on a rejection). */
  secuenciaUtilizada: boolean;
  fechaRecepcion: string | null;
  mensajes: DgiiMensaje[];
}

export interface DgiiRfceResult {
  codigo: number;
  estado: DgiiEstado;
  mensajes: DgiiMensaje[];
  encf: string | null;
  secuenciaUtilizada: boolean;
}

export interface DgiiCancellationResult {
  rnc: string;
  codigo: string;
  nombre: string;
  mensajes: string[];
}

export interface DgiiReceiver {
  nombre: string;
  rnc: string;
  urlRecepcion: string;
  urlAceptacion: string;
  urlOpcional?: string | null;
}

export interface DgiiTrackId {
  trackId: string;
  estado: string;
  fechaRecepcion: string;
}

const defaultTimeoutMs = 20_000;

export class DgiiClient {
  readonly environment: DgiiEnvironment;
  readonly urls: DgiiBaseUrls;
  readonly #cache: TenantCache;
  readonly #signer: SeedSigner;
  readonly #timeoutMs: number;
  readonly #statusApiKey: string | undefined;
  readonly #fetch: typeof fetch;
  /** One authentication at a time per client, however many requests wait for it. */
  #pending: Promise<DgiiToken> | null = null;
  #cacheKey: Promise<string> | null = null;

  constructor(options: DgiiClientOptions) {
    this.environment = options.environment;
    this.urls = dgiiBaseUrls(options.environment, options.baseUrl);
    this.#cache = options.cache;
    this.#signer = options.signer;
    this.#timeoutMs = options.timeoutMs ?? defaultTimeoutMs;
    this.#statusApiKey = options.statusApiKey;
    this.#fetch = options.fetch ?? ((input, init) => fetch(input, init));
  }

  /** A valid token for this shop: the cached one, or a new one from the seed protocol. */
  async token(): Promise<DgiiToken> {
    const cached = await this.#cache.get<DgiiToken>(await this.#key());
    if (cached && usable(cached)) return cached;
    return this.authenticate();
  }

  /** Seed -> signed seed -> validarsemilla -> token, stored in the shop's cache. */
  authenticate(): Promise<DgiiToken> {
    this.#pending ??= this.#authenticate().finally(() => {
      this.#pending = null;
    });
    return this.#pending;
  }

  async #authenticate(): Promise<DgiiToken> {
    const seedResponse = await this.#request('autenticacion', `${this.urls.ecf}${dgiiPaths.semilla}`, {
      headers: { accept: '*/*' },
    });
    const seed = await this.#text('autenticacion', seedResponse);
    const signed = await this.#signer.sign(seed);
    const response = await this.#request('autenticacion', `${this.urls.ecf}${dgiiPaths.validarSemilla}`, {
      method: 'POST',
      headers: { accept: 'application/json' },
      body: xmlUpload(signed, 'semilla.xml'),
    });
    if (response.status === 401 || response.status === 403)
      throw new DgiiUnauthorizedError('autenticacion', 'DGII refused the signed seed', response.status);
    const body = await this.#json<Partial<DgiiToken>>('autenticacion', response);
    if (!body.token || !body.expira || Number.isNaN(Date.parse(body.expira)))
      throw new DgiiUnreachableError('autenticacion', 'unexpected answer from validarsemilla', response.status, body);
    const token: DgiiToken = { token: body.token, expira: body.expira, expedido: body.expedido ?? universalNow() };
    const seconds = Math.ceil((Date.parse(token.expira) - Date.now()) / 1000);
    // KV keeps entries 60 s at least; `usable` decides, the TTL only cleans up.
    await this.#cache.put(await this.#key(), token, { expirationTtl: Math.max(60, seconds) });
    return token;
  }

  /** Recepción: the signed e-CF, named as DGII requires ({RNCEmisor}{eNCF}.xml, see ecfFileName); returns its trackId. */
  async sendEcf(signedXml: string, fileName: string): Promise<{ trackId: string }> {
    const response = await this.#authorized('recepcion', `${this.urls.ecf}${dgiiPaths.recepcion}`, () => ({
      method: 'POST',
      body: xmlUpload(signedXml, fileName),
    }));
    const body = await this.#json<{ trackId?: string | null }>('recepcion', response);
    if (!body.trackId) throw new DgiiRejectedError('recepcion', 'no trackId in the answer', response.status, body);
    return { trackId: body.trackId };
  }

  /** ConsultaResultado: the state of a submission ("En Proceso" until DGII has validated it). */
  async getStatus(trackId: string): Promise<DgiiResult> {
    const url = `${this.urls.ecf}${dgiiPaths.consultaResultado}?trackid=${encodeURIComponent(trackId)}`;
    const response = await this.#authorized('consultaresultado', url, () => ({}));
    const body = await this.#json<Record<string, unknown>>('consultaresultado', response);
    const codigo = Number(body.codigo);
    return {
      trackId: String(body.trackId ?? trackId),
      codigo,
      estado: estadoByCodigo[codigo] ?? (String(body.estado) as DgiiEstado),
      rnc: (body.rnc as string | null) ?? null,
      encf: ((body.eNCF ?? body.encf) as string | null) ?? null,
      secuenciaUtilizada: body.secuenciaUtilizada === true,
      fechaRecepcion: (body.fechaRecepcion as string | null) ?? null,
      mensajes: Array.isArray(body.mensajes) ? (body.mensajes as DgiiMensaje[]) : [],
    };
  }

  /** ConsultaTrackIds: every submission DGII received of one e-NCF. */
  async trackIds(rncEmisor: string, encf: string): Promise<DgiiTrackId[]> {
    const query = `?rncemisor=${encodeURIComponent(rncEmisor)}&encf=${encodeURIComponent(encf)}`;
    const response = await this.#authorized(
      'consultatrackids',
      `${this.urls.ecf}${dgiiPaths.consultaTrackIds}${query}`,
      () => ({}),
    );
    const body = await this.#json<DgiiTrackId[] | DgiiTrackId>('consultatrackids', response);
    return Array.isArray(body) ? body : [body];
  }

  /** Recepción FC: the summary (RFCE) of a consumer invoice under RD$250,000; DGII answers the final state at once. */
  async sendRfce(signedRfce: string, fileName: string): Promise<DgiiRfceResult> {
    const response = await this.#authorized('recepcionfc', `${this.urls.fc}${dgiiPaths.recepcionFc}`, () => ({
      method: 'POST',
      body: xmlUpload(signedRfce, fileName),
    }));
    const body = await this.#json<Record<string, unknown>>('recepcionfc', response);
    const codigo = Number(body.codigo);
    return {
      codigo,
      estado: estadoByCodigo[codigo] ?? (String(body.estado) as DgiiEstado),
      mensajes: Array.isArray(body.mensajes) ? (body.mensajes as DgiiMensaje[]) : [],
      encf: ((body.encf ?? body.eNCF) as string | null) ?? null,
      secuenciaUtilizada: body.secuenciaUtilizada === true,
    };
  }

  /**
   * ConsultaRFCE: what DGII holds for a consumer invoice summary (RFCE) by issuer, e-NCF and
   * security code; 'No encontrado' when it never received it.
   */
  async consultaRfce(rncEmisor: string, encf: string, securityCode: string): Promise<DgiiRfceResult> {
    const query =
      `?RNC_Emisor=${encodeURIComponent(rncEmisor)}&ENCF=${encodeURIComponent(encf)}` +
      `&Cod_Seguridad_eCF=${encodeURIComponent(securityCode)}`;
    const response = await this.#authorized(
      'consultarfce',
      `${this.urls.fc}${dgiiPaths.consultaRfce}${query}`,
      () => ({}),
    );
    const body = await this.#json<Record<string, unknown>>('consultarfce', response);
    const codigo = Number(body.codigo);
    return {
      codigo,
      estado: estadoByCodigo[codigo] ?? (String(body.estado) as DgiiEstado),
      mensajes: Array.isArray(body.mensajes) ? (body.mensajes as DgiiMensaje[]) : [],
      encf: ((body.encf ?? body.eNCF) as string | null) ?? null,
      secuenciaUtilizada: body.secuenciaUtilizada === true,
    };
  }

  /** Anulación de rangos: a signed ANECF cancelling unused e-NCF ranges. */
  async cancelRange(signedAnecf: string, fileName = 'anulacion.xml'): Promise<DgiiCancellationResult> {
    const response = await this.#authorized('anulacionrangos', `${this.urls.ecf}${dgiiPaths.anulacionRangos}`, () => ({
      method: 'POST',
      body: xmlUpload(signedAnecf, fileName),
    }));
    return this.#json<DgiiCancellationResult>('anulacionrangos', response);
  }

  /**
   * Aprobación comercial: a copy of the shop's signed ACECF on a received e-CF ("deberá expedir una
   * copia a la DGII"); DGII answers `codigo` 1 taken, 2 refused, with its `mensaje`.
   */
  async sendCommercialApproval(
    signedAcecf: string,
    fileName: string,
  ): Promise<{ codigo: string; estado: string; mensajes: string[] }> {
    const response = await this.#authorized(
      'aprobacioncomercial',
      `${this.urls.ecf}${dgiiPaths.aprobacionComercial}`,
      () => ({ method: 'POST', body: xmlUpload(signedAcecf, fileName) }),
    );
    const body = await this.#json<{ codigo?: unknown; estado?: unknown; mensaje?: unknown }>(
      'aprobacioncomercial',
      response,
    );
    const mensajes = Array.isArray(body.mensaje)
      ? body.mensaje.map(String)
      : body.mensaje
        ? [String(body.mensaje)]
        : [];
    return { codigo: String(body.codigo ?? ''), estado: String(body.estado ?? ''), mensajes };
  }

  /** Consulta directorio: a receiver's service URLs, or null when it is not an electronic receiver. */
  async lookupReceiver(rnc: string): Promise<DgiiReceiver | null> {
    const url = `${this.urls.ecf}${dgiiPaths.directorioPorRnc}?RNC=${encodeURIComponent(rnc)}`;
    const response = await this.#authorized('consultadirectorio', url, () => ({}));
    const body = await this.#json<DgiiReceiver[] | DgiiReceiver | null>('consultadirectorio', response);
    const list = Array.isArray(body) ? body : body ? [body] : [];
    return list.find((entry) => entry.rnc === rnc) ?? null;
  }

  /** Estatus servicios, verificarestado: whether this environment is out of a maintenance window. */
  async serviceStatus(): Promise<{ estado: string; available: boolean }> {
    if (!this.#statusApiKey) throw new DgiiUnauthorizedError('estatusservicios', 'no APIKEY for the status service');
    const url = `${this.urls.status}${dgiiPaths.verificarEstado}?ambiente=${statusAmbiente[this.environment]}`;
    const response = await this.#request('estatusservicios', url, {
      headers: { accept: 'application/json', Authorization: `Apikey ${this.#statusApiKey}` },
    });
    if (response.status === 401 || response.status === 403)
      throw new DgiiUnauthorizedError('estatusservicios', 'APIKEY refused', response.status);
    const body = await this.#json<{ estado?: string }>('estatusservicios', response);
    const estado = String(body.estado ?? '');
    return { estado, available: estado.toLowerCase() === 'disponible' };
  }

  /** A request with the shop's token; on 401 the token is renewed once and the request sent again. */
  async #authorized(service: string, url: string, init: () => RequestInit): Promise<Response> {
    const send = async (token: DgiiToken) => {
      const request = init();
      return this.#request(service, url, {
        ...request,
        headers: { accept: 'application/json', ...request.headers, Authorization: `Bearer ${token.token}` },
      });
    };
    const token = await this.token();
    const response = await send(token);
    if (response.status !== 401) return response;
    await response.body?.cancel();
    const renewed = await this.#renew(token);
    const retried = await send(renewed);
    if (retried.status === 401 || retried.status === 403)
      throw new DgiiUnauthorizedError(service, 'DGII refused a freshly issued token', retried.status);
    return retried;
  }

  /** After a 401: a token another request already renewed, or a new authentication. */
  async #renew(stale: DgiiToken): Promise<DgiiToken> {
    const key = await this.#key();
    const cached = await this.#cache.get<DgiiToken>(key);
    if (cached && cached.token !== stale.token && usable(cached)) return cached;
    if (this.#pending) return this.#pending;
    if (cached?.token === stale.token) await this.#cache.delete(key);
    return this.authenticate();
  }

  /** fetch with a deadline; network failures, timeouts and 5xx become DgiiUnreachableError. */
  async #request(service: string, url: string, init: RequestInit): Promise<Response> {
    let response: Response;
    try {
      response = await this.#fetch(url, { ...init, signal: AbortSignal.timeout(this.#timeoutMs) });
    } catch (error) {
      const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
      const message = timedOut
        ? `no answer within ${this.#timeoutMs} ms`
        : `cannot reach DGII (${error instanceof Error ? error.message : String(error)})`;
      throw new DgiiUnreachableError(service, message, null, null, timedOut ? 'timeout' : 'network');
    }
    if (response.status >= 500 || response.status === 408 || response.status === 429) {
      const body = await readBody(response);
      throw new DgiiUnreachableError(service, `DGII answered ${response.status}`, response.status, body);
    }
    if (response.status === 403) {
      const body = await readBody(response);
      throw new DgiiUnauthorizedError(service, 'DGII answered 403', response.status, body);
    }
    if (response.status >= 400 && response.status !== 401) {
      const body = await readBody(response);
      throw new DgiiRejectedError(service, describe(body) ?? `DGII answered ${response.status}`, response.status, body);
    }
    return response;
  }

  async #text(service: string, response: Response): Promise<string> {
    try {
      return await response.text();
    } catch (error) {
      throw new DgiiUnreachableError(
        service,
        `answer cut short (${error instanceof Error ? error.message : String(error)})`,
      );
    }
  }

  async #json<T>(service: string, response: Response): Promise<T> {
    const text = await this.#text(service, response);
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new DgiiUnreachableError(service, 'the answer is not JSON', response.status, text.slice(0, 500));
    }
  }

  /** The shop's token, per environment and certificate (a new certificate authenticates again). */
  #key(): Promise<string> {
    this.#cacheKey ??= crypto.subtle
      .digest('SHA-256', this.#signer.certificateDer as Uint8Array<ArrayBuffer>)
      .then((digest) => {
        const hex = [...new Uint8Array(digest).slice(0, 12)].map((b) => b.toString(16).padStart(2, '0')).join('');
        return `dgii:token:${this.environment}:${hex}`;
      });
    return this.#cacheKey;
  }
}

export function createDgiiClient(options: DgiiClientOptions): DgiiClient {
  return new DgiiClient(options);
}

/**
 * Good until a minute before DGII's expiry. A short-lived token (the stand-in's, in tests) is renewed
 * at half its life at the latest, so a request that is slow to reach DGII still arrives before expiry.
 */
function usable(token: DgiiToken): boolean {
  const expires = Date.parse(token.expira);
  const issued = Date.parse(token.expedido);
  const lifetime = Number.isNaN(issued) ? 3_600_000 : expires - issued;
  return expires - Date.now() > Math.min(60_000, Math.max(lifetime / 10, Math.min(5_000, lifetime / 2)));
}

/** DGII's upload shape, which receivers between taxpayers take too: the XML as multipart field `xml`. */
export function xmlUpload(xml: string, fileName: string): FormData {
  const form = new FormData();
  form.append('xml', new Blob([xml], { type: 'text/xml' }), fileName);
  return form;
}

async function readBody(response: Response): Promise<unknown> {
  const text = await response.text().catch(() => '');
  try {
    return JSON.parse(text);
  } catch {
    return text.slice(0, 500) || null;
  }
}

/** DGII's own words from an error body (`error`/`mensaje`, or `mensajes`). */
function describe(body: unknown): string | undefined {
  if (!body || typeof body !== 'object') return typeof body === 'string' && body ? body : undefined;
  const record = body as Record<string, unknown>;
  const parts = [record.error, record.mensaje].filter((part): part is string => typeof part === 'string' && !!part);
  if (Array.isArray(record.mensajes))
    for (const m of record.mensajes) parts.push(typeof m === 'string' ? m : String((m as DgiiMensaje).valor ?? ''));
  return parts.length ? [...new Set(parts)].join(' - ') : undefined;
}

function universalNow(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
}
