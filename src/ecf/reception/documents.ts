/**
 * What the /fe/ receiver endpoints read from the documents other taxpayers send: a received e-CF,
 * an ACECF about one of ours, a signed seed. workerd cannot run an XSD validator (xmllint-wasm
 * starts a Web Worker, which workerd lacks), so the checks here are structural: the root, the
 * mandatory fields the inbox and the ARECF/ACECF need, and their formats as the XSDs define them.
 */
import type { Element } from '@xmldom/xmldom';
import { parseXml } from '../c14n';
import { isEcfType } from '../model';

export interface ReceivedEcfFields {
  ecfType: string;
  encf: string;
  issuerRnc: string;
  issuerName: string;
  buyerRnc: string | null;
  /** YYYY-MM-DD */
  issuedOn: string;
  /** Totales/MontoTotal (DOP, as DGII's totals are). */
  total: string;
  itbisTotal: string | null;
  /** OtraMoneda/TipoMoneda, or DOP. */
  currency: string;
  signedAt: Date;
}

export interface AcecfFields {
  issuerRnc: string;
  encf: string;
  /** YYYY-MM-DD */
  issuedOn: string;
  total: string;
  buyerRnc: string;
  approved: boolean;
  reason: string | null;
  at: Date;
}

export type ReadResult<T> = { ok: true; fields: T } | { ok: false; problem: string };

const taxIdPattern = /^(\d{9}|\d{11})$/;
const encfPattern = /^E\d{12}$/;
const amountPattern = /^\d{1,16}(\.\d{1,2})?$/;
const datePattern = /^(\d{2})-(\d{2})-(\d{4})$/;
const dateTimePattern = /^(\d{2})-(\d{2})-(\d{4}) (\d{2}):(\d{2}):(\d{2})$/;
const santoDomingoOffsetMs = 4 * 3_600_000;

/** The issuer and e-NCF of anything that looks like an e-CF, to address an ARECF even when the rest is wrong. */
export function peekEcfIds(xml: string): { issuerRnc: string; encf: string } | null {
  const root = parse(xml);
  if (!root) return null;
  const header = child(root, 'Encabezado');
  const issuerRnc = text(child(header, 'Emisor'), 'RNCEmisor');
  const encf = text(child(header, 'IdDoc'), 'eNCF');
  return issuerRnc && encf && taxIdPattern.test(issuerRnc) && encfPattern.test(encf) ? { issuerRnc, encf } : null;
}

/** The fields of a received e-CF, or the first thing DGII's format does not allow. */
export function readReceivedEcf(xml: string): ReadResult<ReceivedEcfFields> {
  const root = parse(xml);
  if (root?.localName !== 'ECF' || root.namespaceURI) return refuse('root element is not ECF');
  const header = child(root, 'Encabezado');
  const idDoc = child(header, 'IdDoc');
  const issuer = child(header, 'Emisor');
  const totals = child(header, 'Totales');
  if (text(header, 'Version') !== '1.0') return refuse('Encabezado/Version must be 1.0');
  const ecfType = text(idDoc, 'TipoeCF') ?? '';
  if (!isEcfType(ecfType)) return refuse('IdDoc/TipoeCF is not an e-CF type');
  const encf = text(idDoc, 'eNCF') ?? '';
  if (!encfPattern.test(encf) || encf.slice(1, 3) !== ecfType) return refuse('IdDoc/eNCF does not match TipoeCF');
  const issuerRnc = text(issuer, 'RNCEmisor') ?? '';
  if (!taxIdPattern.test(issuerRnc)) return refuse('Emisor/RNCEmisor is not an RNC or cédula');
  const issuerName = text(issuer, 'RazonSocialEmisor') ?? '';
  if (!issuerName || issuerName.length > 150) return refuse('Emisor/RazonSocialEmisor is missing or too long');
  const issuedOn = isoDate(text(issuer, 'FechaEmision'));
  if (!issuedOn) return refuse('Emisor/FechaEmision is not a dd-MM-yyyy date');
  const buyerRnc = text(child(header, 'Comprador'), 'RNCComprador');
  if (buyerRnc !== null && !taxIdPattern.test(buyerRnc)) return refuse('Comprador/RNCComprador is malformed');
  const total = text(totals, 'MontoTotal') ?? '';
  if (!amountPattern.test(total)) return refuse('Totales/MontoTotal is not an amount');
  const itbisTotal = text(totals, 'TotalITBIS');
  if (itbisTotal !== null && !amountPattern.test(itbisTotal)) return refuse('Totales/TotalITBIS is not an amount');
  const currency = text(child(header, 'OtraMoneda'), 'TipoMoneda') ?? 'DOP';
  if (!/^[A-Z]{3}$/.test(currency)) return refuse('OtraMoneda/TipoMoneda is not a currency code');
  if (!child(child(root, 'DetallesItems'), 'Item')) return refuse('DetallesItems has no Item');
  const signedAt = santoDomingoMoment(text(root, 'FechaHoraFirma'));
  if (!signedAt) return refuse('FechaHoraFirma is not a dd-MM-yyyy HH:mm:ss moment');
  return {
    ok: true,
    fields: { ecfType, encf, issuerRnc, issuerName, buyerRnc, issuedOn, total, itbisTotal, currency, signedAt },
  };
}

