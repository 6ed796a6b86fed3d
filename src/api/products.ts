import { createApiApp } from './app';

/** `/api/v1` resources: products. */
export const productsApi = createApiApp();
