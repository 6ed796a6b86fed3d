/**
 * The client for another taxpayer's e-CF services (DGII's "Estándar de comunicación Emisor -
 * Receptor", Descripción Técnica v1.6): the hosts come from DGII's directory (urlRecepcion,
 * urlAceptacion, urlOpcional for authentication) and every taxpayer serves the same paths under
 * them. When the receiver declares authentication, the seed is signed with this shop's
 * certificate exactly as against DGII and the token goes as `Authorization: Bearer`.
 */
import { type SeedSigner, xmlUpload } from '../dgii/client';
import { verifySignedXml } from '../verify';

export const peerPaths = {
  semilla: '/fe/autenticacion/api/semilla',
  validacionCertificado: '/fe/autenticacion/api/validacioncertificado',
  recepcion: '/fe/recepcion/api/ecf',
  aprobacionComercial: '/fe/aprobacioncomercial/api/ecf',
} as const;

/** A receiver's entry in DGII's directory (consultadirectorio). */
export interface PeerEndpoints {
  rnc: string;
  urlRecepcion: string;
  urlAceptacion: string;
  urlOpcional?: string | null;
}

export type PeerService = 'autenticacion' | 'recepcion' | 'aprobacioncomercial';

/**
 * `unreachable`: no answer, a timeout or a 5xx/408/429 (try again later); `unauthorized`: the
 * receiver refused our signed seed or token; `refused`: it answered 4xx to the document itself;
 * `bad_answer`: it answered 200 with something that is not a valid signed acknowledgement.
 */
export type PeerErrorKind = 'unreachable' | 'unauthorized' | 'refused' | 'bad_answer';

export class PeerError extends Error {
  override name = 'PeerError';
  readonly kind: PeerErrorKind;
  readonly service: PeerService;
  readonly status: number | null;
  readonly body: string | null;

  constructor(
    kind: PeerErrorKind,
    service: PeerService,
    message: string,
    status: number | null = null,
    body = null as string | null,
  ) {
    super(`${service}: ${message}`);
    this.kind = kind;
    this.service = service;
    this.status = status;
    this.body = body;
  }
}

/** An ARECF as the receiver signed it: received (Estado 0) or not (1, with DGII's reason code). */
export interface Acknowledgement {
  xml: string;
  issuerRnc: string;
  buyerRnc: string;
  encf: string;
  received: boolean;
  /** CodigoMotivoNoRecibido: 1 specification error, 2 signature error, 3 duplicate, 4 not the buyer. */
  notReceivedReason: number | null;
  at: string | null;
}

export interface PeerClientOptions {
  signer: SeedSigner;
  /** Receivers should answer within DGII's recommended 30 s. */
  timeoutMs?: number;
  /** Injectable so tests can route another shop's host to the same Worker. */
  fetch?: typeof fetch;
}

const defaultTimeoutMs = 30_000;

export class PeerClient {
  readonly #signer: SeedSigner;
  readonly #timeoutMs: number;
  readonly #fetch: typeof fetch;
  /** Tokens by authentication host, for the life of this client (one job). */
  readonly #tokens = new Map<string, Promise<string>>();

  constructor(options: PeerClientOptions) {
    this.#signer = options.signer;
    this.#timeoutMs = options.timeoutMs ?? defaultTimeoutMs;
    this.#fetch = options.fetch ?? ((input, init) => fetch(input, init));
  }