/** The fields of an ACECF (DGII's "Formato Aprobación Comercial" v1.0), or what is wrong with it. */
export function readAcecf(xml: string): ReadResult<AcecfFields> {
  const root = parse(xml);
  if (root?.localName !== 'ACECF' || root.namespaceURI) return refuse('root element is not ACECF');
  const detail = child(root, 'DetalleAprobacionComercial');
  if (text(detail, 'Version') !== '1.0') return refuse('Version must be 1.0');
  const issuerRnc = text(detail, 'RNCEmisor') ?? '';
  const buyerRnc = text(detail, 'RNCComprador') ?? '';
  if (!taxIdPattern.test(issuerRnc)) return refuse('RNCEmisor is not an RNC or cédula');
  if (!taxIdPattern.test(buyerRnc)) return refuse('RNCComprador is not an RNC or cédula');
  const encf = text(detail, 'eNCF') ?? '';
  if (!encfPattern.test(encf)) return refuse('eNCF is malformed');
  const issuedOn = isoDate(text(detail, 'FechaEmision'));
  if (!issuedOn) return refuse('FechaEmision is not a dd-MM-yyyy date');
  const total = text(detail, 'MontoTotal') ?? '';
  if (!amountPattern.test(total)) return refuse('MontoTotal is not an amount');
  const estado = text(detail, 'Estado');
  if (estado !== '1' && estado !== '2') return refuse('Estado must be 1 (aprobado) or 2 (rechazado)');
  const reason = text(detail, 'DetalleMotivoRechazo');
  if (estado === '2' && !reason) return refuse('a rejection (Estado 2) states DetalleMotivoRechazo');
  if (reason && reason.length > 250) return refuse('DetalleMotivoRechazo has more than 250 characters');
  const at = santoDomingoMoment(text(detail, 'FechaHoraAprobacionComercial'));
  if (!at) return refuse('FechaHoraAprobacionComercial is not a dd-MM-yyyy HH:mm:ss moment');
  return {
    ok: true,
    fields: { issuerRnc, encf, issuedOn, total, buyerRnc, approved: estado === '1', reason, at },
  };
}

/** DGII's SemillaModel as its semilla service writes it (Semilla v1.0 XSD): the value and when it was made. */
export function seedModelXml(valor: string, at: Date): string {
  return (
    '<?xml version="1.0" encoding="utf-8"?>' +
    '<SemillaModel xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema">' +
    `<valor>${valor}</valor><fecha>${at.toISOString()}</fecha></SemillaModel>`
  );
}

/** The seed value of a SemillaModel (the document the sender signs), or null. */
export function readSeedValue(xml: string): string | null {
  const root = parse(xml);
  if (root?.localName !== 'SemillaModel') return null;
  return text(root, 'valor');
}

/** DGII's documents carry no DTD; refusing one keeps entity expansion out of the parser. */
function parse(xml: string): Element | null {
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) return null;
  try {
    return parseXml(xml).documentElement;
  } catch {
    return null;
  }
}

function child(parent: Element | null, name: string): Element | null {
  for (let node = parent?.firstChild; node; node = node.nextSibling) {
    if (node.nodeType === 1 && (node as Element).localName === name) return node as Element;
  }
  return null;
}

function text(parent: Element | null, name: string): string | null {
  const value = child(parent, name)?.textContent?.trim();
  return value ? value : null;
}

function isoDate(value: string | null): string | null {
  const match = datePattern.exec(value ?? '');
  if (!match) return null;
  const iso = `${match[3]}-${match[2]}-${match[1]}`;
  const parsed = new Date(`${iso}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().startsWith(iso) ? iso : null;
}

/** `dd-MM-yyyy HH:mm:ss` in Santo Domingo time (GMT-4 all year). */
function santoDomingoMoment(value: string | null): Date | null {
  const match = dateTimePattern.exec(value ?? '');
  if (!match) return null;
  const [, day, month, year, hours, minutes, seconds] = match.map(Number) as number[];
  if (!isoDate(value!.slice(0, 10)) || hours! > 23 || minutes! > 59 || seconds! > 59) return null;
  return new Date(Date.UTC(year!, month! - 1, day!, hours!, minutes!, seconds!) + santoDomingoOffsetMs);
}

function refuse(problem: string): { ok: false; problem: string } {
  return { ok: false, problem };
}
