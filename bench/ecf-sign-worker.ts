/**
 * The Worker `npm run bench` runs in workerd (through wrangler's unstable_startWorker) to measure
 * building and signing e-CF: `?n=` documents of `?type=` 31 (an e-CF) or 32 (an e-CF and its RFCE
 * summary, two signatures), with the production code (invoiceToEcf, buildEcfXml, signXml). The
 * certificate is made in the same request, so `n=0` measures everything but the documents.
 */
import { invoiceToEcf } from '../src/ecf/from-invoice';
import { signXml } from '../src/ecf/sign';
import { securityCode } from '../src/ecf/timbre';
import { buildEcfXml, buildRfceXml } from '../src/ecf/xml';
import { buyerCedula, consumer32, invoice31, issuerRnc } from '../test/support/ecf-fixtures';
import { selfSignedCredentials } from '../test/support/worker/ecf-certificate';

export default {
  async fetch(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const n = Number(url.searchParams.get('n') ?? '1');
    const type = url.searchParams.get('type') === '32' ? '32' : '31';
    const credentials = await selfSignedCredentials(issuerRnc, buyerCedula);
    let bytes = 0;
    for (let i = 0; i < n; i++) {
      const ecf = invoiceToEcf(type === '32' ? consumer32 : invoice31);
      const signed = await signXml(buildEcfXml(ecf, new Date()), credentials);
      bytes += signed.length;
      if (type === '32') bytes += (await signXml(buildRfceXml(ecf, securityCode(signed)), credentials)).length;
    }
    return Response.json({ n, type, bytes });
  },
};
