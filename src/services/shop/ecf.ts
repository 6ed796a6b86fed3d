/**
 * What happens to an e-CF after its document is issued: signed and stored at once (prepareEcf),
 * then sent to DGII by the shop's queue (submitEcf), followed with ConsultaResultado until DGII's
 * final answer (pollEcf), and kept waiting in contingency while DGII cannot be reached. Queue
 * delivery is at least once; a send happens only after claiming the row (claimEcfForSending), so
 * duplicated or concurrent messages never send a document twice.
 */
import { z } from 'zod';
import { can } from '../../auth/permissions';
import type { EcfExchange, EcfState } from '../../db/tenant-schema';
import { compareDecimals } from '../../domain/money';
import { type InvoiceToEcfOptions, invoiceToEcf } from '../../ecf/from-invoice';
import { type EcfDocument, EcfBuildError } from '../../ecf/model';
import { createDgiiClient, type DgiiClient, type DgiiMensaje } from '../../ecf/dgii/client';
import { type DgiiEnvironment, ecfFileName } from '../../ecf/dgii/endpoints';
import { DgiiError, DgiiUnreachableError } from '../../ecf/dgii/errors';
import { seedSigner } from '../../ecf/dgii/signer';
import { signXml } from '../../ecf/sign';
import { securityCode } from '../../ecf/timbre';
import { buildEcfXml, buildRfceXml, consumerThresholdDop } from '../../ecf/xml';
import { AppError } from '../../errors';
import { t } from '../../i18n/es-DO';
import { branchScope } from '../../queries/branch-scope';
import { anyBranch, type InvoiceDocument, printableInvoice } from '../../queries/documents';
import { getCompany } from '../../queries/company';
import { getEcfSettingsSummary } from '../../queries/ecf-settings';
import {
  claimEcfForSending,
  dueEcfDocuments,
  type EcfListRow,
  type EcfMessage,
  type EcfRow,
  findEcfById,
  findEcfByInvoice,
  findEcfInScope,
  insertEcfDocument,
  issuedOnOfNcf,
  listUnfinishedEcf,
  makeEcfDue,
  markEcfContingency,
  markEcfFinal,
  markEcfSent,
  recordEcfPoll,
  unpreparedEcfDocuments,
} from '../../queries/ecf';
import type { ShopContext } from './context';
import { loadSigningCredentials } from './ecf-settings';

export type { EcfListRow, EcfRow } from '../../queries/ecf';

/** What the e-CF work needs of a shop: the issue path passes its ShopContext, the queue consumer its tenant context plus the bindings. */
export type EcfContext = Pick<ShopContext, 'db' | 'tenant' | 'cache' | 'files' | 'jobs' | 'env'>;

export const ecfJobs = { prepare: 'ecf.prepare', submit: 'ecf.submit', poll: 'ecf.poll', sweep: 'ecf.sweep' } as const;

export const ecfJobPayload = z.object({ id: z.string().uuid() });

/** How long DGII gets to answer one request before it counts as unreachable. */
const requestTimeoutMs = 20_000;

/** Contingency: the next send after 1, 2, 4 ... minutes, at most an hour apart. */
export function sendBackoffSeconds(attempts: number): number {
  return Math.min(60 * 2 ** Math.max(0, attempts - 1), 3600);
}

/** ConsultaResultado: after 1, 2, 4 ... seconds, at most 5 minutes apart. */
export function pollBackoffSeconds(polls: number): number {
  return Math.min(2 ** Math.max(0, polls), 300);
}

const sendServices: ReadonlySet<string> = new Set(['recepcion', 'recepcionfc']);

const finalStateOf: Record<string, 'accepted' | 'accepted_conditional' | 'rejected' | undefined> = {
  Aceptado: 'accepted',
  'Aceptado Condicional': 'accepted_conditional',
  Rechazado: 'rejected',
};

/**
 * Signs the e-CF of an issued E-series invoice or credit note, stores the signed XML in the shop's
 * files and queues its submission. Idempotent: a document that already has its e-CF gets that row
 * back and nothing is signed, stored or queued again. Null when the document is not E-series or
 * the shop has no e-CF settings (then issuing works as before). A document the builders cannot
 * write as DGII requires is refused with a 409 naming the field.
 */
