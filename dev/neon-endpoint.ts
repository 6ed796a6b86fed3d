/**
 * A loopback endpoint that speaks the two protocols of `@neondatabase/serverless` and forwards
 * them to ONE local PostgreSQL, so the Worker runs its production database code in development:
 * - HTTP `POST /sql` as used by `neon()` (one query, or a batch run in one transaction);
 * - WebSocket (any upgrade request, the driver uses `/v2`) as used by `Pool`/`Client`: a raw byte
 *   relay to the Postgres TCP port.
 * The host in a client's connection string is ignored; user, password and database are used for
 * real authentication by Postgres.
 * A latency knob (option `latencyMs`, env NEON_LOCAL_LATENCY_MS, `POST /_control/latency {"ms": n}`)
 * delays every round trip by that RTT, half each way: an HTTP request once (a batch too), and every
 * WebSocket chunk in order, so each query waits one RTT while the stream keeps its speed. Default 0.
 */
import http from 'node:http';
import net from 'node:net';
import pg from 'pg';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { JOB_APPLICATION_NAME } from '../src/db/client';

export interface StartNeonEndpointOptions {
  port: number;
  postgres: { host: string; port: number };
  log?: (line: string) => void;
  /** Simulated round-trip time in ms; default NEON_LOCAL_LATENCY_MS or 0. */
  latencyMs?: number;
}

export interface EndpointStats {
  httpRequests: number;
  queries: number;
  /** Queries per database name (HTTP and WebSocket). */
  byDatabase: Record<string, number>;
  /**
   * Network round trips per database name: one per HTTP request (a batch transaction is one),
   * one per query on a WebSocket connection.
   */
  roundTripsByDatabase: Record<string, number>;
  /**
   * The part of the two above that background jobs made (their connection string names the
   * application `optiflow-job`): a count of what a request costs leaves them out, however long
   * the request takes beside a job the queue runs against the same database.
   */
  jobQueriesByDatabase: Record<string, number>;
  jobRoundTripsByDatabase: Record<string, number>;
}

export interface NeonEndpoint {
  /** http://127.0.0.1:<port> */
  url: string;
  port: number;
  stats(): EndpointStats;
  resetStats(): void;
  latencyMs(): number;
  setLatency(ms: number): void;
  close(): Promise<void>;
}

const HOST = '127.0.0.1';
/** Neon rejects larger SQL-over-HTTP requests too. */
const MAX_BODY_BYTES = 10 * 1024 * 1024;
const POOL_MAX_CLIENTS = 4;
const POOL_IDLE_MS = 10_000;
/** Above this many pools, pools without connections are closed and forgotten. */
const POOL_SOFT_LIMIT = 64;
/** Postgres rejects startup packets above 10000 bytes; anything longer is not a startup packet. */
const MAX_STARTUP_BYTES = 10_000;
const WS_HIGH_WATER_BYTES = 1024 * 1024;
const MAX_LATENCY_MS = 10_000;

export async function startNeonEndpoint(opts: StartNeonEndpointOptions): Promise<NeonEndpoint> {
  const log = opts.log ?? ((line: string) => console.log(`[neon-endpoint] ${line}`));
  const stats = new StatsCounter();
  const pools = new PoolRegistry(opts.postgres, log);
  const relays = new Set<Relay>();
  const latency = { ms: validLatency(opts.latencyMs ?? Number(process.env.NEON_LOCAL_LATENCY_MS ?? 0)) };

  const server = http.createServer((req, res) => {
    routeHttp(req, res, { stats, pools, log, latency }).catch((error: unknown) => {
      log(`unhandled error on ${req.method} ${req.url}: ${errorText(error)}`);
      if (!res.headersSent) sendJson(res, 500, { message: `Internal endpoint error: ${errorText(error)}` });
      else res.destroy();
    });
  });
  // Idle keep-alive connections outlive the Worker's own idle timeout, so workerd never reuses a
  // connection the endpoint is closing at that moment ("Network connection lost" under load).
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  server.on('upgrade', (req, socket, head) => {
    wss.handleUpgrade(req, socket, head, (ws) => {
      const relay = startRelay(ws, opts.postgres, stats, log, () => latency.ms);
      relays.add(relay);
      relay.closed.then(() => relays.delete(relay));
    });
  });

  await listen(server, opts.port);
  const url = `http://${HOST}:${opts.port}`;
  log(`listening on ${url} (HTTP /sql and WebSocket) -> postgres ${opts.postgres.host}:${opts.postgres.port}`);

  let closing: Promise<void> | undefined;
  return {
    url,
    port: opts.port,
    stats: () => stats.snapshot(),
    resetStats: () => stats.reset(),
    latencyMs: () => latency.ms,
    setLatency: (ms: number) => {
      latency.ms = validLatency(ms);
    },
    close: () => (closing ??= closeEndpoint(server, wss, relays, pools)),
  };
}

