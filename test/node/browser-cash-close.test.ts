/**
 * A cashier's cash close in a real browser against `npm run dev`'s stack: sign in as a cashier (caja),
 * take two payments (cash and card), count the drawer short, see the difference computed on the
 * server as the amount is typed, be asked for a note, close, and print the close on 80 mm.
 * Screenshots at 1366x800 and 390x844: test-results/screenshots/cash-close-*.png.
 */
import { sql } from 'drizzle-orm';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../src/auth/password';
import {
  hasChromium,
  launchChromium,
  logIn,
  runFlow,
  screenshot,
  startTestStack,
  withDemoShop,
  type TestStack,
} from '../support/browser-stack';

let local: TestStack;
let browser: Browser | undefined;
let invoiceIds: string[] = [];
const cashier = { email: 'carla.caja@opticademo.do', password: 'carla-clave-segura-1' };

beforeAll(async () => {
  local = await startTestStack('cash-close');
  invoiceIds = await seedCashierDay(local);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await local?.stop();
}, 60_000);

/** A cashier of the main branch and two issued invoices (RD$ 1,500.00 and RD$ 2,000.00), written straight to the demo shop's database. */
function seedCashierDay(stack: TestStack): Promise<string[]> {
  return withDemoShop(stack, async ({ db }) => {
    const [branch] = (await db.execute<{ id: string }>(sql`SELECT id FROM branches ORDER BY created_at LIMIT 1`)).rows;
    const passwordHash = await hashPassword(cashier.password);
    await db.execute(sql`
      WITH u AS (
        INSERT INTO users (email, name, role, status, password_hash)
        VALUES (${cashier.email}, 'Carla Caja', 'caja', 'active', ${passwordHash}) RETURNING id
      )
      INSERT INTO user_branches (user_id, branch_id) SELECT u.id, ${branch!.id}::uuid FROM u`);
    const invoices = await db.execute<{ id: string }>(sql`
      INSERT INTO invoices (status, ncf_type, ncf, ncf_valid_until, issued_on, buyer_name, branch_id, currency_code, total, exempt_total, total_dop, exempt_total_dop)
      SELECT 'issued', 'B02', 'B02' || lpad((800 + n)::text, 8, '0'), current_date + 365, current_date, 'Cliente de contado',
             ${branch!.id}::uuid, 'DOP', amount, amount, amount, amount
        FROM (VALUES (1, 1500.00), (2, 2000.00)) AS v(n, amount)
      RETURNING id`);
    return invoices.rows.map((row) => row.id);
  });
}

const shot = (page: Page, name: string) => screenshot(page, `cash-close-${name}`);

describe.skipIf(!hasChromium)('a cashier closes the drawer in the browser', () => {
  it('takes two payments, counts short, explains it in a note, closes and prints on 80 mm', async () => {
    browser = await launchChromium();
    await runFlow(browser, 'cash-close', (page) => flow(page, local.stack.demoUrl));
  }, 120_000);
});

async function flow(page: Page, base: string) {
  await logIn(page, base, cashier.email, cashier.password);
  const status = () => page.getByRole('status').first().textContent();

  // Two payments: RD$ 1,500.00 in cash and RD$ 2,000.00 by card.
  await page.goto(`${base}/invoices/${invoiceIds[0]}/payments/new`);
  await page.getByLabel('Monto').fill('1500');
  await page.getByLabel('Forma de pago').selectOption({ label: '1 · Efectivo' });
  await page.getByRole('button', { name: 'Registrar cobro' }).click();
  await expect.poll(status).toContain('Cobro registrado.');
  await page.goto(`${base}/invoices/${invoiceIds[1]}/payments/new`);
  await page.getByLabel('Monto').fill('2000');
  await page.getByLabel('Forma de pago').selectOption({ label: '3 · Tarjeta de crédito / débito' });
  await page.getByLabel('Referencia').fill('AUT-771204');
  await page.getByRole('button', { name: 'Registrar cobro' }).click();
  await expect.poll(status).toContain('Cobro registrado.');

  // The close: from the menu, the expected amounts per method.
  await page.getByRole('navigation').getByRole('link', { name: 'Cuadre de caja' }).click();
  await page.getByRole('link', { name: 'Cuadrar mi caja' }).click();
  const main = page.locator('main');
  await expect.poll(() => main.textContent()).toContain('RD$ 1,500.00');
  expect(await main.textContent()).toContain('RD$ 2,000.00');

  // Counting RD$ 50.00 short: the difference comes from the server as it is typed.
  await page.getByLabel('Contado en Efectivo (DOP)').fill('1,450.00');
  await page.getByLabel('Contado en Tarjeta de crédito / débito (DOP)').fill('2000');
  const cashDifference = page.locator('#diff-count_1_DOP');
  await expect.poll(() => cashDifference.textContent(), { timeout: 5_000 }).toBe('-RD$ 50.00');
  expect(await page.locator('#diff-count_3_DOP').textContent()).toBe('RD$ 0.00');
  await shot(page, 'count');
  await page.setViewportSize({ width: 390, height: 844 });
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await shot(page, 'count-390');
  await page.setViewportSize({ width: 1366, height: 800 });

  // Closing with a difference and no note is refused; with the note it closes.
  await page.getByRole('button', { name: 'Cerrar el cuadre' }).click();
  await expect.poll(() => main.textContent()).toContain('Hay diferencias: escriba una nota que las explique.');
  await page.getByLabel('Nota').fill('Faltan RD$ 50: vuelto de más a un cliente');
  await page.getByRole('button', { name: 'Cerrar el cuadre' }).click();
  await expect.poll(status).toContain('Cuadre cerrado.');
  await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Cuadre CC-000001');
  const detail = (await main.textContent()) ?? '';
  expect(detail).toContain('-RD$ 50.00');
  expect(detail).toContain('Faltan RD$ 50: vuelto de más a un cliente');
  await shot(page, 'closed');
  await page.setViewportSize({ width: 390, height: 844 });
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await shot(page, 'closed-390');
  await page.setViewportSize({ width: 1366, height: 800 });

  // The printed close on 80 mm carries the figures.
  await page.getByRole('link', { name: 'Imprimir 80 mm' }).click();
  await page.waitForURL(/\/print\?format=80mm$/);
  // A whole page of its own (not swapped into the app's shell): the print stylesheet sizes the sheet.
  expect(
    await page.locator('.sheet').evaluate((sheet) => Math.round(sheet.getBoundingClientRect().width)),
  ).toBeLessThan(320);
  const printed = (await page.locator('main').textContent()) ?? '';
  expect(printed).toContain('CC-000001');
  expect(printed).toContain('RD$ 1,500.00');
  expect(printed).toContain('RD$ 1,450.00');
  expect(printed).toContain('-RD$ 50.00');
  expect(printed).toContain('Carla Caja');
  await shot(page, 'print-80mm');
}
