/**
 * The inbox of e-CF suppliers sent to this shop (received by the /fe endpoints into received_ecf)
 * and the shop's commercial decision on each: accepted or rejected (with a reason), written as a
 * signed ACECF, kept in the shop's files and sent once to DGII (its copy) and once to the issuer's
 * aprobacioncomercial service found in DGII's directory, by the shop's queue. The decision is taken
 * once: of two simultaneous ones exactly one wins, the other is a 409.
 */
import { z } from 'zod';
import { can } from '../../auth/permissions';
import type { ReceivedEcfApproval, ReceivedEcfExchange } from '../../db/tenant-schema';
import { createDgiiClient } from '../../ecf/dgii/client';
import type { DgiiEnvironment } from '../../ecf/dgii/endpoints';
import { DgiiError } from '../../ecf/dgii/errors';
import { seedSigner } from '../../ecf/dgii/signer';
import { EcfBuildError } from '../../ecf/model';
import { createPeerClient, PeerError } from '../../ecf/peer/client';
import { type EcfView, readEcfView } from '../../ecf/peer/ecf-view';
import { signXml } from '../../ecf/sign';
import { qrUrl, StampError, stampOfSignedEcf } from '../../ecf/timbre';
import type { PrintModel } from '../../documents/model';
import { formatDate } from '../../domain/dates';
import { formatMoney } from '../../domain/money';
import { ncfTypes } from '../../domain/ncf';
import { buildAcecfXml } from '../../ecf/xml';
import { AppError } from '../../errors';
import { t } from '../../i18n/es-DO';
import { recordActivity } from '../../queries/audit';
import type { CreatedCursor } from '../../queries/keyset';
import {
  claimApprovalSends,
  decideReceivedEcf,
  dueApprovalSends,
  findReceivedEcf,
  findReceivedEcfWithExpense,
  findReceivedEcfWithEnvironment,
  finishApprovalSends,
  listReceivedEcf,
  type ReceivedEcf,
  type ReceivedEcfListRow,
} from '../../queries/received-ecf';
import type { ShopContext } from './context';
import type { EcfContext } from './ecf';
import { loadSigningCredentials } from './ecf-settings';

export type { ReceivedEcf, ReceivedEcfListRow } from '../../queries/received-ecf';

export const approvalSendJob = 'ecf.approval.send';
export const approvalSendPayload = z.object({ id: z.string().uuid() });

/** DGII: "Aprobaciones comerciales para los tipos de eCF 32, 41, 43, 46 y 47 no aplican" (Descripción Técnica v1.6). */
export const approvableEcfTypes: readonly string[] = ['31', '33', '34', '44', '45'];

/** After this many tries a send is given up (`failed`). */
export const maxApprovalAttempts = 8;

export function approvalBackoffSeconds(attempts: number): number {
  return Math.min(60 * 2 ** Math.max(0, attempts - 1), 3600);
}

export interface ReceivedEcfDocument {
  row: ReceivedEcf;
  view: EcfView;
  /** The expense recorded from this e-CF ("Registrar como gasto"), if any. */
  expenseId: string | null;
}

function ensure(ctx: ShopContext, permission: 'ecf.inbox.view' | 'ecf.inbox.approve') {
  if (!can(ctx.actor, permission)) throw new AppError('forbidden');
}

export async function listReceivedEcfDocuments(
  ctx: ShopContext,
  filter: { q?: string; approval?: ReceivedEcfApproval; after?: CreatedCursor | null; limit: number },
): Promise<{ rows: ReceivedEcfListRow[]; next: CreatedCursor | null }> {
  ensure(ctx, 'ecf.inbox.view');
  return listReceivedEcf(ctx.db, { ...filter, q: filter.q?.trim() || undefined });
}

/** One received e-CF with what its XML says (parties, lines, totals). */
export async function getReceivedEcfDocument(ctx: ShopContext, id: string): Promise<ReceivedEcfDocument> {
  ensure(ctx, 'ecf.inbox.view');
  const found = await findReceivedEcfWithExpense(ctx.db, id);
  if (!found) throw new AppError('not_found');
  return { row: found.row, expenseId: found.expenseId, view: readEcfView(await readFile(ctx, found.row.xmlKey)) };
}

