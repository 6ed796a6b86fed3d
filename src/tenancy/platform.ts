import { readConfig, type AppConfig } from '../config';
import { centralDb, configureNeon, sqlClient, type CentralDb, type Sql } from '../db/client';
import type { Bindings } from '../env';
import { encryptionKeyFor } from './crypto';
import { NeonApiClient } from './placement/neon-api';
import { createNeonBranchPlacement, createNeonProjectPlacement } from './placement/neon';
import { createPostgresPlacement } from './placement/postgres';
import type { TenantTemplateSource } from './placement/postgres-template';
import { functions, migrations } from '../db/migrations.generated';
import { migrate } from '../db/migrate';
import type { DatabaseNames, Placement } from './placement/types';
import type { PlacementKind } from '../config';
import { AppError } from '../errors';

/** Everything the tenant lifecycle operations need, whether they run in the Worker or the CLI. */
export interface Platform {
  config: AppConfig;
  central: CentralDb;
  centralSql: Sql;
  kv: KVNamespace;
  files: R2Bucket;
  encryptionKey: CryptoKey;
  placement(kind: PlacementKind): Placement;
}

export type PlatformEnv = Pick<
  Bindings,
  | 'KV'
  | 'FILES'
  | 'CENTRAL_DATABASE_URL'
  | 'ENCRYPTION_KEY'
  | 'POSTGRES_ADMIN_URL'
  | 'NEON_API_KEY'
  | 'NEON_PROJECT_ID'
  | 'NEON_PARENT_BRANCH_ID'
> &
  Partial<
    Pick<
      Bindings,
      | 'CENTRAL_DOMAINS'
      | 'TENANT_CACHE_TTL'
      | 'NEGATIVE_CACHE_TTL'
      | 'TENANT_DB_PREFIX'
      | 'TENANT_DB_SUFFIX'
      | 'DEFAULT_PLACEMENT'
      | 'NEON_LOCAL_ENDPOINT'
      | 'NEON_API_URL'
      | 'ENVIRONMENT'
    >
  >;

export type PlacementFactory = (kind: PlacementKind, env: PlatformEnv, config: AppConfig) => Placement;

export async function createPlatform(
  env: PlatformEnv,
  placementFactory: PlacementFactory = defaultPlacements,
): Promise<Platform> {
  if (!env.CENTRAL_DATABASE_URL) throw new Error('CENTRAL_DATABASE_URL is not set (see .dev.vars.example)');
  if (!env.ENCRYPTION_KEY) throw new Error('ENCRYPTION_KEY is not set (see .dev.vars.example)');
  const config = readConfig(env);
  configureNeon(config.neonLocalEndpoint);
  const placements = new Map<PlacementKind, Placement>();
  return {
    config,
    central: centralDb(env.CENTRAL_DATABASE_URL),
    centralSql: sqlClient(env.CENTRAL_DATABASE_URL),
    kv: env.KV,
    files: env.FILES,
    encryptionKey: await encryptionKeyFor(env.ENCRYPTION_KEY),
    placement(kind) {
      let placement = placements.get(kind);
      if (!placement) {
        placement = placementFactory(kind, env, config);
        placements.set(kind, placement);
      }
      return placement;
    },
  };
}

/**
 * The tenant schema a template database is built with: its version names every migration and
 * function file (their hashes), so a deploy with a new one builds a new template.
 */
export const tenantTemplateSource: TenantTemplateSource = {
  version: schemaVersionOf([...migrations.tenant.map((m) => m.hash), ...functions.tenant.map((f) => f.hash)]),
  async migrate(connectionString) {
    await migrate(sqlClient(connectionString), migrations.tenant, functions.tenant);
  },
};

/** A short, stable name for a list of hashes (FNV-1a, 64 bits as two 32-bit halves). */
function schemaVersionOf(hashes: readonly string[]): string {
  let low = 0x811c9dc5;
  let high = 0x050c5d1f;
  for (const char of hashes.join('|')) {
    const code = char.charCodeAt(0);
    low = Math.imul(low ^ code, 0x01000193) >>> 0;
    high = Math.imul(high ^ code ^ (low >>> 13), 0x01000193) >>> 0;
  }
  return `${hashes.length}_${high.toString(16).padStart(8, '0')}${low.toString(16).padStart(8, '0')}`;
}

export function defaultPlacements(kind: PlacementKind, env: PlatformEnv, config: AppConfig): Placement {
  switch (kind) {
    case 'postgres': {
      if (!env.POSTGRES_ADMIN_URL) throw new AppError('validation', 'The postgres placement needs POSTGRES_ADMIN_URL');
      return createPostgresPlacement({
        admin: sqlClient(env.POSTGRES_ADMIN_URL),
        adminUrl: env.POSTGRES_ADMIN_URL,
        template: tenantTemplateSource,
        connect: sqlClient,
      });
    }
    case 'neon-project':
      return createNeonProjectPlacement({ client: neonClient(env, config) });
    case 'neon-branch': {
      if (!env.NEON_PROJECT_ID || !env.NEON_PARENT_BRANCH_ID) {
        throw new AppError('validation', 'The neon-branch placement needs NEON_PROJECT_ID and NEON_PARENT_BRANCH_ID');
      }
      return createNeonBranchPlacement({
        client: neonClient(env, config),
        projectId: env.NEON_PROJECT_ID,
        parentBranchId: env.NEON_PARENT_BRANCH_ID,
      });
    }
  }
}

function neonClient(env: PlatformEnv, config: AppConfig): NeonApiClient {
  if (!env.NEON_API_KEY) throw new AppError('validation', 'The Neon placements need NEON_API_KEY');
  return new NeonApiClient({ apiKey: env.NEON_API_KEY, baseUrl: config.neonApiUrl });
}

/** `optiflow_<id>` (prefix and suffix configurable); hyphens become underscores, ids have no underscores. */
export function databaseNames(
  config: Pick<AppConfig, 'tenantDbPrefix' | 'tenantDbSuffix'>,
  tenantId: string,
): DatabaseNames {
  const name = `${config.tenantDbPrefix}${tenantId.replace(/-/g, '_')}${config.tenantDbSuffix}`;
  return { databaseName: name, roleName: name };
}
