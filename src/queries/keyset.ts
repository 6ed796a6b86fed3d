import { decodeCursor, encodeCursor } from '../api/openapi';
import { AppError } from '../errors';

/** A position in a list ordered newest first by (created_at, id): receipts, credit notes. */
export interface CreatedCursor {
  createdAt: string;
  id: string;
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const timestampPattern = /^\d{4}-\d{2}-\d{2} [\d:.+-]+$/;

export function encodeCreatedCursor(cursor: CreatedCursor): string {
  return encodeCursor([cursor.createdAt, cursor.id]);
}

/** null for a missing cursor; 422 for a malformed one. */
export function decodeCreatedCursor(value: string | undefined): CreatedCursor | null {
  if (!value) return null;
  const parts = decodeCursor(value);
  if (
    parts?.length !== 2 ||
    typeof parts[0] !== 'string' ||
    !timestampPattern.test(parts[0]) ||
    !uuidPattern.test(String(parts[1]))
  ) {
    throw new AppError('validation', 'Invalid cursor', { cursor: 'Invalid cursor' });
  }
  return { createdAt: parts[0], id: String(parts[1]) };
}
