import { createApiApp } from './app';

/** `/api/v1` resources: payments. */
export const paymentsApi = createApiApp();
