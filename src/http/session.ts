import type { Context, MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { AppError } from '../errors';
import { factory } from './factory';
import type { AppEnv, SignedInEnv } from './env';
import { can, type Permission } from '../auth/permissions';
import { loadSession, touchSession } from '../auth/session';
import { activeSupportAdmin, endSupportSession, recordSupportRequest } from '../services/platform/impersonation';
import { t } from '../i18n/es-DO';
import { createPlatform } from '../tenancy/platform';

/** `__Host-` (host-only, Secure, Path=/) wherever the shop is served over HTTPS; plain on http://localhost. */
export function sessionCookieName(c: Context): string {
  return isSecureRequest(c) ? '__Host-optiflow_session' : 'optiflow_session';
}

export function isSecureRequest(c: Context): boolean {
  return new URL(c.req.url).protocol === 'https:';
}

/** No Domain attribute: the cookie is host-only, so one shop's session is never sent to another. */
export function setSessionCookie(c: Context, token: string, expires: Date): void {
  setCookie(c, sessionCookieName(c), token, {
    path: '/',
    httpOnly: true,
    secure: isSecureRequest(c),
    sameSite: 'Lax',
    expires,
    ...(isSecureRequest(c) ? { prefix: 'host' as const } : {}),
  });
}

export function clearSessionCookie(c: Context): void {
  deleteCookie(c, sessionCookieName(c), {
    path: '/',
    secure: isSecureRequest(c),
    ...(isSecureRequest(c) ? { prefix: 'host' as const } : {}),
  });
}

function readSessionCookie(c: Context<AppEnv>): string | undefined {
  return isSecureRequest(c) ? getCookie(c, 'optiflow_session', 'host') : getCookie(c, 'optiflow_session');
}

/**
 * Puts the signed-in user (or null) on `c.var.session`. A support session also needs its admin to
 * be still active in the central database (checked on each of its requests: disabling the admin
 * ends it at once), and each of its state-changing requests is written in both audit logs.
 */
export const loadUser = factory.createMiddleware(async (c, next) => {
  // The JSON API authenticates with bearer tokens only (src/api/app.ts).
  const token = c.req.path.startsWith('/api/') ? undefined : readSessionCookie(c);
  let session = token ? await loadSession(c.var.db, token) : null;
  const central = session?.impersonatedBy ? (await createPlatform(c.env)).central : null;
  const supportAdmin =
    central && session?.impersonatedBy ? await activeSupportAdmin(central, session.impersonatedBy) : null;
  if (session?.impersonatedBy && !supportAdmin) {
    await endSupportSession(c.var.db, session.sessionHash);
    clearSessionCookie(c);
    session = null;
  }
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
  const changes = c.req.method !== 'GET' && c.req.method !== 'HEAD';
  // Entering and leaving write their own lines.
  if (central && supportAdmin && session && changes && !c.req.path.startsWith('/support/')) {
    await recordSupportRequest(c.var.db, central, {
      admin: supportAdmin,
      tenantId: c.var.tenant.id,
      userEmail: session.email,
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
    });
  }
});

/** For what a support session must never do: make API tokens, users, invitations or passwords. */
export const refuseInSupportSession = factory.createMiddleware(async (c, next) => {
  if (c.var.session?.impersonatedBy) throw new AppError('forbidden', t('support.error.notAllowed'));
  await next();
});

export type GuardedMiddleware = ReturnType<typeof factory.createMiddleware> & { permission: Permission | 'public' };
/** Narrows `c.var.session` to a signed-in user for the handlers after it. */
export type SignedInMiddleware = MiddlewareHandler<SignedInEnv> & { permission: Permission };

/**
 * Every route of the shop declares one of these. No session: 401 for the API and htmx, a redirect
 * to the login page for browsers. A role without the permission: 403.
 */
export function requirePermission(permission: Permission): SignedInMiddleware {
  const middleware = factory.createMiddleware(async (c, next) => {
    const session = c.var.session;
    if (!session) return unauthenticated(c);
    if (!can(session.role, permission)) throw new AppError('forbidden');
    if (session.apiScope === 'read' && c.req.method !== 'GET' && c.req.method !== 'HEAD')
      throw new AppError('forbidden', 'This token is read-only');
    await next();
  });
  // It calls next() only with a session, so what runs after it may rely on one.
  const signedIn = middleware as unknown as MiddlewareHandler<SignedInEnv>;
  return Object.assign(signedIn, { permission });
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
