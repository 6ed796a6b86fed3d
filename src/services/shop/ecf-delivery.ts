/**
 * Sending an accepted e-CF to its buyer (DGII's "comunicación emisor - receptor"): once DGII has
 * accepted it, an e-CF of a type that goes to another taxpayer is sent to the buyer's reception
 * service found in DGII's directory, and the buyer's signed acknowledgement (ARECF) is kept. A
 * buyer who is not in the directory is not an electronic receiver: nothing is sent (DGII then
 * expects the printed copy). Queue delivery is at least once; a send happens only after claiming
 * the row (claimEcfDelivery), so duplicated or concurrent messages never send a document twice.
 */
import { z } from 'zod';
import { createDgiiClient } from '../../ecf/dgii/client';
import type { DgiiEnvironment } from '../../ecf/dgii/endpoints';
import { DgiiError } from '../../ecf/dgii/errors';
import { seedSigner } from '../../ecf/dgii/signer';
import { createPeerClient, PeerError } from '../../ecf/peer/client';
import { t } from '../../i18n/es-DO';
import type { EcfRow } from '../../queries/ecf';
import {
  claimEcfDelivery,
  dueEcfDeliveries,
  finishEcfDelivery,
  markEcfDeliveryDue,
  markMissedDeliveriesDue,
} from '../../queries/ecf-delivery';
import type { EcfContext } from './ecf';
import { loadSigningCredentials } from './ecf-settings';

export const ecfDeliveryJob = 'ecf.deliver';

export const ecfDeliveryPayload = z.object({ id: z.string().uuid() });

/**
 * The e-CF types DGII lets an issuer send to another taxpayer: its reception service refuses
 * 32, 41, 43, 45, 46 and 47 ("no aplican para ser enviados a otro contribuyente", Descripción
 * Técnica v1.6, Emisor-Receptor).
 */
export const deliverableEcfTypes = ['31', '33', '34', '44'] as const;

/** After this many tries a delivery is given up (`failed`); the shop hands over the printed copy. */
export const maxDeliveryAttempts = 8;

/** The next try after 1, 2, 4 ... minutes, at most an hour apart (DGII recommends exponential backoff). */
export function deliveryBackoffSeconds(attempts: number): number {
  return Math.min(60 * 2 ** Math.max(0, attempts - 1), 3600);
}

export interface EcfDeliveryOptions {
  /** How the buyer's host is reached; tests route it into the same Worker. */
  peerFetch?: typeof fetch;
}

/**
 * After DGII accepted an e-CF: marks its delivery due and queues it, once, when its type goes to
 * a buyer. Returns whether a delivery was queued.
 */
export async function queueEcfDelivery(ctx: Pick<EcfContext, 'db' | 'jobs'>, id: string): Promise<boolean> {
  const row = await markEcfDeliveryDue(ctx.db, id, deliverableEcfTypes);
  if (!row) return false;
  await ctx.jobs.send(ecfDeliveryJob, { id });
  return true;
}

/**
 * One delivery of `ecf.deliver`: claims the row (or does nothing when another delivery holds it,
 * it is not due, or it is done), looks the buyer up in DGII's directory, sends the signed e-CF to
 * the buyer's reception service and keeps its ARECF. Failures wait and try again, up to
 * `maxDeliveryAttempts`; the queue message is always acked.
 */
