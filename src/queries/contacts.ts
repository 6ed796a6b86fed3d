import { and, eq, getTableColumns, isNotNull, isNull, or, sql, type AnyColumn, type SQL } from 'drizzle-orm';
import { contacts, type contactKinds } from '../db/tenant-schema';
import type { TenantDb } from '../db/client';
import { foldedColumnContains, foldedContains, searchWords } from './search';

const { nameFold: _nameFold, ...contactColumns } = getTableColumns(contacts);

/** A contact's columns without name_fold (the database's search copy of the name). */
export { contactColumns };

export type Contact = Omit<typeof contacts.$inferSelect, 'nameFold'>;
export type ContactValues = Omit<
  typeof contacts.$inferInsert,
  'id' | 'archivedAt' | 'createdAt' | 'updatedAt' | 'nameFold'
>;
export type ContactKind = (typeof contactKinds)[number];

export interface ContactFilter {
  q?: string | null;
  kind?: ContactKind | null;
  /** 'false' (default): active only; 'true': archived only; 'all'. */
  archived?: 'false' | 'true' | 'all';
  limit?: number;
  /** The sort key of the last row of the previous page: its folded name (name_fold) and id. */
  after?: { name: string; id: string } | null;
}

export interface ContactPage {
  rows: Contact[];
  /** Where the next page starts, or null on the last page. */
  next: { name: string; id: string } | null;
}

/** Lower-case, accents removed: `José Núñez` -> `jose nunez`. */
export function foldText(value: string): string {
  return value.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

export type ContactSearch =
  | { kind: 'none' }
  /** Digits (separators removed): identification or phone prefix. */
  | { kind: 'digits'; digits: string }
  /** Words of a name, and an identification (e.g. a passport) equal to the compacted query. */
  | { kind: 'text'; words: string[]; idNumber: string | null };

export function parseContactSearch(q: string | null | undefined): ContactSearch {
  const query = (q ?? '').trim();
  if (query === '') return { kind: 'none' };
  const digits = query.replace(/[\s().+-]/g, '');
  if (/^\d{3,}$/.test(digits)) return { kind: 'digits', digits };
  const words = searchWords(query);
  const compact = query.replace(/[\s-]/g, '').toUpperCase();
  return {
    kind: 'text',
    words: words.map(foldText),
    idNumber: /^[A-Z0-9]{5,20}$/.test(compact) ? compact : null,
  };
}

/** `column` starts with `prefix` (digits only): a range, so the btree index serves it. */
export function digitPrefix(column: AnyColumn | SQL, prefix: string): SQL {
  // ':' is the character after '9': every string that starts with the prefix sorts below prefix + ':'.
  return sql`(${column} >= ${prefix} and ${column} < ${`${prefix}:`})`;
}

/**
 * `name`: which folded name the words are matched on. 'stored' (name_fold, for the contacts list: a
 * page of matches, sorted) rechecks a stored value; 'expression' (search_fold(name)) is what the
 * searches gathering every match use, whose plans the stored column's cheap LIKE turns into scans.
 */
function searchCondition(search: ContactSearch, name: 'stored' | 'expression' = 'expression'): SQL | undefined {
  if (search.kind === 'none') return undefined;
  if (search.kind === 'digits') {
    return or(
      digitPrefix(contacts.idNumber, search.digits),
      digitPrefix(contacts.phone, search.digits),
      // Every branch of this OR needs its own index, or the OR becomes a scan of the whole table.
      digitPrefix(contacts.mobile, search.digits),
    );
  }
  const words = and(
    ...search.words.map((word) =>
      name === 'stored' ? foldedColumnContains(contacts.nameFold, word) : foldedContains(sql`${contacts.name}`, word),
    ),
  );
  return search.idNumber ? or(words, eq(contacts.idNumber, search.idNumber)) : words;
}

/** The customers (active) a picker's search box finds, at most `limit`, by name: one indexed query's worth. */
export function customerPickerMatches(q: string, limit: number): SQL | null {
  const search = parseContactSearch(q);
  const condition = searchCondition(search);
  if (!condition) return null;
  return sql`SELECT ${contacts.id}, ${contacts.name}, ${contacts.idNumber} AS "idNumber" FROM ${contacts}
              WHERE ${condition} AND ${contacts.archivedAt} IS NULL AND ${contacts.kind} = 'customer'
              ORDER BY ${contacts.nameFold} || '', ${contacts.id} LIMIT ${limit}`;
}

/**
 * The ids of the contacts a search finds (any kind, archived too) as an array, for documents found by
 * their customer: `customer_id = ANY (...)` is served by the document's customer index.
 */
export function matchingContactIds(search: ContactSearch): SQL | null {
  const condition = searchCondition(search);
  return condition ? sql`ARRAY(SELECT ${contacts.id} FROM ${contacts} WHERE ${condition})` : null;
}

/** Whether the contact `customerId` points at is one a search finds, checked for that one row (its primary key). */
export function isMatchingContact(search: ContactSearch, customerId: SQL): SQL | null {
  const condition = searchCondition(search);
  // A correlated scalar rather than EXISTS: the planner turns an EXISTS under OR into "hash every match".
  return condition
    ? sql`coalesce((SELECT true FROM ${contacts} WHERE ${contacts.id} = ${customerId} AND ${condition}), false)`
    : null;
}

/**
 * One page of contacts in (name_fold, id) order - the name without case or accents, so "Ángel" files
 * under A - : ONE query, keyset pagination.
 */
export async function listContacts(db: TenantDb, filter: ContactFilter = {}): Promise<ContactPage> {
  const limit = filter.limit ?? 50;
  const archived = filter.archived ?? 'false';
  const search = parseContactSearch(filter.q);
  const conditions = [
    archived === 'false'
      ? isNull(contacts.archivedAt)
      : archived === 'true'
        ? isNotNull(contacts.archivedAt)
        : undefined,
    filter.kind ? eq(contacts.kind, filter.kind) : undefined,
    searchCondition(search, 'stored'),
    filter.after
      ? sql`(${contacts.nameFold}, ${contacts.id}) > (${filter.after.name}, ${filter.after.id}::uuid)`
      : undefined,
  ];
  // A selective search is fastest as "find the matches (trigram / btree indexes), then sort them";
  // walking the order's index and filtering is fastest for no search, short words or a short
  // phone prefix (809: a third of the shop).
  // The planner misjudges regex selectivity and picks the walk, which reads most of the table
  // for a rare name: `|| ''` keeps the sort key but hides the index from ORDER BY (a concatenation
  // per match: computing lower(name) for the 8,000 matches of "maria" cost more than finding them).
  const findThenSort =
    (search.kind === 'digits' && search.digits.length >= 7) ||
    (search.kind === 'text' && search.words.every((word) => word.length >= 3));
  const sortKey = findThenSort ? sql`${contacts.nameFold} || ''` : sql`${contacts.nameFold}`;
  const rows = await db
    .select({ ...contactColumns, sortKey: contacts.nameFold })
    .from(contacts)
    .where(and(...conditions))
    .orderBy(sortKey, contacts.id)
    .limit(limit + 1);
  const page = rows.slice(0, limit).map(({ sortKey: _, ...contact }) => contact);
  const last = rows[limit - 1];
  return { rows: page, next: rows.length > limit && last ? { name: last.sortKey, id: last.id } : null };
}

export async function getContact(db: TenantDb, id: string): Promise<Contact | null> {
  const [row] = await db.select(contactColumns).from(contacts).where(eq(contacts.id, id)).limit(1);
  return row ?? null;
}

export async function findContactByIdNumber(
  db: TenantDb,
  idNumber: string,
): Promise<Pick<Contact, 'id' | 'name'> | null> {
  const [row] = await db
    .select({ id: contacts.id, name: contacts.name })
    .from(contacts)
    .where(eq(contacts.idNumber, idNumber))
    .limit(1);
  return row ?? null;
}

/** The Postgres error code (and constraint) of a failed query, looking through drizzle's wrapper. */
function pgError(error: unknown): { code?: string; constraint?: string } {
  for (let current = error; current && typeof current === 'object'; current = (current as { cause?: unknown }).cause) {
    const { code, constraint } = current as { code?: unknown; constraint?: unknown };
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code))
      return { code, constraint: typeof constraint === 'string' ? constraint : undefined };
  }
  return {};
}

