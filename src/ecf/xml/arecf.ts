/**
 * ARECF (acuse de recibo): a receiver's answer to an e-CF it was sent, received or not and why
 * ("Formato Acuse de Recibo v1.0"; XSD ARECF v1.0).
 */
import { EcfBuildError } from '../model';
import { dgiiDateTime, el, group, taxId, xmlDeclaration } from './writer';

/** `CodigoMotivoNoRecibido`: 1 error de especificación, 2 error de firma digital, 3 envío duplicado, 4 RNC comprador no corresponde. */
export type NotReceivedReason = 1 | 2 | 3 | 4;

export interface ArecfInput {
  /** The e-CF's issuer (`RNCEmisor`). */
  issuerRnc: string;
  /** The receiver answering (`RNCComprador`). */
  buyerRnc: string;
  encf: string;
  /** Received (`Estado` 0), or not received (1) for `reason`. */
  notReceived?: NotReceivedReason;
  /** `FechaHoraAcuseRecibo`. */
  at: Date;
}

export function buildArecfXml(input: ArecfInput): string {
  if (!/^[A-Za-z0-9]{9}$|^[A-Za-z0-9]{11}$|^[A-Za-z0-9]{13}$/.test(input.encf))
    throw new EcfBuildError('encf', 'an e-NCF has 13 characters');
  return (
    xmlDeclaration +
    '<ARECF>' +
    group(
      'DetalleAcusedeRecibo',
      el('Version', '1.0') +
        el('RNCEmisor', taxId(input.issuerRnc, 'issuerRnc')) +
        el('RNCComprador', taxId(input.buyerRnc, 'buyerRnc')) +
        el('eNCF', input.encf) +
        el('Estado', input.notReceived ? 1 : 0) +
        el('CodigoMotivoNoRecibido', input.notReceived) +
        el('FechaHoraAcuseRecibo', dgiiDateTime(input.at)),
    ) +
    '</ARECF>'
  );
}
