import { AppError } from '../../errors';
import { t } from '../../i18n/es-DO';
import {
  archiveLabStage as archiveStage,
  createLabStage as insertStage,
  getLabStage,
  listLabStages as selectStages,
  markInitialLabStage,
  moveLabStage,
  updateLabStage as changeStage,
  type LabStageRow,
  type LabStageValues,
  type StageWrite,
} from '../../queries/lab-stages';
import { requireRight, type ShopContext } from './context';

export type { LabStageRow, LabStageValues };

export { labStageColors } from '../../schemas/lab-stages';

const log = (ctx: ShopContext, action: string) => ({ actor: ctx.actor, action });

export async function listLabStages(ctx: ShopContext): Promise<LabStageRow[]> {
  requireRight(ctx, 'labStages.manage');
  return selectStages(ctx.db);
}

/** A duplicate name is the name field's 422; `refused` is explained by the stage as it is now. */
async function written(ctx: ShopContext, id: string | null, result: StageWrite, why: (stage: LabStageRow) => AppError) {
  if (result.ok) return;
  if (result.reason === 'duplicate')
    throw new AppError('validation', t('labStages.validation.duplicate'), {
      name: t('labStages.validation.duplicate'),
    });
  const stage = id ? await getLabStage(ctx.db, id) : null;
  if (!stage) throw new AppError('not_found');
  throw why(stage);
}

export async function createLabStage(ctx: ShopContext, values: LabStageValues): Promise<void> {
  requireRight(ctx, 'labStages.manage');
  const result = await insertStage(ctx.db, values, log(ctx, 'labStage.created'));
  await written(ctx, null, result, () => new AppError('conflict'));
}

export async function updateLabStage(ctx: ShopContext, id: string, values: LabStageValues): Promise<void> {
  requireRight(ctx, 'labStages.manage');
  const result = await changeStage(ctx.db, id, values, log(ctx, 'labStage.updated'));
  await written(ctx, id, result, (stage) => {
    const message = stage.isInitial ? t('labStages.validation.initialFinal') : t('labStages.validation.finalInUse');
    return new AppError('validation', message, { outcome: message });
  });
}

export async function markInitialStage(ctx: ShopContext, id: string): Promise<void> {
  requireRight(ctx, 'labStages.manage');
  const result = await markInitialLabStage(ctx.db, id, log(ctx, 'labStage.initial'));
  await written(ctx, id, result, () => new AppError('conflict', t('labStages.validation.initialFinal')));
}

export async function reorderLabStage(ctx: ShopContext, id: string, direction: 'up' | 'down'): Promise<void> {
  requireRight(ctx, 'labStages.manage');
  const result = await moveLabStage(ctx.db, id, direction, log(ctx, 'labStage.moved'));
  // Already first (or last): nothing to swap with, nothing to refuse.
  if (!result.ok && result.reason === 'refused' && (await getLabStage(ctx.db, id))) return;
  await written(ctx, id, result, () => new AppError('conflict'));
}

export async function archiveLabStage(ctx: ShopContext, id: string): Promise<void> {
  requireRight(ctx, 'labStages.manage');
  const result = await archiveStage(ctx.db, id, log(ctx, 'labStage.archived'));
  await written(ctx, id, result, (stage) =>
    stage.isInitial
      ? new AppError('conflict', t('labStages.archive.initial', { name: stage.name }))
      : new AppError('conflict', t('labStages.archive.openOrders', { name: stage.name, count: stage.openOrders })),
  );
}
