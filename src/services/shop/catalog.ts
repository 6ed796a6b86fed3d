import { catalogListKinds, type CatalogListKind } from '../../db/tenant-schema';
import { AppError } from '../../errors';
import { t } from '../../i18n/es-DO';
import {
  addCatalogValue,
  getCatalogValue,
  listCatalogValues,
  moveCatalogValue,
  renameCatalogValue,
  setCatalogValueActive,
  type CatalogValueRow,
  type CatalogWrite,
} from '../../queries/catalog';
import { requireRight, type ShopContext } from './context';

export type { CatalogValueRow };

/** The lists grouped by kind, each in its order (active values first). */
export type CatalogLists = Record<CatalogListKind, CatalogValueRow[]>;

export function groupCatalogValues(rows: readonly CatalogValueRow[]): CatalogLists {
  const lists = Object.fromEntries(catalogListKinds.map((kind) => [kind, [] as CatalogValueRow[]])) as CatalogLists;
  for (const row of rows) lists[row.list]?.push(row);
  return lists;
}

const log = (ctx: ShopContext, action: string) => ({ actor: ctx.actor, action });

export async function catalogLists(ctx: ShopContext): Promise<CatalogLists> {
  requireRight(ctx, 'catalog.manage');
  return groupCatalogValues(await listCatalogValues(ctx.db));
}

function written(result: CatalogWrite): void {
  if (result.ok) return;
  if (result.reason === 'duplicate')
    throw new AppError('validation', t('catalog.lists.duplicate'), { value: t('catalog.lists.duplicate') });
  throw new AppError('not_found');
}

export async function addListValue(ctx: ShopContext, list: CatalogListKind, value: string): Promise<void> {
  requireRight(ctx, 'catalog.manage');
  written(await addCatalogValue(ctx.db, list, value, log(ctx, 'catalog.valueAdded')));
}

export async function renameListValue(ctx: ShopContext, id: number, value: string): Promise<void> {
  requireRight(ctx, 'catalog.manage');
  written(await renameCatalogValue(ctx.db, id, value, log(ctx, 'catalog.valueRenamed')));
}

export async function moveListValue(ctx: ShopContext, id: number, direction: 'up' | 'down'): Promise<void> {
  requireRight(ctx, 'catalog.manage');
  const result = await moveCatalogValue(ctx.db, id, direction, log(ctx, 'catalog.valueMoved'));
  // First (or last) already: nothing to swap with; an archived or unknown value is a 404.
  if (!result.ok && result.reason === 'not_found' && (await getCatalogValue(ctx.db, id))?.active) return;
  written(result);
}

export async function archiveListValue(ctx: ShopContext, id: number, active: boolean): Promise<void> {
  requireRight(ctx, 'catalog.manage');
  written(
    await setCatalogValueActive(
      ctx.db,
      id,
      active,
      log(ctx, active ? 'catalog.valueRestored' : 'catalog.valueArchived'),
    ),
  );
}
