/**
 * Cancelling unused e-NCF ranges with a signed ANECF (DGII's anulacionrangos). The range is first
 * reserved under the sequence's row lock (reserve_ecf_cancellation), which allocate_document_number
 * honours, so no issue can take a number of it from then on; then the ANECF is built, signed, kept in
 * the shop's files and sent. DGII refusing it frees the range again; DGII out of reach leaves it
 * blocked as 'unconfirmed' (DGII may have cancelled it) until a retry gets an answer.
 */
import { can } from '../../auth/permissions';
import type { DgiiEnvironment } from '../../ecf/dgii/endpoints';
import { DgiiError } from '../../ecf/dgii/errors';
import { EcfBuildError } from '../../ecf/model';
import { signXml } from '../../ecf/sign';
import { buildAnecfXml } from '../../ecf/xml';
import { AppError } from '../../errors';
import { t } from '../../i18n/es-DO';
import { actorLabel, recordActivity } from '../../queries/audit';
import {
  type CancellableSequence,
  deleteEcfCancellation,
  ecfCancellationsPageData,
  type EcfCancellationRow,
  findEcfCancellation,
  reserveEcfCancellation,
  updateEcfCancellation,
} from '../../queries/ecf-cancellations';
import { getCompanyTaxId } from '../../queries/ecf-settings';
import type { ShopContext } from './context';
import { dgiiClient } from './ecf';
import { loadSigningCredentials } from './ecf-settings';

export type { CancellableSequence, EcfCancellationRow };

export interface EcfRangeInput {
  sequenceId: string;
  from: number;
  to: number;
}

function ensureManage(ctx: ShopContext): void {
  if (!can(ctx.actor, 'sequences.manage')) throw new AppError('forbidden');
}

function invalid(field: string, message: string): AppError {
  return new AppError('validation', message, { [field]: message });
}

const refusalField = { not_found: 'sequenceId', outside: 'to', used: 'from', cancelled: 'from' } as const;

/** The /ecf/cancellations page: the E sequences to pick from and the ranges cancelled so far. */
export async function ecfCancellationsPage(
  ctx: ShopContext,
): Promise<{ sequences: CancellableSequence[]; cancellations: EcfCancellationRow[] }> {
  if (!can(ctx.actor, 'sequences.view')) throw new AppError('forbidden');
  return ecfCancellationsPageData(ctx.db);
}

/**
 * Cancels numbers `from`..`to` of one E sequence: 422 when the shop cannot sign, the range is
 * outside the sequence, any of its numbers was issued, or it overlaps a cancelled range; 409 with
 * DGII's words when DGII refuses it. Returns the cancellation ('accepted', or 'unconfirmed' when
 * DGII could not be reached).
 */
export async function cancelEcfRange(ctx: ShopContext, input: EcfRangeInput): Promise<EcfCancellationRow> {
  ensureManage(ctx);
  const signing = await loadSigningCredentials(ctx);
  if (!signing) throw invalid('sequenceId', t('ecfSubmissions.error.noSettings'));
  const rnc = await getCompanyTaxId(ctx.db);
  if (!rnc) throw invalid('sequenceId', t('ecfCancellations.error.noRnc'));
  const reserved = await reserveEcfCancellation(ctx.db, { ...input, requestedBy: actorLabel(ctx.actor) });
  if (!reserved.ok) throw invalid(refusalField[reserved.reason], t(`ecfCancellations.refusal.${reserved.reason}`));
  let signed: string;
  try {
    signed = await signXml(
      buildAnecfXml({
        issuerRnc: rnc,
        generatedAt: new Date(),
        ranges: [{ from: reserved.firstEncf, to: reserved.lastEncf }],
      }),
      signing.credentials,
    );
  } catch (error) {
    await deleteEcfCancellation(ctx.db, reserved.id);
    if (error instanceof EcfBuildError)
      throw invalid('from', t('ecfCancellations.error.build', { message: error.message }));
    throw error;
  }
  const anecfXmlKey = `ecf/anecf/${reserved.id}/${rnc}-${reserved.firstEncf}-${reserved.lastEncf}.xml`;
  await ctx.files.put(anecfXmlKey, signed, { httpMetadata: { contentType: 'application/xml; charset=utf-8' } });
  const row = await updateEcfCancellation(ctx.db, reserved.id, { anecfXmlKey, environment: signing.environment });
  return sendCancellation(ctx, row!, signed, signing);
}

/** An 'unconfirmed' cancellation sent again (the same signed ANECF) until DGII answers. */
export async function retryEcfCancellation(ctx: ShopContext, id: string): Promise<EcfCancellationRow> {
  ensureManage(ctx);
  const row = await findEcfCancellation(ctx.db, id);
  if (!row) throw new AppError('not_found');
  if (row.state !== 'unconfirmed' || !row.anecfXmlKey)
    throw new AppError('conflict', t('ecfCancellations.error.notUnconfirmed'));
  const signing = await loadSigningCredentials(ctx);
  if (!signing) throw invalid('sequenceId', t('ecfSubmissions.error.noSettings'));
  const stored = await ctx.files.get(row.anecfXmlKey);
  if (!stored) throw new Error(`stored ANECF missing: ${row.anecfXmlKey}`);
  return sendCancellation(ctx, row, await stored.text(), signing);
}

async function sendCancellation(
  ctx: ShopContext,
  row: EcfCancellationRow,
  signed: string,
  signing: NonNullable<Awaited<ReturnType<typeof loadSigningCredentials>>>,
): Promise<EcfCancellationRow> {
  const environment = (row.environment ?? signing.environment) as DgiiEnvironment;
  const client = dgiiClient(ctx, environment, signing.credentials);
  const folder = row.anecfXmlKey!.slice(0, row.anecfXmlKey!.lastIndexOf('/'));
  const keep = async (body: unknown) => {
    const key = `${folder}/${new Date().toISOString().replace(/[:.]/g, '')}-anulacionrangos.json`;
    await ctx.files.put(key, JSON.stringify(body ?? null), {
      httpMetadata: { contentType: 'application/json; charset=utf-8' },
    });
    return key;
  };
  const details = {
    type: row.docType,
    from: row.firstEncf,
    to: row.lastEncf,
    count: row.toNumber - row.fromNumber + 1,
  };
  try {
    const answer = await client.cancelRange(signed, `${row.firstEncf}-${row.lastEncf}.xml`);
    const done = await updateEcfCancellation(ctx.db, row.id, {
      state: 'accepted',
      responseKey: await keep(answer),
      dgiiCode: String(answer.codigo ?? ''),
      dgiiMessages: (answer.mensajes ?? []).map(String),
      lastError: null,
    });
    await recordActivity(ctx.db, ctx.actor, 'ecf.range.cancelled', details);
    return done!;
  } catch (error) {
    if (error instanceof DgiiError && error.kind === 'rejected') {
      await keep(error.body ?? error.message);
      await deleteEcfCancellation(ctx.db, row.id);
      await recordActivity(ctx.db, ctx.actor, 'ecf.range.refused', { ...details, message: error.message });
      throw new AppError('conflict', t('ecfCancellations.error.refused', { message: error.message }));
    }
    if (!(error instanceof DgiiError)) throw error;
    const parked = await updateEcfCancellation(ctx.db, row.id, {
      state: 'unconfirmed',
      lastError: t('ecfCancellations.error.unreachable', { detail: error.message }).slice(0, 500),
      ...(error.body ? { responseKey: await keep(error.body) } : {}),
    });
    await recordActivity(ctx.db, ctx.actor, 'ecf.range.unconfirmed', details);
    return parked!;
  }
}
