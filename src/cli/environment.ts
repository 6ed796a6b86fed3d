import { existsSync } from 'node:fs';
import path from 'node:path';
import type { unstable_readConfig } from 'wrangler';
import type { Bindings } from '../env';
import { createPlatform, type Platform } from '../tenancy/platform';
import { UsageError, type GlobalValues } from './command';

/** Values a process environment variable overrides (tests point the CLI at their own database this way). */
export const overridableNames = [
  'CENTRAL_DATABASE_URL',
  'POSTGRES_ADMIN_URL',
  'ENCRYPTION_KEY',
  'NEON_API_KEY',
  'NEON_PROJECT_ID',
  'NEON_PARENT_BRANCH_ID',
  'NEON_LOCAL_ENDPOINT',
  'NEON_API_URL',
  'CENTRAL_DOMAINS',
] as const;

/** Worker secrets: with `--remote` they never come from `.dev.vars`, which points at local databases. */
const secretNames = [
  'CENTRAL_DATABASE_URL',
  'POSTGRES_ADMIN_URL',
  'ENCRYPTION_KEY',
  'NEON_API_KEY',
  'NEON_PROJECT_ID',
  'NEON_PARENT_BRANCH_ID',
];
const requiredSecrets = ['CENTRAL_DATABASE_URL', 'ENCRYPTION_KEY'] as const;

export const defaultDevPort = 8787;

export interface CliEnvironment {
  env: Bindings;
  platform: Platform;
  devPort: number;
  dispose(): Promise<void>;
}

/**
 * Opens the bindings through wrangler's `getPlatformProxy()` (the same local KV/R2 state as
 * `wrangler dev`, or the account's with `--remote`), overlays process environment values and builds
 * the Platform. The caller must `dispose()` it.
 */
export async function openEnvironment(globals: GlobalValues): Promise<CliEnvironment> {
  // Loaded on first use: wrangler takes a second or two to load, which `--help` and bad input skip.
  const { getPlatformProxy, unstable_readConfig: readConfig } = await import('wrangler');
  const configPath = path.resolve(globals.config ?? 'wrangler.toml');
  if (!existsSync(configPath)) throw new UsageError(`Wrangler configuration ${configPath} not found (use --config)`);
  const config = readConfig({ config: configPath, env: globals.env }, { hideWarnings: true });
  if (globals.remote) checkRemoteBindings(config, globals.env);

  // Wrangler logs "Using secrets defined in .dev.vars" on stdout, which would corrupt `--json`.
  process.env.WRANGLER_LOG ??= 'warn';
  const proxy = await getPlatformProxy<Bindings>({
    configPath,
    environment: globals.env,
    persist: { path: persistPath(configPath, globals['persist-to']) },
    remoteBindings: globals.remote === true,
  });
  try {
    const env = { ...proxy.env, KV: retryingKv(proxy.env.KV) } as Bindings & Record<string, unknown>;
    if (globals.remote) for (const name of secretNames) delete env[name];
    for (const name of overridableNames) {
      const value = process.env[name];
      if (value !== undefined) env[name] = value;
    }
    const missing = requiredSecrets.filter((name) => !env[name]);
    if (missing.length > 0) throw new UsageError(missingSecretsMessage(missing, globals.remote === true));
    const platform = await createPlatform(env);
    return { env, platform, devPort: config.dev?.port ?? defaultDevPort, dispose: () => proxy.dispose() };
  } catch (error) {
    await proxy.dispose();
    throw error;
  }
}

/**
 * KV with a retry on transient failures (an HTTP 5xx from the binding), as Cloudflare advises for
 * KV writes: locally, two CLIs (or a CLI beside `wrangler dev`) writing the same persisted KV at
 * once can get "KV DELETE failed: 500" from the store's lock. Other errors are thrown at once.
 */
export function retryingKv(kv: KVNamespace): KVNamespace {
  const transient = (error: unknown) => error instanceof Error && /\bfailed: 5\d\d\b/.test(error.message);
  return new Proxy(kv, {
    get(target, property) {
      const value = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        for (let attempt = 0; ; attempt++) {
          try {
            return await value.apply(target, args);
          } catch (error) {
            if (attempt >= 4 || !transient(error)) throw error;
            await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** attempt));
          }
        }
      };
    },
  });
}

/**
 * The one definition of where local KV/R2/Queues state lives, shared by the CLI and `npm run dev`:
 * wrangler's own rule, so a plain `npx wrangler dev` agrees too. `persistTo` means what
 * `wrangler dev --persist-to <dir>` means; without it, `.wrangler/state` next to the config.
 */
export function localStateRoot(configPath: string, persistTo: string | undefined): string {
  return persistTo ? path.resolve(persistTo) : path.join(path.dirname(configPath), '.wrangler', 'state');
}

/** What `getPlatformProxy({ persist: { path } })` takes: wrangler dev keeps its state in `<root>/v3`. */
export function persistPath(configPath: string, persistTo: string | undefined): string {
  return path.join(localStateRoot(configPath, persistTo), 'v3');
}

function missingSecretsMessage(missing: readonly string[], remote: boolean): string {
  const names = missing.join(', ');
  return remote
    ? `${names} not set: with --remote, secrets come from the environment (export them before running)`
    : `${names} not set: run \`npm run dev\` once (it writes .dev.vars) or copy .dev.vars.example to .dev.vars`;
}

/**
 * Wrangler only proxies bindings marked `remote = true` to the account; anything else would
 * silently stay local, so `--remote` refuses to run without them.
 */
function checkRemoteBindings(config: ReturnType<typeof unstable_readConfig>, environment: string | undefined): void {
  const bindings: Array<{ binding: string; remote?: boolean }> = [...config.kv_namespaces, ...config.r2_buckets];
  const local = bindings.filter((binding) => binding.remote !== true).map((binding) => binding.binding);
  if (local.length > 0) {
    const where = environment ? `[env.${environment}] in the wrangler configuration` : 'the wrangler configuration';
    throw new UsageError(`--remote needs \`remote = true\` on the ${local.join(', ')} binding(s) of ${where}`);
  }
}