/** The signed XML as the issuer sent it, with DGII's file name (RNCEmisor + e-NCF). */
export async function receivedEcfXml(ctx: ShopContext, id: string): Promise<{ fileName: string; xml: string }> {
  ensure(ctx, 'ecf.inbox.view');
  const row = await findReceivedEcf(ctx.db, id);
  if (!row) throw new AppError('not_found');
  return { fileName: `${row.issuerRnc}${row.encf}.xml`, xml: await readFile(ctx, row.xmlKey) };
}

/**
 * A received e-CF as a printed document: the issuer's heading, the buyer, lines, totals and the
 * stamp (DGII's consultatimbre QR, security code, signature time) read from the signed XML.
 */
export async function printableReceivedEcf(ctx: ShopContext, id: string): Promise<PrintModel> {
  ensure(ctx, 'ecf.inbox.view');
  const found = await findReceivedEcfWithEnvironment(ctx.db, id);
  if (!found) throw new AppError('not_found');
  const { row } = found;
  const xml = await readFile(ctx, row.xmlKey);
  const view = readEcfView(xml);
  const environment = found.environment ?? 'eCF';
  let stamp: PrintModel['stamp'] = null;
  try {
    const read = stampOfSignedEcf(xml, environment);
    stamp = { qrUrl: qrUrl(read), securityCode: read.codigoSeguridad, signedAt: read.fechaFirma, legend: null };
  } catch (error) {
    if (!(error instanceof StampError)) throw error;
  }
  const symbol = view.currency === 'DOP' ? 'RD$' : view.currency;
  const money = (value: string | null) => formatMoney(value, symbol);
  const totals: PrintModel['totals'] = [
    { label: t('ecfInbox.totals.taxable'), value: money(view.totals.taxable) },
    { label: t('ecfInbox.totals.exempt'), value: money(view.totals.exempt) },
    { label: t('ecfInbox.totals.itbis'), value: money(view.totals.itbis) },
    { label: t('ecfInbox.totals.total'), value: money(view.totals.total), strong: true },
  ];
  return {
    title: ecfTypeName(view.ecfType),
    company: {
      name: view.issuer.name,
      rnc: view.issuer.rnc,
      address: view.issuer.address,
      phones: null,
      email: null,
      invoiceFooter: null,
      logoKey: null,
    },
    mark: null,
    meta: [
      { label: t('ecfInbox.column.encf'), value: view.encf, strong: true },
      { label: t('ecfInbox.column.issuedOn'), value: formatDate(row.issuedOn) },
      ...(view.modifiedEncf ? [{ label: t('ecfInbox.detail.modified'), value: view.modifiedEncf }] : []),
    ],
    party: [
      { label: t('ecfInbox.detail.buyer'), value: view.buyer.name ?? '—' },
      { label: 'RNC', value: view.buyer.rnc ?? '—' },
    ],
    lines: view.lines.map((line) => ({
      quantity: line.quantity,
      description: line.description ? `${line.name} - ${line.description}` : line.name,
      unitPrice: money(line.unitPrice),
      discount: line.discount ? money(line.discount) : '',
      amount: money(line.amount),
      exempt: line.billing === '4',
    })),
    totals: totals.filter((row) => row.value !== '—'),
    notes: [],
    footer: null,
    stamp,
  };
}

/** The printed name of an e-CF type, e.g. "Factura de crédito fiscal electrónica". */
export function ecfTypeName(type: string): string {
  const ncf = ncfTypes[`E${type}` as keyof typeof ncfTypes] as { name?: string } | undefined;
  return ncf?.name ?? `e-CF ${type}`;
}

export interface ApprovalInput {
  decision: 'approved' | 'rejected';
  reason?: string | null;
}

/**
 * Accepts or rejects a received e-CF: the signed ACECF is stored and its sends queued. A rejection
 * needs its reason (422); an e-CF already decided, or of a type DGII takes no approval for, is a 409.
 */