// ---------------------------------------------------------------------------------------------
// HTTP

interface HttpContext {
  stats: StatsCounter;
  pools: PoolRegistry;
  log: (line: string) => void;
  latency: { ms: number };
}

async function routeHttp(req: http.IncomingMessage, res: http.ServerResponse, ctx: HttpContext): Promise<void> {
  const path = new URL(req.url ?? '/', 'http://endpoint').pathname;
  if (path === '/sql') {
    if (req.method !== 'POST') return sendMethodNotAllowed(res, 'POST');
    return handleSql(req, res, ctx);
  }
  if (path === '/_stats') {
    if (req.method !== 'GET') return sendMethodNotAllowed(res, 'GET');
    return sendJson(res, 200, ctx.stats.snapshot());
  }
  if (path === '/_stats/reset') {
    if (req.method !== 'POST') return sendMethodNotAllowed(res, 'POST');
    ctx.stats.reset();
    return sendJson(res, 200, ctx.stats.snapshot());
  }
  if (path === '/_control/latency') {
    if (req.method === 'GET') return sendJson(res, 200, { ms: ctx.latency.ms });
    if (req.method !== 'POST') return sendMethodNotAllowed(res, 'GET, POST');
    try {
      const body: unknown = JSON.parse(await readBody(req));
      ctx.latency.ms = validLatency(isRecord(body) ? body.ms : undefined);
    } catch (error) {
      return sendJson(res, 400, { message: `Expected {"ms": 0..${MAX_LATENCY_MS}}: ${errorText(error)}` });
    }
    return sendJson(res, 200, { ms: ctx.latency.ms });
  }
  sendJson(res, 404, { message: `Not found: ${path}` });
}

function validLatency(value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > MAX_LATENCY_MS)
    throw new Error(`latency must be a number of ms from 0 to ${MAX_LATENCY_MS}, not ${String(value)}`);
  return value;
}

/** Never early: a timer counts from the event loop's cached clock, which can be milliseconds old. */
async function sleep(ms: number): Promise<void> {
  const until = performance.now() + ms;
  while (performance.now() < until)
    await new Promise((resolve) => setTimeout(resolve, Math.max(1, Math.ceil(until - performance.now()))));
}

