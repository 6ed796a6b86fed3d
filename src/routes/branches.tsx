import { factory } from '../factory';

/** Shop screens: branches. */
export const branchesRoutes = factory.createApp();
