/**
 * NCF types and the rules that depend only on the type (docs/domain.md). Numbers themselves are
 * allocated in the database (`allocate_document_number`, migration 0004).
 */
import { daysBetween } from './dates';
import { compareDecimals } from './money';

interface NcfTypeInfo {
  /** Spanish name as printed on documents. */
  name: string;
  /** The buyer's RNC/cédula is required on every document of this type. */
  requiresBuyerId: boolean;
  /** What the type is used for in OptiFlow. */
  use: 'invoice' | 'credit_note' | 'debit_note' | 'purchase' | 'other';
}

export const ncfTypes = {
  B01: { name: 'Factura de crédito fiscal', requiresBuyerId: true, use: 'invoice' },
  B02: { name: 'Factura de consumo', requiresBuyerId: false, use: 'invoice' },
  B03: { name: 'Nota de débito', requiresBuyerId: true, use: 'debit_note' },
  B04: { name: 'Nota de crédito', requiresBuyerId: false, use: 'credit_note' },
  B11: { name: 'Comprobante de compras', requiresBuyerId: true, use: 'purchase' },
  B12: { name: 'Registro único de ingresos', requiresBuyerId: false, use: 'other' },
  B13: { name: 'Comprobante para gastos menores', requiresBuyerId: false, use: 'purchase' },
  B14: { name: 'Comprobante para regímenes especiales', requiresBuyerId: true, use: 'invoice' },
  B15: { name: 'Comprobante gubernamental', requiresBuyerId: true, use: 'invoice' },
  B16: { name: 'Comprobante para exportaciones', requiresBuyerId: true, use: 'invoice' },
  B17: { name: 'Comprobante para pagos al exterior', requiresBuyerId: false, use: 'purchase' },
  E31: { name: 'Factura de crédito fiscal electrónica', requiresBuyerId: true, use: 'invoice' },
  E32: { name: 'Factura de consumo electrónica', requiresBuyerId: false, use: 'invoice' },
  E33: { name: 'Nota de débito electrónica', requiresBuyerId: true, use: 'debit_note' },
  E34: { name: 'Nota de crédito electrónica', requiresBuyerId: true, use: 'credit_note' },
  E41: { name: 'Comprobante electrónico de compras', requiresBuyerId: true, use: 'purchase' },
  E43: { name: 'Comprobante electrónico para gastos menores', requiresBuyerId: false, use: 'purchase' },
  E44: { name: 'Comprobante electrónico para regímenes especiales', requiresBuyerId: true, use: 'invoice' },
  E45: { name: 'Comprobante electrónico gubernamental', requiresBuyerId: true, use: 'invoice' },
  E46: { name: 'Comprobante electrónico para exportaciones', requiresBuyerId: true, use: 'invoice' },
  E47: { name: 'Comprobante electrónico para pagos al exterior', requiresBuyerId: false, use: 'purchase' },
} as const satisfies Record<string, NcfTypeInfo>;

export type NcfType = keyof typeof ncfTypes;

/** Series that are not NCF: quotations (`COT`) and payment receipts (`REC`). */
export const internalSeries = { COT: 'Cotizaciones', REC: 'Recibos de pago' } as const;
export type InternalSeries = keyof typeof internalSeries;
export type SequenceType = NcfType | InternalSeries;

export const sequenceTypes = [...Object.keys(ncfTypes), ...Object.keys(internalSeries)] as SequenceType[];
export const invoiceNcfTypes = (Object.keys(ncfTypes) as NcfType[]).filter((type) => ncfTypes[type].use === 'invoice');
export const creditNoteNcfTypes = (Object.keys(ncfTypes) as NcfType[]).filter(
  (type) => ncfTypes[type].use === 'credit_note',
);

export function isNcfType(value: string): value is NcfType {
  return Object.hasOwn(ncfTypes, value);
}

/** E-series (electronic, e-CF) types: 13-character numbers; B-series: 11. */
export function isElectronic(type: string): boolean {
  return type.startsWith('E');
}

/** Digits of the sequential part of a number of this type: 10 for e-NCF, 8 for B-series and the internal series. */
export function numberDigits(type: string): number {
  return isElectronic(type) ? 10 : 8;
}

/** `formatDocumentNumber('B01', 5)` = `B0100000005`; the same formula as the SQL allocator. */
export function formatDocumentNumber(prefix: string, type: string, number: number): string {
  return `${prefix}${String(number).padStart(numberDigits(type), '0')}`;
}

/** Consumer invoices (B02/E32) of RD$250,000 or more must identify the buyer too. */
export const consumerIdThresholdDop = '250000.00';

/** Whether a document of `type` with `totalDop` must carry the buyer's RNC or cédula. */
export function buyerIdRequired(type: NcfType, totalDop: string): boolean {
  if (ncfTypes[type].requiresBuyerId) return true;
  return (type === 'B02' || type === 'E32') && compareDecimals(totalDop, consumerIdThresholdDop) >= 0;
}

/** The credit-note type that may modify an invoice of `type`: an E-series invoice only by an E-series note. */
export function creditNoteTypeFor(type: string): 'B04' | 'E34' {
  return isElectronic(type) ? 'E34' : 'B04';
}

/** DGII 608 reasons for voiding a number. */
export const voidReasons = {
  '01': 'Deterioro de factura preimpresa',
  '02': 'Errores de impresión (factura preimpresa)',
  '03': 'Impresión defectuosa',
  '04': 'Corrección de la información',
  '05': 'Cambio de productos',
  '06': 'Devolución de productos',
  '07': 'Omisión de productos',
  '08': 'Errores en secuencia de NCF',
  '09': 'Por cese de operaciones',
  '10': 'Pérdida o hurto de talonarios',
} as const;
export type VoidReason = keyof typeof voidReasons;

/** e-CF payment forms. */
export const paymentForms = {
  '1': 'Efectivo',
  '2': 'Cheque / transferencia / depósito',
  '3': 'Tarjeta de crédito / débito',
  '4': 'Venta a crédito',
  '5': 'Bonos o certificados de regalo',
  '6': 'Permuta',
  '7': 'Nota de crédito',
  '8': 'Otras formas de pago',
} as const;
export type PaymentForm = keyof typeof paymentForms;

export interface SequenceState {
  docType: string;
  rangeEnd: number;
  nextNumber: number;
  validUntil: string | null;
  active: boolean;
}

export type SequenceWarning = 'expired' | 'expiresSoon' | 'exhausted' | 'lowRemaining';

/** Numbers left in the authorised range. */
export function remainingNumbers(sequence: Pick<SequenceState, 'rangeEnd' | 'nextNumber'>): number {
  return Math.max(0, sequence.rangeEnd - sequence.nextNumber + 1);
}

/**
 * What the UI and API warn about: expired, or expiring within 30 days; exhausted, or fewer than
 * 100 numbers left. `today` is `YYYY-MM-DD` in the shop's time zone.
 */
export function sequenceWarnings(sequence: SequenceState, today: string): SequenceWarning[] {
  const warnings: SequenceWarning[] = [];
  if (sequence.validUntil) {
    const days = daysBetween(today, sequence.validUntil);
    if (days < 0) warnings.push('expired');
    else if (days <= 30) warnings.push('expiresSoon');
  }
  const remaining = remainingNumbers(sequence);
  if (remaining === 0) warnings.push('exhausted');
  else if (remaining < 100) warnings.push('lowRemaining');
  return warnings;
}
