import type { Context, MiddlewareHandler, Next } from 'hono';
import { deleteCookie, generateCookie, getCookie, setCookie } from 'hono/cookie';
import { AppError } from '../errors';
import { factory } from './factory';
import type { AppEnv, SignedInEnv } from './env';
import { can, type Permission } from '../auth/permissions';
import {
  loadSession,
  pingDatabase,
  type SessionState,
  sessionCheckStatement,
  sessionFromState,
  sessionPolicy,
  sessionRefusals,
} from '../auth/session';
import { claimsKey, maxClaimsLength, signClaims, verifyClaims } from '../auth/session-claims';
import { sha256Hex } from '../auth/crypto';
import { type QueryGate, queryGate, setQueryGate, type TenantDb } from '../db/client';
import { sqlState } from '../db/raised';
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

const sessionCookie = 'optiflow_session';
const claimsCookie = 'optiflow_claims';

function cookieOptions(c: Context) {
  const secure = isSecureRequest(c);
  return {
    path: '/',
    httpOnly: true,
    secure,
    sameSite: 'Lax' as const,
    ...(secure ? { prefix: 'host' as const } : {}),
  };
}

/**
 * No Domain attribute: the cookie is host-only, so one shop's session is never sent to another.
 * A new session drops the claims of any earlier one; its first request sets them.
 */
export function setSessionCookie(c: Context, token: string, expires: Date): void {
  setCookie(c, sessionCookie, token, { ...cookieOptions(c), expires });
  clearClaimsCookie(c);
}

export function clearSessionCookie(c: Context): void {
  deleteCookie(c, sessionCookie, cookieOptions(c));
  clearClaimsCookie(c);
}

/** After a change to the session itself (its branch): the next request loads it and sets fresh claims. */
export function clearClaimsCookie(c: Context): void {
  if (readCookie(c, claimsCookie) !== undefined) deleteCookie(c, claimsCookie, cookieOptions(c));
}

function readCookie(c: Context, name: string): string | undefined {
  return isSecureRequest(c) ? getCookie(c, name, 'host') : getCookie(c, name);
}

async function setClaimsCookie(c: Context<AppEnv>, state: SessionState): Promise<void> {
  const value = await signClaims(await claimsKey(c.env.ENCRYPTION_KEY, c.var.tenant.id), state);
  if (value.length > maxClaimsLength) return clearClaimsCookie(c);
  const expires = new Date(Date.now() + sessionPolicy.absoluteHours * 3_600_000);
  setCookie(c, claimsCookie, value, { ...cookieOptions(c), expires });
}

/** Re-runs a request through the shop's app (a signed-in request whose claims turned out stale). */
export type Redispatch = (
  request: Request,
  env: AppEnv['Bindings'],
  ctx: ExecutionContext | undefined,
) => Response | Promise<Response>;

/**
 * Puts the signed-in user (or null) on `c.var.session`.
 *
 * With valid signed claims the session is taken from them at once and checked by the database in
 * the same transaction as the request's first database request (`SessionCheck`): one round trip for
 * both. If the check refuses, that transaction (writes included) is rolled back and the request is
 * answered as unauthenticated (session ended) or run again the slow way (claims stale). Without
 * claims (or for a support session) the session is loaded first, as its own query, and claims set.
 *
 * A support session also needs its admin to be still active in the central database (checked on
 * each of its requests: disabling the admin ends it at once), and each of its state-changing
 * requests is written in both audit logs.
 */
export function loadUser(redispatch: Redispatch) {
  return factory.createMiddleware(async function loadUser(c, next) {
    // The JSON API authenticates with bearer tokens only (src/api/app.ts).
    const token = c.req.path.startsWith('/api/') ? undefined : readCookie(c, sessionCookie);
    const claims = token ? await validClaims(c) : null;
    if (token && claims) return ridingRequest(c, next, redispatch, await sha256Hex(token), claims);
    return loadedRequest(c, next, token);
  });
}

