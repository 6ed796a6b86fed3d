/**
 * The README's "Run it", exactly as written: `npm run dev` with its defaults (the ports of dev/ports.ts,
 * state in .data/ and .wrangler/ next to wrangler.toml), then, from a second process, the
 * `npx optiflow` lines of the README's second-terminal block, then suspend, resume and domains:remove
 * as the Admin CLI table names them: each must show in the running shop at once.
 *
 * It runs in a temporary copy of the tree (git ls-files: tracked and new files, node_modules symlinked), so a
 * developer's own .data/ and .wrangler/ are never touched while the paths stay the defaults.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, copyFile, mkdir, mkdtemp, readFile, rm, symlink } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devPorts } from '../../dev/ports';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../..');
const chromiumPath = '/usr/bin/chromium';
/** The ports `npm run dev` uses, as the README lists them (test/node/dev-ports.test.ts holds them together). */
const defaultPorts = [
  { port: devPorts.http, what: 'wrangler dev' },
  { port: devPorts.postgres, what: 'PostgreSQL' },
  { port: devPorts.endpoint, what: 'Neon endpoint' },
  { port: devPorts.dgii, what: 'DGII stand-in' },
  { port: devPorts.messaging, what: 'messaging stand-in' },
];
const httpPort = devPorts.http;

let copy: string;
let dev: ChildProcess | undefined;
let devOutput = '';
let readmeCommands: string[];
/** The set-password link `tenants:invite-owner` printed for acme's owner. */
let ownerLink: string | undefined;

function portTaken(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(true));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(false)));
  });
}

/** Node does not resolve `*.localhost`; browsers and curl do. Send the Host header ourselves. */
function get(host: string, pathname = '/'): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = http.get(
      { host: '127.0.0.1', port: httpPort, path: pathname, headers: { host: `${host}:${httpPort}` } },
      (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (body += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      },
    );
    request.on('error', reject);
  });
}

/** The environment of a developer's terminal: nothing of this test run's. */
function terminalEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  for (const name of Object.keys(env))
    if (name.startsWith('VITEST') || name === 'NODE_ENV' || name === 'NODE_OPTIONS') delete env[name];
  return env;
}

/** A shell command line as typed in the second terminal, in the copy. */
async function shell(line: string): Promise<string> {
  const { stdout } = await run('sh', ['-c', line], { cwd: copy, env: terminalEnv(), timeout: 120_000 });
  return stdout;
}

/** The `npx optiflow` lines of the README's block that follows "In a second terminal". */
function secondTerminalCommands(readme: string): string[] {
  const block = /In a second terminal[\s\S]*?```sh\n([\s\S]*?)```/.exec(readme);
  if (!block) throw new Error('README: no ```sh block after "In a second terminal"');
  return block[1]!.split('\n').filter((line) => line.startsWith('npx optiflow '));
}

async function copyTrackedTree(target: string): Promise<void> {
  // Tracked files and new ones not yet committed; never what .gitignore keeps out (.data/, .wrangler/, .dev.vars).
  const { stdout } = await run('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: root,
    maxBuffer: 64 * 1024 * 1024,
  });
  for (const file of stdout.split('\0').filter(Boolean)) {
    if (!existsSync(path.join(root, file))) continue; // deleted in the working tree
    await mkdir(path.dirname(path.join(target, file)), { recursive: true });
    await copyFile(path.join(root, file), path.join(target, file));
  }
  await symlink(path.join(root, 'node_modules'), path.join(target, 'node_modules'), 'dir');
}