function isDuplicateIdNumber(error: unknown): boolean {
  const { code, constraint } = pgError(error);
  return code === '23505' && (constraint === undefined || constraint === 'contacts_id_number_key');
}

export type ContactWrite = { ok: true; contact: Contact } | { ok: false; duplicate: Pick<Contact, 'id' | 'name'> };

/**
 * Inserts a contact. A duplicate identification is reported with the existing contact; the unique
 * index decides, so two simultaneous creates of one cédula cannot both succeed.
 */
export async function createContact(db: TenantDb, values: ContactValues): Promise<ContactWrite> {
  try {
    const [contact] = await db.insert(contacts).values(values).returning(contactColumns);
    return { ok: true, contact: contact! };
  } catch (error) {
    return duplicateOrThrow(db, values.idNumber, error);
  }
}

/** Updates a contact; null when there is no such contact. */
export async function updateContact(
  db: TenantDb,
  id: string,
  values: Partial<ContactValues> & { archived?: boolean },
): Promise<ContactWrite | null> {
  const { archived, ...fields } = values;
  try {
    const [contact] = await db
      .update(contacts)
      .set({
        ...fields,
        ...(archived === undefined
          ? {}
          : { archivedAt: archived ? sql`coalesce(${contacts.archivedAt}, now())` : null }),
        updatedAt: sql`now()`,
      })
      .where(eq(contacts.id, id))
      .returning(contactColumns);
    return contact ? { ok: true, contact } : null;
  } catch (error) {
    return duplicateOrThrow(db, values.idNumber, error);
  }
}

async function duplicateOrThrow(
  db: TenantDb,
  idNumber: string | null | undefined,
  error: unknown,
): Promise<ContactWrite> {
  if (!idNumber || !isDuplicateIdNumber(error)) throw error;
  const existing = await findContactByIdNumber(db, idNumber);
  if (!existing) throw error; // the other row vanished meanwhile: let the caller retry
  return { ok: false, duplicate: existing };
}

export async function setContactArchived(db: TenantDb, id: string, archived: boolean): Promise<Contact | null> {
  const result = await updateContact(db, id, { archived });
  return result?.ok ? result.contact : null;
}

/**
 * Whether invoices, quotations, prescriptions... refer to the contact. There are no document tables
 * yet, so none can; when they arrive, check them here (one EXISTS query per table, or one UNION).
 * Their foreign keys must not cascade: deleteContact also turns a foreign-key violation into
 * 'has_documents', which covers a document created between this check and the delete.
 */
export async function contactHasDocuments(_db: TenantDb, _id: string): Promise<boolean> {
  return false;
}

export async function deleteContact(db: TenantDb, id: string): Promise<'deleted' | 'not_found' | 'has_documents'> {
  if (await contactHasDocuments(db, id)) return 'has_documents';
  try {
    const deleted = await db.delete(contacts).where(eq(contacts.id, id)).returning({ id: contacts.id });
    return deleted.length ? 'deleted' : 'not_found';
  } catch (error) {
    if (pgError(error).code === '23503') return 'has_documents';
    throw error;
  }
}