export async function prepareEcf(ctx: EcfContext, documentId: string): Promise<EcfRow | null> {
  const existing = await findEcfByInvoice(ctx.db, documentId);
  if (existing) return existing;
  const signing = await loadSigningCredentials(ctx);
  if (!signing) return null;
  const doc = await printableInvoice(ctx.db, documentId, anyBranch);
  if (!doc?.ncfType.startsWith('E') || !doc.ncf || doc.status === 'draft') return null;
  const modifiedIssuedOn =
    doc.kind === 'credit_note' && doc.modifiedNcf
      ? ((await issuedOnOfNcf(ctx.db, doc.modifiedNcf)) ?? undefined)
      : undefined;
  return signAndQueue(ctx, signing, doc, { modifiedIssuedOn });
}

/**
 * The e-CF that replaces a B-series document issued during DGII's "incapacidad técnica" (ecf-fallbacks):
 * the same document as e-CF `replacement.ecfType` with the e-NCF taken for it, referencing the B
 * NCF with CodigoModificacion 4 ("Reemplazo NCF emitido en contingencia"); signed, stored and queued
 * like any other. Idempotent as prepareEcf; null when the shop has no e-CF settings.
 */
export async function prepareReplacementEcf(
  ctx: EcfContext,
  documentId: string,
  replacement: { ecfType: string; encf: string; validUntil: string | null },
): Promise<EcfRow | null> {
  const existing = await findEcfByInvoice(ctx.db, documentId);
  if (existing) return existing;
  const signing = await loadSigningCredentials(ctx);
  if (!signing) return null;
  const doc = await printableInvoice(ctx.db, documentId, anyBranch);
  if (!doc?.ncf || !doc.issuedOn || doc.status === 'draft') return null;
  return signAndQueue(
    ctx,
    signing,
    { ...doc, ncfType: replacement.ecfType, ncf: replacement.encf, ncfValidUntil: replacement.validUntil },
    {},
    { ncf: doc.ncf, issuedOn: doc.issuedOn, code: 4, reason: t('ecfFallback.replacementReason') },
  );
}

async function signAndQueue(
  ctx: EcfContext,
  signing: NonNullable<Awaited<ReturnType<typeof loadSigningCredentials>>>,
  doc: InvoiceDocument,
  options: InvoiceToEcfOptions,
  reference?: EcfDocument['reference'],
): Promise<EcfRow | null> {
  const documentId = doc.id;
  const signedAt = new Date();
  let ecf: ReturnType<typeof invoiceToEcf>;
  let signedXml: string;
  let signedRfce: string | null = null;
  try {
    ecf = invoiceToEcf(doc, options);
    if (reference) ecf = { ...ecf, reference };
    signedXml = await signXml(buildEcfXml(ecf, signedAt), signing.credentials);
    if (ecf.type === '32' && compareDecimals(ecf.totals.total, consumerThresholdDop) < 0)
      signedRfce = await signXml(buildRfceXml(ecf, securityCode(signedXml)), signing.credentials);
  } catch (error) {
    if (error instanceof EcfBuildError)
      throw new AppError('conflict', t('ecfSubmissions.error.build', { field: error.field, message: error.message }));
    throw error;
  }
  const id = crypto.randomUUID();
  const folder = `ecf/${ecf.encf}/${id}`;
  const signedXmlKey = `${folder}/${ecfFileName(ecf.issuer.rnc, ecf.encf)}`;
  const rfceXmlKey = signedRfce ? `${folder}/rfce-${ecfFileName(ecf.issuer.rnc, ecf.encf)}` : null;
  await ctx.files.put(signedXmlKey, signedXml, xmlMetadata);
  if (rfceXmlKey) await ctx.files.put(rfceXmlKey, signedRfce, xmlMetadata);
  const inserted = await insertEcfDocument(ctx.db, {
    id,
    invoiceId: doc.id,
    encf: ecf.encf,
    ecfType: ecf.type,
    environment: signing.environment,
    channel: rfceXmlKey ? 'rfce' : 'ecf',
    securityCode: securityCode(signedXml),
    signedAt,
    totalDop: ecf.totals.total,
    signedXmlKey,
    rfceXmlKey,
  });
  if (!inserted.ok) {
    // A concurrent call won: its row and files stand, these go.
    await Promise.all([signedXmlKey, rfceXmlKey].flatMap((key) => (key ? [ctx.files.delete(key)] : [])));
    return findEcfByInvoice(ctx.db, documentId);
  }
  // If this send is lost, the row is pending and due: the sweep (resendPending) queues it again.
  await ctx.jobs.send(ecfJobs.submit, { id });
  return inserted.row;
}

