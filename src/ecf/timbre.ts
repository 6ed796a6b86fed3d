import type { Element } from '@xmldom/xmldom';
import { parseXml } from './c14n';
import { DSIG_NS } from './sign';

export type DgiiEnvironment = 'TesteCF' | 'CerteCF' | 'eCF';

const PATHS: Record<DgiiEnvironment, string> = { TesteCF: 'testecf', CerteCF: 'certecf', eCF: 'ecf' };

/** What the QR of an e-CF's printed representation carries ("Consulta timbre (QR)"). Values as in the XML. */
export interface EcfStamp {
  environment: DgiiEnvironment;
  rncEmisor: string;
  /** Absent for documents without a buyer RNC (e.g. E43, E47, an E32 to a final consumer). */
  rncComprador?: string | null;
  encf: string;
  /** dd-MM-yyyy, the XML's FechaEmision. */
  fechaEmision: string;
  /** The XML's MontoTotal, e.g. "1180.00". */
  montoTotal: string;
  /** dd-MM-yyyy HH:mm:ss, the XML's FechaHoraFirma. */
  fechaFirma: string;
  codigoSeguridad: string;
}

/** What the QR of a consumer invoice under RD$250,000 (sent as RFCE) carries ("Consulta timbre FC (QR)"). */
export interface RfceStamp {
  environment: DgiiEnvironment;
  rncEmisor: string;
  encf: string;
  montoTotal: string;
  codigoSeguridad: string;
}

export class StampError extends Error {
  override name = 'StampError';
}

/** The 6-character security code: the first six characters of the document's SignatureValue. */
export function securityCode(signedXml: string): string {
  const root = parseXml(signedXml).documentElement;
  let value: string | null = null;
  for (let node = root.firstChild; node; node = node.nextSibling) {
    if (node.nodeType === 1 && node.namespaceURI === DSIG_NS && node.localName === 'Signature') {
      value = firstByName(node as Element, 'SignatureValue')?.textContent ?? null;
    }
  }
  const code = value?.replace(/\s+/g, '').slice(0, 6) ?? '';
  if (code.length !== 6) throw new StampError('the document has no SignatureValue');
  return code;
}

/**
 * DGII's consultatimbre URL for an e-CF, parameters in DGII's order and spelling; `+` and `/` of the
 * security code and the space of the signature date are percent-encoded, colons kept as in DGII's
 * example (`fechafirma=10-10-2020%2009:00:00`).
 */
export function qrUrl(stamp: EcfStamp): string {
  check(/^\d{9}(\d{2})?$/, stamp.rncEmisor, 'rncEmisor');
  check(/^[A-Z]\d{12}$/i, stamp.encf, 'encf');
  check(/^\d{2}-\d{2}-\d{4}$/, stamp.fechaEmision, 'fechaEmision');
  check(/^\d{2}-\d{2}-\d{4} \d{2}:\d{2}:\d{2}$/, stamp.fechaFirma, 'fechaFirma');
  check(/^-?\d+(\.\d+)?$/, stamp.montoTotal, 'montoTotal');
  check(/^[A-Za-z0-9+/=]{6}$/, stamp.codigoSeguridad, 'codigoSeguridad');
  const params: [string, string][] = [['rncemisor', stamp.rncEmisor]];
  if (stamp.rncComprador) params.push(['rnccomprador', stamp.rncComprador]);
  params.push(
    ['encf', stamp.encf],
    ['fechaemision', stamp.fechaEmision],
    ['montototal', stamp.montoTotal],
    ['fechafirma', stamp.fechaFirma],
    ['codigoseguridad', stamp.codigoSeguridad],
  );
  return `https://ecf.dgii.gov.do/${PATHS[stamp.environment]}/consultatimbre?${query(params)}`;
}

/** DGII's consultatimbrefc URL for a consumer invoice summarised in an RFCE. */
export function rfceQrUrl(stamp: RfceStamp): string {
  check(/^\d{9}(\d{2})?$/, stamp.rncEmisor, 'rncEmisor');
  check(/^[A-Z]\d{12}$/i, stamp.encf, 'encf');
  check(/^-?\d+(\.\d+)?$/, stamp.montoTotal, 'montoTotal');
  check(/^[A-Za-z0-9+/=]{6}$/, stamp.codigoSeguridad, 'codigoSeguridad');
  const params: [string, string][] = [
    ['rncemisor', stamp.rncEmisor],
    ['encf', stamp.encf],
    ['montototal', stamp.montoTotal],
    ['codigoseguridad', stamp.codigoSeguridad],
  ];
  return `https://fc.dgii.gov.do/${PATHS[stamp.environment]}/consultatimbrefc?${query(params)}`;
}

/**
 * The stamp of a signed e-CF read from the XML itself, so the printed QR shows exactly what was
 * signed and sent.
 */
export function stampOfSignedEcf(signedXml: string, environment: DgiiEnvironment): EcfStamp {
  const root = parseXml(signedXml).documentElement;
  const header = firstByName(root, 'Encabezado');
  const text = (parent: Element | null, name: string) => firstByName(parent, name)?.textContent?.trim() || null;
  const required = (parent: Element | null, name: string) => {
    const value = text(parent, name);
    if (!value) throw new StampError(`${name} missing`);
    return value;
  };
  const emisor = firstByName(header, 'Emisor');
  return {
    environment,
    rncEmisor: required(emisor, 'RNCEmisor'),
    rncComprador: text(firstByName(header, 'Comprador'), 'RNCComprador'),
    encf: required(firstByName(header, 'IdDoc'), 'eNCF'),
    fechaEmision: required(emisor, 'FechaEmision'),
    montoTotal: required(firstByName(header, 'Totales'), 'MontoTotal'),
    fechaFirma: required(root, 'FechaHoraFirma'),
    codigoSeguridad: securityCode(signedXml),
  };
}

function firstByName(parent: Element | null, localName: string): Element | null {
  for (let node = parent?.firstChild; node; node = node.nextSibling) {
    if (node.nodeType === 1 && node.localName === localName) return node as Element;
  }
  return null;
}

function check(pattern: RegExp, value: string, field: string): void {
  if (!pattern.test(value)) throw new StampError(`${field} has an unexpected format: ${JSON.stringify(value)}`);
}

function query(params: [string, string][]): string {
  return params.map(([name, value]) => `${name}=${encodeURIComponent(value).replace(/%3A/g, ':')}`).join('&');
}