/** Starts `npm run dev` and resolves once it prints its URLs, or rejects with its output if it exits first. */
function startNpmRunDev(): Promise<void> {
  return new Promise((resolve, reject) => {
    // Its own process group, so stopping it reaches npm, tsx and the stack as Ctrl-C in a terminal would.
    dev = spawn('npm', ['run', 'dev'], {
      cwd: copy,
      env: terminalEnv(),
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const onOutput = (chunk: Buffer) => {
      devOutput += chunk.toString();
      if (devOutput.includes('Press Ctrl-C to stop.')) resolve();
    };
    dev.stdout!.on('data', onOutput);
    dev.stderr!.on('data', onOutput);
    dev.once('exit', (code) =>
      reject(new Error(`npm run dev exited with code ${code} before it was ready:\n${devOutput}`)),
    );
    setTimeout(() => reject(new Error(`npm run dev was not ready after 4 minutes:\n${devOutput}`)), 240_000).unref();
  });
}

async function stopNpmRunDev(): Promise<void> {
  if (!dev?.pid || dev.exitCode !== null || dev.signalCode !== null) return;
  const exited = new Promise((resolve) => dev!.once('exit', resolve));
  process.kill(-dev.pid, 'SIGINT');
  const timer = setTimeout(() => dev?.pid && process.kill(-dev.pid, 'SIGKILL'), 30_000);
  await exited;
  clearTimeout(timer);
}

beforeAll(async () => {
  for (const { port, what } of defaultPorts) {
    // Never an OS-picked port of another test file (dev/ports.ts keeps them out of the ephemeral range).
    if (await portTaken(port)) {
      throw new Error(
        `port ${port} (${what}) is taken: this test runs \`npm run dev\` with its default ports as the README does; stop whatever listens there (another \`npm run dev\`?) and run it again`,
      );
    }
  }
  copy = await mkdtemp(path.join(tmpdir(), 'optiflow-readme-'));
  await chmod(copy, 0o755); // as root, PostgreSQL runs as its own user and must traverse this folder
  await copyTrackedTree(copy);
  readmeCommands = secondTerminalCommands(await readFile(path.join(copy, 'README.md'), 'utf8'));
  await startNpmRunDev();
}, 300_000);

afterAll(async () => {
  await stopNpmRunDev();
  if (copy) await rm(copy, { recursive: true, force: true });
}, 60_000);

describe('the README, run as written', () => {
  it('answers the central URL and the demo tenant created on first start', async () => {
    expect(devOutput).toContain(`Central:      http://localhost:${httpPort}`);
    expect(devOutput).toContain(`Demo tenant:  http://demo.localhost:${httpPort}`);
    expect((await get('localhost')).status).toBe(200);
    expect((await get('demo.localhost')).status).toBe(303); // signed out: to the shop's login page
    const demo = await get('demo.localhost', '/login');
    expect(demo.status).toBe(200);
    expect(demo.body).toContain('Óptica Demo'); // named from the shop's own database
    // Local state where wrangler keeps it by default, and nowhere else.
    expect(existsSync(path.join(copy, '.wrangler/state/v3'))).toBe(true);
    expect(existsSync(path.join(copy, '.wrangler/state/v3/v3'))).toBe(false);
  });

  it("the second terminal's commands create a shop that answers at once; suspend, resume and domains:remove show at once", async () => {
    expect(readmeCommands[0]).toBe('npx optiflow tenants:create acme --name "Óptica Acme" --domain acme');
    expect((await get('acme.localhost', '/login')).status).toBe(404); // now cached as unknown in wrangler's KV

    const outputs: string[] = [];
    for (const line of readmeCommands) outputs.push(await shell(line));
    expect(outputs[0]).toContain(`http://acme.localhost:${httpPort}`);
    const page = await get('acme.localhost', '/login');
    expect(page.status).toBe(200);
    expect(page.body).toContain('Óptica Acme');
    // The README's shop can be signed into: its owner was invited with a name, by the second command.
    expect(readmeCommands[1]).toMatch(/^npx optiflow tenants:invite-owner acme \S+@\S+ --name "[^"]+"$/);
    ownerLink = new RegExp(`http://acme\\.localhost:${httpPort}/set-password/[A-Za-z0-9_-]+`).exec(outputs[1]!)?.[0];
    expect(ownerLink, outputs[1]).toBeDefined();
    expect((await get('acme.localhost', new URL(ownerLink!).pathname)).status).toBe(200);

    await shell('npx optiflow tenants:suspend acme');
    expect((await get('acme.localhost', '/login')).status).toBe(503);
    await shell('npx optiflow tenants:resume acme');
    expect((await get('acme.localhost', '/login')).status).toBe(200);
    await shell('npx optiflow domains:remove acme');
    expect((await get('acme.localhost', '/login')).status).toBe(404);
    await shell('npx optiflow domains:add acme acme');
    expect((await get('acme.localhost', '/login')).status).toBe(200);
  });

  it.skipIf(!existsSync(chromiumPath))(
    'renders the demo shop in Chromium and signs in with the printed demo password (screenshots saved)',
    async () => {
      const demoUser = /Demo user:\s+(\S+) \/ (\S+)/.exec(devOutput);
      expect(demoUser, devOutput).not.toBeNull();
      const demoUrl = `http://demo.localhost:${httpPort}`;
      const browser = await chromium.launch({
        executablePath: chromiumPath,
        args: [
          '--no-sandbox',
          '--disable-gpu',
          '--disable-quic',
          '--no-first-run',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
        ],
      });
      try {
        const page = await browser.newPage({ locale: 'es-DO', timezoneId: 'America/Santo_Domingo' });
        const response = await page.goto(`${demoUrl}/`);
        expect(response?.status()).toBe(200);
        expect(page.url()).toBe(`${demoUrl}/login`);
        await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Óptica Demo');
        expect(await page.locator('html').getAttribute('lang')).toBe('es-DO');
        expect(await page.evaluate(() => typeof (window as unknown as { htmx?: unknown }).htmx)).toBe('object');
        const shots = path.join(root, 'test-results', 'screenshots');
        await mkdir(shots, { recursive: true });
        await page.screenshot({ path: path.join(shots, 'login.png'), fullPage: true });
        await page.getByLabel('Correo electrónico').fill(demoUser![1]!);
        await page.getByLabel('Contraseña').fill(demoUser![2]!);
        await page.getByRole('button', { name: 'Entrar' }).click();
        await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Hola, Demo');
        expect(page.url()).toBe(`${demoUrl}/`);
        await page.screenshot({ path: path.join(shots, 'tenant-home.png'), fullPage: true });
        const missing = await page.goto(`http://nadie.localhost:${httpPort}/`);
        expect(missing?.status()).toBe(404);
        await page.screenshot({ path: path.join(shots, 'unknown-host.png'), fullPage: true });

        // The owner the README invited chooses a password and is greeted by name.
        expect(ownerLink).toBeDefined();
        const owner = await browser.newPage({ locale: 'es-DO', timezoneId: 'America/Santo_Domingo' });
        await owner.goto(ownerLink!);
        await owner.getByLabel('Contraseña nueva').fill('una-clave-larga-de-ana');
        await owner.getByLabel('Repita la contraseña').fill('una-clave-larga-de-ana');
        await owner.getByRole('button', { name: 'Guardar contraseña' }).click();
        const invited = /--name "([^"]+)"/.exec(readmeCommands[1]!)![1];
        await expect.poll(() => owner.getByRole('heading', { level: 1 }).textContent()).toBe(`Hola, ${invited}`);
      } finally {
        await browser.close();
      }
    },
  );
});
