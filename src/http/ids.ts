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
