import type { PlatformJobHandlers } from './runner';

/** tenant.backup, tenant.restore (the backups area of the admin panel). */
export const backupJobHandlers: PlatformJobHandlers = {};
