import type { Context } from 'hono';
import { AppError } from '../errors';

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && uuidPattern.test(value);
}

/** A route's id parameter: a UUID, or the 404 a missing record would give (never a 500 from Postgres). */
export function idParam(c: Context, name = 'id'): string {
  const value = c.req.param(name);
  if (!isUuid(value)) throw new AppError('not_found');
  return value;
}

/** A route's serial id parameter (taxes, ...): a positive 32-bit integer, or the 404 a missing record would give. */
export function serialParam(c: Context, name = 'id'): number {
  const value = c.req.param(name);
  if (!value || !/^\d{1,10}$/.test(value)) throw new AppError('not_found');
  const id = Number(value);
  if (id < 1 || id > 2147483647) throw new AppError('not_found');
  return id;
}

/** A list's `?branch=` filter when it is a branch id (anything else: no filter; the service checks it is the user's). */
export function branchQuery(c: Context): string | undefined {
  const value = c.req.query('branch');
  return isUuid(value) ? value : undefined;
}
