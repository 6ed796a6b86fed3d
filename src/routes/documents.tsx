import { factory } from '../factory';

/** Shop screens: documents. */
export const documentsRoutes = factory.createApp();
