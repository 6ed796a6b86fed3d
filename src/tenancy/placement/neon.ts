/**
 * Neon placements: a tenant's database lives either in a Neon project of its own (`neon-project`)
 * or on a branch of one shared Neon project (`neon-branch`). Both are idempotent: an interrupted
 * earlier run is found by name and finished, never duplicated.
 */
import { NeonApiError, type NeonApiClient, type NeonBranch, type NeonEndpoint, type NeonProject } from './neon-api';
import type { DatabaseNames, Placement, PlacementRef, ProvisionedDatabase } from './types';
import type { PlacementKind } from '../../config';

export interface NeonProjectPlacementOptions {
  client: NeonApiClient;
  /** Neon region for new projects, e.g. `aws-us-east-2`. Neon's default when omitted. */
  regionId?: string;
  pgVersion?: number;
  /** Neon organization that owns the projects (required by Neon for organization API keys). */
  orgId?: string;
}

export interface NeonBranchPlacementOptions {
  client: NeonApiClient;
  /** The shared project holding one branch per tenant. */
  projectId: string;
  /** An empty template branch every tenant branch starts from. */
  parentBranchId: string;
}

interface Located {
  projectId: string;
  branchId: string;
  endpoint: NeonEndpoint;
  password: string;
}

export function createNeonProjectPlacement(options: NeonProjectPlacementOptions): Placement {
  const kind: PlacementKind = 'neon-project';
  const { client } = options;

  async function ensureDatabase(
    _tenantId: string,
    names: DatabaseNames,
    previous: PlacementRef | null,
  ): Promise<ProvisionedDatabase> {
    assertPreviousKind(kind, previous);
    const existing = await findTenantProject(client, names, previous, options.orgId);
    const located = existing
      ? await resumeProject(client, existing, names)
      : await createTenantProject(client, names, options);
    return provisioned(kind, names, located);
  }

  async function dropDatabase(_tenantId: string, names: DatabaseNames, previous: PlacementRef | null): Promise<void> {
    assertPreviousKind(kind, previous);
    const projectIds = new Set<string>();
    if (previous?.ids.projectId) projectIds.add(previous.ids.projectId);
    for (const project of await client.findProjectsByName(names.databaseName, options.orgId)) {
      projectIds.add(project.id);
    }
    for (const projectId of projectIds) await ignoreNotFound(client.deleteProject(projectId));
  }

  return { kind, ensureDatabase, dropDatabase };
}

export function createNeonBranchPlacement(options: NeonBranchPlacementOptions): Placement {
  const kind: PlacementKind = 'neon-branch';
  const { client, projectId } = options;

  async function ensureDatabase(
    _tenantId: string,
    names: DatabaseNames,
    previous: PlacementRef | null,
  ): Promise<ProvisionedDatabase> {
    assertPreviousKind(kind, previous);
    assertSameProject(projectId, previous);
    const existing = await findTenantBranch(client, projectId, names, previous);
    const { branch, endpoint } = existing
      ? { branch: existing, endpoint: await readWriteEndpoint(client, projectId, existing.id) }
      : await createTenantBranch(client, options, names);
    const password = await ensureRoleAndDatabase(client, projectId, branch.id, names);
    return provisioned(kind, names, { projectId, branchId: branch.id, endpoint, password });
  }

  async function dropDatabase(_tenantId: string, names: DatabaseNames, previous: PlacementRef | null): Promise<void> {
    assertPreviousKind(kind, previous);
    assertSameProject(projectId, previous);
    const branch = await findTenantBranch(client, projectId, names, previous);
    if (!branch) return;
    const deleted = await ignoreNotFound(client.deleteBranch(projectId, branch.id));
    if (deleted) await client.waitForOperations(projectId, deleted.operations);
  }

  return { kind, ensureDatabase, dropDatabase };
}

// neon-project

/** The tenant's project: the recorded one if it still exists, else the one named after the database. */
async function findTenantProject(
  client: NeonApiClient,
  names: DatabaseNames,
  previous: PlacementRef | null,
  orgId: string | undefined,
): Promise<NeonProject | null> {
  const recordedId = previous?.ids.projectId;
  if (recordedId) {
    const recorded = await ignoreNotFound(client.getProject(recordedId));
    if (recorded) return recorded.project;
  }
  const matches = await client.findProjectsByName(names.databaseName, orgId);
  if (matches.length > 1) {
    throw new Error(
      `Found ${matches.length} Neon projects named "${names.databaseName}" (${matches.map((p) => p.id).join(', ')}); ` +
        'refusing to guess which one belongs to the tenant',
    );
  }
  return matches[0] ?? null;
}

async function createTenantProject(
  client: NeonApiClient,
  names: DatabaseNames,
  options: NeonProjectPlacementOptions,
): Promise<Located> {
  const created = await client.createProject({
    project: {
      name: names.databaseName,
      region_id: options.regionId,
      pg_version: options.pgVersion,
      org_id: options.orgId,
      branch: { role_name: names.roleName, database_name: names.databaseName },
    },
  });
  const projectId = created.project.id;
  await client.waitForOperations(projectId, created.operations);
  const password = created.roles.find((role) => role.name === names.roleName)?.password;
  if (!password) throw new Error(`Neon created project ${projectId} without a password for role ${names.roleName}`);
  const endpoint = created.endpoints.find((candidate) => candidate.type === 'read_write');
  if (!endpoint) throw new Error(`Neon created project ${projectId} without a read_write endpoint`);
  return { projectId, branchId: created.branch.id, endpoint, password };
}

