/**
 * Why a call to DGII failed, in the three ways the caller acts on: `unreachable` (network error,
 * timeout, 5xx: keep the document and go into contingency, send it later), `unauthorized` (DGII
 * refused the shop's token even after a fresh authentication: certificate or delegation problem),
 * `rejected` (DGII answered and refused the request itself; its messages are in `body`).
 */
export type DgiiErrorKind = 'unreachable' | 'unauthorized' | 'rejected';

export class DgiiError extends Error {
  override name = 'DgiiError';
  readonly kind: DgiiErrorKind;
  /** The service called, e.g. `recepcion`. */
  readonly service: string;
  readonly status: number | null;
  /** DGII's answer, parsed when it was JSON. */
  readonly body: unknown;

  constructor(
    kind: DgiiErrorKind,
    service: string,
    message: string,
    status: number | null = null,
    body: unknown = null,
  ) {
    super(`${service}: ${message}`);
    this.kind = kind;
    this.service = service;
    this.status = status;
    this.body = body;
  }
}

export class DgiiUnreachableError extends DgiiError {
  override name = 'DgiiUnreachableError';
  /** How: no connection at all, no answer before the deadline, or an answer saying DGII is unavailable. */
  readonly reason: 'network' | 'timeout' | 'answer';

  constructor(
    service: string,
    message: string,
    status: number | null = null,
    body: unknown = null,
    reason: 'network' | 'timeout' | 'answer' = status === null ? 'network' : 'answer',
  ) {
    super('unreachable', service, message, status, body);
    this.reason = reason;
  }
}

export class DgiiUnauthorizedError extends DgiiError {
  override name = 'DgiiUnauthorizedError';

  constructor(service: string, message: string, status: number | null = null, body: unknown = null) {
    super('unauthorized', service, message, status, body);
  }
}

export class DgiiRejectedError extends DgiiError {
  override name = 'DgiiRejectedError';

  constructor(service: string, message: string, status: number | null = null, body: unknown = null) {
    super('rejected', service, message, status, body);
  }
}
