/**
 * The input of the e-CF XML builders (src/ecf/xml): one electronic fiscal document as DGII's
 * "Formato Comprobante Fiscal Electrónico (e-CF) v1.0" sees it, with every amount already computed
 * (decimal strings, never floats). src/ecf/from-invoice.ts fills it from an issued OptiFlow
 * document; the builders only check it adds up and write it in DGII's order. docs/ecf.md says what
 * goes where and why.
 */

/** DGII's e-CF types (Formato e-CF §1, XSD `TipoeCFType`). */
export const ecfTypes = ['31', '32', '33', '34', '41', '43', '44', '45', '46', '47'] as const;
export type EcfType = (typeof ecfTypes)[number];

export function isEcfType(value: string): value is EcfType {
  return (ecfTypes as readonly string[]).includes(value);
}

/**
 * `IndicadorFacturacion` of a line: 1 = ITBIS tasa 1 (18%), 2 = tasa 2 (16%), 3 = tasa 3 (0%),
 * 4 = exento. (0 = no facturable is not used by OptiFlow.)
 */
export type BillingIndicator = 1 | 2 | 3 | 4;
export type TaxedIndicator = 1 | 2 | 3;

/** The ITBIS rate (whole percent) DGII ties to each taxed indicator (Formato e-CF fields 97-99). */
export const itbisRateOf: Record<TaxedIndicator, number> = { 1: 18, 2: 16, 3: 0 };

/** `TipoIngresos`: 01 operaciones, 02 financieros, 03 extraordinarios, 04 arrendamientos, 05 venta de activo depreciable, 06 otros. */
export type IncomeType = '01' | '02' | '03' | '04' | '05' | '06';
/** `TipoPago`: 1 contado, 2 crédito, 3 gratuito. */
export type PaymentType = 1 | 2 | 3;
/** `FormaPago` (the same codes as `paymentForms` in src/domain/ncf.ts). */
export type PaymentFormCode = '1' | '2' | '3' | '4' | '5' | '6' | '7' | '8';
/** `CodigoModificacion`: 1 anula, 2 corrige texto, 3 corrige montos, 4 reemplaza NCF de contingencia, 5 referencia factura de consumo. */
export type ModificationCode = 1 | 2 | 3 | 4 | 5;
/** Currencies of DGII's Tabla II (XSD `TipoMonedaType`). */
export const ecfCurrencies = [
  'BRL',
  'CAD',
  'CHF',
  'CHY',
  'XDR',
  'DKK',
  'EUR',
  'GBP',
  'JPY',
  'NOK',
  'SCP',
  'SEK',
  'USD',
  'VEF',
  'HTG',
  'MXN',
  'COP',
] as const;
export type EcfCurrency = (typeof ecfCurrencies)[number];

export interface EcfIssuer {
  /** RNC (9 digits) or cédula (11 digits), digits only. */
  rnc: string;
  legalName: string;
  tradeName?: string;
  /** `Sucursal`: up to 20 characters. */
  branch?: string;
  address: string;
  /** Up to 3, each `xxx-xxx-xxxx`. */
  phones?: string[];
  email?: string;
  website?: string;
  /** `NumeroFacturaInterna`: the shop's own reference, up to 20 characters. */
  internalNumber?: string;
}

/**
 * The `Comprador` area. In an e-CF 41 (Compras) it carries the seller the shop buys from (a person
 * not registered as a taxpayer), since the shop itself is the issuer; in a 47 the foreign payee.
 */
export interface EcfBuyer {
  /** RNC or cédula, digits only. */
  rnc?: string;
  /** `IdentificadorExtranjero` (passport or foreign tax id) when there is no RNC/cédula. */
  foreignId?: string;
  name?: string;
  email?: string;
  address?: string;
}

export interface EcfLineRetention {
  /** `IndicadorAgenteRetencionoPercepcion`: 1 retención, 2 percepción. */
  agent: 1 | 2;
  itbisWithheld?: string;
  isrWithheld?: string;
}

/** The figures of a line in the document's own (non-DOP) currency: `OtraMonedaDetalle`. */
export interface EcfLineForeign {
  unitPrice: string;
  discount: string;
  amount: string;
}

export interface EcfLine {
  /** `NombreItem`, up to 80 characters. */
  name: string;
  /** `DescripcionItem`, up to 1000 characters. */
  description?: string;
  /** `IndicadorBienoServicio`. */
  kind: 'good' | 'service';
  billing: BillingIndicator;
  /** Up to 2 decimals, > 0. */
  quantity: string;
  /** DOP, up to 4 decimals. */
  unitPrice: string;
  /** DOP, 2 decimals (0 when none). */
  discount: string;
  /** DOP, `MontoItem` = quantity x unit price - discount (DGII tolerates +-1 per line). */
  amount: string;
  foreign?: EcfLineForeign;
  retention?: EcfLineRetention;
}

export interface EcfRateTotal {
  indicator: TaxedIndicator;
  /** Taxable base of the rate (`MontoGravadoI<n>`). */
  taxable: string;
  /** ITBIS of the rate (`TotalITBIS<n>`). */
  itbis: string;
}

/** The `Totales` figures (DOP) or the `OtraMoneda` ones (the document's currency). */
export interface EcfAmounts {
  /** Taxed rates present on the document, any order (the builder writes 1, 2, 3). */
  rates: EcfRateTotal[];
  exempt: string;
  itbis: string;
  total: string;
}

export interface EcfTotals extends EcfAmounts {
  itbisWithheld?: string;
  isrWithheld?: string;
}

export interface EcfForeignCurrency {
  code: EcfCurrency;
  /** DOP per unit, up to 4 decimals. */
  exchangeRate: string;
  totals: EcfAmounts;
}

export interface EcfReference {
  /** `NCFModificado`: the NCF or e-NCF modified. */
  ncf: string;
  /** `FechaNCFModificado`, `YYYY-MM-DD`. */
  issuedOn: string;
  code: ModificationCode;
  /** `RazonModificacion`, up to 90 characters (33 and 34 only). */
  reason?: string;
  /** `RNCOtroContribuyente`. */
  otherRnc?: string;
}

export interface EcfPaymentForm {
  form: PaymentFormCode;
  amount: string;
}

export interface EcfDocument {
  type: EcfType;
  /** 13 characters, `E<type><10 digits>`. */
  encf: string;
  /** `FechaVencimientoSecuencia`, `YYYY-MM-DD`; not carried by 32 and 34. */
  sequenceExpiresOn?: string;
  /** `FechaEmision`, `YYYY-MM-DD`. */
  issuedOn: string;
  /** 34 only: the note is issued more than 30 days after the modified e-CF (`IndicadorNotaCredito` = 1). */
  creditNoteAfter30Days?: boolean;
  incomeType: IncomeType;
  paymentType: PaymentType;
  /** `FechaLimitePago` for credit sales, `YYYY-MM-DD`. */
  paymentDueOn?: string;
  /** `TerminoPago`, free text up to 15 characters (`30 dias`). */
  paymentTerm?: string;
  paymentForms?: EcfPaymentForm[];
  issuer: EcfIssuer;
  buyer?: EcfBuyer;
  lines: EcfLine[];
  /** DOP. */
  totals: EcfTotals;
  /** Present exactly when the document is not in DOP. */
  foreignCurrency?: EcfForeignCurrency;
  reference?: EcfReference;
}

/** A document the builders cannot write as DGII requires: `field` names the offending input. */
export class EcfBuildError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'EcfBuildError';
  }
}
