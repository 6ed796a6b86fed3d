/**
 * A small typed client for the Neon API v2 (https://api-docs.neon.tech/reference/getting-started-with-neon-api).
 * It uses `fetch` only, so it runs in Node 20+ and inside Cloudflare workerd alike.
 */

export const defaultNeonApiBaseUrl = 'https://console.neon.tech/api/v2';

export type NeonOperationStatus =
  | 'scheduling'
  | 'running'
  | 'finished'
  | 'failed'
  | 'error'
  | 'cancelling'
  | 'cancelled'
  | 'skipped';

export interface NeonOperation {
  id: string;
  project_id: string;
  branch_id?: string;
  endpoint_id?: string;
  action: string;
  status: NeonOperationStatus;
  error?: string;
  failures_count: number;
  created_at: string;
  updated_at: string;
}

export interface NeonProject {
  id: string;
  name: string;
  region_id: string;
  pg_version: number;
  org_id?: string;
  proxy_host?: string;
  created_at: string;
  updated_at: string;
}

export interface NeonBranch {
  id: string;
  project_id: string;
  parent_id?: string;
  name: string;
  current_state: string;
  /** The project's default branch. Older responses only carry the deprecated `primary`. */
  default?: boolean;
  primary?: boolean;
  created_at: string;
  updated_at: string;
}

export type NeonEndpointType = 'read_write' | 'read_only';

export interface NeonEndpoint {
  id: string;
  host: string;
  project_id: string;
  branch_id: string;
  type: NeonEndpointType;
  region_id: string;
  current_state: string;
  created_at: string;
  updated_at: string;
}

export interface NeonRole {
  branch_id: string;
  name: string;
  /** Only present in responses that create the role or reset its password. */
  password?: string;
  protected?: boolean;
  created_at: string;
  updated_at: string;
}

export interface NeonDatabase {
  id: number;
  branch_id: string;
  name: string;
  owner_name: string;
  created_at: string;
  updated_at: string;
}

export interface NeonConnectionUri {
  connection_uri: string;
  connection_parameters: {
    database: string;
    password: string;
    role: string;
    host: string;
    pooler_host: string;
  };
}

export interface CreateProjectRequest {
  project: {
    name?: string;
    region_id?: string;
    pg_version?: number;
    org_id?: string;
    branch?: { name?: string; role_name?: string; database_name?: string };
  };
}

export interface CreateProjectResponse {
  project: NeonProject;
  connection_uris: NeonConnectionUri[];
  roles: NeonRole[];
  databases: NeonDatabase[];
  operations: NeonOperation[];
  branch: NeonBranch;
  endpoints: NeonEndpoint[];
}

export interface ListProjectsParams {
  search?: string;
  org_id?: string;
  limit?: number;
  cursor?: string;
}

export interface ListProjectsResponse {
  projects: NeonProject[];
  pagination?: { cursor?: string };
}

export interface CreateBranchRequest {
  branch?: { name?: string; parent_id?: string };
  endpoints?: Array<{ type: NeonEndpointType }>;
}

export interface CreateBranchResponse {
  branch: NeonBranch;
  endpoints: NeonEndpoint[];
  operations: NeonOperation[];
  roles: NeonRole[];
  databases: NeonDatabase[];
  connection_uris?: NeonConnectionUri[];
}

export interface CreateEndpointRequest {
  endpoint: { branch_id: string; type: NeonEndpointType };
}

export interface RoleResponse {
  role: NeonRole;
  operations: NeonOperation[];
}

export interface DatabaseResponse {
  database: NeonDatabase;
  operations: NeonOperation[];
}

export interface NeonApiClientOptions {
  apiKey: string;
  /** Defaults to https://console.neon.tech/api/v2. */
  baseUrl?: string;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  /** Retries after the first attempt, for 429, 423 and (GET/DELETE only) 5xx. Default 8. */
  maxRetries?: number;
  /** Pause between two polls of running operations. Default 1000 ms. */
  pollIntervalMs?: number;
  /** How long `waitForOperations` waits before giving up. Default 120 000 ms. */
  timeoutMs?: number;
}

