/**
 * A local stand-in for the Neon API v2 (Neon itself is unreachable from here). It serves exactly
 * the endpoints our placements use, with Neon's documented request/response shapes and in-memory
 * state, and makes the roles and databases it reports REAL on a local Postgres, so the connection
 * strings it hands out work against that Postgres (whatever the host name says).
 *
 * Deliberate simplifications:
 * - A child branch inherits its parent's roles and databases only as metadata: they are the same
 *   objects on the one local Postgres and are never dropped with the child. Tenant branches start
 *   from an empty template, so this never matters to the placements.
 * - Operations advance when polled (`GET .../operations/{id}`) and, to model time passing while a
 *   client backs off, when a request is refused with 423 because of them.
 */
import { randomBytes, randomInt, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';

export interface StandInOptions {
  apiKey: string;
  /** Superuser connection string of the Postgres where roles and databases are really created. */
  adminUrl: string;
  /** Polls after which a new operation is `finished` (default 2). */
  operationPolls?: number;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: string;
  status?: number;
}

export interface StandInSnapshot {
  projects: Array<{
    id: string;
    name: string;
    branches: Array<{ id: string; name: string; endpoints: string[]; roles: string[]; databases: string[] }>;
  }>;
}

export interface NeonApiStandIn {
  /** Base URL to give the client, e.g. http://127.0.0.1:41234/api/v2 */
  url: string;
  requests: RecordedRequest[];
  /**
   * The next `count` requests answer `status`: 429 (with Retry-After: 1) and 500 apply to any
   * request; 423 `{code: 'LOCKED'}` to the next changes (POST/PATCH/DELETE) inside a project.
   */
  failNext(status: 429 | 423 | 500, count: number): void;
  /** The next `count` operations created end as `failed` instead of `finished`. */
  failNextOperations(count: number): void;
  /** While stalled, running operations never finish (and keep their project locked). */
  stallOperations(stalled: boolean): void;
  setOperationPolls(polls: number): void;
  snapshot(): StandInSnapshot;
  close(): Promise<void>;
}

type OperationStatus = 'running' | 'finished' | 'failed';

interface Operation {
  id: string;
  project_id: string;
  branch_id?: string;
  endpoint_id?: string;
  action: string;
  status: OperationStatus;
  error?: string;
  failures_count: number;
  created_at: string;
  updated_at: string;
  pollsLeft: number;
  outcome: 'finished' | 'failed';
}

type OperationJson = Omit<Operation, 'pollsLeft' | 'outcome'>;

interface Project {
  id: string;
  name: string;
  region_id: string;
  pg_version: number;
  org_id?: string;
  created_at: string;
  updated_at: string;
}

interface Role {
  branch_id: string;
  name: string;
  protected: boolean;
  created_at: string;
  updated_at: string;
  /** False for roles inherited from the parent branch: they are the parent's objects. */
  owned: boolean;
}

interface Database {
  id: number;
  branch_id: string;
  name: string;
  owner_name: string;
  created_at: string;
  updated_at: string;
  owned: boolean;
}

interface Branch {
  id: string;
  project_id: string;
  parent_id?: string;
  name: string;
  isDefault: boolean;
  created_at: string;
  updated_at: string;
  roles: Map<string, Role>;
  databases: Map<string, Database>;
}

interface Endpoint {
  id: string;
  host: string;
  project_id: string;
  branch_id: string;
  type: 'read_write' | 'read_only';
  region_id: string;
  created_at: string;
  updated_at: string;
}

interface State {
  projects: Map<string, Project>;
  branches: Map<string, Branch>;
  endpoints: Map<string, Endpoint>;
  operations: Map<string, Operation>;
  nextDatabaseId: number;
}

interface Faults {
  status: 429 | 423 | 500 | null;
  count: number;
  failedOperations: number;
  stalled: boolean;
  operationPolls: number;
}

/** A refusal with Neon's error body `{code, message}`. */
class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

interface Call {
  method: string;
  segments: string[];
  query: URLSearchParams;
  body: Record<string, unknown>;
}

const API_PREFIX = '/api/v2';
const DEFAULT_REGION = 'aws-us-east-2';
const ADJECTIVES = ['autumn', 'cool', 'bold', 'quiet', 'wispy', 'falling', 'jolly', 'aged', 'purple', 'hidden'];
const NOUNS = ['disk', 'darkness', 'frost', 'moon', 'math', 'dew', 'cell', 'tooth', 'shape', 'butterfly'];

export async function start(options: StandInOptions): Promise<NeonApiStandIn> {
  const admin = new pg.Client({ connectionString: options.adminUrl });
  await admin.connect();
  const state: State = {
    projects: new Map(),
    branches: new Map(),
    endpoints: new Map(),
    operations: new Map(),
    nextDatabaseId: 1,
  };
  const faults: Faults = {
    status: null,
    count: 0,
    failedOperations: 0,
    stalled: false,
    operationPolls: options.operationPolls ?? 2,
  };
  const requests: RecordedRequest[] = [];
  const api = createApi(state, faults, new PhysicalPostgres(admin));
  // One request at a time: handlers interleave Postgres work with state changes.
  let queue: Promise<void> = Promise.resolve();
  const server = createServer((req, res) => {
    queue = queue.then(() =>
      serve(req, res, options.apiKey, faults, requests, api).catch((error: unknown) => {
        // The answer could not even be written: drop the connection so the client sees a failure.
        res.destroy(error instanceof Error ? error : new Error(String(error)));
      }),
    );
  });
  const url = await listen(server);

  return {
    url: `${url}${API_PREFIX}`,
    requests,
    failNext(status, count) {
      faults.status = status;
      faults.count = count;
    },
    failNextOperations(count) {
      faults.failedOperations = count;
    },
    stallOperations(stalled) {
      faults.stalled = stalled;
    },
    setOperationPolls(polls) {
      faults.operationPolls = polls;
    },
    snapshot: () => snapshot(state),
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
      await admin.end();
    },
  };
}

