import { createApiApp } from './app';

/** `/api/v1` resources: reports. */
export const reportsApi = createApiApp();