/**
 * What prepareEcf would refuse, found before the e-NCF is taken: the document as it is about to be
 * issued goes through the same mapper and XML builder with a placeholder number, so a document the
 * e-CF format cannot carry is a 422 naming the field and the number stays free. Nothing to check
 * for a B-series document or a shop without e-CF settings (prepareEcf does nothing for those).
 */
export async function checkEcfBeforeIssue(
  ctx: Pick<EcfContext, 'db'>,
  preview: InvoiceDocument,
  options: InvoiceToEcfOptions = {},
): Promise<void> {
  if (!preview.ncfType.startsWith('E') || !(await getEcfSettingsSummary(ctx.db))) return;
  checkEcfDocument(preview, options);
}

/** checkEcfBeforeIssue's check itself, for a caller that knows already that the shop signs e-CF. */
export function checkEcfDocument(preview: InvoiceDocument, options: InvoiceToEcfOptions = {}): void {
  if (!preview.ncfType.startsWith('E')) return;
  const issuedOn = preview.issuedOn ?? preview.createdOn;
  try {
    const ecf = invoiceToEcf(
      {
        ...preview,
        status: 'issued',
        ncf: `${preview.ncfType}${'1'.padStart(10, '0')}`,
        issuedOn,
        ncfValidUntil: preview.ncfValidUntil ?? issuedOn,
      },
      options,
    );
    buildEcfXml(ecf, new Date());
    if (ecf.type === '32' && compareDecimals(ecf.totals.total, consumerThresholdDop) < 0) buildRfceXml(ecf, 'AAAAAA');
  } catch (error) {
    if (error instanceof EcfBuildError) throw ecfFieldError(error, preview.ncfType);
    throw error;
  }
}

/**
 * The e-CF of a credit note about to be issued from `invoice` (the original as printed) with the
 * prepared lines and totals: checked as checkEcfBeforeIssue does, before issue_credit_note takes the E34.
 */
export async function checkCreditNoteEcfBeforeIssue(
  ctx: Pick<EcfContext, 'db'>,
  invoiceId: string,
  note: {
    type: string;
    refundsItbis: boolean;
    lines: InvoiceDocument['lines'];
    totals: Pick<InvoiceDocument, TotalsKey>;
  },
  reason: string,
  issuedOn: string,
): Promise<void> {
  if (!note.type.startsWith('E') || !(await getEcfSettingsSummary(ctx.db))) return;
  const [original, current] = await Promise.all([printableInvoice(ctx.db, invoiceId, anyBranch), getCompany(ctx.db)]);
  if (!original?.ncf || !original.issuedOn) return;
  await checkEcfBeforeIssue(
    ctx,
    {
      ...original,
      // The note is issued by the company as it is now (its own issuer snapshot), not as the original printed it.
      company: current
        ? {
            name: current.name,
            rnc: current.rnc,
            address: current.address,
            phones: current.phones,
            email: current.email,
            invoiceFooter: current.invoiceFooter,
            logoKey: current.logoKey,
          }
        : original.company,
      ...pickTotals(note.totals),
      kind: 'credit_note',
      ncfType: note.type,
      ncf: null,
      ncfValidUntil: null,
      issuedOn,
      dueOn: null,
      modifiedNcf: original.ncf,
      refundsItbis: note.refundsItbis,
      creditReason: reason,
      lines: note.lines,
    },
    { modifiedIssuedOn: original.issuedOn },
  );
}

type TotalsKey =
  | 'grossTotal'
  | 'discountTotal'
  | 'taxableTotal'
  | 'exemptTotal'
  | 'itbisTotal'
  | 'total'
  | 'taxBreakdown'
  | 'totalDop';

