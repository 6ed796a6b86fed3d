/**
 * `npm run dev`: the whole product on this machine. Embedded PostgreSQL (data in .data/, kept
 * across restarts), the local Neon-protocol endpoint, central migrations, the demo tenant on first
 * start, then `wrangler dev` on port 8787. Ctrl-C stops everything.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { getPlatformProxy } from 'wrangler';
import type { Bindings } from '../src/env';
import { createPlatform } from '../src/tenancy/platform';
import { createTenant, getTenantRow } from '../src/tenancy/provisioning';
import { localStateRoot, persistPath } from '../src/cli/environment';
import { migrateTenant, tenantConnection } from '../src/tenancy/lifecycle';
import { tenantDb } from '../src/db/client';
import { users } from '../src/db/tenant-schema';
import { hashPassword } from '../src/auth/password';
import { ensureCentralDatabase, generateEncryptionKey } from './bootstrap';
import { demoCompanyRnc, ensureDemoData } from './demo-data';
import { ensureDemoEcf } from './demo-ecf';
import { demoPhoneNumberId, demoWhatsappAppSecret, ensureDemoChannels } from './demo-messaging';
import { ensurePeerShop, localDirectoryEntry, peerCompanyRnc, peerTenant } from './ecf-peers';
import { startDgiiStandin } from './dgii-standin';
import { graphVersion, startMessagingStandin } from './messaging-standin';
import { startNeonEndpoint } from './neon-endpoint';
import { devPorts } from './ports';
import { assertPortFree, startPostgres } from './postgres';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const configPath = path.join(root, 'wrangler.toml');

export interface DevStackOptions {
  dataDir: string;
  /**
   * Local KV/R2/Queues state, meaning what `wrangler dev --persist-to` and the CLI's `--persist-to`
   * mean (the state itself is in `<dir>/v3`). Default: wrangler's own `.wrangler/state`, which
   * `npx optiflow` and a plain `npx wrangler dev` use without flags.
   */
  persistDir?: string;
  /** `dgii`, `messaging`: the DGII and messaging stand-ins' ports (absent: any free port). */
  ports: { postgres: number; endpoint: number; http: number; dgii?: number; messaging?: number };
  password: string;
  encryptionKey: string;
  /** Development only: the demo tenant's owner signs in with this password (random if not given). */
  demoPassword?: string;
  fast?: boolean;
  log?: (line: string) => void;
  /** Lines wrangler prints; hidden unless given. */
  wranglerLog?: (line: string) => void;
}

export interface DevStack {
  centralUrl: string;
  demoUrl: string;
  /** The DGII stand-in the local Worker talks to instead of DGII (DGII_BASE_URL). */
  dgiiUrl: string;
  /** The WhatsApp Cloud API + Resend stand-in; its page lists what the shops sent, its /_control/messages the same as JSON. */
  messagingUrl: string;
  env: Record<string, string>;
  stop(): Promise<void>;
}

export const demoTenant = { id: 'demo', name: 'Óptica Demo' };
export const demoUserEmail = 'demo@optiflow.test';

