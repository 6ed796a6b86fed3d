import type { Context } from 'hono';
import { AppError, type FieldErrors } from '../errors';
import type { SignedInEnv } from '../http/env';
import { factory } from '../http/factory';
import { fieldErrors } from '../http/forms';
import { idParam } from '../http/ids';
import { requirePermission } from '../http/session';
import { shopContext } from '../http/shop';
import { t } from '../i18n/es-DO';
import { priceRuleFields, priceUpdateApplyForm, priceUpdateFilter, priceUpdateInput } from '../schemas/price-updates';
import {
  applyPriceUpdate,
  getPriceUpdate,
  previewPriceUpdate,
  priceUpdateFormData,
  type PriceUpdatePreview,
} from '../services/shop/price-updates';
import {
  PriceUpdateDetail,
  PriceUpdatePage,
  submittedPriceUpdate,
  type PriceUpdateValues,
} from '../views/price-updates';

/** Bulk price update (products.prices): filter and rule, preview of every product, apply exactly what was previewed. */
export const priceUpdatesRoutes = factory.createApp();

async function renderPage(
  c: Context<SignedInEnv>,
  page: {
    values?: PriceUpdateValues;
    errors?: FieldErrors;
    preview?: PriceUpdatePreview | null;
    refusal?: string | null;
  } = {},
  status: 200 | 409 | 422 = 200,
) {
  const data = await priceUpdateFormData(shopContext(c));
  c.status(status);
  return c.render(
    <PriceUpdatePage
      values={page.values ?? {}}
      errors={page.errors}
      {...data}
      preview={page.preview}
      refusal={page.refusal}
    />,
    {
      title: t('catalog.prices.title'),
      current: '/products/prices',
    },
  );
}

/** The filter and the rule of a submitted form, or the field errors of both. */
function parsed(body: Record<string, unknown>) {
  const input = priceUpdateInput(body);
  const filter = priceUpdateFilter.safeParse(input.filter);
  const rule = priceRuleFields.safeParse(input.rule);
  if (filter.success && rule.success) return { ok: true as const, filter: filter.data, rule: rule.data };
  return {
    ok: false as const,
    errors: {
      ...(filter.success ? {} : fieldErrors(filter.error)),
      ...(rule.success ? {} : fieldErrors(rule.error)),
    },
  };
}

priceUpdatesRoutes.get('/products/prices', requirePermission('products.prices'), (c) => renderPage(c));

priceUpdatesRoutes.post('/products/prices/preview', requirePermission('products.prices'), async (c) => {
  const body = await c.req.parseBody();
  const values = submittedPriceUpdate(body);
  const form = parsed(body);
  if (!form.ok) return renderPage(c, { values, errors: form.errors }, 422);
  const preview = await previewPriceUpdate(shopContext(c), form.filter, form.rule);
  return renderPage(c, { values, preview });
});

priceUpdatesRoutes.post('/products/prices/apply', requirePermission('products.prices'), async (c) => {
  const body = await c.req.parseBody();
  const values = submittedPriceUpdate(body);
  const form = parsed(body);
  if (!form.ok) return renderPage(c, { values, errors: form.errors }, 422);
  const token = priceUpdateApplyForm.safeParse({ token: body.token });
  try {
    if (!token.success) throw new AppError('conflict', t('catalog.prices.stale'));
    const id = await applyPriceUpdate(shopContext(c), form.filter, form.rule, token.data.token);
    return c.redirect(`/products/prices/${id}?applied=1`, 303);
  } catch (error) {
    if (!(error instanceof AppError && error.code === 'conflict')) throw error;
    // What the prices are now: a fresh preview to look at again before applying.
    const preview = await previewPriceUpdate(shopContext(c), form.filter, form.rule);
    return renderPage(c, { values, preview, refusal: error.publicMessage }, 409);
  }
});

priceUpdatesRoutes.get('/products/prices/:id', requirePermission('products.prices'), async (c) => {
  const update = await getPriceUpdate(shopContext(c), idParam(c));
  return c.render(<PriceUpdateDetail update={update} applied={Boolean(c.req.query('applied'))} />, {
    title: t('catalog.prices.record'),
    current: '/products/prices',
  });
});
