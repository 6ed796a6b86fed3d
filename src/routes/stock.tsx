import { factory } from '../factory';

/** Shop screens: stock. */
export const stockRoutes = factory.createApp();