function listen(server: Server): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve(`http://127.0.0.1:${port}`);
    });
  });
}

async function serve(
  req: IncomingMessage,
  res: ServerResponse,
  apiKey: string,
  faults: Faults,
  requests: RecordedRequest[],
  api: Api,
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://stand-in');
  const method = req.method ?? 'GET';
  const recorded: RecordedRequest = { method, path: url.pathname, query: url.search };
  requests.push(recorded);
  try {
    const body = await readBody(req);
    if (req.headers.authorization !== `Bearer ${apiKey}`) {
      throw new HttpError(401, '', 'authentication required');
    }
    if (!url.pathname.startsWith(`${API_PREFIX}/`)) throw new HttpError(404, '', 'not found');
    const call: Call = {
      method,
      segments: url.pathname.slice(API_PREFIX.length + 1).split('/'),
      query: url.searchParams,
      body,
    };
    injectFault(faults, call);
    const answer = await api.handle(call);
    recorded.status = 200;
    send(res, 200, answer);
  } catch (error) {
    const refusal = asHttpError(error);
    recorded.status = refusal.status;
    send(res, refusal.status, { code: refusal.code, message: refusal.message }, refusal.headers);
  }
}

function injectFault(faults: Faults, call: Call): void {
  if (faults.count <= 0 || faults.status === null) return;
  if (faults.status === 423 && !(isChange(call.method) && call.segments.length >= 2)) return;
  faults.count -= 1;
  if (faults.status === 429) {
    throw new HttpError(429, 'TOO_MANY_REQUESTS', 'rate limit exceeded', { 'Retry-After': '1' });
  }
  if (faults.status === 423) {
    throw new HttpError(423, 'LOCKED', 'project already has running conflicting operations, scope: project');
  }
  throw new HttpError(500, '', 'internal server error (injected)');
}

function isChange(method: string): boolean {
  return method === 'POST' || method === 'PATCH' || method === 'DELETE';
}

function asHttpError(error: unknown): HttpError {
  if (error instanceof HttpError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new HttpError(500, '', `stand-in failure: ${message}`);
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

async function readBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (text === '') return {};
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // Answered below as Neon does: 400 with a message.
  }
  throw new HttpError(400, '', 'request body must be a JSON object');
}

// Real roles and databases on the local Postgres

class PhysicalPostgres {
  constructor(private readonly admin: pg.Client) {}

  async createRole(name: string, password: string): Promise<void> {
    await this.run(`CREATE ROLE ${pg.escapeIdentifier(name)} LOGIN PASSWORD ${pg.escapeLiteral(password)}`);
  }

  async setPassword(name: string, password: string): Promise<void> {
    await this.run(`ALTER ROLE ${pg.escapeIdentifier(name)} PASSWORD ${pg.escapeLiteral(password)}`);
  }

