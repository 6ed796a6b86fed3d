import { createApiApp } from './app';

/** `/api/v1` resources: branches. */
export const branchesApi = createApiApp();
