import { factory } from '../factory';

/** Shop screens: users. */
export const usersRoutes = factory.createApp();
