import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { AppError } from '../errors';
import { factory } from '../factory';
import type { AppEnv } from '../env';
import { can, type Permission } from './permissions';
import { loadSession, touchSession } from './session';

/** `__Host-` (host-only, Secure, Path=/) wherever the shop is served over HTTPS; plain on http://localhost. */
export function sessionCookieName(c: Context): string {
  return isSecureRequest(c) ? '__Host-optiflow_session' : 'optiflow_session';
}

export function isSecureRequest(c: Context): boolean {
  return new URL(c.req.url).protocol === 'https:';
}

/** No Domain attribute: the cookie is host-only, so one shop's session is never sent to another. */
export function setSessionCookie(c: Context<AppEnv>, token: string, expires: Date): void {
  setCookie(c, sessionCookieName(c), token, {
    path: '/',
    httpOnly: true,
    secure: isSecureRequest(c),
    sameSite: 'Lax',
    expires,
    ...(isSecureRequest(c) ? { prefix: 'host' as const } : {}),
  });
}

export function clearSessionCookie(c: Context<AppEnv>): void {
  deleteCookie(c, sessionCookieName(c), { path: '/', secure: isSecureRequest(c), ...(isSecureRequest(c) ? { prefix: 'host' as const } : {}) });
}

function readSessionCookie(c: Context<AppEnv>): string | undefined {
  return isSecureRequest(c) ? getCookie(c, 'optiflow_session', 'host') : getCookie(c, 'optiflow_session');
}

/** Puts the signed-in user (or null) on `c.var.session`. */
export const loadUser = factory.createMiddleware(async (c, next) => {
  // The JSON API authenticates with bearer tokens only (src/api/app.ts).
  const token = c.req.path.startsWith('/api/') ? undefined : readSessionCookie(c);
  const session = token ? await loadSession(c.var.db, token) : null;
  c.set('session', session);
  if (session?.needsTouch) {
    const touch = touchSession(c.var.db, session.sessionHash);
    try {
      c.executionCtx.waitUntil(touch);
    } catch {
      await touch; // no execution context (app.request in unit tests)
    }
  }
  await next();
});

export type GuardedMiddleware = ReturnType<typeof factory.createMiddleware> & { permission: Permission | 'public' };

/**
 * Every route of the shop declares one of these. No session: 401 for the API and htmx, a redirect
 * to the login page for browsers. A role without the permission: 403.
 */
export function requirePermission(permission: Permission): GuardedMiddleware {
  const middleware = factory.createMiddleware(async (c, next) => {
    const session = c.var.session;
    if (!session) return unauthenticated(c);
    if (!can(session.role, permission)) throw new AppError('forbidden');
    if (session.apiScope === 'read' && c.req.method !== 'GET' && c.req.method !== 'HEAD') throw new AppError('forbidden', 'This token is read-only');
    await next();
  });
  return Object.assign(middleware, { permission });
}

/** For the few routes anyone may open (login, set-password links). */
export const publicRoute: GuardedMiddleware = Object.assign(
  factory.createMiddleware(async (_c, next) => {
    await next();
  }),
  { permission: 'public' as const },
);

function unauthenticated(c: Context<AppEnv>): Response {
  const path = new URL(c.req.url).pathname;
  if (path.startsWith('/api/')) throw new AppError('unauthorized');
  const next = path === '/' ? '' : `?next=${encodeURIComponent(path + new URL(c.req.url).search)}`;
  if (c.req.header('HX-Request')) {
    c.header('HX-Redirect', `/login${next}`);
    return c.body(null, 401);
  }
  return c.redirect(`/login${next}`, 303);
}
