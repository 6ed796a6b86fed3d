/**
 * The shop as an electronic receiver (issue 11 item 8): the four endpoints DGII's "Descripción
 * técnica" v1.6 has every receiver expose on its own host, called by other taxpayers' systems with
 * no session. Senders authenticate with the seed protocol; e-CF addressed to this shop land in
 * received_ecf (the inbox) and are answered with an ARECF signed with the shop's certificate;
 * ACECF about the shop's own e-CF record the buyer's commercial answer on ecf_documents.
 */
import { sha256Hex } from '../../auth/crypto';
import type { CertificateInfo } from '../../ecf/certificate';
import { type NotReceivedReason, buildArecfXml } from '../../ecf/xml';
import {
  checkSeed,
  issueReceiverToken,
  issueSeed,
  type ReceiverToken,
  type ReceiverTokenClaims,
  receiverKey,
  verifyReceiverToken,
} from '../../ecf/reception/auth';
import { peekEcfIds, readAcecf, readReceivedEcf, readSeedValue, seedModelXml } from '../../ecf/reception/documents';
import { signXml } from '../../ecf/sign';
import { securityCode } from '../../ecf/timbre';
import { verifySignedXml } from '../../ecf/verify';
import { AppError } from '../../errors';
import { t } from '../../i18n/es-DO';
import {
  claimReceiverSeed,
  countReceiverRequest,
  findIssuedEcfByEncf,
  insertReceivedEcf,
  recordBuyerApproval,
  setReceivedArecfKey,
} from '../../queries/ecf-inbox';
import { getCompanyTaxId, getEcfSettingsSummary } from '../../queries/ecf-settings';
import type { ShopContext } from './context';
import { loadSigningCredentials } from './ecf-settings';

/** What the receiver endpoints run with: the shop's own database, files and bindings, and nobody signed in. */
export type ReceiverContext = Pick<ShopContext, 'db' | 'tenant' | 'files' | 'env'>;

export const receiverLimits = {
  /** A signed seed or an ACECF is a few KB (most of it the certificate). */
  smallDocumentBytes: 64 * 1024,
  /** An e-CF of a thousand lines stays well under this. */
  ecfBytes: 2 * 1024 * 1024,
  /** Seed validations per minute from one address. */
  validationsPerMinute: 30,
  /** e-CF and ACECF per minute from one sender (certificate RNC/cédula). */
  documentsPerMinute: 120,
} as const;

export interface ReceptionAnswer {
  received: boolean;
  reason?: NotReceivedReason;
  /** The signed ARECF, DGII's answer to `recepcion` in both cases. */
  arecfXml: string;
  /** The inbox row, when the e-CF was received. */
  id?: string;
}

/** `GET /fe/autenticacion/api/semilla`: DGII's SemillaModel with a fresh single-use seed. */
export async function issueReceiverSeed(ctx: ReceiverContext, now = new Date()): Promise<string> {
  await ensureReceiver(ctx);
  const valor = await issueSeed(await receiverKey(ctx.env.ENCRYPTION_KEY), ctx.tenant.id, now.getTime());
  return seedModelXml(valor, now);
}

/**
 * `POST /fe/autenticacion/api/validacioncertificado`: the seed signed by the sender. The signature
 * must verify, the seed must be this shop's, unexpired and never exchanged before (the claim in
 * the database lets exactly one of any number of simultaneous exchanges through).
 */
export async function validateReceiverSeed(
  ctx: ReceiverContext,
  input: { xml: string; address: string },
): Promise<ReceiverToken> {
  await ensureReceiver(ctx);
  await limitRate(ctx, `address:${input.address}`, receiverLimits.validationsPerMinute);
  const verified = await verifySignedXml(input.xml);
  if (!verified.valid || !verified.signedContent || !verified.certificate) {
    throw badRequest(verified.reason === 'malformed_xml' ? 'ecfReception.notSeed' : 'ecfReception.badSignature');
  }
  const seed = readSeedValue(verified.signedContent);
  if (!seed) throw badRequest('ecfReception.notSeed');
  const sender = verified.certificate.taxId;
  if (!sender) throw badRequest('ecfReception.noTaxId');
  if (!validAt(verified.certificate, new Date())) throw badRequest('ecfReception.certificateExpired');
  const key = await receiverKey(ctx.env.ENCRYPTION_KEY);
  if ((await checkSeed(key, ctx.tenant.id, seed)) !== 'ok') throw badRequest('ecfReception.seedInvalid');
  if (!(await claimReceiverSeed(ctx.db, await sha256Hex(seed)))) throw badRequest('ecfReception.seedUsed');
  const { issuer, serialNumber } = verified.certificate;
  return issueReceiverToken(key, {
    tenantId: ctx.tenant.id,
    sender,
    certificateSha256: await sha256Hex(`${issuer}\n${serialNumber}`),
  });
}