/** A request the endpoint refuses before reaching Postgres (HTTP 400 with a message). */
class BadRequest extends Error {
  constructor(
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

interface SqlQuery {
  query: string;
  params: unknown[];
}

interface BatchOptions {
  isolationLevel?: string;
  readOnly?: boolean;
  deferrable?: boolean;
}

type SqlRequest = { kind: 'single'; query: SqlQuery } | { kind: 'batch'; queries: SqlQuery[]; options: BatchOptions };

async function handleSql(req: http.IncomingMessage, res: http.ServerResponse, ctx: HttpContext): Promise<void> {
  ctx.stats.countHttpRequest();
  let target: ConnectionTarget;
  let request: SqlRequest;
  try {
    assertDriverOutputMode(req);
    target = parseConnectionString(header(req, 'neon-connection-string'));
    request = parseSqlRequest(await readBody(req), req);
  } catch (error) {
    if (!(error instanceof BadRequest)) throw error;
    return sendJson(res, error.status, { message: error.message });
  }

  ctx.stats.countQueries(
    target.database,
    request.kind === 'single' ? 1 : request.queries.length,
    target.applicationName,
  );
  ctx.stats.countRoundTrip(target.database, target.applicationName);
  const halfTrip = ctx.latency.ms / 2;
  await sleep(halfTrip);
  try {
    const body =
      request.kind === 'single'
        ? await runSingle(ctx.pools, target, request.query)
        : { results: await runBatch(ctx.pools, target, request.queries, request.options) };
    await sleep(halfTrip);
    sendJson(res, 200, body);
  } catch (error) {
    await sleep(halfTrip);
    if (error instanceof RollbackFailed) ctx.log(`batch on ${target.database}: ${error.message}`);
    const cause = error instanceof RollbackFailed ? error.original : error;
    if (cause instanceof pg.DatabaseError) return sendJson(res, 400, postgresErrorBody(cause));
    ctx.log(`query on ${target.database} as ${target.user} failed outside Postgres: ${errorText(cause)}`);
    sendJson(res, 502, { message: `Cannot reach the database: ${errorText(cause)}` });
  }
}

/** The driver always asks for raw text values in array mode; that is the only mode implemented. */
function assertDriverOutputMode(req: http.IncomingMessage): void {
  for (const name of ['neon-raw-text-output', 'neon-array-mode']) {
    if (header(req, name) !== 'true') {
      throw new BadRequest(`This local endpoint only supports "${name}: true" (what @neondatabase/serverless sends)`);
    }
  }
}

function parseSqlRequest(raw: string, req: http.IncomingMessage): SqlRequest {
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch (error) {
    throw new BadRequest(`Request body is not valid JSON: ${errorText(error)}`);
  }
  if (!isRecord(body)) throw new BadRequest('Request body must be a JSON object');
  if ('queries' in body) {
    if (!Array.isArray(body.queries)) throw new BadRequest('"queries" must be an array of {query, params}');
    const queries = body.queries.map((item: unknown, index: number) => parseQuery(item, `queries[${index}]`));
    return { kind: 'batch', queries, options: parseBatchHeaders(req) };
  }
  return { kind: 'single', query: parseQuery(body, 'body') };
}

function parseQuery(value: unknown, where: string): SqlQuery {
  if (!isRecord(value) || typeof value.query !== 'string') {
    throw new BadRequest(`${where} must be an object with a string "query"`);
  }
  const params = value.params ?? [];
  if (!Array.isArray(params)) throw new BadRequest(`${where}.params must be an array`);
  return { query: value.query, params };
}

const ISOLATION_LEVELS: Record<string, string> = {
  ReadUncommitted: 'READ UNCOMMITTED',
  ReadCommitted: 'READ COMMITTED',
  RepeatableRead: 'REPEATABLE READ',
  Serializable: 'SERIALIZABLE',
};

function parseBatchHeaders(req: http.IncomingMessage): BatchOptions {
  const options: BatchOptions = {};
  const isolation = header(req, 'neon-batch-isolation-level');
  if (isolation !== undefined) {
    options.isolationLevel = ISOLATION_LEVELS[isolation];
    if (!options.isolationLevel) {
      throw new BadRequest(
        `Invalid Neon-Batch-Isolation-Level "${isolation}" (expected ${Object.keys(ISOLATION_LEVELS).join(', ')})`,
      );
    }
  }
  options.readOnly = parseBooleanHeader(req, 'neon-batch-read-only');
  options.deferrable = parseBooleanHeader(req, 'neon-batch-deferrable');
  return options;
}

function parseBooleanHeader(req: http.IncomingMessage, name: string): boolean | undefined {
  const value = header(req, name);
  if (value === undefined) return undefined;
  if (value === 'true' || value === 'false') return value === 'true';
  throw new BadRequest(`Invalid ${name} "${value}" (expected true or false)`);
}

function header(req: http.IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

async function readBody(req: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) throw new BadRequest(`Request body exceeds ${MAX_BODY_BYTES} bytes`, 413);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) });
  res.end(payload);
}

function sendMethodNotAllowed(res: http.ServerResponse, allowed: string): void {
  res.setHeader('allow', allowed);
  sendJson(res, 405, { message: `Method not allowed; use ${allowed}` });
}

// ---------------------------------------------------------------------------------------------
// Connection strings and pools

interface ConnectionTarget {
  user: string;
  password: string;
  database: string;
  applicationName?: string;
  options?: string;
}

function parseConnectionString(value: string | undefined): ConnectionTarget {
  if (!value) throw new BadRequest('Missing Neon-Connection-String header');
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    // Not echoed back: it holds a password.
    throw new BadRequest('Neon-Connection-String is not a valid URL');
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new BadRequest('Neon-Connection-String must use the postgres:// or postgresql:// scheme');
  }
  const user = decodeURIComponent(url.username);
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (!user || !database) throw new BadRequest('Neon-Connection-String must name a user and a database');
  return {
    user,
    password: decodeURIComponent(url.password),
    database,
    applicationName: url.searchParams.get('application_name') ?? undefined,
    options: postgresOptions(url.searchParams.get('options')),
  };
}