/** A non-2xx answer from the Neon API, with Neon's own `code` and `message` from the body. */
export class NeonApiError extends Error {
  override readonly name = 'NeonApiError';
  constructor(
    readonly status: number,
    /** Neon's error code (e.g. `LOCKED`), empty when the body had none. */
    readonly code: string,
    /** Neon's message from the body (or the raw body text when it was not JSON). */
    readonly neonMessage: string,
    readonly method: string,
    readonly path: string,
    readonly requestId?: string,
  ) {
    super(`Neon API ${method} ${path} answered ${status}${code ? ` ${code}` : ''}: ${neonMessage || '(no message)'}`);
  }
}

/** A Neon operation ended in `failed`, `error` or `cancelled`. */
export class NeonOperationError extends Error {
  override readonly name = 'NeonOperationError';
  constructor(readonly operation: NeonOperation) {
    super(
      `Neon operation ${operation.id} (${operation.action}) on project ${operation.project_id} ended with status ` +
        `"${operation.status}"${operation.error ? `: ${operation.error}` : ''}`,
    );
  }
}

/** Operations did not finish within the configured timeout. */
export class NeonOperationTimeoutError extends Error {
  override readonly name = 'NeonOperationTimeoutError';
  constructor(
    readonly projectId: string,
    readonly pending: NeonOperation[],
    readonly timeoutMs: number,
  ) {
    super(
      `Timed out after ${timeoutMs} ms waiting for Neon operation(s) on project ${projectId}: ` +
        pending.map((op) => `${op.id} (${op.action}, ${op.status})`).join(', '),
    );
  }
}

type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';

interface RequestOptions {
  body?: unknown;
  query?: Record<string, string | number | undefined>;
}

const successStatuses: ReadonlySet<NeonOperationStatus> = new Set(['finished', 'skipped']);
const failureStatuses: ReadonlySet<NeonOperationStatus> = new Set(['failed', 'error', 'cancelled']);
const backoffBaseMs = 500;
const backoffCapMs = 30_000;
const projectsPageLimit = 400;

export class NeonApiClient {
  private readonly apiKey: string;
  private readonly baseUrl: string;
  private readonly fetchFn: typeof fetch;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly maxRetries: number;
  private readonly pollIntervalMs: number;
  private readonly timeoutMs: number;

  constructor(options: NeonApiClientOptions) {
    if (!options.apiKey) throw new Error('NeonApiClient needs an apiKey');
    this.apiKey = options.apiKey;
    this.baseUrl = (options.baseUrl ?? defaultNeonApiBaseUrl).replace(/\/+$/, '');
    // workerd throws "Illegal invocation" when the global fetch is called with another `this`.
    this.fetchFn = options.fetch ?? ((input, init) => fetch(input, init));
    this.sleep = options.sleep ?? defaultSleep;
    this.maxRetries = options.maxRetries ?? 8;
    this.pollIntervalMs = options.pollIntervalMs ?? 1000;
    this.timeoutMs = options.timeoutMs ?? 120_000;
  }

  // Projects

  createProject(request: CreateProjectRequest): Promise<CreateProjectResponse> {
    return this.request('POST', '/projects', { body: request });
  }

  getProject(projectId: string): Promise<{ project: NeonProject }> {
    return this.request('GET', `/projects/${seg(projectId)}`);
  }

  listProjects(params: ListProjectsParams = {}): Promise<ListProjectsResponse> {
    return this.request('GET', '/projects', { query: { ...params } });
  }

  /** Projects whose name is exactly `name` (Neon's `search` also matches parts of names and ids). */
  async findProjectsByName(name: string, orgId?: string): Promise<NeonProject[]> {
    const matches: NeonProject[] = [];
    let cursor: string | undefined;
    for (;;) {
      const page = await this.listProjects({ search: name, org_id: orgId, limit: projectsPageLimit, cursor });
      matches.push(...page.projects.filter((project) => project.name === name));
      cursor = page.pagination?.cursor;
      if (page.projects.length < projectsPageLimit || !cursor) return matches;
    }
  }

