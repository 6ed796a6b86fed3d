/**
 * The life of a shop from OptiFlow's admin panel, in a real browser against `npm run dev`'s stack:
 * an admin invited by the CLI's code path sets a password and logs in, creates a shop and watches it
 * provision (the queue job's live progress), the owner takes the one-time link, the admin opens the
 * shop as support (banner, then leaves), suspends it (the shop shows the 503 page with the message),
 * resumes it, backs it up, restores the backup as a copy and deletes the copy.
 * Screenshots go to test-results/screenshots/platform-*.png.
 */
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { getPlatformProxy } from 'wrangler';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inviteAdmin } from '../../src/services/platform/accounts';
import type { Bindings } from '../../src/env';
import { createPlatform } from '../../src/tenancy/platform';
import {
  hasChromium,
  launchChromium,
  newShopPage,
  screenshot,
  startTestStack,
  type TestStack,
} from '../support/browser-stack';

const root = path.resolve(import.meta.dirname, '../..');
const adminEmail = 'operaciones@optiflow.test';
const adminPassword = 'una clave larga de prueba';
const ownerPassword = 'clave del dueño 2026';

let local: TestStack;
let browser: Browser | undefined;
let inviteToken: string;

/** What `npx optiflow admins:create` does: an invited admin and a one-time set-password token. */
async function inviteTestAdmin(persistDir: string) {
  const proxy = await getPlatformProxy<Bindings>({
    configPath: path.join(root, 'wrangler.toml'),
    persist: { path: persistDir },
  });
  try {
    const platform = await createPlatform({ ...proxy.env, ...local.stack.env } as Bindings);
    const { token } = await inviteAdmin(platform.central, { email: adminEmail, name: 'Operaciones' });
    return token;
  } finally {
    await proxy.dispose();
  }
}

beforeAll(async () => {
  local = await startTestStack('platform');
  inviteToken = await inviteTestAdmin(local.persistDir);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await local?.stop();
}, 60_000);

const shot = (page: Page, name: string) => screenshot(page, `platform-${name}`);

describe.skipIf(!hasChromium)('the admin panel in the browser', () => {
  it('creates a shop, supports it, suspends and resumes it, backs it up, restores a copy and deletes the copy', async () => {
    browser = await launchChromium();
    const page = await newShopPage(browser);
    try {
      await flow(page);
    } catch (error) {
      await shot(page, 'failure');
      throw error;
    }
  }, 240_000);
});

async function flow(page: Page) {
  const port = new URL(local.stack.demoUrl).port;
  const central = `http://localhost:${port}`;
  const shopUrl = (id: string) => `http://${id}.localhost:${port}`;
  const main = () => page.locator('main').textContent();
  const finished = async () => {
    await expect.poll(main, { timeout: 60_000, interval: 500 }).toMatch(/Terminada|Fallida/);
    expect(await main()).toContain('Terminada');
  };

  // The landing page, then the admin's first password and login.
  await page.goto(`${central}/`);
  await shot(page, 'landing');
  await page.goto(`${central}/admin/set-password?token=${inviteToken}`);
  await page.getByLabel('Contraseña nueva').fill(adminPassword);
  await page.getByLabel('Repita la contraseña').fill(adminPassword);
  await page.getByRole('button', { name: 'Guardar contraseña' }).click();
  await page.getByLabel('Correo electrónico').fill(adminEmail);
  await page.getByLabel('Contraseña').fill(adminPassword);
  await page.getByRole('button', { name: 'Entrar' }).click();
  await page.waitForURL(`${central}/admin`);

  // A new shop: the request writes the record and queues the rest; the job page shows each step.
  await page.goto(`${central}/admin/tenants/new`);
  await page.getByLabel('Id').fill('lentes-sol');
  await page.getByLabel(/^Nombre(?! del)/).fill('Óptica Lentes del Sol');
  await page.getByLabel('Correo del dueño').fill('duena@lentes-sol.test');
  await page.getByLabel('Nombre del dueño').fill('Sol Marte');
  await page.getByRole('button', { name: 'Crear óptica' }).click();
  await page.waitForURL(/\/admin\/jobs\/[0-9a-f-]{36}/);
  await finished();
  for (const step of ['Base de datos y rol', 'Migraciones del esquema', 'Datos iniciales', 'Activación'])
    expect(await main()).toContain(step);
  await shot(page, 'provisioned');

  // The owner's one-time link, shown once on the finished job.
  const ownerLink = (await page.locator('main code').first().textContent())!.trim();
  expect(ownerLink).toMatch(new RegExp(`^${shopUrl('lentes-sol')}/`));
  const owner = await browser!.newPage({ locale: 'es-DO' });
  await owner.goto(ownerLink);
  await owner.getByLabel('Contraseña nueva').fill(ownerPassword);
  await owner.getByLabel('Repita la contraseña').fill(ownerPassword);
  await owner.getByRole('button', { name: 'Guardar contraseña' }).click();
  await owner.waitForURL(`${shopUrl('lentes-sol')}/`);
  await owner.close();

  // Support access: the shop opens as its owner with the banner; leaving returns to the panel.
  await page.goto(`${central}/admin/tenants/lentes-sol`);
  await page.getByRole('button', { name: 'Abrir como dueño (soporte)' }).click();
  await page.waitForURL(`${shopUrl('lentes-sol')}/`);
  await expect
    .poll(() => page.getByRole('status').first().textContent())
    .toContain(`Sesión de soporte de OptiFlow (${adminEmail})`);
  await shot(page, 'support-session');
  await page.getByRole('button', { name: 'Terminar sesión de soporte' }).click();
  await page.waitForURL(`${central}/admin/tenants/lentes-sol`);

  // Suspended: the shop answers 503 with the operator's message; resumed: it answers again.
  await page
    .getByLabel('Mensaje para la página de servicio suspendido')
    .fill('Servicio suspendido por falta de pago. Llame al 809-555-0100.');
  await page.getByRole('button', { name: 'Suspender' }).click();
  await expect.poll(main).toContain('Óptica suspendida.');
  const suspended = await page.goto(`${shopUrl('lentes-sol')}/login`);
  expect(suspended!.status()).toBe(503);
  expect(await page.locator('body').textContent()).toContain('Servicio suspendido por falta de pago');
  await shot(page, 'suspended-shop');
  await page.goto(`${central}/admin/tenants/lentes-sol`);
  await page.getByRole('button', { name: 'Reactivar' }).click();
  await expect.poll(main).toContain('Óptica reactivada.');
  const resumed = await page.goto(`${shopUrl('lentes-sol')}/login`);
  expect(resumed!.status()).toBe(200);

  await backupRestoreDelete(page, central, shopUrl, finished, main);
}

