import { factory } from '../factory';

/** Shop screens: currencies. */
export const currenciesRoutes = factory.createApp();
