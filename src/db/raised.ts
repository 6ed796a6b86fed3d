/**
 * Errors our SQL functions raise on purpose (`RAISE EXCEPTION 'optiflow:<code>'`, SQLSTATE P0001),
 * e.g. `sequence_exhausted` from `allocate_document_number`. The Neon driver wraps them; this
 * finds the code anywhere in the cause chain.
 */
export function raisedCode(error: unknown): string | null {
  for (
    let current: unknown = error;
    current && typeof current === 'object';
    current = (current as { cause?: unknown }).cause
  ) {
    const { code, message } = current as { code?: unknown; message?: unknown };
    if (code === 'P0001' && typeof message === 'string' && message.startsWith('optiflow:'))
      return message.slice('optiflow:'.length);
  }
  return null;
}

/** The SQLSTATE of a database error anywhere in the cause chain (e.g. `23505` unique violation). */
export function sqlState(error: unknown): string | null {
  for (
    let current: unknown = error;
    current && typeof current === 'object';
    current = (current as { cause?: unknown }).cause
  ) {
    const { code } = current as { code?: unknown };
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
  }
  return null;
}

/** The DETAIL of a raised error anywhere in the cause chain (e.g. the product that ran out of stock). */
export function raisedDetail(error: unknown): string | null {
  for (
    let current: unknown = error;
    current && typeof current === 'object';
    current = (current as { cause?: unknown }).cause
  ) {
    const { detail } = current as { detail?: unknown };
    if (typeof detail === 'string' && detail) return detail;
  }
  return null;
}