export async function startDevStack(options: DevStackOptions): Promise<DevStack> {
  const log = options.log ?? ((line: string) => console.log(line));
  const { ports } = options;
  // Check every port first, so a taken one is named before anything starts.
  await assertPortFree(ports.postgres, 'PostgreSQL');
  await assertPortFree(ports.endpoint, 'Neon endpoint');
  await assertPortFree(ports.http, 'wrangler dev');
  if (ports.dgii) await assertPortFree(ports.dgii, 'DGII stand-in');
  if (ports.messaging) await assertPortFree(ports.messaging, 'messaging stand-in');

  const stops: Array<() => Promise<void>> = [];
  const stop = async () => {
    for (const step of stops.reverse()) await step();
    stops.length = 0;
  };
  try {
    const postgres = await startPostgres({
      dataDir: options.dataDir,
      port: ports.postgres,
      password: options.password,
      fast: options.fast,
      log: () => {},
    });
    stops.push(() => postgres.stop());
    const endpoint = await startNeonEndpoint({ port: ports.endpoint, postgres, log: () => {} });
    stops.push(() => endpoint.close());
    const dgii = await startDgiiStandin({ port: ports.dgii ?? 0 });
    stops.push(() => dgii.close());
    const messaging = await startMessagingStandin({ port: ports.messaging ?? 0 });
    stops.push(() => messaging.close());
    const { centralUrl, migration } = await ensureCentralDatabase({
      endpointUrl: endpoint.url,
      adminUrl: (db) => postgres.adminUrl(db),
    });
    if (migration.applied.length) log(`central database migrated: ${migration.applied.join(', ')}`);

    const env: Record<string, string> = {
      CENTRAL_DATABASE_URL: centralUrl,
      POSTGRES_ADMIN_URL: postgres.adminUrl('postgres'),
      ENCRYPTION_KEY: options.encryptionKey,
      NEON_LOCAL_ENDPOINT: endpoint.url,
      DGII_BASE_URL: dgii.url,
      WHATSAPP_API_URL: `${messaging.url}/graph/${graphVersion}`,
      EMAIL_API_URL: `${messaging.url}/resend`,
      // Links in messages (share links built by queue jobs) name the port wrangler dev really listens on.
      SHOP_ORIGIN: `http://{host}:${ports.http}`,
    };
    // wrangler dev takes seconds to bundle and start workerd: it starts while the demo shops are provisioned
    // (through the platform proxy on the same local state, as the admin CLI does beside a running server).
    const output = new OutputTail(40);
    let wrangler = startWrangler(env, options, output);
    stops.push(() => stopChild(wrangler));
    await ensureDemoTenant(env, options.persistDir, options.demoPassword ?? randomBytes(12).toString('base64url'), log);
    const centralHttp = `http://localhost:${ports.http}`;
    try {
      await waitForHttp(`${centralHttp}/healthz`, wrangler, 60_000);
    } catch (error) {
      // Once in a while (a busy machine, two workerd processes opening the same local state at once)
      // wrangler dev stops at "Starting local server..." and never listens; a second start, alone, does.
      if (wrangler.exitCode !== null) throw new Error(`${(error as Error).message}\n${output.text()}`);
      log(`wrangler dev did not answer within 60 s (its last lines: ${output.lastLine()}); starting it again`);
      await stopChild(wrangler);
      output.clear();
      wrangler = startWrangler(env, options, output);
      await waitForHttp(`${centralHttp}/healthz`, wrangler, 120_000).catch((again: Error) => {
        throw new Error(`${again.message}; wrangler dev said:\n${output.text()}`);
      });
    }
    const demoUrl = `http://${demoTenant.id}.localhost:${ports.http}`;
    // DGII's directory of electronic receivers: the demo shop answers its /fe/ endpoints on its own host.
    dgii.control.addDirectoryEntry({
      nombre: demoTenant.name,
      rnc: demoCompanyRnc,
      urlRecepcion: demoUrl,
      urlAceptacion: demoUrl,
      urlOpcional: demoUrl,
    });
    dgii.control.addDirectoryEntry(localDirectoryEntry(peerTenant, peerCompanyRnc, ports.http));
    // Meta calls the shop's webhook with each message's status; the stand-in does it for the demo's number.
    messaging.control.statusCallback(demoPhoneNumberId, {
      url: `http://127.0.0.1:${ports.http}/hooks/whatsapp`,
      host: `${demoTenant.id}.localhost:${ports.http}`,
      appSecret: demoWhatsappAppSecret,
    });
    return {
      centralUrl: centralHttp,
      demoUrl,
      dgiiUrl: dgii.url,
      messagingUrl: messaging.url,
      env,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function ensureDemoTenant(
  env: Record<string, string>,
  persistDir: string | undefined,
  demoPassword: string,
  log: (line: string) => void,
) {
  const proxy = await getPlatformProxy<Bindings>({
    configPath,
    persist: { path: persistPath(configPath, persistDir) },
  });
  try {
    const platform = await createPlatform({ ...proxy.env, ...env });
    const existing = await getTenantRow(platform, demoTenant.id);
    if (existing?.status !== 'active' && existing?.status !== 'suspended') {
      log('creating the demo tenant...');
      await createTenant(platform, { ...demoTenant, domains: [demoTenant.id] });
    }
    await migrateTenant(platform, demoTenant.id);
    const { connectionString } = await tenantConnection(platform, demoTenant.id);
    const db = tenantDb(connectionString);
    await ensureDemoOwner(db, demoPassword);
    await ensureDemoData(db);
    if (
      (await ensureDemoChannels(db, { tenantId: demoTenant.id, env: { ENCRYPTION_KEY: env.ENCRYPTION_KEY! } })).length
    )
      log('demo shop: WhatsApp and e-mail channels to the local messaging stand-in');
    if (
      await ensureDemoEcf(db, {
        tenantId: demoTenant.id,
        ownerEmail: demoUserEmail,
        rnc: demoCompanyRnc,
        env: { ENCRYPTION_KEY: env.ENCRYPTION_KEY! },
      })
    )
      log('demo shop: e-CF settings (TesteCF) with a local test certificate, E31/E32/E34 ranges');
    await ensurePeerShop(platform, db, {
      env: { ENCRYPTION_KEY: env.ENCRYPTION_KEY! },
      ownerEmail: demoUserEmail,
      ensureOwner: (peerDb) => ensureDemoOwner(peerDb, demoPassword),
      log,
    });
  } finally {
    await proxy.dispose();
  }
}

/** Development only: an owner with a known password, so the demo shop can be opened at once. */
async function ensureDemoOwner(db: ReturnType<typeof tenantDb>, password: string): Promise<void> {
  const passwordHash = await hashPassword(password);
  await db
    .insert(users)
    .values({ email: demoUserEmail, name: 'Demo', role: 'owner', status: 'active', passwordHash })
    .onConflictDoUpdate({ target: users.email, set: { passwordHash, status: 'active', role: 'owner' } });
}

function startWrangler(env: Record<string, string>, options: DevStackOptions, output: OutputTail): ChildProcess {
  const require = createRequire(import.meta.url);
  const wranglerBin = path.join(path.dirname(require.resolve('wrangler/package.json')), 'bin', 'wrangler.js');
  // Secrets go through a private env file, not argv, which any local user can read with `ps`.
  const stateRoot = localStateRoot(configPath, options.persistDir);
  const envFile = path.join(stateRoot, 'optiflow-dev.env');
  mkdirSync(stateRoot, { recursive: true });
  writeFileSync(
    envFile,
    `${Object.entries(env)
      .map(([key, value]) => `${key}=${value}`)
      .join('\n')}\n`,
    { mode: 0o600 },
  );
  const vars = ['--env-file', envFile];
  // No --persist-to by default: wrangler's own location is the one the CLI uses without flags.
  const persist = options.persistDir ? ['--persist-to', options.persistDir] : [];
  const child = spawn(
    process.execPath,
    [
      wranglerBin,
      'dev',
      '--port',
      String(options.ports.http),
      '--ip',
      '127.0.0.1',
      ...persist,
      '--show-interactive-dev-session=false',
      '--inspector-port',
      '0',
      // GET /__scheduled?cron=... runs a Cron Trigger now (the per-shop sweeps; bench row 21 uses it).
      '--test-scheduled',
      ...vars,
    ],
    {
      cwd: root,
      env: { ...process.env, WRANGLER_SEND_METRICS: 'false', NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    },
  );
  // wrangler runs in its own process group (so stop() can end it with its workerd); if this process
  // dies without calling stop() (a crashed or killed test run), take the group down with it.
  const killGroup = () => {
    if (child.exitCode !== null || child.pid === undefined) return;
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error; // ESRCH: already gone
    }
  };
  process.once('exit', killGroup);
  child.once('exit', () => process.removeListener('exit', killGroup));
  const forward = (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n'))
      if (line.trim()) {
        output.push(line);
        options.wranglerLog?.(line);
      }
  };
  child.stdout?.on('data', forward);
  child.stderr?.on('data', forward);
  return child;
}

/** The last lines a child printed, to say what it was doing when it failed. */
class OutputTail {
  private lines: string[] = [];
  constructor(private readonly size: number) {}
  push(line: string): void {
    this.lines.push(line);
    if (this.lines.length > this.size) this.lines.shift();
  }
  clear(): void {
    this.lines = [];
  }
  lastLine(): string {
    return this.lines.at(-1)?.trim() ?? 'nothing';
  }
  text(): string {
    return this.lines.length ? this.lines.join('\n') : '(nothing)';
  }
}

async function waitForHttp(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited with code ${child.exitCode}`);
    try {
      // A Worker that failed to build leaves workerd accepting connections that never answer.
      if ((await fetch(url, { signal: AbortSignal.timeout(5_000) })).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`wrangler dev did not answer ${url} within ${timeoutMs / 1000} s`);
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.pid === undefined) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  process.kill(-child.pid, 'SIGTERM'); // the whole group: wrangler and its workerd
  const timer = setTimeout(() => child.pid && process.kill(-child.pid, 'SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

/**
 * Local secrets are kept with the data they unlock (.data/: the Postgres password and the key that
 * encrypts tenant connection strings), and .dev.vars is rewritten from them on every start, keeping
 * any other entries, so the CLI and wrangler always agree with the database on disk.
 */
async function localSecrets(): Promise<{ password: string; encryptionKey: string; demoPassword: string }> {
  const dataRoot = path.join(root, '.data');
  await mkdir(dataRoot, { recursive: true });
  const devVarsPath = path.join(root, '.dev.vars');
  const devVars = existsSync(devVarsPath) ? parseDevVars(await readFile(devVarsPath, 'utf8')) : {};
  const password = await keptSecret(path.join(dataRoot, 'postgres.password'), () =>
    randomBytes(18).toString('base64url'),
  );
  const encryptionKey = await keptSecret(
    path.join(dataRoot, 'encryption.key'),
    () => devVars.ENCRYPTION_KEY || generateEncryptionKey(),
  );
  const demoPassword = await keptSecret(path.join(dataRoot, 'demo.password'), () =>
    randomBytes(9).toString('base64url'),
  );
  const pg = `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${devPorts.postgres}`;
  const entries = {
    ...devVars,
    CENTRAL_DATABASE_URL: `${pg}/optiflow_central`,
    POSTGRES_ADMIN_URL: `${pg}/postgres`,
    ENCRYPTION_KEY: encryptionKey,
  };
  const text = Object.entries(entries)
    .map(([key, value]) => `${key}=${value}`)
    .join('\n');
  await writeFile(
    devVarsPath,
    `# Written by \`npm run dev\` for local development only. Never commit this file.\n${text}\n`,
    { mode: 0o600 },
  );
  return { password, encryptionKey, demoPassword };
}

async function keptSecret(file: string, create: () => string): Promise<string> {
  if (!existsSync(file)) await writeFile(file, `${create()}\n`, { mode: 0o600 });
  return (await readFile(file, 'utf8')).trim();
}

function parseDevVars(text: string): Record<string, string> {
  const entries = text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#') && line.includes('='))
    .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1).replace(/^"|"$/g, '')]);
  return Object.fromEntries(entries);
}

