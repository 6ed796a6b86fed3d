/**
 * Expenses in the browser: a supplier's invoice typed from its NCF, the RNC looked up in the DGII
 * registry (a row this flow puts in the stack's own central database, 9-prefixed: the registry's
 * sample never uses it) and the name filled in without a reload, saved, marked paid; then the 606 of
 * that month (October 2023, a month no other flow touches) downloaded from the DGII page and read
 * line by line.
 */
import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { demoCompanyRnc } from '../../../dev/demo-data';
import { configureNeon, sqlClient } from '../../../src/db/client';
import { rncCheckDigit } from '../../../src/domain/tax-id';
import { logIn, screenshot, type TestStack } from '../../support/browser-stack';

const supplierName = 'DISTRIBUIDORA ÓPTICA DEL NORTE SRL';

function freshRnc(): string {
  const first8 = `9${Array.from(crypto.getRandomValues(new Uint8Array(7)), (byte) => byte % 10).join('')}`;
  return `${first8}${rncCheckDigit(first8)}`;
}

export async function expensesFlow(page: Page, local: TestStack): Promise<void> {
  const rnc = freshRnc();
  configureNeon(local.stack.env.NEON_LOCAL_ENDPOINT ?? null);
  // The registry row lives in this stack's own central database, which stop() removes with it.
  await sqlClient(local.stack.env.CENTRAL_DATABASE_URL!)`
    INSERT INTO dgii_taxpayers (tax_id, name, status) VALUES (${rnc}, ${supplierName}, 'ACTIVO') ON CONFLICT (tax_id) DO NOTHING`;
  const url = local.stack.demoUrl;
  await logIn(page, url);

  await page.goto(`${url}/expenses`);
  await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Gastos y compras');
  await page.getByRole('link', { name: 'Nuevo gasto' }).click();
  await page.waitForURL(`${url}/expenses/new`);

  // The RNC typed with dashes: the registry answers under the field and fills the supplier's name.
  await page
    .getByLabel('RNC o cédula del proveedor')
    .pressSequentially(`${rnc.slice(0, 1)}-${rnc.slice(1, 3)}-${rnc.slice(3, 8)}-${rnc.slice(8)}`);
  await expect
    .poll(() => page.locator('#supplier-registry').textContent())
    .toContain(`En el registro de la DGII: ${supplierName}`);
  await expect.poll(() => page.locator('#supplier-registry').textContent()).toContain('ACTIVO');
  await expect.poll(() => page.getByLabel('Nombre del proveedor').inputValue()).toBe(supplierName);
  await page.getByLabel('NCF del proveedor').fill('B0100000071');
  await page.getByLabel('Tipo de bienes y servicios (606)').selectOption('09');
  await page.getByLabel('Fecha del comprobante').fill('2023-10-05');
  await page.getByLabel('Monto en bienes').fill('10,000.00');
  await page.getByLabel('ITBIS facturado').fill('1800');
  await page.getByLabel('ITBIS llevado al costo').fill('300.00');
  await screenshot(page, 'back-office-expenses-form');
  await page.getByRole('button', { name: 'Guardar gasto' }).click();
  await page.waitForURL(/\/expenses\/[0-9a-f-]{36}\?notice=created/);
  await expect.poll(() => page.locator('.alert-info').textContent()).toContain('Gasto registrado.');
  const facts = page.locator('dl.invoice-facts');
  await expect.poll(() => facts.textContent()).toContain(supplierName);
  // ITBIS por adelantar 1,800.00 - 300.00 to cost = 1,500.00, computed by the server.
  await expect.poll(() => facts.textContent()).toContain('RD$ 1,500.00');

  // Paid by transfer on 20 October.
  await page.locator('form[action$="/pay"]').getByLabel('Fecha de pago').fill('2023-10-20');
  await page.locator('form[action$="/pay"]').getByLabel('Forma de pago (606)').selectOption('02');
  await page.getByRole('button', { name: 'Marcar pagado' }).click();
  await page.waitForURL(/notice=paid/);
  await expect.poll(() => page.locator('h1 .badge').textContent()).toBe('Pagado');
  await screenshot(page, 'back-office-expenses-detail');

  await page.goto(`${url}/expenses?period=202310`);
  await expect.poll(() => page.locator('#expense-results').textContent()).toContain('B0100000071');
  await expect.poll(() => page.locator('#expense-results').textContent()).toContain('Total (1 gasto)');
  await screenshot(page, 'back-office-expenses-list');
  await page.setViewportSize({ width: 390, height: 844 });
  await screenshot(page, 'back-office-expenses-list-390');
  await page.goto(`${url}/expenses/new`);
  await screenshot(page, 'back-office-expenses-form-390');
  await page.setViewportSize({ width: 1366, height: 800 });

  // The DGII page of October 2023: the 606's totals, the net ITBIS, and the file.
  await page.goto(`${url}/reports/dgii?period=202310`);
  await expect.poll(() => page.locator('.net-itbis').textContent()).toContain('RD$ 1,500.00');
  await screenshot(page, 'back-office-expenses-dgii');
  const fileName = `DGII_F_606_${demoCompanyRnc}_202310.TXT`;
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: `Descargar 606 (${fileName})` }).click(),
  ]);
  expect(download.suggestedFilename()).toBe(fileName);
  const text = await readFile((await download.path())!, 'utf8');
  expect(text.split('\r\n')).toEqual([
    `606|${demoCompanyRnc}|202310|1`,
    `${rnc}|1|09|B0100000071||20231005|20231020|0.00|10000.00|10000.00|1800.00|0.00|0.00|300.00|1500.00|0.00||0.00|0.00|0.00|0.00|0.00|02`,
    '',
  ]);
}
