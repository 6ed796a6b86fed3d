import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { t, type MessageKey } from './i18n/es-DO';
import { ErrorPage } from './views/pages';

export const errorStatus = {
  bad_host: 400,
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  validation: 422,
  too_many_requests: 429,
  internal: 500,
  suspended: 503,
  provisioning: 503,
} as const;

export type ErrorCode = keyof typeof errorStatus;

const pageText: Record<ErrorCode, [MessageKey, MessageKey]> = {
  bad_host: ['error.badHost.title', 'error.badHost.body'],
  bad_request: ['error.badRequest.title', 'error.badRequest.body'],
  unauthorized: ['error.unauthorized.title', 'error.unauthorized.body'],
  forbidden: ['error.forbidden.title', 'error.forbidden.body'],
  not_found: ['error.notFound.title', 'error.notFound.body'],
  conflict: ['error.validation.title', 'error.validation.title'],
  validation: ['error.validation.title', 'error.validation.title'],
  too_many_requests: ['error.tooMany.title', 'error.tooMany.title'],
  internal: ['error.server.title', 'error.server.body'],
  suspended: ['error.suspended.title', 'error.suspended.body'],
  provisioning: ['error.provisioning.title', 'error.provisioning.body'],
};

/** The one error type of the app; `code` decides the status and the page or problem shown. */
export class AppError extends Error {
  override name = 'AppError';
  readonly code: ErrorCode;
  /** Shown to the user instead of the catalogue text (e.g. a suspension notice). */
  readonly publicMessage: string | null;
  /** Field name -> message, for validation errors (problem+json `errors`). */
  readonly fields: Record<string, string> | null;

  constructor(code: ErrorCode, publicMessage: string | null = null, fields: Record<string, string> | null = null) {
    super(publicMessage ?? code);
    this.code = code;
    this.publicMessage = publicMessage;
    this.fields = fields;
  }
}

/** Renders an error for a browser (page), htmx (fragment) or the JSON API (problem+json). */
export async function errorResponse(error: AppError, request: Request, requestId = ''): Promise<Response> {
  const status = errorStatus[error.code];
  const [titleKey, bodyKey] = pageText[error.code];
  const title = t(titleKey);
  const detail = error.publicMessage ?? t(bodyKey, { requestId });
  const headers = new Headers({ 'Cache-Control': 'no-store' });
  if (status === 503) headers.set('Retry-After', '30');
  if (new URL(request.url).pathname.startsWith('/api/')) {
    headers.set('Content-Type', 'application/problem+json');
    const errors = error.fields ? Object.entries(error.fields).map(([field, message]) => ({ field, message })) : undefined;
    return new Response(JSON.stringify({ type: 'about:blank', title, status, detail, code: error.code, errors }), { status, headers });
  }
  headers.set('Content-Type', 'text/html; charset=UTF-8');
  const page = request.headers.get('HX-Request') ? (
    <div class="card error" role="alert" id="error">
      <p>{detail}</p>
    </div>
  ) : (
    <ErrorPage title={title} message={detail} />
  );
  return new Response(await page.toString(), { status, headers });
}

export async function onError(error: Error, c: Context): Promise<Response> {
  const requestId: string = c.get('requestId') ?? '';
  if (error instanceof AppError) return errorResponse(error, c.req.raw, requestId);
  // Hono's own middleware (csrf, body limit, ...) throws these with the status to answer.
  if (error instanceof HTTPException && error.status === 403) return errorResponse(new AppError('forbidden', t('error.csrf')), c.req.raw, requestId);
  if (error instanceof HTTPException && error.status < 500) return errorResponse(new AppError('bad_request'), c.req.raw, requestId);
  console.error(JSON.stringify({ level: 'error', requestId, message: error.message, stack: error.stack }));
  return errorResponse(new AppError('internal'), c.req.raw, requestId);
}
