import { factory } from '../factory';

/** Shop screens: contacts. */
export const contactsRoutes = factory.createApp();
