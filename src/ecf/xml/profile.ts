/**
 * What each e-CF type's schema admits, as far as OptiFlow writes it. Read from DGII's XSDs
 * (data/dgii/xsd, the authority on order and presence) and the Formato e-CF v1.0 tables (which
 * fields are conditional on what). Each type family (sales.ts, notes.ts, special.ts, purchases.ts)
 * declares its profiles; ecf.ts writes any document through its type's profile.
 */
import type { BillingIndicator, EcfType } from '../model';

export interface EcfProfile {
  type: EcfType;
  /** `FechaVencimientoSecuencia` (all but 32 and 34). */
  sequenceExpiry: boolean;
  /** `IndicadorNotaCredito` in its place (34). */
  creditNoteIndicator: boolean;
  /** `IndicadorMontoGravado` exists in the schema. */
  grossIndicator: boolean;
  /** `TipoIngresos` exists in the schema (not 41, 43, 47). */
  incomeType: boolean;
  /** `FechaLimitePago` exists (all but 43). */
  paymentDueDate: boolean;
  /** `TerminoPago` and `TablaFormasPago` exist (not 34, 43). */
  paymentForms: boolean;
  /**
   * The `Comprador` area: `none` (43), `payee` (47: foreign id and name only), `optional`
   * (32, 33, 34: conditional), `identified` (an RNC/cédula or a foreign id, and a name: 44, 46),
   * `required` (RNC/cédula and name: 31, 41, 45).
   */
  buyer: 'none' | 'payee' | 'optional' | 'identified' | 'required';
  /** The `Comprador` area is mandatory even with nothing in it (32: an anonymous consumer). */
  emptyBuyerArea: boolean;
  /** `CorreoComprador` / `DireccionComprador` exist. */
  buyerContact: boolean;
  /** Line billing indicators the type admits (Formato e-CF notes 50, 51). */
  indicators: readonly BillingIndicator[];
  /** `Retencion` on lines: not in the schema, optional, or required (41, 47). */
  retention: 'none' | 'optional' | 'required';
  /** `MontoITBISRetenido` / `TotalITBISRetenido` exist. */
  itbisRetention: boolean;
  /** `DescuentoMonto` on lines exists (not 43, 47). */
  lineDiscount: boolean;
  /** `InformacionReferencia` required (33, 34) and with `RazonModificacion`. */
  referenceRequired: boolean;
}

export const allIndicators: readonly BillingIndicator[] = [1, 2, 3, 4];

const base = {
  sequenceExpiry: true,
  creditNoteIndicator: false,
  grossIndicator: true,
  incomeType: true,
  paymentDueDate: true,
  paymentForms: true,
  emptyBuyerArea: false,
  buyerContact: true,
  indicators: allIndicators,
  retention: 'none',
  itbisRetention: false,
  lineDiscount: true,
  referenceRequired: false,
} as const satisfies Partial<EcfProfile>;

/** A profile from the common case plus what the type changes. */
export function profile(type: EcfType, changes: Omit<Partial<EcfProfile>, 'type'> & Pick<EcfProfile, 'buyer'>) {
  return { ...base, ...changes, type } satisfies EcfProfile;
}
