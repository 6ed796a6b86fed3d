/**
 * A shop's sales day in a real browser against `npm run dev`'s stack (the demo shop has NCF ranges,
 * products with stock and customers): quote -> convert -> issue (NCF) -> pay part -> pay the rest ->
 * credit note -> the invoice PDF (read back with pdftotext) -> the monthly 607 and 608.
 * Screenshots go to test-results/screenshots/sales-*.png.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shopToday } from '../../src/domain/dates';
import {
  hasChromium,
  launchChromium,
  logIn,
  newShopPage,
  screenshot,
  startTestStack,
  type TestStack,
} from '../support/browser-stack';
import { hasPdftotext, pdfText } from '../support/pdf-text';

let local: TestStack;
let browser: Browser | undefined;

beforeAll(async () => {
  local = await startTestStack('sales');
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await local?.stop();
}, 60_000);

const shot = (page: Page, name: string) => screenshot(page, `sales-${name}`);

// Needs Chromium and pdftotext (Debian packages that .ci/run installs); skipped on a machine without them.
describe.skipIf(!hasChromium || !hasPdftotext)('a sales day in the browser', () => {
  it('quotes, converts, issues with an NCF, takes two payments, credits a return and exports the 607', async () => {
    browser = await launchChromium();
    const page = await newShopPage(browser);
    try {
      await flow(page, local.stack.demoUrl);
    } catch (error) {
      await shot(page, 'failure');
      throw error;
    }
  }, 180_000);
});

async function flow(page: Page, base: string) {
  await logIn(page, base);
  const status = () => page.getByRole('status').first().textContent();

  // The 607 carries the shop's RNC.
  await page.goto(`${base}/company`);
  await page.getByLabel('RNC').fill('101850043');
  await page.getByRole('button', { name: 'Guardar cambios' }).click();
  await expect.poll(status).toContain('Datos de la empresa guardados.');

  // A quotation for a company customer, from the customer's page: a frame by SKU and the exempt exam.
  await page.goto(`${base}/contacts?q=importadora`);
  await page.getByRole('link', { name: 'Importadora Caribe SRL' }).first().click();
  await page.getByRole('link', { name: 'Nueva cotización' }).click();
  // Lines come from the barcode field (a code and Enter), then the quantities are typed in them.
  const scan = page.getByLabel('Código de barras o SKU');
  await scan.fill('MON-RB-5154');
  await scan.press('Enter');
  await expect.poll(() => page.getByLabel('Línea 1: Código (SKU)').inputValue()).toBe('MON-RB-5154');
  await page.getByLabel('Línea 1: Cantidad').fill('2');
  await page.getByLabel('Línea 1: Descuento').fill('500');
  await scan.fill('SRV-EXAMEN');
  await scan.press('Enter');
  await expect.poll(() => page.getByLabel('Línea 2: Código (SKU)').inputValue()).toBe('SRV-EXAMEN');
  await expect.poll(() => page.getByLabel('Línea 1: Cantidad').inputValue()).toBe('2');
  await page.getByRole('button', { name: 'Crear cotización' }).click();
  await expect.poll(status).toContain('Cotización COT-00000001 creada.');
  // 2 x 6,500.00 - 500.00 = 12,500.00 at 18% (ITBIS 2,250.00) + exam 1,500.00 exempt = 16,250.00
  const totals = page.getByRole('table', { name: 'Totales' });
  await expect.poll(() => totals.textContent()).toContain('16,250.00');
  await shot(page, 'quotation');

  // Convert: a draft B01 invoice (the customer has an RNC) with the same lines.
  await page.getByRole('button', { name: 'Convertir en factura' }).click();
  await page.waitForURL(/\/invoices\/[0-9a-f-]{36}/);
  const invoiceUrl = page.url().split('?')[0]!;
  await expect.poll(() => page.getByRole('table', { name: 'Totales' }).textContent()).toContain('16,250.00');
  await shot(page, 'invoice-draft');

  // Issue: the NCF is taken now.
  await page.getByRole('button', { name: 'Emitir factura (asignar NCF)' }).click();
  await page.getByRole('button', { name: 'Confirmar emisión' }).click();
  await expect.poll(status).toContain('Factura emitida con el NCF B0100000001.');
  await shot(page, 'invoice-issued');

  // A deposit in cash, then the rest by card (the form proposes the balance).
  await page.getByRole('link', { name: 'Registrar cobro' }).click();
  await page.getByLabel('Monto').fill('6000');
  await page.getByLabel('Forma de pago').selectOption({ label: '1 · Efectivo' });
  await page.getByRole('button', { name: 'Registrar cobro' }).click();
  await expect.poll(status).toContain('Cobro registrado.');
  await shot(page, 'payment-deposit');
  await page.goto(invoiceUrl);
  await expect.poll(() => page.locator('main').textContent()).toContain('Pagada parcialmente');
  await page.getByRole('link', { name: 'Registrar cobro' }).click();
  expect(await page.getByLabel('Monto').inputValue()).toBe('10250.00');
  await page.getByLabel('Forma de pago').selectOption({ label: '3 · Tarjeta de crédito / débito' });
  await page.getByLabel('Referencia').fill('AUT-482913');
  await page.getByRole('button', { name: 'Registrar cobro' }).click();
  await expect.poll(status).toContain('Cobro registrado.');
  await page.goto(invoiceUrl);
  await expect.poll(() => page.locator('main').textContent()).toMatch(/Pagada(?! parcialmente)/);
  await shot(page, 'invoice-paid');

  // One frame comes back: a B04 credit note for it, returned to stock.
  await page.getByRole('link', { name: 'Nota de crédito' }).click();
  await page.getByLabel(/Cantidad a acreditar de Montura/).fill('1');
  await page.getByLabel(/Devolver Montura .* al inventario/).check();
  await page.getByLabel('Motivo').fill('Devolución de una montura');
  await shot(page, 'credit-note-form');
  await page.getByRole('button', { name: 'Emitir nota de crédito' }).click();
  await expect.poll(status).toContain('Nota de crédito emitida.');
  // 6,500.00 - 250.00 (half the line's discount) = 6,250.00 + ITBIS 1,125.00 = 7,375.00
  await expect.poll(() => page.locator('main').textContent()).toContain('B0400000001');
  expect(await page.locator('main').textContent()).toContain('7,375.00');
  await shot(page, 'credit-note');

  // The archived PDF of the invoice carries its NCF and its valid-until date.
  const pdf = await fetchInPage(page, `${invoiceUrl}/pdf`);
  expect(pdf.status).toBe(200);
  expect(pdf.contentType).toBe('application/pdf');
  const text = await pdfText(pdf.body);
  expect(text).toContain('B0100000001');
  expect(text).toContain('Válido hasta');
  expect(text).toContain('16,250.00');

  // The month's 607: the invoice with its payment forms and the credit note modifying it.
  const period = shopToday().slice(0, 7).replace('-', '');
  await page.goto(`${base}/reports/dgii?period=${period}`);
  await shot(page, 'dgii');
  const report = await fetchInPage(page, `${base}/reports/dgii/607.txt?period=${period}`);
  expect(report.status).toBe(200);
  const lines = report.body.toString('utf8').split('\r\n');
  expect(lines[0]).toBe(`607|101850043|${period}|2`);
  const invoiceLine = lines.find((line) => line.includes('|B0100000001|'))!.split('|');
  expect(invoiceLine.slice(0, 5)).toEqual(['131246796', '1', 'B0100000001', '', '01']);
  expect(invoiceLine[7]).toBe('14000.00'); // taxable 12,500.00 + exempt 1,500.00
  expect(invoiceLine[8]).toBe('2250.00');
  const creditLine = lines.find((line) => line.includes('|B0400000001|'))!.split('|');
  expect(creditLine[3]).toBe('B0100000001');
}

/** A download as the signed-in browser makes it (Node cannot resolve `*.localhost`, Chromium can). */
async function fetchInPage(
  page: Page,
  url: string,
): Promise<{ status: number; contentType: string | null; body: Buffer }> {
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