  deleteProject(projectId: string): Promise<{ project: NeonProject; operations?: NeonOperation[] }> {
    return this.request('DELETE', `/projects/${seg(projectId)}`);
  }

  // Branches

  createBranch(projectId: string, request: CreateBranchRequest): Promise<CreateBranchResponse> {
    return this.request('POST', `/projects/${seg(projectId)}/branches`, { body: request });
  }

  listBranches(projectId: string, params: { search?: string } = {}): Promise<{ branches: NeonBranch[] }> {
    return this.request('GET', `/projects/${seg(projectId)}/branches`, { query: { ...params } });
  }

  deleteBranch(projectId: string, branchId: string): Promise<{ branch: NeonBranch; operations: NeonOperation[] }> {
    return this.request('DELETE', `/projects/${seg(projectId)}/branches/${seg(branchId)}`);
  }

  // Endpoints

  listBranchEndpoints(projectId: string, branchId: string): Promise<{ endpoints: NeonEndpoint[] }> {
    return this.request('GET', `/projects/${seg(projectId)}/branches/${seg(branchId)}/endpoints`);
  }

  createEndpoint(
    projectId: string,
    request: CreateEndpointRequest,
  ): Promise<{ endpoint: NeonEndpoint; operations: NeonOperation[] }> {
    return this.request('POST', `/projects/${seg(projectId)}/endpoints`, { body: request });
  }

  // Roles

  listRoles(projectId: string, branchId: string): Promise<{ roles: NeonRole[] }> {
    return this.request('GET', `/projects/${seg(projectId)}/branches/${seg(branchId)}/roles`);
  }

  createRole(projectId: string, branchId: string, request: { role: { name: string } }): Promise<RoleResponse> {
    return this.request('POST', `/projects/${seg(projectId)}/branches/${seg(branchId)}/roles`, { body: request });
  }

  resetRolePassword(projectId: string, branchId: string, roleName: string): Promise<RoleResponse> {
    return this.request(
      'POST',
      `/projects/${seg(projectId)}/branches/${seg(branchId)}/roles/${seg(roleName)}/reset_password`,
    );
  }

  // Databases

  listDatabases(projectId: string, branchId: string): Promise<{ databases: NeonDatabase[] }> {
    return this.request('GET', `/projects/${seg(projectId)}/branches/${seg(branchId)}/databases`);
  }

  createDatabase(
    projectId: string,
    branchId: string,
    request: { database: { name: string; owner_name: string } },
  ): Promise<DatabaseResponse> {
    return this.request('POST', `/projects/${seg(projectId)}/branches/${seg(branchId)}/databases`, {
      body: request,
    });
  }

  // Operations

  getOperation(projectId: string, operationId: string): Promise<{ operation: NeonOperation }> {
    return this.request('GET', `/projects/${seg(projectId)}/operations/${seg(operationId)}`);
  }

  /**
   * Polls each operation until it is `finished` (or `skipped`). Throws NeonOperationError as soon
   * as one fails, and NeonOperationTimeoutError after `timeoutMs`.
   */
  async waitForOperations(projectId: string, operations: readonly NeonOperation[] = []): Promise<NeonOperation[]> {
    const done = new Map<string, NeonOperation>();
    let pending = settle(operations, done);
    const started = Date.now();
    let slept = 0;
    while (pending.length > 0) {
      // Injected sleeps may not really wait, so the time slept counts too.
      if (Math.max(Date.now() - started, slept) >= this.timeoutMs) {
        throw new NeonOperationTimeoutError(projectId, pending, this.timeoutMs);
      }
      await this.sleep(this.pollIntervalMs);
      slept += this.pollIntervalMs;
      const polled = await Promise.all(pending.map((op) => this.getOperation(projectId, op.id)));
      pending = settle(
        polled.map((answer) => answer.operation),
        done,
      );
    }
    return operations.map((op) => done.get(op.id) ?? op);
  }

  // Transport

