import { fieldErrors } from '../http/forms';
import { AppError } from '../errors';
import { factory } from '../http/factory';
import { requirePermission } from '../http/session';
import { shopContext } from '../http/shop';
import { productLabelsQuery } from '../schemas/product-labels';
import { productLabelSheet } from '../services/shop/product-labels';
import { ProductLabelsPage } from '../views/product-labels';

export const productLabelsRoutes = factory.createApp();

productLabelsRoutes.get('/products/labels', requirePermission('products.view'), async (c) => {
  const parsed = productLabelsQuery.safeParse({
    product: c.req.queries('product') ?? [],
    copies: c.req.query('copies') || undefined,
    layout: c.req.query('layout') || undefined,
  });
  if (!parsed.success) throw new AppError('validation', null, fieldErrors(parsed.error) as Record<string, string>);
  const sheet = await productLabelSheet(shopContext(c), parsed.data);
  return c.html(<ProductLabelsPage sheet={sheet} />);
});
