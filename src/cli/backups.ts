import type { Command } from './command';

/** tenants:backup, tenants:restore. */
export const backupCommands: readonly Command[] = [];