/** Neon's `options=endpoint=<id>` routing hint means nothing to a plain Postgres: drop it. */
function postgresOptions(options: string | null): string | undefined {
  if (!options) return undefined;
  const kept = options.split(/\s+/).filter((part) => part !== '' && !part.startsWith('endpoint='));
  return kept.length > 0 ? kept.join(' ') : undefined;
}

interface PoolEntry {
  pool: pg.Pool;
  database: string;
  /** Connections whose socket is still open: pg.Pool.end() resolves before they are closed. */
  live: Set<Promise<void>>;
}

class PoolRegistry {
  private readonly pools = new Map<string, PoolEntry>();

  constructor(
    private readonly postgres: { host: string; port: number },
    private readonly log: (line: string) => void,
  ) {}

  get(target: ConnectionTarget): pg.Pool {
    const key = JSON.stringify([target.user, target.password, target.database, target.applicationName, target.options]);
    const existing = this.pools.get(key);
    if (existing) return existing.pool;
    if (this.pools.size >= POOL_SOFT_LIMIT) this.evictUnused();
    const pool = new pg.Pool({
      host: this.postgres.host,
      port: this.postgres.port,
      user: target.user,
      password: target.password,
      database: target.database,
      application_name: target.applicationName,
      options: target.options,
      max: POOL_MAX_CLIENTS,
      idleTimeoutMillis: POOL_IDLE_MS,
      allowExitOnIdle: true,
    });
    const entry: PoolEntry = { pool, database: target.database, live: new Set() };
    pool.on('connect', (client) => trackUntilEnd(entry.live, client));
    // An idle connection can be terminated by the server (DROP DATABASE ... WITH (FORCE), restart).
    pool.on('error', (error) => this.log(`idle connection to ${target.database} lost: ${error.message}`));
    this.pools.set(key, entry);
    return pool;
  }

  /** Closes our own idle connections to `database` so that DROP DATABASE is not blocked by them. */
  async closeDatabase(database: string): Promise<void> {
    const matching = [...this.pools].filter(([, entry]) => entry.database === database);
    for (const [key] of matching) this.pools.delete(key);
    await Promise.all(matching.map(([, entry]) => endPool(entry)));
  }

  async closeAll(): Promise<void> {
    const entries = [...this.pools.values()];
    this.pools.clear();
    await Promise.all(entries.map(endPool));
  }

  private evictUnused(): void {
    for (const [key, entry] of this.pools) {
      if (entry.pool.totalCount > 0 || entry.pool.waitingCount > 0) continue;
      this.pools.delete(key);
      endPool(entry).catch((error: unknown) =>
        this.log(`closing unused pool for ${entry.database} failed: ${errorText(error)}`),
      );
    }
  }
}

function trackUntilEnd(live: Set<Promise<void>>, client: pg.PoolClient): void {
  const ended = new Promise<void>((resolve) => client.once('end', () => resolve()));
  live.add(ended);
  ended.then(() => live.delete(ended));
}

async function endPool(entry: PoolEntry): Promise<void> {
  await entry.pool.end();
  await Promise.all([...entry.live]);
}

// ---------------------------------------------------------------------------------------------
// Running queries

interface QueryResponse {
  command: string;
  rowCount: number | null;
  rows: unknown[][];
  fields: pg.FieldDef[];
  rowAsArray: true;
}

/** Every value stays in Postgres text output: the driver parses it with pg-types on its side. */
const RAW_TEXT_TYPES: pg.CustomTypesConfig = {
  getTypeParser: (() => (value: string) => value) as unknown as pg.CustomTypesConfig['getTypeParser'],
};

async function runSingle(pools: PoolRegistry, target: ConnectionTarget, query: SqlQuery): Promise<QueryResponse> {
  const dropped = droppedDatabase(query.query);
  // Our own idle pooled connections would make DROP DATABASE wait 5 s and fail with 55006; on
  // Neon the caller has no such sessions, so close them first.
  if (dropped !== undefined && dropped !== target.database) await pools.closeDatabase(dropped);
  return withClient(pools.get(target), (client) => execute(client, query));
}

/** The database named by a `DROP DATABASE [IF EXISTS] name` statement, if `sql` is one. */
export function droppedDatabase(sql: string): string | undefined {
  const match = /^\s*drop\s+database\s+(?:if\s+exists\s+)?("(?:[^"]|"")+"|[^\s;("]+)/i.exec(sql);
  const name = match?.[1];
  if (name === undefined) return undefined;
  return name.startsWith('"') ? name.slice(1, -1).replaceAll('""', '"') : name.toLowerCase();
}

