import type { Bindings } from './env';
import { listTenants } from './tenancy/lifecycle';
import { createPlatform } from './tenancy/platform';
import { backupTenant, pruneBackups, tenantsWithBackups } from './services/platform/backups';

const concurrency = 4;

export interface ScheduledBackupSummary {
  backedUp: string[];
  failed: Array<{ tenantId: string; error: string }>;
  deleted: string[];
}

/**
 * The daily Cron Trigger: a backup of every active tenant (a few at a time), then the retention
 * sweep over every tenant with backups (older than BACKUP_RETENTION_DAYS, never the newest one).
 */
export async function runScheduledBackups(env: Bindings, scheduledTime: number): Promise<ScheduledBackupSummary> {
  const platform = await createPlatform(env);
  const now = new Date(scheduledTime);
  const active = (await listTenants(platform))
    .filter((tenant) => tenant.status === 'active')
    .map((tenant) => tenant.id);
  const summary: ScheduledBackupSummary = { backedUp: [], failed: [], deleted: [] };
  let next = 0;
  const lane = async () => {
    while (next < active.length) {
      const tenantId = active[next++]!;
      try {
        await backupTenant(platform, tenantId, now);
        summary.backedUp.push(tenantId);
      } catch (error) {
        summary.failed.push({ tenantId, error: error instanceof Error ? error.message : String(error) });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, active.length) }, lane));
  for (const tenantId of await tenantsWithBackups(platform)) {
    summary.deleted.push(...(await pruneBackups(platform, tenantId, platform.config.backupRetentionDays, now)));
  }
  console.log(
    JSON.stringify({
      level: summary.failed.length ? 'error' : 'info',
      message: 'scheduled backups',
      backedUp: summary.backedUp.length,
      failed: summary.failed,
      deleted: summary.deleted.length,
      retentionDays: platform.config.backupRetentionDays,
    }),
  );
  return summary;
}
