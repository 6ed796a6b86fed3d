/**
 * The Content-Security-Policy in a real browser: signed in as the demo owner, an htmx live search
 * still swaps its results in, the API tokens screen's confirm and select-on-focus work from
 * public/static/app.js, and Chromium reports no CSP violation anywhere on the way.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DevStack } from '../../dev/stack';
import {
  hasChromium,
  launchChromium,
  logIn,
  newShopPage,
  startTestStack,
  type TestStack,
} from '../support/browser-stack';

let local: TestStack;
let stack: DevStack;
let browser: Browser | undefined;

beforeAll(async () => {
  local = await startTestStack('security');
  stack = local.stack;
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await local?.stop();
}, 60_000);

/** Every CSP violation the page reports, from the console and from the DOM event. */
async function watchViolations(page: Page): Promise<string[]> {
  const violations: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
  });
  await page.exposeFunction('reportCspViolation', (text: string) => violations.push(text));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) =>
      (window as unknown as { reportCspViolation(text: string): void }).reportCspViolation(
        `${event.violatedDirective} ${event.blockedURI}`,
      ),
    );
  });
  return violations;
}

describe('content security policy in the browser', () => {
  it.skipIf(!hasChromium)('htmx works and nothing is refused', async () => {
    browser = await launchChromium();
    const page = await newShopPage(browser);
    const violations = await watchViolations(page);
    await logIn(page, stack.demoUrl);

    const contacts = await page.goto(`${stack.demoUrl}/contacts`);
    expect(contacts?.headers()['content-security-policy']).toContain("script-src 'self'");
    expect(contacts?.headers()['cache-control']).toBe('no-store');
    await expect.poll(() => page.evaluate(() => typeof (window as unknown as { htmx?: unknown }).htmx)).toBe('object');
    const loadedAt = await page.evaluate(() => performance.timeOrigin);
    await page.getByLabel('Buscar por nombre').pressSequentially('zzzz-nadie', { delay: 40 });
    await expect.poll(() => page.url()).toContain('q=zzzz-nadie');
    await expect.poll(() => page.locator('#contacts-results').textContent()).toMatch(/\S/);
    expect(await page.evaluate(() => performance.timeOrigin)).toBe(loadedAt); // swapped by htmx, no reload
    expect(await page.evaluate(() => document.querySelectorAll('style').length)).toBe(0); // htmx injected no <style>

    // A token: the new value selects itself on focus; revoking asks first (dismissed: nothing revoked).
    await page.goto(`${stack.demoUrl}/api-tokens`);
    await page.getByLabel('Nombre').fill('Navegador');
    await page.getByRole('button', { name: 'Crear llave' }).click();
    const value = page.locator('#new-token-value');
    await value.focus();
    await expect
      .poll(() =>
        page.evaluate(
          () => window.getSelection()?.toString() || (document.activeElement as HTMLInputElement).selectionEnd,
        ),
      )
      .toBeTruthy();
    let asked = '';
    page.once('dialog', (dialog) => {
      asked = dialog.message();
      void dialog.dismiss();
    });
    await page
      .getByRole('button', { name: /Revocar/ })
      .first()
      .click();
    await expect.poll(() => asked).toContain('¿Revocar la llave Navegador?');
    await page.goto(`${stack.demoUrl}/api-tokens`);
    expect(await page.locator('table').textContent()).toContain('Navegador');

    expect(violations).toEqual([]);
  });
});
