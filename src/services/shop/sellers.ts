import { can } from '../../auth/permissions';
import { AppError } from '../../errors';
import { t } from '../../i18n/es-DO';
import type { ShopContext } from './context';

/**
 * Everyone sells as themselves; naming someone else as a document's seller needs `sellers.change`
 * (403 in the API and the UI alike: the form only shows the select to those who may use it).
 */
export function ensureMaySetSeller(ctx: ShopContext, sellerId: string | null | undefined): void {
  if (sellerId && sellerId !== ctx.actor.id && !can(ctx.actor, 'sellers.change'))
    throw new AppError('forbidden', t('sellers.forbidden'));
}
