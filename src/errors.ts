import { t } from './i18n/es-DO';

/** Field name -> message: what a form or a problem+json `errors` shows next to each field. */
export type FieldErrors = Partial<Record<string, string>>;

/** Where the user can fix what was refused (e.g. the form to register an NCF range). */
export interface ErrorLink {
  href: string;
  label: string;
}

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

/** The one error type of the app; `code` decides the status and the page or problem shown. */
export class AppError extends Error {
  override name = 'AppError';
  readonly code: ErrorCode;
  /** Shown to the user instead of the catalogue text (e.g. a suspension notice). */
  readonly publicMessage: string | null;
  /** Field name -> message, for validation errors (problem+json `errors`). */
  readonly fields: Record<string, string> | null;
  /** Where the user can fix what was refused (e.g. the form to register an NCF range). */
  readonly fix: ErrorLink | null;

  constructor(
    code: ErrorCode,
    publicMessage: string | null = null,
    fields: Record<string, string> | null = null,
    fix: ErrorLink | null = null,
  ) {
    super(publicMessage ?? code);
    this.code = code;
    this.publicMessage = publicMessage;
    this.fields = fields;
    this.fix = fix;
  }
}

/**
 * The fix for a refusal of the numbering function (allocate_document_number): a range that is
 * missing, expired or used up is solved by registering a new one of that type; an inactive one on
 * the sequences page.
 */
export function sequenceFix(code: string, docType: string): ErrorLink | null {
  if (code === 'sequence_not_found' || code === 'sequence_expired' || code === 'sequence_exhausted') {
    return {
      href: `/sequences/new?docType=${encodeURIComponent(docType)}`,
      label: t('error.fix.sequenceNew', { type: docType }),
    };
  }
  if (code === 'sequence_inactive') return { href: '/sequences', label: t('error.fix.sequences') };
  return null;
}