function pickTotals(totals: Pick<InvoiceDocument, TotalsKey>): Pick<InvoiceDocument, TotalsKey> {
  const { grossTotal, discountTotal, taxableTotal, exemptTotal, itbisTotal, total, taxBreakdown, totalDop } = totals;
  return { grossTotal, discountTotal, taxableTotal, exemptTotal, itbisTotal, total, taxBreakdown, totalDop };
}

/** A builder refusal as the 422 the issue forms and the API show: the field at fault and where to fix it. */
function ecfFieldError(error: EcfBuildError, type: string): AppError {
  if (error.field.startsWith('issuer.')) {
    const message = t('ecfSubmissions.check.issuer', { type, detail: issuerDetail(error.field) });
    return new AppError(
      'validation',
      message,
      { company: message },
      { href: '/company', label: t('ecfSubmissions.check.fixCompany') },
    );
  }
  if (error.field.startsWith('buyer')) {
    const message = t(
      error.field === 'buyer.name' ? 'ecfSubmissions.check.buyerName' : 'ecfSubmissions.check.buyerId',
      {
        type,
      },
    );
    return new AppError('validation', message, { customerId: message });
  }
  const message = t('ecfSubmissions.error.build', { field: error.field, message: error.message });
  return new AppError('validation', message, { [error.field]: message });
}

function issuerDetail(field: string): string {
  if (field === 'issuer.address') return t('ecfSubmissions.check.address');
  if (field === 'issuer.rnc') return t('ecfSubmissions.check.rnc');
  return t('ecfSubmissions.check.legalName');
}

const xmlMetadata = { httpMetadata: { contentType: 'application/xml; charset=utf-8' } };

/**
 * One delivery of `ecf.submit`: claims the row (or does nothing when another delivery has it, it
 * is not due, or it is done), sends it, and records what DGII said. Never throws for DGII's
 * sake: unreachable means contingency and a delayed retry, so the queue message is acked.
 */
export async function submitEcf(ctx: EcfContext, id: string): Promise<EcfState | 'skipped'> {
  const row = await claimEcfForSending(ctx.db, id);
  if (!row) return 'skipped';
  try {
    const signing = await loadSigningCredentials(ctx);
    if (!signing) throw new Error(t('ecfSubmissions.error.noSettings'));
    const client = dgiiClient(ctx, row.environment as DgiiEnvironment, signing.credentials);
    return row.channel === 'rfce' ? await sendSummary(ctx, client, row) : await sendWhole(ctx, client, row);
  } catch (error) {
    // Only Recepción refusing the document itself is DGII's answer on it; a refused seed or query is not.
    if (error instanceof DgiiError && error.kind === 'rejected' && sendServices.has(error.service)) {
      const body = error.body as Record<string, unknown> | null;
      const done = await markEcfFinal(ctx.db, row.id, 'sending', {
        state: 'rejected',
        dgiiStatus: 'Rechazado',
        messages: messagesOf(body, error.message),
        sequenceUsed: body?.secuenciaUtilizada === true,
        exchange: await storeAnswer(
          ctx,
          row,
          error.service as EcfExchange['service'],
          error.status,
          body,
          error.service === 'recepcionfc' ? (row.rfceXmlKey ?? undefined) : row.signedXmlKey,
        ),
      });
      return done?.state ?? 'skipped';
    }
    return contingency(ctx, row, error);
  }
}

/** Recepción: the whole signed e-CF, then ConsultaResultado until DGII decides. */
async function sendWhole(ctx: EcfContext, client: DgiiClient, row: EcfRow): Promise<EcfState> {
  const xml = await readXml(ctx, row.signedXmlKey);
  const rnc = rncEmisorOf(xml);
  // A send that may have reached DGII before (timeout after upload, Worker gone mid-request) is looked up first.
  const earlier = row.attempts > 1 ? await earlierTrackId(ctx, client, row, rnc) : null;
  const exchanges = earlier?.exchange ? [earlier.exchange] : [];
  let trackId = earlier?.trackId ?? null;
  if (!trackId) {
    const answer = await client.sendEcf(xml, ecfFileName(rnc, row.encf));
    trackId = answer.trackId;
    exchanges.push(await storeAnswer(ctx, row, 'recepcion', 200, answer, row.signedXmlKey));
  }
  const sent = await markEcfSent(ctx.db, row.id, {
    trackId,
    nextPollAt: new Date(Date.now() + pollBackoffSeconds(0) * 1000),
    exchange: exchanges,
  });
  await ctx.jobs.send(ecfJobs.poll, { id: row.id }, { delaySeconds: pollBackoffSeconds(0) });
  return sent?.state ?? 'sent';
}