  async createDatabase(name: string, owner: string): Promise<void> {
    const database = pg.escapeIdentifier(name);
    await this.run(`CREATE DATABASE ${database} OWNER ${pg.escapeIdentifier(owner)}`);
    // Every Neon compute only serves its own branch; on one shared Postgres, CONNECT does that job.
    await this.run(`REVOKE CONNECT, TEMPORARY ON DATABASE ${database} FROM PUBLIC`);
  }

  async dropDatabase(name: string): Promise<void> {
    await this.run(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
  }

  async dropRole(name: string): Promise<void> {
    await this.run(`DROP ROLE IF EXISTS ${pg.escapeIdentifier(name)}`);
  }

  private async run(sql: string): Promise<void> {
    try {
      await this.admin.query(sql);
    } catch (error) {
      const code = (error as { code?: string }).code;
      // 42710 duplicate_object, 42P04 duplicate_database: the name is taken on the shared Postgres.
      if (code === '42710' || code === '42P04') {
        throw new HttpError(409, '', `already exists on the local Postgres: ${(error as Error).message}`);
      }
      throw error;
    }
  }
}

// The API

interface Api {
  handle(call: Call): Promise<unknown>;
}

function createApi(state: State, faults: Faults, physical: PhysicalPostgres): Api {
  async function handle(call: Call): Promise<unknown> {
    const [root, projectId, collection, id, sub, subId, action] = call.segments;
    if (root !== 'projects') throw notFound('resource');
    if (projectId === undefined) {
      if (call.method === 'POST') return createProject(call.body);
      if (call.method === 'GET') return listProjects(call.query);
      throw methodNotAllowed();
    }
    const project = requireProject(projectId);
    if (isChange(call.method)) assertUnlocked(project.id);
    if (collection === undefined) {
      if (call.method === 'GET') return { project: projectJson(project) };
      if (call.method === 'DELETE') return deleteProject(project);
      throw methodNotAllowed();
    }
    if (collection === 'operations' && id !== undefined && sub === undefined && call.method === 'GET') {
      return { operation: pollOperation(project.id, id) };
    }
    if (collection === 'endpoints' && id === undefined && call.method === 'POST') {
      return createEndpoint(project, call.body);
    }
    if (collection !== 'branches') throw notFound('resource');
    if (id === undefined) {
      if (call.method === 'POST') return createBranch(project, call.body);
      if (call.method === 'GET') return listBranches(project.id, call.query);
      throw methodNotAllowed();
    }
    const branch = requireBranch(project.id, id);
    if (sub === undefined) {
      if (call.method === 'GET') return { branch: branchJson(branch) };
      if (call.method === 'DELETE') return deleteBranch(project, branch);
      throw methodNotAllowed();
    }
    if (sub === 'endpoints' && subId === undefined && call.method === 'GET') {
      return { endpoints: endpointsOf(branch.id).map(endpointJson) };
    }
    if (sub === 'roles') {
      if (subId === undefined && call.method === 'GET') return { roles: [...branch.roles.values()].map(roleJson) };
      if (subId === undefined && call.method === 'POST') return createRole(project, branch, call.body);
      if (subId !== undefined && action === 'reset_password' && call.method === 'POST') {
        return resetPassword(project, branch, subId);
      }
    }
    if (sub === 'databases') {
      if (subId === undefined && call.method === 'GET') {
        return { databases: [...branch.databases.values()].map(databaseJson) };
      }
      if (subId === undefined && call.method === 'POST') return createDatabase(project, branch, call.body);
    }
    throw notFound('resource');
  }

  // Projects

  async function createProject(body: Record<string, unknown>): Promise<unknown> {
    const input = objectField(body, 'project');
    const branchInput = optionalObjectField(input, 'branch');
    const roleName = optionalName(branchInput, 'role_name') ?? 'neondb_owner';
    const databaseName = optionalName(branchInput, 'database_name') ?? 'neondb';
    const regionId = optionalString(input, 'region_id') ?? DEFAULT_REGION;
    const id = uniqueId(state.projects, () => `${word(ADJECTIVES)}-${word(NOUNS)}-${randomInt(100000, 999999)}`);
    const password = newPassword();
    await physical.createRole(roleName, password);
    await createDatabaseRollingBackRole(databaseName, roleName);

    const now = timestamp();
    const project: Project = {
      id,
      name: optionalString(input, 'name') ?? id,
      region_id: regionId,
      pg_version: optionalNumber(input, 'pg_version') ?? 17,
      org_id: optionalString(input, 'org_id'),
      created_at: now,
      updated_at: now,
    };
    state.projects.set(id, project);
    const branch = addBranch(project, optionalString(branchInput, 'name') ?? 'main', undefined, true);
    const role = addRole(branch, roleName);
    const database = addDatabase(branch, databaseName, roleName);
    const endpoint = addEndpoint(project, branch.id, 'read_write');
    const operations = [
      addOperation(project.id, 'create_timeline', branch.id),
      addOperation(project.id, 'start_compute', branch.id, endpoint.id),
    ];
    return {
      project: projectJson(project),
      connection_uris: [connectionUri(role.name, password, endpoint.host, database.name)],
      roles: [{ ...roleJson(role), password }],
      databases: [databaseJson(database)],
      operations,
      branch: branchJson(branch),
      endpoints: [endpointJson(endpoint)],
    };
  }

  async function createDatabaseRollingBackRole(databaseName: string, roleName: string): Promise<void> {
    try {
      await physical.createDatabase(databaseName, roleName);
    } catch (error) {
      await physical.dropRole(roleName);
      throw error;
    }
  }

  function listProjects(query: URLSearchParams): unknown {
    const search = query.get('search')?.toLowerCase();
    const orgId = query.get('org_id');
    const limit = clamp(Number(query.get('limit') ?? 10), 1, 400);
    let matching = [...state.projects.values()].filter(
      (project) =>
        (!search || project.name.toLowerCase().includes(search) || project.id.includes(search)) &&
        (!orgId || project.org_id === orgId),
    );
    const cursor = query.get('cursor');
    if (cursor) matching = matching.slice(matching.findIndex((project) => project.id === cursor) + 1);
    const page = matching.slice(0, limit);
    return { projects: page.map(projectJson), pagination: { cursor: page.at(-1)?.id ?? cursor ?? '' } };
  }

  async function deleteProject(project: Project): Promise<unknown> {
    const branches = [...state.branches.values()].filter((branch) => branch.project_id === project.id);
    // Children first: an inherited object belongs to its ancestor branch.
    for (const branch of branches.reverse()) await dropBranchObjects(branch);
    for (const branch of branches) removeBranch(branch);
    for (const operation of [...state.operations.values()]) {
      if (operation.project_id === project.id) state.operations.delete(operation.id);
    }
    state.projects.delete(project.id);
    return { project: projectJson(project) };
  }

  // Branches

  function createBranch(project: Project, body: Record<string, unknown>): unknown {
    const input = optionalObjectField(body, 'branch');
    const parentId = optionalString(input, 'parent_id') ?? defaultBranch(project.id).id;
    const parent = requireBranch(project.id, parentId);
    const id = uniqueId(state.branches, () => `br-${word(ADJECTIVES)}-${word(NOUNS)}-${shortId()}`);
    const branch = addBranch(project, optionalString(input, 'name') ?? id, parent, false, id);
    const operations = [addOperation(project.id, 'create_branch', branch.id)];
    const endpoints = endpointRequests(body).map((type) => {
      const endpoint = addEndpoint(project, branch.id, type);
      operations.push(addOperation(project.id, 'start_compute', branch.id, endpoint.id));
      return endpoint;
    });
    return {
      branch: branchJson(branch),
      endpoints: endpoints.map(endpointJson),
      operations,
      roles: [...branch.roles.values()].map(roleJson),
      databases: [...branch.databases.values()].map(databaseJson),
      connection_uris: [],
    };
  }

  function listBranches(projectId: string, query: URLSearchParams): unknown {
    const search = query.get('search')?.toLowerCase();
    const branches = [...state.branches.values()].filter(
      (branch) =>
        branch.project_id === projectId &&
        (!search || branch.name.toLowerCase().includes(search) || branch.id.includes(search)),
    );
    return { branches: branches.map(branchJson) };
  }

  async function deleteBranch(project: Project, branch: Branch): Promise<unknown> {
    if (branch.isDefault) throw new HttpError(400, '', 'cannot delete the default branch');
    if ([...state.branches.values()].some((child) => child.parent_id === branch.id)) {
      throw new HttpError(422, '', 'branch has children and cannot be deleted');
    }
    await dropBranchObjects(branch);
    const operations = [addOperation(project.id, 'delete_timeline', branch.id)];
    removeBranch(branch);
    return { branch: branchJson(branch), operations };
  }

  async function dropBranchObjects(branch: Branch): Promise<void> {
    for (const database of branch.databases.values()) if (database.owned) await physical.dropDatabase(database.name);
    for (const role of branch.roles.values()) if (role.owned) await physical.dropRole(role.name);
  }

  function removeBranch(branch: Branch): void {
    for (const endpoint of endpointsOf(branch.id)) state.endpoints.delete(endpoint.id);
    state.branches.delete(branch.id);
  }

  // Endpoints

  function createEndpoint(project: Project, body: Record<string, unknown>): unknown {
    const input = objectField(body, 'endpoint');
    const branch = requireBranch(project.id, requiredString(input, 'branch_id'));
    const type = endpointType(input.type);
    if (type === 'read_write' && endpointsOf(branch.id).some((endpoint) => endpoint.type === 'read_write')) {
      throw new HttpError(409, '', 'branch already has a read_write endpoint');
    }
    const endpoint = addEndpoint(project, branch.id, type);
    return {
      endpoint: endpointJson(endpoint),
      operations: [addOperation(project.id, 'start_compute', branch.id, endpoint.id)],
    };
  }

  // Roles and databases

  async function createRole(project: Project, branch: Branch, body: Record<string, unknown>): Promise<unknown> {
    const name = requiredName(objectField(body, 'role'), 'name');
    if (branch.roles.has(name)) throw new HttpError(409, '', `role "${name}" already exists`);
    const password = newPassword();
    await physical.createRole(name, password);
    const role = addRole(branch, name);
    return { role: { ...roleJson(role), password }, operations: [applyConfig(project, branch)] };
  }

  async function resetPassword(project: Project, branch: Branch, name: string): Promise<unknown> {
    const role = branch.roles.get(name);
    if (!role) throw notFound('role');
    const password = newPassword();
    await physical.setPassword(name, password);
    role.updated_at = timestamp();
    return { role: { ...roleJson(role), password }, operations: [applyConfig(project, branch)] };
  }

  async function createDatabase(project: Project, branch: Branch, body: Record<string, unknown>): Promise<unknown> {
    const input = objectField(body, 'database');
    const name = requiredName(input, 'name');
    const owner = requiredName(input, 'owner_name');
    if (branch.databases.has(name)) throw new HttpError(409, '', `database "${name}" already exists`);
    if (!branch.roles.has(owner)) throw new HttpError(400, '', `role "${owner}" does not exist on the branch`);
    await physical.createDatabase(name, owner);
    const database = addDatabase(branch, name, owner);
    return { database: databaseJson(database), operations: [applyConfig(project, branch)] };
  }

  // Operations

  function applyConfig(project: Project, branch: Branch): OperationJson {
    const endpoint = endpointsOf(branch.id)[0];
    return addOperation(project.id, 'apply_config', branch.id, endpoint?.id);
  }

  function addOperation(projectId: string, action: string, branchId?: string, endpointId?: string): OperationJson {
    const now = timestamp();
    const failing = faults.failedOperations > 0;
    if (failing) faults.failedOperations -= 1;
    const operation: Operation = {
      id: randomUUID(),
      project_id: projectId,
      branch_id: branchId,
      endpoint_id: endpointId,
      action,
      status: 'running',
      failures_count: 0,
      created_at: now,
      updated_at: now,
      pollsLeft: faults.operationPolls,
      outcome: failing ? 'failed' : 'finished',
    };
    state.operations.set(operation.id, operation);
    return operationJson(operation);
  }

  function pollOperation(projectId: string, operationId: string): OperationJson {
    const operation = state.operations.get(operationId);
    if (!operation || operation.project_id !== projectId) throw notFound('operation');
    advance(operation);
    return operationJson(operation);
  }

  function advance(operation: Operation): void {
    if (operation.status !== 'running' || faults.stalled) return;
    operation.pollsLeft -= 1;
    if (operation.pollsLeft > 0) return;
    operation.status = operation.outcome;
    operation.updated_at = timestamp();
    if (operation.outcome === 'failed') {
      operation.failures_count = 1;
      operation.error = 'injected failure';
    }
  }

  /** Neon refuses changes to a project while one of its operations runs. */
  function assertUnlocked(projectId: string): void {
    const running = [...state.operations.values()].filter(
      (operation) => operation.project_id === projectId && operation.status === 'running',
    );
    if (running.length === 0) return;
    for (const operation of running) advance(operation);
    throw new HttpError(423, 'LOCKED', 'project already has running conflicting operations, scope: project');
  }

  // State helpers

  function requireProject(id: string): Project {
    const project = state.projects.get(id);
    if (!project) throw notFound('project');
    return project;
  }

  function requireBranch(projectId: string, id: string): Branch {
    const branch = state.branches.get(id);
    if (!branch || branch.project_id !== projectId) throw notFound('branch');
    return branch;
  }

  function defaultBranch(projectId: string): Branch {
    const branch = [...state.branches.values()].find((b) => b.project_id === projectId && b.isDefault);
    if (!branch) throw new HttpError(500, '', `project ${projectId} has no default branch`);
    return branch;
  }

  function endpointsOf(branchId: string): Endpoint[] {
    return [...state.endpoints.values()].filter((endpoint) => endpoint.branch_id === branchId);
  }

  function addBranch(
    project: Project,
    name: string,
    parent: Branch | undefined,
    isDefault: boolean,
    id?: string,
  ): Branch {
    const branchId = id ?? uniqueId(state.branches, () => `br-${word(ADJECTIVES)}-${word(NOUNS)}-${shortId()}`);
    const now = timestamp();
    const branch: Branch = {
      id: branchId,
      project_id: project.id,
      parent_id: parent?.id,
      name,
      isDefault,
      created_at: now,
      updated_at: now,
      roles: new Map(),
      databases: new Map(),
    };
    for (const role of parent?.roles.values() ?? []) {
      branch.roles.set(role.name, { ...role, branch_id: branchId, owned: false });
    }
    for (const database of parent?.databases.values() ?? []) {
      branch.databases.set(database.name, { ...database, branch_id: branchId, owned: false });
    }
    state.branches.set(branchId, branch);
    return branch;
  }

  function addRole(branch: Branch, name: string): Role {
    const now = timestamp();
    const role: Role = { branch_id: branch.id, name, protected: false, created_at: now, updated_at: now, owned: true };
    branch.roles.set(name, role);
    return role;
  }

  function addDatabase(branch: Branch, name: string, owner: string): Database {
    const now = timestamp();
    const database: Database = {
      id: state.nextDatabaseId++,
      branch_id: branch.id,
      name,
      owner_name: owner,
      created_at: now,
      updated_at: now,
      owned: true,
    };
    branch.databases.set(name, database);
    return database;
  }

  function addEndpoint(project: Project, branchId: string, type: Endpoint['type']): Endpoint {
    const id = uniqueId(state.endpoints, () => `ep-${word(ADJECTIVES)}-${word(NOUNS)}-${shortId()}`);
    const now = timestamp();
    const endpoint: Endpoint = {
      id,
      host: `${id}.${regionHost(project.region_id)}`,
      project_id: project.id,
      branch_id: branchId,
      type,
      region_id: project.region_id,
      created_at: now,
      updated_at: now,
    };
    state.endpoints.set(id, endpoint);
    return endpoint;
  }

  function branchJson(branch: Branch): unknown {
    return {
      id: branch.id,
      project_id: branch.project_id,
      ...(branch.parent_id ? { parent_id: branch.parent_id } : {}),
      name: branch.name,
      current_state: 'ready',
      default: branch.isDefault,
      primary: branch.isDefault,
      protected: false,
      created_at: branch.created_at,
      updated_at: branch.updated_at,
    };
  }

  return { handle };
}

// JSON shapes (Neon's documented fields; internal bookkeeping stripped)

function projectJson(project: Project): unknown {
  return {
    ...project,
    platform_id: 'aws',
    provisioner: 'k8s-neonvm',
    proxy_host: regionHost(project.region_id),
    locked: false,
  };
}

function endpointJson(endpoint: Endpoint): unknown {
  return {
    ...endpoint,
    current_state: 'active',
    pooler_enabled: false,
    pooler_mode: 'transaction',
    disabled: false,
    proxy_host: endpoint.host.slice(endpoint.host.indexOf('.') + 1),
  };
}

function roleJson(role: Role): Omit<Role, 'owned'> {
  const { owned: _owned, ...json } = role;
  return json;
}

function databaseJson(database: Database): Omit<Database, 'owned'> {
  const { owned: _owned, ...json } = database;
  return json;
}

function operationJson(operation: Operation): OperationJson {
  const { pollsLeft: _polls, outcome: _outcome, ...json } = operation;
  return json;
}

function connectionUri(role: string, password: string, host: string, database: string): unknown {
  return {
    connection_uri: `postgresql://${role}:${encodeURIComponent(password)}@${host}/${database}?sslmode=require`,
    connection_parameters: { database, password, role, host, pooler_host: host.replace(/^([^.]+)/, '$1-pooler') },
  };
}

function snapshot(state: State): StandInSnapshot {
  return {
    projects: [...state.projects.values()].map((project) => ({
      id: project.id,
      name: project.name,
      branches: [...state.branches.values()]
        .filter((branch) => branch.project_id === project.id)
        .map((branch) => ({
          id: branch.id,
          name: branch.name,
          endpoints: [...state.endpoints.values()].filter((e) => e.branch_id === branch.id).map((e) => e.host),
          roles: [...branch.roles.keys()],
          databases: [...branch.databases.keys()],
        })),
    })),
  };
}

// Small helpers

function endpointRequests(body: Record<string, unknown>): Array<Endpoint['type']> {
  const endpoints = body.endpoints;
  if (endpoints === undefined) return [];
  if (!Array.isArray(endpoints)) throw new HttpError(400, '', 'endpoints must be an array');
  return endpoints.map((entry: unknown) => endpointType((entry as { type?: unknown } | null)?.type));
}

function endpointType(value: unknown): Endpoint['type'] {
  if (value === 'read_write' || value === 'read_only') return value;
  throw new HttpError(400, '', `endpoint type must be read_write or read_only, got ${JSON.stringify(value)}`);
}

function objectField(body: Record<string, unknown>, key: string): Record<string, unknown> {
  const value = body[key];
  if (typeof value !== 'object' || value === null) throw new HttpError(400, '', `"${key}" must be an object`);
  return value as Record<string, unknown>;
}

function optionalObjectField(body: Record<string, unknown>, key: string): Record<string, unknown> {
  return body[key] === undefined ? {} : objectField(body, key);
}

function optionalString(body: Record<string, unknown>, key: string): string | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new HttpError(400, '', `"${key}" must be a string`);
  return value;
}

