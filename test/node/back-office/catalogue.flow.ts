/**
 * The bulk price update in the browser: three frames of a brand no other flow uses, seeded in the
 * demo shop; filtered by that brand, +10 % rounded to the nearest RD$5, the preview checked against
 * hand-computed prices (at 1366 and 390 px), applied, and the products list showing the new prices.
 */
import { eq, inArray } from 'drizzle-orm';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { products, taxes } from '../../../src/db/tenant-schema';
import { logIn, screenshot, type TestStack, withDemoShop } from '../../support/browser-stack';

const brand = 'Flujo Precios';
/** sku -> price, and the hand-computed +10 % to the nearest RD$5 (half-up). */
const frames = [
  { sku: 'FLUJO-1', name: 'Montura Flujo clásica', price: '2275.0000', expected: 'RD$ 2,505.00' }, // 2502.50 -> 2505
  { sku: 'FLUJO-2', name: 'Montura Flujo deportiva', price: '1999.9900', expected: 'RD$ 2,200.00' }, // 2199.989 -> 2200
  { sku: 'FLUJO-3', name: 'Montura Flujo infantil', price: '1234.0000', expected: 'RD$ 1,355.00' }, // 1357.40 -> 1355
];

async function seedFrames(local: TestStack): Promise<void> {
  await withDemoShop(local, async ({ db }) => {
    const [tax] = await db.select({ id: taxes.id }).from(taxes).where(eq(taxes.code, 'ITBIS18'));
    await db.delete(products).where(
      inArray(
        products.sku,
        frames.map((frame) => frame.sku),
      ),
    );
    await db.insert(products).values(
      frames.map((frame) => ({
        sku: frame.sku,
        name: frame.name,
        brand,
        category: 'monturas' as const,
        price: frame.price,
        cost: '1000.0000',
        taxId: tax!.id,
      })),
    );
  });
}

export async function catalogueFlow(page: Page, local: TestStack): Promise<void> {
  await seedFrames(local);
  const url = local.stack.demoUrl;
  await logIn(page, url);
  await page.goto(`${url}/products/prices`);
  await page.locator('#field-brand').fill(brand);
  await page.locator('#field-direction').selectOption('up');
  await page.locator('#field-mode').selectOption('percent');
  await page.locator('#field-value').fill('10');
  await page.locator('#field-rounding').selectOption('five');
  await page.getByRole('button', { name: 'Vista previa' }).click();

  const preview = page.locator('#price-preview');
  await expect
    .poll(() => preview.locator('#price-preview-count').textContent())
    .toBe('3 productos; 3 cambian de precio.');
  for (const frame of frames) {
    const row = preview.locator('tr', { hasText: frame.sku });
    expect(await row.locator('td').nth(2).textContent()).toContain(frame.expected);
  }
  await screenshot(page, 'back-office-catalogue-preview');
  await page.setViewportSize({ width: 390, height: 844 });
  await screenshot(page, 'back-office-catalogue-preview-390');
  await page.setViewportSize({ width: 1366, height: 800 });

  await page.getByRole('button', { name: 'Aplicar a 3 productos' }).click();
  await expect
    .poll(() => page.locator('.alert-info').first().textContent())
    .toContain('Precios actualizados: 3 productos.');
  await screenshot(page, 'back-office-catalogue-applied');

  await page.goto(`${url}/products?q=flujo`);
  const list = page.locator('#product-results');
  for (const frame of frames) {
    expect(await list.locator('tr', { hasText: frame.sku }).textContent()).toContain(frame.expected);
  }
}
