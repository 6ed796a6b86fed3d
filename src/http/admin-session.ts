import type { Context, MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { isSecureRequest } from './session';
import type { AdminEnv, AppEnv } from './env';
import { factory } from './factory';
import { createPlatform } from '../tenancy/platform';
import { loadAdminSession, touchAdminSession } from '../services/platform/sessions';

const cookieName = 'optiflow_admin';

/**
 * Host-only like the shops' cookie, and `__Host-` + Secure on HTTPS. Lax, not Strict: leaving a
 * support session redirects from the shop's host back to the panel, and locally `*.localhost` and
 * `localhost` are different sites; state-changing requests are guarded by the CSRF Origin check.
 */
export function setAdminCookie(c: Context, token: string, expires: Date): void {
  setCookie(c, cookieName, token, {
    path: '/',
    httpOnly: true,
    secure: isSecureRequest(c),
    sameSite: 'Lax',
    expires,
    ...(isSecureRequest(c) ? { prefix: 'host' as const } : {}),
  });
}

export function clearAdminCookie(c: Context): void {
  deleteCookie(c, cookieName, {
    path: '/',
    secure: isSecureRequest(c),
    ...(isSecureRequest(c) ? { prefix: 'host' as const } : {}),
  });
}

function readAdminCookie(c: Context<AppEnv>): string | undefined {
  return isSecureRequest(c) ? getCookie(c, cookieName, 'host') : getCookie(c, cookieName);
}

/** Puts the platform (central DB, KV, R2, placements) and the signed-in admin (or null) on the context. */
export const adminContext = factory.createMiddleware(async (c, next) => {
  const platform = await createPlatform(c.env);
  c.set('platform', platform);
  const token = readAdminCookie(c);
  const admin = token ? await loadAdminSession(platform.central, token) : null;
  c.set('admin', admin);
  if (admin?.needsTouch) {
    const touch = touchAdminSession(platform.central, admin.sessionHash);
    try {
      c.executionCtx.waitUntil(touch);
    } catch {
      await touch;
    }
  }
  await next();
});

// `any` env so a public guard adds nothing to the handlers' env.
// biome-ignore lint/suspicious/noExplicitAny: see above; Hono's own MiddlewareHandler defaults to `any` for the same reason.
export type AdminGuard = MiddlewareHandler<any> & { admin: 'required' | 'public' | 'second-factor' };

/** The guards below call next() only with an admin, so what runs after them may rely on one. */
const withAdmin = (middleware: ReturnType<typeof factory.createMiddleware>) =>
  middleware as unknown as MiddlewareHandler<AdminEnv>;

/**
 * Every admin route declares one of these as its first handler (a test walks them all). Without
 * a verified session: a redirect to the login page (htmx: 401 with HX-Redirect).
 */
export const requireAdmin = Object.assign(
  withAdmin(
    factory.createMiddleware(async (c, next) => {
      const admin = c.var.admin;
      if (!admin) return toLogin(c, '/admin/login');
      if (!admin.verified) return toLogin(c, '/admin/login/totp');
      await next();
    }),
  ),
  { admin: 'required' as const },
);

/** The TOTP step: a session whose password was right but whose code is still owed. */
export const requireSecondFactorPending = Object.assign(
  withAdmin(
    factory.createMiddleware(async (c, next) => {
      if (!c.var.admin) return toLogin(c, '/admin/login');
      await next();
    }),
  ),
  { admin: 'second-factor' as const },
);

/** Login, set-password links. */
export const adminPublic: AdminGuard = Object.assign(
  factory.createMiddleware(async (_c, next) => {
    await next();
  }),
  { admin: 'public' as const },
);

function toLogin(c: Context<AppEnv>, target: string): Response {
  const url = new URL(c.req.url);
  const next =
    target === '/admin/login' && url.pathname !== '/admin'
      ? `?next=${encodeURIComponent(url.pathname + url.search)}`
      : '';
  if (c.req.header('HX-Request')) {
    c.header('HX-Redirect', `${target}${next}`);
    return c.body(null, 401);
  }
  return c.redirect(`${target}${next}`, 303);
}
