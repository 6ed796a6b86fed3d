/**
 * `npx tsx dev/local-db.ts`: the local database stack alone (embedded PostgreSQL on 54320 with
 * data in .data/postgres, the Neon-protocol endpoint on 54321), until Ctrl-C.
 *
 * The superuser password comes from POSTGRES_PASSWORD, else from POSTGRES_ADMIN_URL in .dev.vars,
 * else from .data/postgres.password (generated on first run). It only takes effect when the data
 * directory is first initialised.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { startNeonEndpoint } from './neon-endpoint';
import { startPostgres } from './postgres';

const POSTGRES_PORT = 54320;
const ENDPOINT_PORT = 54321;
const DATA_ROOT = path.resolve('.data');
const PASSWORD_FILE = path.join(DATA_ROOT, 'postgres.password');

async function main(): Promise<void> {
  const password = await resolvePassword();
  const postgres = await startPostgres({
    dataDir: path.join(DATA_ROOT, 'postgres'),
    port: POSTGRES_PORT,
    password,
    log: (line) => console.log(`[postgres] ${line}`),
  });
  const endpoint = await startNeonEndpoint({
    port: ENDPOINT_PORT,
    postgres: { host: postgres.host, port: postgres.port },
    log: (line) => console.log(`[endpoint] ${line}`),
  }).catch(async (error: unknown) => {
    await postgres.stop();
    throw error;
  });

  console.log(`PostgreSQL:     ${postgres.adminUrl().replace(encodeURIComponent(password), '****')}`);
  console.log(`Neon endpoint:  ${endpoint.url} (POST /sql, WebSocket /v2, GET /_stats)`);
  console.log('Press Ctrl-C to stop.');

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: stopping`);
    await endpoint.close();
    await postgres.stop();
    process.exit(0);
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      stop(signal).catch((error: unknown) => {
        console.error('Shutdown failed:', error);
        process.exit(1);
      });
    });
  }
}

async function resolvePassword(): Promise<string> {
  if (process.env.POSTGRES_PASSWORD) return process.env.POSTGRES_PASSWORD;
  const fromDevVars = await passwordFromDevVars();
  if (fromDevVars) return fromDevVars;
  if (existsSync(PASSWORD_FILE)) return (await readFile(PASSWORD_FILE, 'utf8')).trim();
  const generated = randomBytes(18).toString('base64url');
  await mkdir(DATA_ROOT, { recursive: true });
  await writeFile(PASSWORD_FILE, generated + '\n', { mode: 0o600 });
  return generated;
}

async function passwordFromDevVars(): Promise<string | undefined> {
  if (!existsSync('.dev.vars')) return undefined;
  const line = (await readFile('.dev.vars', 'utf8')).split('\n').find((entry) => entry.startsWith('POSTGRES_ADMIN_URL='));
  if (!line) return undefined;
  const password = new URL(line.slice('POSTGRES_ADMIN_URL='.length).trim().replace(/^"|"$/g, '')).password;
  return password && password !== 'PASSWORD' ? decodeURIComponent(password) : undefined;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
