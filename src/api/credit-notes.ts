import { createApiApp } from './app';

/** `/api/v1` resources: credit-notes. */
export const creditNotesApi = createApiApp();
