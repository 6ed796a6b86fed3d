import { AppError } from '../errors';
import { t } from '../i18n/es-DO';

/**
 * Keyset pagination at the HTTP edge: a page ends with the sort key and id of its last row, sent to
 * the client as an opaque URL-safe string. The queries take the decoded position, never the string.
 */

/** Opaque cursors for keyset pagination: the sort key and id of the last row of a page. */
export function encodeCursor(values: readonly (string | number)[]): string {
  return btoa(JSON.stringify(values)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

export function decodeCursor(cursor: string | undefined): Array<string | number> | null {
  if (!cursor) return null;
  try {
    const values: unknown = JSON.parse(atob(cursor.replace(/-/g, '+').replace(/_/g, '/')));
    if (Array.isArray(values) && values.every((value) => typeof value === 'string' || typeof value === 'number'))
      return values;
  } catch {
    // fall through: a malformed cursor is the client's error
  }
  return null;
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const timestampPattern = /^\d{4}-\d{2}-\d{2} [\d:.+-]+$/;

/** What one part of a position may be: its check, and its TypeScript type. */
const parts = {
  uuid: (value: unknown): value is string => typeof value === 'string' && uuidPattern.test(value),
  date: (value: unknown): value is string => typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value),
  timestamp: (value: unknown): value is string => typeof value === 'string' && timestampPattern.test(value),
  text: (value: unknown): value is string => typeof value === 'string',
  integer: (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value),
} as const;

type PartKind = keyof typeof parts;
type PartValue<K extends PartKind> = K extends 'integer' ? number : string;
export type Position<S extends Record<string, PartKind>> = { [P in keyof S]: PartValue<S[P]> };

export interface KeysetCursor<S extends Record<string, PartKind>> {
  encode(position: Position<S>): string;
  /** null for no cursor (the first page); a 422 (`cursor` field) for one this list did not write. */
  decode(cursor: string | undefined | null): Position<S> | null;
}

/**
 * The one keyset cursor: a list names the parts of its sort key, in order (e.g. `{ name: 'text',
 * id: 'uuid' }`); the cursor is their values as URL-safe base64 JSON, checked part by part.
 */
export function keysetCursor<const S extends Record<string, PartKind>>(shape: S): KeysetCursor<S> {
  const keys = Object.keys(shape) as Array<keyof S & string>;
  return {
    encode: (position) => encodeCursor(keys.map((key) => position[key] as string | number)),
    decode(cursor) {
      if (!cursor) return null;
      const values = decodeCursor(cursor);
      if (values?.length !== keys.length || !keys.every((key, index) => parts[shape[key]!](values[index])))
        throw new AppError('validation', t('validation.cursor'), { cursor: t('validation.cursor') });
      return Object.fromEntries(keys.map((key, index) => [key, values[index]])) as Position<S>;
    },
  };
}

/** Receipts and credit notes, newest first. */
export const createdCursor: KeysetCursor<{ createdAt: 'timestamp'; id: 'uuid' }> = keysetCursor({
  createdAt: 'timestamp',
  id: 'uuid',
});

/** Contacts by name. */
export const contactCursor: KeysetCursor<{ name: 'text'; id: 'uuid' }> = keysetCursor({ name: 'text', id: 'uuid' });

/** Prescriptions, newest examination first. */
export const prescriptionCursor: KeysetCursor<{ examinedOn: 'date'; id: 'uuid' }> = keysetCursor({
  examinedOn: 'date',
  id: 'uuid',
});

/** Stock levels by product name, product and branch. */
export const stockCursor: KeysetCursor<{ name: 'text'; productId: 'uuid'; branchId: 'uuid' }> = keysetCursor({
  name: 'text',
  productId: 'uuid',
  branchId: 'uuid',
});

/** Newest first by a bigserial id (stock movements, the activity log). */
export const idCursor: KeysetCursor<{ id: 'integer' }> = keysetCursor({ id: 'integer' });

/** Tenants in the panel, by id (a DNS label). */
export const tenantCursor: KeysetCursor<{ id: 'text' }> = keysetCursor({ id: 'text' });

/** Products by name. */
export const productCursor: KeysetCursor<{ name: 'text'; id: 'uuid' }> = keysetCursor({ name: 'text', id: 'uuid' });

/** Exchange rates, newest day first. */
export const rateCursor: KeysetCursor<{ validOn: 'date' }> = keysetCursor({ validOn: 'date' });

/** Branches by (name, id). */
export const branchCursor: KeysetCursor<{ name: 'text'; id: 'uuid' }> = keysetCursor({ name: 'text', id: 'uuid' });

/** A business report's rows, by their report key (`_k`). */
export const reportRowCursor: KeysetCursor<{ key: 'text' }> = keysetCursor({ key: 'text' });

/** Expenses, newest document first. */
export const expenseCursor: KeysetCursor<{ issuedOn: 'date'; id: 'uuid' }> = keysetCursor({
  issuedOn: 'date',
  id: 'uuid',
});
