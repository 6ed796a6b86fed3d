import { factory } from '../factory';

/** Shop screens: products. */
export const productsRoutes = factory.createApp();
