/**
 * The business reports in the browser: three invoices and a credit note of November 2023 seeded in
 * the demo shop (a month no other flow touches), the sales-by-day report filtered to it, the table
 * on screen, the .xlsx downloaded and read back with hucre, its figures equal to the screen's.
 */
import { readFile } from 'node:fs/promises';
import { eq } from 'drizzle-orm';
import { readXlsx } from 'hucre/xlsx';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { branches, invoices } from '../../../src/db/tenant-schema';
import { logIn, screenshot, type TestStack, withDemoShop } from '../../support/browser-stack';

/** An issued DOP document of `net` + 18% ITBIS (a credit note with the same, positive, figures). */
function document(
  branchId: string,
  ncf: string,
  issuedOn: string,
  net: string,
  kind: 'invoice' | 'credit_note' = 'invoice',
) {
  const itbis = ((Number(net) * 18) / 100).toFixed(2);
  const total = (Number(net) + Number(itbis)).toFixed(2);
  return {
    kind,
    status: 'issued' as const,
    ncfType: ncf.slice(0, 3),
    ncf,
    issuedOn,
    branchId,
    buyerName: 'Cliente de contado',
    currencyCode: 'DOP',
    exchangeRate: '1',
    grossTotal: net,
    taxableTotal: net,
    itbisTotal: itbis,
    total,
    taxableTotalDop: net,
    itbisTotalDop: itbis,
    totalDop: total,
  };
}

async function seedNovember(local: TestStack): Promise<void> {
  await withDemoShop(local, async ({ db }) => {
    const [branch] = await db.select().from(branches).orderBy(branches.createdAt).limit(1);
    const existing = await db.select({ id: invoices.id }).from(invoices).where(eq(invoices.ncf, 'B0199990001'));
    if (existing.length) return;
    await db
      .insert(invoices)
      .values([
        document(branch!.id, 'B0199990001', '2023-11-06', '1000.00'),
        document(branch!.id, 'B0199990002', '2023-11-06', '2500.00'),
        document(branch!.id, 'B0199990003', '2023-11-20', '12000.00'),
        document(branch!.id, 'B0499990001', '2023-11-21', '500.00', 'credit_note'),
      ]);
  });
}

/** `RD$ 1,234.56` / `-RD$ 590.00` -> 1234.56 / -590. */
function amount(text: string): number {
  const value = Number(text.replace(/RD\$\s*|,/g, '').trim());
  return text.trim().startsWith('-') ? -Math.abs(value) : value;
}

export async function reportsFlow(page: Page, local: TestStack): Promise<void> {
  await seedNovember(local);
  const url = local.stack.demoUrl;
  await logIn(page, url);
  await page.goto(`${url}/reports`);
  await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Reportes');
  await screenshot(page, 'back-office-reports-index');
  await page.getByRole('link', { name: 'Ventas por día' }).click();
  await page.getByLabel('Desde').fill('2023-11-01');
  await page.getByLabel('Hasta').fill('2023-11-30');
  await page.getByRole('button', { name: 'Ver reporte' }).click();
  await page.waitForURL(/from=2023-11-01/);
  const table = page.locator('table.report-table');
  await expect.poll(() => table.locator('tbody tr').count()).toBe(3);

  // The screen, hand-computed: 6 Nov 3,500 + 630 = 4,130 (2 invoices); 20 Nov 12,000 + 2,160 = 14,160;
  // 21 Nov a credit note of 500 + 90 = -590. Total 15,000 net, 2,700 ITBIS, 17,700.
  const screen = await table
    .locator('tbody tr, tfoot tr')
    .evaluateAll((rows) =>
      rows.map((row) => Array.from(row.querySelectorAll('th, td')).map((cell) => cell.textContent ?? '')),
    );
  expect(screen).toEqual([
    ['06/11/2023', '2', '0', 'RD$ 3,500.00', 'RD$ 630.00', 'RD$ 4,130.00'],
    ['20/11/2023', '1', '0', 'RD$ 12,000.00', 'RD$ 2,160.00', 'RD$ 14,160.00'],
    ['21/11/2023', '0', '1', '-RD$ 500.00', '-RD$ 90.00', '-RD$ 590.00'],
    ['Total', '3', '1', 'RD$ 15,000.00', 'RD$ 2,700.00', 'RD$ 17,700.00'],
  ]);
  await screenshot(page, 'back-office-reports-sales-by-day');

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: 'Exportar a Excel (.xlsx)' }).click(),
  ]);
  expect(download.suggestedFilename()).toBe('ventas-por-dia_2023-11-01_2023-11-30.xlsx');
  const book = await readXlsx(new Uint8Array(await readFile((await download.path())!)));
  const sheet = book.sheets[0]!.rows;
  expect(sheet[0]).toEqual(['Fecha', 'Facturas', 'Notas de crédito', 'Ventas netas', 'ITBIS', 'Total']);
  // Each spreadsheet row equals the screen's: dates as dates, counts and amounts as numbers.
  const fromSheet = sheet
    .slice(1)
    .map((row) => [
      row[0] instanceof Date ? row[0].toISOString().slice(0, 10).split('-').reverse().join('/') : row[0],
      row[1],
      row[2],
      row[3],
      row[4],
      row[5],
    ]);
  const fromScreen = screen.map((row) => [
    row[0],
    Number(row[1]),
    Number(row[2]),
    amount(row[3]!),
    amount(row[4]!),
    amount(row[5]!),
  ]);
  expect(fromSheet).toEqual(fromScreen);

  await page.setViewportSize({ width: 390, height: 844 });
  await page.reload();
  await expect.poll(() => table.locator('tbody tr').count()).toBe(3);
  await screenshot(page, 'back-office-reports-sales-by-day-phone');
}
