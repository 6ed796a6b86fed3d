/// <reference path="./jsbarcode.d.ts" />
import { EAN13 } from 'jsbarcode/bin/barcodes/EAN_UPC/index.js';
import { CODE128 } from 'jsbarcode/bin/barcodes/CODE128/index.js';
/**
 * Product barcodes: what a scanner types (EAN-13, UPC-A, EAN-8 or the shop's own Code 128 text),
 * the GS1 check digit of the numeric ones, and the shop's internal codes (EAN-13 in the in-store
 * prefix 20-29, which GS1 leaves to each shop and never assigns to a manufacturer).
 */

/** Trimmed, spaces dropped, letters upper-case: how a code is stored and looked up. */
export function normaliseBarcode(raw: string): string {
  return raw.replace(/\s+/g, '').toUpperCase();
}

/** The GS1 check digit of the digits before it (weights 3, 1, 3, ... from the right). */
export function gs1CheckDigit(body: string): number {
  let sum = 0;
  for (let index = 0; index < body.length; index += 1) {
    const digit = body.charCodeAt(body.length - 1 - index) - 48;
    sum += digit * (index % 2 === 0 ? 3 : 1);
  }
  return (10 - (sum % 10)) % 10;
}

export type BarcodeIssue = 'empty' | 'tooLong' | 'characters' | 'checkDigit';

/**
 * Why a code cannot be a barcode, or null: printable ASCII (Code 128), at most 48 characters, and
 * a 8-, 12- or 13-digit code must carry a right GS1 check digit (EAN-8, UPC-A, EAN-13).
 */
export function barcodeIssue(code: string): BarcodeIssue | null {
  if (!code) return 'empty';
  if (code.length > 48) return 'tooLong';
  if (!/^[\x21-\x7e]+$/.test(code)) return 'characters';
  if (/^\d+$/.test(code) && (code.length === 8 || code.length === 12 || code.length === 13)) {
    if (gs1CheckDigit(code.slice(0, -1)) !== Number(code.at(-1))) return 'checkDigit';
  }
  return null;
}

/** The symbology a label prints a code in: EAN-13 for a valid 13-digit code, Code 128 for the rest. */
export function barcodeSymbology(code: string): 'ean13' | 'code128' {
  return /^\d{13}$/.test(code) && barcodeIssue(code) === null ? 'ean13' : 'code128';
}

/** Code 128 carries printable ASCII only: a code outside it (an accented SKU) gets no bars. */
const code128Text = /^[\x20-\x7e]{1,48}$/;

/**
 * A label's barcode as modules (`1` a dark module, `0` a light one), encoded by JsBarcode: EAN-13 for
 * a valid 13-digit code, Code 128 for any other code. Null when the code cannot be drawn.
 */
export function barcodeModules(code: string): { symbology: 'ean13' | 'code128'; modules: string } | null {
  const symbology = barcodeSymbology(code);
  if (symbology === 'ean13') {
    const encoder = new EAN13(code, {});
    return encoder.valid()
      ? {
          symbology,
          modules: encoder
            .encode()
            .map((part) => part.data)
            .join(''),
        }
      : null;
  }
  if (!code128Text.test(code)) return null;
  const encoder = new CODE128(code, {});
  return encoder.valid() ? { symbology, modules: encoder.encode().data } : null;
}

/** An internal EAN-13: `20` + ten digits + check digit; `random` gives the ten digits (tests pass their own). */
export function internalBarcode(random: () => string = randomDigits): string {
  const body = `20${random().padStart(10, '0').slice(-10)}`;
  return `${body}${gs1CheckDigit(body)}`;
}

function randomDigits(): string {
  const bytes = crypto.getRandomValues(new Uint32Array(2));
  return `${bytes[0]! % 100_000}`.padStart(5, '0') + `${bytes[1]! % 100_000}`.padStart(5, '0');
}
