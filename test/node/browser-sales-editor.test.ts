/**
 * A sale with the keyboard only, in a real browser against `npm run dev`'s stack (the demo shop):
 * search, arrows and Enter add lines with the focus on their quantity, the barcode field adds a code
 * (and one more unit of it), an unknown code adds nothing, the live totals come from the server, and
 * the draft is saved, confirmed and issued. Screenshots at 1366x800 and 390x844:
 * test-results/screenshots/sales-editor-*.png.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  hasChromium,
  launchChromium,
  logIn,
  runFlow,
  screenshot,
  startTestStack,
  type TestStack,
} from '../support/browser-stack';

let local: TestStack;
let browser: Browser | undefined;

beforeAll(async () => {
  local = await startTestStack('sales-editor');
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await local?.stop();
}, 60_000);

const shot = (page: Page, name: string) => screenshot(page, `sales-editor-${name}`);

const focused = (page: Page) =>
  page.evaluate(() => {
    const element = document.activeElement as HTMLInputElement | null;
    return {
      name: element?.getAttribute('name') ?? '',
      text: element?.textContent?.trim() ?? '',
      value: element?.value,
    };
  });

/** Tab (at most 80 times) until the focused element is the button or link named `text`. */
async function tabTo(page: Page, text: string) {
  for (let step = 0; step < 80; step++) {
    if ((await focused(page)).text === text) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`never reached "${text}" with Tab`);
}

const totals = (page: Page) => page.locator('#sales-totals').textContent();

describe.skipIf(!hasChromium)('the sales editor with the keyboard only', () => {
  it('sells three products by search and barcode, confirms and issues an NCF', async () => {
    browser = await launchChromium();
    await runFlow(browser, 'sales-editor', (page) => flow(page, local.stack.demoUrl));
  }, 120_000);
});

async function flow(page: Page, base: string) {
  await logIn(page, base);
  await page.goto(`${base}/invoices/new`);
  const search = page.locator('#field-productSearch');
  await search.focus();

  // Search, arrow to the second match, Enter: the line is added and its quantity has the focus.
  await page.keyboard.type('lentes');
  await expect.poll(() => page.locator('#product-listbox [role="option"]').count()).toBe(2);
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  expect(await search.getAttribute('aria-activedescendant')).toBe('product-option-1');
  await page.keyboard.press('Enter');
  await expect.poll(async () => (await focused(page)).name).toBe('lines.0.quantity');
  expect(await page.locator('[name="lines.0.sku"]').inputValue()).toBe('LEN-PROG-16');
  await page.keyboard.type('2'); // replaces the selected 1
  await page.keyboard.press('Enter'); // totals now, focus back to the search
  await expect.poll(() => totals(page)).toContain('29,383.18'); // 2 x 12,450.50 = 24,901.00 + 18% 4,482.18
  expect(await search.evaluate((element) => element === document.activeElement)).toBe(true);

  // A second product: one match, Enter takes it.
  await page.keyboard.type('clubmaster');
  await expect.poll(() => page.locator('#product-listbox [role="option"]').count()).toBe(1);
  await page.keyboard.press('Enter');
  await expect.poll(async () => (await focused(page)).name).toBe('lines.1.quantity');

  // The barcode field: a code and Enter adds it, the same code again is one more unit, an unknown
  // code adds nothing.
  await page.keyboard.press('Escape');
  await search.focus();
  for (let step = 0; step < 10 && (await focused(page)).name !== 'scanCode'; step++) await page.keyboard.press('Tab');
  expect((await focused(page)).name).toBe('scanCode');
  // As a scanner does: the second code comes at once, while the first one's request is in flight. The
  // first request is held until the second code is in the field, so the code must wait for the first
  // answer (and then go with its line), every time rather than only when the server is slow.
  let releaseFirst = () => {};
  const firstHeld = new Promise<void>((resolve) => {
    releaseFirst = resolve;
  });
  let held = 0;
  await page.route('**/sales-editor/**', async (route) => {
    if (held++ === 0) await firstHeld;
    await route.continue();
  });
  await page.keyboard.type('SRV-EXAMEN');
  await page.keyboard.press('Enter');
  await page.keyboard.type('srv-examen');
  await page.keyboard.press('Enter');
  expect(held).toBe(1); // the second code waits in the field, no second request yet
  releaseFirst();
  await expect.poll(() => page.locator('[name="lines.2.sku"]').inputValue()).toBe('SRV-EXAMEN');
  await expect.poll(() => page.locator('[name="lines.2.quantity"]').inputValue()).toBe('2');
  await expect.poll(async () => (await focused(page)).name).toBe('scanCode');
  expect(await page.locator('[name="scanCode"]').inputValue()).toBe('');
  expect(held).toBe(2);
  await page.unroute('**/sales-editor/**');
  await page.keyboard.type('7501234567890');
  await page.keyboard.press('Enter');
  await expect.poll(() => page.locator('.sales-notice').textContent()).toContain('«7501234567890»');
  expect(await page.locator('[name="lines.3.sku"]').count()).toBe(0);

  // 24,901.00 + 6,500.00 = 31,401.00 taxed at 18% (5,652.18) + 3,000.00 exempt = 40,053.18
  const live = await totals(page);
  expect(live).toContain('31,401.00');
  expect(live).toContain('5,652.18');
  expect(live).toContain('3,000.00');
  expect(live).toContain('40,053.18');
  await shot(page, 'lines-1366');
  await page.setViewportSize({ width: 390, height: 844 });
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await shot(page, 'lines-390');
  await page.setViewportSize({ width: 1366, height: 800 });

  // Save, then issue through the confirmation.
  await tabTo(page, 'Guardar borrador');
  await page.keyboard.press('Enter');
  await expect.poll(() => page.getByRole('status').first().textContent()).toContain('Borrador guardado.');
  await page.locator('main').focus();
  await tabTo(page, 'Emitir factura (asignar NCF)');
  await page.keyboard.press('Enter');
  await expect.poll(() => page.locator('h1').first().textContent()).toBe('Confirmar emisión');
  const confirmation = await page.locator('main').textContent();
  expect(confirmation).toContain('B02');
  expect(confirmation).toContain('Factura de consumo');
  expect(confirmation).toContain('40,053.18');
  await shot(page, 'confirm-1366');
  await page.setViewportSize({ width: 390, height: 844 });
  await shot(page, 'confirm-390');
  await page.setViewportSize({ width: 1366, height: 800 });
  await page.locator('main').focus();
  await tabTo(page, 'Confirmar emisión');
  await page.keyboard.press('Enter');
  await expect
    .poll(() => page.getByRole('status').first().textContent())
    .toMatch(/Factura emitida con el NCF B02\d{8}/);
  expect(await page.getByRole('table', { name: 'Totales' }).textContent()).toContain('40,053.18');
  await shot(page, 'issued-1366');
}
