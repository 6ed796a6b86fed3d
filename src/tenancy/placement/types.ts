import type { PlacementKind } from '../../config';

/**
 * What a placement remembers about a tenant's database, stored (unencrypted, it holds no secret)
 * in `tenants.placement_ref` in the central database. Neon placements keep their ids here.
 */
export interface PlacementRef {
  kind: PlacementKind;
  databaseName: string;
  roleName: string;
  /** Placement-specific identifiers, e.g. Neon `projectId`, `branchId`, `endpointId`. */
  ids: Record<string, string>;
}

export interface ProvisionedDatabase {
  ref: PlacementRef;
  /** Connection string for the tenant's own role, which can connect to this database only. */
  connectionString: string;
}

/** Names derived from the tenant id and the configured prefix/suffix. */
export interface DatabaseNames {
  databaseName: string;
  roleName: string;
}

export interface Placement {
  readonly kind: PlacementKind;
  /**
   * Creates the tenant's database and role, or finds them if an earlier, interrupted run already
   * made them (the role's password is then reset, since it was never stored). Never creates a
   * second database for the same tenant. `previous` is what an earlier run recorded, if anything.
   */
  ensureDatabase(
    tenantId: string,
    names: DatabaseNames,
    previous: PlacementRef | null,
    /** `empty`: never a copy of a template (see the postgres placement). */
    options?: { empty?: boolean },
  ): Promise<ProvisionedDatabase>;
  /** Drops the tenant's database and role. Idempotent: succeeds if they are already gone. */
  dropDatabase(tenantId: string, names: DatabaseNames, previous: PlacementRef | null): Promise<void>;
}
