import type { MiddlewareHandler } from 'hono';
import { AppError } from '../errors';
import { t } from '../i18n/es-DO';

/**
 * C0 control characters other than tab, line feed and carriage return, and DEL. Postgres refuses
 * NUL in text outright (a 500 if it gets that far); the others are never typed by a person.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const controlCharacter = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

export function hasControlCharacter(value: string): boolean {
  return controlCharacter.test(value);
}

/** Query values are single-line: tab, CR and LF are refused there too (a `next=` never holds one). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const queryControlCharacter = /[\u0000-\u001F\u007F]/;

/** The first field (dotted path) whose text holds a control character, in a parsed JSON value. */
function badJsonField(value: unknown, path: string): string | null {
  if (typeof value === 'string') return hasControlCharacter(value) ? path || '_form' : null;
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = badJsonField(item, path ? `${path}.${index}` : String(index));
      if (found) return found;
    }
  } else if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      if (hasControlCharacter(key)) return path || '_form';
      const found = badJsonField(item, path ? `${path}.${key}` : key);
      if (found) return found;
    }
  }
  return null;
}

function refuse(field: string): never {
  throw new AppError('validation', t('input.controlCharacters'), { [field]: t('input.controlCharacters') });
}

function refuseMalformed(): never {
  throw new AppError('bad_request');
}

export interface InputGuardOptions {
  /** Paths whose multipart bodies the route reads itself as a stream (uploads with a byte limit). */
  streamedPaths?: readonly string[];
}

/**
 * One check of every request's text before any route sees it: query values and form or JSON
 * fields holding control characters are refused (422 with the field), and bodies that cannot be
 * parsed as the content type they claim (a multipart body without its boundary, say) are a 400.
 * The bodies parsed here are cached by Hono, so the routes' validators do not read them again.
 */
export function inputGuard(options: InputGuardOptions = {}): MiddlewareHandler {
  const streamed = new Set(options.streamedPaths ?? []);
  return async function inputGuard(c, next) {
    for (const [name, values] of Object.entries(c.req.queries())) {
      if (queryControlCharacter.test(name) || values.some((value) => queryControlCharacter.test(value))) refuse(name);
    }
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') {
      const type = (c.req.header('content-type') ?? '').toLowerCase();
      if (type.startsWith('application/json')) {
        let body: unknown;
        try {
          body = await c.req.json();
        } catch {
          body = undefined; // the route's validator answers malformed JSON itself
        }
        const field = badJsonField(body, '');
        if (field) refuse(field);
      } else if (
        type.startsWith('application/x-www-form-urlencoded') ||
        (type.startsWith('multipart/form-data') && !streamed.has(c.req.path))
      ) {
        let form: FormData;
        try {
          form = await c.req.formData();
        } catch {
          refuseMalformed();
        }
        for (const [name, value] of form.entries()) {
          if (hasControlCharacter(name) || (typeof value === 'string' && hasControlCharacter(value))) refuse(name);
        }
      }
    }
    await next();
  };
}
