import { backupTenant, restoreBackup } from '../backups';
import type { PlatformJobHandlers } from './runner';

/** tenant.backup, tenant.restore (the backups area of the admin panel). Both are safe to retry. */
export const backupJobHandlers: PlatformJobHandlers = {
  'tenant.backup': async ({ platform, job, progress }) => {
    if (!job.tenantId) throw new Error('tenant.backup needs a tenant');
    await progress('backup', 'started');
    const result = await backupTenant(platform, job.tenantId);
    await progress('backup', 'succeeded', result.key);
    return { ...result };
  },

  'tenant.restore': async ({ platform, job, progress }) => {
    const input = job.input as { backupKey?: string; into?: string } | null;
    if (!input?.backupKey || !input.into) throw new Error('tenant.restore needs backupKey and into');
    await progress('restore', 'started', `${input.backupKey} -> ${input.into}`);
    const result = await restoreBackup(platform, {
      backupKey: input.backupKey,
      into: input.into,
      progress: (step, message) => progress(step, 'succeeded', message ?? null),
    });
    await progress('restore', 'succeeded', result.tenantId);
    return { ...result };
  },
};
