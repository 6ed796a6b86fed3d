import { factory } from '../factory';

/** Shop screens: invoices. */
export const invoicesRoutes = factory.createApp();
