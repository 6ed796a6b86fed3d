/**
 * Dominican taxpayer identifications: RNC (9 digits, weighted mod-11 check digit) and cédula
 * (11 digits, Luhn check digit). Numbers present in the DGII registry are valid even when their
 * check digit fails (some were issued that way): callers pass `inRegistry` for that case.
 */

export type TaxIdKind = 'rnc' | 'cedula';

const rncWeights = [7, 9, 8, 6, 5, 4, 3, 2] as const;

/** Keeps the digits only: `1-01-85004-3` -> `101850043`. */
export function compactTaxId(value: string): string {
  return value.replace(/[\s.-]/g, '');
}

export function rncCheckDigit(first8: string): number {
  const sum = rncWeights.reduce((total, weight, index) => total + weight * Number(first8[index]), 0);
  return ((10 - (sum % 11)) % 9) + 1;
}

export function isValidRnc(value: string): boolean {
  const digits = compactTaxId(value);
  return /^\d{9}$/.test(digits) && rncCheckDigit(digits.slice(0, 8)) === Number(digits[8]);
}

export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let digit = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

export function isValidCedula(value: string): boolean {
  const digits = compactTaxId(value);
  return /^\d{11}$/.test(digits) && luhnValid(digits);
}

/** `101850043` -> `1-01-85004-3`; `00113918205` -> `001-1391820-5`. */
export function formatTaxId(value: string): string {
  const digits = compactTaxId(value);
  if (/^\d{9}$/.test(digits)) return `${digits[0]}-${digits.slice(1, 3)}-${digits.slice(3, 8)}-${digits[8]}`;
  if (/^\d{11}$/.test(digits)) return `${digits.slice(0, 3)}-${digits.slice(3, 10)}-${digits[10]}`;
  return value;
}

export type TaxIdCheck = { ok: true; kind: TaxIdKind; digits: string } | { ok: false; reason: 'format' | 'checksum' };

/** Validates an RNC or cédula of the given kind; a registry hit overrides a failed checksum. */
export function checkTaxId(kind: TaxIdKind, value: string, inRegistry = false): TaxIdCheck {
  const digits = compactTaxId(value);
  const length = kind === 'rnc' ? 9 : 11;
  if (!new RegExp(`^\\d{${length}}$`).test(digits)) return { ok: false, reason: 'format' };
  const valid = kind === 'rnc' ? isValidRnc(digits) : isValidCedula(digits);
  return valid || inRegistry ? { ok: true, kind, digits } : { ok: false, reason: 'checksum' };
}

/** How an identification is shown on screens and documents: RNC and cédula with their dashes, a passport as written. */
export function formatIdentification(idType: string | null | undefined, idNumber: string | null | undefined): string {
  if (!idNumber) return '';
  return idType === 'pasaporte' ? idNumber : formatTaxId(idNumber);
}
