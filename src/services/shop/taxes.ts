import { AppError } from '../../errors';
import { t } from '../../i18n/es-DO';
import {
  createTax as insertTax,
  getTax as selectTax,
  listTaxesWithUsage,
  updateTax as changeTax,
  type TaxWithUsage,
  type TaxWriteResult,
} from '../../queries/taxes';
import type { TaxChanges, TaxCreateInput } from '../../schemas/taxes';
import { requireRight, type ShopContext } from './context';

export type { TaxWithUsage };

/** A refused write: 404, or a 422 on the field at fault (a locked rate also for the whole form). */
function written(result: TaxWriteResult): TaxWithUsage {
  if (result.ok) return result.tax;
  if (result.reason === 'not_found') throw new AppError('not_found');
  if (result.reason === 'duplicate')
    throw new AppError('validation', t('taxes.validation.duplicate'), { code: t('taxes.validation.duplicate') });
  if (result.reason === 'exemptRate')
    throw new AppError('validation', t('taxes.validation.exemptRate'), { rate: t('taxes.validation.exemptRate') });
  throw new AppError('validation', t('taxes.validation.locked'), {
    rate: t('taxes.validation.locked'),
    _form: t('taxes.validation.locked'),
  });
}

export async function listTaxes(ctx: ShopContext): Promise<TaxWithUsage[]> {
  requireRight(ctx, 'products.view');
  return listTaxesWithUsage(ctx.db);
}

export async function getTax(ctx: ShopContext, id: number): Promise<TaxWithUsage> {
  requireRight(ctx, 'products.manage');
  const tax = await selectTax(ctx.db, id);
  if (!tax) throw new AppError('not_found');
  return tax;
}

export async function createTax(ctx: ShopContext, input: TaxCreateInput): Promise<TaxWithUsage> {
  requireRight(ctx, 'products.manage');
  return written(await insertTax(ctx.db, input, { actor: ctx.actor, action: 'tax.created' }));
}

export async function updateTax(ctx: ShopContext, id: number, changes: TaxChanges): Promise<TaxWithUsage> {
  requireRight(ctx, 'products.manage');
  const log = { actor: ctx.actor, action: 'tax.updated', extra: { fields: Object.keys(changes) } };
  return written(await changeTax(ctx.db, id, changes, log));
}

export async function setTaxActive(ctx: ShopContext, id: number, active: boolean): Promise<TaxWithUsage> {
  requireRight(ctx, 'products.manage');
  const log = { actor: ctx.actor, action: active ? 'tax.activated' : 'tax.deactivated' };
  return written(await changeTax(ctx.db, id, { active }, log));
}
