/**
 * DGII's "incapacidad técnica" (Norma 06-2018 / Ley 32-23 contingency rules, see docs/ecf.md): when the
 * shop cannot emit e-CF at all, it issues B-series NCF of the matching type (E31 -> B01, E32 -> B02,
 * ...) from its authorised B ranges. An owner or admin opens and closes the period on /ecf; issuing an
 * E-series invoice meanwhile takes the B type; when the period ends, each of those documents gets the
 * e-CF that replaces it (CodigoModificacion 4, referencing the B NCF), sent to DGII only.
 */
import { can } from '../../auth/permissions';
import { raisedCode } from '../../db/raised';
import { shopToday } from '../../domain/dates';
import { AppError } from '../../errors';
import { t } from '../../i18n/es-DO';
import { actorLabel, recordActivity } from '../../queries/audit';
import {
  closeEcfFallback,
  type EcfFallbackRow,
  ecfFallbackPageData,
  insertEcfFallback,
  markReplaced,
  pendingReplacements,
  replacementNumber,
} from '../../queries/ecf-fallbacks';
import type { ShopContext } from './context';
import { type EcfContext, prepareReplacementEcf } from './ecf';

export type { EcfFallbackRow };

/** DGII's non-electronic type for each e-CF type (Norma 06-2018 types B01-B17). */
export const fallbackSeries: Readonly<Record<string, string>> = {
  E31: 'B01',
  E32: 'B02',
  E33: 'B03',
  E34: 'B04',
  E41: 'B11',
  E43: 'B13',
  E44: 'B14',
  E45: 'B15',
  E46: 'B16',
  E47: 'B17',
};

function ensureManage(ctx: ShopContext): void {
  if (!can(ctx.actor, 'sequences.manage')) throw new AppError('forbidden');
}

export interface EcfFallbackPage {
  open: EcfFallbackRow | null;
  periods: Array<EcfFallbackRow & { issued: number; pending: number }>;
}

export async function ecfFallbackPage(ctx: ShopContext): Promise<EcfFallbackPage> {
  if (!can(ctx.actor, 'invoices.view')) throw new AppError('forbidden');
  const { periods, counts } = await ecfFallbackPageData(ctx.db);
  const byId = new Map(counts.map((count) => [count.fallbackId, count]));
  return {
    open: periods.find((period) => period.endedAt === null) ?? null,
    periods: periods.map((period) => ({
      ...period,
      issued: byId.get(period.id)?.issued ?? 0,
      pending: byId.get(period.id)?.pending ?? 0,
    })),
  };
}

/** Opens a period (422 without a reason, 409 when one is open); recorded in the activity log. */
export async function startEcfFallback(ctx: ShopContext, input: { reason: string }): Promise<EcfFallbackRow> {
  ensureManage(ctx);
  const reason = input.reason.trim();
  if (!reason)
    throw new AppError('validation', t('ecfFallback.validation.reason'), {
      reason: t('ecfFallback.validation.reason'),
    });
  const started = await insertEcfFallback(ctx.db, { reason, startedBy: actorLabel(ctx.actor) });
  if (!started.ok) throw new AppError('conflict', t('ecfFallback.error.alreadyOpen'));
  await recordActivity(ctx.db, ctx.actor, 'ecf.fallback.started', { reason, startedAt: started.row.startedAt });
  return started.row;
}

/** Closes the open period (409 when none is) and prepares the replacing e-CF of what it issued. */
export async function endEcfFallback(
  ctx: ShopContext,
): Promise<{ period: EcfFallbackRow; replaced: number; pending: number }> {
  ensureManage(ctx);
  const period = await closeEcfFallback(ctx.db, actorLabel(ctx.actor));
  if (!period) throw new AppError('conflict', t('ecfFallback.error.notOpen'));
  await recordActivity(ctx.db, ctx.actor, 'ecf.fallback.ended', {
    startedAt: period.startedAt,
    endedAt: period.endedAt,
  });
  return { period, ...(await replaceFallbackDocuments(ctx)) };
}

/**
 * Prepares the replacing e-CF of every B-series document of ended periods that has none yet; a
 * document that cannot be prepared now (no E sequence, DGII's format) stays pending for the next run.
 */
export async function replaceFallbackDocuments(ctx: EcfContext): Promise<{ replaced: number; pending: number }> {
  const pending = await pendingReplacements(ctx.db);
  let replaced = 0;
  for (const doc of pending) {
    try {
      const number = await replacementNumber(ctx.db, doc, shopToday());
      if (!number) continue;
      const row = await prepareReplacementEcf(ctx, doc.invoiceId, {
        ecfType: doc.ecfType,
        encf: number.encf,
        validUntil: number.validUntil,
      });
      if (!row) continue;
      await markReplaced(ctx.db, doc.invoiceId);
      replaced++;
    } catch (error) {
      // Refused (no E sequence of the type, DGII's format): it stays pending for the next run.
      if (error instanceof AppError || raisedCode(error) !== null) continue;
      throw error;
    }
  }
  return { replaced, pending: pending.length - replaced };
}

/** "Generar e-CF pendientes": the replacements again, for documents a first run could not finish. */
export async function retryFallbackReplacements(ctx: ShopContext): Promise<{ replaced: number; pending: number }> {
  ensureManage(ctx);
  return replaceFallbackDocuments(ctx);
}
