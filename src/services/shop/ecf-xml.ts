import { AppError } from '../../errors';
import { branchScope } from '../../queries/branch-scope';
import { signedEcfKey } from '../../queries/invoices';
import { requireRight, type ShopContext } from './context';

/**
 * The signed e-CF XML of an invoice or credit note, as stored when it was signed and sent to DGII.
 * 404 for a document without an e-CF (B-series), of another kind, outside the actor's branches, or
 * of another shop (its id is simply unknown here).
 */
export async function signedEcfXml(
  ctx: ShopContext,
  id: string,
  kind: 'invoice' | 'credit_note',
): Promise<{ encf: string; xml: string }> {
  requireRight(ctx, 'invoices.view');
  const found = await signedEcfKey(ctx.db, id, { kind, scope: branchScope(ctx.actor) });
  if (!found) throw new AppError('not_found');
  const object = await ctx.files.get(found.key);
  if (!object) throw new AppError('not_found');
  return { encf: found.encf, xml: await object.text() };
}
