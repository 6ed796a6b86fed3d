import { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../http/env';
import { AppError } from '../errors';
import { factory } from '../http/factory';
import { fieldErrors } from '../http/forms';
import { authenticateApiToken, touchApiToken } from '../auth/api-tokens';

/**
 * An `/api/v1` sub-app: OpenAPI-described routes whose request validation answers one
 * problem+json shape (422 with field details). Every resource module creates its routes on one.
 */
export function createApiApp() {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success)
        throw new AppError(
          'validation',
          'The request has invalid fields',
          fieldErrors(result.error) as Record<string, string>,
        );
    },
  });
}

/**
 * The API authenticates with bearer tokens only (never the browser's cookie, so no CSRF). The
 * token is looked up in this shop's own database: a token of another shop is simply unknown.
 */
export const apiAuth = factory.createMiddleware(async (c, next) => {
  const header = c.req.header('authorization') ?? '';
  const token = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
  const principal = token ? await authenticateApiToken(c.var.db, token) : null;
  c.set('session', principal);
  if (principal?.stale) {
    const touch = touchApiToken(c.var.db, principal.tokenId);
    try {
      c.executionCtx.waitUntil(touch);
    } catch {
      await touch;
    }
  }
  await next();
});
