import { createApiApp } from './app';

/** `/api/v1` resources: sequences. */
export const sequencesApi = createApiApp();
