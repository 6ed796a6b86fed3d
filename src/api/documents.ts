import { createApiApp } from './app';

/** `/api/v1` resources: documents. */
export const documentsApi = createApiApp();
