import { factory } from '../../factory';

/** Admin panel (central domain): accounts. */
export const adminAccountsRoutes = factory.createApp();
