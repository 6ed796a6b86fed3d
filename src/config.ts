/** Where a tenant's database lives. */
export const placementKinds = ['postgres', 'neon-branch', 'neon-project'] as const;
export type PlacementKind = (typeof placementKinds)[number];

/** Settings read from plain variables (wrangler.toml `[vars]`), parsed once per use. */
export interface AppConfig {
  environment: string;
  centralDomains: string[];
  tenantCacheTtl: number;
  negativeCacheTtl: number;
  tenantDbPrefix: string;
  tenantDbSuffix: string;
  defaultPlacement: PlacementKind;
  neonLocalEndpoint: string | null;
  neonApiUrl: string;
  /** Days a tenant backup is kept by the daily sweep (the newest backup of a tenant is always kept). */
  backupRetentionDays: number;
}

/** Workers KV refuses an `expirationTtl` under 60 seconds. */
const kvMinimumTtl = 60;

export type ConfigSource = Partial<
  Record<
    | 'ENVIRONMENT'
    | 'CENTRAL_DOMAINS'
    | 'TENANT_CACHE_TTL'
    | 'NEGATIVE_CACHE_TTL'
    | 'TENANT_DB_PREFIX'
    | 'TENANT_DB_SUFFIX'
    | 'DEFAULT_PLACEMENT'
    | 'NEON_LOCAL_ENDPOINT'
    | 'NEON_API_URL'
    | 'BACKUP_RETENTION_DAYS',
    string | undefined
  >
>;

export function readConfig(source: ConfigSource): AppConfig {
  const centralDomains = (source.CENTRAL_DOMAINS ?? 'localhost')
    .split(',')
    .map((domain) => domain.trim().toLowerCase().replace(/\.$/, ''))
    .filter(Boolean);
  return {
    environment: source.ENVIRONMENT ?? 'development',
    centralDomains,
    tenantCacheTtl: ttl(source.TENANT_CACHE_TTL, 300),
    negativeCacheTtl: ttl(source.NEGATIVE_CACHE_TTL, 60),
    tenantDbPrefix: source.TENANT_DB_PREFIX ?? 'optiflow_',
    tenantDbSuffix: source.TENANT_DB_SUFFIX ?? '',
    defaultPlacement: placement(source.DEFAULT_PLACEMENT),
    neonLocalEndpoint: source.NEON_LOCAL_ENDPOINT ? source.NEON_LOCAL_ENDPOINT.replace(/\/$/, '') : null,
    neonApiUrl: source.NEON_API_URL || 'https://console.neon.tech/api/v2',
    backupRetentionDays: retentionDays(source.BACKUP_RETENTION_DAYS),
  };
}

function ttl(value: string | undefined, fallback: number): number {
  const seconds = value === undefined || value === '' ? fallback : Number(value);
  if (!Number.isInteger(seconds) || seconds < kvMinimumTtl) {
    throw new Error(`Cache TTL must be an integer of at least ${kvMinimumTtl} seconds, got "${value}"`);
  }
  return seconds;
}

function retentionDays(value: string | undefined): number {
  const days = value === undefined || value === '' ? 30 : Number(value);
  if (!Number.isInteger(days) || days < 1)
    throw new Error(`BACKUP_RETENTION_DAYS must be a positive integer, got "${value}"`);
  return days;
}

function placement(value: string | undefined): PlacementKind {
  const kind = value || 'postgres';
  if (!(placementKinds as readonly string[]).includes(kind)) {
    throw new Error(`Unknown placement "${kind}"; expected one of ${placementKinds.join(', ')}`);
  }
  return kind as PlacementKind;
}
