import { can, type Permission } from '../../auth/permissions';
import type { SessionUser } from '../../auth/session';
import { AppError } from '../../errors';
import type { TenantDb } from '../../db/client';
import type { Bindings } from '../../env';
import type { TenantCache } from '../../tenancy/cache';
import type { TenantFiles } from '../../tenancy/files';
import type { TenantJobs } from '../../tenancy/jobs';
import type { TenantRecord } from '../../tenancy/record';

/**
 * What a shop service runs with: the shop's own database, cache, files and jobs (all scoped to the
 * tenant by construction), the Worker's bindings, and who is acting. The UI routes and the JSON API
 * build it the same way (`shopContext(c)` in src/http/shop.ts), so a rule checked here holds for both.
 */
export interface ShopContext {
  db: TenantDb;
  tenant: TenantRecord;
  cache: TenantCache;
  files: TenantFiles;
  jobs: TenantJobs;
  env: Bindings;
  requestId: string;
  actor: SessionUser;
}

/** 403 unless the actor holds `permission`: the check a service runs before anything else. */
export function requireRight(ctx: Pick<ShopContext, 'actor'>, permission: Permission): void {
  if (!can(ctx.actor, permission)) throw new AppError('forbidden');
}