/**
 * `POST /fe/recepcion/api/ecf`: an e-CF another taxpayer issued to this shop. Anything that names
 * an issuer and an e-NCF is answered with a signed ARECF: Estado 0 (received, stored in the inbox)
 * or Estado 1 with DGII's CodigoMotivoNoRecibido (1 format, 2 signature, 3 duplicate, 4 not our RNC).
 */
export async function receiveEcf(
  ctx: ReceiverContext,
  input: { xml: string; bearer: string | null },
  now = new Date(),
): Promise<ReceptionAnswer> {
  const [signing, shopRnc] = await Promise.all([receiverCredentials(ctx), getCompanyTaxId(ctx.db)]);
  if (!shopRnc) throw notReceiver();
  const claims = await authenticate(ctx, input.bearer);
  await limitRate(ctx, `sender:${claims.s}`, receiverLimits.documentsPerMinute);
  const ids = peekEcfIds(input.xml);
  if (!ids) throw badRequest('ecfReception.notEcf');

  const answer = async (reason: NotReceivedReason | undefined, address = ids) => {
    const arecf = buildArecfXml({ ...address, buyerRnc: shopRnc, notReceived: reason, at: now });
    return signXml(arecf, signing.credentials);
  };
  const verified = await verifySignedXml(input.xml);
  if (!verified.valid || !verified.signedContent) return { received: false, reason: 2, arecfXml: await answer(2) };
  const read = readReceivedEcf(verified.signedContent);
  if (!read.ok) return { received: false, reason: 1, arecfXml: await answer(1) };
  const fields = read.fields;
  const address = { issuerRnc: fields.issuerRnc, encf: fields.encf };
  if (verified.certificate?.taxId !== fields.issuerRnc || !validAt(verified.certificate, fields.signedAt)) {
    return { received: false, reason: 2, arecfXml: await answer(2, address) };
  }
  if (claims.s !== fields.issuerRnc) throw new AppError('forbidden', t('ecfReception.tokenSender'));
  if (fields.buyerRnc !== shopRnc) return { received: false, reason: 4, arecfXml: await answer(4, address) };

  const id = crypto.randomUUID();
  const folder = `ecf/received/${fields.issuerRnc}/${fields.encf}`;
  const xmlKey = `${folder}/${id}.xml`;
  await ctx.files.put(xmlKey, input.xml, { httpMetadata: { contentType: 'application/xml' } });
  const inserted = await insertReceivedEcf(
    ctx.db,
    {
      id,
      issuerRnc: fields.issuerRnc,
      issuerName: fields.issuerName,
      encf: fields.encf,
      ecfType: fields.ecfType,
      buyerRnc: fields.buyerRnc,
      issuedOn: fields.issuedOn,
      total: fields.total,
      itbisTotal: fields.itbisTotal,
      currency: fields.currency,
      securityCode: securityCode(input.xml),
      signedAt: fields.signedAt,
      xmlKey,
    },
    { actor: senderLabel(fields.issuerName, fields.issuerRnc), action: 'ecf.received' },
  );
  if (!inserted.ok) {
    await ctx.files.delete(xmlKey);
    return { received: false, reason: 3, arecfXml: await answer(3, address) };
  }
  const arecfXml = await answer(undefined, address);
  const arecfKey = `${folder}/${id}.arecf.xml`;
  await ctx.files.put(arecfKey, arecfXml, { httpMetadata: { contentType: 'application/xml' } });
  await setReceivedArecfKey(ctx.db, id, arecfKey);
  return { received: true, arecfXml, id };
}

/**
 * `POST /fe/aprobacioncomercial/api/ecf`: the buyer of one of this shop's e-CF approves or rejects
 * it (ACECF). Signed by the buyer, about an e-NCF this shop issued to that buyer; the first answer
 * is kept (a repeat of the same answer is accepted again, a different one is a conflict).
 */