async function validClaims(c: Context<AppEnv>): Promise<SessionState | null> {
  const value = readCookie(c, claimsCookie);
  if (!value) return null;
  const claims = await verifyClaims(await claimsKey(c.env.ENCRYPTION_KEY, c.var.tenant.id), value);
  return claims && !claims.impersonatedBy ? claims : null;
}

/** The request of a session with claims: the check rides on its first database request. */
async function ridingRequest(
  c: Context<AppEnv>,
  next: Next,
  redispatch: Redispatch,
  idHash: string,
  claims: SessionState,
) {
  const check = new SessionCheck(c.var.db, idHash, claims);
  setQueryGate(c.var.db, check);
  c.set('session', sessionFromState(idHash, claims));
  // Nothing leaves the request for R2, the queue or KV before the session is confirmed.
  const confirm = () => check.confirm();
  c.set('files', afterConfirmed(c.var.files, confirm, ['get', 'head', 'list']));
  c.set('jobs', afterConfirmed(c.var.jobs, confirm, []));
  c.set('cache', afterConfirmed(c.var.cache, confirm, ['get', 'list']));
  const body = c.req.method === 'GET' || c.req.method === 'HEAD' ? null : c.req.raw.clone();
  await next();
  const outcome = await check.confirm();
  if (outcome === 'ended') {
    c.res = undefined;
    c.res = unauthenticatedResponse(c);
  } else if (outcome === 'stale') {
    const again = await redispatch(await withoutClaims(c, body), c.env, executionContext(c));
    c.res = undefined;
    c.res = again;
  }
}

/** Loads the session as its own query (no or unusable claims, support sessions) and sets claims. */
async function loadedRequest(c: Context<AppEnv>, next: Next, token: string | undefined) {
  const loaded = token ? await loadSession(c.var.db, token) : null;
  let session = loaded?.session ?? null;
  const central = session?.impersonatedBy ? (await createPlatform(c.env)).central : null;
  const supportAdmin =
    central && session?.impersonatedBy ? await activeSupportAdmin(central, session.impersonatedBy) : null;
  if (session?.impersonatedBy && !supportAdmin) {
    await endSupportSession(c.var.db, session.sessionHash);
    clearSessionCookie(c);
    session = null;
  }
  c.set('session', session);
  if (loaded && !session?.impersonatedBy) await setClaimsCookie(c, loaded.state);
  else if (token) clearClaimsCookie(c);
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
}

async function settleHere(c: Context<AppEnv>, check: SessionCheck): Promise<void> {
  const outcome = await check.confirm();
  if (outcome === 'confirmed') return;
  check.release();
  setQueryGate(c.var.db, null);
  const token = outcome === 'stale' ? readCookie(c, sessionCookie) : undefined;
  const loaded = token ? await loadSession(c.var.db, token) : null;
  c.set('session', loaded?.session ?? null);
  if (loaded) await setClaimsCookie(c, loaded.state);
  else clearSessionCookie(c);
}

/** `released`: a refusal the route already dealt with (a public route, which goes on signed out). */
export type CheckOutcome = 'pending' | 'confirmed' | 'ended' | 'stale' | 'released';

/** The database's word on a session taken from its claims, given by the first request that carries it. */
class SessionCheck implements QueryGate {
  outcome: CheckOutcome = 'pending';

  constructor(
    private readonly db: TenantDb,
    private readonly idHash: string,
    private readonly claims: SessionState,
  ) {}

  lead() {
    return this.outcome === 'pending' ? sessionCheckStatement(this.idHash, this.claims) : null;
  }

  passed() {
    if (this.outcome === 'pending') this.outcome = 'confirmed';
  }

  failed(error: unknown) {
    const code = sqlState(error);
    const refused = code === sessionRefusals.ended ? 'ended' : code === sessionRefusals.stale ? 'stale' : null;
    if (!refused) return error;
    // A request already confirmed keeps its answer; only the statements of this failed request are lost.
    if (this.outcome === 'pending') this.outcome = refused;
    return new AppError('unauthorized');
  }

  refusal() {
    return this.outcome === 'ended' || this.outcome === 'stale' ? new AppError('unauthorized') : null;
  }

  release() {
    this.outcome = 'released';
  }

