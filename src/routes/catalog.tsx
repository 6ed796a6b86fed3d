import type { Context } from 'hono';
import { AppError } from '../errors';
import type { SignedInEnv } from '../http/env';
import { factory } from '../http/factory';
import { fieldErrors } from '../http/forms';
import { serialParam } from '../http/ids';
import { requirePermission } from '../http/session';
import { shopContext } from '../http/shop';
import { t, type MessageKey } from '../i18n/es-DO';
import { catalogValueAdd, catalogValueMove, catalogValueRename } from '../schemas/catalog';
import { addListValue, archiveListValue, catalogLists, moveListValue, renameListValue } from '../services/shop/catalog';
import { CatalogPage, type CatalogFormError } from '../views/catalog';

/** The shop's optical lists (catalog.manage): add, rename, reorder, archive, restore. */
export const catalogRoutes = factory.createApp();

const notices: Record<string, MessageKey> = {
  added: 'catalog.lists.notice.added',
  renamed: 'catalog.lists.notice.renamed',
  moved: 'catalog.lists.notice.moved',
  archived: 'catalog.lists.notice.archived',
  restored: 'catalog.lists.notice.restored',
};

async function renderCatalog(c: Context<SignedInEnv>, error?: CatalogFormError) {
  const lists = await catalogLists(shopContext(c));
  const key = notices[c.req.query('notice') ?? ''];
  if (error) c.status(422);
  return c.render(<CatalogPage lists={lists} notice={!error && key ? t(key) : null} error={error} />, {
    title: t('catalog.title'),
    current: '/catalog',
  });
}

/** A duplicate value is the field's 422; anything else propagates. */
function duplicate(error: unknown): Record<string, string> {
  if (error instanceof AppError && error.code === 'validation' && error.fields) return error.fields;
  throw error;
}

catalogRoutes.get('/catalog', requirePermission('catalog.manage'), (c) => renderCatalog(c));

catalogRoutes.post('/catalog', requirePermission('catalog.manage'), async (c) => {
  const body = await c.req.parseBody();
  const form = catalogValueAdd.safeParse(body);
  const typed = typeof body.value === 'string' ? body.value : '';
  if (!form.success) {
    const list = catalogValueAdd.shape.list.safeParse(body.list);
    if (!list.success)
      throw new AppError('validation', t('catalog.lists.unknownList'), { list: t('catalog.lists.unknownList') });
    return renderCatalog(c, { kind: 'add', list: list.data, value: typed, errors: fieldErrors(form.error) });
  }
  try {
    await addListValue(shopContext(c), form.data.list, form.data.value);
  } catch (error) {
    return renderCatalog(c, { kind: 'add', list: form.data.list, value: typed, errors: duplicate(error) });
  }
  return c.redirect(`/catalog?notice=added#list-card-${form.data.list}`, 303);
});

catalogRoutes.post('/catalog/:id', requirePermission('catalog.manage'), async (c) => {
  const id = serialParam(c);
  const body = await c.req.parseBody();
  const form = catalogValueRename.safeParse(body);
  const typed = typeof body.value === 'string' ? body.value : '';
  if (!form.success) return renderCatalog(c, { kind: 'rename', id, value: typed, errors: fieldErrors(form.error) });
  try {
    await renameListValue(shopContext(c), id, form.data.value);
  } catch (error) {
    return renderCatalog(c, { kind: 'rename', id, value: typed, errors: duplicate(error) });
  }
  return c.redirect(`/catalog?notice=renamed#value-${id}`, 303);
});

catalogRoutes.post('/catalog/:id/move', requirePermission('catalog.manage'), async (c) => {
  const id = serialParam(c);
  const form = catalogValueMove.safeParse(await c.req.parseBody());
  if (!form.success) throw new AppError('validation');
  await moveListValue(shopContext(c), id, form.data.direction);
  return c.redirect(`/catalog?notice=moved#value-${id}`, 303);
});

for (const [action, active] of [
  ['archive', false],
  ['restore', true],
] as const) {
  catalogRoutes.post(`/catalog/:id/${action}`, requirePermission('catalog.manage'), async (c) => {
    const id = serialParam(c);
    await archiveListValue(shopContext(c), id, active);
    return c.redirect(`/catalog?notice=${active ? 'restored' : 'archived'}#value-${id}`, 303);
  });
}
