/**
 * The user's scenario end to end: `npm run dev`'s stack (embedded Postgres, Neon-protocol endpoint,
 * real `wrangler dev`), then `npx optiflow tenants:create` from a second process makes the new shop
 * answer at once, without restarting anything; a removed domain stops answering at once.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, rm } from 'node:fs/promises';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateEncryptionKey } from '../../dev/bootstrap';
import { demoUserEmail, startDevStack, type DevStack } from '../../dev/stack';
import { freePort } from '../support/global-setup';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../..');
const chromiumPath = '/usr/bin/chromium';

let stack: DevStack;
const demoPassword = 'demo-password-for-tests';
let dir: string;
let httpPort: number;

/** Node does not resolve `*.localhost`; browsers and curl do. Send the Host header ourselves. */
function get(host: string, pathname = '/'): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = http.get({ host: '127.0.0.1', port: httpPort, path: pathname, headers: { host: `${host}:${httpPort}` } }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    request.on('error', reject);
  });
}

function optiflow(...args: string[]) {
  return run(path.join(root, 'node_modules/.bin/node'), [path.join(root, 'bin/optiflow.mjs'), ...args, '--persist-to', path.join(dir, 'state')], {
    cwd: root,
    env: { ...process.env, ...stack.env },
  });
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'optiflow-dev-'));
  await chmod(dir, 0o755); // as root, PostgreSQL runs as its own user and must traverse this folder
  httpPort = await freePort();
  stack = await startDevStack({
    dataDir: path.join(dir, 'postgres'),
    persistDir: path.join(dir, 'state'),
    ports: { postgres: await freePort(), endpoint: await freePort(), http: httpPort },
    password: 'dev-stack-test',
    demoPassword,
    encryptionKey: generateEncryptionKey(),
    fast: true,
    log: () => {},
  });
}, 120_000);

afterAll(async () => {
  await stack?.stop();
  await rm(dir, { recursive: true, force: true });
}, 60_000);

describe('local stack', () => {
  it('answers the central URL and the demo tenant created on first start', async () => {
    expect(stack.centralUrl).toBe(`http://localhost:${httpPort}`);
    const central = await get('localhost');
    expect(central.status).toBe(200);
    const home = await get('demo.localhost');
    expect(home.status).toBe(303); // signed out: to the shop's login page
    const demo = await get('demo.localhost', '/login');
    expect(demo.status).toBe(200);
    expect(demo.body).toContain('Óptica Demo'); // named from the shop's own database
  });

  it('serves a tenant created by the CLI at once, and stops serving a removed domain at once', async () => {
    const id = `acme${Date.now().toString(36)}`;
    expect((await get(`${id}.localhost`, '/login')).status).toBe(404); // now cached as unknown in KV
    const created = await optiflow(
      'tenants:create', id, '--name', 'Óptica Acme', '--domain', id, '--domain', `${id}-alias`, '--port', String(httpPort),
      '--owner-email', 'duena@opticaacme.test',
    );
    expect(created.stdout).toContain(`http://${id}.localhost:${httpPort}`);
    // The first owner's one-time set-password link opens the shop's set-password page.
    const link = /http:\/\/[^\s]+\/set-password\/([A-Za-z0-9_-]+)/.exec(created.stdout);
    expect(link, created.stdout).not.toBeNull();
    const setPassword = await get(`${id}.localhost`, `/set-password/${link![1]}`);
    expect(setPassword.status).toBe(200);
    expect(setPassword.body).toContain('duena@opticaacme.test');
    expect((await get(`${id}.localhost`, '/set-password/not-a-real-token')).status).toBe(404);
    const page = await get(`${id}.localhost`, '/login');
    expect(page.status).toBe(200);
    expect(page.body).toContain('Óptica Acme');

    expect((await get(`${id}-alias.localhost`, '/login')).status).toBe(200);
    await optiflow('domains:remove', `${id}-alias`);
    expect((await get(`${id}-alias.localhost`, '/login')).status).toBe(404);
  });

  it.skipIf(!existsSync(chromiumPath))('renders the shop page in Chromium (screenshot saved)', async () => {
    const browser = await chromium.launch({
      executablePath: chromiumPath,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    try {
      const page = await browser.newPage({ locale: 'es-DO', timezoneId: 'America/Santo_Domingo' });
      const response = await page.goto(`${stack.demoUrl}/`);
      expect(response?.status()).toBe(200);
      expect(page.url()).toBe(`${stack.demoUrl}/login`);
      await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Óptica Demo');
      expect(await page.locator('html').getAttribute('lang')).toBe('es-DO');
      expect(await page.evaluate(() => typeof (window as unknown as { htmx?: unknown }).htmx)).toBe('object');
      const shots = path.join(root, 'test-results', 'screenshots');
      await mkdir(shots, { recursive: true });
      await page.screenshot({ path: path.join(shots, 'login.png'), fullPage: true });
      await page.getByLabel('Correo electrónico').fill(demoUserEmail);
      await page.getByLabel('Contraseña').fill(demoPassword);
      await page.getByRole('button', { name: 'Entrar' }).click();
      await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Hola, Demo');
      expect(page.url()).toBe(`${stack.demoUrl}/`);
      await page.screenshot({ path: path.join(shots, 'tenant-home.png'), fullPage: true });
      const missing = await page.goto(`http://nadie.localhost:${httpPort}/`);
      expect(missing?.status()).toBe(404);
      await page.screenshot({ path: path.join(shots, 'unknown-host.png'), fullPage: true });
    } finally {
      await browser.close();
    }
  });
});
