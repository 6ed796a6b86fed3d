import { createApiApp } from './app';

/** `/api/v1` resources: invoices. */
export const invoicesApi = createApiApp();
