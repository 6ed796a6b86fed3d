import { createApiApp } from './app';

/** `/api/v1` resources: currencies. */
export const currenciesApi = createApiApp();
