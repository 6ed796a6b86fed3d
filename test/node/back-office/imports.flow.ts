/**
 * An import of contacts in the browser: a CSV (semicolons, Spanish headers) uploaded, its columns
 * mapped (proposed from the headers), a preview with exactly two bad rows and their messages, the
 * fixed file uploaded again, the import run in the background to done, the contacts in the shop.
 */
import { inArray } from 'drizzle-orm';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { contacts } from '../../../src/db/tenant-schema';
import { logIn, screenshot, type TestStack, withDemoShop } from '../../support/browser-stack';

const header = 'Código;Nombre;Cédula/RNC;Celular;Correo';

export async function importsFlow(page: Page, local: TestStack): Promise<void> {
  const tag = Math.random().toString(36).slice(2, 7).toUpperCase();
  const keys = [`IMP-${tag}-1`, `IMP-${tag}-2`, `IMP-${tag}-3`];
  const rows = (badCedula: string, badEmail: string) =>
    [
      header,
      `${keys[0]};Carmen Flujo ${tag};;809-555-0101;carmen@example.test`,
      `${keys[1]};Rafael Flujo ${tag};${badCedula};;`,
      `${keys[2]};Elena Flujo ${tag};;;${badEmail}`,
    ].join('\r\n');
  const url = local.stack.demoUrl;
  await logIn(page, url);

  const upload = async (content: string) => {
    await page.goto(`${url}/imports?entity=contacts`);
    await page.locator('#field-entity').selectOption('contacts');
    await page.locator('#import-file').setInputFiles({
      name: 'clientes-viejos.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(content, 'utf8'),
    });
    await page.getByRole('button', { name: 'Subir y continuar' }).click();
    await page.waitForURL(/\/imports\/[0-9a-f-]{36}$/);
  };

  await upload(rows('00113918204', 'elena-sin-arroba'));
  // The columns are proposed from the headers.
  expect(await page.locator('[name="map.importKey"]').inputValue()).toBe('Código');
  expect(await page.locator('[name="map.idNumber"]').inputValue()).toBe('Cédula/RNC');
  expect(await page.locator('[name="map.mobile"]').inputValue()).toBe('Celular');
  await screenshot(page, 'back-office-imports-mapping');
  await page.getByRole('button', { name: 'Revisar filas' }).click();
  const summary = page.getByTestId('import-summary');
  await expect
    .poll(() => summary.textContent())
    .toBe('3 filas: 1 se importarán, 0 ya existen y se omiten, 2 con errores.');
  const bad = page.locator('#preview tr.row-error');
  expect(await bad.count()).toBe(2);
  expect(await bad.nth(0).textContent()).toContain('La cédula no es válida');
  expect(await bad.nth(0).locator('td').first().textContent()).toBe('3');
  expect(await bad.nth(1).textContent()).toContain('Escriba un correo electrónico válido.');
  expect(await bad.nth(1).locator('td').first().textContent()).toBe('4');
  expect(await page.getByRole('button', { name: /^Importar/ }).count()).toBe(0);
  await screenshot(page, 'back-office-imports-preview');
  await page.setViewportSize({ width: 390, height: 844 });
  await screenshot(page, 'back-office-imports-preview-390');
  await page.setViewportSize({ width: 1366, height: 800 });

  // The fixed file: a valid cédula, a valid e-mail.
  await upload(rows('223-0000000-1', 'elena@example.test'));
  await page.getByRole('button', { name: 'Revisar filas' }).click();
  await expect
    .poll(() => page.getByTestId('import-summary').textContent())
    .toBe('3 filas: 3 se importarán, 0 ya existen y se omiten, 0 con errores.');
  await page.getByRole('button', { name: 'Importar 3 filas' }).click();
  // htmx polls the progress until the background job ends.
  await expect
    .poll(() => page.locator('#import-progress').textContent(), { timeout: 30_000 })
    .toContain('Importación terminada: 3 filas nuevas, 0 ya existían.');
  await screenshot(page, 'back-office-imports-done');

  const imported = await withDemoShop(local, ({ db }) =>
    db.select().from(contacts).where(inArray(contacts.importKey, keys)).orderBy(contacts.importKey),
  );
  expect(imported.map((row) => [row.importKey, row.name, row.idNumber, row.email])).toEqual([
    [keys[0], `Carmen Flujo ${tag}`, null, 'carmen@example.test'],
    [keys[1], `Rafael Flujo ${tag}`, '22300000001', null],
    [keys[2], `Elena Flujo ${tag}`, null, 'elena@example.test'],
  ]);
  await page.goto(`${url}/contacts?q=${encodeURIComponent(`Flujo ${tag}`)}`);
  expect(await page.locator('main').textContent()).toContain(`Carmen Flujo ${tag}`);
}
