import type { PlatformJobHandlers } from './runner';

/** tenant.create, tenant.delete, tenants.migrate (the tenants area of the admin panel). */
export const tenantJobHandlers: PlatformJobHandlers = {};
