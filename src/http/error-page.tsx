import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { SessionUser } from '../auth/session';
import { AppError, type ErrorCode, type ErrorLink, errorStatus } from '../errors';
import { type MessageKey, t } from '../i18n/es-DO';
import { AdminShell, AppShell, Layout } from '../views/layout';
import { ErrorAlert, ErrorContent } from '../views/pages';
import { safeNextPath } from './forms';
import { wantsFragment } from './fragments';

/** The error page and problem+json: rendered here, at the HTTP edge; `AppError` itself carries no markup. */

const pageText: Record<ErrorCode, [MessageKey, MessageKey]> = {
  bad_host: ['error.badHost.title', 'error.badHost.body'],
  bad_request: ['error.badRequest.title', 'error.badRequest.body'],
  unauthorized: ['error.unauthorized.title', 'error.unauthorized.body'],
  forbidden: ['error.forbidden.title', 'error.forbidden.body'],
  not_found: ['error.notFound.title', 'error.notFound.body'],
  conflict: ['error.conflict.title', 'error.conflict.body'],
  validation: ['error.validation.title', 'error.validation.body'],
  too_many_requests: ['error.tooMany.title', 'error.tooMany.body'],
  internal: ['error.server.title', 'error.server.body'],
  suspended: ['error.suspended.title', 'error.suspended.body'],
  provisioning: ['error.provisioning.title', 'error.provisioning.body'],
};

/** Which layout an error page is drawn in: the shop's (signed in or not), or the central domain's (admin or not). */
export interface ErrorShell {
  area: 'shop' | 'central';
  user?: SessionUser | null;
  admin?: { name: string; email: string } | null;
}

/** The page the user came from (Referer), only on this origin and only as a safe path; not the failing page itself. */
function backPath(request: Request): string | null {
  const referer = request.headers.get('Referer');
  if (!referer) return null;
  try {
    const from = new URL(referer);
    const here = new URL(request.url);
    const path = from.pathname + from.search;
    if (from.origin !== here.origin || safeNextPath(path) !== path) return null;
    return path === here.pathname + here.search && request.method === 'GET' ? null : path;
  } catch {
    return null;
  }
}

/** The way back from an error: the page the user came from, else the start of the area they are in. */
function wayBack(request: Request, shell: ErrorShell): ErrorLink {
  const inAdmin = shell.area === 'central' && Boolean(shell.admin);
  const back = backPath(request);
  if (back && (shell.area === 'shop' ? !back.startsWith('/admin') : inAdmin === back.startsWith('/admin')))
    return { href: back, label: t('error.back') };
  if (shell.area === 'shop')
    return shell.user ? { href: '/', label: t('error.backHome') } : { href: '/login', label: t('error.signIn') };
  return inAdmin ? { href: '/admin', label: t('error.backPanel') } : { href: '/', label: t('error.backHome') };
}

/**
 * Renders an error for a browser (a page in the layout of who is signed in, with a way back), htmx
 * (a fragment; boosted navigations get the page) or the JSON API (problem+json).
 */
export async function errorResponse(
  error: AppError,
  request: Request,
  requestId = '',
  shell: ErrorShell = { area: 'shop' },
): Promise<Response> {
  const status = errorStatus[error.code];
  const [titleKey, bodyKey] = pageText[error.code];
  const title = t(titleKey);
  const detail = error.publicMessage ?? t(bodyKey, { requestId });
  const headers = new Headers({ 'Cache-Control': 'no-store' });
  if (status === 503) headers.set('Retry-After', '30');
  const path = new URL(request.url).pathname;
  if (path.startsWith('/api/') || /^\/fe\//i.test(path)) {
    headers.set('Content-Type', 'application/problem+json');
    const errors = error.fields
      ? Object.entries(error.fields).map(([field, message]) => ({ field, message }))
      : undefined;
    return new Response(JSON.stringify({ type: 'about:blank', title, status, detail, code: error.code, errors }), {
      status,
      headers,
    });
  }
  headers.set('Content-Type', 'text/html; charset=UTF-8');
  if (wantsFragment(request))
    return new Response(await (<ErrorAlert id="error" message={detail} fix={error.fix} />).toString(), {
      status,
      headers,
    });
  const content = (
    <ErrorContent
      title={title}
      message={detail}
      fix={error.fix}
      back={status === 503 ? null : wayBack(request, shell)}
    />
  );
  const page =
    shell.area === 'shop' && shell.user ? (
      <AppShell title={title} user={shell.user} current="">
        {content}
      </AppShell>
    ) : shell.area === 'central' && shell.admin ? (
      <AdminShell title={title} admin={shell.admin} current="">
        {content}
      </AdminShell>
    ) : (
      <Layout title={title}>{content}</Layout>
    );
  return new Response(await page.toString(), { status, headers });
}

/** The layout of the request's area, from what the middleware put on the context (nothing before it ran). */
function shellOf(c: Context): ErrorShell {
  const tenant: unknown = c.get('tenant');
  const user: SessionUser | null | undefined = c.get('session');
  const admin: { name: string; email: string } | null | undefined = c.get('admin');
  return tenant ? { area: 'shop', user: user ?? null } : { area: 'central', admin: admin ?? null };
}

/** The app's notFound handler: the 404 page in the layout of the area. */
export function notFound(c: Context): Promise<Response> {
  return errorResponse(new AppError('not_found'), c.req.raw, c.get('requestId') ?? '', shellOf(c));
}

export async function onError(error: Error, c: Context): Promise<Response> {
  const requestId: string = c.get('requestId') ?? '';
  const shell = shellOf(c);
  if (error instanceof AppError) return errorResponse(error, c.req.raw, requestId, shell);
  // A query refused before it reached the database (a session the check refused), wrapped by drizzle.
  if (error.cause instanceof AppError) return errorResponse(error.cause, c.req.raw, requestId, shell);
  // Hono's own middleware (csrf, body limit, ...) throws these with the status to answer.
  if (error instanceof HTTPException && error.status === 403)
    return errorResponse(new AppError('forbidden', t('error.csrf')), c.req.raw, requestId, shell);
  if (error instanceof HTTPException && error.status < 500)
    return errorResponse(new AppError('bad_request'), c.req.raw, requestId, shell);
  console.error(JSON.stringify({ level: 'error', requestId, message: error.message, stack: error.stack }));
  return errorResponse(new AppError('internal'), c.req.raw, requestId, shell);
}
