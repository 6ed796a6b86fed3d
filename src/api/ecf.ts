import { z } from '@hono/zod-openapi';
import type { ecfOut } from '../schemas/ecf';
import { ecfPrintStamp, type StampSource } from '../services/shop/ecf-stamp';

/** The `ecf` of an invoice or credit note in the API, from the e-CF the document query read with it. */
export function ecfJson(doc: StampSource): z.infer<typeof ecfOut> | null {
  const { ecf } = doc;
  if (!ecf) return null;
  return {
    status: ecf.state,
    dgiiStatus: ecf.dgiiStatus,
    trackId: ecf.trackId,
    encf: ecf.encf,
    ecfType: ecf.ecfType,
    securityCode: ecf.securityCode,
    signedAt: ecf.signedAt,
    environment: ecf.environment as z.infer<typeof ecfOut>['environment'],
    channel: ecf.channel,
    qrUrl: ecfPrintStamp(doc)?.qrUrl ?? null,
    messages: ecf.messages,
    sequenceUsed: ecf.sequenceUsed,
    lastError: ecf.lastError,
    sentAt: ecf.sentAt,
    finishedAt: ecf.finishedAt,
    buyerApproval: ecf.buyerApproval
      ? { status: ecf.buyerApproval, reason: ecf.buyerApprovalReason, at: ecf.buyerApprovalAt }
      : null,
    delivery: ecf.deliveryState
      ? { status: ecf.deliveryState, deliveredAt: ecf.deliveredAt, error: ecf.deliveryError }
      : null,
  };
}

/** The 200 answer of an `ecf.xml` route in the OpenAPI document. */
export const signedXmlResponse = {
  description: 'The signed e-CF XML as it was sent to DGII (named after the issuer RNC and e-NCF)',
  content: { 'application/xml': { schema: z.string() } },
};

/** The signed XML as a download named after the e-NCF. */
export function xmlResponse(signed: { encf: string; xml: string }): Response {
  return new Response(signed.xml, {
    headers: {
      'Content-Type': 'application/xml; charset=utf-8',
      'Content-Disposition': `attachment; filename="${signed.encf}.xml"`,
      'Cache-Control': 'private, no-store',
    },
  });
}
