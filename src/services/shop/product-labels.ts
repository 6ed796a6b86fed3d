import { can } from '../../auth/permissions';
import { AppError } from '../../errors';
import { type LabelProduct, labelProducts } from '../../queries/barcodes';
import type { ProductLabelsQuery } from '../../schemas/product-labels';
import type { ShopContext } from './context';

export type { LabelProduct };

export interface LabelSheet {
  layout: ProductLabelsQuery['layout'];
  copies: number;
  /** The products asked for, in that order; each printed `copies` times. */
  products: LabelProduct[];
}

/** The products of a label sheet (one statement); an id this shop does not have is a 404. */
export async function productLabelSheet(ctx: ShopContext, query: ProductLabelsQuery): Promise<LabelSheet> {
  if (!can(ctx.actor, 'products.view')) throw new AppError('forbidden');
  const products = await labelProducts(ctx.db, query.product);
  if (products.length !== query.product.length) throw new AppError('not_found');
  return { layout: query.layout, copies: query.copies, products };
}
