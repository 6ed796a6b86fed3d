import type { Bindings } from '../env';

/** The daily Cron Trigger: a backup of every active tenant, then the retention sweep (backups area). */
export async function runScheduledBackups(_env: Bindings, _scheduledTime: number): Promise<void> {}
