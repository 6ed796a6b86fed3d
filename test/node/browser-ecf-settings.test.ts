/**
 * The e-CF settings page in a real browser at phone width (390 px) against `npm run dev`'s stack:
 * the demo owner opens Facturación electrónica, is refused a wrong password (htmx, 422 in place),
 * uploads the company's certificate (an openssl .p12 for the demo RNC), sees what it says, and
 * tests the connection against the DGII stand-in. Screenshots: test-results/screenshots/ecf-settings-*.png.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoCompanyRnc } from '../../dev/demo-data';
import type { DevStack } from '../../dev/stack';
import {
  hasChromium,
  launchChromium,
  logIn,
  newShopPage,
  screenshot,
  startTestStack,
  type TestStack,
} from '../support/browser-stack';

let local: TestStack;
let stack: DevStack;
let browser: Browser | undefined;
const certDir = mkdtempSync(path.join(tmpdir(), 'optiflow-ecf-settings-'));
const password = 'clave del certificado';

/** A legacy .p12 (as Dominican CAs issue them) for the demo company's RNC, self-signed by openssl. */
function companyP12(): string {
  const run = (...args: string[]) => execFileSync('openssl', args, { cwd: certDir, stdio: 'ignore' });
  // biome-ignore format: one openssl command per line reads best
  run('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'key.pem', '-out', 'cert.pem', '-days', '365',
    '-subj', `/C=DO/O=Optica Demo SRL/organizationIdentifier=VATDO-${demoCompanyRnc}/CN=OPTICA DEMO SRL`);
  // biome-ignore format: one openssl command per line reads best
  run('pkcs12', '-export', '-legacy', '-inkey', 'key.pem', '-in', 'cert.pem', '-out', 'empresa.p12',
    '-passout', `pass:${password}`);
  return path.join(certDir, 'empresa.p12');
}

beforeAll(async () => {
  local = await startTestStack('ecf-settings');
  stack = local.stack;
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await local?.stop();
  rmSync(certDir, { recursive: true, force: true });
}, 60_000);

describe('e-CF settings in the browser', () => {
  it.skipIf(!hasChromium)(
    'uploads the certificate and tests the connection at 390 px',
    async () => {
      const p12 = companyP12();
      browser = await launchChromium();
      const page = await newShopPage(browser, { width: 390, height: 844 });
      await logIn(page, stack.demoUrl);
      await page.goto(`${stack.demoUrl}/settings/ecf`);
      await expect
        .poll(() => page.getByRole('heading', { level: 1 }).textContent())
        .toBe('Facturación electrónica (e-CF)');
      await expect.poll(() => page.locator('#ecf-current').textContent()).toContain('Todavía no hay un certificado');

      // A wrong password: refused in place (htmx swaps the 422 panel), nothing stored.
      const loadedAt = await page.evaluate(() => performance.timeOrigin);
      await page.getByLabel('Ambiente de la DGII').selectOption('CerteCF');
      await page.getByLabel('Certificado (.p12 o .pfx)').setInputFiles(p12);
      await page.getByLabel('Contraseña del certificado').fill('no es la clave');
      await page.getByRole('button', { name: 'Guardar' }).click();
      await expect
        .poll(() => page.locator('#field-password-error').textContent())
        .toBe('La contraseña del certificado no es correcta.');
      expect(await page.evaluate(() => performance.timeOrigin)).toBe(loadedAt);
      expect(await page.locator('#ecf-current').textContent()).toContain('Todavía no hay un certificado');
      await screenshot(page, 'ecf-settings-wrong-password');

      await page.getByLabel('Certificado (.p12 o .pfx)').setInputFiles(p12);
      await page.getByLabel('Contraseña del certificado').fill(password);
      await page.getByRole('button', { name: 'Guardar' }).click();
      await expect.poll(() => page.locator('#ecf-certificate').textContent()).toContain(demoCompanyRnc);
      const facts = await page.locator('#ecf-certificate').textContent();
      expect(facts).toContain('Certificación (CerteCF)');
      expect(facts).toContain('OPTICA DEMO SRL');
      expect(await page.getByRole('status').first().textContent()).toContain('Se guardó la configuración');

      await page.getByRole('button', { name: 'Probar conexión' }).click();
      await expect
        .poll(() => page.locator('#ecf-test-result').textContent(), { timeout: 15_000 })
        .toContain('Conexión correcta con la DGII (Certificación (CerteCF))');
      // Nothing wider than the phone: the page does not scroll sideways.
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
      await screenshot(page, 'ecf-settings-saved');
    },
    180_000,
  );
});
