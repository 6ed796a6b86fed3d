import { factory } from '../factory';

/** Shop screens: payments. */
export const paymentsRoutes = factory.createApp();
