import { factory } from '../factory';

/** Shop routes of support access: entering with an impersonation token, leaving it. */
export const supportRoutes = factory.createApp();
