import { factory } from '../factory';

/** Shop screens: prescriptions. */
export const prescriptionsRoutes = factory.createApp();
