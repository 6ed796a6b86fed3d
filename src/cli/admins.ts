import type { Command } from './command';

/** admins:create (platform admins). */
export const adminCommands: readonly Command[] = [];
