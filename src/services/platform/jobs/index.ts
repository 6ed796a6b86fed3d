import { backupJobHandlers } from './backups';
import type { PlatformJobHandlers } from './runner';
import { tenantJobHandlers } from './tenants';

export const platformJobHandlers: PlatformJobHandlers = { ...tenantJobHandlers, ...backupJobHandlers };
