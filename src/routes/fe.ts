/**
 * DGII's receiver endpoints on every shop host (Descripción técnica v1.6, comunicación
 * emisor-receptor): machine endpoints with no session and no CSRF check, authenticated by the seed
 * protocol. Each parses the multipart `xml` upload (with a byte cap) and calls one service.
 */
import type { Context } from 'hono';
import { getPath } from 'hono/utils/url';
import type { AppEnv } from '../http/env';
import { factory } from '../http/factory';
import { clientAddress } from '../http/forms';
import { parseFormBytes, readLimitedBody } from '../http/limited-body';
import { publicRoute } from '../http/session';
import { AppError } from '../errors';
import { t } from '../i18n/es-DO';
import {
  issueReceiverSeed,
  type ReceiverContext,
  receiveCommercialApproval,
  receiveEcf,
  receiverLimits,
  validateReceiverSeed,
} from '../services/shop/ecf-reception';

export const feRoutes = factory.createApp();

/** DGII wants the receiver services case-insensitive: `/FE/Recepcion/api/ECF` is `/fe/recepcion/api/ecf`. */
export function receiverPath(request: Request): string {
  const path = getPath(request);
  return /^\/fe\//i.test(path) ? path.toLowerCase() : path;
}

/** The paths whose multipart bodies this module reads itself (the input guard leaves them alone). */
export const fePostPaths = [
  '/fe/autenticacion/api/validacioncertificado',
  '/fe/recepcion/api/ecf',
  '/fe/aprobacioncomercial/api/ecf',
] as const;

const xmlType = 'application/xml; charset=utf-8';

feRoutes.get('/fe/autenticacion/api/semilla', publicRoute, async (c) =>
  c.body(await issueReceiverSeed(receiverContext(c)), 200, { 'Content-Type': xmlType, 'Cache-Control': 'no-store' }),
);

feRoutes.post('/fe/autenticacion/api/validacioncertificado', publicRoute, async (c) => {
  const xml = await uploadedXml(c, receiverLimits.smallDocumentBytes);
  return c.json(await validateReceiverSeed(receiverContext(c), { xml, address: clientAddress(c.req) }));
});

feRoutes.post('/fe/recepcion/api/ecf', publicRoute, async (c) => {
  const xml = await uploadedXml(c, receiverLimits.ecfBytes);
  const answer = await receiveEcf(receiverContext(c), { xml, bearer: bearerToken(c) });
  return c.body(answer.arecfXml, 200, { 'Content-Type': xmlType });
});

feRoutes.post('/fe/aprobacioncomercial/api/ecf', publicRoute, async (c) => {
  const xml = await uploadedXml(c, receiverLimits.smallDocumentBytes);
  const recorded = await receiveCommercialApproval(receiverContext(c), { xml, bearer: bearerToken(c) });
  return c.json({ mensaje: t('ecfReception.approvalRecorded'), ...recorded });
});

function receiverContext(c: Context<AppEnv>): ReceiverContext {
  return { db: c.var.db, tenant: c.var.tenant, files: c.var.files, env: c.env };
}

function bearerToken(c: Context<AppEnv>): string | null {
  return /^bearer\s+(\S+)$/i.exec(c.req.header('authorization') ?? '')?.[1] ?? null;
}

/** The `xml` part of a multipart upload (a file or a field), read with a byte cap. */
async function uploadedXml(c: Context<AppEnv>, maxBytes: number): Promise<string> {
  // Other content types were already read by the input guard; only multipart is left to us.
  if (!(c.req.header('content-type') ?? '').toLowerCase().startsWith('multipart/form-data')) {
    throw new AppError('bad_request', t('ecfReception.noXml'));
  }
  const body = await readLimitedBody(c.req.raw, maxBytes);
  if (!body.ok) throw new AppError('bad_request', t('ecfReception.tooLarge', { max: Math.floor(maxBytes / 1024) }));
  const form = await parseFormBytes(body.bytes, c.req.header('content-type') ?? '');
  const part = form?.get('xml');
  const xml = typeof part === 'string' ? part : part ? await part.text() : '';
  if (!xml.trim()) throw new AppError('bad_request', t('ecfReception.noXml'));
  return xml;
}
