/**
 * Contacts in a real browser against the local stack: log in as the demo owner, create a patient by
 * cédula with the name filled from the DGII registry (htmx, no reload), search it live by name
 * without accents and by cédula digits, and hit the duplicate message. Screenshots go to
 * test-results/screenshots/contacts-*.png.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoUserEmail, type DevStack } from '../../dev/stack';
import { configureNeon, sqlClient } from '../../src/db/client';
import { isValidCedula } from '../../src/domain/tax-id';
import {
  demoPassword,
  hasChromium,
  launchChromium,
  newShopPage,
  screenshot,
  startTestStack,
  type TestStack,
} from '../support/browser-stack';

let local: TestStack;
let stack: DevStack;
let browser: Browser | undefined;

/** A valid cédula starting 998 (the DGII sample never uses that prefix). */
function freshCedula(): string {
  const first10 = `998${Array.from(crypto.getRandomValues(new Uint8Array(7)), (byte) => byte % 10).join('')}`;
  for (let check = 0; check < 10; check++) if (isValidCedula(`${first10}${check}`)) return `${first10}${check}`;
  throw new Error('unreachable');
}

const cedula = freshCedula();
const dashed = `${cedula.slice(0, 3)}-${cedula.slice(3, 10)}-${cedula[10]}`;
const registryName = 'MARÍA ALTAGRACIA PEÑA NÚÑEZ';

function centralSql() {
  configureNeon(stack.env.NEON_LOCAL_ENDPOINT ?? null);
  return sqlClient(stack.env.CENTRAL_DATABASE_URL!);
}

beforeAll(async () => {
  local = await startTestStack('contacts');
  stack = local.stack;
  await centralSql()`INSERT INTO dgii_taxpayers (tax_id, name, status) VALUES (${cedula}, ${registryName}, 'ACTIVO') ON CONFLICT (tax_id) DO NOTHING`;
}, 120_000);

afterAll(async () => {
  await browser?.close();
  // The registry row lives in this stack's own central database, which stop() removes with it.
  await local?.stop();
}, 60_000);

describe('contacts in the browser', () => {
  it.skipIf(!hasChromium)(
    'creates a patient by cédula with registry autofill, finds it, refuses a duplicate',
    async () => {
      browser = await launchChromium();
      const page = await newShopPage(browser);
      await page.goto(`${stack.demoUrl}/login?next=/contacts`);
      await page.getByLabel('Correo electrónico').fill(demoUserEmail);
      await page.getByLabel('Contraseña').fill(demoPassword);
      await page.getByRole('button', { name: 'Entrar' }).click();
      await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Contactos');

      // New contact: choose cédula, type the number; the registry fills the name without a reload.
      await page.getByRole('link', { name: 'Nuevo contacto' }).click();
      await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Nuevo contacto');
      const loadedAt = await page.evaluate(() => performance.timeOrigin);
      await page.getByLabel('Tipo de identificación').selectOption('cedula');
      await page.getByLabel('Número de identificación').pressSequentially(dashed, { delay: 30 });
      await expect
        .poll(() => page.getByLabel(/Nombre o razón social/).inputValue(), { timeout: 10_000 })
        .toBe(registryName);
      await expect.poll(() => page.locator('#registry-result').textContent()).toContain('En el registro de la DGII');
      expect(await page.evaluate(() => performance.timeOrigin)).toBe(loadedAt); // same document: no reload
      await page.getByLabel('Teléfono', { exact: true }).fill('809-555-4321');
      await page.getByLabel('Fecha de nacimiento').fill('1978-03-15');
      await page.getByLabel('Sexo').selectOption('F');
      await screenshot(page, 'contacts-new-autofill');

      await page.getByRole('button', { name: 'Crear contacto' }).click();
      await expect.poll(() => page.getByRole('status').first().textContent()).toContain('Contacto creado.');
      expect(await page.getByLabel('Número de identificación').inputValue()).toBe(dashed);
      expect(await page.getByLabel('Teléfono', { exact: true }).inputValue()).toBe('(809) 555-4321');
      await screenshot(page, 'contacts-detail');

      // Live search: no accents, lower case; then by cédula digits. The URL follows the search.
      await page.goto(`${stack.demoUrl}/contacts`);
      await expect
        .poll(() => page.evaluate(() => typeof (window as unknown as { htmx?: unknown }).htmx))
        .toBe('object');
      await page.getByLabel('Buscar por nombre').pressSequentially('pena nunez', { delay: 40 });
      await expect.poll(() => page.url()).toMatch(/q=pena(\+|%20)nunez/);
      await expect.poll(() => page.locator('#contacts-results tbody tr').count()).toBe(1);
      expect(await page.locator('#contacts-results').textContent()).toContain(registryName);
      await screenshot(page, 'contacts-search');
      await page.getByLabel('Buscar por nombre').fill(cedula);
      await expect.poll(() => page.url()).toContain(`q=${cedula}`);
      await expect.poll(() => page.locator('#contacts-results').textContent()).toContain(dashed);

      // The same cédula again: a clear message with a link to the contact.
      await page.goto(`${stack.demoUrl}/contacts/new`);
      await page.getByLabel('Tipo de identificación').selectOption('cedula');
      await page.getByLabel('Número de identificación').fill(cedula);
      await page.getByLabel('Número de identificación').press('Tab');
      await expect.poll(() => page.locator('#registry-result').textContent()).toContain('En el registro de la DGII');
      await page.getByLabel(/Nombre o razón social/).fill('Otra persona');
      await page.getByRole('button', { name: 'Crear contacto' }).click();
      await expect
        .poll(() => page.getByRole('alert').first().textContent())
        .toContain('Ya existe un contacto con esta identificación.');
      await screenshot(page, 'contacts-duplicate');
      await page.getByRole('link', { name: `Ver ${registryName}` }).click();
      await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toContain(registryName);
    },
  );
});