function requiredString(body: Record<string, unknown>, key: string): string {
  const value = optionalString(body, key);
  if (!value) throw new HttpError(400, '', `"${key}" is required`);
  return value;
}

function optionalNumber(body: Record<string, unknown>, key: string): number | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number') throw new HttpError(400, '', `"${key}" must be a number`);
  return value;
}

/** Role and database names: Neon limits them to 63 bytes. */
function optionalName(body: Record<string, unknown>, key: string): string | undefined {
  const value = optionalString(body, key);
  if (value !== undefined && (value.length === 0 || Buffer.byteLength(value) > 63)) {
    throw new HttpError(400, '', `"${key}" must be 1 to 63 bytes long`);
  }
  return value;
}

function requiredName(body: Record<string, unknown>, key: string): string {
  const value = optionalName(body, key);
  if (value === undefined) throw new HttpError(400, '', `"${key}" is required`);
  return value;
}

function notFound(what: string): HttpError {
  return new HttpError(404, '', `${what} not found`);
}

function methodNotAllowed(): HttpError {
  return new HttpError(405, '', 'method not allowed');
}

/** `aws-us-east-2` -> `us-east-2.aws.neon.tech` */
function regionHost(regionId: string): string {
  const [platform, ...region] = regionId.split('-');
  return `${region.join('-')}.${platform}.neon.tech`;
}

function uniqueId(taken: Map<string, unknown>, make: () => string): string {
  for (;;) {
    const id = make();
    if (!taken.has(id)) return id;
  }
}

function word(words: readonly string[]): string {
  return words[randomInt(words.length)] as string;
}

function shortId(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  return Array.from(randomBytes(8), (byte) => alphabet[byte % alphabet.length]).join('');
}

/** Neon's generated passwords look like `npg_` followed by 12 alphanumerics. */
function newPassword(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  return `npg_${Array.from(randomBytes(12), (byte) => alphabet[byte % alphabet.length]).join('')}`;
}

function timestamp(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function clamp(value: number, min: number, max: number): number {
  return Number.isFinite(value) ? Math.min(max, Math.max(min, value)) : min;
}