export async function decideReceivedEcfDocument(
  ctx: ShopContext,
  id: string,
  input: ApprovalInput,
): Promise<ReceivedEcf> {
  ensure(ctx, 'ecf.inbox.approve');
  const reason = input.reason?.trim() || null;
  if (input.decision === 'rejected' && !reason)
    throw new AppError('validation', t('ecfInbox.error.reasonRequired'), {
      reason: t('ecfInbox.error.reasonRequired'),
    });
  if (reason && reason.length > 250)
    throw new AppError('validation', t('ecfInbox.error.reasonLong'), { reason: t('ecfInbox.error.reasonLong') });
  const row = await findReceivedEcf(ctx.db, id);
  if (!row) throw new AppError('not_found');
  if (row.approval !== 'pending') throw new AppError('conflict', t('ecfInbox.error.decided'));
  if (!approvableEcfTypes.includes(row.ecfType)) throw new AppError('conflict', t('ecfInbox.error.notApprovable'));
  if (!row.buyerRnc) throw new AppError('conflict', t('ecfInbox.error.noBuyer'));
  const signing = await loadSigningCredentials(ctx);
  if (!signing) throw new AppError('conflict', t('ecfInbox.error.noSettings'));
  let signed: string;
  try {
    const acecf = buildAcecfXml({
      issuerRnc: row.issuerRnc,
      encf: row.encf,
      issuedOn: row.issuedOn,
      total: row.total,
      buyerRnc: row.buyerRnc,
      rejection: input.decision === 'rejected' ? (reason ?? '') : undefined,
      at: new Date(),
    });
    signed = await signXml(acecf, signing.credentials);
  } catch (error) {
    if (error instanceof EcfBuildError)
      throw new AppError('conflict', t('ecfInbox.error.build', { field: error.field }));
    throw error;
  }
  const folder = row.xmlKey.slice(0, row.xmlKey.lastIndexOf('/'));
  const acecfXmlKey = `${folder}/acecf-${crypto.randomUUID().slice(0, 8)}-${row.buyerRnc}${row.encf}.xml`;
  await ctx.files.put(acecfXmlKey, signed, xmlMetadata);
  const decided = await decideReceivedEcf(ctx.db, id, {
    approval: input.decision,
    reason: input.decision === 'rejected' ? reason : null,
    userId: ctx.actor.id,
    acecfXmlKey,
  });
  if (!decided) {
    // Another decision won at the same moment: its ACECF stands, this one goes.
    await ctx.files.delete(acecfXmlKey);
    throw new AppError('conflict', t('ecfInbox.error.decided'));
  }
  await recordActivity(ctx.db, ctx.actor, `ecf.inbox.${input.decision}`, {
    id,
    issuerRnc: row.issuerRnc,
    encf: row.encf,
    ...(decided.approvalReason ? { reason: decided.approvalReason } : {}),
  });
  await ctx.jobs.send(approvalSendJob, { id });
  return decided;
}

export interface ApprovalSendOptions {
  /** How the issuer's host is reached; tests route it into the same Worker. */
  peerFetch?: typeof fetch;
}

/**
 * One delivery of `ecf.approval.send`: claims the decision's pending sends (or does nothing when
 * another delivery holds them, none is due, or all are done), sends the ACECF to DGII and to the
 * issuer, and records each exchange. A refusal is final; an unreachable party is tried again later.
 */