/** DGII's trackId of an earlier reception of this e-NCF that was not rejected, if there is one. */
async function earlierTrackId(
  ctx: EcfContext,
  client: DgiiClient,
  row: EcfRow,
  rnc: string,
): Promise<{ trackId: string | null; exchange?: EcfExchange } | null> {
  let list: Awaited<ReturnType<DgiiClient['trackIds']>>;
  try {
    list = await client.trackIds(rnc, row.encf);
  } catch (error) {
    // DGII refusing the query (not unreachable) says nothing about an earlier send: send it.
    if (error instanceof DgiiError && error.kind === 'rejected') return null;
    throw error;
  }
  const exchange = await storeAnswer(ctx, row, 'consultatrackids', 200, list);
  const usable = list.filter((entry) => entry.trackId && entry.estado !== 'Rechazado');
  return { trackId: usable.at(-1)?.trackId ?? null, exchange };
}

/** Recepción FC: the signed RFCE of a consumer invoice under RD$250,000; DGII answers the final state at once. */
async function sendSummary(ctx: EcfContext, client: DgiiClient, row: EcfRow): Promise<EcfState | 'skipped'> {
  if (!row.rfceXmlKey) throw new Error('RFCE missing');
  const xml = await readXml(ctx, row.rfceXmlKey);
  const rnc = rncEmisorOf(xml);
  // A send that may have reached DGII before (no answer, Worker gone mid-request): DGII's answer on it is taken instead of sending again.
  const earlier = row.attempts > 1 ? await earlierRfce(ctx, client, row, rnc) : null;
  const answer = earlier?.answer ?? (await client.sendRfce(xml, ecfFileName(rnc, row.encf)));
  const exchange = earlier?.answer
    ? earlier.exchange!
    : await storeAnswer(ctx, row, 'recepcionfc', 200, answer, row.rfceXmlKey);
  const state = finalStateOf[answer.estado];
  if (!state) return contingency(ctx, row, new Error(`recepcionfc: ${answer.estado}`), exchange);
  const done = await markEcfFinal(ctx.db, row.id, 'sending', {
    state,
    dgiiStatus: answer.estado,
    messages: answer.mensajes,
    sequenceUsed: answer.secuenciaUtilizada,
    exchange,
  });
  return done?.state ?? state;
}

/** ConsultaRFCE: DGII's final answer on an earlier send of this RFCE, or no answer when DGII never got it. */
async function earlierRfce(
  ctx: EcfContext,
  client: DgiiClient,
  row: EcfRow,
  rnc: string,
): Promise<{ answer: Awaited<ReturnType<DgiiClient['consultaRfce']>> | null; exchange?: EcfExchange } | null> {
  let answer: Awaited<ReturnType<DgiiClient['consultaRfce']>>;
  try {
    answer = await client.consultaRfce(rnc, row.encf, row.securityCode);
  } catch (error) {
    // DGII refusing the query (not unreachable) says nothing about an earlier send: send it.
    if (error instanceof DgiiError && error.kind === 'rejected') return null;
    throw error;
  }
  const exchange = await storeAnswer(ctx, row, 'consultarfce', 200, answer);
  return { answer: finalStateOf[answer.estado] ? answer : null, exchange };
}

async function contingency(
  ctx: EcfContext,
  row: EcfRow,
  error: unknown,
  exchange?: EcfExchange,
): Promise<EcfState | 'skipped'> {
  const delay = sendBackoffSeconds(row.attempts);
  const reason = error instanceof Error ? error.message : String(error);
  const status = error instanceof DgiiError ? error.status : null;
  const failed =
    exchange ??
    (error instanceof DgiiError
      ? await storeAnswer(ctx, row, error.service as EcfExchange['service'], status, error.body ?? reason)
      : undefined);
  const parked = await markEcfContingency(ctx.db, row.id, {
    error: describeFailure(error).slice(0, 500),
    nextAttemptAt: new Date(Date.now() + delay * 1000),
    exchange: failed,
  });
  if (!parked) return 'skipped';
  await ctx.jobs.send(ecfJobs.submit, { id: row.id }, { delaySeconds: delay });
  return 'contingency';
}

