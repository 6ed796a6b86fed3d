import { sql } from 'drizzle-orm';
import { pruneAuthRecords } from '../auth/session';
import { loginThrottle } from '../auth/users';
import type { TenantContext } from '../tenancy/context';
import { formatBytes, formatDuration, plural } from './output';

/** A task `tenants:run` runs in each tenant's context; it returns a one-line result. */
export interface TenantTask {
  description: string;
  run(tenant: TenantContext): Promise<string>;
}

export const tenantTasks: Record<string, TenantTask> = {
  'cache:clear': {
    description: "Remove every entry of the tenant's KV cache",
    async run({ cache }) {
      return `removed ${plural(await cache.clear(), 'cache entry', 'cache entries')}`;
    },
  },
  'files:usage': {
    description: "Count the objects and bytes under the tenant's R2 prefix",
    async run({ files }) {
      const objects = await files.list();
      const bytes = objects.reduce((total, object) => total + object.size, 0);
      return `${plural(objects.length, 'object')}, ${formatBytes(bytes)}`;
    },
  },
  'auth:prune': {
    description: 'Delete expired or idle sessions and login attempts older than the throttle window',
    async run({ db }) {
      const removed = await pruneAuthRecords(db, loginThrottle.windowMinutes);
      return `removed ${plural(removed.sessions, 'session')} and ${plural(removed.attempts, 'login attempt')}`;
    },
  },
  'db:analyze': {
    description: 'Refresh the query planner statistics of the tenant database (ANALYZE)',
    async run({ db }) {
      const started = Date.now();
      await db.execute(sql`ANALYZE`);
      return `analyzed in ${formatDuration(Date.now() - started)}`;
    },
  },
};

export function taskList(): string {
  const names = Object.keys(tenantTasks);
  const width = Math.max(...names.map((name) => name.length));
  return names.map((name) => `  ${name.padEnd(width)}  ${tenantTasks[name]!.description}`).join('\n');
}