async function runBatch(
  pools: PoolRegistry,
  target: ConnectionTarget,
  queries: SqlQuery[],
  options: BatchOptions,
): Promise<QueryResponse[]> {
  return withClient(pools.get(target), async (client) => {
    await client.query(beginStatement(options));
    const results: QueryResponse[] = [];
    try {
      for (const query of queries) results.push(await execute(client, query));
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch((rollbackError: unknown) => {
        throw new RollbackFailed(error, rollbackError);
      });
      throw error;
    }
    return results;
  });
}

/** The batch failed and so did its ROLLBACK: the connection must not be reused. */
class RollbackFailed extends Error {
  constructor(
    readonly original: unknown,
    readonly rollbackError: unknown,
  ) {
    super(`ROLLBACK failed (${errorText(rollbackError)}) after: ${errorText(original)}`);
  }
}

function beginStatement(options: BatchOptions): string {
  const modes: string[] = [];
  if (options.isolationLevel) modes.push(`ISOLATION LEVEL ${options.isolationLevel}`);
  if (options.readOnly !== undefined) modes.push(options.readOnly ? 'READ ONLY' : 'READ WRITE');
  if (options.deferrable !== undefined) modes.push(options.deferrable ? 'DEFERRABLE' : 'NOT DEFERRABLE');
  return ['BEGIN', modes.join(', ')].filter(Boolean).join(' ');
}

async function execute(client: pg.PoolClient, query: SqlQuery): Promise<QueryResponse> {
  // The extended protocol, like Neon's proxy: one statement per query, even without parameters.
  const config = {
    text: query.query,
    values: query.params,
    rowMode: 'array' as const,
    types: RAW_TEXT_TYPES,
    queryMode: 'extended',
  };
  const result = await client.query<unknown[]>(config);
  return {
    command: result.command,
    rowCount: result.rowCount,
    rows: result.rows,
    fields: result.fields,
    rowAsArray: true,
  };
}

/**
 * Releases the connection back to the pool after a statement error (the session is still fine),
 * and discards it after anything that may have broken it (FATAL errors, network errors).
 */
async function withClient<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    const result = await work(client);
    client.release();
    return result;
  } catch (error) {
    client.release(connectionStillUsable(error) ? undefined : asError(error));
    throw error;
  }
}

function connectionStillUsable(error: unknown): boolean {
  return error instanceof pg.DatabaseError && error.severity === 'ERROR';
}

const POSTGRES_ERROR_FIELDS = [
  'severity',
  'code',
  'detail',
  'hint',
  'position',
  'internalPosition',
  'internalQuery',
  'where',
  'schema',
  'table',
  'column',
  'dataType',
  'constraint',
  'file',
  'line',
  'routine',
] as const;

function postgresErrorBody(error: pg.DatabaseError): Record<string, string | undefined> {
  const body: Record<string, string | undefined> = { message: error.message };
  for (const field of POSTGRES_ERROR_FIELDS) body[field] = error[field];
  return body;
}

// ---------------------------------------------------------------------------------------------
// WebSocket relay

interface Relay {
  closed: Promise<void>;
  destroy(): void;
}