  /** Confirms the session now if no request has yet (the check alone, one round trip). */
  async confirm(): Promise<CheckOutcome> {
    if (this.outcome !== 'pending') return this.outcome;
    try {
      await pingDatabase(this.db);
    } catch (error) {
      if (this.outcome === 'pending') throw error;
    }
    return this.outcome;
  }
}

/**
 * `target` with every method but the named `reads` waiting for the session check first, and refused
 * if it refuses: a write method added to files, jobs or cache later is guarded without a list to update.
 */
export function afterConfirmed<T extends object>(
  target: T,
  confirm: () => Promise<CheckOutcome>,
  reads: readonly string[],
): T {
  return new Proxy(target, {
    get(object, property) {
      const value = Reflect.get(object, property, object);
      if (typeof value !== 'function') return value;
      if (typeof property === 'string' && reads.includes(property)) return value.bind(object);
      return async (...args: unknown[]) => {
        if ((await confirm()) !== 'confirmed') throw new AppError('unauthorized');
        return value.apply(object, args);
      };
    },
  });
}

/** The same request without its claims cookie (and with the body it came with), for the slow path. */
async function withoutClaims(c: Context<AppEnv>, body: Pick<Body, 'arrayBuffer'> | null): Promise<Request> {
  const headers = new Headers(c.req.raw.headers);
  const names = new Set([claimsCookie, `__Host-${claimsCookie}`]);
  const cookies = (headers.get('Cookie') ?? '')
    .split(';')
    .map((part) => part.trim())
    .filter((part) => part && !names.has(part.slice(0, part.indexOf('=') < 0 ? undefined : part.indexOf('='))));
  headers.set('Cookie', cookies.join('; '));
  return new Request(c.req.url, {
    method: c.req.method,
    headers,
    body: body ? await body.arrayBuffer() : null,
    redirect: 'manual',
  });
}

function executionContext(c: Context): ExecutionContext | undefined {
  try {
    return c.executionCtx as ExecutionContext;
  } catch {
    return undefined; // app.request() in unit tests has no execution context
  }
}

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
    if (!can(session, permission)) throw new AppError('forbidden');
    if (session.apiScope === 'read' && c.req.method !== 'GET' && c.req.method !== 'HEAD')
      throw new AppError('forbidden', 'This token is read-only');
    await next();
  });
  // It calls next() only with a session, so what runs after it may rely on one.
  const signedIn = middleware as unknown as MiddlewareHandler<SignedInEnv>;
  return Object.assign(signedIn, { permission });
}

/**
 * For the few routes anyone may open (login, set-password links). They act on whether someone is
 * signed in before any query, so a session from claims is settled here first: ended, the request
 * goes on signed out; stale, it is loaded the slow way.
 */
export const publicRoute: GuardedMiddleware = Object.assign(
  factory.createMiddleware(async (c, next) => {
    const check = queryGate(c.var.db);
    if (check instanceof SessionCheck) await settleHere(c, check);
    await next();
  }),
  { permission: 'public' as const },
);

/** What a request whose session the check refused gets instead of its response: both cookies cleared. */
function unauthenticatedResponse(c: Context<AppEnv>): Response {
  const headers = new Headers();
  for (const name of [sessionCookie, claimsCookie])
    headers.append('Set-Cookie', generateCookie(name, '', { ...cookieOptions(c), maxAge: 0 }));
  const location = loginPath(c);
  if (c.req.header('HX-Request')) {
    headers.set('HX-Redirect', location);
    return new Response(null, { status: 401, headers });
  }
  headers.set('Location', location);
  return new Response(null, { status: 303, headers });
}

function loginPath(c: Context<AppEnv>): string {
  const url = new URL(c.req.url);
  return url.pathname === '/' ? '/login' : `/login?next=${encodeURIComponent(url.pathname + url.search)}`;
}

function unauthenticated(c: Context<AppEnv>): Response {
  if (c.req.path.startsWith('/api/')) throw new AppError('unauthorized');
  if (c.req.header('HX-Request')) {
    c.header('HX-Redirect', loginPath(c));
    return c.body(null, 401);
  }
  return c.redirect(loginPath(c), 303);
}
