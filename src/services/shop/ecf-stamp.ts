import type { PrintStamp } from '../../documents/model';
import { type DgiiEnvironment, qrUrl, rfceQrUrl, stampOfSignedEcf } from '../../ecf/timbre';
import { findEcfByInvoice } from '../../queries/ecf';
import type { ShopContext } from './context';

/**
 * The printed stamp of a document's e-CF, read from the XML as it was signed (so the QR carries
 * exactly the signed values): DGII's `consultatimbre` URL, or `consultatimbrefc` for a consumer
 * invoice summarised in an RFCE, the security code and the signature time. Null for a document
 * without an e-CF (B-series, or a shop not yet issuing electronically).
 */
export async function ecfPrintStamp(
  ctx: Pick<ShopContext, 'db' | 'files'>,
  invoiceId: string,
): Promise<PrintStamp | null> {
  const row = await findEcfByInvoice(ctx.db, invoiceId);
  if (!row) return null;
  const object = await ctx.files.get(row.signedXmlKey);
  if (!object) return null;
  const stamp = stampOfSignedEcf(await object.text(), row.environment as DgiiEnvironment);
  const url =
    row.channel === 'rfce'
      ? rfceQrUrl({
          environment: stamp.environment,
          rncEmisor: stamp.rncEmisor,
          encf: stamp.encf,
          montoTotal: stamp.montoTotal,
          codigoSeguridad: stamp.codigoSeguridad,
        })
      : qrUrl(stamp);
  return { qrUrl: url, securityCode: stamp.codigoSeguridad, signedAt: stamp.fechaFirma };
}