function startRelay(
  ws: WebSocket,
  postgres: { host: string; port: number },
  stats: StatsCounter,
  log: (line: string) => void,
  latencyMs: () => number,
): Relay {
  const socket = net.connect({ host: postgres.host, port: postgres.port });
  socket.setNoDelay(true);
  const upstream = new DelayLine(() => latencyMs() / 2);
  const downstream = new DelayLine(() => latencyMs() / 2);
  let queuedDown = 0;
  const counter = new FrontendMessageCounter((database) => {
    stats.countQueries(database, 1);
    stats.countRoundTrip(database);
  });
  let resolveClosed: () => void;
  const closed = new Promise<void>((resolve) => (resolveClosed = resolve));
  let open = 2;
  const sideClosed = () => {
    open -= 1;
    if (open === 0) resolveClosed();
  };

  ws.on('message', (data: RawData) => {
    if (socket.destroyed) return;
    const chunk = toBuffer(data);
    counter.feed(chunk);
    upstream.push(() => {
      if (socket.destroyed) return;
      if (!socket.write(chunk) && !ws.isPaused) {
        ws.pause();
        socket.once('drain', () => ws.resume());
      }
    });
  });
  socket.on('data', (chunk: Buffer) => {
    queuedDown += chunk.length;
    downstream.push(() => {
      queuedDown -= chunk.length;
      if (ws.readyState !== ws.OPEN) return;
      ws.send(chunk, { binary: true }, (error) => {
        if (error) log(`WebSocket send failed: ${error.message}`);
        else if (socket.isPaused() && ws.bufferedAmount + queuedDown < WS_HIGH_WATER_BYTES) socket.resume();
      });
    });
    if (ws.bufferedAmount + queuedDown >= WS_HIGH_WATER_BYTES) socket.pause();
  });

  ws.on('close', () => {
    upstream.push(() => socket.end());
    sideClosed();
  });
  ws.on('error', (error) => {
    log(`WebSocket error: ${error.message}`);
    socket.destroy();
  });
  socket.on('error', (error) => {
    log(`Postgres socket error: ${error.message}`);
    if (ws.readyState === ws.OPEN) ws.close(1011, 'database connection error');
  });
  socket.on('close', () => {
    downstream.push(() => {
      if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING) ws.close(1000);
    });
    sideClosed();
  });

  return {
    closed,
    destroy: () => {
      upstream.clear();
      downstream.clear();
      socket.destroy();
      ws.terminate();
    },
  };
}

/**
 * Runs callbacks in the order pushed, each `delayMs()` after its push: a link's latency, not its
 * bandwidth (a burst of chunks arrives as a burst, one delay later). With no delay and nothing
 * waiting, a callback runs at once, so the default endpoint behaves exactly as without the line.
 */
export class DelayLine {
  private queue: Array<{ at: number; run: () => void }> = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly delayMs: () => number) {}

  push(run: () => void): void {
    const ms = this.delayMs();
    if (ms <= 0 && this.queue.length === 0) {
      run();
      return;
    }
    this.queue.push({ at: performance.now() + ms, run });
    this.schedule();
  }

  clear(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.queue = [];
  }

  private schedule(): void {
    const head = this.queue[0];
    if (this.timer || !head) return;
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        // Timers count whole milliseconds: anything due within half of one goes now.
        const now = performance.now() + 0.5;
        while (this.queue[0] && this.queue[0].at <= now) this.queue.shift()!.run();
        this.schedule();
      },
      Math.max(0, Math.ceil(head.at - performance.now())),
    );
  }
}

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

const SSL_REQUEST_CODE = 80877103;
const GSSENC_REQUEST_CODE = 80877104;
const QUERY_MESSAGE_TYPES = new Set(['Q'.charCodeAt(0), 'E'.charCodeAt(0)]);

/**
 * Follows the frontend (client -> server) message framing across arbitrary chunk boundaries and
 * reports every simple query ('Q') and extended-protocol execute ('E'). Startup-phase packets
 * have no type byte: int32 length, int32 code, body.
 */
export class FrontendMessageCounter {
  private phase: 'startup' | 'messages' | 'opaque' = 'startup';
  private pending = Buffer.alloc(0);
  private skip = 0;
  private database = '';

  constructor(private readonly onQuery: (database: string) => void) {}

  feed(chunk: Buffer): void {
    let offset = 0;
    while (offset < chunk.length && this.phase !== 'opaque') {
      if (this.skip > 0) {
        const skipped = Math.min(this.skip, chunk.length - offset);
        this.skip -= skipped;
        offset += skipped;
        continue;
      }
      offset = this.phase === 'startup' ? this.readStartup(chunk, offset) : this.readMessageHeader(chunk, offset);
    }
  }

  private readStartup(chunk: Buffer, offset: number): number {
    const next = this.accumulate(chunk, offset, 4);
    if (this.pending.length < 4) return next;
    const length = this.pending.readInt32BE(0);
    if (length < 8 || length > MAX_STARTUP_BYTES) {
      // Not a startup packet we understand (e.g. a TLS handshake): stop counting this connection.
      this.phase = 'opaque';
      return chunk.length;
    }
    const end = this.accumulate(chunk, next, length);
    if (this.pending.length < length) return end;
    const packet = this.pending;
    this.pending = Buffer.alloc(0);
    const code = packet.readInt32BE(4);
    // SSL and GSSAPI requests are answered with one byte and followed by the real startup packet.
    if (code !== SSL_REQUEST_CODE && code !== GSSENC_REQUEST_CODE) {
      this.database = startupDatabase(packet);
      this.phase = 'messages';
    }
    return end;
  }

