import { createApiApp } from './app';

/** `/api/v1` resources: quotations. */
export const quotationsApi = createApiApp();
