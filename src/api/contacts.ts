import { createApiApp } from './app';

/** `/api/v1` resources: contacts. */
export const contactsApi = createApiApp();
