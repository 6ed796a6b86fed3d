import { shopToday } from '../../domain/dates';
import { AppError } from '../../errors';
import { t } from '../../i18n/es-DO';
import { changedFields } from '../../queries/audit';
import {
  createSequence as insertSequence,
  deleteSequence as removeSequence,
  getSequence as selectSequence,
  listSequences as selectSequences,
  sequenceConflicts,
  updateSequence as changeSequence,
  withWarnings,
  type Sequence,
  type SequenceRange,
  type SequenceWithWarnings,
  type SequenceWrite,
} from '../../queries/sequences';
import { checkSequence, type SequenceValues } from '../../schemas/sequences';
import { requireRight, type ShopContext } from './context';

export type { Sequence, SequenceWithWarnings };
export { withWarnings };

const describeSequence = (other: SequenceRange) => `${other.prefix} ${other.rangeStart}-${other.rangeEnd}`;

/**
 * The rules that need the other sequences: no overlapping range of the same type (and prefix),
 * one preferred sequence per type and branch, the branch exists; and, for an existing sequence
 * that already took numbers, type/prefix/start are frozen and the next number never goes back.
 * A 422 with the message of each field at fault.
 */
async function checkConflicts(
  ctx: ShopContext,
  id: string,
  values: SequenceValues,
  current: Sequence | null,
): Promise<void> {
  const errors: Record<string, string> = {};
  if (current?.used && current.docType !== values.docType) errors.docType = t('sequences.validation.usedFrozen');
  if (current?.used && current.prefix !== values.prefix) errors.prefix = t('sequences.validation.usedFrozen');
  if (current?.numbersTaken && current.rangeStart !== values.rangeStart)
    errors.rangeStart = t('sequences.validation.usedFrozen');
  if (current?.numbersTaken && values.nextNumber < current.nextNumber) {
    errors.nextNumber = t('sequences.validation.nextBackwards', { next: String(current.nextNumber) });
  }
  const found = await sequenceConflicts(ctx.db, id, values);
  if (found.overlap)
    errors.rangeStart ??= t('sequences.validation.overlap', { other: describeSequence(found.overlap) });
  if (!found.branchExists) errors.branchId = t('sequences.validation.branch');
  else if (found.branchTaken)
    errors.branchId = t('sequences.validation.branchTaken', { other: describeSequence(found.branchTaken) });
  if (Object.keys(errors).length) throw new AppError('validation', Object.values(errors)[0]!, errors);
}

/** A write refused by the database: the branch's preferred one (422), or a concurrent write in between (409). */
function written(result: SequenceWrite): Sequence {
  if (result.ok) return result.sequence;
  if (result.reason === 'branchTaken') {
    const message = t('sequences.validation.branchTaken', { other: '' });
    throw new AppError('validation', message, { branchId: message });
  }
  if (result.reason === 'overlap') throw new AppError('conflict', t('sequences.validation.overlap', { other: '' }));
  throw new AppError('conflict', t('sequences.conflict'));
}

/** The values of a request, checked across fields (422 with the field messages). */
function checked(raw: Parameters<typeof checkSequence>[0], enteredOn?: string): SequenceValues {
  const result = checkSequence(raw, shopToday(), enteredOn);
  if ('errors' in result) throw new AppError('validation', Object.values(result.errors)[0]!, result.errors);
  return result.values;
}

export async function listSequences(ctx: ShopContext, filter: { docType?: string } = {}): Promise<Sequence[]> {
  requireRight(ctx, 'sequences.view');
  return selectSequences(ctx.db, filter);
}

export async function getSequence(ctx: ShopContext, id: string): Promise<Sequence> {
  requireRight(ctx, 'sequences.view');
  const sequence = await selectSequence(ctx.db, id);
  if (!sequence) throw new AppError('not_found');
  return sequence;
}

/** A new sequence from the form's or the request's fields; its activity entry is written with it. */
export async function createSequence(ctx: ShopContext, raw: Parameters<typeof checkSequence>[0]): Promise<Sequence> {
  requireRight(ctx, 'sequences.manage');
  const values = checked(raw);
  const id = crypto.randomUUID();
  await checkConflicts(ctx, id, values, null);
  return written(await insertSequence(ctx.db, values, { actor: ctx.actor, action: 'sequence.created' }));
}

async function applySequence(ctx: ShopContext, current: Sequence, values: SequenceValues): Promise<Sequence> {
  await checkConflicts(ctx, current.id, values, current);
  const log = { actor: ctx.actor, action: 'sequence.updated', extra: { fields: changedFields(current, values) } };
  return written(await changeSequence(ctx.db, current, values, log));
}

/** Replaces a sequence's fields (the form; a blank authorisation date keeps the stored one). */
export async function updateSequence(
  ctx: ShopContext,
  id: string,
  raw: Parameters<typeof checkSequence>[0],
): Promise<Sequence> {
  requireRight(ctx, 'sequences.manage');
  const current = await getSequence(ctx, id);
  const values = checked(
    { ...raw, authorizedOn: raw.authorizedOn ?? current.authorizedOn },
    current.createdAt.slice(0, 10),
  );
  return applySequence(ctx, current, values);
}

/** Changes the fields given (the API's PATCH). */
export async function patchSequence(
  ctx: ShopContext,
  id: string,
  changes: Partial<Parameters<typeof checkSequence>[0]>,
): Promise<Sequence> {
  requireRight(ctx, 'sequences.manage');
  const current = await getSequence(ctx, id);
  const present = Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined));
  const values = checked(
    {
      docType: current.docType as Parameters<typeof checkSequence>[0]['docType'],
      prefix: current.prefix,
      description: current.description,
      rangeStart: current.rangeStart,
      rangeEnd: current.rangeEnd,
      nextNumber: current.nextNumber,
      validUntil: current.validUntil,
      authorizedOn: current.authorizedOn,
      active: current.active,
      isDefault: current.isDefault,
      branchId: current.branchId,
      // a new type without a new prefix takes the new type's default prefix
      ...('docType' in present && !('prefix' in present) ? { prefix: null } : {}),
      ...present,
    },
    current.createdAt.slice(0, 10),
  );
  return applySequence(ctx, current, values);
}

/** Deletes a sequence that never numbered a document; 409 (sequences.validation.deleteUsed) otherwise. */
export async function deleteSequence(ctx: ShopContext, id: string): Promise<void> {
  requireRight(ctx, 'sequences.manage');
  const outcome = await removeSequence(ctx.db, id, { actor: ctx.actor, action: 'sequence.deleted' });
  if (outcome === 'not_found') throw new AppError('not_found');
  if (outcome === 'used') throw new AppError('conflict', t('sequences.validation.deleteUsed'));
}
