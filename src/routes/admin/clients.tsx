import { factory } from '../../factory';

/** Admin panel (central domain): clients. */
export const adminClientsRoutes = factory.createApp();
