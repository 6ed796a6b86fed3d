/**
 * Receivables in a real browser against `npm run dev`'s stack: the receivables list -> a customer's
 * statement -> its print view -> its PDF (read back with pdftotext), at desk (1366x800) and phone
 * (390x844) width. The customer's invoices are written to the demo shop's database first; the
 * payment goes through record_payment. Screenshots: test-results/screenshots/statement-*.png.
 */
import { sql } from 'drizzle-orm';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, formatDate, shopToday } from '../../src/domain/dates';
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
import { hasPdftotext, pdfText } from '../support/pdf-text';

let local: TestStack;
let browser: Browser | undefined;
let contactId = '';
const today = shopToday();
const from = addDays(today, -60);

beforeAll(async () => {
  local = await startTestStack('statement');
  contactId = await seedCustomer(local);
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await local?.stop();
}, 60_000);

/**
 * A customer with two DOP invoices: 2,500.00 issued 45 days ago (31-60 days) and 1,000.00 issued 5
 * days ago with 400.00 paid. Open: 2,500.00 + 600.00 = 3,100.00.
 */
function seedCustomer(stack: TestStack): Promise<string> {
  return withDemoShop(stack, async ({ db }) => {
    const [contact] = (
      await db.execute<{ id: string }>(
        sql`INSERT INTO contacts (kind, name) VALUES ('customer', 'Ramona Estado Núñez') RETURNING id`,
      )
    ).rows;
    const invoices = (
      await db.execute<{ id: string }>(sql`
        INSERT INTO invoices (kind, status, ncf_type, ncf, ncf_valid_until, issued_on, customer_id, buyer_name, branch_id,
                              currency_code, exchange_rate, gross_total, exempt_total, total, exempt_total_dop, total_dop)
        SELECT 'invoice', 'issued', 'B02', 'B0299' || lpad(n::text, 6, '0'), '2099-12-31', ${today}::date - d, ${contact!.id}::uuid,
               'Ramona Estado Núñez', (SELECT id FROM branches ORDER BY created_at LIMIT 1), 'DOP', 1, amount, amount, amount, amount, amount
          FROM (VALUES (1, 45, 2500.00), (2, 5, 1000.00)) v(n, d, amount)
        RETURNING id`)
    ).rows;
    await db.execute(
      sql`SELECT record_payment(${invoices[1]!.id}::uuid, ${today}::date, '1', 400, NULL, NULL, NULL, NULL::uuid[], 'test')`,
    );
    return contact!.id;
  });
}

const shot = (page: Page, name: string) => screenshot(page, `statement-${name}`);

/** The page is never wider than the screen (a table may scroll inside its own box). */
async function fitsWidth(page: Page) {
  const widths = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
  expect(widths[0]).toBeLessThanOrEqual(widths[1]!);
}

// Needs Chromium and pdftotext (Debian packages that .ci/run installs); skipped on a machine without them.
describe.skipIf(!hasChromium || !hasPdftotext)('receivables and a statement in the browser', () => {
  it('lists the balance, opens the statement, prints it and downloads its PDF, at desk and phone width', async () => {
    browser = await launchChromium();
    await runFlow(browser, 'statement', (page) => flow(page, local.stack.demoUrl));
  }, 120_000);
});

async function flow(page: Page, base: string) {
  await logIn(page, base);
  await page.goto(`${base}/receivables?q=ramona`);
  const row = page.getByRole('row', { name: /Ramona Estado Núñez/ });
  await expect.poll(() => row.textContent()).toContain('RD$ 3,100.00');
  expect(await row.textContent()).toContain('RD$ 2,500.00');
  await shot(page, 'receivables-1366');

  await row.getByRole('link', { name: 'Ramona Estado Núñez' }).click();
  await page.waitForURL(`${base}/contacts/${contactId}/statement`);
  await page.getByLabel('Desde').fill(from);
  await page.getByRole('button', { name: 'Ver', exact: true }).click();
  await page.waitForURL(/from=/);
  const statement = (await page.locator('main').textContent()) ?? '';
  // 2,500.00 -> 3,500.00 -> payment 400.00 -> 3,100.00
  expect(statement).toContain('Saldo inicial');
  expect(statement).toContain('RD$ 3,500.00');
  expect(statement).toContain('Saldo final');
  expect(statement).toContain('RD$ 3,100.00');
  await shot(page, 'statement-1366');

  await page.getByRole('link', { name: 'Imprimir' }).click();
  await page.waitForURL(/\/statement\/print/);
  const printed = (await page.locator('main').textContent()) ?? '';
  expect(printed).toContain('Ramona Estado Núñez');
  expect(printed).toContain(`Del ${formatDate(from)} al ${formatDate(today)}`);
  await shot(page, 'print-1366');

  const pdf = await fetchInPage(page, `${base}/contacts/${contactId}/statement.pdf?from=${from}&to=${today}`);
  expect(pdf.status).toBe(200);
  expect(pdf.contentType).toBe('application/pdf');
  const text = await pdfText(pdf.body);
  expect(text).toContain('Estado de cuenta');
  expect(text).toContain('Ramona Estado Núñez');
  expect(text).toContain('B0299000001');
  expect(text).toContain('RD$ 3,100.00');

  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(`${base}/receivables?q=ramona`);
  await fitsWidth(page);
  await shot(page, 'receivables-390');
  await page.goto(`${base}/contacts/${contactId}/statement?from=${from}&to=${today}`);
  await fitsWidth(page);
  await shot(page, 'statement-390');
}

/** A download as the signed-in browser makes it (Node cannot resolve `*.localhost`, Chromium can). */
async function fetchInPage(page: Page, url: string) {
  const result = await page.evaluate(async (target) => {
    const response = await fetch(target);
    return {
      status: response.status,
      contentType: response.headers.get('content-type'),
      bytes: [...new Uint8Array(await response.arrayBuffer())],
    };
  }, url);
  return { status: result.status, contentType: result.contentType, body: Buffer.from(result.bytes) };
}
