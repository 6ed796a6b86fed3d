/**
 * The patient's page in a real browser: a new patient with two prescriptions typed in the Rx form,
 * then their page - the latest Rx beside the previous one with the changed value marked, the WhatsApp
 * link, and "quote from the latest Rx" leading to the quotation form for that prescription.
 * Screenshots go to test-results/screenshots/patient-*.png (1366x800 and 390x844).
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
  local = await startTestStack('patient');
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await local?.stop();
}, 60_000);

const shot = (page: Page, name: string) => screenshot(page, `patient-${name}`);

describe.skipIf(!hasChromium)("a patient's page in the browser", () => {
  it('shows the Rx comparison, the WhatsApp link and starts a quote from the latest Rx', async () => {
    browser = await launchChromium();
    await runFlow(browser, 'patient', (page) => flow(page, local.stack.demoUrl));
  }, 120_000);
});

async function prescription(page: Page, base: string, patientId: string, examinedOn: string, od: string) {
  await page.goto(`${base}/prescriptions/new?patientId=${patientId}`);
  await page.getByLabel('Fecha del examen').fill(examinedOn);
  await page.getByLabel('Nombre del optometrista externo').fill('Dra. Externa');
  await page.getByLabel('OD esfera (D)', { exact: true }).fill(od);
  await page.getByLabel('OI esfera (D)', { exact: true }).fill('-1.00');
  await page.getByRole('button', { name: 'Guardar receta' }).click();
  await expect.poll(() => page.getByRole('status').first().textContent()).toContain('Receta guardada.');
}

async function flow(page: Page, base: string) {
  await logIn(page, base);
  await page.goto(`${base}/contacts/new`);
  await page.getByLabel('Nombre o razón social').fill('Ramona Peña Prueba');
  await page.getByLabel('Celular').fill('829-555-7788');
  await page.getByRole('button', { name: 'Crear contacto' }).click();
  await page.waitForURL(/\/contacts\/[0-9a-f-]{36}/);
  const patientId = /\/contacts\/([0-9a-f-]{36})/.exec(page.url())![1]!;
  await prescription(page, base, patientId, '2025-01-10', '-1.25');
  await prescription(page, base, patientId, '2025-06-10', '-1.75');

  await page.goto(`${base}/patients/${patientId}`);
  expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Ramona Peña Prueba');
  const comparison = page.locator('section[aria-labelledby="patient-rx"]');
  expect(await comparison.textContent()).toContain('Valores que cambiaron respecto a la receta anterior: 1');
  expect(await comparison.locator('.rx-changed').count()).toBe(1);
  expect(await comparison.locator('.rx-changed').textContent()).toContain('-1.75');
  expect(await page.getByRole('link', { name: 'Escribir por WhatsApp' }).getAttribute('href')).toBe(
    'https://wa.me/18295557788',
  );
  await shot(page, 'desktop');

  await page.setViewportSize({ width: 390, height: 844 });
  await page.reload();
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await shot(page, 'phone');
  await page.setViewportSize({ width: 1366, height: 800 });

  const quote = page.getByRole('link', { name: 'Cotizar con la última receta' });
  const href = await quote.getAttribute('href');
  expect(href).toMatch(/^\/quotations\/new\?prescription=[0-9a-f-]{36}$/);
  const response = await Promise.all([page.waitForResponse((r) => r.url().endsWith(href!)), quote.click()]);
  expect(response[0].status()).toBeLessThan(500);
  await shot(page, 'quote');
}
