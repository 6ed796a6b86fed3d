/**
 * Products, stock and currencies in a real browser against `npm run dev`'s stack: create a product,
 * find it with the live search, adjust and transfer its stock, read the ledger, record a rate.
 */
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { getPlatformProxy } from 'wrangler';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoTenant, type DevStack } from '../../dev/stack';
import { tenantDb } from '../../src/db/client';
import { branches } from '../../src/db/tenant-schema';
import type { Bindings } from '../../src/env';
import { tenantConnection } from '../../src/tenancy/lifecycle';
import { createPlatform } from '../../src/tenancy/platform';
import {
  hasChromium,
  launchChromium,
  logIn,
  newShopPage,
  screenshot,
  startTestStack,
  type TestStack,
} from '../support/browser-stack';

const root = path.resolve(import.meta.dirname, '../..');

let local: TestStack;
let stack: DevStack;
let browser: Browser | undefined;

/** The demo shop gets a second branch so a transfer has somewhere to go. */
async function addBranch(persistDir: string) {
  const proxy = await getPlatformProxy<Bindings>({
    configPath: path.join(root, 'wrangler.toml'),
    persist: { path: persistDir },
  });
  try {
    const platform = await createPlatform({ ...proxy.env, ...stack.env } as Bindings);
    const { connectionString } = await tenantConnection(platform, demoTenant.id);
    await tenantDb(connectionString)
      .insert(branches)
      .values({ code: 'SANTIAGO', name: 'Sucursal Santiago' })
      .onConflictDoNothing();
  } finally {
    await proxy.dispose();
  }
}

beforeAll(async () => {
  local = await startTestStack('inventory');
  stack = local.stack;
  await addBranch(local.persistDir);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await local?.stop();
}, 60_000);

const shot = (page: Page, name: string) => screenshot(page, `inventory-${name}`);

describe.skipIf(!hasChromium)('inventory in the browser', () => {
  it('creates a product, searches it, adjusts and transfers stock, and records an exchange rate', async () => {
    browser = await launchChromium();
    const page = await newShopPage(browser, { width: 1180, height: 820 });
    try {
      await flow(page);
    } catch (error) {
      await shot(page, 'failure');
      throw error;
    }
  });
});

async function flow(page: Page) {
  {
    await logIn(page, stack.demoUrl);
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Hola, Demo');

    // A bad price first: the form comes back with the message on the field and what was typed.
    await page.goto(`${stack.demoUrl}/products/new`);
    await page.getByLabel('SKU').fill('MON-RB-3025');
    await page.getByLabel('Nombre').fill('Montura Ray-Ban Aviator');
    await page.getByLabel('Categoría').selectOption('monturas');
    await page.getByLabel('Marca').fill('Ray-Ban');
    await page.getByLabel('Precio (RD$)').fill('8500.12345');
    await page.getByRole('button', { name: 'Guardar producto' }).click();
    await expect.poll(() => page.locator('#field-price').getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#field-price-error').textContent()).toContain('hasta 4 decimales');
    await shot(page, 'product-invalid');
    await page.getByLabel('Precio (RD$)').fill('8500.50');
    await page.getByLabel('Costo (RD$)').fill('4200');
    await page.getByRole('button', { name: 'Guardar producto' }).click();
    await expect.poll(() => page.getByRole('status').first().textContent()).toContain('Producto creado.');
    await shot(page, 'product-detail');

    // Adjust stock from the product page.
    await page.getByRole('link', { name: 'Ajustar existencia' }).click();
    await expect.poll(() => page.getByLabel('SKU del producto').inputValue()).toBe('MON-RB-3025');
    await page.locator('#field-branchId').selectOption({ label: 'Sucursal principal' });
    await page.getByLabel('Cantidad').fill('8');
    await page.getByLabel('Motivo').fill('Inventario inicial');
    await page.getByRole('button', { name: 'Registrar ajuste' }).click();
    await expect.poll(() => page.getByRole('status').first().textContent()).toContain('existencia 8');
    await shot(page, 'adjust');

    // Transfer 3 units to the second branch.
    await page.goto(`${stack.demoUrl}/stock/transfer?sku=MON-RB-3025`);
    await page.getByLabel('Cantidad').fill('3');
    await page.getByLabel('Desde la sucursal').selectOption({ label: 'Sucursal principal' });
    await page.getByLabel('Hacia la sucursal').selectOption({ label: 'Sucursal Santiago' });
    await page.getByLabel('Motivo').fill('Reposición Santiago');
    await page.getByRole('button', { name: 'Transferir' }).click();
    await expect
      .poll(() => page.getByRole('status').first().textContent())
      .toMatch(/Transferencia TRF-\w+ registrada: 3 unidades/);
    await shot(page, 'transfer');

    // The product list shows the current branch's on-hand; the live search narrows it without a reload.
    const switched = page.waitForResponse((response) => response.url().endsWith('/session/branch'));
    await page.locator('#branch-select').selectOption({ label: 'Sucursal principal' });
    await switched;
    await page.goto(`${stack.demoUrl}/products`);
    expect(await page.locator('th.number').last().textContent()).toBe('Existencia en Sucursal principal');
    const row = page.getByRole('row', { name: /MON-RB-3025/ });
    await expect.poll(() => row.locator('td.number').last().textContent()).toBe('5');
    await page.getByLabel('Buscar por SKU o nombre').fill('aviator');
    await expect.poll(() => page.url()).toContain('q=aviator');
    await expect.poll(() => page.locator('#product-results tbody tr').count()).toBe(1);
    await page.getByLabel('Buscar por SKU o nombre').fill('no-existe');
    await expect.poll(() => page.locator('#product-results').textContent()).toContain('No hay productos');
    await page.getByLabel('Buscar por SKU o nombre').fill('');
    await expect.poll(() => page.locator('#product-results tbody tr').count()).toBeGreaterThan(0);
    await shot(page, 'products');

    // Stock of every branch (owners see all), then the ledger.
    await page.goto(`${stack.demoUrl}/stock?branch=`);
    const santiago = page.getByRole('row', { name: /Sucursal Santiago/ }).filter({ hasText: 'MON-RB-3025' });
    await expect.poll(() => santiago.locator('td.number').textContent()).toBe('3');
    await shot(page, 'stock');
    await santiago.getByRole('link', { name: 'Ver movimientos' }).click();
    await expect.poll(() => page.locator('tbody tr').count()).toBe(3);
    expect(await page.locator('tbody').textContent()).toContain('Transferencia (entrada)');
    await shot(page, 'movements');

    // An exchange rate, typed the es-DO way.
    await page.goto(`${stack.demoUrl}/currencies`);
    await page.locator('#field-currency').selectOption('USD');
    await page.getByLabel('Tasa (RD$ por unidad)').fill('60.1250');
    await page.getByLabel('Vigente desde').fill('2025-03-15');
    await page.getByRole('button', { name: 'Guardar tasa' }).click();
    await expect.poll(() => page.getByRole('status').first().textContent()).toContain('RD$ 60.1250');
    expect(await page.getByRole('row', { name: /USD/ }).textContent()).toContain('15/03/2025');
    await shot(page, 'currencies');
  }
}
