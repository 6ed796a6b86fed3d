import { factory } from '../../factory';

/** Admin panel (central domain): jobs. */
export const adminJobsRoutes = factory.createApp();
