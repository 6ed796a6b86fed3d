/**
 * The few pieces every DGII XML builder shares: escaping, elements that vanish when empty, and
 * DGII's number and date formats. Output has no whitespace between elements (the signer
 * canonicalises and digests the bytes as they are) and no namespace (DGII's schemas have none).
 */
import { compareDecimals, roundHalfUp } from '../../domain/money';
import { EcfBuildError } from '../model';

/** The declaration DGII's own XML samples and schemas carry. */
export const xmlDeclaration = '<?xml version="1.0" encoding="utf-8"?>';

// Everything outside XML 1.0's Char production (C0 controls but tab/LF/CR, lone surrogates, U+FFFE/U+FFFF).
const forbiddenCharacters = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** Text escaped as DGII's Informe Técnico §11.1.2 lists (`" & ' < >`), with characters XML cannot carry removed. */
export function escapeXml(text: string): string {
  return text
    .replace(forbiddenCharacters, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** `<name>text</name>`, or nothing when the value is absent or blank. */
export function el(name: string, value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  const text = String(value).trim();
  return text === '' ? '' : `<${name}>${escapeXml(text)}</${name}>`;
}

/** `<name>children</name>` around already-built children, or nothing when there are none. */
export function group(name: string, children: string): string {
  return children === '' ? '' : `<${name}>${children}</${name}>`;
}

/** A container written even when empty (`<Comprador></Comprador>` in an RFCE). */
export function container(name: string, children: string): string {
  return `<${name}>${children}</${name}>`;
}

/** Text cut to DGII's maximum length for the field (the schema refuses longer values). */
export function clip(text: string | null | undefined, max: number): string | undefined {
  if (text === null || text === undefined) return undefined;
  const trimmed = text.trim().replace(/\s+/g, ' ');
  return trimmed === '' ? undefined : [...trimmed].slice(0, max).join('');
}

/** DGII amount: 2 decimals, half-up (Informe Técnico §13), never negative. */
export function amount(value: string, field: string): string {
  let rounded: string;
  try {
    rounded = roundHalfUp(value, 2);
  } catch {
    throw new EcfBuildError(field, `${field}: not an amount: ${value}`);
  }
  if (compareDecimals(rounded, '0') < 0) throw new EcfBuildError(field, `${field}: negative amount ${value}`);
  return rounded;
}

/** Unit prices and exchange rates: 4 decimals (Informe Técnico §13, note 16). */
export function fourDecimals(value: string, field: string): string {
  try {
    return roundHalfUp(value, 4);
  } catch {
    throw new EcfBuildError(field, `${field}: not a decimal: ${value}`);
  }
}

/** Quantities: 2 decimals (`CantidadItem`, 16 integers and 2 decimals). */
export function quantity(value: string, field: string): string {
  try {
    return roundHalfUp(value, 2);
  } catch {
    throw new EcfBuildError(field, `${field}: not a quantity: ${value}`);
  }
}

const isoDate = /^(\d{4})-(\d{2})-(\d{2})$/;

/** `YYYY-MM-DD` -> DGII's `dd-MM-yyyy`. */
export function dgiiDate(value: string, field: string): string {
  const match = isoDate.exec(value.slice(0, 10));
  if (!match) throw new EcfBuildError(field, `${field}: not a date: ${value}`);
  return `${match[3]}-${match[2]}-${match[1]}`;
}

const santoDomingoOffsetMs = -4 * 3_600_000;
const two = (value: number) => String(value).padStart(2, '0');

/**
 * A moment as DGII writes it, `dd-MM-yyyy HH:mm:ss` in Santo Domingo time (GMT-4 all year: the
 * Dominican Republic has no daylight saving time), as `FechaHoraFirma` and the ARECF/ACECF/ANECF
 * timestamps require (Formato e-CF section G).
 */
export function dgiiDateTime(moment: Date): string {
  if (Number.isNaN(moment.getTime())) throw new EcfBuildError('signedAt', 'not a valid moment');
  const local = new Date(moment.getTime() + santoDomingoOffsetMs);
  return (
    `${two(local.getUTCDate())}-${two(local.getUTCMonth() + 1)}-${local.getUTCFullYear()} ` +
    `${two(local.getUTCHours())}:${two(local.getUTCMinutes())}:${two(local.getUTCSeconds())}`
  );
}

const rncPattern = /^(\d{9}|\d{11})$/;

/** RNC (9 digits) or cédula (11), digits only; dashes and spaces people type are dropped. */
export function taxId(value: string | undefined, field: string): string | undefined {
  if (value === undefined) return undefined;
  const digits = value.replace(/[\s.-]/g, '');
  if (digits === '') return undefined;
  if (!rncPattern.test(digits)) throw new EcfBuildError(field, `${field}: an RNC has 9 digits and a cédula 11`);
  return digits;
}
