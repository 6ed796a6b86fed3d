import { sql, type SQL } from 'drizzle-orm';

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