export async function receiveCommercialApproval(
  ctx: ReceiverContext,
  input: { xml: string; bearer: string | null },
): Promise<{ encf: string; approval: 'approved' | 'rejected' }> {
  await ensureReceiver(ctx);
  const claims = await authenticate(ctx, input.bearer);
  await limitRate(ctx, `sender:${claims.s}`, receiverLimits.documentsPerMinute);
  const verified = await verifySignedXml(input.xml);
  if (!verified.valid || !verified.signedContent) throw badRequest('ecfReception.badSignature');
  const read = readAcecf(verified.signedContent);
  if (!read.ok) {
    const message = t('ecfReception.acecfInvalid', { problem: read.problem });
    throw new AppError('validation', message, { xml: message });
  }
  const fields = read.fields;
  if (verified.certificate?.taxId !== fields.buyerRnc) throw badRequest('ecfReception.badSignature');
  if (!validAt(verified.certificate, fields.at)) throw badRequest('ecfReception.certificateExpired');
  if (claims.s !== fields.buyerRnc) throw new AppError('forbidden', t('ecfReception.tokenSender'));
  if (fields.issuerRnc !== (await getCompanyTaxId(ctx.db))) {
    throw new AppError('validation', t('ecfReception.acecfIssuer'), { RNCEmisor: t('ecfReception.acecfIssuer') });
  }
  const issued = await findIssuedEcfByEncf(ctx.db, fields.encf);
  if (!issued || issued.buyerIdNumber !== fields.buyerRnc) {
    throw new AppError('not_found', t('ecfReception.acecfUnknown'));
  }
  const approval = fields.approved ? 'approved' : 'rejected';
  const acecfKey = `ecf/approvals/${fields.encf}/${crypto.randomUUID()}.xml`;
  await ctx.files.put(acecfKey, input.xml, { httpMetadata: { contentType: 'application/xml' } });
  const recorded = await recordBuyerApproval(
    ctx.db,
    issued.id,
    { approval, reason: fields.approved ? null : fields.reason, at: fields.at, acecfKey },
    { actor: senderLabel(issued.buyerName, fields.buyerRnc), action: `ecf.buyer_approval.${approval}` },
  );
  if (!recorded.ok) {
    await ctx.files.delete(acecfKey);
    if (recorded.approval !== approval) throw new AppError('conflict', t('ecfReception.acecfAnswered'));
  }
  return { encf: fields.encf, approval };
}

/** DGII: the certificate must be valid when the document is signed. */
function validAt(certificate: CertificateInfo, moment: Date): boolean {
  return Date.parse(certificate.notBefore) <= moment.getTime() && moment.getTime() <= Date.parse(certificate.notAfter);
}

/** Who an activity entry names for a taxpayer that called the receiver: its name and RNC. */
function senderLabel(name: string | null, rnc: string): string {
  return name ? `${name} (RNC ${rnc})` : `RNC ${rnc}`;
}

/** The shop's certificate, without which it cannot sign an ARECF: no certificate, no receiver (404). */
async function receiverCredentials(ctx: ReceiverContext) {
  const signing = await loadSigningCredentials(ctx);
  if (!signing) throw notReceiver();
  return signing;
}

/** The same check where nothing is signed: the settings row exists, its key is not decrypted. */
async function ensureReceiver(ctx: ReceiverContext): Promise<void> {
  if (!(await getEcfSettingsSummary(ctx.db))) throw notReceiver();
}

function notReceiver(): AppError {
  return new AppError('not_found', t('ecfReception.notReceiver'));
}

async function authenticate(ctx: ReceiverContext, bearer: string | null): Promise<ReceiverTokenClaims> {
  const key = await receiverKey(ctx.env.ENCRYPTION_KEY);
  const claims = bearer ? await verifyReceiverToken(key, ctx.tenant.id, bearer) : null;
  if (!claims) throw new AppError('unauthorized', t('ecfReception.tokenMissing'));
  return claims;
}

async function limitRate(ctx: ReceiverContext, sender: string, perMinute: number): Promise<void> {
  if ((await countReceiverRequest(ctx.db, sender)) > perMinute) {
    throw new AppError('too_many_requests', t('ecfReception.tooMany'));
  }
}

function badRequest(key: Parameters<typeof t>[0]): AppError {
  return new AppError('bad_request', t(key));
}
