import { createApiApp } from './app';

/** `/api/v1` resources: prescriptions. */
export const prescriptionsApi = createApiApp();
