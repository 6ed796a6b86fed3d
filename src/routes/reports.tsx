import { factory } from '../factory';

/** Shop screens: reports. */
export const reportsRoutes = factory.createApp();
