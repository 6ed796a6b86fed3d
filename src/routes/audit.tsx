import { factory } from '../factory';

/** The shop's own audit log (owner only). */
export const auditRoutes = factory.createApp();
