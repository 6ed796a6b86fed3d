import type { PrintStamp } from '../../documents/model';
import { type DgiiEnvironment, qrUrl, rfceQrUrl } from '../../ecf/timbre';
import { dgiiDate, dgiiDateTime } from '../../ecf/xml';
import { type MessageKey, t } from '../../i18n/es-DO';
import type { InvoiceEcf, Party } from '../../queries/invoices';

/** What the stamp is made of: the document's e-CF (read with it), its issue date and its buyer. */
export interface StampSource {
  ecf: InvoiceEcf | null;
  issuedOn: string | null;
  buyer: Pick<Party, 'idType' | 'idNumber'>;
}

/** Types whose e-CF has no buyer RNC (43: no Comprador; 47: a foreign payee). */
const withoutBuyerRnc: ReadonlySet<string> = new Set(['43', '47']);

/**
 * DGII's legend for a printed e-CF that DGII has not received yet ("Modelos ilustrativos de
 * representación impresa"): 3.1 envío diferido (signed, on its way) and 4.1 contingencia (DGII
 * could not be reached). None once DGII has it.
 */
const pendingLegends: Partial<Record<InvoiceEcf['state'], MessageKey>> = {
  pending: 'documents.ecf.legendDeferred',
  sending: 'documents.ecf.legendDeferred',
  contingency: 'documents.ecf.legendContingency',
};

const digitsOf = (value: string) => value.replace(/\D/g, '');

/**
 * The printed stamp of a document's e-CF, from its e-CF row and the document as issued (no read of
 * the signed XML): DGII's `consultatimbre` URL, or `consultatimbrefc` for a consumer invoice
 * summarised in an RFCE, with the values the builders wrote into the signed XML (issuer and buyer
 * RNC, e-NCF, issue date, DOP total, signature time in Santo Domingo, security code). Null for a
 * document without an e-CF (B-series, or a shop not yet issuing electronically).
 */
export function ecfPrintStamp(doc: StampSource): PrintStamp | null {
  const { ecf } = doc;
  if (!ecf?.issuerRnc || !doc.issuedOn) return null;
  const environment = ecf.environment as DgiiEnvironment;
  const rncEmisor = digitsOf(ecf.issuerRnc);
  const buyerRnc =
    !withoutBuyerRnc.has(ecf.ecfType) &&
    (doc.buyer.idType === 'rnc' || doc.buyer.idType === 'cedula') &&
    doc.buyer.idNumber
      ? digitsOf(doc.buyer.idNumber)
      : null;
  const signedAt = dgiiDateTime(new Date(ecf.signedAt));
  const url =
    ecf.channel === 'rfce'
      ? rfceQrUrl({
          environment,
          rncEmisor,
          encf: ecf.encf,
          montoTotal: ecf.totalDop,
          codigoSeguridad: ecf.securityCode,
        })
      : qrUrl({
          environment,
          rncEmisor,
          rncComprador: buyerRnc,
          encf: ecf.encf,
          fechaEmision: dgiiDate(doc.issuedOn, 'issuedOn'),
          montoTotal: ecf.totalDop,
          fechaFirma: signedAt,
          codigoSeguridad: ecf.securityCode,
        });
  const legend = pendingLegends[ecf.state];
  return { qrUrl: url, securityCode: ecf.securityCode, signedAt, legend: legend ? t(legend) : null };
}
