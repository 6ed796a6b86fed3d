import { factory } from '../../factory';

/** Admin panel (central domain): tenants. */
export const adminTenantsRoutes = factory.createApp();
