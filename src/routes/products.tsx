import { wantsFragment } from '../http/fragments';
import type { Context } from 'hono';
import { z } from 'zod';
import { requirePermission } from '../http/session';
import { can } from '../auth/permissions';
import { decodeCursor, encodeCursor } from '../http/cursors';
import type { SignedInEnv } from '../http/env';
import { AppError } from '../errors';
import { recordActivity } from '../queries/audit';
import { factory } from '../http/factory';
import { validForm } from '../http/forms';
import { t } from '../i18n/es-DO';
import { createProduct, getProduct, listProducts, listTaxes, updateProduct } from '../queries/products';
import { productForm, productListQuery } from '../schemas/products';
import type { FieldErrors } from '../errors';
import {
  ProductDetail,
  ProductForm,
  ProductResults,
  ProductsPage,
  productFormValues,
  submittedProduct,
  type ProductFormValues,
} from '../views/products';

/** Shop screens: products. */
export const productsRoutes = factory.createApp();

const pageSize = 25;

/** An htmx request that swaps a region (search, pager) - not a boosted full-page navigation. */

function listHref(params: Record<string, string | undefined>): string {
  const query = new URLSearchParams(
    Object.entries(params).filter((entry): entry is [string, string] => Boolean(entry[1])),
  );
  const text = query.toString();
  return `/products${text ? `?${text}` : ''}`;
}

productsRoutes.get('/products', requirePermission('products.view'), async (c) => {
  const user = c.var.session;
  const parsed = productListQuery.safeParse({
    q: c.req.query('q') ?? undefined,
    category: c.req.query('category') ?? undefined,
  });
  const filter = parsed.success ? parsed.data : {};
  const cursor = decodeCursor(c.req.query('cursor'));
  const after =
    cursor && cursor.length === 2 && z.uuid().safeParse(cursor[1]).success
      ? { name: String(cursor[0]), id: String(cursor[1]) }
      : null;
  const { rows, next } = await listProducts(c.var.db, {
    q: filter.q,
    category: filter.category,
    branchId: user.branch?.id ?? null,
    after,
    limit: pageSize,
  });
  const list = {
    rows,
    branchName: user.branch?.name ?? null,
    nextHref: next
      ? listHref({ q: filter.q, category: filter.category, cursor: encodeCursor([next.name, next.id]) })
      : null,
    firstHref: after ? listHref({ q: filter.q, category: filter.category }) : null,
  };
  if (wantsFragment(c.req.raw)) return c.html(<ProductResults {...list} />);
  return c.render(
    <ProductsPage
      {...list}
      q={filter.q ?? ''}
      category={filter.category ?? ''}
      canManage={can(user.role, 'products.manage')}
    />,
    { title: t('products.title'), current: '/products' },
  );
});

async function renderNew(
  c: Context<SignedInEnv>,
  values: ProductFormValues,
  errors: FieldErrors | undefined,
  status: 200 | 422,
) {
  const taxes = await listTaxes(c.var.db);
  c.status(status);
  return c.render(
    <>
      <div class="page-head">
        <h1>{t('products.new')}</h1>
      </div>
      <ProductForm action="/products" values={values} taxes={taxes} errors={errors} submitLabel={t('products.save')} />
    </>,
    { title: t('products.new'), current: '/products' },
  );
}

productsRoutes.get('/products/new', requirePermission('products.manage'), (c) => renderNew(c, {}, undefined, 200));

productsRoutes.post(
  '/products',
  requirePermission('products.manage'),
  validForm(productForm, (c, errors, submitted) => renderNew(c, submittedProduct(submitted), errors, 422)),
  async (c) => {
    const input = c.req.valid('form');
    const result = await createProduct(c.var.db, input);
    if (!result.ok) {
      const field = result.field ?? 'taxCode';
      return renderNew(
        c,
        submittedProduct(await c.req.parseBody()),
        { [field]: field === 'sku' ? t('products.validation.skuTaken') : t('products.validation.tax') },
        422,
      );
    }
    await recordActivity(c.var.db, c.var.session, 'product.created', {
      productId: result.product.id,
      sku: result.product.sku,
      name: result.product.name,
    });
    return c.redirect(`/products/${result.product.id}?created=1`, 303);
  },
);

const idParam = z.object({ id: z.uuid() });

async function renderProduct(
  c: Context<SignedInEnv>,
  id: string,
  form: { values?: ProductFormValues; errors?: FieldErrors } = {},
  status: 200 | 422 = 200,
) {
  const user = c.var.session;
  const canManage = can(user.role, 'products.manage');
  const [product, taxes] = await Promise.all([
    getProduct(c.var.db, id),
    canManage ? listTaxes(c.var.db, id) : Promise.resolve([]),
  ]);
  if (!product) throw new AppError('not_found');
  const allowed = new Set(user.branches.map((branch) => branch.id));
  const levels = can(user.role, 'branches.all')
    ? product.levels
    : product.levels.filter((level) => allowed.has(level.branchId));
  const notice = c.req.query('created') ? t('products.created') : c.req.query('saved') ? t('products.saved') : null;
  c.status(status);
  return c.render(
    <ProductDetail
      product={product}
      levels={levels}
      taxes={taxes}
      notice={status === 200 ? notice : null}
      form={canManage ? { values: form.values ?? productFormValues(product), errors: form.errors } : null}
      canAdjust={can(user.role, 'stock.adjust')}
      canTransfer={can(user.role, 'stock.transfer')}
    />,
    { title: product.name, current: '/products' },
  );
}

productsRoutes.get('/products/:id', requirePermission('products.view'), async (c) => {
  const parsed = idParam.safeParse(c.req.param());
  if (!parsed.success) throw new AppError('not_found');
  return renderProduct(c, parsed.data.id);
});

productsRoutes.post(
  '/products/:id',
  requirePermission('products.manage'),
  async (c, next) => {
    if (!idParam.safeParse(c.req.param()).success) throw new AppError('not_found');
    await next();
  },
  validForm(productForm, (c, errors, submitted) =>
    renderProduct(c, c.req.param('id')!, { values: submittedProduct(submitted), errors }, 422),
  ),
  async (c) => {
    const id = c.req.param('id');
    const result = await updateProduct(c.var.db, id, c.req.valid('form'));
    if (!result.ok) {
      if (result.field === null) throw new AppError('not_found');
      const message = result.field === 'sku' ? t('products.validation.skuTaken') : t('products.validation.tax');
      return renderProduct(
        c,
        id,
        { values: submittedProduct(await c.req.parseBody()), errors: { [result.field]: message } },
        422,
      );
    }
    await recordActivity(c.var.db, c.var.session, 'product.updated', {
      productId: id,
      sku: result.product.sku,
      name: result.product.name,
    });
    return c.redirect(`/products/${id}?saved=1`, 303);
  },
);
