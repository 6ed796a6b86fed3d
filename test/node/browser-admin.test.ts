/**
 * Company settings, branches, users and API tokens in a real browser against `npm run dev`'s
 * stack: a new owner sets up the shop, invites a colleague who accepts the link, disables them
 * (signed out at once), and creates an API token that then works with `fetch`.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoUserEmail, type DevStack } from '../../dev/stack';
import {
  demoPassword,
  hasChromium,
  launchChromium,
  logIn as logInAt,
  newShopPage,
  screenshot,
  startTestStack,
  type TestStack,
} from '../support/browser-stack';

let local: TestStack;
let stack: DevStack;
let browser: Browser;

const shot = (page: Page, name: string) => screenshot(page, `admin-${name}`);
const logIn = (page: Page, email: string, password: string) => logInAt(page, stack.demoUrl, email, password);

describe.skipIf(!hasChromium)('shop administration in the browser', () => {
  beforeAll(async () => {
    local = await startTestStack('admin');
    stack = local.stack;
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await local?.stop();
  }, 60_000);

  it('sets up the company, a branch, a colleague and an API token', async () => {
    const owner = await newShopPage(browser);
    await logIn(owner, demoUserEmail, demoPassword);

    // Company settings: a bad RNC first (422 in place), then valid data.
    await owner.getByRole('navigation').getByRole('link', { name: 'Empresa', exact: true }).click();
    await owner.waitForURL(`${stack.demoUrl}/company`);
    await owner.getByLabel('RNC').fill('101850042');
    await owner.getByRole('button', { name: 'Guardar cambios' }).click();
    await expect.poll(() => owner.locator('#field-rnc-error').textContent()).toContain('dígito verificador');
    expect(await owner.getByLabel('RNC').getAttribute('aria-invalid')).toBe('true');
    await shot(owner, 'company-invalid');
    await owner.getByLabel('RNC').fill('1-01-85004-3');
    await owner.getByLabel('Teléfonos').fill('809-555-0100');
    await owner.getByLabel('Correo electrónico').fill('info@opticademo.do');
    await owner.getByLabel('Dirección').fill('Av. Winston Churchill 45, Santo Domingo');
    await owner.getByLabel('Pie de factura').fill('Garantía de 6 meses en monturas. Gracias por su compra.');
    await owner.getByLabel('Moneda predeterminada').selectOption('DOP');
    await owner.getByRole('button', { name: 'Guardar cambios' }).click();
    await expect
      .poll(() => owner.getByRole('status').first().textContent())
      .toContain('Datos de la empresa guardados.');
    expect(await owner.getByLabel('RNC').inputValue()).toBe('101850043');

    // Logo: drawn on a canvas, uploaded as PNG, then shown in the header.
    const logo = await owner.evaluate(() => {
      const canvas = document.createElement('canvas');
      canvas.width = 192;
      canvas.height = 64;
      const context = canvas.getContext('2d')!;
      context.fillStyle = '#0b6e8a';
      context.beginPath();
      context.arc(32, 32, 26, 0, Math.PI * 2);
      context.fill();
      context.fillStyle = '#ffffff';
      context.font = 'bold 22px sans-serif';
      context.fillText('OD', 17, 40);
      context.fillStyle = '#1d2733';
      context.font = 'bold 26px sans-serif';
      context.fillText('Demo', 68, 42);
      return canvas.toDataURL('image/png').split(',')[1]!;
    });
    await owner
      .getByLabel('Archivo de imagen')
      .setInputFiles({ name: 'logo.png', mimeType: 'image/png', buffer: Buffer.from(logo, 'base64') });
    await owner.getByRole('button', { name: 'Subir logo' }).click();
    await expect.poll(() => owner.getByText('Logo actualizado.').count()).toBe(1);
    await expect
      .poll(() => owner.locator('img.shop-logo').evaluate((image: HTMLImageElement) => image.naturalWidth))
      .toBe(192);
    await shot(owner, 'company');

    // Branches: create one, see it listed.
    await owner.getByRole('navigation').getByRole('link', { name: 'Sucursales', exact: true }).click();
    await owner.getByRole('link', { name: 'Nueva sucursal' }).click();
    await owner.getByLabel('Nombre').fill('Santiago');
    await owner.getByLabel('Código').fill('stgo-1');
    await owner.getByLabel('Dirección').fill('Calle del Sol 5, Santiago');
    await owner.getByLabel('Teléfono').fill('809-555-0101');
    await owner.getByRole('button', { name: 'Crear sucursal' }).click();
    await expect.poll(() => owner.getByText('Sucursal Santiago creada.').count()).toBe(1);
    expect(await owner.getByRole('cell', { name: 'STGO-1' }).count()).toBe(1);
    await shot(owner, 'branches');

    // Invite a colleague; the link is on the page once.
    await owner.getByRole('navigation').getByRole('link', { name: 'Usuarios', exact: true }).click();
    await owner.getByRole('link', { name: 'Invitar a un colega' }).click();
    await owner.getByLabel('Nombre').fill('Ana Pérez');
    await owner.getByLabel('Correo electrónico').fill('ana@opticademo.do');
    await owner.getByLabel('Rol').selectOption('ventas');
    await owner.getByLabel(/Santiago/).check();
    await shot(owner, 'invite');
    await owner.getByRole('button', { name: 'Crear invitación' }).click();
    const link = await owner.getByLabel('Enlace para elegir contraseña').inputValue();
    expect(link).toMatch(new RegExp(`^${stack.demoUrl}/set-password/`));
    await shot(owner, 'invitation-link');

    // Ana accepts in her own browser and lands in the workspace, in her branch.
    const ana = await (await browser.newContext({ locale: 'es-DO', timezoneId: 'America/Santo_Domingo' })).newPage();
    await ana.goto(link);
    await ana.getByLabel('Contraseña nueva').fill('ana-clave-segura-1');
    await ana.getByLabel('Repita la contraseña').fill('ana-clave-segura-1');
    await ana.getByRole('button', { name: 'Guardar contraseña' }).click();
    await ana.waitForURL(`${stack.demoUrl}/`);
    await expect.poll(() => ana.getByRole('heading', { level: 1 }).textContent()).toBe('Hola, Ana Pérez');
    expect(await ana.locator('#branch-select option:checked').textContent()).toBe('Santiago');
    expect((await ana.goto(link))?.status()).toBe(404); // used up

    // The owner sees her active, then disables her: she is signed out at once.
    await owner.getByRole('navigation').getByRole('link', { name: 'Usuarios', exact: true }).click();
    await expect.poll(() => owner.getByRole('row', { name: /Ana Pérez/ }).textContent()).toContain('Activo');
    await shot(owner, 'users');
    await owner.getByRole('link', { name: 'Editar: Ana Pérez' }).click();
    await owner.getByRole('button', { name: 'Desactivar usuario' }).click();
    await expect.poll(() => owner.getByText('Usuario desactivado').count()).toBe(1);
    await shot(owner, 'user-disabled');
    await ana.goto(`${stack.demoUrl}/contacts`);
    expect(new URL(ana.url()).pathname).toBe('/login');

    // API token: created in the UI, read from the page, used with fetch.
    await owner.getByRole('navigation').getByRole('link', { name: 'API', exact: true }).click();
    await owner.getByLabel('Nombre').fill('Tienda en línea');
    await owner.getByLabel('Lectura y escritura').check();
    await owner.getByRole('button', { name: 'Crear llave' }).click();
    const token = await owner.locator('#new-token-value').inputValue();
    expect(token).toMatch(/^ofk_/);
    await shot(owner, 'api-token');
    const answer = await owner.evaluate(async (bearer) => {
      const response = await fetch('/api/v1/company', {
        headers: { Authorization: `Bearer ${bearer}` },
        credentials: 'omit',
      });
      return { status: response.status, body: (await response.json()) as { rnc: string; hasLogo: boolean } };
    }, token);
    expect(answer).toMatchObject({ status: 200, body: { rnc: '101850043', hasLogo: true } });
    await owner.goto(`${stack.demoUrl}/api-tokens`);
    expect(await owner.locator('#new-token-value').count()).toBe(0); // shown once
    expect(await owner.getByRole('cell', { name: `${token.slice(0, 12)}…` }).count()).toBe(1);
  });
});
