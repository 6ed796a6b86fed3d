import { csrf } from 'hono/csrf';
import { adminContext } from '../../http/admin-session';
import { factory } from '../../http/factory';
import { adminRenderer } from '../../http/renderer';
import { adminAccountsRoutes } from './accounts';
import { adminBackupsRoutes } from './backups';
import { adminClientsRoutes } from './clients';
import { adminImpersonationRoutes } from './impersonation';
import { adminJobsRoutes } from './jobs';
import { adminTenantsRoutes } from './tenants';

/** `/admin` on the central domains only (a shop's host never routes here): OptiFlow's operators. */
export const adminApp = factory.createApp();

adminApp.use(csrf(), adminContext, adminRenderer);
adminApp.route('/', adminAccountsRoutes);
adminApp.route('/', adminTenantsRoutes);
adminApp.route('/', adminClientsRoutes);
adminApp.route('/', adminJobsRoutes);
adminApp.route('/', adminImpersonationRoutes);
adminApp.route('/', adminBackupsRoutes);