export async function sendApprovalCopies(
  ctx: EcfContext,
  id: string,
  options: ApprovalSendOptions = {},
): Promise<{ dgii: string | null; issuer: string | null } | 'skipped'> {
  const row = await claimApprovalSends(ctx.db, id);
  if (!row?.acecfXmlKey || !row.buyerRnc) return 'skipped';
  const exchanges: ReceivedEcfExchange[] = [];
  const errors: string[] = [];
  let dgiiState: 'pending' | 'sent' | 'failed' | undefined;
  let issuerState: 'pending' | 'sent' | 'failed' | undefined;
  const giveUp = row.approvalAttempts >= maxApprovalAttempts;
  const retry = (message: string) => {
    errors.push(message);
    return giveUp ? ('failed' as const) : ('pending' as const);
  };
  const signing = await loadSigningCredentials(ctx);
  if (!signing) {
    errors.push(t('ecfInbox.error.noSettings'));
    if (row.approvalDgiiState === 'sending') dgiiState = giveUp ? 'failed' : 'pending';
    if (row.approvalIssuerState === 'sending') issuerState = giveUp ? 'failed' : 'pending';
  } else {
    const xml = await readFile(ctx, row.acecfXmlKey);
    const fileName = `${row.buyerRnc}${row.encf}.xml`;
    const signer = seedSigner(signing.credentials);
    const dgii = createDgiiClient({
      environment: signing.environment as DgiiEnvironment,
      baseUrl: ctx.env.DGII_BASE_URL,
      cache: ctx.cache,
      signer,
    });
    if (row.approvalDgiiState === 'sending') {
      try {
        const answer = await dgii.sendCommercialApproval(xml, fileName);
        exchanges.push(await storeAnswer(ctx, row, 'dgii', 200, answer, dgii.urls.ecf));
        dgiiState = 'sent';
      } catch (error) {
        const status = error instanceof DgiiError ? error.status : null;
        exchanges.push(
          await storeAnswer(ctx, row, 'dgii', status, error instanceof DgiiError ? error.body : String(error)),
        );
        const message = t('ecfInbox.send.dgiiFailed', { detail: detail(error) });
        dgiiState = error instanceof DgiiError && error.kind === 'rejected' ? 'failed' : retry(message);
        if (dgiiState === 'failed') errors.push(message);
      }
    }
    if (row.approvalIssuerState === 'sending') {
      try {
        const issuer = await dgii.lookupReceiver(row.issuerRnc);
        if (!issuer) {
          issuerState = 'failed';
          errors.push(t('ecfInbox.send.issuerNotInDirectory'));
        } else {
          const peer = createPeerClient({ signer, fetch: options.peerFetch });
          const answer = await peer.sendApproval(issuer, xml, { buyerRnc: row.buyerRnc, encf: row.encf });
          exchanges.push(await storeAnswer(ctx, row, 'issuer', answer.status, answer.body, issuer.urlAceptacion));
          issuerState = 'sent';
        }
      } catch (error) {
        const status = error instanceof PeerError || error instanceof DgiiError ? error.status : null;
        exchanges.push(
          await storeAnswer(ctx, row, 'issuer', status, error instanceof PeerError ? error.body : String(error)),
        );
        const message = t('ecfInbox.send.issuerFailed', { detail: detail(error) });
        issuerState = error instanceof PeerError && error.kind === 'refused' ? 'failed' : retry(message);
        if (issuerState === 'failed') errors.push(message);
      }
    }
  }
  const waiting = dgiiState === 'pending' || issuerState === 'pending';
  const delay = approvalBackoffSeconds(row.approvalAttempts);
  const done = await finishApprovalSends(ctx.db, row, {
    dgii: dgiiState,
    issuer: issuerState,
    nextAt: waiting ? new Date(Date.now() + delay * 1000) : null,
    error: errors.length ? [...new Set(errors)].join(' ').slice(0, 500) : null,
    exchanges,
  });
  if (!done) return 'skipped';
  if (waiting) await ctx.jobs.send(approvalSendJob, { id }, { delaySeconds: delay });
  return { dgii: done.approvalDgiiState, issuer: done.approvalIssuerState };
}

/** The scheduled sweep: queues again every decision with a send due or abandoned. */
export async function resendDueApprovals(ctx: Pick<EcfContext, 'db' | 'jobs'>, limit = 500): Promise<number> {
  const due = await dueApprovalSends(ctx.db, limit);
  for (const row of due) await ctx.jobs.send(approvalSendJob, { id: row.id });
  return due.length;
}

const xmlMetadata = { httpMetadata: { contentType: 'application/xml; charset=utf-8' } };

async function readFile(ctx: Pick<ShopContext, 'files'>, key: string): Promise<string> {
  const object = await ctx.files.get(key);
  if (!object) throw new Error(`stored XML missing: ${key}`);
  return object.text();
}

/** Keeps an answer (JSON or text) next to the ACECF; returns the exchange to record. */
async function storeAnswer(
  ctx: EcfContext,
  row: ReceivedEcf,
  target: 'dgii' | 'issuer',
  status: number | null,
  body: unknown,
  url?: string,
): Promise<ReceivedEcfExchange> {
  const at = new Date().toISOString();
  const folder = row.xmlKey.slice(0, row.xmlKey.lastIndexOf('/'));
  const responseKey = `${folder}/${at.replace(/[:.]/g, '')}-acecf-${target}-${crypto.randomUUID().slice(0, 8)}.json`;
  await ctx.files.put(responseKey, JSON.stringify(body ?? null), {
    httpMetadata: { contentType: 'application/json; charset=utf-8' },
  });
  return { at, ...(url ? { url } : {}), requestKey: row.acecfXmlKey ?? undefined, responseKey, status };
}

function detail(error: unknown): string {
  const status = error instanceof PeerError || error instanceof DgiiError ? error.status : null;
  return status ? `HTTP ${status}` : (error instanceof Error ? error.message : String(error)).replace(/^[a-z]+: /, '');
}
