import { zValidator } from '@hono/zod-validator';
import type { Context } from 'hono';
import type { z } from 'zod';
import type { FieldErrors } from '../errors';

/** The first message of each invalid field, keyed by field name. */
export function fieldErrors(error: {
  issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>;
}): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of error.issues) {
    const field = String(issue.path[0] ?? '_form');
    errors[field] ??= issue.message;
  }
  return errors;
}

/**
 * Only a path on this host: `/contacts?q=x`. Browsers drop tabs and newlines from URLs and read a
 * backslash as `/`, so `/\t/evil.example` is `//evil.example`: any control character, whitespace or
 * backslash is refused, as is a second leading slash.
 */
export function safeNextPath(next: string | undefined | null): string {
  return next && /^\/(?!\/)[^\s\\\p{Cc}\p{Cf}\p{Zl}\p{Zp}]*$/u.test(next) ? next : '/';
}

/** The path of a `Referer` header, or `/` when it is missing or not a URL. */
export function refererPath(referer: string | undefined): string {
  if (!referer) return '/';
  try {
    return new URL(referer).pathname;
  } catch {
    return '/';
  }
}

export function clientAddress(headers: { header(name: string): string | undefined }): string {
  return headers.header('cf-connecting-ip') ?? 'local';
}

/**
 * Validates a submitted form with zod. When it is invalid, `onInvalid` answers (usually the same
 * form re-rendered with field errors and status 422), and nothing after it runs.
 */
export function validForm<T extends z.ZodType>(
  schema: T,
  // The validator does not know the env of the route it runs in (signed-in or not): any.
  onInvalid: (c: Context, errors: FieldErrors, submitted: Record<string, unknown>) => Response | Promise<Response>,
) {
  return zValidator('form', schema, async (result, c) => {
    if (!result.success)
      return onInvalid(c, fieldErrors(result.error), (result as { data?: Record<string, unknown> }).data ?? {});
  });
}