async function main(): Promise<void> {
  const { password, encryptionKey, demoPassword } = await localSecrets();
  const strayState = path.join(persistPath(configPath, undefined), 'v3');
  if (existsSync(strayState))
    console.log(
      `note: ${path.relative(root, strayState)} holds state of an older \`npm run dev\` that nothing reads any more; it can be deleted`,
    );
  console.log('Starting OptiFlow: PostgreSQL, Neon endpoint, DGII and messaging stand-ins, wrangler dev...');
  const stack = await startDevStack({
    dataDir: path.join(root, '.data', 'postgres'),
    ports: devPorts,
    password,
    encryptionKey,
    demoPassword,
    wranglerLog: process.env.OPTIFLOW_VERBOSE ? (line) => console.log(`[wrangler] ${line}`) : undefined,
  });
  console.log('');
  console.log(`  Central:      ${stack.centralUrl}`);
  console.log(`  Demo tenant:  ${stack.demoUrl}`);
  const receiverUrl = stack.demoUrl.replace(`//${demoTenant.id}.`, `//${peerTenant.id}.`);
  console.log(`  Receiver:     ${receiverUrl}   (the demo's e-CF buyer, same user)`);
  console.log(`  Demo user:    ${demoUserEmail} / ${demoPassword}   (development only)`);
  console.log(`  DGII:         ${stack.dgiiUrl}   (stand-in; what it received: ${stack.dgiiUrl}/_control/state)`);
  console.log(`  Messages:     ${stack.messagingUrl}   (WhatsApp + e-mail stand-in: what the shops sent)`);
  console.log('');
  console.log('  New shop:     npx optiflow tenants:create acme --name "Óptica Acme" --domain acme');
  console.log('  Its owner:    npx optiflow tenants:invite-owner acme ana@example.com --name "Ana Pérez"');
  console.log('  Press Ctrl-C to stop.');
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping...`);
    stack.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('shutdown failed:', error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    console.error(`error: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
