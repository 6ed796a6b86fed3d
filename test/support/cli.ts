/**
 * Running the `optiflow` CLI from Node tests: as a child process against the test stack's Postgres
 * and Neon endpoint (environment overlay) with a private KV/R2 state directory (`--persist-to`),
 * and the same state opened in-process (getPlatformProxy) to set things up and inspect the result.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { inject } from 'vitest';
import { getPlatformProxy, type PlatformProxy } from 'wrangler';
import { persistPath } from '../../src/cli/environment';
import type { Bindings } from '../../src/env';
import { createPlatform, type Platform } from '../../src/tenancy/platform';

export const root = fileURLToPath(new URL('../../', import.meta.url));
export const nodeBin = path.join(root, 'node_modules/.bin/node');
export const cliBin = path.join(root, 'bin/optiflow.mjs');

/** The test stack's connection settings, as the CLI reads them from the environment. */
export function stackEnv(): Record<string, string> {
  const stack = inject('stack');
  return {
    CENTRAL_DATABASE_URL: stack.centralUrl,
    POSTGRES_ADMIN_URL: stack.adminUrl,
    ENCRYPTION_KEY: stack.encryptionKey,
    NEON_LOCAL_ENDPOINT: stack.endpointUrl,
  };
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Spawns at once: each loads wrangler and starts workerd, so more only slow every one down. */
const maxSpawns = 3;
let running = 0;
const waiting: Array<() => void> = [];

/** Runs `optiflow <args> --persist-to <persistDir>` and resolves with its exit code and output. */
export async function runCli(persistDir: string, args: readonly string[]): Promise<CliResult> {
  if (running >= maxSpawns) await new Promise<void>((resolve) => waiting.push(resolve));
  running++;
  try {
    return await new Promise((resolve) => {
      execFile(
        nodeBin,
        [cliBin, ...args, '--persist-to', persistDir],
        { cwd: root, env: { ...process.env, ...stackEnv() }, timeout: 120_000 },
        (error, stdout, stderr) =>
          resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stdout, stderr }),
      );
    });
  } finally {
    running--;
    waiting.shift()?.();
  }
}

export interface CliState {
  persistDir: string;
  /** The same KV/R2 as the CLI's, with the test stack's databases. */
  platform: Platform;
  proxy: PlatformProxy<Bindings>;
  cli(...args: string[]): Promise<CliResult>;
  dispose(): Promise<void>;
}

/** A temp state directory, the platform over it, and `cli()` bound to it. */
export async function openCliState(name: string): Promise<CliState> {
  const persistDir = await mkdtemp(path.join(tmpdir(), `optiflow-${name}-`));
  const configPath = path.join(root, 'wrangler.toml');
  const proxy = await getPlatformProxy<Bindings>({
    configPath,
    persist: { path: persistPath(configPath, persistDir) },
    remoteBindings: false,
  });
  const platform = await createPlatform({ ...proxy.env, ...stackEnv() });
  return {
    persistDir,
    platform,
    proxy,
    cli: (...args) => runCli(persistDir, args),
    async dispose() {
      await proxy.dispose();
      await rm(persistDir, { recursive: true, force: true });
    },
  };
}
