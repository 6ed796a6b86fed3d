import { sql, type AnyColumn, type SQL } from 'drizzle-orm';

/** `%`, `_` and `\` typed by a user match themselves in LIKE. */
export function likeEscape(value: string): string {
  return value.replace(/[\\%_]/g, (character) => `\\${character}`);
}

/**
 * `value` contains `word`, both folded by search_fold() (lower-case, accents removed: `maria` finds
 * `MARÍA`). The word is folded in SQL with the function the trigram indexes on search_fold(column)
 * were built with, so the two sides always agree and the planner folds the constant side.
 */
export function foldedContains(value: SQL, word: string): SQL {
  return sql`search_fold(${value}) LIKE '%' || search_fold(${likeEscape(word)}) || '%'`;
}

/**
 * `folded` (a column already holding search_fold of its text, like contacts.name_fold) contains
 * `word`: only the word is folded, so a recheck of the trigram index's candidates costs a LIKE per row.
 */
export function foldedColumnContains(folded: SQL | AnyColumn, word: string): SQL {
  return sql`${folded} LIKE '%' || search_fold(${likeEscape(word)}) || '%'`;
}

/**
 * Whether a search may be a document number (NCF, quotation, receipt): only then is the number index
 * asked. A name never has digits, and leaving the number branch out of a name search lets the
 * planner answer it from the customer index alone.
 */
export function mayBeNumber(q: string): boolean {
  return /\d/.test(q);
}

/** The words of a search box: at most five, separated by blanks. */
export function searchWords(q: string | null | undefined): string[] {
  return (q ?? '').trim().split(/\s+/).filter(Boolean).slice(0, 5);
}

/**
 * A sort key equal to `column` that the planner cannot serve from an index: while searching, finding
 * the few matches through the search indexes and sorting them beats walking the list index in order
 * and filtering (the planner misjudges LIKE selectivity and picks the walk, reading most of the table).
 */
export function sortedAfterSearch(column: SQL, searching: boolean): SQL {
  return searching ? sql`(${column} + interval '0 s')` : column;
}

/** Rows of the list, in its order, that a search's first page is looked for in before the search indexes are asked. */
export const probeRows = 1000;

/**
 * The first `limit` rows of `table` (aliased `alias`) that match `search`, in the list's `order`, as
 * a subquery: fast for a common term and for a rare one. The first `probeRows` rows of the list (its
 * order's index, walked) are checked first; when `limit` of them match, those are the answer (the
 * first matches of the list are among its first rows). Otherwise the search indexes find every match
 * and they are sorted (`hiddenOrder`: the same order, unservable by the list's index), a step the
 * planner only runs when the probe came up short. `probeSearch` is `search` checked row by row.
 */
export function probeThenSearch(o: {
  table: SQL;
  alias: string;
  base: SQL;
  search: SQL;
  probeSearch: SQL;
  order: SQL;
  hiddenOrder: SQL;
  limit: number;
}): SQL {
  const a = sql.raw(o.alias);
  return sql`WITH probe AS MATERIALIZED (
      SELECT * FROM (SELECT * FROM ${o.table} ${a} WHERE ${o.base} ORDER BY ${o.order} LIMIT ${probeRows}) ${a}
       WHERE ${o.probeSearch} ORDER BY ${o.order} LIMIT ${o.limit})
    SELECT * FROM probe WHERE (SELECT count(*) FROM probe) = ${o.limit}
    UNION ALL
    (SELECT * FROM ${o.table} ${a}
      WHERE ${o.base} AND ${o.search} AND (SELECT count(*) FROM probe) < ${o.limit}
      ORDER BY ${o.hiddenOrder} LIMIT ${o.limit})`;
}
