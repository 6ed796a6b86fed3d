import type { tenantDb } from './db/client';
import type { TenantCache } from './tenancy/cache';
import type { TenantFiles } from './tenancy/files';
import type { TenantJobs } from './tenancy/jobs';
import type { TenantRecord } from './tenancy/record';
import type { SessionUser } from './auth/session';
import type { AdminSession } from './admin/session';
import type { Platform } from './tenancy/platform';

/** Secrets are not in wrangler.toml, so `wrangler types` cannot see them; `.dev.vars.example` lists them. */
export interface Secrets {
  CENTRAL_DATABASE_URL: string;
  POSTGRES_ADMIN_URL?: string;
  ENCRYPTION_KEY: string;
  NEON_API_KEY?: string;
  NEON_PROJECT_ID?: string;
  NEON_PARENT_BRANCH_ID?: string;
  /** Optional read-only connection for the DGII registry table; defaults to CENTRAL_DATABASE_URL. */
  REGISTRY_DATABASE_URL?: string;
}

export type Bindings = Env & Secrets;

export type TenantDb = ReturnType<typeof tenantDb>;

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