  private readMessageHeader(chunk: Buffer, offset: number): number {
    const next = this.accumulate(chunk, offset, 5);
    if (this.pending.length < 5) return next;
    const type = this.pending[0] as number;
    const length = this.pending.readInt32BE(1);
    this.pending = Buffer.alloc(0);
    if (length < 4) {
      this.phase = 'opaque';
      return chunk.length;
    }
    if (QUERY_MESSAGE_TYPES.has(type)) this.onQuery(this.database);
    this.skip = length - 4;
    return next;
  }

  /** Appends bytes from chunk[offset..] until `pending` holds `size` bytes; returns the new offset. */
  private accumulate(chunk: Buffer, offset: number, size: number): number {
    const wanted = Math.max(0, size - this.pending.length);
    const taken = chunk.subarray(offset, offset + wanted);
    if (taken.length > 0) this.pending = Buffer.concat([this.pending, taken]);
    return offset + taken.length;
  }
}

/** The `database` startup parameter; Postgres defaults it to the user name. */
function startupDatabase(packet: Buffer): string {
  const parts = packet.subarray(8).toString('utf8').split('\0');
  const params = new Map<string, string>();
  for (let i = 0; i + 1 < parts.length; i += 2) {
    const name = parts[i] as string;
    if (name === '') break;
    params.set(name, parts[i + 1] as string);
  }
  return params.get('database') || params.get('user') || '';
}

// ---------------------------------------------------------------------------------------------
// Stats, lifecycle, helpers

class StatsCounter {
  private httpRequests = 0;
  private queries = 0;
  private byDatabase = new Map<string, number>();
  private roundTripsByDatabase = new Map<string, number>();
  private jobQueriesByDatabase = new Map<string, number>();
  private jobRoundTripsByDatabase = new Map<string, number>();

  countHttpRequest(): void {
    this.httpRequests += 1;
  }

  countQueries(database: string, count: number, applicationName?: string): void {
    this.queries += count;
    add(this.byDatabase, database, count);
    if (applicationName === JOB_APPLICATION_NAME) add(this.jobQueriesByDatabase, database, count);
  }

  countRoundTrip(database: string, applicationName?: string): void {
    add(this.roundTripsByDatabase, database, 1);
    if (applicationName === JOB_APPLICATION_NAME) add(this.jobRoundTripsByDatabase, database, 1);
  }

  snapshot(): EndpointStats {
    return {
      httpRequests: this.httpRequests,
      queries: this.queries,
      byDatabase: Object.fromEntries(this.byDatabase),
      roundTripsByDatabase: Object.fromEntries(this.roundTripsByDatabase),
      jobQueriesByDatabase: Object.fromEntries(this.jobQueriesByDatabase),
      jobRoundTripsByDatabase: Object.fromEntries(this.jobRoundTripsByDatabase),
    };
  }

  reset(): void {
    this.httpRequests = 0;
    this.queries = 0;
    this.byDatabase = new Map();
    this.roundTripsByDatabase = new Map();
    this.jobQueriesByDatabase = new Map();
    this.jobRoundTripsByDatabase = new Map();
  }
}

function add(counts: Map<string, number>, key: string, count: number): void {
  counts.set(key, (counts.get(key) ?? 0) + count);
}

async function listen(server: http.Server, port: number): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      reject(error.code === 'EADDRINUSE' ? new Error(`Port ${port} (Neon endpoint) is already in use`) : error);
    };
    server.once('error', onError);
    server.listen({ port, host: HOST, exclusive: true }, () => {
      server.off('error', onError);
      resolve();
    });
  });
}

async function closeEndpoint(
  server: http.Server,
  wss: WebSocketServer,
  relays: Set<Relay>,
  pools: PoolRegistry,
): Promise<void> {
  const serverClosed = new Promise<void>((resolve, reject) =>
    server.close((error) => (error ? reject(error) : resolve())),
  );
  server.closeAllConnections();
  const relaysClosed = Promise.all([...relays].map((relay) => relay.closed));
  for (const relay of relays) relay.destroy();
  await new Promise<void>((resolve, reject) => wss.close((error) => (error ? reject(error) : resolve())));
  await Promise.all([serverClosed, relaysClosed, pools.closeAll()]);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