/**
 * One delivery of `ecf.poll`: asks DGII for the result of a sent e-CF. En Proceso (or DGII
 * unreachable) queues the next poll with a longer delay; a final answer ends it. A row no longer
 * waiting for a result (a duplicate poll after the answer) is left alone.
 */
export async function pollEcf(ctx: EcfContext, id: string): Promise<EcfState | 'skipped'> {
  const row = await findEcfById(ctx.db, id);
  if (row?.state !== 'sent' || !row.trackId) return 'skipped';
  const next = async (values: { error?: string; dgiiStatus?: string; exchange?: EcfExchange }) => {
    const delay = pollBackoffSeconds(row.polls + 1);
    const waiting = await recordEcfPoll(ctx.db, row.id, { ...values, nextPollAt: new Date(Date.now() + delay * 1000) });
    if (waiting) await ctx.jobs.send(ecfJobs.poll, { id: row.id }, { delaySeconds: delay });
    return waiting ? ('sent' as const) : ('skipped' as const);
  };
  let result: Awaited<ReturnType<DgiiClient['getStatus']>>;
  try {
    const signing = await loadSigningCredentials(ctx);
    if (!signing) throw new Error(t('ecfSubmissions.error.noSettings'));
    result = await dgiiClient(ctx, row.environment as DgiiEnvironment, signing.credentials).getStatus(row.trackId);
  } catch (error) {
    const exchange =
      error instanceof DgiiError
        ? await storeAnswer(ctx, row, 'consultaresultado', error.status, error.body ?? error.message)
        : undefined;
    return next({ error: describeFailure(error).slice(0, 500), exchange });
  }
  const exchange = await storeAnswer(ctx, row, 'consultaresultado', 200, result);
  const state = finalStateOf[result.estado];
  if (!state) return next({ dgiiStatus: result.estado, exchange });
  const done = await markEcfFinal(ctx.db, row.id, 'sent', {
    state,
    dgiiStatus: result.estado,
    messages: result.mensajes,
    sequenceUsed: result.secuenciaUtilizada,
    exchange,
  });
  return done?.state ?? 'skipped';
}

/**
 * The scheduled sweep: queues again every row whose next step is due (a send in contingency, a
 * poll, a message lost on the way). Claims and state checks make extra messages harmless.
 */
/**
 * The sweep's net under the browser's issue, which leaves signing to the queue (ecf.prepare): an
 * issued E-series document without its e-CF (that message lost) is prepared now. Only documents
 * issued since the e-CF settings were saved: one issued before the shop signed e-CF never had one.
 * A document the builders refuse stays as it is for the person who issues it again.
 */
export async function prepareMissingEcf(ctx: EcfContext, limit = 200): Promise<number> {
  let prepared = 0;
  for (const id of await unpreparedEcfDocuments(ctx.db, limit)) {
    try {
      if (await prepareEcf(ctx, id)) prepared++;
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
    }
  }
  return prepared;
}

export async function resendPending(ctx: Pick<EcfContext, 'db' | 'jobs'>, limit = 500): Promise<number> {
  const due = await dueEcfDocuments(ctx.db, limit);
  for (const row of due) await ctx.jobs.send(row.state === 'sent' ? ecfJobs.poll : ecfJobs.submit, { id: row.id });
  return due.length;
}