export async function deliverEcf(
  ctx: EcfContext,
  id: string,
  options: EcfDeliveryOptions = {},
): Promise<EcfRow['deliveryState'] | 'skipped'> {
  const row = await claimEcfDelivery(ctx.db, id);
  if (!row) return 'skipped';
  try {
    const signing = await loadSigningCredentials(ctx);
    if (!signing) throw new Error(t('ecfInbox.delivery.noSettings'));
    const object = await ctx.files.get(row.signedXmlKey);
    if (!object) throw new Error(`stored XML missing: ${row.signedXmlKey}`);
    const xml = await object.text();
    const issuerRnc = element(xml, 'RNCEmisor');
    const buyerRnc = element(xml, 'RNCComprador');
    if (!issuerRnc) throw new Error('RNCEmisor missing from the stored XML');
    if (!buyerRnc) return finish(ctx, row, { state: 'not_receiver' });
    const signer = seedSigner(signing.credentials);
    const dgii = createDgiiClient({
      environment: row.environment as DgiiEnvironment,
      baseUrl: ctx.env.DGII_BASE_URL,
      cache: ctx.cache,
      signer,
    });
    const receiver = await dgii.lookupReceiver(buyerRnc);
    if (!receiver) return finish(ctx, row, { state: 'not_receiver' });
    const peer = createPeerClient({ signer, fetch: options.peerFetch });
    const acknowledgement = await peer.sendEcf(receiver, xml, { issuerRnc, encf: row.encf });
    const folder = row.signedXmlKey.slice(0, row.signedXmlKey.lastIndexOf('/'));
    const arecfXmlKey = `${folder}/arecf-${buyerRnc}${row.encf}.xml`;
    await ctx.files.put(arecfXmlKey, acknowledgement.xml, {
      httpMetadata: { contentType: 'application/xml; charset=utf-8' },
    });
    return finish(ctx, row, {
      state: acknowledgement.received ? 'delivered' : 'not_received',
      arecfXmlKey,
      error: acknowledgement.received
        ? null
        : t('ecfInbox.delivery.notReceived', {
            reason: t(
              `ecfInbox.delivery.reason.${acknowledgement.notReceivedReason ?? 1}` as 'ecfInbox.delivery.reason.1',
            ),
          }),
    });
  } catch (error) {
    const message = describeFailure(error).slice(0, 500);
    if (row.deliveryAttempts >= maxDeliveryAttempts) return finish(ctx, row, { state: 'failed', error: message });
    const delay = deliveryBackoffSeconds(row.deliveryAttempts);
    const state = await finish(ctx, row, {
      state: 'pending',
      error: message,
      nextAt: new Date(Date.now() + delay * 1000),
    });
    if (state === 'pending') await ctx.jobs.send(ecfDeliveryJob, { id: row.id }, { delaySeconds: delay });
    return state;
  }
}

/**
 * The scheduled sweep: queues again every delivery whose next try is due or that was abandoned,
 * and starts the ones an accepted e-CF missed.
 */
export async function resendDueDeliveries(ctx: Pick<EcfContext, 'db' | 'jobs'>, limit = 500): Promise<number> {
  await markMissedDeliveriesDue(ctx.db, deliverableEcfTypes, limit);
  const due = await dueEcfDeliveries(ctx.db, limit);
  for (const row of due) await ctx.jobs.send(ecfDeliveryJob, { id: row.id });
  return due.length;
}

async function finish(
  ctx: EcfContext,
  row: EcfRow,
  values: Parameters<typeof finishEcfDelivery>[2],
): Promise<EcfRow['deliveryState'] | 'skipped'> {
  const done = await finishEcfDelivery(ctx.db, row, values);
  return done ? done.deliveryState : 'skipped';
}

function element(xml: string, name: string): string | null {
  return new RegExp(`<${name}>([^<]+)</${name}>`).exec(xml)?.[1]?.trim() ?? null;
}

/** Why a delivery failed, in Spanish for the shop. */
function describeFailure(error: unknown): string {
  const status = error instanceof PeerError || error instanceof DgiiError ? error.status : null;
  const detail = status
    ? `HTTP ${status}`
    : (error instanceof Error ? error.message : String(error)).replace(/^[a-z]+: /, '');
  if (error instanceof PeerError) return t(`ecfInbox.delivery.error.${error.kind}`, { detail });
  if (error instanceof DgiiError) return t('ecfInbox.delivery.error.directory', { detail });
  return t('ecfInbox.delivery.error.unexpected', { detail });
}