  private async request<T>(method: HttpMethod, path: string, options: RequestOptions = {}): Promise<T> {
    const url = this.baseUrl + path + queryString(options.query);
    const init = this.requestInit(method, options.body);
    for (let attempt = 0; ; attempt++) {
      const response = await this.send(method, path, url, init, attempt);
      if (response === 'retry') continue;
      if (response.ok) return readJson<T>(response, method, path);
      const error = await toApiError(response, method, path);
      if (attempt >= this.maxRetries || !isRetryable(method, response.status)) throw error;
      await this.sleep(backoffDelay(attempt, parseRetryAfter(response.headers.get('retry-after'))));
    }
  }

  /** One attempt; 'retry' when a network failure of an idempotent request should be retried. */
  private async send(
    method: HttpMethod,
    path: string,
    url: string,
    init: RequestInit,
    attempt: number,
  ): Promise<Response | 'retry'> {
    try {
      return await this.fetchFn(url, init);
    } catch (cause) {
      if (attempt >= this.maxRetries || !isIdempotent(method)) {
        throw new Error(`Neon API ${method} ${path} failed: ${errorMessage(cause)}`, { cause });
      }
      await this.sleep(backoffDelay(attempt, undefined));
      return 'retry';
    }
  }

  private requestInit(method: HttpMethod, body: unknown): RequestInit {
    const headers: Record<string, string> = {
      Authorization: `Bearer ${this.apiKey}`,
      Accept: 'application/json',
    };
    if (body === undefined) return { method, headers };
    headers['Content-Type'] = 'application/json';
    return { method, headers, body: JSON.stringify(body) };
  }
}

/** Records finished operations in `done`, throws on a failed one, returns those still running. */
function settle(operations: readonly NeonOperation[], done: Map<string, NeonOperation>): NeonOperation[] {
  const pending: NeonOperation[] = [];
  for (const operation of operations) {
    if (failureStatuses.has(operation.status)) throw new NeonOperationError(operation);
    if (successStatuses.has(operation.status)) done.set(operation.id, operation);
    else pending.push(operation);
  }
  return pending;
}

function isIdempotent(method: HttpMethod): boolean {
  return method === 'GET' || method === 'DELETE';
}

/** 429 and 423 mean the request was not carried out; a 5xx may have been, so only idempotent ones. */
function isRetryable(method: HttpMethod, status: number): boolean {
  if (status === 429 || status === 423) return true;
  return status >= 500 && isIdempotent(method);
}

/** Exponential backoff with "equal jitter", never shorter than what Retry-After asks for. */
export function backoffDelay(attempt: number, retryAfterMs: number | undefined): number {
  const exponential = Math.min(backoffCapMs, backoffBaseMs * 2 ** attempt);
  const jittered = exponential / 2 + Math.random() * (exponential / 2);
  return Math.round(Math.max(jittered, retryAfterMs ?? 0));
}

/** Retry-After is either delta-seconds or an HTTP date. */
export function parseRetryAfter(value: string | null): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

async function toApiError(response: Response, method: string, path: string): Promise<NeonApiError> {
  const text = await response.text();
  const body = parseJsonObject(text);
  const code = typeof body?.code === 'string' ? body.code : '';
  const message = typeof body?.message === 'string' ? body.message : text.trim();
  const requestId = response.headers.get('x-neon-ret-request-id') ?? undefined;
  return new NeonApiError(response.status, code, message, method, path, requestId);
}

async function readJson<T>(response: Response, method: string, path: string): Promise<T> {
  const text = await response.text();
  if (text === '') return {} as T;
  try {
    return JSON.parse(text) as T;
  } catch (cause) {
    throw new Error(`Neon API ${method} ${path} answered ${response.status} with a body that is not JSON`, { cause });
  }
}

function parseJsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    // Not JSON (e.g. an HTML error page from a proxy): the caller keeps the raw text as the message.
    return undefined;
  }
}

function queryString(query: RequestOptions['query']): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined) params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

function seg(value: string): string {
  return encodeURIComponent(value);
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function defaultSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
