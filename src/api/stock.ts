import { createApiApp } from './app';

/** `/api/v1` resources: stock. */
export const stockApi = createApiApp();
