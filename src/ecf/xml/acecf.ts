/**
 * ACECF (aprobación comercial): the buyer accepts or rejects a received e-CF, echoing its issuer,
 * e-NCF, issue date and total ("Formato Aprobación Comercial v1.0"; XSD ACECF v1.0).
 */
import { EcfBuildError } from '../model';
import { amount, clip, dgiiDate, dgiiDateTime, el, group, taxId, xmlDeclaration } from './writer';

export interface AcecfInput {
  /** The e-CF's issuer (`RNCEmisor`). */
  issuerRnc: string;
  encf: string;
  /** The e-CF's `FechaEmision`, `YYYY-MM-DD`. */
  issuedOn: string;
  /** The e-CF's `MontoTotal`. */
  total: string;
  /** The buyer approving (`RNCComprador`). */
  buyerRnc: string;
  /** Accepted (`Estado` 1) or rejected (2) with a reason (`DetalleMotivoRechazo`, up to 250 characters). */
  rejection?: string;
  /** `FechaHoraAprobacionComercial`. */
  at: Date;
}

export function buildAcecfXml(input: AcecfInput): string {
  if (!/^[A-Za-z0-9]{13}$|^[A-Za-z0-9]{11}$/.test(input.encf))
    throw new EcfBuildError('encf', 'an e-NCF has 13 characters');
  const rejection = input.rejection === undefined ? undefined : clip(input.rejection, 250);
  if (input.rejection !== undefined && !rejection)
    throw new EcfBuildError('rejection', 'a commercial rejection states its reason');
  return (
    xmlDeclaration +
    '<ACECF>' +
    group(
      'DetalleAprobacionComercial',
      el('Version', '1.0') +
        el('RNCEmisor', taxId(input.issuerRnc, 'issuerRnc')) +
        el('eNCF', input.encf) +
        el('FechaEmision', dgiiDate(input.issuedOn, 'issuedOn')) +
        el('MontoTotal', amount(input.total, 'total')) +
        el('RNCComprador', taxId(input.buyerRnc, 'buyerRnc')) +
        el('Estado', rejection ? 2 : 1) +
        el('DetalleMotivoRechazo', rejection) +
        el('FechaHoraAprobacionComercial', dgiiDateTime(input.at)),
    ) +
    '</ACECF>'
  );
}