async function backupRestoreDelete(
  page: Page,
  central: string,
  shopUrl: (id: string) => string,
  finished: () => Promise<void>,
  main: () => Promise<string | null>,
) {
  // A backup from the panel: a queue job, then the file in the list.
  await page.goto(`${central}/admin/tenants/lentes-sol`);
  await page.getByRole('link', { name: 'Copias de seguridad' }).click();
  await page.getByRole('button', { name: 'Crear copia ahora' }).click();
  await page.waitForURL(/\/admin\/jobs\/[0-9a-f-]{36}/);
  await finished();
  await page.goto(`${central}/admin/tenants/lentes-sol/backups`);
  await expect.poll(() => page.getByRole('link', { name: 'Restaurar' }).count()).toBe(1);
  await shot(page, 'backups');

  // Restored as a copy: a new shop with the same data, answering on its own subdomain.
  await page.getByRole('link', { name: 'Restaurar' }).click();
  await page.getByLabel('Restaurar como copia (una óptica nueva)').check();
  await page.getByLabel('Identificador de la nueva óptica').fill('lentes-sol-copia');
  await page.getByRole('button', { name: 'Restaurar' }).click();
  await page.waitForURL(/\/admin\/jobs\/[0-9a-f-]{36}/);
  await finished();
  await shot(page, 'restored');
  // The copy answers by its own login page at its own address, with the shop's name. Under load (two
  // files at a time) Chromium's first navigation to the new host has twice come back without a response
  // and never reached `load` (page.goto null, then waitForURL timing out): the navigation is repeated,
  // for up to a minute, until the login form is there; a copy that never answers still fails here.
  const copyLogin = `${shopUrl('lentes-sol-copia')}/login`;
  await expect
    .poll(
      async () => {
        const response = await page.goto(copyLogin, { timeout: 15_000 }).catch(() => null);
        if (response && response.status() !== 200) return `status ${response.status()}`;
        return (await page.getByLabel('Correo electrónico').count()) === 1 ? page.url() : 'no login form';
      },
      { timeout: 60_000, interval: 1_000 },
    )
    .toBe(copyLogin);
  expect(await page.locator('body').textContent()).toContain('Óptica Lentes del Sol');

  // The copy is deleted: typed confirmation, a job, and its host stops answering.
  await page.goto(`${central}/admin/tenants/lentes-sol-copia`);
  await page.getByLabel('Escriba el id de la óptica para confirmar').fill('lentes-sol-copia');
  await page.getByRole('button', { name: 'Eliminar óptica' }).click();
  await page.waitForURL(/\/admin\/jobs\/[0-9a-f-]{36}/);
  await finished();
  expect(await main()).toContain('lentes-sol-copia');
  await shot(page, 'deleted-copy');
  const gone = await page.goto(`${shopUrl('lentes-sol-copia')}/login`);
  expect(gone!.status()).toBe(404);

  // Every step is in the central audit log.
  await page.goto(`${central}/admin/audit?tenant=lentes-sol`);
  const audit = await main();
  // Actions in Spanish from the catalogue (tenant.impersonate, tenant.suspend, tenant.resume, tenant.backup), never raw codes.
  for (const action of ['Acceso de soporte solicitado', 'Óptica suspendida', 'Óptica reactivada', 'Copia de seguridad'])
    expect(audit).toContain(action);
  expect(audit).not.toMatch(/tenant\.(impersonate|suspend|resume|backup)/);
  await shot(page, 'audit');
}
