/** The catalogue lists page: per list, its values in order, add, rename, move, archive or restore. */
import { catalogListKinds, type CatalogListKind } from '../db/tenant-schema';
import type { FieldErrors } from '../errors';
import { t, type MessageKey } from '../i18n/es-DO';
import type { CatalogLists, CatalogValueRow } from '../services/shop/catalog';
import { ErrorSummary, Notice } from './components';

export const listLabel = (list: string) => t(`catalog.list.${list}` as MessageKey);

/** Where a form on the page failed: the add form of a list, or the rename of a value. */
export type CatalogFormError =
  | { kind: 'add'; list: CatalogListKind; value: string; errors: FieldErrors }
  | { kind: 'rename'; id: number; value: string; errors: FieldErrors };

function ValueRow(props: { row: CatalogValueRow; first: boolean; last: boolean; error?: CatalogFormError }) {
  const { row } = props;
  const renameError = props.error?.kind === 'rename' && props.error.id === row.id ? props.error : null;
  const inputId = `catalog-value-${row.id}`;
  return (
    <li
      id={`value-${row.id}`}
      style="display: flex; flex-wrap: wrap; gap: 0.4rem; align-items: center; padding: 0.35rem 0; border-bottom: 1px solid var(--border, #e5e7eb)"
    >
      <form
        method="post"
        action={`/catalog/${row.id}`}
        style="display: flex; flex-wrap: wrap; gap: 0.4rem; flex: 1 1 14rem"
      >
        <input
          id={inputId}
          name="value"
          aria-label={`${t('catalog.lists.value')}: ${row.value}`}
          style="flex: 1 1 8rem; min-width: 0"
          value={renameError ? renameError.value : row.value}
          maxlength={60}
          required
          aria-invalid={renameError ? 'true' : undefined}
          aria-describedby={renameError ? `${inputId}-error` : undefined}
        />
        <button type="submit">{t('catalog.lists.rename')}</button>
        {renameError ? (
          <p class="error-text" id={`${inputId}-error`}>
            {renameError.errors.value}
          </p>
        ) : null}
      </form>
      <div style="display: flex; gap: 0.4rem; align-items: center">
        {row.active ? (
          <>
            <form method="post" action={`/catalog/${row.id}/move`}>
              <input type="hidden" name="direction" value="up" />
              <button type="submit" disabled={props.first} aria-label={`${t('catalog.lists.up')}: ${row.value}`}>
                ↑
              </button>
            </form>
            <form method="post" action={`/catalog/${row.id}/move`}>
              <input type="hidden" name="direction" value="down" />
              <button type="submit" disabled={props.last} aria-label={`${t('catalog.lists.down')}: ${row.value}`}>
                ↓
              </button>
            </form>
            <form method="post" action={`/catalog/${row.id}/archive`}>
              <button type="submit">{t('catalog.lists.archive')}</button>
            </form>
          </>
        ) : (
          <>
            <span class="badge badge-warn">{t('catalog.lists.archived')}</span>
            <form method="post" action={`/catalog/${row.id}/restore`}>
              <button type="submit">{t('catalog.lists.restore')}</button>
            </form>
          </>
        )}
      </div>
    </li>
  );
}

function ListCard(props: { list: CatalogListKind; rows: CatalogValueRow[]; error?: CatalogFormError }) {
  const active = props.rows.filter((row) => row.active);
  const addError = props.error?.kind === 'add' && props.error.list === props.list ? props.error : null;
  const inputId = `catalog-add-${props.list}`;
  return (
    <section class="card catalog-list" aria-labelledby={`list-${props.list}`} id={`list-card-${props.list}`}>
      <h2 id={`list-${props.list}`} style="margin-top: 0">
        {listLabel(props.list)}
      </h2>
      {props.rows.length === 0 ? <p class="hint">{t('catalog.lists.empty')}</p> : null}
      <ol style="list-style: none; padding: 0; margin: 0 0 0.75rem">
        {props.rows.map((row) => {
          const index = active.indexOf(row);
          return <ValueRow row={row} first={index === 0} last={index === active.length - 1} error={props.error} />;
        })}
      </ol>
      <form method="post" action="/catalog" style="display: flex; flex-wrap: wrap; gap: 0.4rem; align-items: center">
        <input type="hidden" name="list" value={props.list} />
        <label for={inputId}>{t('catalog.lists.newValue')}</label>
        <input
          id={inputId}
          name="value"
          maxlength={60}
          required
          style="flex: 1 1 8rem; min-width: 0"
          value={addError?.value}
          aria-invalid={addError ? 'true' : undefined}
          aria-describedby={addError ? `${inputId}-error` : undefined}
        />
        <button type="submit">{t('catalog.lists.add')}</button>
        {addError ? (
          <p class="error-text" id={`${inputId}-error`}>
            {addError.errors.value}
          </p>
        ) : null}
      </form>
    </section>
  );
}

export function CatalogPage(props: { lists: CatalogLists; notice?: string | null; error?: CatalogFormError }) {
  return (
    <>
      <div class="page-head">
        <h1>{t('catalog.title')}</h1>
      </div>
      <p class="lead">{t('catalog.lead')}</p>
      {props.notice ? <Notice>{props.notice}</Notice> : null}
      <ErrorSummary errors={props.error?.errors} />
      <div style="display: grid; gap: 1rem; grid-template-columns: repeat(auto-fill, minmax(min(100%, 22rem), 1fr))">
        {catalogListKinds.map((list) => (
          <ListCard list={list} rows={props.lists[list]} error={props.error} />
        ))}
      </div>
    </>
  );
}
