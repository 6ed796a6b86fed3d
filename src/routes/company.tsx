import { factory } from '../factory';

/** Shop screens: company. */
export const companyRoutes = factory.createApp();
