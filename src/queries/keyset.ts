/**
 * Positions in keyset-paginated lists: the sort key and id of the last row of a page. The queries
 * take and return these; src/http/cursors.ts turns them into the opaque cursors clients see.
 */

/** Newest first by (created_at, id): receipts, credit notes. */
export interface CreatedCursor {
  createdAt: string;
  id: string;
}

/** Contacts by (name, id). */
export interface ContactCursor {
  name: string;
  id: string;
}

/** Prescriptions, newest examination first, by (examined_on, id). */
export interface PrescriptionCursor {
  examinedOn: string;
  id: string;
}
