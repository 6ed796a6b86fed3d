import { factory } from '../../factory';

/** Admin panel (central domain): backups. */
export const adminBackupsRoutes = factory.createApp();
