import type { Context } from 'hono';
import { can } from '../auth/permissions';
import { AppError, type FieldErrors } from '../errors';
import { productCursor } from '../http/cursors';
import type { SignedInEnv } from '../http/env';
import { factory } from '../http/factory';
import { fieldErrors, validForm } from '../http/forms';
import { wantsFragment } from '../http/fragments';
import { idParam } from '../http/ids';
import { requirePermission } from '../http/session';
import { shopContext } from '../http/shop';
import { t } from '../i18n/es-DO';
import { productForm, productListQuery } from '../schemas/products';
import { addProductBarcode, generateProductBarcode, removeProductBarcode } from '../services/shop/barcodes';
import { generateVariants } from '../services/shop/variants';
import { variantsForm } from '../schemas/variants';
import {
  createProduct,
  getProductPage,
  listProducts,
  productFormOptions,
  updateProduct,
} from '../services/shop/products';
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
  const after = productCursor.decode(c.req.query('cursor'));
  const { rows, next } = await listProducts(shopContext(c), {
    q: filter.q,
    category: filter.category,
    withOnHand: true,
    after,
    limit: pageSize,
  });
  const list = {
    rows,
    branchName: user.branch?.name ?? null,
    nextHref: next ? listHref({ q: filter.q, category: filter.category, cursor: productCursor.encode(next) }) : null,
    firstHref: after ? listHref({ q: filter.q, category: filter.category }) : null,
  };
  if (wantsFragment(c.req.raw)) return c.html(<ProductResults {...list} />);
  return c.render(
    <ProductsPage
      {...list}
      q={filter.q ?? ''}
      category={filter.category ?? ''}
      canManage={can(user, 'products.manage')}
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
  const { taxes, lists } = await productFormOptions(shopContext(c));
  c.status(status);
  return c.render(
    <>
      <div class="page-head">
        <h1>{t('products.new')}</h1>
      </div>
      <ProductForm
        action="/products"
        values={values}
        taxes={taxes}
        lists={lists}
        errors={errors}
        submitLabel={t('products.save')}
      />
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
    try {
      const product = await createProduct(shopContext(c), c.req.valid('form'));
      return c.redirect(`/products/${product.id}?created=1`, 303);
    } catch (error) {
      return renderNew(c, submittedProduct(await c.req.parseBody({ all: true })), formErrors(error), 422);
    }
  },
);

/** The form's field errors of a refused write (a taken SKU, an unknown tax); anything else propagates. */
function formErrors(error: unknown): FieldErrors {
  if (error instanceof AppError && (error.code === 'validation' || error.code === 'conflict') && error.fields)
    return error.fields;
  throw error;
}

async function renderProduct(
  c: Context<SignedInEnv>,
  id: string,
  form: {
    values?: ProductFormValues;
    errors?: FieldErrors;
    barcodeError?: { code: string; message: string };
    variantsError?: { message: string; colours: string[]; sizes: string };
  } = {},
  status: 200 | 422 = 200,
) {
  const user = c.var.session;
  const canManage = can(user, 'products.manage');
  const { product, taxes, lists } = await getProductPage(shopContext(c), id);
  const notice = c.req.query('created')
    ? t('products.created')
    : c.req.query('saved')
      ? t('products.saved')
      : c.req.query('barcode') === 'added'
        ? t('catalog.barcodes.added')
        : c.req.query('barcode') === 'removed'
          ? t('catalog.barcodes.removed')
          : c.req.query('variants')
            ? t('catalog.variants.created', {
                created: Number(c.req.query('variants')) || 0,
                existing: Number(c.req.query('existing')) || 0,
              })
            : null;
  c.status(status);
  return c.render(
    <ProductDetail
      product={product}
      barcodeError={form.barcodeError}
      variantsError={form.variantsError}
      levels={product.levels}
      taxes={taxes}
      lists={lists}
      notice={status === 200 ? notice : null}
      form={canManage ? { values: form.values ?? productFormValues(product), errors: form.errors } : null}
      canAdjust={can(user, 'stock.adjust')}
      canTransfer={can(user, 'stock.transfer')}
    />,
    { title: product.name, current: '/products' },
  );
}

productsRoutes.get('/products/:id', requirePermission('products.view'), async (c) => {
  return renderProduct(c, idParam(c));
});

productsRoutes.post(
  '/products/:id',
  requirePermission('products.manage'),
  async (c, next) => {
    idParam(c);
    await next();
  },
  validForm(productForm, (c, errors, submitted) =>
    renderProduct(c, c.req.param('id')!, { values: submittedProduct(submitted), errors }, 422),
  ),
  async (c) => {
    const id = idParam(c);
    try {
      await updateProduct(shopContext(c), id, c.req.valid('form'));
      return c.redirect(`/products/${id}?saved=1`, 303);
    } catch (error) {
      return renderProduct(
        c,
        id,
        { values: submittedProduct(await c.req.parseBody({ all: true })), errors: formErrors(error) },
        422,
      );
    }
  },
);

productsRoutes.post('/products/:id/barcodes', requirePermission('products.manage'), async (c) => {
  const id = idParam(c);
  const body = await c.req.parseBody();
  const typed = typeof body.code === 'string' ? body.code : '';
  try {
    if (body._action === 'generate') await generateProductBarcode(shopContext(c), id);
    else await addProductBarcode(shopContext(c), id, typed);
  } catch (error) {
    if (!(error instanceof AppError && error.code === 'validation' && error.fields?.code)) throw error;
    return renderProduct(c, id, { barcodeError: { code: typed, message: error.fields.code } }, 422);
  }
  return c.redirect(`/products/${id}?barcode=added#barcodes`, 303);
});

productsRoutes.post('/products/:id/barcodes/remove', requirePermission('products.manage'), async (c) => {
  const id = idParam(c);
  const body = await c.req.parseBody();
  await removeProductBarcode(shopContext(c), id, typeof body.code === 'string' ? body.code : '');
  return c.redirect(`/products/${id}?barcode=removed#barcodes`, 303);
});

productsRoutes.post('/products/:id/variants', requirePermission('products.manage'), async (c) => {
  const id = idParam(c);
  const body = await c.req.parseBody({ all: true });
  const typed = {
    colours: (Array.isArray(body.colours) ? body.colours : [body.colours]).filter(
      (value): value is string => typeof value === 'string',
    ),
    sizes: typeof body.sizes === 'string' ? body.sizes : '',
  };
  const form = variantsForm.safeParse(body);
  try {
    if (!form.success)
      throw new AppError(
        'validation',
        Object.values(fieldErrors(form.error))[0] ?? null,
        fieldErrors(form.error) as Record<string, string>,
      );
    const { created, existing } = await generateVariants(shopContext(c), id, form.data);
    return c.redirect(`/products/${id}?variants=${created}&existing=${existing}#variants`, 303);
  } catch (error) {
    if (!(error instanceof AppError && error.code === 'validation')) throw error;
    return renderProduct(
      c,
      id,
      { variantsError: { message: error.publicMessage ?? t('validation.summary'), ...typed } },
      422,
    );
  }
});