/** Finishes a project an earlier run created; its role's password was never stored, so it is reset. */
async function resumeProject(client: NeonApiClient, project: NeonProject, names: DatabaseNames): Promise<Located> {
  const branch = await defaultBranch(client, project.id);
  const endpoint = await readWriteEndpoint(client, project.id, branch.id);
  const password = await ensureRoleAndDatabase(client, project.id, branch.id, names);
  return { projectId: project.id, branchId: branch.id, endpoint, password };
}

async function defaultBranch(client: NeonApiClient, projectId: string): Promise<NeonBranch> {
  const { branches } = await client.listBranches(projectId);
  const found =
    branches.find((branch) => branch.default ?? branch.primary) ?? (branches.length === 1 ? branches[0] : undefined);
  if (!found) throw new Error(`Neon project ${projectId} has no default branch`);
  return found;
}

// neon-branch

async function findTenantBranch(
  client: NeonApiClient,
  projectId: string,
  names: DatabaseNames,
  previous: PlacementRef | null,
): Promise<NeonBranch | null> {
  const { branches } = await client.listBranches(projectId, { search: names.databaseName });
  const recorded = branches.find((branch) => branch.id === previous?.ids.branchId);
  if (recorded) return recorded;
  const matches = branches.filter((branch) => branch.name === names.databaseName);
  if (matches.length > 1) {
    throw new Error(
      `Found ${matches.length} branches named "${names.databaseName}" in Neon project ${projectId}; ` +
        'refusing to guess which one belongs to the tenant',
    );
  }
  return matches[0] ?? null;
}

async function createTenantBranch(
  client: NeonApiClient,
  options: NeonBranchPlacementOptions,
  names: DatabaseNames,
): Promise<{ branch: NeonBranch; endpoint: NeonEndpoint }> {
  const created = await client.createBranch(options.projectId, {
    branch: { name: names.databaseName, parent_id: options.parentBranchId },
    endpoints: [{ type: 'read_write' }],
  });
  await client.waitForOperations(options.projectId, created.operations);
  const endpoint = created.endpoints.find((candidate) => candidate.type === 'read_write');
  if (!endpoint) throw new Error(`Neon created branch ${created.branch.id} without a read_write endpoint`);
  return { branch: created.branch, endpoint };
}

function assertSameProject(projectId: string, previous: PlacementRef | null): void {
  const recorded = previous?.ids.projectId;
  if (recorded && recorded !== projectId) {
    throw new Error(
      `The tenant's branch was recorded in Neon project ${recorded}, but this placement is configured for ${projectId}`,
    );
  }
}

// Shared steps

/** The branch's read_write endpoint (compute), created if an earlier run lost it. */
async function readWriteEndpoint(client: NeonApiClient, projectId: string, branchId: string): Promise<NeonEndpoint> {
  const { endpoints } = await client.listBranchEndpoints(projectId, branchId);
  const existing = endpoints.find((endpoint) => endpoint.type === 'read_write');
  if (existing) return existing;
  const created = await client.createEndpoint(projectId, { endpoint: { branch_id: branchId, type: 'read_write' } });
  await client.waitForOperations(projectId, created.operations);
  return created.endpoint;
}

/**
 * Makes sure the branch has the tenant's role and a database it owns. Returns the role's password:
 * new for a new role, reset for an existing one (an earlier run never stored it).
 */
async function ensureRoleAndDatabase(
  client: NeonApiClient,
  projectId: string,
  branchId: string,
  names: DatabaseNames,
): Promise<string> {
  const { roles } = await client.listRoles(projectId, branchId);
  const roleExists = roles.some((role) => role.name === names.roleName);
  const roleAnswer = roleExists
    ? await client.resetRolePassword(projectId, branchId, names.roleName)
    : await client.createRole(projectId, branchId, { role: { name: names.roleName } });
  await client.waitForOperations(projectId, roleAnswer.operations);
  const password = roleAnswer.role.password;
  if (!password) throw new Error(`Neon returned no password for role ${names.roleName} on branch ${branchId}`);

  const { databases } = await client.listDatabases(projectId, branchId);
  const database = databases.find((candidate) => candidate.name === names.databaseName);
  if (!database) {
    const created = await client.createDatabase(projectId, branchId, {
      database: { name: names.databaseName, owner_name: names.roleName },
    });
    await client.waitForOperations(projectId, created.operations);
  } else if (database.owner_name !== names.roleName) {
    throw new Error(
      `Database ${names.databaseName} on Neon branch ${branchId} is owned by ${database.owner_name}, not ${names.roleName}`,
    );
  }
  return password;
}

function provisioned(kind: PlacementKind, names: DatabaseNames, located: Located): ProvisionedDatabase {
  return {
    ref: {
      kind,
      databaseName: names.databaseName,
      roleName: names.roleName,
      ids: { projectId: located.projectId, branchId: located.branchId, endpointId: located.endpoint.id },
    },
    connectionString: neonConnectionString(names, located.endpoint.host, located.password),
  };
}

export function neonConnectionString(names: DatabaseNames, host: string, password: string): string {
  const role = encodeURIComponent(names.roleName);
  const database = encodeURIComponent(names.databaseName);
  return `postgresql://${role}:${encodeURIComponent(password)}@${host}/${database}?sslmode=require`;
}

function assertPreviousKind(kind: PlacementKind, previous: PlacementRef | null): void {
  if (previous && previous.kind !== kind) {
    throw new Error(`The tenant's database was placed with "${previous.kind}", not "${kind}"`);
  }
}

/** Resolves to null on a Neon 404 (already gone / never made); other errors propagate. */
async function ignoreNotFound<T>(pending: Promise<T>): Promise<T | null> {
  try {
    return await pending;
  } catch (error) {
    if (error instanceof NeonApiError && error.status === 404) return null;
    throw error;
  }
}