  /**
   * Sends a signed e-CF to its buyer's reception service and returns the buyer's acknowledgement,
   * whose signature is verified and whose RNCs and e-NCF must be this document's.
   */
  async sendEcf(
    receiver: PeerEndpoints,
    signedXml: string,
    document: { issuerRnc: string; encf: string },
  ): Promise<Acknowledgement> {
    const response = await this.#authorized(
      receiver,
      'recepcion',
      serviceUrl(receiver.urlRecepcion, peerPaths.recepcion),
      () => xmlUpload(signedXml, `${document.issuerRnc}${document.encf}.xml`),
    );
    const text = await this.#text('recepcion', response);
    return readAcknowledgement(text, { ...document, buyerRnc: receiver.rnc });
  }

  /** Sends a signed ACECF to the issuer's commercial-approval service (HTTP 200 means it took it). */
  async sendApproval(
    issuer: PeerEndpoints,
    signedAcecf: string,
    document: { buyerRnc: string; encf: string },
  ): Promise<{ status: number; body: string }> {
    const response = await this.#authorized(
      issuer,
      'aprobacioncomercial',
      serviceUrl(issuer.urlAceptacion, peerPaths.aprobacionComercial),
      () => xmlUpload(signedAcecf, `${document.buyerRnc}${document.encf}.xml`),
    );
    return { status: response.status, body: await this.#text('aprobacioncomercial', response) };
  }

  /** The peer's token, when it declares authentication (urlOpcional); null when it does not. */
  token(peer: PeerEndpoints): Promise<string | null> {
    const host = peer.urlOpcional?.trim();
    if (!host) return Promise.resolve(null);
    let pending = this.#tokens.get(host);
    if (!pending) {
      pending = this.#authenticate(host);
      this.#tokens.set(host, pending);
      pending.catch(() => this.#tokens.delete(host));
    }
    return pending;
  }

  async #authenticate(host: string): Promise<string> {
    const seedResponse = await this.#request('autenticacion', serviceUrl(host, peerPaths.semilla), {
      headers: { accept: 'application/xml' },
    });
    const seed = await this.#text('autenticacion', seedResponse);
    const signed = await this.#signer.sign(seed.replace(/^\uFEFF/, ''));
    const response = await this.#request('autenticacion', serviceUrl(host, peerPaths.validacionCertificado), {
      method: 'POST',
      headers: { accept: 'application/json' },
      body: xmlUpload(signed, 'semilla.xml'),
    });
    const text = await this.#text('autenticacion', response);
    let token: unknown;
    try {
      token = (JSON.parse(text) as { token?: unknown }).token;
    } catch {
      token = /<token>([^<]+)<\/token>/.exec(text)?.[1];
    }
    if (typeof token !== 'string' || !token)
      throw new PeerError('bad_answer', 'autenticacion', 'no token in the answer', response.status, text.slice(0, 500));
    return token;
  }

  /** A request with the peer's token when it has authentication; a 401 authenticates again once. */
  async #authorized(peer: PeerEndpoints, service: PeerService, url: string, body: () => FormData): Promise<Response> {
    const send = (token: string | null) =>
      this.#request(service, url, {
        method: 'POST',
        headers: { accept: '*/*', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
        body: body(),
      });
    const token = await this.token(peer);
    const response = await send(token);
    if (response.status !== 401 || !token) return this.#refusal(service, response);
    await response.body?.cancel();
    this.#tokens.delete(peer.urlOpcional!.trim());
    return this.#refusal(service, await send(await this.token(peer)));
  }

  async #refusal(service: PeerService, response: Response): Promise<Response> {
    if (response.status === 401 || response.status === 403) {
      throw await answerError('unauthorized', service, response);
    }
    if (response.status >= 400) {
      throw await answerError('refused', service, response);
    }
    return response;
  }

  /** fetch with a deadline; network failures, timeouts and 5xx/408/429 are `unreachable`. */
  async #request(service: PeerService, url: string, init: RequestInit): Promise<Response> {
    let response: Response;
    try {
      response = await this.#fetch(url, { ...init, signal: AbortSignal.timeout(this.#timeoutMs) });
    } catch (error) {
      const reason =
        error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')
          ? `no answer within ${this.#timeoutMs} ms`
          : `cannot reach the receiver (${error instanceof Error ? error.message : String(error)})`;
      throw new PeerError('unreachable', service, reason);
    }
    if (response.status >= 500 || response.status === 408 || response.status === 429) {
      throw await answerError('unreachable', service, response);
    }
    if (service === 'autenticacion' && response.status >= 400) {
      throw await answerError('unauthorized', service, response);
    }
    return response;
  }

  async #text(service: PeerService, response: Response): Promise<string> {
    try {
      return await response.text();
    } catch (error) {
      throw new PeerError(
        'unreachable',
        service,
        `answer cut short (${error instanceof Error ? error.message : String(error)})`,
      );
    }
  }
}

export function createPeerClient(options: PeerClientOptions): PeerClient {
  return new PeerClient(options);
}

/**
 * DGII's directory gives hosts (the standard paths go after them); an entry that already holds
 * the whole service URL is taken as it is.
 */
export function serviceUrl(host: string, path: string): string {
  const base = host.trim().replace(/\/+$/, '');
  return base.toLowerCase().endsWith(path) ? base : `${base}${path}`;
}

/**
 * Reads and checks a receiver's ARECF: a valid enveloped signature by a certificate of the buyer,
 * and the issuer, buyer and e-NCF of the document sent. Values come from what the signature covers.
 */
export async function readAcknowledgement(
  xml: string,
  expected: { issuerRnc: string; buyerRnc: string; encf: string },
): Promise<Acknowledgement> {
  const bad = (message: string) => new PeerError('bad_answer', 'recepcion', message, 200, xml.slice(0, 500));
  if (!/<ARECF[\s>]/.test(xml)) throw bad('the answer is not an ARECF');
  const verified = await verifySignedXml(xml.replace(/^\uFEFF/, ''));
  if (!verified.valid || !verified.signedContent) throw bad(`the ARECF signature is not valid (${verified.reason})`);
  if (verified.certificate?.taxId !== expected.buyerRnc)
    throw bad(`the ARECF is signed by ${verified.certificate?.taxId ?? 'an unknown holder'}, not by the buyer`);
  const content = verified.signedContent;
  const value = (name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(content)?.[1]?.trim() ?? null;
  const acknowledgement: Acknowledgement = {
    xml,
    issuerRnc: value('RNCEmisor') ?? '',
    buyerRnc: value('RNCComprador') ?? '',
    encf: value('eNCF') ?? '',
    received: value('Estado') === '0',
    notReceivedReason: value('CodigoMotivoNoRecibido') ? Number(value('CodigoMotivoNoRecibido')) : null,
    at: value('FechaHoraAcuseRecibo'),
  };
  if (
    acknowledgement.issuerRnc !== expected.issuerRnc ||
    acknowledgement.buyerRnc !== expected.buyerRnc ||
    acknowledgement.encf !== expected.encf
  )
    throw bad('the ARECF is about another document');
  if (!['0', '1'].includes(value('Estado') ?? '')) throw bad('the ARECF has no valid Estado');
  return acknowledgement;
}

/** A PeerError for an HTTP answer the caller cannot use, with the start of its body. */
async function answerError(kind: PeerErrorKind, service: PeerService, response: Response): Promise<PeerError> {
  const body = await response.text().catch(() => '');
  return new PeerError(kind, service, `the receiver answered ${response.status}`, response.status, body.slice(0, 500));
}
