import { factory } from '../factory';

/** Shop screens: credit-notes. */
export const creditNotesRoutes = factory.createApp();
