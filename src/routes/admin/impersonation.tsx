import { factory } from '../../factory';

/** Admin panel (central domain): impersonation. */
export const adminImpersonationRoutes = factory.createApp();
