import { factory } from '../factory';

/** Shop screens: quotations. */
export const quotationsRoutes = factory.createApp();
