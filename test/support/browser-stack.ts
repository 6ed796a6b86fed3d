/**
 * What the browser tests share: `npm run dev`'s stack on free ports in a temp folder, Debian's
 * Chromium (launched with the flags this closed network needs), an es-DO page, the demo owner's
 * login and screenshots under test-results/screenshots/.
 */
import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { getPlatformProxy } from 'wrangler';
import { generateEncryptionKey } from '../../dev/bootstrap';
import { demoTenant, demoUserEmail, startDevStack, type DevStack } from '../../dev/stack';
import { persistPath } from '../../src/cli/environment';
import { type TenantDb, tenantDb } from '../../src/db/client';
import type { Bindings } from '../../src/env';
import { tenantConnection } from '../../src/tenancy/lifecycle';
import { createPlatform } from '../../src/tenancy/platform';
import { onFreePorts } from './global-setup';

export const chromiumPath = '/usr/bin/chromium';
export const hasChromium = existsSync(chromiumPath);
export const demoPassword = 'demo-password-for-tests';
const shotsDir = path.resolve(import.meta.dirname, '../../test-results/screenshots');

export interface TestStack {
  stack: DevStack;
  /** wrangler's local KV/R2 state, for getPlatformProxy or the CLI's --persist-to. */
  persistDir: string;
  /** Stops the stack and removes its temp folder. */
  stop(): Promise<void>;
}

export async function startTestStack(name: string): Promise<TestStack> {
  const dir = await mkdtemp(path.join(tmpdir(), `optiflow-${name}-`));
  await chmod(dir, 0o755); // as root, PostgreSQL runs as its own user and must traverse this folder
  let attempt = 0;
  let persistDir = '';
  const stack = await onFreePorts(async (port) => {
    // Each attempt in folders of its own: a failed one may have initialised its database.
    attempt += 1;
    persistDir = path.join(dir, `state-${attempt}`);
    return startDevStack({
      dataDir: path.join(dir, `postgres-${attempt}`),
      persistDir,
      ports: { postgres: await port(), endpoint: await port(), http: await port(), dgii: await port() },
      password: `${name}-test`,
      demoPassword,
      encryptionKey: generateEncryptionKey(),
      fast: true,
      log: () => {},
    });
  });
  await mkdir(shotsDir, { recursive: true });
  return {
    stack,
    persistDir,
    async stop() {
      await stack.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
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
}

/** A page as a Dominican shop's browser has it: es-DO, Santo Domingo time; a landscape tablet by default. */
export function newShopPage(browser: Browser, viewport = { width: 1180, height: 900 }): Promise<Page> {
  return browser.newPage({ viewport, locale: 'es-DO', timezoneId: 'America/Santo_Domingo' });
}

export async function logIn(
  page: Page,
  baseUrl: string,
  email = demoUserEmail,
  password = demoPassword,
): Promise<void> {
  await page.goto(`${baseUrl}/login`);
  await page.getByLabel('Correo electrónico').fill(email);
  await page.getByLabel('Contraseña').fill(password);
  await page.getByRole('button', { name: 'Entrar' }).click();
  await page.waitForURL(`${baseUrl}/`);
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(shotsDir, `${name}.png`), fullPage: true });
}

/**
 * Runs `work` with the demo shop's database and the stack's bindings (R2, KV) through wrangler's
 * platform proxy on the stack's persisted state: how a browser test seeds rows the UI then shows.
 */
export async function withDemoShop<T>(
  local: TestStack,
  work: (shop: { db: TenantDb; env: Bindings }) => Promise<T>,
): Promise<T> {
  const configPath = path.resolve(import.meta.dirname, '../../wrangler.toml');
  const proxy = await getPlatformProxy<Bindings>({
    configPath,
    persist: { path: persistPath(configPath, local.persistDir) },
  });
  try {
    const env = { ...proxy.env, ...local.stack.env } as Bindings;
    const { connectionString } = await tenantConnection(await createPlatform(env), demoTenant.id);
    return await work({ db: tenantDb(connectionString), env });
  } finally {
    await proxy.dispose();
  }
}

/**
 * Runs a whole browser flow on a desk-sized page (1366x800); if it fails, the page as it was is
 * saved as `<name>-failure.png` beside the flow's own screenshots.
 */
export async function runFlow(browser: Browser, name: string, flow: (page: Page) => Promise<void>): Promise<void> {
  const page = await newShopPage(browser, { width: 1366, height: 800 });
  try {
    await flow(page);
  } catch (error) {
    await screenshot(page, `${name}-failure`);
    throw error;
  } finally {
    await page.close();
  }
}
