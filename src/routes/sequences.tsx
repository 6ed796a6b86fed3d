import { factory } from '../factory';

/** Shop screens: sequences. */
export const sequencesRoutes = factory.createApp();