/** "Reintentar ahora": a waiting e-CF (pending, contingency, or waiting for DGII's result) is tried at once. */
export async function retryEcf(ctx: ShopContext, id: string): Promise<EcfRow> {
  if (!can(ctx.actor, 'invoices.manage')) throw new AppError('forbidden');
  const row = await findEcfInScope(ctx.db, id, branchScope(ctx.actor));
  if (!row) throw new AppError('not_found');
  const due = await makeEcfDue(ctx.db, row.id);
  if (!due) {
    // Either DGII has answered for good, or another delivery is sending it right now.
    const now = await findEcfInScope(ctx.db, id, branchScope(ctx.actor));
    const key = now?.state === 'sending' ? 'ecfSubmissions.error.sendingNow' : 'ecfSubmissions.error.notWaiting';
    throw new AppError('conflict', t(key));
  }
  await ctx.jobs.send(due.state === 'sent' ? ecfJobs.poll : ecfJobs.submit, { id: due.id });
  return due;
}

/** The /ecf page: what the shop still waits on and what DGII rejected, in the actor's branches. */
export async function listUnfinishedEcfDocuments(ctx: ShopContext): Promise<EcfListRow[]> {
  if (!can(ctx.actor, 'invoices.view')) throw new AppError('forbidden');
  return listUnfinishedEcf(ctx.db, branchScope(ctx.actor));
}

/** The shop's DGII client in `environment`, authenticating with its own certificate. */
export function dgiiClient(
  ctx: Pick<EcfContext, 'env' | 'cache'>,
  environment: DgiiEnvironment,
  credentials: Parameters<typeof seedSigner>[0],
) {
  return createDgiiClient({
    environment,
    baseUrl: ctx.env.DGII_BASE_URL,
    cache: ctx.cache,
    signer: seedSigner(credentials),
    timeoutMs: requestTimeoutMs,
  });
}

async function readXml(ctx: EcfContext, key: string): Promise<string> {
  const object = await ctx.files.get(key);
  if (!object) throw new Error(`stored XML missing: ${key}`);
  return object.text();
}

function rncEmisorOf(xml: string): string {
  const match = /<RNCEmisor>(\d{9}|\d{11})<\/RNCEmisor>/.exec(xml);
  if (!match) throw new Error('RNCEmisor missing from the stored XML');
  return match[1]!;
}

/** Keeps DGII's answer (JSON) in the shop's files next to the signed document; returns the exchange to record. */
async function storeAnswer(
  ctx: EcfContext,
  row: EcfRow,
  service: EcfExchange['service'],
  status: number | null,
  body: unknown,
  requestKey?: string,
): Promise<EcfExchange> {
  const at = new Date().toISOString();
  const responseKey = `${row.signedXmlKey.slice(0, row.signedXmlKey.lastIndexOf('/'))}/${at.replace(/[:.]/g, '')}-${service}-${crypto.randomUUID().slice(0, 8)}.json`;
  await ctx.files.put(responseKey, JSON.stringify(body ?? null), {
    httpMetadata: { contentType: 'application/json; charset=utf-8' },
  });
  return { at, service, status, responseKey, ...(requestKey ? { requestKey } : {}) };
}

/** Why a step failed, in Spanish for the shop: DGII unreachable, the certificate refused, or something else. */
function describeFailure(error: unknown): string {
  if (error instanceof DgiiUnreachableError && error.reason !== 'answer')
    return t('ecfSubmissions.error.unreachable', { detail: t(`ecfSubmissions.error.${error.reason}`) });
  const detail = error instanceof DgiiError && error.status ? `HTTP ${error.status}` : errorText(error);
  if (error instanceof DgiiError && error.kind === 'unreachable')
    return t('ecfSubmissions.error.unreachable', { detail });
  if (error instanceof DgiiError && error.kind === 'unauthorized')
    return t('ecfSubmissions.error.unauthorized', { detail });
  return t('ecfSubmissions.error.unexpected', { detail });
}

function errorText(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).replace(/^[a-z]+: /, '');
}

/** DGII's messages from a refusal body (`mensajes`, or `mensaje`/`error`). */
function messagesOf(body: Record<string, unknown> | null, fallback: string): EcfMessage[] {
  if (body && Array.isArray(body.mensajes))
    return (body.mensajes as Array<DgiiMensaje | string>).map((m) =>
      typeof m === 'string' ? { codigo: 0, valor: m } : { codigo: m.codigo, valor: String(m.valor) },
    );
  const words = [body?.mensaje, body?.error].filter((part): part is string => typeof part === 'string' && !!part);
  return (words.length ? words : [fallback]).map((valor) => ({ codigo: 0, valor }));
}
