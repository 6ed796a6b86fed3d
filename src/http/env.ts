import type { AdminSession } from '../services/platform/sessions';
import type { SessionUser } from '../auth/session';
import type { TenantDb } from '../db/client';
import type { Bindings } from '../env';
import type { TenantCache } from '../tenancy/cache';
import type { TenantFiles } from '../tenancy/files';
import type { TenantJobs } from '../tenancy/jobs';
import type { Platform } from '../tenancy/platform';
import type { TenantRecord } from '../tenancy/record';

export interface AppVariables {
  requestId: string;
  tenant: TenantRecord;
  db: TenantDb;
  cache: TenantCache;
  files: TenantFiles;
  jobs: TenantJobs;
  /** The signed-in user (browser session or API token), or null. */
  session: SessionUser | null;
  /** Central domain only (the admin panel): the lifecycle operations and the signed-in platform admin. */
  platform: Platform;
  admin: AdminSession | null;
}

export interface AppEnv {
  Bindings: Bindings;
  Variables: AppVariables;
}

/** What a handler behind the admin panel's `requireAdmin` (or its TOTP step) sees: the admin is there. */
export interface AdminEnv {
  Bindings: Bindings;
  Variables: AppVariables & { admin: AdminSession };
}

/** What a handler behind `requirePermission` sees: the session is there. */
export interface SignedInEnv {
  Bindings: Bindings;
  Variables: AppVariables & { session: SessionUser };
}
